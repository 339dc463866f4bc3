"""The secretariat's tools for a panel: the moderator's run sheet and the live timekeeper.

They are for the meeting's team only (``StaffOnlyMixin``, then 404 outside the team); drafts
and unpublished panels included. Each page runs a fixed number of queries, however many
segments there are: the prefetches live in ``PanelQuerySet``.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from . import running_order
from .checks import panel_findings
from .models import Panel
from .running_order import zone_day
from .wording import clock, prose_list


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
    """A panel, found in its meeting, with its running order, for the people who run it: the
    meeting's team (404 for other staff).

    Drafts and unpublished panels are included: the secretariat prepares them before they are
    public. Subclasses set ``template_name_suffix``.
    """

    model = Panel

    def get_queryset(self):
        return (
            Panel.objects.of_team(self.request.user)
            .filter(meeting__slug=self.kwargs["meeting_slug"])
            .select_related("meeting", "room")
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
    keeps working without the network once loaded.

    A cancelled session gets no plan (so no script and no "Start the panel"): the page says
    it was cancelled instead."""

    template_name_suffix = "_timekeeper"

    def get_context_data(self, **kwargs):
        panel = self.object
        return super().get_context_data(
            timekeeper_plan=None if panel.is_cancelled else timekeeper_plan(panel),
            timekeeper_labels=timekeeper_labels(),
            cue_minutes=running_order.CUE_MINUTES,
            **kwargs,
        )


def timekeeper_plan(panel):
    """The running order as the timekeeper's script reads it: JSON-ready plain values.

    Returns ``{"panel": pk, "zone": IANA name, "start": ISO 8601 with offset, "startClock":
    "15:00", "end": …, "cueMinutes": int, "segments": [{"title", "speaker", "role",
    "minutes", "start", "clock"}, …]}``. For each segment, ``minutes`` is the planned duration
    in whole minutes, ``start`` the planned start with the meeting's UTC offset
    ("2017-02-16T15:00:00-05:00") and ``clock`` its planned time range in the meeting's zone.
    A speaker who declined or withdrew is left out, as on the public page.

    Returns ``None`` when a time is missing (the session's, or an item's start or end), or
    the meeting's time zone is not valid: a countdown needs every moment, exactly.
    """
    if not panel.meeting.has_valid_time_zone():
        return None
    with_zone = zone_day(panel.zone, panel.date).after is not None
    placed = panel.timed_segments()
    if not panel.is_timed or not all(timed.is_timed for timed in placed):
        return None
    segments = []
    for timed in placed:
        speakers = [place for place in timed.item.speaker_places() if place.is_on_programme]
        segments.append(
            {
                "title": timed.item.display_title,
                "speaker": prose_list([place.display_name for place in speakers]),
                "role": speakers[0].get_role_display() if len(speakers) == 1 else "",
                "minutes": timed.duration,
                "start": timed.start.isoformat(),
                "clock": (
                    f"{clock(timed.start, panel.zone, with_zone)}–"
                    f"{clock(timed.end, panel.zone, with_zone)}"
                ),
            }
        )
    return {
        "panel": panel.pk,
        "zone": panel.meeting.time_zone,
        "start": panel.starts_at.isoformat(),
        "startClock": clock(panel.starts_at, panel.zone, with_zone=False),
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
