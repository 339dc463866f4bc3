"""Template tags and filters for the public programme pages: ``{% load programme %}``.

- ``markdown``: a concept note body to safe HTML, through ``panels.text.render_markdown``.
- ``long_date``: a date as "Thursday 16 February 2017", in the active language's order.
- ``iso_minute``: an aware datetime as "2017-02-16T15:00-05:00", for ``<time datetime>``.
- ``{% zone_label zone day %}``: which time zone a day's clock times are in, naming the IANA
  zone and the abbreviation and UTC offset in force that day (both, when the clocks change).
- ``clock``: an aware datetime as "15:03" (or "01:30 EST"), for a time inside a sentence.
- ``cue_at`` and ``cumulative``: a running-order segment's cue time and running total, for the
  moderator's run sheet.

- ``{% time_range start end %}``: a time range "15:00–16:30" as the pages write it.

Clock times are in the template's current time zone (Django's ``{% timezone %}`` tag), or in
the zone given to ``time_range``.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

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
    "01:30 EST". For a time inside a sentence; ``time_range`` writes
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


@register.simple_tag
def time_range(
    start=None, end=None, *, session=False, with_zone=False, break_after_dash=False, zone=None
):
    """``{% time_range start end session=True %}``: the time range "15:00–16:30" of aware
    datetimes ``start`` and ``end`` as safe HTML (``<time>`` elements in an isolated
    left-to-right ``<bdi>``), "(next day)" after it when it ends on another day.

    Either may be ``None``: "from 15:00", "until 16:30", or for neither "Time to be
    announced" (a session, ``session``) or a dash read as "no time given" (an item). With
    ``with_zone`` (a day when the clocks change) each time is followed by its zone's
    abbreviation ("01:30 EST"); with ``break_after_dash`` a line may break after the dash.
    Times are shown in ``zone`` (a ``ZoneInfo``), by default the template's current one.
    """
    local = (lambda value: value.astimezone(zone)) if zone is not None else timezone.localtime

    def moment(value):
        value = local(value)
        text = formats.time_format(value, "H:i")
        if with_zone:
            text = f"{text} {value.tzname() or ''}"
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(timespec="minutes"), text
        )

    if start and end:
        html = format_html(
            '<bdi dir="ltr" class="time-range">{}–{}{}</bdi>',
            moment(start),
            mark_safe("<wbr>") if break_after_dash else "",
            moment(end),
        )
        if local(start).date() != local(end).date():
            html += format_html(' <span class="next-day">{}</span>', gettext("(next day)"))
        return html
    if start:
        return format_html(
            '{} <bdi dir="ltr" class="time-range">{}</bdi>',
            pgettext("the start of a time range whose end is not known: from 15:00", "from"),
            moment(start),
        )
    if end:
        return format_html(
            '{} <bdi dir="ltr" class="time-range">{}</bdi>',
            pgettext("the end of a time range whose start is not known: until 16:30", "until"),
            moment(end),
        )
    if session:
        return format_html('<span class="untimed">{}</span>', gettext("Time to be announced"))
    return format_html(
        '<span class="untimed"><span aria-hidden="true">—</span>'
        '<span class="visually-hidden">{}</span></span>',
        gettext("no time given"),
    )
