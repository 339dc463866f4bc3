"""Checks of a panel's running order and people, in the secretariat's words.

Each check returns ``Finding`` values: an ``error`` stops a panel from being published (only an
overrun of the slot does); a ``warning`` is shown but allows it. The functions read prefetched
relations (``PanelQuerySet.with_people`` and ``with_running_order``), so that a list of panels
is checked without a query per panel.
"""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import running_order
from .models import Panel, Panellist, SessionKind

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: ``severity`` (``ERROR`` or ``WARNING``), a stable ``code`` for filters and
    tests ("overrun", "unallocated", "no_running_order", "presentation_too_long",
    "speaker_not_on_panel", "speaker_not_available", "item_clash", "double_booked",
    "room_clash") and a
    translated ``message``."""

    severity: str
    code: str
    message: str

    @property
    def is_error(self):
        """Whether the finding stops the panel from being published."""
        return self.severity == ERROR


def slot_findings(panel):
    """An overrun of the slot (an error), unallocated minutes or no running order (warnings),
    or nothing. Only what is known is said: with items whose duration is not known, an overrun
    is certain only when the known ones alone overrun, and the unallocated minutes are not
    known (the running order's total says how many items have no duration, see
    ``Panel.slot_usage_text``); a session whose time is not published has no slot to fill; a
    break needs no running order."""
    total = panel.known_total()
    if not total.minutes and not total.unknown:
        if panel.kind == SessionKind.BREAK:
            return []
        return [Finding(WARNING, "no_running_order", _("The panel has no running order yet."))]
    usage = panel.slot_usage()
    if usage is None:
        return []
    if usage.overrun:
        return [
            Finding(
                ERROR,
                "overrun",
                ngettext(
                    "The running order overruns the slot by %(minutes)d minute.",
                    "The running order overruns the slot by %(minutes)d minutes.",
                    usage.overrun,
                )
                % {"minutes": usage.overrun},
            )
        ]
    if usage.unallocated and not total.unknown:
        return [
            Finding(
                WARNING,
                "unallocated",
                ngettext(
                    "%(minutes)d minute of the slot is not allocated.",
                    "%(minutes)d minutes of the slot are not allocated.",
                    usage.unallocated,
                )
                % {"minutes": usage.unallocated},
            )
        ]
    return []


def segment_findings(panel):
    """Presentations over the panel's limit, and segments whose speaker is not, or no longer, a
    panellist of the panel or has declined or withdrawn (warnings)."""
    findings = []
    limit = panel.presentation_limit_minutes
    placed, clashes = panel.placed_items()
    for timed in placed:
        segment = timed.item
        label = item_label(timed)
        if (
            segment.kind == segment.Kind.PRESENTATION
            and segment.duration_minutes is not None
            and segment.duration_minutes > limit
        ):
            findings.append(
                Finding(
                    WARNING,
                    "presentation_too_long",
                    _(
                        "%(segment)s lasts %(minutes)d minutes, longer than the %(limit)d "
                        "minutes a presentation may last."
                    )
                    % {"segment": label, "minutes": segment.duration_minutes, "limit": limit},
                )
            )
        findings.extend(speaker_findings(panel, segment, label))
    findings.extend(clash_findings(placed, clashes))
    return findings


def item_label(placed):
    """An item in words for a finding: "“Presentation” (15:05–15:15)", or its place in the
    order when its times are not known ("“Agenda item” (item 3)")."""
    if placed.is_timed:
        return _("“%(title)s” (%(start)s–%(end)s)") % {
            "title": placed.item.display_title,
            "start": placed.start.strftime("%H:%M"),
            "end": placed.end.strftime("%H:%M"),
        }
    return _("“%(title)s” (item %(number)s)") % {
        "title": placed.item.display_title,
        "number": placed.item.number or placed.position + 1,
    }


CLASH_MESSAGES = {
    "ends_before_it_starts": gettext_lazy("%(item)s ends before it starts."),
    "starts_before_previous_ends": gettext_lazy("%(item)s starts before the item before it ends."),
    "starts_before_session": gettext_lazy("%(item)s starts before the session does."),
    "ends_after_session": gettext_lazy("%(item)s ends after the session does."),
}


def clash_findings(placed, clashes):
    """The running order's clashes (``running_order.Clash``: fixed times that overlap or fall
    outside the session) as warnings, for the items with a fixed time."""
    return [
        Finding(
            WARNING,
            "item_clash",
            CLASH_MESSAGES[clash.code] % {"item": item_label(placed[clash.position])},
        )
        for clash in clashes
        if _has_fixed_time(placed[clash.position].item)
    ]


def _has_fixed_time(item):
    # Items laid end to end from durations alone that run past the session are the overrun
    # (``slot_findings``), not a clash of their own.
    return item.fixed_start is not None or item.fixed_end is not None


def speaker_findings(panel, segment, label):
    """Warnings for each speaker of ``segment`` who is not, or no longer, a participant of
    ``panel`` or has declined or withdrawn; ``label`` names the segment in the message."""
    findings = []
    for speaker in segment.speaker_places():
        if speaker.panel_id != panel.pk:
            findings.append(
                Finding(
                    WARNING,
                    "speaker_not_on_panel",
                    _("%(segment)s is given to %(name)s, who is not a panellist of this panel.")
                    % {"segment": label, "name": speaker.display_name},
                )
            )
        elif not speaker.is_on_programme:
            findings.append(
                Finding(
                    WARNING,
                    "speaker_not_available",
                    _("%(segment)s is given to %(name)s, whose status is “%(status)s”.")
                    % {
                        "segment": label,
                        "name": speaker.display_name,
                        "status": speaker.get_status_display(),
                    },
                )
            )
    return findings


# Roles that are due for the whole session, whatever items they speak in.
RUNS_THE_SESSION = {
    Panellist.Role.CHAIR,
    Panellist.Role.CO_CHAIR,
    Panellist.Role.MODERATOR,
    Panellist.Role.RAPPORTEUR,
}


def due_times(panel, place):
    """When ``place`` (a participant of ``panel``) is due: a list of ``(start, end)`` aware
    datetimes.

    Those who run the session (``RUNS_THE_SESSION``) are due for all of it; anyone else for
    the items they speak in, or for the whole session when they speak in none or in one whose
    time is not known.
    Reads the prefetched running order (``PanelQuerySet.with_running_order``).
    """
    if place.role not in RUNS_THE_SESSION:
        own = [placed for placed in panel.timed_segments() if placed.item.is_spoken_by(place)]
        # Due for the whole session when any of their items has no time.
        if own and all(placed.is_timed for placed in own):
            return [(placed.start, placed.end) for placed in own]
    return [(panel.starts_at, panel.ends_at)]


def double_bookings(panels):
    """People due in two sessions of one meeting at overlapping times, as warnings per
    session.

    ``panels`` is an iterable of panels with prefetched ``panellists`` and their ``person``,
    their running order (and ``meeting`` and ``room``); participants who declined or withdrew,
    places without a person, and sessions cancelled or whose time is not published do not
    count. When a
    person is due is ``due_times``: a speaker in two parallel sessions whose items do not
    overlap is not double-booked. Touching end to start is not an overlap; items of one
    session never clash with each other. Returns ``{panel.pk: [Finding, ...]}``, naming the
    person and the other session with its day, the time they are due there, and its room.
    """
    places = [
        (panel, place, due_times(panel, place))
        for panel in panels
        if panel.is_timed and not panel.is_cancelled
        for place in panel.panellists.all()
        if place.is_on_programme and place.is_named
    ]
    by_person = {}
    for seat in places:
        by_person.setdefault(seat[1].person_id, []).append(seat)
    findings = {}
    for seats in by_person.values():
        for panel, place, due in seats:
            for other, _other_place, other_due in seats:
                if other.pk == panel.pk or other.meeting_id != panel.meeting_id:
                    continue
                clash = next(
                    (
                        (there_start, there_end)
                        for here_start, here_end in due
                        for there_start, there_end in other_due
                        if running_order.overlaps(here_start, here_end, there_start, there_end)
                    ),
                    None,
                )
                if clash is None:
                    continue
                there_start, there_end = (moment.astimezone(other.zone) for moment in clash)
                findings.setdefault(panel.pk, []).append(
                    Finding(
                        WARNING,
                        "double_booked",
                        _(
                            "%(name)s is also on “%(other)s” (%(room)s), %(day)s "
                            "%(start)s–%(end)s, which overlaps this panel (%(this_room)s)."
                        )
                        % {
                            "name": place.person.display_name,
                            "other": other.title,
                            "room": other.room or _("no room set"),
                            "this_room": panel.room or _("no room set"),
                            "day": formats.date_format(there_start.date()),
                            "start": there_start.strftime("%H:%M"),
                            "end": there_end.strftime("%H:%M"),
                        },
                    )
                )
    return findings


def room_clashes(panels):
    """Sessions of one meeting in the same room at overlapping times, as warnings per session
    (touching times are not an overlap; cancelled sessions and those whose time is not
    published do not count). ``panels`` have their ``room``. Returns ``{panel.pk: [Finding,
    ...]}``, naming the other session and its time."""
    by_room = {}
    for panel in panels:
        if panel.room_id and panel.is_timed and not panel.is_cancelled:
            by_room.setdefault((panel.meeting_id, panel.room_id), []).append(panel)
    findings = {}
    for sessions in by_room.values():
        for panel in sessions:
            for other in sessions:
                if other.pk == panel.pk or not running_order.overlaps(
                    panel.starts_at, panel.ends_at, other.starts_at, other.ends_at
                ):
                    continue
                findings.setdefault(panel.pk, []).append(
                    Finding(
                        WARNING,
                        "room_clash",
                        _("%(room)s is also taken by “%(other)s”, %(day)s %(start)s–%(end)s.")
                        % {
                            "room": panel.room,
                            "other": other.title,
                            "day": formats.date_format(other.date),
                            "start": other.start_time.strftime("%H:%M"),
                            "end": other.end_time.strftime("%H:%M"),
                        },
                    )
                )
    return findings


def panel_findings(panel, meeting_panels=None):
    """Every finding for one panel: slot, segments and double bookings, errors first.

    ``meeting_panels`` are the panels of the panel's meeting with prefetched people (the
    panel itself included); when ``None`` they are fetched.
    """
    if meeting_panels is None:
        meeting_panels = type(panel).objects.filter(meeting_id=panel.meeting_id).with_people()
        meeting_panels = list(
            meeting_panels.with_running_order().select_related("meeting", "room")
        )
    findings = [
        *slot_findings(panel),
        *segment_findings(panel),
        *double_bookings(meeting_panels).get(panel.pk, []),
        *room_clashes(meeting_panels).get(panel.pk, []),
    ]
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def findings_by_panel(panels):
    """The findings of every check for each of ``panels`` (``checks.panel_findings``).

    ``panels`` have their meeting and prefetched people and running order
    (``PanelQuerySet.with_people`` and ``with_running_order``). Double bookings are checked
    against every panel of their meetings, read in four queries for the lot. Returns
    ``{panel.pk: [Finding, ...]}``; a panel whose meeting's time zone is not valid maps to
    ``None``, as its times cannot be checked.
    """
    panels = list(panels)
    meeting_ids = {panel.meeting_id for panel in panels if panel.meeting.has_valid_time_zone()}
    by_meeting = {}
    others = Panel.objects.filter(meeting_id__in=meeting_ids).select_related("meeting", "room")
    for other in others.with_people().with_running_order():
        by_meeting.setdefault(other.meeting_id, []).append(other)
    return {
        panel.pk: (
            panel_findings(panel, by_meeting[panel.meeting_id])
            if panel.meeting_id in meeting_ids
            else None
        )
        for panel in panels
    }
