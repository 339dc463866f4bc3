"""Checks of a panel's running order and people, in the secretariat's words.

Each check returns ``Finding`` values: an ``error`` stops a panel from being published (only an
overrun of the slot does); a ``warning`` is shown but allows it. The functions read prefetched
relations (``PanelQuerySet.with_people`` and ``with_running_order``), so that a list of panels
is checked without a query per panel.
"""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import running_order
from .models import Panel

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: ``severity`` (``ERROR`` or ``WARNING``), a stable ``code`` for filters and
    tests ("overrun", "unallocated", "no_running_order", "presentation_too_long",
    "speaker_not_on_panel", "speaker_not_available", "double_booked") and a translated
    ``message``."""

    severity: str
    code: str
    message: str

    @property
    def is_error(self):
        """Whether the finding stops the panel from being published."""
        return self.severity == ERROR


def slot_findings(panel):
    """An overrun of the slot (an error) or unallocated minutes (a warning), or nothing."""
    usage = panel.slot_usage()
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
    if not usage.planned:
        return [Finding(WARNING, "no_running_order", _("The panel has no running order yet."))]
    if usage.unallocated:
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
    for timed in panel.timed_segments():
        segment = timed.item
        label = _("“%(title)s” (%(start)s–%(end)s)") % {
            "title": segment.display_title,
            "start": timed.start.strftime("%H:%M"),
            "end": timed.end.strftime("%H:%M"),
        }
        if segment.kind == segment.Kind.PRESENTATION and segment.duration_minutes > limit:
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
    return findings


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


def double_bookings(panels):
    """People on two panels of one meeting whose times overlap, as warnings per panel.

    ``panels`` is an iterable of panels with prefetched ``panellists`` and their ``person``
    (and ``meeting``); panellists who declined or withdrew do not count. Touching end to start
    is not an overlap. Returns ``{panel.pk: [Finding, ...]}``, naming the person and the other
    panel with its day, time and room.
    """
    places = [
        (panel, place)
        for panel in panels
        for place in panel.panellists.all()
        if place.is_on_programme and place.is_named
    ]
    by_person = {}
    for panel, place in places:
        by_person.setdefault(place.person_id, []).append((panel, place))
    findings = {}
    for seats in by_person.values():
        for panel, place in seats:
            for other, _other_place in seats:
                if other.pk == panel.pk or other.meeting_id != panel.meeting_id:
                    continue
                if running_order.overlaps(
                    panel.starts_at, panel.ends_at, other.starts_at, other.ends_at
                ):
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
        meeting_panels = list(meeting_panels.select_related("meeting"))
    findings = [
        *slot_findings(panel),
        *segment_findings(panel),
        *double_bookings(meeting_panels).get(panel.pk, []),
    ]
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def findings_by_panel(panels):
    """The findings of every check for each of ``panels`` (``checks.panel_findings``).

    ``panels`` have their meeting and prefetched people and running order
    (``PanelQuerySet.with_people`` and ``with_running_order``). Double bookings are checked
    against every panel of their meetings, read in two queries for the lot. Returns
    ``{panel.pk: [Finding, ...]}``; a panel whose meeting's time zone is not valid maps to
    ``None``, as its times cannot be checked.
    """
    panels = list(panels)
    meeting_ids = {panel.meeting_id for panel in panels if panel.meeting.has_valid_time_zone()}
    by_meeting = {}
    others = Panel.objects.filter(meeting_id__in=meeting_ids).select_related("meeting")
    for other in others.with_people():
        by_meeting.setdefault(other.meeting_id, []).append(other)
    return {
        panel.pk: (
            panel_findings(panel, by_meeting[panel.meeting_id])
            if panel.meeting_id in meeting_ids
            else None
        )
        for panel in panels
    }
