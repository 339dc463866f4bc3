"""``panels.wording``: what several places say alike. Pure functions: no database."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from panels import wording
from panels.checks import ERROR, WARNING, Finding
from panels.running_order import KnownTotal, SlotUsage, zone_day

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_when_and_zone_names_the_servers_zone(settings):
    settings.TIME_ZONE = "UTC"

    text = wording.when_and_zone(datetime(2017, 2, 16, 20, 2, tzinfo=UTC))

    assert text == "Feb. 16, 2017, 20:02 (UTC)"


def test_in_zone_gives_the_moment_in_the_meetings_zone_named():
    text = wording.in_zone(datetime(2017, 2, 16, 20, 0, tzinfo=UTC), "America/New_York")

    assert text == "Feb. 16, 2017, 15:00 (America/New_York)"


def test_in_zone_falls_back_to_the_servers_zone_for_a_zone_that_is_not_valid(settings):
    settings.TIME_ZONE = "UTC"

    text = wording.in_zone(datetime(2017, 2, 16, 20, 0, tzinfo=UTC), "Mars/Olympus_Mons")

    assert text == "Feb. 16, 2017, 20:00 (UTC)"


@pytest.mark.parametrize(
    ("moment", "with_zone", "expected"),
    [
        (datetime(2017, 2, 16, 20, 5, tzinfo=UTC), False, "15:05"),
        (datetime(2017, 2, 16, 20, 5, tzinfo=UTC), True, "15:05 EST"),
        # The night the clocks go back in New York, 01:30 happens twice.
        (datetime(2017, 11, 5, 5, 30, tzinfo=UTC), True, "01:30 EDT"),
        (datetime(2017, 11, 5, 6, 30, tzinfo=UTC), True, "01:30 EST"),
    ],
)
def test_clock_in_the_zone_with_its_abbreviation_when_asked(moment, with_zone, expected):
    assert wording.clock(moment, NEW_YORK, with_zone) == expected


def test_zone_label_html_on_a_day_the_clocks_change():
    html = wording.zone_label_html(zone_day(ZoneInfo("Europe/Zurich"), date(2017, 3, 26)))

    assert html == (
        '<bdi dir="ltr">Zurich</bdi> time (<bdi dir="ltr">Europe/Zurich</bdi>, '
        '<bdi dir="ltr">CET, UTC+01:00</bdi> '
        'until <bdi dir="ltr">02:00</bdi>, then <bdi dir="ltr">CEST, UTC+02:00</bdi> from '
        '<bdi dir="ltr">03:00</bdi>)'
    )


@pytest.mark.parametrize(
    ("expected", "confirmed", "declined", "text"),
    [
        (0, 0, 0, "No panellists"),
        (0, 0, 2, "2 declined, nobody left to confirm"),
        (4, 1, 1, "1 of 4 confirmed, 1 declined"),
        (1, 1, 0, "1 of 1 confirmed"),
        (5, 3, 0, "3 of 5 confirmed"),
    ],
)
def test_answers_text(expected, confirmed, declined, text):
    assert wording.answers_text(expected, confirmed, declined) == text


def test_findings_summary_counts_errors_and_warnings_in_words():
    findings = [
        Finding(ERROR, "overrun", "Over."),
        Finding(WARNING, "unallocated", "Spare."),
        Finding(WARNING, "no_running_order", "None."),
    ]

    assert wording.findings_summary(findings) == "1 error, 2 warnings"
    assert wording.findings_summary(findings[1:2]) == "1 warning"
    assert wording.findings_summary([]) == ""


def test_findings_list_escapes_the_messages_and_names_each_severity():
    findings = [Finding(ERROR, "overrun", "<b>Over</b>."), Finding(WARNING, "x", "Spare.")]

    assert wording.findings_list(findings) == (
        '<ul class="checks"><li class="error"><strong>Error:</strong> &lt;b&gt;Over&lt;/b&gt;.'
        '</li><li class="warning"><strong>Warning:</strong> Spare.</li></ul>'
    )


def test_lists_in_prose():
    assert wording.quoted("Trade") == "“Trade”"
    assert wording.prose_list(["A", "B", "C"]) == "A, B and C"
    assert wording.quoted_list(["A", "B"]) == "“A” and “B”"
    assert wording.quoted_list(["A"]) == "“A”"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(blank)"),
        ("", "(blank)"),
        (True, "“yes”"),
        (False, "“no”"),
        (date(2017, 2, 16), "“Feb. 16, 2017”"),
        ("Room 4", "“Room 4”"),
    ],
)
def test_display_value(value, text):
    assert wording.display_value(value) == text


@pytest.mark.parametrize(
    ("planned", "slot", "text"),
    [
        (85, 90, "85 of 90 minutes"),
        (100, 90, "100 of 90 minutes: over by 10 minutes"),
        (91, 90, "91 of 90 minutes: over by 1 minute"),
        (0, 1, "0 of 1 minute"),
    ],
)
def test_slot_usage_text(planned, slot, text):
    assert wording.slot_usage_text(SlotUsage(planned=planned, slot=slot)) == text


def test_wording_is_translated():
    with translation.override("fr"):
        text = wording.in_zone(datetime(2017, 2, 16, 20, 0, tzinfo=UTC), "America/New_York")

    assert text.endswith("(America/New_York)")
    assert text.startswith("16 février 2017")


@pytest.mark.parametrize(
    ("minutes", "unknown", "slot", "text"),
    [
        (85, 0, 90, "85 of 90 minutes"),
        (100, 0, 90, "100 of 90 minutes: over by 10 minutes"),
        (45, 0, None, "45 minutes"),
        (
            45,
            3,
            180,
            "3 items have no duration: the total is not known yet (45 minutes known of a "
            "180-minute slot)",
        ),
        (0, 1, None, "1 item has no duration: the total is not known yet"),
    ],
)
def test_known_total_text(minutes, unknown, slot, text):
    total = KnownTotal(minutes=minutes, unknown=unknown)

    assert wording.known_total_text(total, slot) == text
