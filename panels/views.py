"""Public pages (the list of meetings, a meeting's programme and a panel) and the
secretariat's tools for a panel (the moderator's run sheet and the live timekeeper).

Draft meetings and unpublished panels answer 404 to the public; staff see them, with a notice
that they are not public (``visible_to``). The tools are for staff only (``StaffOnlyMixin``).
Every page runs a fixed number of queries, however many panels, panellists and segments there
are: the prefetches live in ``PanelQuerySet``.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from . import running_order
from .checks import panel_findings
from .models import Meeting, Panel
from .running_order import zone_day


class MeetingListView(ListView):
    """Home page: upcoming and past meetings, as ``upcoming`` and ``past`` in the context."""

    model = Meeting

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        meetings = self.get_queryset()
        return super().get_context_data(
            upcoming=meetings.upcoming(), past=meetings.past(), **kwargs
        )


class MeetingDetailView(DetailView):
    """A meeting and its programme: ``panels`` in programme order, with their people."""

    model = Meeting

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        panels = (
            Panel.objects.visible_to(self.request.user)
            .filter(meeting=self.object)
            .select_related("meeting")
            .with_people()
            .in_programme_order()
        )
        return super().get_context_data(panels=panels, **kwargs)


class PanelDetailView(DetailView):
    """A panel: concept note, who speaks and the running order, found in its meeting."""

    model = Panel

    def get_queryset(self):
        return (
            Panel.objects.visible_to(self.request.user)
            .filter(meeting__slug=self.kwargs["meeting_slug"])
            .select_related("meeting")
            .with_people()
            .with_running_order()
            .prefetch_related("sections")
        )


class StaffOnlyMixin(UserPassesTestMixin):
    """Opens a page to the secretariat (staff) only.

    Someone not signed in is sent to the admin's sign-in page and back; a signed-in user who is
    not staff gets 403. ``test_func`` is the one access check: a view that also admits a
    panel's moderator through their personal link overrides it.
    """

    login_url = reverse_lazy("admin:login")

    def test_func(self):
        return self.request.user.is_staff


class PanelToolView(StaffOnlyMixin, DetailView):
    """A panel, found in its meeting, with its running order, for the people who run it.

    Drafts and unpublished panels are included: the secretariat prepares them before they are
    public. Subclasses set ``template_name_suffix``.
    """

    model = Panel

    def get_queryset(self):
        return (
            Panel.objects.filter(meeting__slug=self.kwargs["meeting_slug"])
            .select_related("meeting")
            .with_running_order()
        )


class PanelRunSheetView(PanelToolView):
    """The moderator's run sheet: one printable page with each segment's clock times,
    duration, running total, speaker and cue, and the panel's checks."""

    template_name_suffix = "_runsheet"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            findings=panel_findings(self.object),
            cue_minutes=running_order.CUE_MINUTES,
            **kwargs,
        )


class PanelTimekeeperView(PanelToolView):
    """The live timekeeper: a countdown through the running order, run by
    ``static/js/timekeeper.js`` from the plan and wording embedded in the page, so that it
    keeps working without the network once loaded."""

    template_name_suffix = "_timekeeper"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            timekeeper_plan=timekeeper_plan(self.object),
            timekeeper_labels=timekeeper_labels(),
            cue_minutes=running_order.CUE_MINUTES,
            **kwargs,
        )


def _clock(moment, zone, with_zone):
    """An aware datetime as "15:05" in ``zone``, or "01:30 EST" ``with_zone`` (the zone's
    abbreviation tells apart the two 01:30s of a night when the clocks go back)."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname()}" if with_zone else f"{local:%H:%M}"


def timekeeper_plan(panel):
    """The running order as the timekeeper's script reads it: JSON-ready plain values.

    Returns ``{"panel": pk, "zone": IANA name, "start": ISO 8601 with offset, "startClock":
    "15:00", "end": …, "cueMinutes": int, "segments": [{"title", "speaker", "role",
    "minutes", "start", "clock"}, …]}``. For each segment, ``minutes`` is the planned duration
    in whole minutes, ``start`` the planned start with the meeting's UTC offset
    ("2017-02-16T15:00:00-05:00") and ``clock`` its planned time range in the meeting's zone.
    A speaker who declined or withdrew is left out, as on the public page.
    """
    with_zone = zone_day(panel.zone, panel.date).after is not None
    segments = []
    for timed in panel.timed_segments():
        speaker = timed.item.speaker
        on_programme = speaker is not None and speaker.is_on_programme
        segments.append(
            {
                "title": timed.item.display_title,
                "speaker": speaker.person.display_name if on_programme else "",
                "role": speaker.get_role_display() if on_programme else "",
                "minutes": timed.duration,
                "start": timed.start.isoformat(),
                "clock": (
                    f"{_clock(timed.start, panel.zone, with_zone)}–"
                    f"{_clock(timed.end, panel.zone, with_zone)}"
                ),
            }
        )
    return {
        "panel": panel.pk,
        "zone": panel.meeting.time_zone,
        "start": panel.starts_at.isoformat(),
        "startClock": _clock(panel.starts_at, panel.zone, with_zone=False),
        "end": panel.ends_at.isoformat(),
        "cueMinutes": running_order.CUE_MINUTES,
        "segments": segments,
    }


def timekeeper_labels():
    """The timekeeper's wording that holds numbers, translated, for its script.

    Each value is a pattern whose ``%(name)s`` placeholders the script fills in (the form
    translators know from Python, checked by ``msgfmt``); every other word of the page is in
    its template.
    """
    return {
        # Translators: %(overrun)s is minutes and seconds, e.g. "0:35".
        "over": _("Time is up — over by %(overrun)s"),
        # Translators: %(minutes)s is a whole number; "min" is an abbreviation, not inflected.
        "behind": _("%(minutes)s min behind plan"),
        # Translators: %(minutes)s is a whole number; "min" is an abbreviation, not inflected.
        "ahead": _("%(minutes)s min ahead of plan"),
        "onPlan": _("On plan"),
        # Translators: e.g. "Segment 2 of 7".
        "position": _("Segment %(number)s of %(total)s"),
        # Translators: %(time)s is a planned time range, e.g. "15:05–15:15".
        "planned": _("Planned %(time)s"),
        # Translators: %(time)s is a clock time, e.g. "10:42"; %(planned)s the planned one.
        "shifted": _(
            "Started at %(time)s, far from the planned %(planned)s: ahead and behind are "
            "counted from that start."
        ),
        "confirmReset": _(
            "Clear the times recorded for this panel on this device and start again?"
        ),
    }
