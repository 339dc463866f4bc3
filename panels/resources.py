"""The secretariat's spreadsheet of panellists: one row per person's place on a panel.

Exported from the admin (the panels' "Export panellists of selected panels (CSV)" action, the
panellist list's "Export" button) and imported from a CSV or XLSX file with the same columns
(the panellist list's "Import" button), through django-import-export's preview and
confirmation. Columns, in order: Meeting, Panel, Panel ID, Name, Honorific, Position,
Organisation, Email, Role, Status, Answered at, Order, Presentation title. An export
re-imports without loss.

Importing, row by row (``PanellistResource``):

- the panel is found by its ID, else by its title (within the meeting, when one is given);
  a title or meeting that contradicts the ID is an error, not a guess;
- the person by email address (any case), else, on that panel, by name; else they are added.
  A blank email address never erases a stored one;
- the place on the panel by (panel, person): it is updated, or added;
- role and status are accepted as their label in any of the site's languages or as their stored
  value ("Moderator", "moderator"). The status is changed only when the column is filled in,
  through ``services.record_answer``, which stamps the answer time: the file's "Answered at"
  when it gives one, else the moment of the import;
- every row is checked as the admin checks a form (``full_clean``, including the database's
  rules: one moderator per panel, one place per person), and a second row for the same person
  on the same panel is refused. Each error is reported beside its column, in words.

The import runs in one transaction and a file with any bad row saves nothing, whichever step
finds it (``import_data`` always rolls back on row errors). Panels whose panellists change have
their version increased (``services.bump_panel_versions``), so that an open copy of such a
panel's admin page refuses to overwrite the import.

Spreadsheet formula injection (OWASP "CSV Injection"): an exported text cell that begins with
``= + - @``, a tab or a carriage return is prefixed with an apostrophe, so that Excel and
LibreOffice show it as text instead of running it; the import removes that apostrophe again.
"""

import csv
from datetime import UTC, datetime
from functools import cached_property

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from . import services
from .models import AnswerStatus, Honorific, Panel, Panellist, Person, Role

# Rows one import takes: far more than a meeting's panellists, few enough that an import holds
# the database (SQLite locks it whole) for seconds, not minutes.
MAX_IMPORT_ROWS = 1000

# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise_formula(value):
    """``value`` as safe spreadsheet text: a str beginning with ``= + - @``, a tab or a carriage
    return gets an apostrophe in front, so that the spreadsheet shows it instead of running it.

    So does a str in which apostrophes come before one of those, so that
    ``restore_formula_text`` gives back exactly the stored text. Other values are returned
    unchanged.
    """
    if isinstance(value, str) and value.lstrip(ESCAPE).startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def restore_formula_text(value):
    """Undo ``neutralise_formula`` on a str read from a file: one leading apostrophe is removed
    when what follows it would have been neutralised."""
    if value.startswith(ESCAPE) and value.lstrip(ESCAPE).startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def is_blank(value):
    """Whether a cell read from a file is empty (``None``, or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


class SpreadsheetCSV(base_formats.CSV):
    """CSV as spreadsheets save it: comma- or semicolon-separated.

    Excel in French, German or Spanish, among others, separates with semicolons. The separator
    is read from the header line.
    """

    def create_dataset(self, in_stream, **kwargs):
        """A ``tablib.Dataset`` from the file's text (or bytes), split by its separator."""
        text = in_stream
        if isinstance(text, bytes):
            text = text.decode(self.encoding or "utf-8-sig")
        header = text.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return super().create_dataset(text, delimiter=delimiter, **kwargs)

    def export_data(self, dataset, **kwargs):
        """The dataset as CSV text with every cell quoted.

        Quoting every cell keeps a text such as ``Org;=2+3`` in one cell when a spreadsheet
        that separates with semicolons opens the file; unquoted, the part after the semicolon
        would become a cell of its own, and a formula (OWASP, "CSV Injection").
        """
        return super().export_data(dataset, quoting=csv.QUOTE_ALL, **kwargs)


# The formats of the secretariat's files.
SPREADSHEET_FORMATS = [SpreadsheetCSV, base_formats.XLSX]


class TextWidget(widgets.CharWidget):
    """A one-line text: surrounding white space removed, a formula-escaping apostrophe undone.

    With ``blank_means_keep``, an empty cell reads as ``None``, so that the stored value is kept
    (the field is declared with ``saves_null_values=False``).
    """

    def __init__(self, blank_means_keep=False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.blank_means_keep = blank_means_keep

    def clean(self, value, row=None, **kwargs):
        """The cell as stored text: ``""`` (or ``None``, see above) for an empty cell."""
        if is_blank(value):
            return None if self.blank_means_keep else ""
        return restore_formula_text(force_str(value).strip())


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number; an empty cell reads as ``None``. Anything else is explained."""

    def __init__(self, message):
        super().__init__(coerce_to_string=True)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        """The cell as an int (a spreadsheet may give 12.0); raises ``ValueError``."""
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = restore_formula_text(force_str(value).strip())
        try:
            return int(text)
        except ValueError:
            raise ValueError(self.message % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        """The number as text, or as an int for formats that keep types (XLSX)."""
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class ChoiceWidget(TextWidget):
    """One of ``choices`` (a ``TextChoices``), written as its label.

    Read from its label in any of the site's languages or from its stored value, in any case
    ("Moderator", "moderator", "MODERATOR"). An empty cell reads as ``None`` (or ``""`` when
    ``blank`` is a valid choice); anything else raises ``ValueError`` with ``message``, which
    receives ``%(value)s`` and ``%(choices)s``.
    """

    def __init__(self, choices, message, blank_allowed=False):
        super().__init__(blank_means_keep=not blank_allowed)
        self.choices = choices
        self.message = message
        self.blank_allowed = blank_allowed

    @cached_property
    def spellings(self):
        """Every accepted spelling, case-folded, mapped to its stored value."""
        spellings = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for choice in self.choices:
                    spellings.setdefault(str(choice.label).casefold(), choice.value)
        for choice in self.choices:
            spellings[choice.value.casefold()] = choice.value
        return spellings

    def clean(self, value, row=None, **kwargs):
        """The stored value of the choice the cell names; raises ``ValueError``."""
        text = super().clean(value, row, **kwargs)
        if not text:
            return "" if self.blank_allowed else None
        try:
            return self.spellings[text.casefold()]
        except KeyError:
            labels = ", ".join(str(choice.label) for choice in self.choices)
            raise ValueError(self.message % {"value": text, "choices": labels}) from None

    def render(self, value, obj=None, **kwargs):
        """The choice's label in the current language."""
        if value in self.choices.values:
            return str(self.choices(value).label)
        return super().render(value, obj, **kwargs)


def answered_at_text(panellist):
    """When ``panellist`` answered, as ISO 8601 with the offset of their meeting's zone
    ("2017-01-20T09:30:00-05:00"), to the second; in UTC when that zone is not valid; ``""``
    when they have not answered."""
    moment = panellist.responded_at
    if moment is None:
        return ""
    zone = UTC
    if panellist.panel_id and panellist.panel.meeting.has_valid_time_zone():
        zone = panellist.panel.meeting.zone
    return moment.astimezone(zone).isoformat(timespec="seconds")


class AnsweredAtField(fields.Field):
    """The "Answered at" column: ``responded_at`` in the meeting's zone (``answered_at_text``).

    Read-only: an answer time is recorded only with a change of status (see
    ``PanellistResource.import_instance``).
    """

    def export(self, instance, **kwargs):
        """The answer time as text (``answered_at_text``)."""
        return answered_at_text(instance)


class PanellistResource(resources.ModelResource):
    """A panellist as a spreadsheet row, and a spreadsheet row as a panellist (see the module's
    docstring for the rules of the import)."""

    meeting = fields.Field(
        attribute="panel__meeting__title",
        column_name=_("Meeting"),
        widget=TextWidget(),
        readonly=True,
    )
    panel = fields.Field(
        attribute="panel__title", column_name=_("Panel"), widget=TextWidget(), readonly=True
    )
    panel_id = fields.Field(
        attribute="panel_id",
        column_name=_("Panel ID"),
        widget=WholeNumberWidget(
            _(
                "“%(value)s” is not a panel ID. Give the number from an export, or leave it "
                "blank and give the panel's title."
            )
        ),
        readonly=True,
    )
    name = fields.Field(attribute="person__name", column_name=_("Name"), widget=TextWidget())
    honorific = fields.Field(
        attribute="person__honorific",
        column_name=_("Honorific"),
        widget=ChoiceWidget(
            Honorific,
            _("“%(value)s” is not an honorific. Use one of %(choices)s, or leave it blank."),
            blank_allowed=True,
        ),
    )
    position = fields.Field(
        attribute="person__position", column_name=_("Position"), widget=TextWidget()
    )
    organisation = fields.Field(
        attribute="person__organisation", column_name=_("Organisation"), widget=TextWidget()
    )
    email = fields.Field(
        attribute="person__email",
        column_name=_("Email"),
        widget=TextWidget(blank_means_keep=True),
        saves_null_values=False,
    )
    role = fields.Field(
        attribute="role",
        column_name=_("Role"),
        widget=ChoiceWidget(Role, _("“%(value)s” is not a role. Use one of %(choices)s.")),
        saves_null_values=False,
    )
    status = fields.Field(
        attribute="status",
        column_name=_("Status"),
        widget=ChoiceWidget(
            AnswerStatus,
            _("“%(value)s” is not a status. Use one of %(choices)s, or leave it blank."),
        ),
        readonly=True,
    )
    answered_at = AnsweredAtField(
        attribute="responded_at", column_name=_("Answered at"), readonly=True
    )
    order = fields.Field(
        attribute="order",
        column_name=_("Order"),
        widget=WholeNumberWidget(_("“%(value)s” is not a whole number.")),
        saves_null_values=False,
    )
    presentation_title = fields.Field(
        attribute="presentation_title",
        column_name=_("Presentation title"),
        widget=TextWidget(),
    )

    # The resource's field for each model field that validation may report on.
    PANELLIST_FIELDS = {
        "panel": "panel",
        "person": "name",
        "role": "role",
        "order": "order",
        "presentation_title": "presentation_title",
        "status": "status",
        "responded_at": "answered_at",
    }
    PERSON_FIELDS = {
        "name": "name",
        "honorific": "honorific",
        "position": "position",
        "organisation": "organisation",
        "email": "email",
    }

    class Meta:
        model = Panellist
        fields = [
            "meeting",
            "panel",
            "panel_id",
            "name",
            "honorific",
            "position",
            "organisation",
            "email",
            "role",
            "status",
            "answered_at",
            "order",
            "presentation_title",
        ]
        # Rows are matched by (panel, person), found from several columns (``get_instance``),
        # not by columns holding the keys themselves.
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        name = _("Panellists")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Headers in the language of the request (file headers in any language are accepted,
        # see ``before_import``).
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        self.reset_import_state()

    def reset_import_state(self):
        """Forget what an earlier import with this resource found."""
        self.row_number = None
        self.panels_found = {}
        self.places_in_file = {}
        self.people_in_file = {}
        self.changed_panels = set()

    def column(self, name):
        """The header of the resource field ``name`` in the current language."""
        return self.fields[name].column_name

    # Export

    def filter_export(self, queryset, **kwargs):
        """The panellists in programme order, each with their panel, meeting and person."""
        return queryset.select_related("panel__meeting", "person").order_by(
            "panel__meeting__start_date",
            "panel__meeting__pk",
            "panel__date",
            "panel__start_time",
            "panel__pk",
            "order",
            "pk",
        )

    def export_field(self, field, instance, **kwargs):
        """The cell's value, neutralised against formula injection (``neutralise_formula``).

        Done here rather than with ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``, which only
        strips one leading "=" (so "==1+1" stays a formula, and + - @ are left alone), loses
        that "=" from the data and writes empty cells as "None".
        """
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    # Import

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import ``dataset`` in one transaction that is rolled back when any row is refused,
        whether the row raised an error or failed validation: a rejected file saves nothing."""
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def header_spellings(self):
        """Each accepted header, case-folded, mapped to its column in the current language.

        A column is recognised by its header in any of the site's languages, or by the
        resource field's name ("panel_id", "email").
        """
        spellings = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for name, field in type(self).fields.items():
                    spellings.setdefault(
                        str(field.column_name).strip().casefold(), self.column(name)
                    )
        for name in self.fields:
            spellings.setdefault(name.casefold(), self.column(name))
            spellings.setdefault(name.replace("_", " ").casefold(), self.column(name))
        return spellings

    def before_import(self, dataset, **kwargs):
        """Recognise the file's headers, and lock the panels it names.

        Headers are matched whatever their case or language; other columns are ignored. The
        panels are locked in one order (by key), as every other save that changes several
        panels does, so that the import and an officer's save wait for each other instead of
        deadlocking.
        """
        if len(dataset) > MAX_IMPORT_ROWS:
            # Shown as the file's error on the preview (the library prints ``str(error)``).
            raise ValueError(
                _(
                    "This file has %(rows)d rows; an import takes at most %(limit)d. Split it "
                    "into smaller files."
                )
                % {"rows": len(dataset), "limit": MAX_IMPORT_ROWS}
            )
        self.reset_import_state()
        spellings = self.header_spellings()
        dataset.headers = [
            spellings.get(force_str(header or "").strip().casefold(), force_str(header or ""))
            for header in dataset.headers or []
        ]
        found = set()
        for values in dataset:
            row = dict(zip(dataset.headers, values, strict=False))
            try:
                found.add(self.find_panel(row).pk)
            except (ValidationError, ValueError):
                continue
        list(
            Panel.objects.select_for_update()
            .filter(pk__in=found)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def import_row(self, row, instance_loader, **kwargs):
        """Import one row; a row with every cell empty is skipped (spreadsheets keep them)."""
        if all(is_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        """Note the row's number, for the messages about later rows."""
        self.row_number = kwargs.get("row_number")

    def cell(self, row, name):
        """The cleaned value of column ``name`` in ``row``, or ``None`` when the file has no
        such column. Raises ``ValueError`` for a value the column cannot hold."""
        field = self.fields[name]
        if field.column_name not in row:
            return None
        return field.clean(row)

    def find_panel(self, row):
        """The panel that ``row`` names, by "Panel ID", else by "Panel" (its title) within
        "Meeting" when given. Raises ``ValidationError`` saying why none is found."""
        panel_id = self.cell(row, "panel_id")
        title = self.cell(row, "panel") or ""
        meeting = self.cell(row, "meeting") or ""
        key = (panel_id, title.casefold(), meeting.casefold())
        if key not in self.panels_found:
            try:
                self.panels_found[key] = self.look_up_panel(panel_id, title, meeting)
            except ValidationError as error:
                self.panels_found[key] = error
        found = self.panels_found[key]
        if isinstance(found, ValidationError):
            raise found
        return found

    def look_up_panel(self, panel_id, title, meeting):
        """The panel with ``panel_id`` (an int or ``None``), checked against ``title`` and
        ``meeting`` when they are given; else the one panel with that title (in that
        meeting). Raises ``ValidationError`` in the secretariat's words."""
        panels = Panel.objects.select_related("meeting")
        if panel_id is not None:
            panel = panels.filter(pk=panel_id).first()
            if panel is None:
                raise ValidationError(
                    _(
                        "No panel has the ID %(id)s. Check the panel ID, or leave it blank and "
                        "give the panel's title."
                    )
                    % {"id": panel_id}
                )
            if title and title.casefold() != panel.title.casefold():
                raise ValidationError(
                    _(
                        "Panel %(id)s is “%(actual)s”, not “%(given)s”. Check the panel ID and "
                        "the title."
                    )
                    % {"id": panel_id, "actual": panel.title, "given": title}
                )
            if meeting and meeting.casefold() != panel.meeting.title.casefold():
                raise ValidationError(
                    _("Panel %(id)s is in the meeting “%(actual)s”, not “%(given)s”.")
                    % {"id": panel_id, "actual": panel.meeting.title, "given": meeting}
                )
            return panel
        if not title:
            raise ValidationError(_("Give the panel: its ID from an export, or its title."))
        candidates = panels.filter(title__iexact=title)
        if meeting:
            candidates = candidates.filter(meeting__title__iexact=meeting)
        candidates = list(candidates[:2])
        if not candidates:
            if meeting:
                raise ValidationError(
                    _("No panel of the meeting “%(meeting)s” is called “%(title)s”.")
                    % {"meeting": meeting, "title": title}
                )
            raise ValidationError(_("No panel is called “%(title)s”.") % {"title": title})
        if len(candidates) > 1:
            raise ValidationError(
                _(
                    "Several panels are called “%(title)s”. Give the panel ID (from an export) "
                    "to say which."
                )
                % {"title": title}
            )
        return candidates[0]

    def find_person(self, row, panel):
        """The person that ``row`` names: by email address (any case), preferring one already
        on ``panel``; else, on ``panel``, by name (any case) when they have no address yet, or
        when the row gives none. A new, unsaved ``Person`` when nobody matches. Raises
        ``ValidationError`` when the name matches several people on the panel."""
        email = self.cell(row, "email")
        name = self.cell(row, "name") or ""
        on_panel = Person.objects.filter(panel_places__panel=panel) if panel else None
        if email:
            by_email = Person.objects.filter(email__iexact=email).order_by("pk")
            person = None
            if on_panel is not None:
                person = by_email.filter(pk__in=on_panel).first()
            person = person or by_email.first()
            if person is not None:
                return person
        if on_panel is not None and name:
            namesakes = on_panel.filter(name__iexact=name)
            if email:
                namesakes = namesakes.filter(email="")
            namesakes = list(namesakes.order_by("pk")[:2])
            if len(namesakes) > 1:
                raise ValidationError(
                    _(
                        "Several people on this panel are called “%(name)s”. Give their email "
                        "addresses to say which."
                    )
                    % {"name": name}
                )
            if namesakes:
                return namesakes[0]
        return Person()

    def get_or_init_instance(self, instance_loader, row):
        """The panellist ``row`` describes, and whether it is new (see ``find_panel`` and
        ``find_person``). Problems finding the panel or person are kept on the instance and
        reported with the row's other errors (``import_instance``)."""
        errors = {}
        panel = person = None
        try:
            panel = self.find_panel(row)
        except ValidationError as error:
            errors[self.column("panel")] = error.messages
        except ValueError as error:
            errors[self.column("panel_id")] = [str(error)]
        try:
            person = self.find_person(row, panel)
        except ValidationError as error:
            errors[self.column("name")] = error.messages
            person = Person()
        instance = None
        if panel is not None and person.pk is not None:
            instance = Panellist.objects.filter(panel=panel, person=person).first()
        new = instance is None
        if new:
            instance = Panellist(person=person)
            if panel is not None:
                instance.panel = panel
                last = panel.panellists.aggregate(last=Max("order"))["last"]
                instance.order = 0 if last is None else last + 1
        else:
            instance.panel = panel
            instance.person = person
        instance.import_errors = errors
        instance.person_as_loaded = {name: getattr(person, name) for name in self.PERSON_FIELDS}
        instance.answer_to_record = None
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values on the panellist and their person; read the status to record.

        Each error is keyed by its column's header. Also refused: a second row of the file for
        the same person on the same panel, and a row that gives a person other details than an
        earlier row did.
        """
        errors = dict(instance.import_errors)
        for field in self.fields.values():
            if field.readonly or field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        try:
            status = self.cell(row, "status")
        except ValueError as error:
            errors[self.column("status")] = [str(error)]
        else:
            if status and status != instance.status:
                try:
                    instance.answer_to_record = (status, self.answer_time(instance, row))
                except ValueError as error:
                    errors[self.column("answered_at")] = [str(error)]
        person = instance.person
        if person.pk is not None and instance.panel_id is not None:
            place = self.places_in_file.get((instance.panel_id, person.pk))
            earlier = self.people_in_file.get(person.pk)
            if place is not None and place != self.row_number:
                errors.setdefault(self.column("name"), []).append(
                    _(
                        "This person is already on this panel in row %(row)d of the file; a "
                        "person has one place on a panel."
                    )
                    % {"row": place}
                )
            elif (
                earlier is not None
                and earlier != self.row_number
                and self.person_changed(instance, ignore_email_case=True)
            ):
                errors.setdefault(self.column("name"), []).append(
                    _(
                        "Row %(row)d of the file gives other details for this person. Give the "
                        "same name, honorific, position, organisation and email address in every "
                        "row of one person."
                    )
                    % {"row": earlier}
                )
        if errors:
            raise ValidationError(errors)
        self.remember(instance)

    def remember(self, instance):
        """Note the row's person and place (when they exist), for the rows that follow."""
        if instance.person.pk is None or instance.panel_id is None:
            return
        self.places_in_file.setdefault((instance.panel_id, instance.person.pk), self.row_number)
        self.people_in_file.setdefault(instance.person.pk, self.row_number)

    def answer_time(self, instance, row):
        """The answer time the row gives, as an aware datetime, or ``None`` (then the moment
        of the import is recorded). A time without an offset is read in the meeting's zone.
        A time equal to the one recorded is not taken: it belongs to the earlier answer.
        Raises ``ValueError`` for text that is not an ISO 8601 date and time."""
        field = self.fields["answered_at"]
        value = row.get(field.column_name)
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            text = restore_formula_text(force_str(value).strip())
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _(
                        "“%(value)s” is not a date and time. Write it as in an export, e.g. "
                        "2017-01-20T09:30:00-05:00, or leave it blank."
                    )
                    % {"value": text}
                ) from None
        if timezone.is_naive(moment):
            zone = UTC
            if instance.panel_id and instance.panel.meeting.has_valid_time_zone():
                zone = instance.panel.meeting.zone
            moment = moment.replace(tzinfo=zone)
        if moment == instance.responded_at:
            return None
        return moment

    def person_changed(self, instance, ignore_email_case=False):
        """Whether the row changes the details of the panellist's (existing) person; with
        ``ignore_email_case``, an email address written in other capitals is no change."""

        def comparable(name, value):
            return value.casefold() if ignore_email_case and name == "email" else value

        return any(
            comparable(name, getattr(instance.person, name)) != comparable(name, value)
            for name, value in instance.person_as_loaded.items()
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Skip a row that changes nothing; a new place or a change of status is never
        skipped."""
        if instance.pk is None or instance.answer_to_record is not None:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Check the person and the panellist as the admin's forms do (``full_clean``, with
        the database's rules), and raise every error of the row keyed by its column."""
        errors = {}
        for column, messages in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(messages).messages)
        columns_with_errors = set(errors)

        def check(obj, field_names, exclude):
            excluded = [
                model_field
                for model_field, name in field_names.items()
                if self.column(name) in columns_with_errors
            ]
            try:
                obj.full_clean(exclude=[*excluded, *exclude], validate_unique=validate_unique)
            except ValidationError as error:
                for model_field, messages in error.message_dict.items():
                    name = field_names.get(model_field)
                    column = self.column(name) if name else NON_FIELD_ERRORS
                    errors.setdefault(column, []).extend(messages)

        person = instance.person
        check(person, self.PERSON_FIELDS, [])
        exclude = []
        if person.pk is None:
            exclude.append("person")  # saved only once the row is valid
        if instance.panel_id is None:
            exclude.append("panel")
        check(instance, self.PANELLIST_FIELDS, exclude)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """Save the person first: a new one, or one whose details the row changed."""
        person = instance.person
        if person.pk is None or self.person_changed(instance):
            person.save()
            instance.person = person

    def do_instance_save(self, instance, is_create):
        """Save the panellist; a clash with a row saved meanwhile is reported as the row's
        error, not as a server error."""
        try:
            with transaction.atomic():
                instance.save(force_insert=is_create)
        except IntegrityError:
            raise ValidationError(
                _(
                    "This row clashes with a change saved at the same moment (a panel has one "
                    "moderator, and each person one place on it). Import the file again."
                )
            ) from None

    def after_save_instance(self, instance, row, **kwargs):
        """Record the row's status, if it changes (``services.record_answer``); note the
        panel as changed, and the (possibly new) person and place for the rows that follow."""
        if instance.answer_to_record is not None:
            status, at = instance.answer_to_record
            services.record_answer(instance, status, at=at)
        self.changed_panels.add(instance.panel_id)
        self.remember(instance)

    def after_import(self, dataset, result, **kwargs):
        """Increase the version of every panel whose panellists the import changed."""
        super().after_import(dataset, result, **kwargs)
        if self.changed_panels:
            services.bump_panel_versions(sorted(self.changed_panels))
