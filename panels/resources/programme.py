"""A meeting's programme as one spreadsheet, one row per item (``ProgrammeResource``), exported
and imported through django-import-export's preview and confirmation.

Columns, in order: Date, Session, Session kind, Session start, Session end, Room, No., Item,
Item kind, Start, End, Duration, Speakers (README, "Importing a programme"). Rows with the same
Date and Session make one session of the chosen meeting: the meeting's session of that title
on that day, updated, or else a new one. A row whose No., Item and Item kind are blank only
gives its session. The session's details (kind, times, room) are read from its first row;
later rows leave them blank or repeat them.

An import REPLACES the running order of each session the file names: its items are deleted
and the file's items created in file order, with their speakers. Sessions the file does not
name are untouched; places of a session that no longer speak stay in the session. Everything
is checked as the admin checks it (``full_clean`` of rooms, sessions, items, people and places)
and each error is reported beside its column; a file with any bad row saves nothing (one
transaction, as ``PanellistResource.import_data``). The meeting's sessions are locked during
the import (``services.lock_panels``); sessions are saved with ``services.save_panel`` (a new
time or room revises their calendar entries), their running orders replaced with
``services.clear_running_order`` and ``services.add_item``, which raise their versions.

Cells are read by the widgets of ``formats`` and ``programme_cells``; the session, room,
person and place a row names are found by ``programme_lookups``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from import_export import fields, instance_loaders, resources
from import_export.results import Error, RowResult

from .. import services
from ..models import Panel, Person, Segment, SegmentKind, SessionKind
from ..translation import english_column, without_repeated_errors
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
    item) and the roles and attendances it gave (``places``, as ``SessionInFile.places``)."""

    import_type: str
    session: SessionInFile
    key: tuple
    planned: int | None = None
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
        speakers (``speaker_places``). Adds to ``errors`` and raises ``ValidationError``."""
        panel = session.panel
        kind = cells["item_kind"]
        if kind is None and self.column("item_kind") not in errors:
            if cells["item"]:
                kind = SegmentKind.OTHER
            else:
                errors.setdefault(self.column("item"), []).append(
                    _("Give the item's title, or its kind.")
                )
        segment = Segment(
            panel=panel,
            kind=kind or SegmentKind.OTHER,
            **{english_column(Segment, "title"): cells["item"] or ""},
            number=cells["number"] or "",
            duration_minutes=cells["duration"],
            fixed_start=cells["start"],
            fixed_end=cells["end"],
            order=session.items,
        )
        self.check(segment, SEGMENT_COLUMNS, errors, exclude=["panel"])
        if segment.fixed_start is not None and self.column("start") not in errors:
            self.refuse_overlap(panel, segment, errors)
        planned = session.planned + (segment.duration_minutes or 0)
        if panel.is_published and self.column("duration") not in errors:
            refusal = panel.publishing_refusal(planned)
            if refusal:
                errors.setdefault(self.column("duration"), []).append(refusal)
        places = self.speaker_places(session, cells["speakers"] or [], errors, number, outcome)
        if errors:
            raise ValidationError(errors)
        services.add_item(segment, places)
        outcome.planned = segment.duration_minutes or 0

    def refuse_overlap(self, panel, segment, errors):
        """Refuse, under "Start", an item whose fixed start falls before the item before it
        ends (the session's items so far placed with it, ``Panel.placed_items``)."""
        if not panel.is_timed:
            return
        items = [*Segment.objects.filter(panel=panel).in_running_order(), segment]
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
        if outcome.planned is not None:
            session.items += 1
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
        """Give the result what the import did (``result.programme``, a
        ``ProgrammeImported``)."""
        sessions = [state.panel.pk for state in self.sessions.values() if state.panel]
        result.programme = ProgrammeImported(
            meeting=self.meeting, sessions=sessions, items=self.items
        )
