"""Validators for the panels app."""

from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def iana_time_zones():
    """The IANA time zone names known to this Python (tzdata), as a frozenset of str."""
    return frozenset(available_timezones())


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
