"""Dates and times in each of the site's languages (``meeting/formats``, then Django's).

Times of day are on the 24-hour clock in every language, the admin's included: UN programmes
write "15:00", and the admin showing "3 p.m." beside a programme's "15:00" was a flaw.
"""

from datetime import UTC, datetime

import pytest
from django.utils import formats, translation

MOMENT = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("15:00", "June 10, 2026, 15:00", "06/10/2026 15:00")),
        ("ar", ("15:00", "10 يونيو، 2026، 15:00", "10\u200f/06\u200f/2026 15:00")),
        ("zh-hans", ("15:00", "2026年6月10日 15:00", "2026年6月10日 15:00")),
        ("fr", ("15:00", "10 juin 2026 15:00", "10/06/2026 15:00")),
        ("ru", ("15:00", "10 июня 2026 г. 15:00", "10.06.2026 15:00")),
        ("es", ("15:00", "10 de junio de 2026 a las 15:00", "10/06/2026 15:00")),
    ],
)
def test_times_are_on_the_24_hour_clock_in_every_language(language, expected):
    with translation.override(language):
        written = (
            formats.time_format(MOMENT.time()),
            formats.date_format(MOMENT, "DATETIME_FORMAT"),
            formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT"),
        )

    assert written == expected


def test_english_dates_are_still_read_day_first_or_by_month_name():
    with translation.override("en"):
        assert formats.get_format("DATE_INPUT_FORMATS")[:2] == ["%Y-%m-%d", "%d %B %Y"]
