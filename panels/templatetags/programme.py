"""Template tags and filters for the public programme pages: ``{% load programme %}``.

- ``markdown``: a concept note body to safe HTML, through ``panels.text.render_markdown``.
- ``long_date``: a date as "Thursday 16 February 2017", in the active language's order.
- ``iso_minute``: an aware datetime as "2017-02-16T15:00-05:00", for ``<time datetime>``.
- ``{% zone_label zone day %}``: which time zone a day's clock times are in, naming the IANA
  zone and the abbreviation and UTC offset in force that day (both, when the clocks change).
- ``clock``: an aware datetime as "15:03" (or "01:30 EST"), for a time inside a sentence.
- ``cue_at`` and ``cumulative``: a running-order segment's cue time and running total, for the
  moderator's run sheet.

Clock times themselves are rendered with Django's ``{% timezone %}`` tag and ``|time:"H:i"``.
"""

from django import template
from django.utils import formats
from django.utils.translation import pgettext

from panels import wording
from panels.models import Language
from panels.running_order import cue_time, hours_and_minutes, zone_day
from panels.text import render_markdown
from panels.wording import prose_list

register = template.Library()


@register.simple_tag
def zone_label(zone, day):
    """``{% zone_label meeting.zone panel.date %}``: the zone of that day's times, as safe HTML.

    ``zone`` is a ``ZoneInfo``, ``day`` a local ``date``. See ``wording.zone_label``.
    """
    return wording.zone_label(zone, day)


@register.simple_tag
def clock_changes(zone, day):
    """``{% clock_changes meeting.zone panel.date as changes %}``: whether the clocks change
    that day, so that times such as 01:30 may occur twice and need their abbreviation."""
    return zone_day(zone, day).after is not None


@register.filter(expects_localtime=True)
def zone_abbreviation(value):
    """The abbreviation of the zone's offset at an aware datetime ("EDT", "EST", "+0545").

    Unlike Django's ``T`` format, it is given for a time that occurs twice (clocks going
    back): that is when readers need it most. The datetime's fold tells the two apart.
    """
    if not value:
        return ""
    return value.tzname() or ""


@register.filter
def markdown(source):
    """Render a concept note body (Markdown) to sanitised HTML; see ``render_markdown``."""
    return render_markdown(source)


@register.filter
def long_date(value):
    """A ``date`` as "Thursday 16 February 2017"; translators choose the pattern."""
    if not value:
        return ""
    return formats.date_format(
        value,
        pgettext(
            "long date with weekday; Django date format, "
            "https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date",
            "l j F Y",
        ),
    )


@register.filter(expects_localtime=True)
def iso_minute(value):
    """An aware datetime as "2017-02-16T15:00-05:00", in the template's current time zone.

    For the ``datetime`` attribute of ``<time>``; inside ``{% timezone %}`` the offset is that
    zone's.
    """
    if not value:
        return ""
    return value.isoformat(timespec="minutes")


@register.filter(expects_localtime=True)
def clock(value, with_zone=False):
    """An aware datetime as "15:03", in the template's current time zone.

    With ``with_zone`` true (on a day when the clocks change), the zone's abbreviation follows:
    "01:30 EST". For a time inside a sentence; ``panels/includes/time_range.html`` writes
    ranges.
    """
    if not value:
        return ""
    text = formats.time_format(value, "H:i")
    if with_zone:
        text = f"{text} {zone_abbreviation(value)}".rstrip()
    return text


@register.filter
def cue_at(segment):
    """The cue time of a ``running_order.TimedSegment`` (see ``running_order.cue_time``):
    an aware datetime, or ``None`` for a segment too short for a cue."""
    return cue_time(segment)


@register.filter
def cumulative(segment):
    """The running total at the end of a ``running_order.PlacedItem``: the time from the
    panel's start, as "H:MM" ("0:15", "1:30"), or "" when it is not known."""
    if segment.offset is None or segment.duration is None:
        return ""
    return hours_and_minutes(segment.offset + segment.duration)


@register.filter
def interpretation(meeting):
    """The languages ``meeting`` is interpreted into, in words: "Arabic, English and
    French" (labels of ``Language``, in the order given)."""
    labels = dict(Language.choices)
    codes = meeting.interpretation_languages
    if not isinstance(codes, list):
        return ""
    # Only known codes: a value stored around the model's validation is not shown as words.
    return prose_list(labels[code] for code in codes if isinstance(code, str) and code in labels)
