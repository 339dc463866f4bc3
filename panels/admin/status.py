"""Cancelling and reinstating panels from the panel list: cancelling asks first, saying whom
it will email; both tell the panellists once the change is committed."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Panellist
from .reports import report_status_changed


class PanelStatusActionsMixin:
    """For the panels' ``ModelAdmin`` (with ``EmailReportsMixin``): the actions
    ``cancel_panels`` and ``reinstate_panels``."""

    @admin.action(description=_("Cancel selected panels"), permissions=["change"])
    def cancel_panels(self, request, queryset):
        """Ask first (the panels, and how many panellists will be emailed); then mark the
        selected panels as cancelled: they stay on the programme, marked so; their
        panellists are told by email, once (those of panels already cancelled whose notice
        failed are tried again)."""
        if request.POST.get("post") != "yes":
            return self._confirm_cancel(request, queryset)
        self._change_status(request, services.cancel(queryset, actor=request.user))
        return None

    @admin.action(description=_("Reinstate selected panels"), permissions=["change"])
    def reinstate_panels(self, request, queryset):
        """Mark the selected cancelled panels as scheduled again; tell those who were told of
        the cancellation, once."""
        self._change_status(request, services.reinstate(queryset, actor=request.user))

    def _change_status(self, request, result):
        """Report ``result`` (``services.StatusChanged``); email the panellists once the
        change is committed."""
        report_status_changed(self, request, result)
        self.notify_panellists_on_commit(
            request, [panel.pk for panel in [*result.changed, *result.unchanged]]
        )

    def _confirm_cancel(self, request, queryset):
        panels = list(queryset.select_related("meeting").in_programme_order())
        to_tell = Panellist.objects.of_panels(panels).told_of_their_place().count()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel these panels?"),
            "panels": panels,
            "to_tell": to_tell,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/panels/panel/cancel_confirmation.html", context)
