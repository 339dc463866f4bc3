"""Public pages served from the cache: which pages (``public_page``), under which key
(``page_key``), and the middleware that stores and serves them
(``PublicPageCacheMiddleware``). What the pages are kept under and when they are dropped,
the content generation, is in ``panels.caching``.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_path, get_language_from_request

from . import caching
from .caching import GENERATION_KEY, PAGE_KEY_PREFIX, StoredPage

logger = logging.getLogger(__name__)

# The headers a stored page may vary on: the language of an address without a language
# prefix (``LocaleMiddleware``), and the cookie, which a stored page served only to readers
# without a session does not depend on (it is dropped from the stored page's ``Vary``).
_STORABLE_VARY = {"accept-language", "cookie"}


def public_page(view, *, language_asked=False):
    """Mark ``view``'s successful responses as the same for every anonymous reader, so that
    ``PublicPageCacheMiddleware`` may store and serve them. Wraps a view function (use it on
    ``View.as_view()`` in the URLconf). ``language_asked``: the view takes the ``?lang=`` of
    an export (``exports.in_asked_language``), and its page is stored for each language
    code; any other page is stored only at its address without a query string."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        response.language_asked = language_asked
        return response

    wrapped.__name__ = getattr(view, "__name__", "public_page")
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view
    return wrapped


def _canonical_address(request, response):
    """Whether ``request`` asked for its page at the one address the page is stored under:
    the path its URL pattern gives for its arguments (not ``/panels/03/`` for
    ``/panels/3/``), and no query string but, for an export (``language_asked``),
    ``?lang=`` once with one of the site's language codes. So that made-up addresses,
    each answered with the same page, cannot fill the cache."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return False
    path = "/" + _ROUTE_ARGUMENT.sub(lambda m: str(match.kwargs[m.group(1)]), match.route)
    if path != request.path_info:
        return False
    query = request.GET
    if not query:
        return True
    codes = {code for code, _name in settings.LANGUAGES}
    return (
        getattr(response, "language_asked", False)
        and list(query) == ["lang"]
        and len(query.getlist("lang")) == 1
        and query["lang"] in codes
    )


# An argument of a URL pattern's route: "<int:pk>" or "<slug>".
_ROUTE_ARGUMENT = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _reader_without_session(request):
    """Whether ``request`` comes from a reader the site knows nothing of: no session (so not
    signed in) and no messages waiting (Django's messages are kept in a cookie when they
    outlive a request)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


# The query parameters a stored page may have: the language asked of an export. A page asked
# for with any other is rendered, not stored, so that made-up addresses cannot fill the cache.
_STORABLE_PARAMETERS = {"lang"}


def page_key(request):
    """The cache key of the page ``request`` asks for: its scheme, host (pages link their
    other languages by absolute address), path and query string, and for an address without
    a language prefix (served in the browser's language) that language, as
    ``LocaleMiddleware`` will choose it; and the version of the code (``code_version``). A
    host not in ``ALLOWED_HOSTS`` raises Django's
    ``DisallowedHost`` (answered 400), as the view would."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    if not get_language_from_path(request.path_info):
        address += "\n" + get_language_from_request(request)
    digest = hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=16)
    return f"{PAGE_KEY_PREFIX}{caching.code_version()}:{digest.hexdigest()}"


class PublicPageCacheMiddleware:
    """Serve the public pages (``public_page``) to readers without a session from the
    "pages" cache, with the validators and caching rules of RFC 9110/9111.

    Place it right after the static files' middleware (WhiteNoise), so that a page found in
    the cache costs no more than a static file. A ``GET`` or ``HEAD`` from a reader without
    a session finds the current generation and the page in this process's memory
    (``_ProcessTier``), else both in one round trip to the cache; the page is served when it
    was stored under that generation, with a ``304 Not Modified`` when the request's
    ``If-None-Match`` (or ``If-Modified-Since``) matches. Otherwise the request goes on; a
    ``200`` from a ``public_page`` view that sets no cookie is then stored, with

    - ``ETag``: a hash of the body (a strong validator: an edit elsewhere that leaves the page
      as it was keeps its ETag);
    - ``Last-Modified``: the beginning of the generation it was rendered under;
    - ``Cache-Control: public, max-age=0, s-maxage=<PUBLIC_PAGE_SHARED_MAX_AGE>``: browsers
      ask again each time (and get a 304), a proxy or CDN may keep it that many seconds;
    - its ``Vary`` without ``Cookie``.

    The same pages for a signed-in member of the secretariat (who sees links to the admin) are
    rendered each time, marked ``Cache-Control: private, no-cache``. When the cache is out of
    reach the pages are rendered, and the failure is logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or settings.PAGE_CACHE_SECONDS <= 0
            or not _reader_without_session(request)
            or not set(request.GET) <= _STORABLE_PARAMETERS
        ):
            response = self.get_response(request)
            if getattr(response, "public_page", False):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)
        try:
            generation, page = self._find(key)
        except Exception:
            logger.exception("The page cache is out of reach; the page is rendered.")
            return self.get_response(request)
        if page is not None:
            return self._conditional(request, page, page.response())
        response = self.get_response(request)
        # A HEAD is answered by the view as a GET (the server leaves the body out), so its
        # response is stored alike and carries the same headers.
        if not self._storable(request, response):
            if getattr(response, "public_page", False):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        page = self._prepare(response, generation)
        caching.process_tier.keep(key, page)
        try:
            caching.pages_cache().set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the page was not stored.")
        return self._conditional(request, page, response)

    @staticmethod
    def _find(key):
        """(the current ``Generation``, the ``StoredPage`` under ``key`` rendered under it or
        ``None``): from this process's memory when it has both, else in one round trip."""
        generation = caching.process_tier.recent_generation()
        if generation is not None:
            page = caching.process_tier.page(key, generation.token)
            if page is None:
                page = caching.pages_cache().get(key)
        else:
            found = caching.pages_cache().get_many([GENERATION_KEY, key])
            generation = caching.current_generation(found.get(GENERATION_KEY))
            caching.process_tier.remember(generation)
            page = found.get(key)
        if not isinstance(page, StoredPage) or page.token != generation.token:
            return generation, None
        caching.process_tier.keep(key, page)
        return generation, page

    @staticmethod
    def _storable(request, response):
        if not getattr(response, "public_page", False) or response.status_code != 200:
            return False
        if response.streaming or response.cookies:
            return False
        if not _canonical_address(request, response):
            return False
        vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
        return vary <= _STORABLE_VARY

    @staticmethod
    def _prepare(response, generation):
        """Give ``response`` its validators and caching headers; return it as a
        ``StoredPage``."""
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'"{digest}"'
        last_modified = int(generation.changed_at)
        response["Last-Modified"] = http_date(last_modified)
        vary = [h.strip() for h in response.get("Vary", "").split(",") if h.strip()]
        kept = [h for h in vary if h.lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        elif "Vary" in response:
            del response["Vary"]
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PUBLIC_PAGE_SHARED_MAX_AGE
        )
        return StoredPage(
            token=generation.token,
            status=response.status_code,
            headers=tuple(response.headers.items()),
            content=response.content,
            etag=response["ETag"],
            last_modified=last_modified,
        )

    @staticmethod
    def _conditional(request, page, response):
        """``response`` (``page``'s), or a 304 for it when ``request``'s conditions match
        (Django's ``get_conditional_response``, RFC 9110 section 13)."""
        return get_conditional_response(
            request, etag=page.etag, last_modified=page.last_modified, response=response
        )
