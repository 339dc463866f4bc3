"""The address of the client a request comes from, for the answer page's rate limit
(django-ratelimit calls ``client_address`` through ``settings.RATELIMIT_IP_META_KEY``).

Behind a proxy every request comes from the proxy's address; the proxy names the client in a
header (``settings.CLIENT_ADDRESS_HEADER``, e.g. ``HTTP_X_REAL_IP``). A request without that
header, or with one that holds no IP address (one that reached the app without the proxy, or
a forged value), is counted by the connection's address instead: it gets a page, never a
server error.
"""

import ipaddress

from django.conf import settings

# The address counted when the request names none (REMOTE_ADDR empty, as over a Unix socket).
UNKNOWN_ADDRESS = "0.0.0.0"


def _address(value):
    """``value`` (a header's text; the first of a comma-separated list) as an IP address
    string, or ``None`` when it holds none."""
    first = (value or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(first))
    except ValueError:
        return None


def client_address(request):
    """The client's IP address (a string): from the proxy's header when it is configured and
    holds one, else the connection's, else ``UNKNOWN_ADDRESS``."""
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", None)
    if header:
        found = _address(request.META.get(header))
        if found:
            return found
    return _address(request.META.get("REMOTE_ADDR")) or UNKNOWN_ADDRESS
