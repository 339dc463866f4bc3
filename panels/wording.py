"""What several places say alike, in the secretariat's and the public's words.

Pure functions of plain values (aware datetimes, ``ZoneInfo``, counts, findings): no queries,
no requests, so the admin, the views, the mail and the template tags say the same thing the
same way, and the tests need no database.

- A moment with its zone named: ``when_and_zone`` (the server's zone), ``in_zone`` (a
  meeting's), ``clock`` ("15:05", or "01:30 EST" on a day the clocks change), ``zone_label_html``
  and ``zone_label`` (which zone a day's clock times are in).
- Counts in words: ``answers_text`` ("1 of 4 confirmed, 1 declined"), ``findings_summary``
  ("1 error, 2 warnings"), ``slot_usage_text`` ("85 of 90 minutes").
- Lists in prose: ``quoted``, ``quoted_list``, ``prose_list``; a field's value as read:
  ``display_value``.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from . import running_order
from .running_order import SlotUsage
from .validators import UNVERIFIED_ZONE, validate_time_zone

# Moments with their zone named -------------------------------------------------------------


def when_and_zone(moment):
    """An aware datetime in the server's zone, the zone named: "Feb. 16, 2017, 15:02
    (UTC)". For audit times (answers, emails), which belong to no meeting."""
    moment = timezone.localtime(moment)
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({moment.tzname()})"


def in_zone(moment, zone_name):
    """An aware datetime in the IANA zone ``zone_name``, the zone named: "Feb. 16, 2017,
    15:00 (America/New_York)". In the server's zone (``when_and_zone``) when ``zone_name``
    is not a valid zone (a meeting's zone set wrongly in the database)."""
    try:
        validate_time_zone(zone_name)
    except ValidationError:
        return when_and_zone(moment)
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone_name})"


def clock(moment, zone, with_zone=False):
    """An aware datetime as "15:05" in ``zone`` (a ``ZoneInfo``), or "01:30 EST"
    ``with_zone``: the abbreviation tells apart the two 01:30s of a night when the clocks go
    back."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname()}" if with_zone else f"{local:%H:%M}"


def _offset_text(offset):
    if offset.abbreviation:
        return f"{offset.abbreviation}, {offset.utc}"
    return offset.utc


def _ltr(text):
    return format_html('<bdi dir="ltr">{}</bdi>', text)


def zone_label_html(zone_day):
    """A ``running_order.ZoneDay`` in words, as safe HTML: "New York time (America/New_York,
    EST, UTC−05:00)".

    On a day when the clocks change: "Zurich time (Europe/Zurich, CET, UTC+01:00 until 02:00,
    then CEST, UTC+02:00 from 03:00)". The city (the IANA name's, in Latin letters) and the
    technical parts are isolated in ``<bdi dir="ltr">``, so that they keep their order in a
    right-to-left page.
    """
    if zone_day.after is None:
        details = _ltr(f"{zone_day.key}, {_offset_text(zone_day.before)}")
    else:
        details = format_html(
            gettext("{zone}, {before} until {change_from}, then {after} from {change_to}"),
            zone=_ltr(zone_day.key),
            before=_ltr(_offset_text(zone_day.before)),
            change_from=_ltr(zone_day.change_from.strftime("%H:%M")),
            after=_ltr(_offset_text(zone_day.after)),
            change_to=_ltr(zone_day.change_to.strftime("%H:%M")),
        )
    return format_html(
        gettext("{city} time ({details})"), city=_ltr(zone_day.city), details=details
    )


def zone_label(zone, day):
    """Which zone the clock times of ``day`` (a local ``date``) are in, as safe HTML: see
    ``zone_label_html``. For ``validators.UNVERIFIED_ZONE`` (a meeting whose zone name is not
    valid): "local time (time zone not verified)", marked for the eye too."""
    if zone is UNVERIFIED_ZONE:
        return format_html(
            '<strong class="zone-unverified">{}</strong>',
            gettext("local time (time zone not verified)"),
        )
    return zone_label_html(running_order.zone_day(zone, day))


# Lists in prose ------------------------------------------------------------------------------


def quoted(text):
    """``text`` in quotation marks, as the locale writes them: "“Migration and trade”"."""
    return gettext("“%(text)s”") % {"text": text}


def prose_list(items):
    """Items joined in words: "A, B and C"."""
    return get_text_list([str(item) for item in items], gettext("and"))


def quoted_list(items):
    """Titles in quotation marks, joined in words: "“A”, “B” and “C”"."""
    return prose_list(quoted(item) for item in items)


def display_value(value):
    """A field's value as the secretariat reads it, quoted: "“15:00”", "“Feb. 16, 2017”",
    "“yes”", or "(blank)". Datetimes are given in the server's zone, named."""
    if value is None or value == "":
        return gettext("(blank)")
    if isinstance(value, bool):
        value = gettext("yes") if value else gettext("no")
    elif isinstance(value, datetime):
        value = when_and_zone(value)
    elif isinstance(value, time):
        value = value.strftime("%H:%M")
    elif isinstance(value, date):
        value = formats.date_format(value)
    return gettext("“%(value)s”") % {"value": value}


# Counts in words -----------------------------------------------------------------------------


def answers_text(expected, confirmed, declined):
    """A panel's answers in words: "3 of 5 confirmed, 1 declined", or "No panellists".

    ``expected`` counts the panellists still expected to speak (neither declined nor
    withdrawn), the denominator; ``confirmed`` and ``declined`` those who answered so. Five
    people, one confirmed and one declined, read "1 of 4 confirmed, 1 declined". ", 0
    declined" is left out.
    """
    values = {"confirmed": confirmed, "expected": expected, "declined": declined}
    if not expected:
        if not declined:
            return gettext("No panellists")
        return (
            ngettext(
                "%(declined)d declined, nobody left to confirm",
                "%(declined)d declined, nobody left to confirm",
                declined,
            )
            % values
        )
    if declined:
        return (
            ngettext(
                "%(confirmed)d of %(expected)d confirmed, %(declined)d declined",
                "%(confirmed)d of %(expected)d confirmed, %(declined)d declined",
                expected,
            )
            % values
        )
    return (
        ngettext(
            "%(confirmed)d of %(expected)d confirmed",
            "%(confirmed)d of %(expected)d confirmed",
            expected,
        )
        % values
    )


def severity_label(finding):
    """A check's finding's severity in a word: "Error" or "Warning"."""
    return gettext("Error") if finding.is_error else gettext("Warning")


def findings_summary(findings):
    """How many errors and warnings, in words: "1 error, 2 warnings" ("" for none).

    ``findings`` are ``checks.Finding`` values."""
    errors = sum(finding.is_error for finding in findings)
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(ngettext("%(count)d error", "%(count)d errors", errors) % {"count": errors})
    if warnings:
        parts.append(
            ngettext("%(count)d warning", "%(count)d warnings", warnings) % {"count": warnings}
        )
    return ", ".join(parts)


def findings_list(findings):
    """The findings as a safe HTML list, each with its severity in words."""
    return format_html(
        '<ul class="checks">{}</ul>',
        format_html_join(
            "",
            '<li class="{}"><strong>{}:</strong> {}</li>',
            ((f.severity, severity_label(f), f.message) for f in findings),
        ),
    )


def slot_usage_text(usage):
    """How a running order fills its slot, in words: "85 of 90 minutes", or "100 of 90
    minutes: over by 10 minutes". ``usage`` is a ``running_order.SlotUsage`` (whole
    minutes)."""
    if usage.overrun:
        return ngettext(
            "%(planned)d of %(slot)d minutes: over by %(over)d minute",
            "%(planned)d of %(slot)d minutes: over by %(over)d minutes",
            usage.overrun,
        ) % {"planned": usage.planned, "slot": usage.slot, "over": usage.overrun}
    return ngettext(
        "%(planned)d of %(slot)d minute", "%(planned)d of %(slot)d minutes", usage.slot
    ) % {"planned": usage.planned, "slot": usage.slot}


def known_total_text(total, slot):
    """A running order's total when some items have no duration, in words.

    ``total`` is a ``running_order.KnownTotal``; ``slot`` the slot's length in whole minutes,
    or ``None`` for a session whose time is not published. With every duration known, the
    same words as ``slot_usage_text``; else "3 items have no duration: the total is not known
    yet (45 minutes known of a 180-minute slot)".
    """
    if not total.unknown:
        if slot is None:
            return ngettext("%(planned)d minute", "%(planned)d minutes", total.minutes) % {
                "planned": total.minutes
            }
        return slot_usage_text(SlotUsage(planned=total.minutes, slot=slot))
    text = ngettext(
        "%(count)d item has no duration: the total is not known yet",
        "%(count)d items have no duration: the total is not known yet",
        total.unknown,
    ) % {"count": total.unknown}
    if slot is None:
        return text
    return ngettext(
        "%(text)s (%(known)d minutes known of a %(slot)d-minute slot)",
        "%(text)s (%(known)d minutes known of a %(slot)d-minute slot)",
        slot,
    ) % {"text": text, "known": total.minutes, "slot": slot}
