"""What every spreadsheet resource of the secretariat does alike: a file with any bad row saves
nothing, a file over ``MAX_IMPORT_ROWS`` is refused in words, and exported cells are
neutralised against formula injection."""

from django.utils.translation import gettext_lazy as _

from ..models import ActorKind
from ..services.history import recording
from .formats import neutralise_formula

# Rows one import takes: far more than a meeting's panellists or items, few enough that an
# import holds the database (SQLite locks it whole) for seconds, not minutes.
MAX_IMPORT_ROWS = 1000


class SpreadsheetResourceMixin:
    """For a django-import-export resource: its columns and cells by field name,
    all-or-nothing imports, a row limit and formula-neutralised exports."""

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
        whether the row raised an error or failed validation: a rejected file saves nothing.
        Every change it makes is recorded in history as an import (``history.recording``), by
        the officer signed in."""
        with recording(ActorKind.IMPORT):
            return super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=True,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=True,
                **kwargs,
            )

    def column(self, name):
        """The header of the resource field ``name`` in the current language."""
        return self.fields[name].column_name

    def cell(self, row, name):
        """The cleaned value of column ``name`` in ``row``, or ``None`` when the file has no
        such column. Raises ``ValueError`` for a value the column cannot hold."""
        field = self.fields[name]
        if field.column_name not in row:
            return None
        return field.clean(row)

    def refuse_too_many_rows(self, dataset):
        """Raise ``ValueError`` (shown as the file's error on the preview: the library prints
        ``str(error)``) for a file of more than ``MAX_IMPORT_ROWS`` rows."""
        if len(dataset) > MAX_IMPORT_ROWS:
            raise ValueError(
                _(
                    "This file has %(rows)d rows; an import takes at most %(limit)d. Split it "
                    "into smaller files."
                )
                % {"rows": len(dataset), "limit": MAX_IMPORT_ROWS}
            )

    def refuse_repeated_columns(self, headers, columns):
        """Raise ``ValueError`` when one of ``columns`` (headers as recognised) appears more than
        once in ``headers``: which of two "Date" columns holds the date is not guessed."""
        repeated = sorted(
            {name for name in headers if name in columns and headers.count(name) > 1}
        )
        if repeated:
            raise ValueError(
                _("This file has the column “%(column)s” more than once: keep one.")
                % {"column": "”, “".join(repeated)}
            )

    def export_field(self, field, instance, **kwargs):
        """The cell's value, neutralised against formula injection (``neutralise_formula``).

        Done here rather than with ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``, which only
        strips one leading "=" (so "==1+1" stays a formula, and + - @ are left alone), loses
        that "=" from the data and writes empty cells as "None".
        """
        return neutralise_formula(super().export_field(field, instance, **kwargs))
