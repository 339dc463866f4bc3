"""English input formats for dates and times, without the ambiguous "10/06/2026".

Django's English formats read "10/06/2026" as 6 October (month first), while the officers of
intergovernmental meetings write 10 June; a slashed date is refused rather than misread. The
admin's calendar writes the first format; times may also be typed with a dot ("9.30"), as UN
programmes print them. Display formats are Django's.
"""

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
