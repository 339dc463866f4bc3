"""A meeting's public programme laid out by day: the days, and on each day its sessions in
blocks, a block holding the sessions that run at the same time in different rooms.

Pure functions of sessions already read (``Panel`` values with their meeting): no queries.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ProgrammeDay:
    """One day of a programme: ``day`` (a ``date``), ``blocks`` (lists of sessions, in time
    order; a block of two or more runs in parallel), and whether the day falls ``before`` the
    meeting's first day or ``after`` its last (an arrival day, a field visit)."""

    day: date
    blocks: list = field(default_factory=list)
    before: bool = False
    after: bool = False

    @property
    def anchor(self):
        """The day's fragment identifier on the programme page: "day-2017-02-16"."""
        return f"day-{self.day:%Y-%m-%d}"

    @property
    def sessions(self):
        """Every session of the day, in programme order."""
        return [session for block in self.blocks for session in block]


def parallel_blocks(sessions):
    """Group one day's ``sessions`` (in programme order: by start, untimed ones last) into
    blocks of sessions whose times overlap, directly or through another (15:00–16:30 and
    16:00–17:00 are one block; touching times, 15:00–16:00 and 16:00–17:00, are two). A
    session whose time is not published is a block of its own. Returns a list of lists."""
    blocks = []
    current, current_end = [], None
    for session in sessions:
        if not session.is_timed:
            if current:
                blocks.append(current)
                current, current_end = [], None
            blocks.append([session])
            continue
        if current and session.starts_at < current_end:
            current.append(session)
            current_end = max(current_end, session.ends_at)
        else:
            if current:
                blocks.append(current)
            current, current_end = [session], session.ends_at
    if current:
        blocks.append(current)
    return blocks


def programme_days(meeting, sessions):
    """The programme of ``meeting`` by day: a list of ``ProgrammeDay``, one per day that has
    a session, in date order. ``sessions`` are in programme order (``in_programme_order``)."""
    by_day = {}
    for session in sessions:
        by_day.setdefault(session.date, []).append(session)
    return [
        ProgrammeDay(
            day=day,
            blocks=parallel_blocks(day_sessions),
            before=day < meeting.start_date,
            after=day > meeting.end_date,
        )
        for day, day_sessions in sorted(by_day.items())
    ]
