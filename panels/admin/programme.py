"""A meeting's programme as a spreadsheet in the admin: imported into a chosen meeting with
django-import-export's preview and confirmation, and exported with the same columns
(``resources.ProgrammeResource``). Mixed into ``MeetingAdmin``: the import page is the
meetings' "Import programme"; each meeting's page links to it and to the export.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from .. import services
from ..models import Meeting, Panel, Panellist, Person, Segment
from ..resources import SPREADSHEET_FORMATS, ProgrammeResource, SpreadsheetCSV
from .imports import SpreadsheetImportMixin
from .mixins import CSV_ENCODING


class ProgrammeImportForm(ImportForm):
    """django-import-export's import form, with the meeting the programme is imported into."""

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.all(),
        label=_("Meeting"),
        help_text=_("The sessions of the file are found, or added, in this meeting."),
    )
    field_order = ["meeting", "resource", "import_file", "format"]


class ProgrammeConfirmImportForm(ConfirmImportForm):
    """The confirmation, carrying the meeting chosen for the preview."""

    meeting = forms.ModelChoiceField(queryset=Meeting.objects.all(), widget=forms.HiddenInput())


class ProgrammeImportMixin(SpreadsheetImportMixin, ImportMixin):
    """Import a meeting's programme from a CSV or XLSX file (one row per item), and export it.

    The import replaces the running order of each session the file names; a file with any bad
    row saves nothing. It takes the permissions to add and change panels and their running
    orders; the export, the permission to view panels.
    """

    resource_classes = [ProgrammeResource]
    import_formats = SPREADSHEET_FORMATS
    import_form_class = ProgrammeImportForm
    confirm_form_class = ProgrammeConfirmImportForm
    import_template_name = "admin/panels/meeting/import.html"
    import_export_change_list_template = "admin/panels/meeting/change_list.html"
    change_form_template = "admin/panels/meeting/change_form.html"

    def has_import_permission(self, request):
        """An import adds and changes sessions and their items: it takes the permissions to
        add and change panels, their items, places and people, and to delete items (the
        running order of each session the file names is replaced)."""
        user = request.user
        needed = [
            f"panels.{action}_{model._meta.model_name}"
            for model in (Panel, Segment, Panellist, Person)
            for action in ("add", "change")
        ]
        return user.has_perms([*needed, "panels.delete_segment"])

    def has_programme_export_permission(self, request):
        """The programme names people but gives no addresses: viewing panels is enough."""
        return self.admin_site.get_model_admin(Panel).has_view_permission(request)

    def create_import_form(self, request):
        """The import form, offering the meetings whose team the user is on."""
        form = super().create_import_form(request)
        form.fields["meeting"].queryset = Meeting.objects.of_team(request.user)
        return form

    def create_confirm_form(self, request, import_form=None):
        """The confirmation, accepting only a meeting whose team the user is on (a tampered
        key is refused as the preview's mismatch is)."""
        form = super().create_confirm_form(request, import_form)
        form.fields["meeting"].queryset = Meeting.objects.of_team(request.user)
        return form

    def get_import_form_initial(self, request):
        """The meeting whose page the officer came from (``?meeting=<id>``)."""
        return {**super().get_import_form_initial(request), "meeting": request.GET.get("meeting")}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["meeting"] = import_form.cleaned_data["meeting"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        """The resource's ``meeting``: the one chosen in the (valid) import or confirmation
        form; ``None`` while the form is blank or invalid."""
        form = kwargs.pop("form", None)
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {**kwargs, "meeting": cleaned.get("meeting"), "user": request.user}

    def import_done_url(self, request):
        return reverse("admin:panels_meeting_changelist", current_app=self.admin_site.name)

    def process_result(self, result, request):
        """After "Confirm import": say how many sessions and items were imported and go to the
        meeting's page; or, when a row was refused meanwhile, show the errors (nothing was
        saved then)."""
        if result.has_errors() or result.has_validation_errors():
            return self.refused_import(
                request,
                result,
                _(
                    "Nothing was imported: some rows can no longer be saved, because the "
                    "meeting's sessions or people changed after the preview. Correct the rows "
                    "listed below and import the file again."
                ),
            )
        imported = result.programme
        services.log_programme_import(
            request.user, Panel.objects.filter(pk__in=imported.sessions).order_by("pk")
        )
        sessions = ngettext("%(count)d session", "%(count)d sessions", len(imported.sessions)) % {
            "count": len(imported.sessions)
        }
        items = ngettext("%(count)d item", "%(count)d items", imported.items) % {
            "count": imported.items
        }
        self.message_user(
            request,
            _(
                "Programme imported into “%(meeting)s”: %(sessions)s and %(items)s. The running "
                "order of each of these sessions is now the file's."
            )
            % {"meeting": imported.meeting, "sessions": sessions, "items": items},
        )
        for warning in imported.warnings:
            self.message_user(request, warning, messages.WARNING)
        return HttpResponseRedirect(
            reverse(
                "admin:panels_meeting_change",
                args=[imported.meeting.pk],
                current_app=self.admin_site.name,
            )
        )

    def generate_log_entries(self, result, request):
        """The import is recorded in each session's history (``process_result``), not per
        row: rows are not objects of their own."""

    def get_urls(self):
        export = path(
            "<path:object_id>/programme/<str:extension>/",
            self.admin_site.admin_view(self.programme_export_view),
            name="panels_meeting_programme_export",
        )
        return [export, *super().get_urls()]

    def programme_export_view(self, request, object_id, extension):
        """The meeting's programme as a CSV (UTF-8 with a byte order mark, for Excel) or XLSX
        file with the import's columns (``ProgrammeResource.export_programme``)."""
        if not self.has_programme_export_permission(request):
            raise PermissionDenied
        formats = {"csv": SpreadsheetCSV, "xlsx": SPREADSHEET_FORMATS[1]}
        if extension not in formats:
            extension = "csv"
        meeting = self.get_object(request, object_id)
        if meeting is None:
            raise Http404(_("No such meeting."))
        if not self.has_view_permission(request, meeting):
            raise PermissionDenied
        dataset = ProgrammeResource(meeting=meeting).export_programme()
        file_format = formats[extension]()
        data = file_format.export_data(dataset)
        content_type = file_format.get_content_type()
        if extension == "csv":
            data, content_type = data.encode(CSV_ENCODING), "text/csv; charset=utf-8"
        response = HttpResponse(data, content_type=content_type)
        day = timezone.localdate()
        response["Content-Disposition"] = (
            f'attachment; filename="programme-{meeting.slug}-{day:%Y-%m-%d}.{extension}"'
        )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The meeting's page, with links to import and export its programme."""
        extra_context = {
            **(extra_context or {}),
            "can_import_programme": self.has_import_permission(request),
            "can_export_programme": self.has_programme_export_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)
