"""Validators for the panels app."""

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The areas of geographic IANA zones ("Area/Location"). Left out: Etc/* zones (whose signs are
# inverted: Etc/GMT+12 is UTC−12), legacy aliases such as US/Eastern or EST5EDT, "Factory",
# and "localtime" (the server's own setting). Source: the tz database's "Theory" file.
VENUE_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)


@lru_cache(maxsize=1)
def iana_time_zones():
    """The IANA zones a venue can be in, as a frozenset of names such as "Europe/Zurich".

    Geographic "Area/Location" names known to this Python (tzdata), plus "UTC".
    """
    return frozenset(
        name
        for name in available_timezones()
        if name == "UTC" or name.partition("/")[0] in VENUE_AREAS
    )


# C0 and C1 control characters (line breaks and tabs included) and the Unicode bidirectional
# embedding, override and isolate controls, which can reverse the text shown after them.
# Source: Unicode Standard Annex #9, "Explicit Directional Formatting Characters".
_INVISIBLE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def validate_single_line(value):
    """Refuse control characters, line breaks and bidirectional controls in a one-line text.

    Raises ``ValidationError`` (code ``control_character``). Letters of every script, and the
    marks that scripts need (e.g. U+200C ZERO WIDTH NON-JOINER in Persian), are accepted.
    """
    if _INVISIBLE_CONTROLS.search(value or ""):
        raise ValidationError(
            _(
                "This text contains a line break or an invisible control character; "
                "please retype it on one line."
            ),
            code="control_character",
        )


# The same, but for a text of several lines: line breaks and tabs are allowed.
_INVISIBLE_CONTROLS_BUT_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def validate_multi_line(value):
    """Refuse control characters and bidirectional controls in a text of several lines; line
    breaks (LF, CR) and tabs are accepted.

    Raises ``ValidationError`` (code ``control_character``).
    """
    if _INVISIBLE_CONTROLS_BUT_LINES.search(value or ""):
        raise ValidationError(
            _(
                "This text contains an invisible control character; please retype it without "
                "copying it from elsewhere."
            ),
            code="control_character",
        )


# The zone a meeting's times are read in when its zone name is not valid (set wrongly in the
# database, or dropped from the IANA database since): its wall-clock times are shown as they
# are, without an offset, and marked as not verified (``wording.zone_label``). A distinct
# instance, so that ``zone is UNVERIFIED_ZONE`` tells it from the real UTC.
UNVERIFIED_ZONE = ZoneInfo.no_cache("UTC")


def validate_time_zone(value):
    """Accept only an IANA time zone name such as ``Europe/Zurich``.

    Raises ``ValidationError`` (code ``invalid_time_zone``) for anything else, including names
    that look right but are not zones (``Europe/Geneva``: Geneva keeps ``Europe/Zurich``'s time).
    """
    if value not in iana_time_zones():
        raise ValidationError(
            _(
                "“%(value)s” is not an IANA time zone. Use the zone of the city whose clocks "
                "the venue follows, for example Europe/Zurich for Geneva or America/New_York "
                "for New York."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )
