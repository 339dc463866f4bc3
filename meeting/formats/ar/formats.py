"""Arabic display formats: times of day on the 24-hour clock, as the programme writes them.

Django's Arabic writes times on the 12-hour clock ("3:00 م", ``g:i A``) and has no date-and-time
format of its own, so that the admin and the texts built with ``DATETIME_FORMAT``
(``wording.when_and_zone``) fell back to the English "June 10, 2026, 3 p.m.". UN programmes in
Arabic, and every page of this site, write times as "15:00". The other formats are Django's
(``django/conf/locale/ar/formats.py``); Chinese, French, Russian and Spanish already write
24-hour times, so they keep Django's formats.
"""

TIME_FORMAT = "H:i"  # '15:00'
DATETIME_FORMAT = "j F، Y، H:i"  # '10 يونيو، 2026، 15:00'
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"  # '10‏/06‏/2026 15:00', as Django's short date
