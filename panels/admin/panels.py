"""Panels in the admin, each edited on one page with its concept note, panellists and running
order, and the findings of its checks (``panels.checks``); the panel list has them as a column
and a filter. Rules that span rows are checked by the formsets (``admin.formsets``); every
operation (generate, publish, cancel, reinstate, invite, remind) is a service whose result
``admin.reports`` turns into messages.

No lost edits: a panel's page carries the panel's version (django-concurrency) and a save from
a stale copy is refused with what changed (``admin.stale``). After a save that may move a panel
in time, confirmed panellists are told their new time once the save is committed. Exports
carry email addresses: they take the permission to view panellists and people.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import checks, services
from ..models import ConceptNoteSection, Document, Meeting, Panel, Panellist, Segment
from ..resources import PanellistResource, SpreadsheetCSV
from ..wording import answers_text, findings_list, findings_summary
from .filters import AnswersFilter, ProblemsFilter
from .forms import PanelAdminForm, limit_rooms, page_object_id
from .formsets import (
    ITEM_FIELDS,
    PLACE_FIELDS,
    PanellistForm,
    PanellistFormSet,
    SegmentForm,
    SegmentFormSet,
)
from .history import HistoryWithValuesMixin
from .keys import CheckedKeysMixin, CheckedListMixin
from .languages import LanguageTabsAdmin, LanguageTabsInline
from .mixins import (
    CONTENT_INPUTS,
    CSV_ENCODING,
    FIELD_FORMATS,
    AnsweredAtMixin,
    EmailReportsMixin,
    LabelledTabularInline,
    RefuseClashingSaveMixin,
    running_order_total,
)
from .reports import (
    report_generated,
    report_published,
    report_speaker_changes,
)
from .status import PanelStatusActionsMixin
from .teams import MeetingTeamMixin
from .vacated import ItemsColumnMixin

# The name of the panel page's "Save and generate the standard running order" button.
GENERATE_BUTTON = "_generate_running_order"


class ConceptNoteSectionInline(LanguageTabsInline, CheckedKeysMixin, admin.StackedInline):
    """The sections of a panel's concept note, in order."""

    model = ConceptNoteSection
    fk_name = "panel"
    formfield_overrides = FIELD_FORMATS
    fields = ["heading", "body", "order"]
    ordering = ["order", "pk"]
    extra = 0


class DocumentInline(LabelledTabularInline):
    """The session's own documents, shown on its page."""

    model = Document
    fk_name = "panel"
    fields = ["title", "symbol", "url", "order"]
    formfield_overrides = FIELD_FORMATS
    extra = 0


class PanellistInline(ItemsColumnMixin, AnsweredAtMixin, LabelledTabularInline):
    """A panel's panellists in order of appearance, checked together by ``PanellistFormSet``."""

    model = Panellist
    form = PanellistForm
    formset = PanellistFormSet
    formfield_overrides = CONTENT_INPUTS
    fields = [*PLACE_FIELDS, "answer", "answered_at", "their_items"]
    readonly_fields = ["answered_at", "their_items"]
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


class SegmentInline(LanguageTabsInline, LabelledTabularInline):
    """A panel's running order, with each saved segment's planned times."""

    model = Segment
    form = SegmentForm
    formset = SegmentFormSet
    formfield_overrides = FIELD_FORMATS
    fields = [
        *ITEM_FIELDS,
        "item_speakers",
        "order",
        "planned_time",
    ]
    readonly_fields = ["planned_time"]
    ordering = ["order", "pk"]
    extra = 0

    @admin.display(description=_("planned time"))
    def planned_time(self, segment):
        """Start and end in the meeting's time zone, as saved ("15:00–15:10"), as far as they
        are known ("from 15:00", "until 16:00")."""
        timed = getattr(segment, "timed", None)
        if timed is None or (timed.start is None and timed.end is None):
            return self.get_empty_value_display()
        if timed.end is None:
            return _("from %(start)s") % {"start": f"{timed.start:%H:%M}"}
        if timed.start is None:
            return _("until %(end)s") % {"end": f"{timed.end:%H:%M}"}
        return f"{timed.start:%H:%M}–{timed.end:%H:%M}"


@admin.register(Panel)
class PanelAdmin(
    MeetingTeamMixin,
    HistoryWithValuesMixin,
    PanelStatusActionsMixin,
    RefuseClashingSaveMixin,
    EmailReportsMixin,
    CheckedListMixin,
    LanguageTabsAdmin,
):
    """Panels, each edited with its concept note, panellists and running order.

    The page and the list show what the checks find and how the panellists answered; actions
    generate the standard running order, publish, invite the panellists who have not answered
    and remind them. The page's hidden ``version`` and ``loaded_at`` refuse a stale save
    (``admin.forms.PanelAdminForm``). After a save, confirmed panellists whose time changed
    are told.
    """

    form = PanelAdminForm
    list_display = [
        "title",
        "kind",
        "checks",
        "answers",
        "meeting",
        "date",
        "start_time",
        "end_time",
        "meeting__time_zone",
        "room",
        "is_published",
        "status",
        "total",
    ]
    list_filter = [
        ("meeting", admin.RelatedOnlyFieldListFilter),
        "date",
        "kind",
        "is_published",
        "status",
        ProblemsFilter,
        AnswersFilter,
    ]
    formfield_overrides = FIELD_FORMATS
    list_select_related = ["meeting", "room"]
    search_fields = ["room__name"]
    translated_search_fields = ["title", "meeting__title"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["meeting", "kind", "title", ("version", "loaded_at")]}),
        (
            _("Time slot"),
            {
                "fields": [
                    "date",
                    ("start_time", "end_time"),
                    "ends_after_midnight",
                    "time_zone",
                    "room",
                    "presentation_limit_minutes",
                    "total",
                ],
                "description": _("The day and times are in the meeting's local time zone."),
            },
        ),
        (
            _("Invitations and answers"),
            {
                "fields": ["answer_deadline", "answers"],
                "description": _(
                    "Invitations and reminders give panellists the date by which to answer; "
                    "their personal links stop working then. The deadline is in the "
                    "meeting's local time."
                ),
            },
        ),
        (_("Checks"), {"fields": ["findings"]}),
        (
            _("Publication"),
            {"fields": ["is_published", "status", "panellist_display", "vacated_items"]},
        ),
    ]
    readonly_fields = ["time_zone", "total", "answers", "findings"]
    inlines = [ConceptNoteSectionInline, DocumentInline, PanellistInline, SegmentInline]
    actions = [
        "generate_running_order",
        "publish",
        "invite_unanswered",
        "send_reminders",
        "cancel_panels",
        "reinstate_panels",
        "export_panellists",
    ]

    def get_queryset(self, request):
        """The panels in programme order (the list orders them itself; an autocomplete box
        that searches them pages through them in this order)."""
        return (
            super()
            .get_queryset(request)
            .select_related("meeting", "room")
            .with_planned_minutes()
            .with_people()
            .with_running_order()
            .with_answer_counts()
            .in_programme_order()
        )

    def get_fieldsets(self, request, obj=None):
        """The panel's fieldsets; a panel being added is scheduled, so its page has no status
        (panels are cancelled and reinstated once they exist)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f != "status"]})
            for title, options in fieldsets
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room":
            panel = page_object_id(request)
            meeting = Panel.objects.filter(pk=panel).values("meeting") if panel else None
            return limit_rooms(formfield, meeting)
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.running_order_in_page = any(
            isinstance(inline, SegmentInline) for inline in self.get_inline_instances(request, obj)
        )
        return form

    def get_changelist_instance(self, request):
        """The list, with each panel's findings read for the whole page at once."""
        changelist = super().get_changelist_instance(request)
        found = checks.findings_by_panel(changelist.result_list)
        for panel in changelist.result_list:
            panel.findings = found[panel.pk]
        return changelist

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The page, with the generate button's context and publishing refused beside the
        "published" field.

        The running order's formset refuses publishing (it alone sees the submitted
        durations); its reason is also shown where the officer ticked "published".
        """
        form = context["adminform"].form
        if form.is_bound and "is_published" in form.fields:
            for inline in context["inline_admin_formsets"]:
                if inline.formset.model is Segment:
                    for error in inline.formset.non_form_errors().as_data():
                        if error.code == "overruns_slot":
                            form.add_error("is_published", error)
        context.update(
            generate_button=GENERATE_BUTTON,
            can_generate_running_order=self.has_generate_permission(request)
            and not context.get("is_popup"),
            has_running_order=obj is not None and obj.segments.exists(),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    @admin.display(description=_("answers"), ordering="answers_confirmed")
    def answers(self, panel):
        """How the panellists answered: "3 of 5 confirmed, 1 declined"
        (``wording.answers_text``).

        Reads the counts annotated by ``get_queryset``; counts them for a panel without.
        """
        if panel.pk is None:
            return _("No panellists yet.")
        if not hasattr(panel, "answers_expected"):
            panel = Panel.objects.filter(pk=panel.pk).with_answer_counts().get()
        return answers_text(
            panel.answers_expected, panel.answers_confirmed, panel.answers_declined
        )

    @admin.display(description=_("checks"))
    def checks(self, panel):
        """The checks in a word ("OK") or counted ("1 error, 2 warnings"), findings below."""
        if not hasattr(panel, "findings"):
            panel.findings = checks.findings_by_panel([panel])[panel.pk]
        if panel.findings is None:
            return _("Not checked: the meeting's time zone is not valid.")
        if not panel.findings:
            return _("OK")
        severity = panel.findings[0].severity  # errors come first
        return format_html(
            '<details class="checks {}"><summary>{}</summary>{}</details>',
            severity,
            findings_summary(panel.findings),
            findings_list(panel.findings),
        )

    @admin.display(description=_("checks"))
    def findings(self, panel):
        """Every finding of the checks for the panel as saved, in plain words."""
        if panel.pk is None:
            return _("The panel is checked once it is saved.")
        saved = (
            Panel.objects.select_related("meeting")
            .with_planned_minutes()
            .with_people()
            .with_running_order()
            .get(pk=panel.pk)
        )
        found = checks.findings_by_panel([saved])[saved.pk]
        if found is None:
            return _("Not checked: the meeting's time zone is not valid.")
        if not found:
            return _("No problems found.")
        return findings_list(found)

    # Generating the standard running order

    def has_generate_permission(self, request, obj=None):
        """Generating adds segments to a panel: change the panel, add segments."""
        add_segment = get_permission_codename("add", Segment._meta)
        return self.has_change_permission(request, obj) and request.user.has_perm(
            f"{Segment._meta.app_label}.{add_segment}"
        )

    @admin.action(description=_("Generate the standard running order"), permissions=["generate"])
    def generate_running_order(self, request, queryset):
        """Generate the standard running order of the selected panels
        (``services.generate_running_orders``, which never overwrites one)."""
        report_generated(
            self, request, services.generate_running_orders(queryset, actor=request.user)
        )
        # A confirmed panellist who now has a segment learns its time.
        self.notify_panellists_on_commit(request, [panel.pk for panel in queryset])

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self.generate_after_save(request, obj, response)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self.generate_after_save(request, obj, response)

    def generate_after_save(self, request, obj, response):
        """After "Save and generate the standard running order": generate, show the page."""
        if GENERATE_BUTTON not in request.POST or "_popup" in request.POST:
            return response
        if not self.has_generate_permission(request, obj):
            self.message_user(
                request,
                _("The running order was not generated: you may not add segments."),
                messages.ERROR,
            )
        else:
            # The page's panellists were saved just now: read them again.
            panel = Panel.objects.select_related("meeting").with_people().get(pk=obj.pk)
            report_generated(
                self, request, services.generate_running_orders([panel], actor=request.user)
            )
        return HttpResponseRedirect(reverse("admin:panels_panel_change", args=[obj.pk]))

    # Publishing, cancelling and reinstating

    @admin.action(description=_("Publish selected panels"), permissions=["change"])
    def publish(self, request, queryset):
        """Publish the selected panels whose running order fits their slot; refuse the
        others (``services.publish``)."""
        report_published(self, request, services.publish(queryset, actor=request.user))

    # The secretariat's spreadsheet

    def has_export_panellists_permission(self, request):
        """Exporting panellists shows their email addresses: it takes what the panellist
        list's own export takes (``PanellistAdmin.has_export_permission``)."""
        return self.admin_site.get_model_admin(Panellist).has_export_permission(request)

    @admin.action(
        description=_("Export panellists of selected panels (CSV)"),
        permissions=["export_panellists"],
    )
    def export_panellists(self, request, queryset):
        """Download the panellists of the selected panels as a CSV file (UTF-8 with a byte
        order mark, which Excel needs to read it as UTF-8), in programme order, one row per
        panellist (``resources.PanellistResource``)."""
        selected = list(queryset.values_list("pk", flat=True))
        panellists = Panellist.objects.filter(panel__in=selected)
        dataset = PanellistResource().export(queryset=panellists)
        data = SpreadsheetCSV().export_data(dataset)
        meetings = set(Meeting.objects.filter(panels__in=selected).values_list("slug", flat=True))
        name = "-".join(["panellists", *meetings] if len(meetings) == 1 else ["panellists"])
        response = HttpResponse(data.encode(CSV_ENCODING), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        return response

    # Invitations and reminders

    @admin.action(description=_("Invite panellists who have not answered"), permissions=["change"])
    def invite_unanswered(self, request, queryset):
        """Invite every panellist of the selected panels who has not answered (status
        "invited"), each with a new personal link."""
        panellists = list(Panellist.objects.of_panels(queryset).unanswered().in_programme_order())
        if not panellists:
            self.message_user(
                request,
                _(
                    "Nobody was invited: every panellist of the selected panels has answered "
                    "or withdrawn."
                ),
                messages.WARNING,
            )
            return
        return self.invite(request, panellists)

    @admin.action(description=_("Send reminders"), permissions=["change"])
    def send_reminders(self, request, queryset):
        """Remind the panellists of the selected panels who were invited and have not
        answered (``services.remind`` leaves out the others)."""
        return self.remind(request, Panellist.objects.of_panels(queryset).in_programme_order())

    # Removing or replacing panellists

    def save_model(self, request, obj, form, change):
        """Save through ``services.save_panel``: a change of time, place or status revises
        the panel's calendar entry."""
        services.save_panel(obj)

    def save_related(self, request, form, formsets, change):
        """Save the inlines, then say what became of the segments of panellists who were
        removed (kept without a speaker) or replaced (the new person takes them over)."""
        places = next((formset for formset in formsets if formset.model is Panellist), None)
        removed, replaced = {}, {}
        if change and places is not None:
            removed = {
                form.instance.pk: form.instance
                for form in places.deleted_forms
                if form.instance.pk is not None
            }
            replaced = {
                form.instance.pk: (form.instance, form.initial.get("person"))
                for form in places.initial_forms
                if form.instance.pk is not None
                and form.instance.pk not in removed
                and "person" in form.changed_data
            }
        spoken = services.spoken_segments([*removed, *replaced]) if removed or replaced else {}
        super().save_related(request, form, formsets, change)
        report_speaker_changes(self, request, services.speaker_changes(removed, replaced, spoken))
        if change:
            self.notify_panellists_on_commit(request, [form.instance.pk])
