"""What a panellist confirms: their slot, as a fingerprint and as plain times.

Both read the panel's segments (prefetched ones when present) and change nothing.
"""

import hashlib
from datetime import UTC


def own_segments(panellist):
    """The panellist's own parts of the running order with clock times: a list of
    ``running_order.TimedSegment``, in running order."""
    return [
        timed for timed in panellist.panel.timed_segments() if timed.item.is_spoken_by(panellist)
    ]


def _iso(value):
    """A time or datetime in ISO 8601, or ``None``."""
    return value.isoformat() if value is not None else None


def slot_fingerprint(panellist):
    """A short digest (32 hex digits) of everything about ``panellist``'s slot that they
    confirm or decline.

    The panel and the person of the place, the panel's day, times, zone and room, their role,
    and the planned times of their segments. The answer page carries it; an answer sent with
    another fingerprint was given to a slot that has changed since (``StaleAnswer``).
    """
    panel = panellist.panel
    own = [(_iso(t.start), _iso(t.end), str(t.item.kind)) for t in own_segments(panellist)]
    text = repr(
        (
            # The place itself: an open page answers for this panel and this person only.
            panellist.panel_id,
            panellist.person_id,
            panel.date.isoformat(),
            _iso(panel.start_time),
            _iso(panel.end_time),
            panel.ends_after_midnight,
            panel.meeting.time_zone,
            panel.room_id,
            str(panellist.role),  # a str, whether just assigned (an enum member) or loaded
            own,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def slot_times(panellist):
    """The times of ``panellist``'s slot, as they are told to the panellist: plain JSON values.

    Returns ``{"zone": IANA name, "panel": {"start": …, "end": …}, "segments": [{"start": …,
    "end": …}, …]}``, every time an ISO 8601 string in UTC ("2017-02-16T20:00:00+00:00"),
    the segments being the panellist's own in running order; ``None`` for a time not known
    (a session whose time is not published, an item without a time). Stored as
    ``Panellist.confirmed_times`` and compared with it to find a change of time
    (``emails.notify_time_changes``).
    """
    panel = panellist.panel

    def utc(moment):
        return moment.astimezone(UTC).isoformat() if moment is not None else None

    return {
        "zone": panel.meeting.time_zone,
        "panel": {"start": utc(panel.starts_at), "end": utc(panel.ends_at)},
        "segments": [
            {"start": utc(timed.start), "end": utc(timed.end)} for timed in own_segments(panellist)
        ],
    }
