"""Meetings in the admin, with their panels listed on each meeting's page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import checks, services
from ..models import ConceptNoteSection, Document, Meeting, Panel, Room
from ..wording import quoted
from .forms import (
    SESSION_ROW_FIELDS,
    MeetingAdminForm,
    PanelInlineForm,
    limit_rooms,
    page_object_id,
)
from .history import HistoryWithValuesMixin
from .keys import CheckedKeysMixin, CheckedListMixin
from .languages import LanguageTabsAdmin, LanguageTabsInline
from .mixins import (
    FIELD_FORMATS,
    EmailReportsMixin,
    LabelledTabularInline,
    RefuseClashingSaveMixin,
    running_order_total,
)
from .programme import ProgrammeImportMixin
from .teams import MeetingTeamMixin


class PanelInline(LanguageTabsInline, LabelledTabularInline):
    """A meeting's panels with their day and times, each linking to its own page."""

    model = Panel
    form = PanelInlineForm
    formfield_overrides = FIELD_FORMATS
    fields = [
        *SESSION_ROW_FIELDS,
        "total",
        "version",
        "loaded_at",
    ]
    readonly_fields = ["total"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("meeting", "room")
            .with_planned_minutes()
            .in_programme_order()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room":
            meeting = page_object_id(request)
            return limit_rooms(formfield, [meeting] if meeting else None)
        return formfield

    @admin.display(description=_("running order"))
    def total(self, panel):
        """The running order's total against the slot, e.g. "85 of 90 minutes"."""
        return running_order_total(panel) or self.get_empty_value_display()


class RoomInline(LabelledTabularInline):
    """The rooms of a meeting's venue, in the order the programme shows them side by side."""

    model = Room
    fields = ["name", "order"]
    extra = 0


class MeetingSectionInline(LanguageTabsInline, CheckedKeysMixin, admin.StackedInline):
    """The sections of the meeting's own concept note, shown on its programme page."""

    model = ConceptNoteSection
    fk_name = "meeting"
    formfield_overrides = FIELD_FORMATS
    fields = ["heading", "body", "order"]
    ordering = ["order", "pk"]
    extra = 0
    verbose_name = _("concept note section of the meeting")
    verbose_name_plural = _("concept note of the meeting")


class MeetingDocumentInline(LabelledTabularInline):
    """The meeting's documents, shown on its programme page."""

    model = Document
    fk_name = "meeting"
    fields = ["title", "symbol", "url", "order"]
    formfield_overrides = FIELD_FORMATS
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(
    MeetingTeamMixin,
    HistoryWithValuesMixin,
    ProgrammeImportMixin,
    RefuseClashingSaveMixin,
    EmailReportsMixin,
    CheckedListMixin,
    LanguageTabsAdmin,
):
    """Meetings, with their panels listed on each meeting's page.

    A meeting's programme is imported from a spreadsheet, and exported as one
    (``programme.ProgrammeImportMixin``).

    Saving a meeting may move its panels in time (their rows, or the meeting's time zone):
    their confirmed panellists are then told the new time.

    The page's hidden ``version`` and ``loaded_at`` refuse a save from a stale copy of the
    meeting (``forms.MeetingAdminForm``), and each session row one from a stale copy of its
    session (``forms.PanelInlineForm``); nothing of the page is saved then.
    """

    form = MeetingAdminForm
    formfield_overrides = FIELD_FORMATS
    list_display = ["title", "start_date", "end_date", "zone_column", "status"]
    list_filter = ["status"]
    search_fields = ["slug", "body", "body_session", "organiser", "venue"]
    translated_search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "body_session", "organiser", "venue"]}),
        (_("Dates and time zone"), {"fields": ["start_date", "end_date", "time_zone"]}),
        (
            _("Format"),
            {"fields": ["format", "webcast_url", "interpretation_languages"]},
        ),
        (_("Publication"), {"fields": ["status", ("version", "loaded_at")]}),
        (
            _("Team"),
            {
                "fields": ["team_users", "team_groups"],
                "description": _(
                    "Only the meeting's team (and superusers) see its drafts, sessions, "
                    "people, answers and exports, here and on the site. Whoever adds a "
                    "meeting joins its team."
                ),
            },
        ),
        (_("Checks"), {"fields": ["double_bookings"]}),
    ]
    readonly_fields = ["double_bookings"]
    inlines = [RoomInline, MeetingSectionInline, MeetingDocumentInline, PanelInline]

    def get_inlines(self, request, obj):
        # A panel's day and times are checked against its meeting's days and zone, which a
        # meeting that is being added does not have yet.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        first, *rest = fieldsets[:-1]
        description = _(
            "Save the meeting first; its rooms, concept note, documents and panels can then be "
            "added on this page."
        )
        return [(first[0], {**first[1], "description": description}), *rest]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """The team's boxes: a checkbox for each active staff user, and for each group."""
        if db_field.name == "team_users":
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
            )
        if db_field.name in ("team_users", "team_groups"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("time zone"), ordering="time_zone")
    def zone_column(self, meeting):
        """The meeting's zone name, flagged when it is not a valid IANA name."""
        if meeting.has_valid_time_zone():
            return meeting.time_zone
        return format_html(
            '{} <strong class="zone-invalid">{}</strong>',
            meeting.time_zone,
            _("(not valid: times not verified)"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The meeting's page; said first when the stored zone name is not valid (set wrongly
        in the database, or dropped from the IANA database since)."""
        if request.method == "GET":
            meeting = self.get_object(request, object_id)
            if meeting is not None and not meeting.has_valid_time_zone():
                self.message_user(
                    request,
                    _(
                        "The time zone %(zone)s of this meeting is not a valid IANA time zone "
                        "name. Until it is corrected, its public pages mark every time as not "
                        "verified, its calendar and schedule.json are refused, and its "
                        "sessions cannot be published. Choose the zone below and save."
                    )
                    % {"zone": quoted(meeting.time_zone)},
                    messages.ERROR,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("people due in two places at once"))
    def double_bookings(self, meeting):
        """Every person due in two of the meeting's sessions at overlapping times
        (``checks.double_bookings``), session by session, as saved."""
        if meeting.pk is None or not meeting.has_valid_time_zone():
            return self.get_empty_value_display()
        panels = list(
            Panel.objects.filter(meeting=meeting)
            .select_related("meeting", "room")
            .with_people()
            .with_running_order()
            .in_programme_order()
        )
        found = checks.double_bookings(panels)
        if not found:
            return _("Nobody is due in two places at once.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}:</strong> {}</li>",
                (
                    (panel.title, finding.message)
                    for panel in panels
                    for finding in found.get(panel.pk, [])
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        """Save through ``services.save_meeting``: a new zone or venue revises the calendar
        entries of every panel."""
        services.save_meeting(obj)

    def save_formset(self, request, form, formset, change):
        """Rooms are saved through ``services.save_room``: a renamed room revises the calendar
        entries of its sessions."""
        if formset.model is not Room:
            return super().save_formset(request, form, formset, change)
        for room in formset.save(commit=False):
            services.save_room(room)
        for room in formset.deleted_objects:
            room.delete()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.join_team(form.instance, request.user)
        if change:
            self.notify_panellists_on_commit(
                request, form.instance.panels.values_list("pk", flat=True)
            )
