"""Public pages served from the cache: the content generation, and the middleware.

Anonymous readers of the home page, a programme, a panel's page, the calendars and
schedule.json all get the same bytes until something they show changes. Those pages are
rendered once per change and then served from the "pages" cache (``settings.CACHES``: Redis,
shared by every process and server, when ``REDIS_URL`` is set), right after the static files.

What changes them is tracked as one **content generation** for the whole site
(``Generation``): a random token, the moment it began (the pages' ``Last-Modified``) and the
moment it ends by itself. A new generation begins

- when a transaction that saved or deleted any row the public pages show commits
  (``content_changed``: Django's model signals for every model of the app but the record of
  emails sent and panellists' proposed corrections, and the writes made with ``update()`` or
  in bulk, which the services report through ``versions.programme_may_have_changed``);
- when "today" moves on anywhere on Earth (12:00 UTC, ``querysets.anywhere_on_earth_today``):
  the home page then moves a meeting from upcoming to past;
- when the cache has lost the generation (Redis restarted or emptied).

A page is stored with the token it was rendered under and served only while that token is
the current one, so a page never outlives a change, whichever process or server rendered it.
Each process also keeps the pages it served and the generation it read
(``_ProcessTier``), and reads the generation again after ``PAGE_CACHE_RECHECK_SECONDS``
(1 s): a change made through another process or server reaches its pages within that time,
and a page asked for again costs no round trip to Redis.
The generation is site-wide rather than per meeting: a person, a room or an answer shows on
several pages of several meetings, and secretariats change their programmes far less often
than the public reads them.
"""

import dataclasses
import functools
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_path, get_language_from_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "generation"
PAGE_KEY_PREFIX = "page:"
# The headers a stored page may vary on: the language of an address without a language
# prefix (``LocaleMiddleware``), and the cookie, which a stored page served only to readers
# without a session does not depend on (it is dropped from the stored page's ``Vary``).
_STORABLE_VARY = {"accept-language", "cookie"}


def pages_cache():
    """The cache that holds the public pages and the content generation ("pages")."""
    return caches["pages"]


@dataclass(frozen=True)
class Generation:
    """One content generation of the public pages: ``token`` (32 hexadecimal digits, new at
    each change), ``changed_at`` (seconds since the epoch, UTC: when it began, the pages'
    ``Last-Modified``) and ``valid_until`` (seconds since the epoch, UTC: the next 12:00
    UTC, when "today" moves on anywhere on Earth and a new one begins by itself)."""

    token: str
    changed_at: float
    valid_until: float

    @classmethod
    def new(cls, now=None):
        """A generation beginning at ``now`` (seconds since the epoch; default: the clock)."""
        now = time.time() if now is None else now
        return cls(token=secrets.token_hex(16), changed_at=now, valid_until=_next_noon_utc(now))

    def is_current(self, now=None):
        """Whether the generation has not ended by itself at ``now`` (seconds, UTC)."""
        return (time.time() if now is None else now) < self.valid_until


def _next_noon_utc(now):
    """The first 12:00 UTC after ``now`` (seconds since the epoch), in seconds: the moment
    ``anywhere_on_earth_today`` (today at UTC-12) moves on."""
    moment = datetime.fromtimestamp(now, UTC)
    noon = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon <= moment:
        noon += timedelta(days=1)
    return noon.timestamp()


def begin_generation(now=None):
    """Begin a new content generation now and return it (``Generation``): every page
    stored under an earlier one is rendered again when next asked for (at once in this
    process; within ``PAGE_CACHE_RECHECK_SECONDS`` in the others)."""
    generation = Generation.new(now)
    # Last-Modified has whole seconds: a generation begun in the same second as the one
    # before it is dated a second later, so that If-Modified-Since tells them apart.
    previous = _local.generation
    if previous is not None and int(generation.changed_at) <= int(previous.changed_at):
        generation = dataclasses.replace(generation, changed_at=int(previous.changed_at) + 1)
    pages_cache().set(GENERATION_KEY, generation, timeout=None)
    _local.remember(generation)
    return generation


def current_generation(found=None, now=None):
    """The current ``Generation``: the one in the cache, or ``found`` (the value already read
    from it), unless it has ended by itself or is missing, in which case a new one begins.
    One cache read (none when ``found`` is given)."""
    generation = found if found is not None else pages_cache().get(GENERATION_KEY)
    if isinstance(generation, Generation) and generation.is_current(now):
        return generation
    return begin_generation(now)


def content_generation():
    """The current generation's token (32 hexadecimal digits), for keys of anything derived
    from the public data (rendered fragments): it changes after every committed change
    (seen by this process at once, by the others within ``PAGE_CACHE_RECHECK_SECONDS``)."""
    generation = _local.recent_generation()
    if generation is None:
        generation = current_generation()
        _local.remember(generation)
    return generation.token


# Pages kept in each process ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredPage:
    """A public page as the cache keeps it: ``token``, the generation it was rendered under;
    ``status``; ``headers``, a tuple of (name, value) pairs; ``content`` (bytes); ``etag``
    (quoted, as sent) and ``last_modified`` (seconds since the epoch, UTC)."""

    token: str
    status: int
    headers: tuple
    content: bytes
    etag: str
    last_modified: int

    def response(self):
        """A new ``HttpResponse`` with the page's status, headers and content."""
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        return response


class _ProcessTier:
    """What each server process keeps of the "pages" cache, so that a page asked for again
    costs no round trip to Redis: the generation it last read (trusted for
    ``PAGE_CACHE_RECHECK_SECONDS``, then read again; a generation this process begins is
    known at once) and the pages it served, least recently used dropped first beyond
    ``PAGE_CACHE_PROCESS_BYTES``. Shared by the threads of the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self):
        """Drop the generation and the pages kept (tests start with none)."""
        with self.lock:
            self.generation = None
            self.read_at = 0.0
            self.pages = OrderedDict()
            self.size = 0

    def remember(self, generation):
        with self.lock:
            self.generation = generation
            self.read_at = time.monotonic()

    def recent_generation(self):
        """The generation read less than ``PAGE_CACHE_RECHECK_SECONDS`` ago, if it has not
        ended by itself; else ``None`` (read it from the cache)."""
        generation = self.generation
        if (
            generation is not None
            and time.monotonic() - self.read_at < settings.PAGE_CACHE_RECHECK_SECONDS
            and generation.is_current()
        ):
            return generation
        return None

    def page(self, key, token):
        """The page kept under ``key`` if it was rendered under ``token``, else ``None``."""
        with self.lock:
            page = self.pages.get(key)
            if page is None or page.token != token:
                return None
            self.pages.move_to_end(key)
            return page

    def keep(self, key, page):
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            self.pages[key] = page
            self.size += len(page.content)
            while self.size > settings.PAGE_CACHE_PROCESS_BYTES and self.pages:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped.content)


_local = _ProcessTier()


def forget_process_tier():
    """Drop what this process keeps of the page cache (``_ProcessTier``)."""
    _local.forget()


# A change: a new generation after commit ------------------------------------------------


class NewGenerationAfterCommit:
    """The ``on_commit`` callback that begins a new generation once per transaction,
    however many rows it changed; only its first call does anything. A failure (the cache
    out of reach) is logged: the change is saved, and the pages stored before it are
    dropped when the cache is reached again (a Redis that restarted has lost them), or at
    the latest after ``PAGE_CACHE_SECONDS``."""

    def __init__(self):
        self.done = False
        # Django names a callback by its ``__qualname__`` when it logs one that failed.
        self.__qualname__ = type(self).__qualname__

    def __call__(self):
        if self.done:
            return
        self.done = True
        try:
            begin_generation()
        except Exception:
            logger.exception("Could not mark the public pages as changed in the cache.")


_open = threading.local()


def content_changed():
    """Begin a new content generation once the transaction in progress commits (at once
    outside a transaction), so that no public page rendered before the change is served
    after it. Cheap: call it for every row saved; a transaction begins one generation."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        NewGenerationAfterCommit()()
        return
    callback = getattr(_open, "callback", None)
    if callback is None or callback.done:
        callback = _open.callback = NewGenerationAfterCommit()
    # Registered at every change: a savepoint rolled back drops those registered in it, and
    # whichever survives begins the generation.
    transaction.on_commit(callback, robust=True)


def _changed(sender, **kwargs):
    content_changed()


# Saving these changes no public page: the record of emails sent and of bulk sends (a row per
# email), panellists' corrections waiting for the secretariat, and the history records
# (django-simple-history's models, whose names start with "Historical").
_NOT_SHOWN = {"Sending", "BulkSend", "BulkSendRecipient", "ProposedChange", "HistoricalActor"}


def connect_receivers():
    """Begin a new generation after every save or deletion of a model of the app whose rows
    the public pages show, and every change of a many-to-many relation between them (called
    once, from ``PanelsConfig.ready``)."""
    from django.apps import apps

    uid = "panels.caching"
    for model in apps.get_app_config("panels").get_models():
        name = model.__name__
        if name in _NOT_SHOWN or name.startswith("Historical"):
            continue
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save.{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete.{name}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _changed, sender=through, dispatch_uid=f"{uid}.m2m.{through.__name__}"
            )


# Pages --------------------------------------------------------------------------------------


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


# What a page is rendered with besides the data: the code, templates and translations.
_CODE_FOLDERS = ("panels", "meeting", "templates", "locale")
_CODE_SUFFIXES = {".py", ".html", ".txt", ".mo"}


@functools.cache
def code_version():
    """A digest (16 hexadecimal digits) of the files this process renders pages with (their
    paths, sizes and modification times under ``_CODE_FOLDERS``), computed once per process.
    It is part of every page's key, so that after a deployment no server serves a page that
    the code before it rendered, nor does a server still running the old code during a
    rolling deployment serve its pages to the new one's readers."""
    digest = hashlib.blake2b(digest_size=8)
    base = Path(settings.BASE_DIR)
    for folder in _CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()


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
    return f"{PAGE_KEY_PREFIX}{code_version()}:{digest.hexdigest()}"


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
        _local.keep(key, page)
        try:
            pages_cache().set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the page was not stored.")
        return self._conditional(request, page, response)

    @staticmethod
    def _find(key):
        """(the current ``Generation``, the ``StoredPage`` under ``key`` rendered under it or
        ``None``): from this process's memory when it has both, else in one round trip."""
        generation = _local.recent_generation()
        if generation is not None:
            page = _local.page(key, generation.token)
            if page is None:
                page = pages_cache().get(key)
        else:
            found = pages_cache().get_many([GENERATION_KEY, key])
            generation = current_generation(found.get(GENERATION_KEY))
            _local.remember(generation)
            page = found.get(key)
        if not isinstance(page, StoredPage) or page.token != generation.token:
            return generation, None
        _local.keep(key, page)
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
