"""The secretariat's spreadsheet of panellists: one row per person's place on a panel.

Exported from the admin (the panels' "Export panellists of selected panels (CSV)" action, the
panellist list's "Export" button) and imported from a CSV or XLSX file with the same columns
(the panellist list's "Import" button), through django-import-export's preview and
confirmation. Columns, in order: Meeting, Panel, Panel ID, Name, Honorific, Position,
Organisation, Email, Language, Role, Status, Answered at, Order, Presentation title. An export
re-imports without loss.

Importing, row by row (``PanellistResource``):

- the panel is found by its ID, else by its title (within the meeting, when one is given);
  a title or meeting that contradicts the ID is an error, not a guess;
- the person by email address (any case), else, on that panel, by name; else they are added.
  A blank email address never erases a stored one;
- the place on the panel by (panel, person): it is updated, or added;
- the person's language (for their emails and answer page) is accepted as its code, its name
  in English or in itself, or its name in any of the site's languages ("es", "Spanish",
  "Español"); a blank cell means the site's default language;
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

A meeting's whole programme is a second spreadsheet, one row per item of each session's
running order (``programme.ProgrammeResource``; README, "Importing a programme"): an import
replaces the running order of each session the file names, updating in place the items whose
English title it keeps, with their titles in other languages. Both spreadsheets are in
English (titles, positions) whatever the officer's language; the other languages are the
admin's language tabs' to edit.

The package's modules: ``formats`` (the CSV format, the neutralising of formulae, the widgets
that read and write the cells), ``spreadsheet`` (what every resource does alike: all-or-nothing
imports, the row limit, neutralised exports), ``lookups`` (the panel, person and place a row
names), ``panellists`` (``PanellistResource``), and the programme's: ``programme``
(``ProgrammeResource``), ``programme_cells``, ``programme_lookups``, ``programme_rows`` and
``programme_sessions``.
"""

from .formats import (
    ESCAPE,
    FORMULA_TRIGGERS,
    SPREADSHEET_FORMATS,
    AnsweredAtField,
    ChoiceWidget,
    SpreadsheetCSV,
    TextWidget,
    WholeNumberWidget,
    answered_at_text,
    is_blank,
    neutralise_formula,
    restore_formula_text,
)
from .panellists import PanellistResource
from .programme import ProgrammeResource
from .programme_rows import ProgrammeImported
from .spreadsheet import MAX_IMPORT_ROWS

__all__ = [
    "ESCAPE",
    "FORMULA_TRIGGERS",
    "MAX_IMPORT_ROWS",
    "SPREADSHEET_FORMATS",
    "AnsweredAtField",
    "ChoiceWidget",
    "PanellistResource",
    "ProgrammeImported",
    "ProgrammeResource",
    "SpreadsheetCSV",
    "TextWidget",
    "WholeNumberWidget",
    "answered_at_text",
    "is_blank",
    "neutralise_formula",
    "restore_formula_text",
]
