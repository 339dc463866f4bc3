"""The running-order arithmetic (panels.running_order): plain values, table-driven."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panels import running_order
from panels.validators import iana_time_zones

NEW_YORK = ZoneInfo("America/New_York")
ZURICH = ZoneInfo("Europe/Zurich")
BANGKOK = ZoneInfo("Asia/Bangkok")


def segments(*minutes):
    return [SimpleNamespace(duration_minutes=m) for m in minutes]


def labels(timed):
    return [f"{t.start:%H:%M}-{t.end:%H:%M}" for t in timed]


@pytest.mark.parametrize(
    ("case", "start", "durations", "expected"),
    [
        ("no segments", datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), [], []),
        (
            "the seed's panel",
            datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK),
            [5, 10, 10, 10, 10, 40, 5],
            [
                "15:00-15:05",
                "15:05-15:15",
                "15:15-15:25",
                "15:25-15:35",
                "15:35-15:45",
                "15:45-16:25",
                "16:25-16:30",
            ],
        ),
        (
            "crossing noon",
            datetime(2026, 6, 10, 11, 40, tzinfo=ZURICH),
            [15, 15, 30],
            ["11:40-11:55", "11:55-12:10", "12:10-12:40"],
        ),
        (
            "an overrun past the slot keeps counting",
            datetime(2017, 2, 16, 16, 0, tzinfo=NEW_YORK),
            [60, 45],
            ["16:00-17:00", "17:00-17:45"],
        ),
        (
            "a start near midnight runs into the next day",
            datetime(2026, 6, 10, 23, 30, tzinfo=BANGKOK),
            [20, 20],
            ["23:30-23:50", "23:50-00:10"],
        ),
        (
            "clocks go forward in Zurich (02:00 becomes 03:00)",
            datetime(2026, 3, 29, 1, 30, tzinfo=ZURICH),
            [20, 20, 20],
            ["01:30-01:50", "01:50-03:10", "03:10-03:30"],
        ),
        (
            "clocks go back in New York (02:00 becomes 01:00)",
            datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK),
            [45, 30, 30],
            ["00:30-01:15", "01:15-01:45", "01:45-01:15"],
        ),
    ],
)
def test_schedule_clock_labels(case, start, durations, expected):
    timed = running_order.schedule(start, segments(*durations))

    assert labels(timed) == expected, case


def test_schedule_is_contiguous_in_elapsed_minutes_across_a_clock_change():
    start = datetime(2026, 3, 29, 1, 30, tzinfo=ZURICH)

    timed = running_order.schedule(start, segments(20, 20, 20))

    assert [t.offset for t in timed] == [0, 20, 40]
    assert [t.start.astimezone(UTC) for t in timed[1:]] == [
        t.end.astimezone(UTC) for t in timed[:-1]
    ]
    assert timed[-1].end.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert [t.end.utcoffset().total_seconds() / 3600 for t in timed] == [1, 2, 2]


@pytest.mark.parametrize(
    ("day", "start", "end", "zone", "minutes"),
    [
        (date(2017, 2, 16), time(15, 0), time(16, 30), NEW_YORK, 90),
        (date(2026, 3, 8), time(1, 30), time(3, 30), NEW_YORK, 60),
        (date(2026, 10, 25), time(0, 0), time(4, 0), ZURICH, 300),
        (date(2026, 6, 10), time(9, 0), time(9, 1), BANGKOK, 1),
    ],
)
def test_slot_minutes_counts_elapsed_time(day, start, end, zone, minutes):
    assert running_order.slot_minutes(day, start, end, zone) == minutes


@pytest.mark.parametrize(
    ("day", "clock", "zone", "error"),
    [
        (date(2026, 3, 8), time(2, 30), NEW_YORK, running_order.NonexistentLocalTime),
        (date(2026, 3, 29), time(2, 0), ZURICH, running_order.NonexistentLocalTime),
        (date(2026, 11, 1), time(1, 30), NEW_YORK, running_order.AmbiguousLocalTime),
        (date(2026, 10, 25), time(2, 59), ZURICH, running_order.AmbiguousLocalTime),
    ],
)
def test_local_datetime_strict_rejects_skipped_and_repeated_times(day, clock, zone, error):
    with pytest.raises(error):
        running_order.local_datetime(day, clock, zone)


def test_local_datetime_lenient_moves_a_skipped_time_past_the_gap():
    result = running_order.local_datetime(date(2026, 3, 8), time(2, 30), NEW_YORK, strict=False)

    assert result == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert (result.hour, result.minute) == (3, 30)


def test_local_datetime_lenient_takes_the_first_of_a_repeated_time():
    result = running_order.local_datetime(date(2026, 11, 1), time(1, 30), NEW_YORK, strict=False)

    assert result.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("planned", "slot", "overrun", "unallocated", "fits"),
    [(85, 90, 0, 5, True), (90, 90, 0, 0, True), (95, 90, 5, 0, False), (0, 90, 0, 90, True)],
)
def test_slot_usage(planned, slot, overrun, unallocated, fits):
    usage = running_order.SlotUsage(planned=planned, slot=slot)

    assert (usage.overrun, usage.unallocated, usage.fits) == (overrun, unallocated, fits)


# Properties: any positive durations, any start, any IANA zone (DST days included) -------------

ZONES = sorted(iana_time_zones())


@settings(max_examples=300, deadline=None)
@given(
    durations=st.lists(st.integers(min_value=1, max_value=240), max_size=12),
    start_utc=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    zone_name=st.sampled_from(ZONES),
)
def test_schedule_properties_hold_in_every_zone(durations, start_utc, zone_name):
    zone = ZoneInfo(zone_name)
    start = start_utc.replace(tzinfo=UTC).astimezone(zone)

    timed = running_order.schedule(start, segments(*durations))

    assert [t.duration for t in timed] == durations
    if timed:
        assert timed[0].start == start
        assert timed[-1].end.astimezone(UTC) == start.astimezone(UTC) + timedelta(
            minutes=sum(durations)
        )
    for before, after in zip(timed, timed[1:], strict=False):
        assert before.end == after.start
    for t in timed:
        assert t.start.tzinfo is zone and t.end.tzinfo is zone
        expected_start = start.astimezone(UTC) + timedelta(minutes=t.offset)
        assert t.start.astimezone(UTC) == expected_start
        # The local label is what the zone's rules give for that instant.
        assert t.start.replace(tzinfo=None) == expected_start.astimezone(zone).replace(tzinfo=None)


# The standard plan (the seed's "Organization") and overlaps --------------------------------


@pytest.mark.parametrize(
    ("slot", "presenters", "limit", "expected"),
    [
        (
            90,
            4,
            10,
            [("opening", 5), *[("presentation", 10)] * 4, ("discussion", 40), ("concluding", 5)],
        ),
        (
            60,
            6,
            10,
            [("opening", 5), *[("presentation", 6)] * 6, ("discussion", 14), ("concluding", 5)],
        ),
        (90, 0, 10, [("opening", 5), ("discussion", 80), ("concluding", 5)]),
        (
            120,
            2,
            15,
            [("opening", 5), *[("presentation", 15)] * 2, ("discussion", 80), ("concluding", 5)],
        ),
    ],
)
def test_standard_plan_fills_the_slot(slot, presenters, limit, expected):
    plan = running_order.standard_plan(slot, presenters, limit)

    assert [(item.kind, item.minutes) for item in plan] == expected
    assert sum(item.minutes for item in plan) == slot
    assert [item.speaker for item in plan if item.kind == "presentation"] == list(
        range(presenters)
    )


@pytest.mark.parametrize(("slot", "presenters"), [(20, 3), (19, 0), (30, 11)])
def test_standard_plan_that_cannot_fit_says_so(slot, presenters):
    with pytest.raises(running_order.PlanDoesNotFit):
        running_order.standard_plan(slot, presenters, 10)


def at(hour, minute, zone=NEW_YORK):
    return datetime(2017, 2, 16, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((at(15, 0), at(16, 30)), (at(16, 0), at(17, 0)), True),
        ((at(15, 0), at(16, 30)), (at(16, 30), at(17, 0)), False),
        ((at(15, 0), at(16, 30)), (at(13, 0), at(15, 0)), False),
        ((at(15, 0), at(16, 30)), (at(15, 30), at(16, 0)), True),
        # The same instant written in another zone: 21:00 in Zurich is 15:00 in New York.
        ((at(15, 0), at(16, 30)), (at(21, 15, ZURICH), at(22, 0, ZURICH)), True),
    ],
)
def test_overlaps_touching_is_not_overlapping(first, second, expected):
    assert running_order.overlaps(*first, *second) is expected
    assert running_order.overlaps(*second, *first) is expected
