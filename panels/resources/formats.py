"""The cells of the secretariat's spreadsheet of panellists: the CSV format, the neutralising of
formulae, the recognising of headers, and the widgets and field that read and write the
cells.

Spreadsheet formula injection (OWASP "CSV Injection"): an exported text cell that begins with
``= + - @``, a tab or a carriage return is prefixed with an apostrophe, so that Excel and
LibreOffice show it as text instead of running it; the import removes that apostrophe again.
"""

import csv
from datetime import UTC, datetime
from functools import cached_property

from django.conf import settings
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.formats import base_formats

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
        """The choice's label in the current language ("" for none, as for a place without a
        person)."""
        if value is None:
            return ""
        if value in self.choices.values:
            return str(self.choices(value).label)
        return super().render(value, obj, **kwargs)


class LanguageWidget(ChoiceWidget):
    """A person's preferred language: one of ``choices`` (``SiteLanguage``), written as its
    name in the language of the export.

    Read, in any case, from its code ("es", "zh-hans"), its name in English or in its own
    language (Django's ``get_language_info``: "Spanish", "Español", "Simplified Chinese",
    "简体中文") or its name in any of the site's languages ("Espagnol"). An empty cell reads as
    ``""``, the site's default language; anything else raises ``ValueError`` with ``message``,
    which receives ``%(value)s`` and ``%(choices)s`` (each language's name and code).
    """

    def __init__(self, choices, message):
        super().__init__(choices, message, blank_allowed=True)

    @cached_property
    def spellings(self):
        """Every accepted spelling, case-folded, mapped to its language code."""
        spellings = dict(super().spellings)
        for choice in self.choices:
            info = translation.get_language_info(choice.value)
            for name in (info["name"], info["name_local"]):
                spellings.setdefault(name.casefold(), choice.value)
        return spellings

    def clean(self, value, row=None, **kwargs):
        """The code of the language the cell names, ``""`` for none; raises ``ValueError``."""
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            text = TextWidget.clean(self, value, row, **kwargs)
            choices = ", ".join(f"{choice.label} ({choice.value})" for choice in self.choices)
            raise ValueError(self.message % {"value": text, "choices": choices}) from None


def header_spellings(fields, columns):
    """Each accepted header, case-folded, mapped to its column in the current language.

    ``fields`` are a resource's declared fields, with headers to translate; ``columns`` maps
    each field's name to its header in the current language. A column is recognised by its
    header in any of the site's languages, or by the resource field's name ("panel_id",
    "email").
    """
    spellings = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, field in fields.items():
                spellings.setdefault(str(field.column_name).strip().casefold(), columns[name])
    for name, column in columns.items():
        spellings.setdefault(name.casefold(), column)
        spellings.setdefault(name.replace("_", " ").casefold(), column)
    return spellings


def recognise_headers(headers, spellings):
    """A file's ``headers`` as the columns ``spellings`` maps them to (``header_spellings``),
    whatever their case; a header it does not know stays as it is."""
    return [
        spellings.get(force_str(header or "").strip().casefold(), force_str(header or ""))
        for header in headers or []
    ]


def answer_zone(panellist):
    """The time zone of ``panellist``'s answer times: their meeting's, or UTC when they have no
    panel yet or the meeting's zone is not valid."""
    if panellist.panel_id and panellist.panel.meeting.has_valid_time_zone():
        return panellist.panel.meeting.zone
    return UTC


def answered_at_text(panellist):
    """When ``panellist`` answered, as ISO 8601 with the offset of their meeting's zone
    ("2017-01-20T09:30:00-05:00"), to the second; in UTC when that zone is not valid; ``""``
    when they have not answered."""
    moment = panellist.responded_at
    if moment is None:
        return ""
    return moment.astimezone(answer_zone(panellist)).isoformat(timespec="seconds")


class AnsweredAtField(fields.Field):
    """The "Answered at" column: ``responded_at`` in the meeting's zone (``answered_at_text``).

    Read-only: an answer time is recorded only with a change of status (see
    ``PanellistResource.import_instance``), which reads it with ``moment``.
    """

    def export(self, instance, **kwargs):
        """The answer time as text (``answered_at_text``)."""
        return answered_at_text(instance)

    def moment(self, row, panellist):
        """The answer time ``row`` gives, as an aware datetime, or ``None`` for an empty cell
        or no such column. A time without an offset is read in the zone of ``panellist``'s
        meeting (``answer_zone``). Raises ``ValueError`` for text that is not an ISO 8601 date
        and time."""
        value = row.get(self.column_name)
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
            moment = moment.replace(tzinfo=answer_zone(panellist))
        return moment
