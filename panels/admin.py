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

Invitations and answers (issue 4): actions email panellists their invitation with a new
personal link, remind those who have not answered, and revoke links (``panels.mail``,
``panels.services``); each reports what was sent and names whoever it failed for. A
panellist's page shows their answer in their own words, their link's state and every email
sent about their place; the panel list counts the answers. After a save that may move a panel
in time (its page, its meeting's page), confirmed panellists are told their new time once the
save is committed.

Issue 5: panels are cancelled and reinstated by actions (a cancelled panel stays on the
programme and in calendars, its calendar entry revised). The secretariat's spreadsheet of
panellists (``panels.resources``) is exported from the panel list for the selected panels, and
exported and imported, with a preview, on the panellist list (django-import-export). Exports
carry email addresses: they take the permission to view panellists and people.
"""

import logging
from functools import partial

from concurrency.exceptions import RecordModifiedError
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth import get_permission_codename
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst, get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from . import checks, mail, running_order, services
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
    Sending,
)
from .resources import SPREADSHEET_FORMATS, PanellistResource, SpreadsheetCSV

logger = logging.getLogger(__name__)

admin.site.site_header = _("Panel sessions: secretariat")
admin.site.site_title = _("Panel sessions")
admin.site.index_title = _("Meetings, panels and people")

# Times of day as the programme writes them ("15:00"), without seconds.
HOURS_AND_MINUTES = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}


# CSV files are written in UTF-8 with a byte order mark: without it, Excel reads them in the
# computer's legacy code page and garbles every name outside it.
CSV_ENCODING = "utf-8-sig"

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


def in_meeting_time(moment, meeting):
    """An aware datetime in the meeting's zone, the zone named: "Feb. 16, 2017, 3 p.m.
    (America/New_York)". In the server's zone (``when_and_zone``) when the meeting's zone is
    not valid."""
    if not meeting.has_valid_time_zone():
        return when_and_zone(moment)
    local = moment.astimezone(meeting.zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({meeting.time_zone})"


def answers_text(expected, confirmed, declined):
    """A panel's answers in words: "3 of 5 confirmed, 1 declined", or "No panellists".

    ``expected`` counts the panellists still expected to speak (neither declined nor withdrawn:
    ``Panellist.is_on_programme``), the denominator; ``confirmed`` and ``declined`` those who
    answered so. With the demo's five people, one confirmed and one declined read "1 of 4
    confirmed, 1 declined" (issue 4). ", 0 declined" is left out.
    """
    values = {"confirmed": confirmed, "expected": expected, "declined": declined}
    if not expected:
        if not declined:
            return _("No panellists")
        return (
            ngettext(
                "%(declined)d declined, nobody left to confirm",
                "%(declined)d declined, nobody left to confirm",
                declined,
            )
            % values
        )
    if declined:
        return (
            ngettext(
                "%(confirmed)d of %(expected)d confirmed, %(declined)d declined",
                "%(confirmed)d of %(expected)d confirmed, %(declined)d declined",
                expected,
            )
            % values
        )
    return (
        ngettext(
            "%(confirmed)d of %(expected)d confirmed",
            "%(confirmed)d of %(expected)d confirmed",
            expected,
        )
        % values
    )


def panellists_counted(condition):
    """The number of the outer panel's panellists meeting ``condition`` (a ``Q``), as an
    expression for ``annotate``.

    A subquery rather than ``Count("panellists", filter=...)``: a join with the panellists
    would multiply the running order's total (``with_planned_minutes``) that the same queryset
    sums over the segments.
    """
    counted = (
        Panellist.objects.filter(condition, panel=OuterRef("pk"))
        .order_by()
        .values("panel")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


ANSWER_COUNTS = {
    "answers_expected": ~Q(status__in=[Panellist.Status.WITHDRAWN, Panellist.Status.DECLINED]),
    "answers_confirmed": Q(status=Panellist.Status.CONFIRMED),
    "answers_declined": Q(status=Panellist.Status.DECLINED),
}


def with_answer_counts(panels):
    """``panels`` (a Panel QuerySet) annotated with the counts that ``answers_text`` reads."""
    return panels.annotate(
        **{name: panellists_counted(condition) for name, condition in ANSWER_COUNTS.items()}
    )


class PanellistEmailsMixin:
    """Email panellists from the admin and say in its messages what became of each email.

    Sending goes through ``panels.mail``, which records every attempt (``Sending``) and never
    stops a batch for one bad address; this reports the count sent and names each panellist
    an email failed for, with the reason. Names are plain text (messages are escaped).
    """

    def report_emails(self, request, outcomes, *, sent, failed):
        """One message counting the emails sent and one error per email that failed.

        ``outcomes`` is a list of ``mail.Outcome``; ``sent`` a function of the number sent
        that returns its message; ``failed`` a message with ``%(name)s``, ``%(panel)s`` and
        ``%(reason)s``. Returns the number sent.
        """
        count = sum(outcome.sent for outcome in outcomes)
        if count:
            self.message_user(request, sent(count), messages.SUCCESS)
        for outcome in outcomes:
            if not outcome.sent:
                place = outcome.panellist
                self.message_user(
                    request,
                    failed
                    % {
                        "name": place.person.display_name,
                        "panel": quoted(place.panel),
                        "reason": outcome.error,
                    },
                    messages.ERROR,
                )
        return count

    def invite(self, request, panellists):
        """Email each of ``panellists`` an invitation with a new personal link; report it."""
        outcomes = mail.send_invitations(panellists)
        self.report_emails(
            request,
            outcomes,
            sent=lambda count: (
                ngettext(
                    "Sent %(count)d invitation, with a new personal link.",
                    "Sent %(count)d invitations, each with a new personal link.",
                    count,
                )
                % {"count": count}
            ),
            failed=_("The invitation to %(name)s for %(panel)s was not sent: %(reason)s."),
        )

    def remind(self, request, panellists):
        """Remind those of ``panellists`` who have not answered; report it, and explain how
        many were left out and why (``mail.send_reminders`` decides)."""
        panellists = list(panellists)
        outcomes = mail.send_reminders(panellists)
        self.report_emails(
            request,
            outcomes,
            sent=lambda count: (
                ngettext(
                    "Sent %(count)d reminder, with a new personal link.",
                    "Sent %(count)d reminders, each with a new personal link.",
                    count,
                )
                % {"count": count}
            ),
            failed=_("The reminder to %(name)s for %(panel)s was not sent: %(reason)s."),
        )
        skipped = len(panellists) - len(outcomes)
        if skipped:
            days = settings.REMINDER_INTERVAL_DAYS
            interval = ngettext("in the last day", "in the last %(days)d days", days) % {
                "days": days
            }
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist was not reminded: they had answered, had never been "
                    "invited, had been invited or reminded %(interval)s, or the deadline for "
                    "answers had passed.",
                    "%(count)d panellists were not reminded: they had answered, had never been "
                    "invited, had been invited or reminded %(interval)s, or the deadline for "
                    "answers had passed.",
                    skipped,
                )
                % {"count": skipped, "interval": interval},
            )

    def notify_time_changes_on_commit(self, request, panel_ids):
        """Once the current transaction commits, tell the confirmed panellists of the panels
        ``panel_ids`` whose time changed their new time (nothing if it rolls back)."""
        transaction.on_commit(partial(self.send_time_changes, request, list(panel_ids)))

    def send_time_changes(self, request, panel_ids):
        """Send the new-time notices of the panels ``panel_ids`` now, and report them.

        The save is already committed when this runs: an unexpected error is logged and
        reported rather than turned into an error page. ``mail.notify_time_changes`` stores
        the times only of notices sent, so saving again tries the others again.
        """
        panels = [
            panel
            for panel in Panel.objects.filter(pk__in=panel_ids).select_related("meeting")
            # Without a valid zone a panel has no clock times to announce (the checks say so).
            if panel.meeting.has_valid_time_zone()
        ]
        if not panels:
            return
        try:
            outcomes = mail.notify_time_changes(panels)
        except Exception:
            logger.exception("The new times of panels %s could not be emailed.", panel_ids)
            self.message_user(
                request,
                _(
                    "The changes were saved, but an unexpected error stopped the new times "
                    "from being emailed to confirmed panellists (it is in the server's log). "
                    "Save the page again to try again."
                ),
                messages.ERROR,
            )
            return
        self.report_emails(
            request,
            outcomes,
            sent=lambda count: (
                ngettext(
                    "New time sent to %(count)d confirmed panellist.",
                    "New time sent to %(count)d confirmed panellists.",
                    count,
                )
                % {"count": count}
            ),
            failed=_("The new time was not sent to %(name)s for %(panel)s: %(reason)s."),
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
class MeetingAdmin(RefuseClashingSaveMixin, PanellistEmailsMixin, admin.ModelAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.notify_time_changes_on_commit(
                request, form.instance.panels.values_list("pk", flat=True)
            )


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


class AnswersFilter(admin.SimpleListFilter):
    """Panels by their panellists' answers: all who are expected to speak (neither declined
    nor withdrawn) have confirmed, some have not answered, someone declined, or nobody is
    expected."""

    title = _("answers")
    parameter_name = "answers"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("All confirmed")),
            ("waiting", _("Waiting for answers")),
            ("declined", _("Someone declined")),
            ("none", _("No panellists expected")),
        ]

    def queryset(self, request, queryset):
        places = Panellist.objects.filter(panel=OuterRef("pk"))
        expected = Exists(
            places.exclude(status__in=[Panellist.Status.WITHDRAWN, Panellist.Status.DECLINED])
        )
        waiting = Exists(places.filter(status=Panellist.Status.INVITED))
        declined = Exists(places.filter(status=Panellist.Status.DECLINED))
        conditions = {
            "confirmed": expected & ~waiting,
            "waiting": waiting,
            "declined": declined,
            "none": ~expected,
        }
        condition = conditions.get(self.value())
        return None if condition is None else queryset.filter(condition)


@admin.register(Panel)
class PanelAdmin(RefuseClashingSaveMixin, PanellistEmailsMixin, admin.ModelAdmin):
    """Panels, each edited with its concept note, panellists and running order.

    The page and the list show what the checks find and how the panellists answered; actions
    generate the standard running order, publish, invite the panellists who have not answered
    and remind them. The page's hidden ``version`` and ``loaded_at`` refuse a stale save
    (``forms.PanelAdminForm``). After a save, confirmed panellists whose time changed are told.
    """

    form = PanelAdminForm
    list_display = [
        "title",
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
    list_filter = ["meeting", "date", "is_published", "status", ProblemsFilter, AnswersFilter]
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
        (_("Publication"), {"fields": ["is_published", "status", "panellist_display"]}),
    ]
    readonly_fields = ["time_zone", "total", "answers", "findings"]
    inlines = [ConceptNoteSectionInline, PanellistInline, SegmentInline]
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
        panels = (
            super()
            .get_queryset(request)
            .select_related("meeting")
            .with_planned_minutes()
            .with_people()
            .with_running_order()
        )
        return with_answer_counts(panels)

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

    @admin.display(description=_("answers"), ordering="answers_confirmed")
    def answers(self, panel):
        """How the panellists answered: "3 of 5 confirmed, 1 declined" (``answers_text``).

        Reads the counts annotated by ``get_queryset``; counts them for a panel without.
        """
        if panel.pk is None:
            return _("No panellists yet.")
        if not hasattr(panel, "answers_expected"):
            panel = with_answer_counts(Panel.objects.filter(pk=panel.pk)).get()
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
        self.generate_running_orders(request, queryset)
        # A confirmed panellist who now has a segment learns its time.
        self.notify_time_changes_on_commit(request, [panel.pk for panel in queryset])

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

    # Cancelling and reinstating

    @admin.action(description=_("Cancel selected panels"), permissions=["change"])
    def cancel_panels(self, request, queryset):
        """Mark the selected panels as cancelled: they stay on the programme, marked so."""
        self.set_status(request, queryset, Panel.Status.CANCELLED)

    @admin.action(description=_("Reinstate selected panels"), permissions=["change"])
    def reinstate_panels(self, request, queryset):
        """Mark the selected cancelled panels as scheduled again."""
        self.set_status(request, queryset, Panel.Status.SCHEDULED)

    def set_status(self, request, queryset, status):
        """Give the selected panels ``status`` (a ``Panel.Status``) and say how many changed.

        Each panel is saved through ``Panel.save``, so that its calendar entry is revised
        (``sequence`` grows) and its version increases: an open copy of its page then refuses
        to overwrite the change. The panels are locked in one order (by key), as every other
        save of several panels does.
        """
        with transaction.atomic():
            selected = list(queryset.values_list("pk", flat=True))
            panels = list(Panel.objects.select_for_update().filter(pk__in=selected).order_by("pk"))
            with translation.override(None):
                label = str(capfirst(Panel._meta.get_field("status").verbose_name))
            changed, unchanged = [], []
            for panel in panels:
                if panel.status == status:
                    unchanged.append(panel)
                    continue
                panel.status = status
                panel.save(update_fields=["status", "version", "modified_at"])
                self.log_change(request, panel, [{"changed": {"fields": [label]}}])
                changed.append(panel)

        def in_programme_order(panels):
            return sorted(panels, key=lambda panel: (panel.date, panel.start_time, panel.pk))

        changed, unchanged = in_programme_order(changed), in_programme_order(unchanged)
        values = {"count": len(changed), "panels": quoted_list(changed)}
        if status == Panel.Status.CANCELLED:
            if changed:
                self.message_user(
                    request,
                    ngettext(
                        "Cancelled %(count)d panel: %(panels)s. It stays on the public "
                        "programme and in calendars, marked as cancelled.",
                        "Cancelled %(count)d panels: %(panels)s. They stay on the public "
                        "programme and in calendars, marked as cancelled.",
                        len(changed),
                    )
                    % values,
                    messages.SUCCESS,
                )
            if unchanged:
                self.message_user(
                    request,
                    ngettext(
                        "%(panels)s was already cancelled.",
                        "%(panels)s were already cancelled.",
                        len(unchanged),
                    )
                    % {"panels": quoted_list(unchanged)},
                )
            return
        if changed:
            self.message_user(
                request,
                ngettext(
                    "Reinstated %(count)d panel: %(panels)s. It is shown as scheduled again.",
                    "Reinstated %(count)d panels: %(panels)s. They are shown as scheduled again.",
                    len(changed),
                )
                % values,
                messages.SUCCESS,
            )
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(panels)s was not cancelled.",
                    "%(panels)s were not cancelled.",
                    len(unchanged),
                )
                % {"panels": quoted_list(unchanged)},
            )

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

    def panellists_of(self, panels, **conditions):
        """The panellists of ``panels`` meeting ``conditions``, in programme order."""
        return Panellist.objects.filter(
            panel__in=[panel.pk for panel in panels], **conditions
        ).order_by("panel__date", "panel__start_time", "panel__pk", "order", "pk")

    @admin.action(description=_("Invite panellists who have not answered"), permissions=["change"])
    def invite_unanswered(self, request, queryset):
        """Invite every panellist of the selected panels who has not answered (status
        "invited"), each with a new personal link."""
        panellists = list(self.panellists_of(queryset, status=Panellist.Status.INVITED))
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
        self.invite(request, panellists)

    @admin.action(description=_("Send reminders"), permissions=["change"])
    def send_reminders(self, request, queryset):
        """Remind the panellists of the selected panels who were invited and have not
        answered (``mail.send_reminders`` leaves out the others)."""
        self.remind(request, self.panellists_of(queryset))

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
        if change:
            self.notify_time_changes_on_commit(request, [form.instance.pk])

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


class SendingInline(admin.TabularInline):
    """The emails sent about a panellist's place, newest first: a record, never edited.

    Whoever may see the panellist sees their emails; nobody adds, changes or deletes one.
    """

    model = Sending
    verbose_name = _("email")
    verbose_name_plural = _("emails sent")
    fields = ["kind", "to_address", "sent", "result"]
    readonly_fields = fields
    ordering = ["-sent_at", "-pk"]
    can_delete = False
    extra = 0

    def has_view_permission(self, request, obj=None):
        return self.admin_site.get_model_admin(self.parent_model).has_view_or_change_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sent at"))
    def sent(self, sending):
        """When it was sent or attempted, with the zone named."""
        return when_and_zone(sending.sent_at)

    @admin.display(description=_("result"))
    def result(self, sending):
        """ "Sent", or why it was not."""
        if sending.succeeded:
            return _("Sent")
        return _("Not sent: %(reason)s") % {"reason": sending.error}


@admin.register(Panellist)
class PanellistAdmin(
    ImportExportMixin,
    RefuseClashingSaveMixin,
    PanellistEmailsMixin,
    AnsweredAtMixin,
    admin.ModelAdmin,
):
    """Every panellist of every panel, to follow up invitations across meetings.

    A panellist's page shows their answer with the reason and note they gave (their words,
    read-only), the state of their personal link and the emails sent about their place.
    Actions invite, remind, revoke links and record answers.

    The list exports the panellists it shows as a CSV or XLSX spreadsheet and imports people
    and panellists from one (django-import-export, with ``resources.PanellistResource``): the
    import is previewed, each bad row is explained, and a file with a bad row saves nothing.
    """

    resource_classes = [PanellistResource]
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    to_encoding = CSV_ENCODING
    import_template_name = "admin/panels/panellist/import.html"

    form = PanellistPageForm
    list_display = [
        "person",
        "panel",
        "role",
        "status",
        "answered_at",
        "reason",
        "note",
        "last_email",
    ]
    list_filter = ["panel__meeting", "role", "status"]
    list_select_related = ["person", "panel"]
    search_fields = ["person__name", "person__organisation", "panel__title"]
    autocomplete_fields = ["panel", "person"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "panel",
                    "person",
                    "role",
                    "order",
                    "presentation_title",
                    ("panel_version", "loaded_at"),
                ]
            },
        ),
        (
            _("Answer"),
            {
                "fields": ["answer", "answered_at", "decline_reason", "note_to_secretariat"],
                "description": _(
                    "The reason and the note are the panellist's own words, from their answer "
                    "page."
                ),
            },
        ),
        (
            _("Personal link"),
            {
                "fields": ["link_state"],
                "description": _(
                    "The link itself is only in the email: it is not stored. Sending the "
                    "invitation again gives a new link and the old one stops working."
                ),
            },
        ),
    ]
    readonly_fields = ["answered_at", "decline_reason", "note_to_secretariat", "link_state"]
    inlines = [SendingInline]
    actions = [
        "send_invitations",
        "send_reminders",
        "revoke_links",
        "mark_confirmed",
        "mark_declined",
        "mark_withdrawn",
        "mark_invited",
    ]

    # The secretariat's spreadsheet

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

    def get_export_filename(self, request, queryset, file_format):
        """ "panellists-2017-02-16.csv": the day of the export, in the server's zone."""
        return f"panellists-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

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
        press (a double click, a reload) finds none: say so instead of failing."""
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            self.message_user(
                request,
                _(
                    "This import was already processed (or its preview has expired): check "
                    "the list below, and start a new import if something is missing."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:panels_panellist_changelist"))

    def process_result(self, result, request):
        """After "Confirm import": report the import, or, when a row was refused meanwhile
        (the database changed since the preview), show the errors; nothing was saved then."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        self.message_user(
            request,
            _(
                "Nothing was imported: some rows can no longer be saved, because panels or "
                "people changed after the preview. Correct the rows listed below and import "
                "the file again."
            ),
            messages.ERROR,
        )
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
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

    def get_queryset(self, request):
        """The panellists, each annotated with their latest email's kind, time and error."""
        latest = Sending.objects.filter(panellist=OuterRef("pk")).order_by("-sent_at", "-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_email_kind=Subquery(latest.values("kind")[:1]),
                last_email_at=Subquery(latest.values("sent_at")[:1]),
                last_email_error=Subquery(latest.values("error")[:1]),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new panellist has no answer, link or email yet.
        first, (answer_title, _options), _link = self.fieldsets
        return [first, (answer_title, {"fields": ["answer"]})]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("reason for declining"))
    def reason(self, panellist):
        """The start of the reason they gave for declining."""
        return Truncator(panellist.decline_reason).chars(80) or self.get_empty_value_display()

    @admin.display(description=_("note to the secretariat"))
    def note(self, panellist):
        """The start of the note they left for the secretariat."""
        return Truncator(panellist.note_to_secretariat).chars(80) or (
            self.get_empty_value_display()
        )

    @admin.display(description=_("last email"), ordering="last_email_at")
    def last_email(self, panellist):
        """The latest email about their place: "Invitation, Jan. 20, 2017, 2:30 p.m. (UTC)",
        and why it was not sent if it failed. Reads the annotations of ``get_queryset``."""
        if getattr(panellist, "last_email_kind", None) is None:
            return self.get_empty_value_display()
        values = {
            "kind": Sending.Kind(panellist.last_email_kind).label,
            "when": when_and_zone(panellist.last_email_at),
        }
        if panellist.last_email_error:
            return _("%(kind)s, %(when)s: not sent (%(reason)s)") % {
                **values,
                "reason": panellist.last_email_error,
            }
        return _("%(kind)s, %(when)s") % values

    @admin.display(description=_("personal link"))
    def link_state(self, panellist):
        """Whether their personal link works: "Valid, issued …; it works until …", or why
        not. The link's secret is never stored, so it is never shown."""
        if panellist.status == Panellist.Status.WITHDRAWN:
            # Withdrawing revokes the link (``services.record_answer``).
            return _("No valid link: the panellist has withdrawn.")
        if not panellist.link_hash:
            return _("No valid link. Sending the invitation gives them a new one.")
        issued = (
            when_and_zone(panellist.link_issued_at)
            if panellist.link_issued_at
            else self.get_empty_value_display()
        )
        panel = panellist.panel
        if not panel.meeting.has_valid_time_zone():
            return _("Valid, issued %(issued)s.") % {"issued": issued}
        deadline = services.answer_deadline(panel)
        values = {"issued": issued, "deadline": in_meeting_time(deadline, panel.meeting)}
        if timezone.now() >= deadline:
            return (
                _("Issued %(issued)s; it stopped working at the answer deadline, %(deadline)s.")
                % values
            )
        return _("Valid, issued %(issued)s; it works until %(deadline)s.") % values

    def save_model(self, request, obj, form, change):
        """Save the panellist, then record a changed answer through ``services``.

        The panel's version is increased first (and the previous panel's, when the panellist
        moves), so that an open copy of the panel's page cannot overwrite this change. An
        existing panellist is saved in this page's fields only (``PanellistForm.save``).
        """
        services.bump_panel_versions({obj.panel_id, form.initial.get("panel")} - {None})
        if change:
            obj.save(update_fields=form.model_fields())
        else:
            obj.save()
        form.save_answer()

    def delete_model(self, request, obj):
        services.bump_panel_versions([obj.panel_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        services.bump_panel_versions(queryset.values("panel_id"))
        super().delete_queryset(request, queryset)

    # Invitations, reminders and personal links

    @admin.action(description=_("Send invitation (new personal link)"), permissions=["change"])
    def send_invitations(self, request, queryset):
        """Email each selected panellist an invitation with a new personal link; a link sent
        before stops working."""
        self.invite(request, queryset)

    @admin.action(description=_("Send reminders"), permissions=["change"])
    def send_reminders(self, request, queryset):
        """Remind the selected panellists who were invited and have not answered."""
        self.remind(request, queryset)

    @admin.action(description=_("Revoke personal links"), permissions=["change"])
    def revoke_links(self, request, queryset):
        """Make the selected panellists' personal links stop working, and say how many."""
        with translation.override(None):
            label = str(capfirst(Panellist._meta.get_field("link_hash").verbose_name))
        panellists = list(queryset)
        revoked = [panellist for panellist in panellists if panellist.link_hash]
        for panellist in revoked:
            services.revoke_link(panellist)
            self.log_change(request, panellist, [{"changed": {"fields": [label]}}])
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "Revoked the personal link of %(count)d panellist: it no longer opens "
                    "their answer page.",
                    "Revoked the personal links of %(count)d panellists: they no longer open "
                    "their answer pages.",
                    len(revoked),
                )
                % {"count": len(revoked)},
                messages.SUCCESS,
            )
        without = len(panellists) - len(revoked)
        if without:
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist had no personal link to revoke.",
                    "%(count)d panellists had no personal link to revoke.",
                    without,
                )
                % {"count": without},
            )

    # Recording answers by hand

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
