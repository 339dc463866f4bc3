"""The admin: the secretariat's tool for meetings, panels, people and running orders.

A panel is edited on one page with its concept note, its panellists and its running order,
and shows the findings of its checks (``panels.checks``); the panel list has them as a column
and a filter. Rules that span rows (one moderator, each person once, publishing only a running
order that fits) are checked by the formsets in ``panels.forms``; confirmation statuses are
recorded and running orders generated through ``panels.services``.

No lost edits: a panel's page carries the panel's version (django-concurrency) and a save from
a stale copy is refused with what changed (``forms.StaleSaveRefusalMixin``). Every change to a
panel's rows made elsewhere in the admin (a panellist's own page, an action) increases the
panel's version too, so that an open copy of the panel's page cannot overwrite it.
"""

from concurrency.exceptions import RecordModifiedError
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth import get_permission_codename
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import checks, running_order, services
from .forms import (
    MeetingAdminForm,
    PanelAdminForm,
    PanelInlineForm,
    PanellistForm,
    PanellistFormSet,
    PanellistPageForm,
    SegmentForm,
    SegmentFormSet,
    when_and_zone,
)
from .models import (
    MAX_SEGMENT_MINUTES,
    ConceptNoteSection,
    Meeting,
    Panel,
    Panellist,
    Person,
    Segment,
)

admin.site.site_header = _("Panel sessions: secretariat")
admin.site.site_title = _("Panel sessions")
admin.site.index_title = _("Meetings, panels and people")

# Times of day as the programme writes them ("15:00"), without seconds.
HOURS_AND_MINUTES = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}


# The name of the panel page's "Save and generate the standard running order" button.
GENERATE_BUTTON = "_generate_running_order"


def quoted(text):
    """``text`` in quotation marks, as the locale writes them."""
    return _("“%(text)s”") % {"text": text}


def quoted_list(items):
    """Titles in quotation marks, joined in words: "“A”, “B” and “C”"."""
    return get_text_list([quoted(item) for item in items], _("and"))


def severity_label(finding):
    return _("Error") if finding.severity == checks.ERROR else _("Warning")


def findings_list(findings):
    """The findings as an HTML list, each with its severity in words."""
    return format_html(
        '<ul class="checks">{}</ul>',
        format_html_join(
            "",
            '<li class="{}"><strong>{}:</strong> {}</li>',
            ((f.severity, severity_label(f), f.message) for f in findings),
        ),
    )


def findings_summary(findings):
    """How many errors and warnings, in words: "1 error, 2 warnings"."""
    errors = sum(finding.severity == checks.ERROR for finding in findings)
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(ngettext("%(count)d error", "%(count)d errors", errors) % {"count": errors})
    if warnings:
        parts.append(
            ngettext("%(count)d warning", "%(count)d warnings", warnings) % {"count": warnings}
        )
    return ", ".join(parts)


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
        return when_and_zone(panellist.responded_at)


class RefuseClashingSaveMixin:
    """Turn a save that the database refuses into a message, with nothing saved.

    The formsets check the rules between rows, but rows are saved one at a time, and another
    editor may have saved a clashing row meanwhile (two moderators, or one person twice). The
    admin saves a page in one transaction, so when the database refuses a row, the whole save
    is rolled back and the officer is sent back to the page with a message instead of an
    error page. The same holds when a panel's version changed between checking the page and
    saving it (``RecordModifiedError``; the forms' own check normally refuses such a save).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            self.message_user(
                request,
                _(
                    "Nothing was saved: someone else saved this panel while you were saving "
                    "it. The page now shows what is saved; make your changes again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
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
        except OperationalError as error:
            if not is_contention(error):
                raise
            self.message_user(request, CONTENTION_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except OperationalError as error:
            if not is_contention(error):
                raise
            self.message_user(request, CONTENTION_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


CONTENTION_MESSAGE = _(
    "Nothing was saved: other changes to the same panels were being saved at the same moment. "
    "The page now shows what is saved; please do it again."
)


def is_contention(error):
    """Whether a database ``OperationalError`` comes from saves that collided: a PostgreSQL
    deadlock or serialisation failure (SQLSTATE 40P01, 40001), or SQLite's lock timeout."""
    cause = error.__cause__
    return getattr(cause, "pgcode", None) in {"40P01", "40001"} or "database is locked" in str(
        error
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


class ProblemsFilter(admin.SimpleListFilter):
    """Panels by what their checks find (``panels.checks``), computed in Python."""

    title = _("problems")
    parameter_name = "problems"

    # The choices, each with the test a panel's findings must pass.
    TESTS = {
        "overrun": lambda findings: any(f.code == "overrun" for f in findings),
        "warnings": lambda findings: any(f.severity == checks.WARNING for f in findings),
        "none": lambda findings: not findings,
    }

    def lookups(self, request, model_admin):
        return [
            ("overrun", _("Overruns its slot")),
            ("warnings", _("Has warnings")),
            ("none", _("No problems")),
        ]

    def queryset(self, request, queryset):
        test = self.TESTS.get(self.value())
        if test is None:
            return None
        matching = [
            pk
            for pk, findings in checks.findings_by_panel(queryset).items()
            if findings is not None and test(findings)
        ]
        return queryset.filter(pk__in=matching)

    def get_facet_queryset(self, changelist):
        """The counts shown by "Show counts", from one reading of the findings.

        (Django's default builds one ``Count(filter=Q(pk__in=...))`` per choice; a choice that
        matches no panel then empties the whole aggregate, and every count reads 0.)
        """
        panels = changelist.get_queryset(
            self.request, exclude_parameters=self.expected_parameters()
        )
        found = [
            findings
            for findings in checks.findings_by_panel(panels).values()
            if findings is not None
        ]
        return {
            f"{index}__c": sum(self.TESTS[value](findings) for findings in found)
            for index, (value, _label) in enumerate(self.lookup_choices)
        }


@admin.register(Panel)
class PanelAdmin(RefuseClashingSaveMixin, admin.ModelAdmin):
    """Panels, each edited with its concept note, panellists and running order.

    The page and the list show what the checks find; actions generate the standard running
    order and publish. The page's hidden ``version`` and ``loaded_at`` refuse a stale save
    (``forms.PanelAdminForm``).
    """

    form = PanelAdminForm
    list_display = [
        "title",
        "checks",
        "meeting",
        "date",
        "start_time",
        "end_time",
        "meeting__time_zone",
        "room",
        "is_published",
        "total",
    ]
    list_filter = ["meeting", "date", "is_published", ProblemsFilter]
    formfield_overrides = HOURS_AND_MINUTES
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title", "room"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["meeting", "title", ("version", "loaded_at")]}),
        (
            _("Time slot"),
            {
                "fields": [
                    "date",
                    ("start_time", "end_time"),
                    "time_zone",
                    "room",
                    "presentation_limit_minutes",
                    "total",
                ],
                "description": _("The day and times are in the meeting's local time zone."),
            },
        ),
        (_("Checks"), {"fields": ["findings"]}),
        (_("Publication"), {"fields": ["is_published"]}),
    ]
    readonly_fields = ["time_zone", "total", "findings"]
    inlines = [ConceptNoteSectionInline, PanellistInline, SegmentInline]
    actions = ["generate_running_order", "publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("meeting")
            .with_planned_minutes()
            .with_people()
            .with_running_order()
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
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
        self.generate_running_orders(request, queryset)

    def generate_running_orders(self, request, panels):
        """Generate each panel's standard running order and say what was built or why not.

        ``panels`` have their meeting and prefetched people. Calls
        ``services.generate_running_order``, which never overwrites: a panel with a running
        order is skipped, as is one whose slot cannot hold its people.
        """
        existing = []
        for panel in panels:
            if not panel.meeting.has_valid_time_zone():
                self.message_user(
                    request,
                    _(
                        "Not generated for %(panel)s: its meeting's time zone is not valid. "
                        "Correct it on the meeting's page first."
                    )
                    % {"panel": quoted(panel)},
                    messages.ERROR,
                )
                continue
            try:
                with transaction.atomic():
                    segments = services.generate_running_order(panel)
                    self.log_generated(request, panel, segments)
            except services.RunningOrderExists:
                existing.append(panel)
            except running_order.PlanDoesNotFit:
                if panel.slot_minutes > MAX_SEGMENT_MINUTES:
                    self.message_user(
                        request,
                        _(
                            "Not generated for %(panel)s: its slot of %(slot)d minutes would "
                            "need a discussion longer than a day. Build the running order by "
                            "hand."
                        )
                        % {"panel": quoted(panel), "slot": panel.slot_minutes},
                        messages.ERROR,
                    )
                    continue
                presenters = [
                    place
                    for place in panel.panellists.all()
                    if place.is_on_programme and place.role not in services.NOT_PRESENTING
                ]
                self.message_user(
                    request,
                    ngettext(
                        "Not generated for %(panel)s: its %(slot)d-minute slot is too short "
                        "for the moderator's opening and concluding remarks, a discussion and "
                        "%(count)d presentation. Lengthen the slot, or build the running order "
                        "by hand.",
                        "Not generated for %(panel)s: its %(slot)d-minute slot is too short "
                        "for the moderator's opening and concluding remarks, a discussion and "
                        "%(count)d presentations. Lengthen the slot, or build the running "
                        "order by hand.",
                        len(presenters),
                    )
                    % {
                        "panel": quoted(panel),
                        "slot": panel.slot_minutes,
                        "count": len(presenters),
                    },
                    messages.ERROR,
                )
            else:
                timed = running_order.schedule(panel.starts_at, segments)
                self.message_user(
                    request,
                    ngettext(
                        "Generated the standard running order of %(panel)s: %(count)d "
                        "segment, %(start)s–%(end)s (%(zone)s).",
                        "Generated the standard running order of %(panel)s: %(count)d "
                        "segments, %(start)s–%(end)s (%(zone)s).",
                        len(segments),
                    )
                    % {
                        "panel": quoted(panel),
                        "count": len(segments),
                        "start": f"{timed[0].start:%H:%M}",
                        "end": f"{timed[-1].end:%H:%M}",
                        "zone": panel.meeting.time_zone,
                    },
                    messages.SUCCESS,
                )
        if existing:
            self.message_user(
                request,
                ngettext(
                    "Not generated for %(panels)s: it already has a running order, and "
                    "generating never overwrites one. To generate it again, delete its "
                    "segments first.",
                    "Not generated for %(panels)s: they already have a running order, and "
                    "generating never overwrites one. To generate them again, delete their "
                    "segments first.",
                    len(existing),
                )
                % {"panels": quoted_list(existing)},
                messages.WARNING,
            )

    def log_generated(self, request, panel, segments):
        """Record the generated segments in the panel's history, as the admin records rows
        added on its page (stored untranslated, translated when read)."""
        with translation.override(None):
            message = [
                {"added": {"name": str(Segment._meta.verbose_name), "object": str(segment)}}
                for segment in segments
            ]
        self.log_change(request, panel, message)

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
            self.generate_running_orders(request, [panel])
        return HttpResponseRedirect(reverse("admin:panels_panel_change", args=[obj.pk]))

    # Publishing

    @admin.action(description=_("Publish selected panels"), permissions=["change"])
    def publish(self, request, queryset):
        """Publish the selected panels whose running order fits their slot; refuse the others.

        The panels are locked while they are checked and published, so that a running order
        saved at the same moment is counted.
        """
        published, already, overrunning, unknown_zone = [], [], [], []
        with transaction.atomic():
            selected = list(queryset.values_list("pk", flat=True))
            list(Panel.objects.select_for_update().filter(pk__in=selected).values_list("pk"))
            panels = (
                Panel.objects.filter(pk__in=selected)
                .select_related("meeting")
                .with_planned_minutes()
                .in_programme_order()
            )
            for panel in panels:
                if panel.is_published:
                    already.append(panel)
                elif not panel.meeting.has_valid_time_zone():
                    unknown_zone.append(panel)
                elif panel.publishing_refusal(panel.planned_minutes):
                    overrunning.append(panel)
                else:
                    published.append(panel)
            Panel.objects.filter(pk__in=[panel.pk for panel in published]).update(
                is_published=True, version=F("version") + 1
            )
            with translation.override(None):
                label = str(capfirst(Panel._meta.get_field("is_published").verbose_name))
            for panel in published:
                self.log_change(request, panel, [{"changed": {"fields": [label]}}])
        if published:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d panel: %(panels)s.",
                    "Published %(count)d panels: %(panels)s.",
                    len(published),
                )
                % {"count": len(published), "panels": quoted_list(published)},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(panels)s was already published.",
                    "%(panels)s were already published.",
                    len(already),
                )
                % {"panels": quoted_list(already)},
            )
        if overrunning:
            overruns = [
                ngettext(
                    "%(panel)s (over by %(minutes)d minute)",
                    "%(panel)s (over by %(minutes)d minutes)",
                    panel.slot_usage().overrun,
                )
                % {"panel": quoted(panel), "minutes": panel.slot_usage().overrun}
                for panel in overrunning
            ]
            self.message_user(
                request,
                ngettext(
                    "Not published, because its running order overruns its slot: %(panels)s. "
                    "Shorten the running order or lengthen the slot first.",
                    "Not published, because their running orders overrun their slots: "
                    "%(panels)s. Shorten the running orders or lengthen the slots first.",
                    len(overrunning),
                )
                % {"panels": get_text_list(overruns, _("and"))},
                messages.ERROR,
            )
        if unknown_zone:
            self.message_user(
                request,
                ngettext(
                    "Not published, because its meeting's time zone is not valid: "
                    "%(panels)s. Correct it on the meeting's page first.",
                    "Not published, because their meetings' time zones are not valid: "
                    "%(panels)s. Correct them on the meetings' pages first.",
                    len(unknown_zone),
                )
                % {"panels": quoted_list(unknown_zone)},
                messages.ERROR,
            )

    # Removing or replacing panellists

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
                form.instance.pk: form.initial["person"]
                for form in places.initial_forms
                if form.instance.pk not in removed and "person" in form.changed_data
            }
        spoken = {}
        if removed or replaced:
            for segment in Segment.objects.filter(speaker__in=[*removed, *replaced]):
                spoken.setdefault(segment.speaker_id, []).append(segment.pk)
        super().save_related(request, form, formsets, change)
        for pk, place in removed.items():
            self.report_removed(request, place, spoken.get(pk, []))
        if replaced:
            people = Person.objects.in_bulk(replaced.values())
            for form in places.initial_forms:
                if form.instance.pk in replaced:
                    previous = people[replaced[form.instance.pk]]
                    self.report_replaced(request, form.instance, previous, spoken)

    def report_removed(self, request, place, segment_ids):
        """Name the segments of a removed panellist that the running order keeps."""
        kept = list(Segment.objects.filter(pk__in=segment_ids, speaker=None))
        if not kept:
            return
        self.message_user(
            request,
            ngettext(
                "The running order keeps %(count)d segment of %(name)s without a speaker: "
                "%(segments)s. Choose another speaker for it, or delete it.",
                "The running order keeps %(count)d segments of %(name)s without a speaker: "
                "%(segments)s. Choose another speaker for them, or delete them.",
                len(kept),
            )
            % {
                "count": len(kept),
                "name": place.person.display_name,
                "segments": quoted_list(segment.display_title for segment in kept),
            },
            messages.WARNING,
        )

    def report_replaced(self, request, place, previous, spoken):
        """Name the segments that a panellist's replacement takes over."""
        taken = list(Segment.objects.filter(pk__in=spoken.get(place.pk, []), speaker=place))
        if not taken:
            return
        self.message_user(
            request,
            ngettext(
                "%(new)s replaces %(old)s and takes over their %(count)d segment in the "
                "running order: %(segments)s.",
                "%(new)s replaces %(old)s and takes over their %(count)d segments in the "
                "running order: %(segments)s.",
                len(taken),
            )
            % {
                "new": place.person.display_name,
                "old": previous.display_name,
                "count": len(taken),
                "segments": quoted_list(segment.display_title for segment in taken),
            },
        )


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

    form = PanellistPageForm
    list_display = ["person", "panel", "role", "status", "answered_at"]
    list_filter = ["panel__meeting", "role", "status"]
    list_select_related = ["person", "panel"]
    search_fields = ["person__name", "person__organisation", "panel__title"]
    autocomplete_fields = ["panel", "person"]
    fields = [
        "panel",
        "person",
        "role",
        "order",
        "presentation_title",
        "answer",
        "answered_at",
        "panel_version",
        "loaded_at",
    ]
    readonly_fields = ["answered_at"]
    actions = ["mark_confirmed", "mark_declined", "mark_withdrawn", "mark_invited"]

    def save_model(self, request, obj, form, change):
        """Save the panellist, then record a changed answer through ``services``.

        The panel's version is increased first (and the previous panel's, when the panellist
        moves), so that an open copy of the panel's page cannot overwrite this change.
        """
        services.bump_panel_versions({obj.panel_id, form.initial.get("panel")} - {None})
        super().save_model(request, obj, form, change)
        form.save_answer()

    def delete_model(self, request, obj):
        services.bump_panel_versions([obj.panel_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        services.bump_panel_versions(queryset.values("panel_id"))
        super().delete_queryset(request, queryset)

    def record_answers(self, request, queryset, status):
        """Record ``status`` for each selected panellist and say how many changed."""
        field = str(Panellist._meta.get_field("status").verbose_name).capitalize()
        with transaction.atomic():
            # Lock the panels in one order (by key), as every other save does, so that two
            # officers marking answers on the same panels wait for each other, not deadlock.
            list(
                Panel.objects.select_for_update()
                .filter(pk__in=queryset.values("panel_id"))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            changed = 0
            for panellist in queryset:
                if services.record_answer(panellist, status):
                    changed += 1
                    self.log_change(request, panellist, [{"changed": {"fields": [field]}}])
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
