"""A meeting's programme as one spreadsheet, one row per item (``ProgrammeResource``), exported
and imported through django-import-export's preview and confirmation.

Columns, in order: Date, Session, Session kind, Session start, Session end, Room, No., Item,
Item kind, Start, End, Duration, Speakers (README, "Importing a programme"). Rows with the same
Date and Session make one session of the chosen meeting: the meeting's session of that title
on that day, updated, or else a new one. A row whose No., Item and Item kind are blank only
gives its session. The session's details (kind, times, room) are read from its first row;
later rows leave them blank or repeat them.

An import REPLACES the running order of each session the file names with the file's items, in
file order, with their speakers. A row's item is the session's stored item of the same English
title (any case; for an untitled item, of the same kind), the first not yet matched in running
order, updated in place: its key, its history and its titles in other languages stay. A row
without one adds an item; stored items no row matched are removed at the end, and where they
had titles in other languages the import says so (``ProgrammeImported.warnings``): an item
whose English title changed is such a removed item and an added one, since its translations
no longer say what its title does. Sessions the file does not name are untouched; places of a
session that no longer speak stay in the session. Everything
is checked as the admin checks it (``full_clean`` of rooms, sessions, items, people and places)
and each error is reported beside its column; a file with any bad row saves nothing (one
transaction, as ``PanellistResource.import_data``). The meeting's sessions are locked during
the import (``services.lock_panels``); sessions are saved with ``services.save_panel`` (a new
time or room revises their calendar entries), their running orders replaced with
``services.open_running_order``, ``save_item`` and ``remove_items``, which raise their
versions.

Cells are read by the widgets of ``formats`` and ``programme_cells``; the session, room,
person and place a row names are found by ``programme_lookups``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from import_export import fields, instance_loaders, resources
from import_export.results import Error, RowResult

from .. import services
from ..models import Panel, Person, Segment, SegmentKind, SessionKind
from ..translation import english_column, other_languages, without_repeated_errors
from .formats import (
    ChoiceWidget,
    TextWidget,
    WholeNumberWidget,
    header_spellings,
    is_blank,
    neutralise_formula,
    recognise_headers,
)
from .programme_cells import ClockWidget, DayWidget, cell_text, parse_speakers, speakers_text
from .programme_rows import ProgrammeImported, SessionInFile, programme_rows
from .programme_sessions import SessionRowMixin
from .spreadsheet import SpreadsheetResourceMixin

COLUMNS = [
    "date",
    "session",
    "session_kind",
    "session_start",
    "session_end",
    "room",
    "number",
    "item",
    "item_kind",
    "start",
    "end",
    "duration",
    "speakers",
]
# The columns that describe an item rather than its session.
ITEM_COLUMNS = ("number", "item", "item_kind", "start", "end", "duration", "speakers")
# Each item field's column, for the errors of ``Segment.full_clean``.
SEGMENT_COLUMNS = {
    "title": "item",
    "number": "number",
    "kind": "item_kind",
    "duration_minutes": "duration",
    "fixed_start": "start",
    "fixed_end": "end",
}


@dataclass
class RowOutcome:
    """What one saved row did: ``import_type`` (a ``RowResult`` type), its session (``key``,
    ``SessionInFile``), the minutes its item adds (``planned``; ``None`` for a row without an
    item), the item saved (``item``, a ``Segment``) and the roles and attendances it gave
    (``places``, as ``SessionInFile.places``)."""

    import_type: str
    session: SessionInFile
    key: tuple
    planned: int | None = None
    item: Segment | None = None
    places: dict = field(default_factory=dict)


class ProgrammeResource(SpreadsheetResourceMixin, SessionRowMixin, resources.Resource):
    """A meeting's programme as spreadsheet rows (one per item), and spreadsheet rows as a
    meeting's programme (see the module's docstring). ``meeting`` is the meeting imported
    into or exported (a ``Meeting``; ``None`` only for showing the columns)."""

    date = fields.Field(attribute="date", column_name=_("Date"), widget=DayWidget())
    session = fields.Field(attribute="session", column_name=_("Session"), widget=TextWidget())
    session_kind = fields.Field(
        attribute="session_kind",
        column_name=_("Session kind"),
        widget=ChoiceWidget(
            SessionKind,
            _("“%(value)s” is not a kind of session. Use one of %(choices)s, or leave it blank."),
        ),
    )
    session_start = fields.Field(
        attribute="session_start", column_name=_("Session start"), widget=ClockWidget()
    )
    session_end = fields.Field(
        attribute="session_end", column_name=_("Session end"), widget=ClockWidget()
    )
    room = fields.Field(attribute="room", column_name=_("Room"), widget=TextWidget())
    number = fields.Field(attribute="number", column_name=_("No."), widget=TextWidget())
    item = fields.Field(attribute="item", column_name=_("Item"), widget=TextWidget())
    item_kind = fields.Field(
        attribute="item_kind",
        column_name=_("Item kind"),
        widget=ChoiceWidget(
            SegmentKind,
            _("“%(value)s” is not a kind of item. Use one of %(choices)s, or leave it blank."),
        ),
    )
    start = fields.Field(attribute="start", column_name=_("Start"), widget=ClockWidget())
    end = fields.Field(attribute="end", column_name=_("End"), widget=ClockWidget())
    duration = fields.Field(
        attribute="duration",
        column_name=_("Duration"),
        widget=WholeNumberWidget(
            _(
                "“%(value)s” is not a number of minutes. Write whole minutes, e.g. 45, or "
                "leave it blank."
            )
        ),
    )
    speakers = fields.Field(attribute="speakers", column_name=_("Speakers"), widget=TextWidget())

    class Meta:
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        use_transactions = True
        report_skipped = True
        # Rows are matched by (meeting, day, session title), not by keys (``import_row``).
        instance_loader_class = instance_loaders.BaseInstanceLoader
        name = _("Programme")

    def __init__(self, meeting=None, user=None, **kwargs):
        """``meeting``: the one imported into; ``user``: the officer importing, whose rows
        find only the people they may see (``None``: everyone)."""
        super().__init__(**kwargs)
        self.meeting = meeting
        self.people = None if user is None else Person.objects.visible_to_team(user)
        # Headers in the language of the request (file headers in any language are accepted,
        # see ``before_import``).
        for column in self.fields.values():
            column.column_name = str(column.column_name)
        self.reset_import_state()

    @classmethod
    def get_display_name(cls):
        """The resource's name on the import page (as ``ModelResource`` gives it)."""
        return cls._meta.name

    def reset_import_state(self):
        """Forget what an earlier import with this resource found."""
        self.refused = False
        self.current_row = None
        self.sessions = {}
        self.items = 0

    # Export

    def export_programme(self):
        """The meeting's programme as a ``tablib.Dataset`` (``programme_rows``), every text
        cell neutralised against formula injection."""
        return self.export(programme_rows(self.meeting))

    def export_field(self, field, instance, **kwargs):
        """The cell's value, neutralised against formula injection (``neutralise_formula``);
        the speakers written as ``programme_cells.speakers_text`` does."""
        if field.attribute == "speakers":
            return neutralise_formula(speakers_text(instance.speakers))
        return super().export_field(field, instance, **kwargs)

    # Import

    def before_import(self, dataset, **kwargs):
        """Refuse a file without a meeting, with too many rows or without the Date and
        Session columns (``ValueError``, shown as the file's error); recognise the headers
        whatever their case or language; lock the meeting's sessions."""
        self.reset_import_state()
        self.refused = True
        if self.meeting is None:
            raise ValueError(_("Choose the meeting to import the programme into."))
        self.refuse_too_many_rows(dataset)
        columns = {name: self.column(name) for name in self.fields}
        spellings = header_spellings(type(self).fields, columns)
        dataset.headers = recognise_headers(dataset.headers, spellings)
        self.refuse_repeated_columns(dataset.headers, columns.values())
        missing = [
            self.column(name)
            for name in ("date", "session")
            if self.column(name) not in dataset.headers
        ]
        if missing:
            raise ValueError(
                _(
                    "This file has no “%(missing)s” column. A programme has the columns "
                    "%(columns)s, with their headers in the first row."
                )
                % {
                    "missing": "”, “".join(missing),
                    "columns": ", ".join(columns[name] for name in COLUMNS),
                }
            )
        services.lock_panels(Panel.objects.filter(meeting=self.meeting))
        self.refused = False

    def import_row(self, row, instance_loader, **kwargs):
        """Import one row in a savepoint of its own, so that a refused row leaves nothing
        behind for the rows that follow: a ``RowResult`` (new: the row adds an item or a
        session; update: it changes an existing session; skipped: blank, or only repeating
        its session). Every error is reported beside its column, none as a server error."""
        row_result = self.get_row_result_class()()
        if self.refused or all(is_blank(value) for value in row.values()):
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        row_result.diff = [self.shown(row, name) for name in COLUMNS]
        number = self.current_row = kwargs.get("row_number")
        try:
            with transaction.atomic():
                outcome = self.import_programme_row(row, number)
        except ValidationError as error:
            self.note_refused_session(row)
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
            return row_result
        except IntegrityError:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                _(
                    "This row clashes with a change saved at the same moment (a session has "
                    "one moderator, and each person one place in it). Import the file again."
                )
            )
            return row_result
        except Exception as error:  # shown as the row's error rather than a server error
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(Error(error, row=row, number=number))
            return row_result
        self.remember(outcome)
        row_result.import_type = outcome.import_type
        return row_result

    def shown(self, row, name):
        """The cell of column ``name`` as the preview shows it (text)."""
        value = row.get(self.column(name))
        widget = self.fields[name].widget
        if isinstance(widget, DayWidget | ClockWidget) and not isinstance(value, str):
            try:
                return widget.render(widget.clean(value))
            except ValueError:
                pass
        return cell_text(value)

    def read_cells(self, row):
        """Every cell of ``row`` read (speakers as ``SpeakerMention`` lists), and the errors
        of those that cannot be: ``(cells, errors)``, dicts by field name and by header."""
        cells, errors = {}, {}
        for name in COLUMNS:
            try:
                if name == "speakers":
                    cells[name] = parse_speakers(cell_text(row.get(self.column(name))))
                else:
                    cells[name] = self.cell(row, name)
            except ValueError as error:
                cells[name] = None
                errors[self.column(name)] = [str(error)]
        return cells, errors

    def import_programme_row(self, row, number):
        """Read, check and save one row: its session (``SessionRowMixin.import_session``) and
        its item with the item's speakers. Returns a ``RowOutcome``; raises
        ``ValidationError`` with every error of the row keyed by its column's header."""
        cells, errors = self.read_cells(row)
        if cells["date"] is None and self.column("date") not in errors:
            errors[self.column("date")] = [_("Give the session's day, e.g. 2017-02-16.")]
        if not cells["session"] and self.column("session") not in errors:
            errors[self.column("session")] = [_("Give the session's title.")]
        if self.column("date") in errors or self.column("session") in errors:
            raise ValidationError(errors)
        key = (cells["date"], cells["session"].casefold())
        session, import_type = self.import_session(key, cells, errors, number)
        outcome = RowOutcome(import_type=import_type, session=session, key=key)
        if not any(cells[name] for name in ("number", "item", "item_kind")):
            given = [name for name in ITEM_COLUMNS if cells[name]]
            if given:
                errors.setdefault(self.column("item"), []).append(
                    _(
                        "Give the item's title or kind, or leave %(columns)s blank in a row "
                        "that only gives its session."
                    )
                    % {"columns": ", ".join(self.column(name) for name in given)}
                )
            if errors:
                raise ValidationError(errors)
            if import_type == RowResult.IMPORT_TYPE_NEW and number != session.first_row:
                outcome.import_type = RowResult.IMPORT_TYPE_SKIP
            return outcome
        outcome.import_type = RowResult.IMPORT_TYPE_NEW
        self.import_item(session, cells, errors, number, outcome)
        return outcome

    def import_item(self, session, cells, errors, number, outcome):
        """Check and save the row's item as the next of ``session``'s running order, with its
        speakers (``speaker_places``): the stored item it matches (``stored_item``), updated,
        or a new one. Adds to ``errors`` and raises ``ValidationError``."""
        panel = session.panel
        kind = cells["item_kind"]
        if kind is None and self.column("item_kind") not in errors:
            if cells["item"]:
                kind = SegmentKind.OTHER
            else:
                errors.setdefault(self.column("item"), []).append(
                    _("Give the item's title, or its kind.")
                )
        title = cells["item"] or ""
        segment = stored_item(session, title, kind) or Segment()
        segment.panel = panel
        segment.kind = kind or SegmentKind.OTHER
        if (getattr(segment, english_column(Segment, "title")) or "") != title:
            setattr(segment, english_column(Segment, "title"), title)
        segment.number = cells["number"] or ""
        segment.duration_minutes = cells["duration"]
        segment.fixed_start, segment.fixed_end = cells["start"], cells["end"]
        segment.order = len(session.saved)
        self.check(segment, SEGMENT_COLUMNS, errors, exclude=["panel"])
        if segment.fixed_start is not None and self.column("start") not in errors:
            self.refuse_overlap(session, segment, errors)
        planned = session.planned + (segment.duration_minutes or 0)
        if panel.is_published and self.column("duration") not in errors:
            refusal = panel.publishing_refusal(planned)
            if refusal:
                errors.setdefault(self.column("duration"), []).append(refusal)
        places = self.speaker_places(session, cells["speakers"] or [], errors, number, outcome)
        if errors:
            raise ValidationError(errors)
        services.save_item(segment, places)
        outcome.planned = segment.duration_minutes or 0
        outcome.item = segment

    def refuse_overlap(self, session, segment, errors):
        """Refuse, under "Start", an item whose fixed start falls before the item before it
        ends (the session's items the file gave so far placed with it,
        ``Panel.placed_items``)."""
        panel = session.panel
        if not panel.is_timed:
            return
        items = [*session.saved, segment]
        placed, clashes = panel.placed_items(items)
        if any(
            clash.code == "starts_before_previous_ends" and clash.position == len(items) - 1
            for clash in clashes
        ):
            end = max(
                (item.end for item in placed[:-1] if item.end is not None),
                key=lambda moment: moment.timestamp(),
            )
            errors.setdefault(self.column("start"), []).append(
                _("The item before it runs until %(end)s: start this one then or later.")
                % {"end": f"{end.astimezone(panel.zone):%H:%M}"}
            )

    def check(self, obj, columns, errors, exclude=()):
        """``obj.full_clean()``, each error added to ``errors`` under the header of its field's
        column (``columns`` maps field names to resource field names, or to ``None`` for a
        field whose errors are ignored; other fields' errors are the row's). Fields whose
        column already has an error are not checked again."""
        excluded = [
            name for name, column in columns.items() if column and self.column(column) in errors
        ]
        try:
            obj.full_clean(exclude=[*excluded, *exclude])
        except ValidationError as error:
            for name, messages in without_repeated_errors(obj, error.message_dict).items():
                if name in columns and columns[name] is None:
                    continue
                header = self.column(columns[name]) if name in columns else NON_FIELD_ERRORS
                errors.setdefault(header, []).extend(messages)

    def remember(self, outcome):
        """Note what a saved row did, for the rows that follow."""
        session = outcome.session
        self.sessions[outcome.key] = session
        if outcome.item is not None:
            session.stored = [item for item in session.stored if item.pk != outcome.item.pk]
            session.saved.append(outcome.item)
            session.planned += outcome.planned
            self.items += 1
        for key, noted in outcome.places.items():
            session.places[key] = {**session.places.get(key, {}), **noted}

    def note_refused_session(self, row):
        """After a refused row: when it was the first of its session, note the session as
        refused, so that its later rows say where to look."""
        try:
            key = (self.cell(row, "date"), (self.cell(row, "session") or "").casefold())
        except ValueError:
            return
        if key[0] is not None and key[1] and key not in self.sessions:
            self.sessions[key] = SessionInFile(panel=None, first_row=self.current_row)

    def after_import(self, dataset, result, **kwargs):
        """Remove the stored items of the file's sessions that no row matched
        (``services.remove_items``), and give the result what the import did
        (``result.programme``, a ``ProgrammeImported``), with a warning for each removed item
        that had titles in other languages."""
        warnings = []
        for state in self.sessions.values():
            if state.panel is None or not state.stored:
                continue
            for item in state.stored:
                languages = other_languages(item, "title")
                if languages:
                    warnings.append(removed_translations_warning(state.panel, item, languages))
            services.remove_items(state.panel, state.stored)
        sessions = [state.panel.pk for state in self.sessions.values() if state.panel]
        result.programme = ProgrammeImported(
            meeting=self.meeting, sessions=sessions, items=self.items, warnings=warnings
        )


def item_key(title, kind):
    """What matches a row's item with a stored one: its English title whatever its case (a
    change of case leaves its translations right), or, for an untitled item, its kind (a
    title is ``None`` in a language column never filled in)."""
    title = title or ""
    return (title.casefold(), "" if title else kind)


def stored_item(session, title, kind):
    """The first of ``session``'s stored items not yet matched whose English title is
    ``title`` (``item_key``), or ``None``."""
    key = item_key(title, kind)
    column = english_column(Segment, "title")
    return next(
        (item for item in session.stored if item_key(getattr(item, column), item.kind) == key),
        None,
    )


def removed_translations_warning(panel, item, languages):
    """The officer's warning that ``item`` of ``panel`` is removed with its titles in
    ``languages`` (codes)."""
    return _(
        "“%(session)s” (%(date)s): the file has no item “%(item)s”, so it is removed with its "
        "titles in other languages (%(languages)s). If its English title changed, enter them "
        "again on the session's page."
    ) % {
        "session": getattr(panel, english_column(Panel, "title")),
        "date": f"{panel.date:%Y-%m-%d}",
        "item": getattr(item, english_column(Segment, "title")) or item.display_title,
        "languages": ", ".join(
            str(get_language_info(code)["name_translated"]) for code in languages
        ),
    }
