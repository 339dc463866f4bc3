"""The admin: the secretariat's tool for meetings, panels, people and running orders.

A panel is edited on one page with its concept note, its panellists and its running order.
Rules that span rows (one moderator, each person once) are checked by the formsets in
``panels.forms``; confirmation statuses are recorded through ``panels.services``.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.db import IntegrityError, models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import MeetingAdminForm, PanellistForm, PanellistFormSet, SegmentForm, SegmentFormSet
from .models import ConceptNoteSection, Meeting, Panel, Panellist, Person, Segment

admin.site.site_header = _("Panel sessions: secretariat")
admin.site.site_title = _("Panel sessions")
admin.site.index_title = _("Meetings, panels and people")

# Times of day as the programme writes them ("15:00"), without seconds.
HOURS_AND_MINUTES = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}


def running_order_total(panel):
    """The running order's total against the slot ("85 of 90 minutes"), or None.

    None for an unsaved panel and for a meeting whose time zone is not valid (the slot's
    length cannot be computed). Uses ``planned_minutes`` when the panel was annotated.
    """
    if panel.pk is None or not panel.meeting.has_valid_time_zone():
        return None
    return panel.slot_usage_text()


class AnsweredAtMixin:
    """A read-only "answered at" column showing ``responded_at`` with its time zone."""

    @admin.display(description=_("answered at"), ordering="responded_at")
    def answered_at(self, panellist):
        """When the panellist answered, in the server's zone, named ("…, 9:43 a.m. (UTC)")."""
        if panellist.responded_at is None:
            return self.get_empty_value_display()
        moment = timezone.localtime(panellist.responded_at)
        return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({moment.tzname()})"


class RefuseClashingSaveMixin:
    """Turn a save that the database refuses into a message, with nothing saved.

    The formsets check the rules between rows, but rows are saved one at a time, and another
    editor may have saved a clashing row meanwhile (two moderators, or one person twice). The
    admin saves a page in one transaction, so when the database refuses a row, the whole save
    is rolled back and the officer is sent back to the page with a message instead of an
    error page.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            self.message_user(
                request,
                _(
                    "Nothing was saved: the changes clash with each other or with a change "
                    "someone else has just saved (a panel has one moderator, and each person "
                    "has one place on it). The page now shows what is saved; make the change "
                    "again, one row at a time if you are swapping people between rows."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())


class PanelInline(admin.TabularInline):
    """A meeting's panels with their day and times, each linking to its own page."""

    model = Panel
    formfield_overrides = HOURS_AND_MINUTES
    fields = ["title", "date", "start_time", "end_time", "room", "is_published", "total"]
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
class MeetingAdmin(RefuseClashingSaveMixin, admin.ModelAdmin):
    """Meetings, with their panels listed on each meeting's page."""

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


class ConceptNoteSectionInline(admin.StackedInline):
    """The sections of a panel's concept note, in order."""

    model = ConceptNoteSection
    fields = ["heading", "body", "order"]
    ordering = ["order", "pk"]
    extra = 0


class PanellistInline(AnsweredAtMixin, admin.TabularInline):
    """A panel's panellists in order of appearance, checked together by ``PanellistFormSet``."""

    model = Panellist
    form = PanellistForm
    formset = PanellistFormSet
    fields = ["person", "role", "order", "presentation_title", "answer", "answered_at"]
    readonly_fields = ["answered_at"]
    autocomplete_fields = ["person"]
    ordering = ["order", "pk"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "person":
            # A person on a panel cannot be deleted (PROTECT); don't offer it here.
            formfield.widget.can_delete_related = False
        return formfield


class SegmentInline(admin.TabularInline):
    """A panel's running order, with each saved segment's planned times."""

    model = Segment
    form = SegmentForm
    formset = SegmentFormSet
    fields = ["kind", "title", "duration_minutes", "speaker", "order", "planned_time"]
    readonly_fields = ["planned_time"]
    ordering = ["order", "pk"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "speaker":
            # Speakers are managed in the panellists above; a pop-up here could add one to
            # another panel or delete one that other segments use.
            formfield.widget.can_add_related = False
            formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
            formfield.widget.can_view_related = False
        return formfield

    @admin.display(description=_("planned time"))
    def planned_time(self, segment):
        """Start and end in the meeting's time zone, as saved ("15:00–15:10")."""
        timed = getattr(segment, "timed", None)
        if timed is None:
            return self.get_empty_value_display()
        return f"{timed.start:%H:%M}–{timed.end:%H:%M}"


@admin.register(Panel)
class PanelAdmin(RefuseClashingSaveMixin, admin.ModelAdmin):
    """Panels, each edited with its concept note, panellists and running order."""

    list_display = [
        "title",
        "meeting",
        "date",
        "start_time",
        "end_time",
        "meeting__time_zone",
        "room",
        "is_published",
        "total",
    ]
    list_filter = ["meeting", "date", "is_published"]
    formfield_overrides = HOURS_AND_MINUTES
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title", "room"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["meeting", "title"]}),
        (
            _("Time slot"),
            {
                "fields": ["date", ("start_time", "end_time"), "time_zone", "room", "total"],
                "description": _("The day and times are in the meeting's local time zone."),
            },
        ),
        (_("Publication"), {"fields": ["is_published"]}),
    ]
    readonly_fields = ["time_zone", "total"]
    inlines = [ConceptNoteSectionInline, PanellistInline, SegmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting").with_planned_minutes()

    @admin.display(description=_("time zone"))
    def time_zone(self, panel):
        """The meeting's zone, in which the panel's day and times are given."""
        if panel.meeting_id is None:
            return _("The meeting's time zone")
        return panel.meeting.time_zone

    @admin.display(description=_("running order"), ordering="planned_minutes")
    def total(self, panel):
        """The running order's total against the slot, e.g. "85 of 90 minutes"."""
        return running_order_total(panel) or self.get_empty_value_display()


class PanelPlaceInline(AnsweredAtMixin, admin.TabularInline):
    """The panels a person is on, read-only, each linking to its panel's page."""

    model = Panellist
    verbose_name = _("place on a panel")
    verbose_name_plural = _("places on panels")
    fields = ["panel_link", "meeting", "date", "role", "status", "answered_at"]
    readonly_fields = fields
    ordering = ["panel__date", "panel__start_time", "pk"]
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("panel__meeting")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("panel"))
    def panel_link(self, panellist):
        """The panel's title, linking to its admin page."""
        url = reverse("admin:panels_panel_change", args=[panellist.panel_id])
        return format_html('<a href="{}">{}</a>', url, panellist.panel)

    @admin.display(description=_("meeting"))
    def meeting(self, panellist):
        """The meeting of the panel."""
        return panellist.panel.meeting

    @admin.display(description=_("date"))
    def date(self, panellist):
        """The panel's day, in the meeting's local time."""
        return formats.date_format(panellist.panel.date)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """People who speak at or run panels; each page lists the panels they are on."""

    list_display = ["name", "honorific", "position", "organisation", "email"]
    search_fields = ["name", "organisation", "email"]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "position", "organisation"]}),
        (_("For the secretariat"), {"fields": ["email"]}),
        (_("Biography"), {"fields": ["bio"]}),
    ]
    inlines = [PanelPlaceInline]


@admin.register(Panellist)
class PanellistAdmin(RefuseClashingSaveMixin, AnsweredAtMixin, admin.ModelAdmin):
    """Every panellist of every panel, to follow up invitations across meetings."""

    form = PanellistForm
    list_display = ["person", "panel", "role", "status", "answered_at"]
    list_filter = ["panel__meeting", "role", "status"]
    list_select_related = ["person", "panel"]
    search_fields = ["person__name", "person__organisation", "panel__title"]
    autocomplete_fields = ["panel", "person"]
    fields = ["panel", "person", "role", "order", "presentation_title", "answer", "answered_at"]
    readonly_fields = ["answered_at"]
    actions = ["mark_confirmed", "mark_declined", "mark_withdrawn", "mark_invited"]

    def save_model(self, request, obj, form, change):
        """Save the panellist, then record a changed answer through ``services``."""
        super().save_model(request, obj, form, change)
        form.save_answer()

    def record_answers(self, request, queryset, status):
        """Record ``status`` for each selected panellist and say how many changed."""
        changed = sum(services.record_answer(panellist, status) for panellist in queryset)
        unchanged = len(queryset) - changed
        label = Panellist.Status(status).label
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist marked as “%(status)s”.",
                    "%(count)d panellists marked as “%(status)s”.",
                    changed,
                )
                % {"count": changed, "status": label},
            )
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist already had the status “%(status)s”.",
                    "%(count)d panellists already had the status “%(status)s”.",
                    unchanged,
                )
                % {"count": unchanged, "status": label},
            )

    @admin.action(description=_("Mark selected panellists as confirmed"), permissions=["change"])
    def mark_confirmed(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.CONFIRMED)

    @admin.action(description=_("Mark selected panellists as declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.DECLINED)

    @admin.action(description=_("Mark selected panellists as withdrawn"), permissions=["change"])
    def mark_withdrawn(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.WITHDRAWN)

    @admin.action(
        description=_("Mark selected panellists as invited (no answer yet)"),
        permissions=["change"],
    )
    def mark_invited(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.INVITED)
