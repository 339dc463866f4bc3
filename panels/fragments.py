"""The rows of a programme (one session each) rendered once per change, kept in the "pages"
cache.

A programme of 200 sessions renders 200 rows, each the same for every reader until something
public changes; the page around them (and the page cache of ``panels.caching``) is rendered
as before. A row is kept under the content generation it was rendered in
(``caching.content_generation``: a new one begins after every committed change to public
data), the language and the session, so a row is never shown after a change. The token is read
before the sessions are, so that a row is never stored under a generation newer than its data.
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
_ROW_KEY_PREFIX = "programme-row:"


def row_generation():
    """The token to keep rows under (``caching.content_generation``), or ``None`` when rows
    are not kept (``settings.PROGRAMME_ROW_CACHE_SECONDS`` is 0) or the cache is out of
    reach. Read it before reading the sessions."""
    if settings.PROGRAMME_ROW_CACHE_SECONDS <= 0:
        return None
    try:
        return content_generation()
    except Exception:
        logger.exception("The page cache is out of reach; the programme's rows are rendered.")
        return None


def row_key(generation, language, panel_pk):
    """The cache key of a session's row: ``generation`` (str), ``language`` (a language code)
    and the session's primary key, under the version of the code that renders it
    (``caching.code_version``: a deployment renders the rows again)."""
    return f"{_ROW_KEY_PREFIX}{code_version()}:{generation}:{language}:{panel_pk}"


def render_rows(meeting, panels, generation):
    """The sessions of ``panels`` (a ``Panel`` QuerySet of ``meeting``'s, read here, after
    ``generation`` was) in programme order: a list of ``Panel``, each with its row of the
    programme in the active language as ``programme_row`` (safe HTML).

    Rows kept under ``generation`` (from ``row_generation``; ``None``: none kept) are read
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
            pages_cache().set_many(rendered, timeout=settings.PROGRAMME_ROW_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the programme's rows not kept.")
    return panels
