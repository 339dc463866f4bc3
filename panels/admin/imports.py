"""The secretariat's spreadsheets in the admin, through django-import-export: what every import
does alike (``SpreadsheetImportMixin``), and the spreadsheet of panellists, exported and
imported with a preview (``resources.PanellistResource``). The programme's spreadsheet is in
``programme``."""

import base64
import hashlib
import zipfile

from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from ..models import Person
from ..resources import SPREADSHEET_FORMATS, PanellistResource
from .mixins import CSV_ENCODING


class SpreadsheetImportMixin:
    """What every spreadsheet import of the admin does alike (mixed in before
    django-import-export's ``ImportMixin``): a file that is not UTF-8 explained, a second
    "Confirm import" answered with a message, and a file refused at confirmation (the
    database changed since the preview) shown again with its errors.

    ``import_done_url(request)`` says where a second confirmation leads.
    """

    def import_done_url(self, request):
        """Where to go after a second "Confirm import": the model's list."""
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def add_data_read_fail_error_to_form(self, form, e):
        """Explain a file that cannot be read; for one that is not UTF-8, say how to save it."""
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _(
                    "This file is not in UTF-8, so names in other scripts would be garbled. In "
                    "Excel, save it as “CSV UTF-8 (Comma delimited)”, or import the .xlsx file "
                    "itself."
                ),
            )
            return
        super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        """After "Confirm import". The previewed file is removed once imported, so a second
        press (a double click, a reload) finds none: say so instead of failing. A confirmation
        that does not match its preview (a format that is not offered, or not the file's)
        saves nothing and says so."""
        try:
            return super().process_import(request, **kwargs)
        except (IndexError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
            self.message_user(
                request,
                _(
                    "This confirmation does not match its preview, so nothing was imported. "
                    "Start the import again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(self.import_done_url(request))
        except FileNotFoundError:
            self.message_user(
                request,
                _(
                    "This import was already processed (or its preview has expired): check "
                    "the list below, and start a new import if something is missing."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(self.import_done_url(request))

    def refused_import(self, request, result, message):
        """The import page again, with ``message`` and the rows ``result`` refused (after
        "Confirm import", when nothing was saved)."""
        self.message_user(request, message, messages.ERROR)
        form = self.get_import_form_class(request)(
            self.get_import_formats(),
            self.get_import_resource_classes(request),
            initial=self.get_import_form_initial(request),
        )
        resources = [
            resource_class(**self.get_import_resource_kwargs(request))
            for resource_class in self.get_import_resource_classes(request)
        ]
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [field.column_name for field in resource.get_user_visible_fields()],
                )
                for resource in resources
            ],
            "import_error_display": self.import_error_display,
            "result": result,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


def source_hash(text):
    """The Content-Security-Policy source that allows one inline text, exactly: its SHA-256
    as ``'sha256-<base64>'`` (CSP Level 3, "hash-source"). ``text`` is a str, hashed as
    UTF-8."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# django-import-export's export page (admin/import_export/export.html) has an inline handler on
# its "Select all" box and two style attributes, which the site's policy refuses. That page
# alone is allowed exactly these three values, by hash ('unsafe-hashes' admits hashes of
# attributes, nothing else), rather than keeping a copy of the library's template.
LIBRARY_INLINE_ATTRIBUTES = {
    "script-src-attr": ["'unsafe-hashes'", source_hash("onSelectToggleChange(event)")],
    "style-src-attr": [
        "'unsafe-hashes'",
        source_hash("padding: 0;"),
        source_hash("font-weight: bold;"),
    ],
}


class PanellistSpreadsheetMixin(SpreadsheetImportMixin, ImportExportMixin):
    """Export the panellists a list shows as a CSV or XLSX spreadsheet, and import people and
    panellists from one: the import is previewed, each bad row is explained, and a file with
    a bad row saves nothing. Exports carry email addresses."""

    resource_classes = [PanellistResource]
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    to_encoding = CSV_ENCODING
    import_template_name = "admin/panels/panellist/import.html"

    @method_decorator(csp_update(LIBRARY_INLINE_ATTRIBUTES))
    def export_action(self, request):
        """The export page and its spreadsheet, with the page's policy allowing the library's
        inline attributes (``LIBRARY_INLINE_ATTRIBUTES``)."""
        return super().export_action(request)

    def has_export_permission(self, request):
        """Exports carry people's email addresses: they take the permission to view panellists
        and to view people."""
        people = self.admin_site.get_model_admin(Person)
        return self.has_view_permission(request) and people.has_view_permission(request)

    def has_import_permission(self, request):
        """An import adds and changes panellists and people: it takes all four permissions."""
        people = self.admin_site.get_model_admin(Person)
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and people.has_add_permission(request)
            and people.has_change_permission(request)
        )

    def get_import_resource_kwargs(self, request, **kwargs):
        """The importing officer: rows find only their teams' panels and the people they may
        see (``PanellistResource``)."""
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_filename(self, request, queryset, file_format):
        """ "panellists-2017-02-16.csv": the day of the export, in the server's zone."""
        return f"panellists-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def process_result(self, result, request):
        """After "Confirm import": report the import, or, when a row was refused meanwhile
        (the database changed since the preview), show the errors; nothing was saved then."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        return self.refused_import(
            request,
            result,
            _(
                "Nothing was imported: some rows can no longer be saved, because panels or "
                "people changed after the preview. Correct the rows listed below and import "
                "the file again."
            ),
        )
