"""Running-order arithmetic: plain values in, plain values out; no ORM and no request.

Items have a duration, fixed times or none (``place_items``). Clock times are computed in UTC
and converted to the meeting's IANA zone, so that a day with a daylight-saving change gives the
right local labels (adding a ``timedelta`` to an aware datetime moves the wall clock, not the
instant: every step below goes through UTC).
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta


class LocalTimeError(ValueError):
    """A wall-clock time that does not name exactly one instant on that day in the zone."""


class NonexistentLocalTime(LocalTimeError):
    """A wall-clock time that the zone skips on that day (clocks go forward)."""


class AmbiguousLocalTime(LocalTimeError):
    """A wall-clock time that occurs twice on that day in the zone (clocks go back)."""


def local_datetime(day, clock, zone, *, strict=True):
    """Combine a local date and wall-clock time into an aware datetime in ``zone``.

    ``day`` is a ``date``, ``clock`` a naive ``time``, ``zone`` a ``ZoneInfo``. Returns an aware
    ``datetime`` whose ``tzinfo`` is ``zone``.

    With ``strict`` (the default), raises ``NonexistentLocalTime`` when the zone skips that time
    on that day and ``AmbiguousLocalTime`` when it occurs twice (PEP 495: the two folds differ in
    offset). Without it, a skipped time moves forward past the gap and a repeated time takes its
    first occurrence, so that a display never fails.
    """
    earlier = datetime.combine(day, clock, tzinfo=zone)
    later = earlier.replace(fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    # PEP 495: in a gap, fold=0 takes the offset from before the transition; a round trip
    # through UTC lands on a different wall clock. In a repeated hour it lands on the same one.
    round_trip = earlier.astimezone(UTC).astimezone(zone)
    skipped = round_trip.replace(tzinfo=None) != earlier.replace(tzinfo=None)
    if not strict:
        return round_trip if skipped else earlier
    if skipped:
        raise NonexistentLocalTime(f"{day} {clock} does not exist in {zone.key}")
    raise AmbiguousLocalTime(f"{day} {clock} occurs twice in {zone.key}")


def elapsed_minutes(start, end):
    """Minutes of real time between two aware datetimes, whatever their zones.

    Returns a float (negative when ``end`` is before ``start``). Converts to UTC first:
    subtracting two datetimes that share a ``tzinfo`` compares wall clocks, not instants.
    """
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def add_minutes(start, minutes):
    """The aware datetime ``minutes`` of real time after ``start``, in ``start``'s zone."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


@dataclass(frozen=True)
class TimedSegment:
    """One segment of a running order with its computed times.

    ``start`` and ``end`` are aware datetimes in the meeting's zone; ``offset`` is the minutes
    from the panel's start to this segment's start; ``duration`` is whole minutes.
    """

    item: object
    start: datetime
    end: datetime
    offset: int
    duration: int


def schedule(start, items, duration_of=lambda item: item.duration_minutes):
    """Lay segments end to end from ``start``.

    ``start`` is an aware datetime in the meeting's zone; ``items`` is an iterable in running
    order; ``duration_of(item)`` gives each one's duration in whole minutes (> 0). Returns a list
    of ``TimedSegment`` in the same order: the first starts at ``start``, each next one where the
    previous ends, in elapsed (UTC) minutes.
    """
    timed = []
    offset = 0
    for item in items:
        duration = duration_of(item)
        timed.append(
            TimedSegment(
                item=item,
                start=add_minutes(start, offset),
                end=add_minutes(start, offset + duration),
                offset=offset,
                duration=duration,
            )
        )
        offset += duration
    return timed


@dataclass(frozen=True)
class PlacedItem:
    """One item of a running order placed in time as far as what is known allows.

    ``position`` is its place in the order (0, 1, 2…); ``start`` and ``end`` are aware
    datetimes in the session's zone, or ``None`` where they do not follow from what is known
    (an item with no time of its own, or one after it, has none: times are never invented).
    ``minutes`` is its duration in whole minutes (its own, else from its fixed start to its
    fixed end), or ``None``; ``offset`` the whole minutes from the session's start to the
    item's start, or ``None`` when either is not known.
    """

    item: object
    position: int
    start: datetime | None
    end: datetime | None
    minutes: int | None = None
    offset: int | None = None

    @property
    def duration(self):
        """The item's duration in whole minutes, or ``None`` when it is not known."""
        return self.minutes

    @property
    def is_timed(self):
        """Whether both the item's start and end are known."""
        return self.start is not None and self.end is not None


@dataclass(frozen=True)
class Clash:
    """Two facts of a running order that cannot both hold, for the checks to explain.

    ``code`` is one of ``"ends_before_it_starts"`` (an item's end is not after its start),
    ``"starts_before_previous_ends"`` (a fixed start falls inside the item before),
    ``"starts_before_session"`` and ``"ends_after_session"`` (outside the session's slot);
    ``position`` is the item's place in the order.
    """

    code: str
    position: int


def _none(item):
    return None


def place_items(
    items,
    *,
    session_start=None,
    session_end=None,
    duration_of=lambda item: item.duration_minutes,
    fixed_start_of=_none,
    fixed_end_of=_none,
):
    """Place a running order's items in time from what is known of each; never invent a time.

    ``items`` is an iterable in running order. For each item, ``duration_of`` gives its
    duration in whole minutes (> 0) or ``None``; ``fixed_start_of`` and ``fixed_end_of`` give a
    fixed start and end (aware datetimes) or ``None``. ``session_start`` and ``session_end``
    are the session's slot (aware datetimes, or ``None`` for a session whose time is not
    published).

    Rules, in order: a fixed start is the start; else a fixed end and a duration give it; else
    an item with a duration starts where the item before it ends (the first one at the
    session's start), as a running order is read. A fixed end is the end; else start plus
    duration. An item with no duration and no fixed time has no clock time, and the item
    after it starts at a known time only if it has one of its own. Then, read backwards, an
    item whose end is not known ends where the next one starts, when its duration or start is
    known (a 30-minute presentation before an 11:00 keynote runs 10:30–11:00); and an item with
    no time of its own between a known end and a known start fills that gap (a discussion
    between a 14:15 end and a 16:45 wrap-up). Neither is done when it would overlap a known
    time before it, nor in a session whose time is not published. Durations are elapsed
    minutes (through UTC), so a day when the clocks change, or a session past local midnight,
    is counted right.

    Returns ``(placed, clashes)``: a list of ``PlacedItem`` in the same order, and a list of
    ``Clash`` in order of position. With every duration known and no fixed time, the times
    are exactly ``schedule``'s.
    """
    placed, clashes = [], []
    cursor = session_start
    previous_end = None
    for position, item in enumerate(items):
        duration = duration_of(item)
        fixed_start, fixed_end = fixed_start_of(item), fixed_end_of(item)
        if fixed_start is not None:
            start = fixed_start
        elif fixed_end is not None and duration is not None:
            start = add_minutes(fixed_end, -duration)
        elif duration is not None:
            start = cursor
        else:
            start = None
        if fixed_end is not None:
            end = fixed_end
        elif start is not None and duration is not None:
            end = add_minutes(start, duration)
        else:
            end = None
        clashes.extend(
            Clash(code, position)
            for code in _clashes(start, end, previous_end, session_start, session_end)
        )
        if duration is None and start is not None and end is not None:
            duration = round(elapsed_minutes(start, end))
        offset = None
        if start is not None and session_start is not None:
            offset = round(elapsed_minutes(session_start, start))
        placed.append(
            PlacedItem(
                item=item, position=position, start=start, end=end, minutes=duration, offset=offset
            )
        )
        cursor = end
        if end is not None:
            previous_end = end
    if session_start is None:
        # A session whose time is not published: its first items' times are not inferred.
        return placed, clashes
    return _fill_backwards(placed, duration_of, session_start), clashes


def _fill_backwards(placed, duration_of, session_start):
    """``placed`` with the times that follow from the items after each one (see
    ``place_items``): a list of ``PlacedItem``."""
    placed = list(placed)
    for index in range(len(placed) - 2, -1, -1):
        here, after = placed[index], placed[index + 1]
        if here.end is not None or after.start is None:
            continue
        latest = max(
            (item.end for item in placed[:index] if item.end is not None),
            key=lambda moment: moment.astimezone(UTC),
            default=None,
        )
        end = after.start
        duration = duration_of(here.item)
        before = placed[index - 1] if index else None
        if here.start is not None:
            start = here.start
        elif duration is not None:
            start = add_minutes(end, -duration)
        elif before is not None and before.end is not None:
            start = before.end
        else:
            continue
        if elapsed_minutes(start, end) <= 0:
            continue
        if latest is not None and elapsed_minutes(latest, start) < 0:
            continue
        placed[index] = replace(
            here,
            start=start,
            end=end,
            minutes=duration if duration is not None else round(elapsed_minutes(start, end)),
            offset=round(elapsed_minutes(session_start, start)),
        )
    return placed


def _clashes(start, end, previous_end, session_start, session_end):
    """The codes of ``Clash`` that one item's times make (see ``place_items``)."""
    if start is not None and end is not None and elapsed_minutes(start, end) <= 0:
        yield "ends_before_it_starts"
    if start is not None and previous_end is not None and elapsed_minutes(previous_end, start) < 0:
        yield "starts_before_previous_ends"
    if (
        start is not None
        and session_start is not None
        and elapsed_minutes(session_start, start) < 0
    ):
        yield "starts_before_session"
    if end is not None and session_end is not None and elapsed_minutes(end, session_end) < 0:
        yield "ends_after_session"


@dataclass(frozen=True)
class KnownTotal:
    """What a running order's items add up to, as far as their durations are known.

    ``minutes`` is the sum of the known durations (whole minutes); ``unknown`` counts the
    items whose duration is not known (no time of their own, or only a fixed start or end).
    """

    minutes: int
    unknown: int

    @classmethod
    def of(cls, placed):
        """The total of ``placed`` (``PlacedItem`` values)."""
        known = [item.duration for item in placed if item.duration is not None]
        return cls(minutes=sum(known), unknown=len(placed) - len(known))


@dataclass(frozen=True)
class SlotUsage:
    """How a running order fills its slot, in whole minutes.

    ``planned`` is the sum of segment durations, ``slot`` the slot's elapsed length.
    ``overrun`` (> 0 when planned exceeds the slot) and ``unallocated`` (> 0 when time is left)
    are never both positive.
    """

    planned: int
    slot: int

    @property
    def overrun(self):
        return max(self.planned - self.slot, 0)

    @property
    def unallocated(self):
        return max(self.slot - self.planned, 0)

    @property
    def fits(self):
        return self.planned <= self.slot


def slot_minutes(day, start_clock, end_clock, zone):
    """Elapsed minutes between two wall-clock times on ``day`` in ``zone`` (an int).

    On a day when clocks go forward an hour, 01:30 to 03:30 lasts 60 minutes, not 120.
    Raises ``NonexistentLocalTime`` / ``AmbiguousLocalTime`` as ``local_datetime`` does.
    """
    start = local_datetime(day, start_clock, zone)
    end = local_datetime(day, end_clock, zone)
    return round(elapsed_minutes(start, end))


MINUS_SIGN = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Offset:
    """A zone's reading at one instant: ``abbreviation`` ("EST"; "" when the zone has only a
    numeric name such as "+04", or is UTC itself) and ``utc`` ("UTC−05:00", with a true minus
    sign)."""

    abbreviation: str
    utc: str


@dataclass(frozen=True)
class ZoneDay:
    """A time zone on one local day.

    ``key`` is the IANA name ("America/New_York"), ``city`` its last part in words ("New
    York"). ``before`` is the offset at the day's start. When the clocks change that day,
    ``after`` is the offset from then on, ``change_from`` the wall-clock time the clocks leave
    and ``change_to`` the one they show next (02:00 and 03:00 when they go forward in Zurich);
    otherwise those three are ``None``.
    """

    key: str
    city: str
    before: Offset
    after: Offset | None = None
    change_from: time | None = None
    change_to: time | None = None


def offset_at(moment):
    """The ``Offset`` of an aware datetime in its own zone."""
    abbreviation = moment.tzname() or ""
    if abbreviation[:1] in {"+", "-"} or abbreviation == "UTC":
        abbreviation = ""
    minutes = round(moment.utcoffset().total_seconds() / 60)
    sign = "+" if minutes >= 0 else MINUS_SIGN
    hours, minutes = divmod(abs(minutes), 60)
    return Offset(abbreviation=abbreviation, utc=f"UTC{sign}{hours:02d}:{minutes:02d}")


def zone_day(zone, day):
    """Describe ``zone`` (a ``ZoneInfo``) on ``day`` (a local ``date``) as a ``ZoneDay``.

    Finds a clock change between the day's first and last minute by bisection over UTC
    minutes. Assumes at most one change a day, which holds for every zone in use.
    """
    start = local_datetime(day, time(0), zone, strict=False).astimezone(UTC)
    next_day = day + timedelta(days=1)
    end = local_datetime(next_day, time(0), zone, strict=False).astimezone(UTC)
    end -= timedelta(minutes=1)
    city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
    before = offset_at(start.astimezone(zone))
    last = end.astimezone(zone)
    if start.astimezone(zone).utcoffset() == last.utcoffset():
        return ZoneDay(key=zone.key, city=city, before=before)
    # Invariant: the offset at ``low`` is the day's first, the one at ``high`` its last.
    low, high = start, end
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle.astimezone(zone).utcoffset() == last.utcoffset():
            high = middle
        else:
            low = middle
    old_offset = start.astimezone(zone).utcoffset()
    return ZoneDay(
        key=zone.key,
        city=city,
        before=before,
        after=offset_at(last),
        change_from=(high + old_offset).time(),
        change_to=high.astimezone(zone).time(),
    )


class PlanDoesNotFit(ValueError):
    """The standard running order cannot fit the slot (too many speakers for its minutes)."""


@dataclass(frozen=True)
class PlannedSegment:
    """One item of a generated plan: ``kind`` ("opening", "presentation", "discussion",
    "concluding"), ``minutes`` (whole minutes) and ``speaker`` (index into the presenters, or
    ``None`` for the moderator's items)."""

    kind: str
    minutes: int
    speaker: int | None = None


def standard_plan(
    slot, presenters, limit, *, opening=5, closing=5, min_discussion=10, longest=24 * 60
):
    """The seed's standard running order for a slot, in whole minutes.

    Source: the seed concept note's "Organization": the moderator's introductory remarks, a
    presentation by each panellist of at most ``limit`` minutes, questions and answers, the
    moderator's concluding remarks. ``slot`` is the slot's length and ``presenters`` the number
    of presentations. Presentations get ``limit`` minutes, or less, equally, when the slot
    would otherwise leave under ``min_discussion`` minutes for discussion; discussion takes the
    rest, so the plan fills the slot exactly. Returns a list of ``PlannedSegment``.

    Raises ``PlanDoesNotFit`` when the remarks and a minimum discussion leave under one minute
    per presentation, or when the discussion would last longer than ``longest`` minutes (a
    segment's upper bound; a slot of over a day on a day when clocks go back).
    """
    fixed = opening + closing + min_discussion
    each = min(limit, (slot - fixed) // presenters) if presenters else 0
    if slot < fixed or (presenters and each < 1):
        raise PlanDoesNotFit(
            f"{slot} minutes cannot hold {presenters} presentations with {fixed} minutes of "
            "remarks and discussion"
        )
    discussion = slot - opening - closing - each * presenters
    if discussion > longest:
        raise PlanDoesNotFit(f"a discussion of {discussion} minutes is longer than {longest}")
    return [
        PlannedSegment("opening", opening),
        *(PlannedSegment("presentation", each, index) for index in range(presenters)),
        PlannedSegment("discussion", discussion),
        PlannedSegment("concluding", closing),
    ]


def overlaps(first_start, first_end, second_start, second_end):
    """Whether two time slots share any instant; touching end to start is not an overlap.

    Takes aware datetimes (any zones); slots are half-open intervals [start, end).
    """
    return first_start < second_end and second_start < first_end


# The moderator's cue: the speaker is told when this many minutes of their segment are left
# ("2 minutes left at 15:18"). The run sheet prints it; the timekeeper turns amber.
CUE_MINUTES = 2


def cue_time(segment, minutes=CUE_MINUTES):
    """When to tell the speaker that ``minutes`` (whole minutes) of ``segment`` are left.

    ``segment`` is a ``TimedSegment`` or ``PlacedItem``. Returns an aware datetime in the
    segment's zone, ``minutes`` of real time before its end, or ``None`` when the segment
    lasts ``minutes`` or less, so that the cue would fall at or before its start, or when its
    end or duration is not known.
    """
    if segment.end is None or segment.duration is None or segment.duration <= minutes:
        return None
    return add_minutes(segment.end, -minutes)


def hours_and_minutes(minutes):
    """Whole minutes as hours and minutes, "H:MM": 15 → "0:15", 90 → "1:30", 1500 → "25:00".

    For a running total, not a clock time: it does not wrap at 24 hours. Raises ``ValueError``
    for a negative number.
    """
    if minutes < 0:
        raise ValueError(f"negative minutes: {minutes}")
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}"
