"""Meetings in the admin, with their panels listed on each meeting's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Meeting, Panel
from .forms import MeetingAdminForm, PanelInlineForm
from .mixins import (
    HOURS_AND_MINUTES,
    EmailReportsMixin,
    RefuseClashingSaveMixin,
    running_order_total,
)


class PanelInline(admin.TabularInline):
    """A meeting's panels with their day and times, each linking to its own page."""

    model = Panel
    form = PanelInlineForm
    formfield_overrides = HOURS_AND_MINUTES
    fields = [
        "title",
        "date",
        "start_time",
        "end_time",
        "room",
        "is_published",
        "total",
        "version",
        "loaded_at",
    ]
    readonly_fields = ["total"]
    ordering = ["date", "start_time", "end_time", "pk"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting").with_planned_minutes()

    @admin.display(description=_("running order"))
    def total(self, panel):
        """The running order's total against the slot, e.g. "85 of 90 minutes"."""
        return running_order_total(panel) or self.get_empty_value_display()


@admin.register(Meeting)
class MeetingAdmin(RefuseClashingSaveMixin, EmailReportsMixin, admin.ModelAdmin):
    """Meetings, with their panels listed on each meeting's page.

    Saving a meeting may move its panels in time (their rows, or the meeting's time zone):
    their confirmed panellists are then told the new time.
    """

    form = MeetingAdminForm
    list_display = ["title", "start_date", "end_date", "time_zone", "status"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "organiser", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "organiser", "venue"]}),
        (_("Dates and time zone"), {"fields": ["start_date", "end_date", "time_zone"]}),
        (_("Publication"), {"fields": ["status"]}),
    ]
    inlines = [PanelInline]

    def get_inlines(self, request, obj):
        # A panel's day and times are checked against its meeting's days and zone, which a
        # meeting that is being added does not have yet.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        first, *rest = self.fieldsets
        description = _("Save the meeting first; its panels can then be added on this page.")
        return [(first[0], {**first[1], "description": description}), *rest]

    def save_model(self, request, obj, form, change):
        """Save through ``services.save_meeting``: a new zone or venue revises the calendar
        entries of every panel."""
        services.save_meeting(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.notify_time_changes_on_commit(
                request, form.instance.panels.values_list("pk", flat=True)
            )
