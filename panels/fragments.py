"""Parts of public pages rendered once per change, kept in the "pages" cache: the rows of a
programme (one session each), a programme page's body (the meeting's facts, concept note and
programme) and a session page's article (its facts, concept note, documents, speakers and
running order).

Each part is the same for every reader who sees the same sessions until something public
changes; the page around it (and the page cache of ``panels.page_cache``) is rendered as
before, so what depends on the reader (staff tools, preview notices, the language links) is
never kept here. A part is kept under the content generation it was rendered in
(``caching.content_generation``: a new one begins after every committed change to public
data), the language and what it shows, so it is never shown after a change. The token is read
before the data is, so that a part is never stored under a generation newer than its data.
A cache out of reach is logged and the part rendered.
"""

import logging

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .caching import code_version, content_generation, pages_cache
from .models import Meeting, Panel
from .programme import programme_days

logger = logging.getLogger(__name__)

ROW_TEMPLATE = "panels/includes/panel_item.html"
ARTICLE_TEMPLATE = "panels/includes/panel_article.html"
PROGRAMME_TEMPLATE = "panels/includes/programme_article.html"


def fragment_generation():
    """The token to keep parts under (``caching.content_generation``), or ``None`` when none
    are kept (``settings.FRAGMENT_CACHE_SECONDS`` is 0) or the cache is out of reach. Read it
    before reading the data the parts show."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return None
    try:
        return content_generation()
    except Exception:
        logger.exception("The page cache is out of reach; the pages' parts are rendered.")
        return None


def fragment_key(kind, generation, language, *what):
    """The cache key of a part: its ``kind`` ("programme-row", say), ``generation`` (str),
    ``language`` (a language code) and what it shows (primary keys and the like), under the
    version of the code that renders it (``caching.code_version``: a deployment renders the
    parts again) and the address the site is served at (the script prefix, which its links
    carry: a site reached both at / and at /panels/ through a proxy keeps a part for each)."""
    parts = [kind, code_version(), get_script_prefix(), generation, language, *map(str, what)]
    return ":".join(parts)


def _kept_or_rendered(generation, key_parts, render):
    """The part under ``key_parts`` (``fragment_key``'s kind and what) kept in ``generation``
    (``None``: none kept) as safe HTML, or else ``render()``'s, then kept."""
    key = None
    if generation is not None:
        key = fragment_key(key_parts[0], generation, get_language(), *key_parts[1:])
        try:
            found = pages_cache().get(key)
        except Exception:
            logger.exception("The page cache is out of reach; the page's part is rendered.")
            found = key = None
        if found is not None:
            # Rendered by one of this module's templates, which escape what they show.
            return mark_safe(found)  # noqa: S308
    html = render()
    if key is not None:
        try:
            pages_cache().set(key, str(html), timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache is out of reach; the page's part not kept.")
    return html


def render_rows(meeting, panels, generation):
    """The sessions of ``panels`` (a ``Panel`` QuerySet of ``meeting``'s, read here, after
    ``generation`` was) in programme order: a list of ``Panel``, each with its row of the
    programme in the active language as ``programme_row`` (safe HTML).

    Rows kept under ``generation`` (from ``fragment_generation``; ``None``: none kept) are
    read in one round trip; the others are rendered from ``ROW_TEMPLATE`` and kept, their
    people and running order read first (two queries at most, none when every row is found).
    """
    panels = list(panels.select_related("meeting", "room").in_programme_order())
    keys = {}
    found = {}
    if generation is not None:
        language = get_language()
        keys = {
            panel.pk: fragment_key("programme-row", generation, language, panel.pk)
            for panel in panels
        }
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


def programme_audience(user, meeting):
    """Which sessions of ``meeting`` ``user`` sees (``Panel.objects.visible_to``), as part of
    the key of its programme: ``"team"`` (every session: the meeting's team, superusers) or
    ``"public"`` (the published ones). One query for a signed-in user, none otherwise."""
    if user.is_authenticated and Meeting.objects.of_team(user).filter(pk=meeting.pk).exists():
        return "team"
    return "public"


def render_programme(meeting, panels, audience, generation):
    """The body of ``meeting``'s programme page in the active language (safe HTML from
    ``PROGRAMME_TEMPLATE``): its facts, concept note, documents and ``panels`` (a ``Panel``
    QuerySet, what ``audience`` sees, from ``programme_audience``) by day.

    The body kept under ``generation`` (``None``: none kept) for that audience is read in
    one round trip; otherwise the concept note and documents are read, the rows taken from
    ``render_rows`` and the body rendered and kept.
    """

    def render():
        prefetch_related_objects([meeting], "sections", "documents")
        days = programme_days(meeting, render_rows(meeting, panels, generation))
        return get_template(PROGRAMME_TEMPLATE).render(
            {"meeting": meeting, "days": days, "LANGUAGE_CODE": get_language()}
        )

    return _kept_or_rendered(generation, ("programme", meeting.pk, audience), render)


def render_article(panel, generation):
    """The article of ``panel``'s page (a ``Panel`` read with its meeting and room, after
    ``generation`` was) in the active language: safe HTML from ``ARTICLE_TEMPLATE``.

    The article kept under ``generation`` (from ``fragment_generation``; ``None``: none kept)
    is read in one round trip; otherwise the session's concept note, documents, people and
    running order are read (five queries) and the article rendered and kept.
    """

    def render():
        lookups = Panel.objects.people_prefetches() + Panel.objects.running_order_prefetches()
        prefetch_related_objects([panel], *lookups, "sections", "documents")
        return get_template(ARTICLE_TEMPLATE).render(
            {"panel": panel, "LANGUAGE_CODE": get_language()}
        )

    return _kept_or_rendered(generation, ("panel-article", panel.pk), render)
