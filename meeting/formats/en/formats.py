"""English formats for dates and times: times of day on the 24-hour clock, and no ambiguous
"10/06/2026" read from an input.

Django's English formats read "10/06/2026" as 6 October (month first), while the officers of
intergovernmental meetings write 10 June; a slashed date is refused rather than misread. The
admin's calendar writes the first format; times may also be typed with a dot ("9.30"), as UN
programmes print them.

Display: Django's English writes times as "3 p.m." (``P``); UN programmes, and every page of
this site, write "15:00", so the admin and the texts built with ``DATETIME_FORMAT``
(``wording.when_and_zone``) do too. The other display formats are Django's.
"""

TIME_FORMAT = "H:i"  # '15:00'
DATETIME_FORMAT = "N j, Y, H:i"  # 'June 10, 2026, 15:00'
SHORT_DATETIME_FORMAT = "m/d/Y H:i"  # '06/10/2026 15:00', Django's short date

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-06-10'
    "%d %B %Y",  # '10 June 2026'
    "%d %b %Y",  # '10 Jun 2026'
    "%B %d, %Y",  # 'June 10, 2026'
    "%b %d, %Y",  # 'Jun 10, 2026'
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # '14:30'
    "%H:%M:%S",  # '14:30:59'
    "%H.%M",  # '14.30'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-06-10 14:30:59'
    "%Y-%m-%d %H:%M",  # '2026-06-10 14:30'
    "%Y-%m-%d",  # '2026-06-10'
]
