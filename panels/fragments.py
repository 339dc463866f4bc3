"""Parts of public pages rendered once per change, kept in the "pages" cache: the rows of a
programme (one session each) and the article of a session's page (its facts, concept note,
documents, speakers and running order).

A programme of 200 sessions renders 200 rows, and a session's page one article, each the same
for every reader until something public changes; the page around them (and the page cache of
``panels.page_cache``) is rendered as before, so what depends on the reader (staff tools,
preview notices, the language links) is never kept here. A fragment is kept under the content
generation it was rendered in (``caching.content_generation``: a new one begins after every
committed change to public data), the language and the session, so it is never shown after a
change. The token is read before the session is, so that a fragment is never stored under a
generation newer than its data.
"""

import logging

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .caching import code_version, content_generation, pages_cache
from .models import Panel

logger = logging.getLogger(__name__)

ROW_TEMPLATE = "panels/includes/panel_item.html"
ARTICLE_TEMPLATE = "panels/includes/panel_article.html"
_ROW_KEY_PREFIX = "programme-row:"
_ARTICLE_KEY_PREFIX = "panel-article:"


def fragment_generation():
    """The token to keep fragments under (``caching.content_generation``), or ``None`` when
    none are kept (``settings.FRAGMENT_CACHE_SECONDS`` is 0) or the cache is out of reach.
    Read it before reading the sessions."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return None
    try:
        return content_generation()
    except Exception:
        logger.exception("The page cache is out of reach; the pages' parts are rendered.")
        return None


def row_key(generation, language, panel_pk):
    """The cache key of a session's row: ``generation`` (str), ``language`` (a language code)
    and the session's primary key, under the version of the code that renders it
    (``caching.code_version``: a deployment renders the rows again)."""
    return f"{_ROW_KEY_PREFIX}{code_version()}:{generation}:{language}:{panel_pk}"


def article_key(generation, language, panel_pk):
    """The cache key of a session page's article: as ``row_key``."""
    return f"{_ARTICLE_KEY_PREFIX}{code_version()}:{generation}:{language}:{panel_pk}"


def render_rows(meeting, panels, generation):
    """The sessions of ``panels`` (a ``Panel`` QuerySet of ``meeting``'s, read here, after
    ``generation`` was) in programme order: a list of ``Panel``, each with its row of the
    programme in the active language as ``programme_row`` (safe HTML).

    Rows kept under ``generation`` (from ``fragment_generation``; ``None``: none kept) are read
    in one round trip; the others are rendered from ``ROW_TEMPLATE`` and kept, their people
    and running order read first (two queries at most, none when every row is found).
    """
    panels = list(panels.select_related("meeting", "room").in_programme_order())
    keys = {}
    found = {}
    if generation is not None:
        language = get_language()
        keys = {panel.pk: row_key(generation, language, panel.pk) for panel in panels}
        try:
            found = pages_cache().get_many(list(keys.values()))
        except Exception:
            logger.exception("The page cache is out of reach; the programme's rows are rendered.")
            keys = {}
    missing = [panel for panel in panels if keys.get(panel.pk) not in found]
    if missing:
        lookups = Panel.objects.people_prefetches() + Panel.objects.running_order_prefetches()
        prefetch_related_objects(missing, *lookups)
    template = get_template(ROW_TEMPLATE)
    rendered = {}
    for panel in panels:
        key = keys.get(panel.pk)
        if key in found:
            # Rendered by the template below, which escapes what it shows.
            panel.programme_row = mark_safe(found[key])  # noqa: S308
            continue
        panel.programme_row = template.render({"panel": panel, "meeting": meeting})
        if key is not None:
            rendered[key] = str(panel.programme_row)
    if rendered:
        try:
            pages_cache().set_many(rendered, timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the programme's rows not kept.")
    return panels


def render_article(panel, generation):
    """The article of ``panel``'s page (a ``Panel`` read with its meeting and room, after
    ``generation`` was) in the active language: safe HTML from ``ARTICLE_TEMPLATE``.

    The article kept under ``generation`` (from ``fragment_generation``; ``None``: none kept)
    is read in one round trip; otherwise the session's concept note, documents, people and
    running order are read (five queries) and the article rendered and kept.
    """
    key = None
    if generation is not None:
        key = article_key(generation, get_language(), panel.pk)
        try:
            found = pages_cache().get(key)
        except Exception:
            logger.exception("The page cache is out of reach; the session's page is rendered.")
            found = key = None
        if found is not None:
            # Rendered by the template below, which escapes what it shows.
            return mark_safe(found)  # noqa: S308
    lookups = Panel.objects.people_prefetches() + Panel.objects.running_order_prefetches()
    prefetch_related_objects([panel], *lookups, "sections", "documents")
    article = get_template(ARTICLE_TEMPLATE).render(
        {"panel": panel, "LANGUAGE_CODE": get_language()}
    )
    if key is not None:
        try:
            pages_cache().set(key, str(article), timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the session's page not kept.")
    return article
