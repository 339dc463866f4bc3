"""Placing items in time from what is known of each (``running_order.place_items``): items
with a duration, a fixed start or end, or no time at all. Plain values, table-driven."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from panels import running_order

NEW_YORK = ZoneInfo("America/New_York")
GENEVA = ZoneInfo("Europe/Zurich")


def at(hour, minute=0, *, day=16, month=2, zone=NEW_YORK):
    return datetime(2017, month, day, hour, minute, tzinfo=zone)


def item(minutes=None, start=None, end=None):
    return SimpleNamespace(duration_minutes=minutes, fixed_start=start, fixed_end=end)


def place(items, session_start=None, session_end=None):
    return running_order.place_items(
        items,
        session_start=session_start,
        session_end=session_end,
        fixed_start_of=lambda it: it.fixed_start,
        fixed_end_of=lambda it: it.fixed_end,
    )


def labels(placed):
    def clock(moment):
        return "?" if moment is None else f"{moment:%H:%M}"

    return [f"{clock(p.start)}-{clock(p.end)}" for p in placed]


def test_the_seeds_running_order_is_placed_as_schedule_lays_it():
    items = [item(m) for m in (5, 10, 10, 10, 10, 40, 5)]

    placed, clashes = place(items, at(15), at(16, 30))

    assert labels(placed) == [
        "15:00-15:05",
        "15:05-15:15",
        "15:15-15:25",
        "15:25-15:35",
        "15:35-15:45",
        "15:45-16:25",
        "16:25-16:30",
    ]
    assert clashes == []
    assert running_order.KnownTotal.of(placed) == running_order.KnownTotal(90, 0)


def test_numbered_agenda_items_without_times_get_no_clock_time():
    items = [item() for _ in range(4)]

    placed, clashes = place(items, at(10), at(13))

    assert labels(placed) == ["?-?"] * 4
    assert [p.position for p in placed] == [0, 1, 2, 3]
    assert clashes == []
    assert running_order.KnownTotal.of(placed) == running_order.KnownTotal(0, 4)


def test_an_item_without_time_breaks_the_chain_until_a_fixed_start():
    items = [item(10), item(), item(30), item(20, start=at(11)), item(15)]

    placed, clashes = place(items, at(10), at(13))

    # Read backwards from the 11:00 start: the 30-minute item runs 10:30-11:00, and the
    # untimed one fills the gap between 10:10 and 10:30.
    assert labels(placed) == [
        "10:00-10:10",
        "10:10-10:30",
        "10:30-11:00",
        "11:00-11:20",
        "11:20-11:35",
    ]
    assert clashes == []
    assert running_order.KnownTotal.of(placed) == running_order.KnownTotal(95, 0)


def test_untimed_items_stay_untimed_when_the_gap_is_not_bounded():
    items = [item(10), item(), item(), item(20, start=at(11))]

    placed, _ = place(items, at(10), at(13))

    assert labels(placed) == ["10:00-10:10", "?-?", "?-?", "11:00-11:20"]
    assert running_order.KnownTotal.of(placed) == running_order.KnownTotal(30, 2)


def test_a_time_read_backwards_is_not_taken_when_it_overlaps_an_earlier_item():
    items = [item(50), item(), item(30), item(20, start=at(11))]

    placed, _ = place(items, at(10), at(13))

    assert labels(placed) == ["10:00-10:50", "?-?", "?-?", "11:00-11:20"]


def test_a_fixed_end_and_a_duration_give_the_start():
    placed, _ = place([item(), item(45, end=at(12, 30))], at(10), at(13))

    assert labels(placed) == ["?-?", "11:45-12:30"]


def test_a_fixed_end_alone_gives_only_the_end():
    placed, _ = place([item(end=at(11))], at(10), at(13))

    assert labels(placed) == ["?-11:00"]
    assert placed[0].duration is None


def test_a_fixed_start_and_end_give_the_duration():
    placed, _ = place([item(start=at(10, 15), end=at(11))], at(10), at(13))

    assert (labels(placed), placed[0].duration) == (["10:15-11:00"], 45)


def test_a_gap_before_a_fixed_start_is_kept():
    placed, clashes = place([item(10), item(10, start=at(10, 30))], at(10), at(11))

    assert labels(placed) == ["10:00-10:10", "10:30-10:40"]
    assert clashes == []


def test_a_fixed_start_inside_the_item_before_is_a_clash():
    _, clashes = place([item(30), item(10, start=at(10, 15))], at(10), at(11))

    assert clashes == [running_order.Clash("starts_before_previous_ends", 1)]


def test_touching_items_do_not_clash():
    _, clashes = place([item(15), item(10, start=at(10, 15))], at(10), at(11))

    assert clashes == []


def test_times_outside_the_session_and_an_end_before_the_start_are_clashes():
    items = [item(10, start=at(9, 50)), item(start=at(10, 30), end=at(10, 20)), item(60)]

    _, clashes = place(items, at(10), at(11))

    assert clashes == [
        running_order.Clash("starts_before_session", 0),
        running_order.Clash("ends_before_it_starts", 1),
        running_order.Clash("ends_after_session", 2),
    ]


def test_a_session_whose_time_is_not_published_places_only_fixed_times():
    placed, clashes = place([item(10), item(10, start=at(15)), item(5)])

    assert labels(placed) == ["?-?", "15:00-15:10", "15:10-15:15"]
    assert clashes == []


def test_a_debate_past_local_midnight_counts_elapsed_minutes():
    start = at(23, 0, zone=GENEVA)
    end = datetime(2017, 2, 17, 1, 0, tzinfo=GENEVA)

    placed, clashes = place([item(90), item(30)], start, end)

    assert labels(placed) == ["23:00-00:30", "00:30-01:00"]
    assert placed[1].end.date().isoformat() == "2017-02-17"
    assert clashes == []


def test_the_night_the_clocks_go_forward_the_items_keep_their_real_length():
    # Geneva, 26 March 2017: 02:00 becomes 03:00.
    start = datetime(2017, 3, 26, 1, 30, tzinfo=GENEVA)

    placed, _ = place([item(30), item(60)], start)

    assert labels(placed) == ["01:30-03:00", "03:00-04:00"]
    assert [p.start.astimezone(UTC).strftime("%H:%M") for p in placed] == ["00:30", "01:00"]


@settings(max_examples=200, deadline=None)
@given(
    durations=st.lists(st.integers(min_value=1, max_value=240), max_size=12),
    start_utc=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    zone_name=st.sampled_from(["America/New_York", "Europe/Zurich", "Asia/Bangkok", "UTC"]),
)
def test_with_every_duration_known_place_items_agrees_with_schedule(
    durations, start_utc, zone_name
):
    start = start_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
    items = [SimpleNamespace(duration_minutes=m) for m in durations]

    placed, clashes = running_order.place_items(items, session_start=start)

    timed = running_order.schedule(start, items)
    assert [(p.start, p.end, p.duration) for p in placed] == [
        (t.start, t.end, t.duration) for t in timed
    ]
    assert clashes == []
    assert running_order.KnownTotal.of(placed).minutes == sum(durations)
    if placed:
        assert placed[-1].end.astimezone(UTC) - start.astimezone(UTC) == timedelta(
            minutes=sum(durations)
        )
