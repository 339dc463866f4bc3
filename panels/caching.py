"""Public pages served from the cache: the content generation they are kept under, and what
each process keeps of them. The middleware that stores and serves them, and which pages it
may, are in ``panels.page_cache``.

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
(``process_tier``), and reads the generation again after ``PAGE_CACHE_RECHECK_SECONDS``
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

logger = logging.getLogger(__name__)

GENERATION_KEY = "generation"
PAGE_KEY_PREFIX = "page:"


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
    previous = process_tier.generation
    if previous is not None and int(generation.changed_at) <= int(previous.changed_at):
        generation = dataclasses.replace(generation, changed_at=int(previous.changed_at) + 1)
    pages_cache().set(GENERATION_KEY, generation, timeout=None)
    process_tier.remember(generation)
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
    from the public data (rendered fragments): it changes after every committed change. Read
    from the cache each time (one round trip), not trusted for ``PAGE_CACHE_RECHECK_SECONDS``
    as the page cache does, so that a part of a page is never shown after a change that
    another process committed, next to the rest of the page read from the database."""
    generation = current_generation()
    process_tier.remember(generation)
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


process_tier = _ProcessTier()


def forget_process_tier():
    """Drop what this process keeps of the page cache (``process_tier``)."""
    process_tier.forget()


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
