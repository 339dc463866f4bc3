"""Parts of pages kept in the cache (``panels.fragments``): the programme's rows and the
session page's article, read instead of rendered on the next page, never shown after a
committed change, one per language, never holding what depends on the reader."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from panels import caching
from panels.models import Panel
from tests.test_views import parse

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rows_only(settings):
    """The parts kept, the pages themselves rendered each time."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 900


def programme_address(panel, language="en"):
    with translation.override(language):
        return reverse("panels:meeting-detail", args=[panel.meeting.slug])


def panel_address(panel, language="en"):
    with translation.override(language):
        return panel.get_absolute_url()


def queries_of(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize(
    ("address_of", "queries_saved"),
    [
        # The meeting's concept note and documents, its sessions, their panellists and
        # running order (with its speakers): only the meeting is read for the page around.
        (programme_address, 6),
        # The concept note, documents, panellists and running order: only the session
        # itself (with its meeting and room) is read for the page around its article.
        (panel_address, 5),
    ],
    ids=["programme", "session article"],
)
def test_parts_kept_are_read_without_the_queries_that_render_them(
    rows_only, client, full_panel, address_of, queries_saved
):
    address = address_of(full_panel)
    first, first_queries = queries_of(client, address)

    again, again_queries = queries_of(client, address)

    assert again.content == first.content
    assert "Jorge Example" in again.content.decode()
    assert again_queries == first_queries - queries_saved


def test_article_kept_from_a_staff_page_shows_no_staff_tools_to_the_public(
    rows_only, client, staff_client, full_panel
):
    address = panel_address(full_panel)
    staff_page = staff_client.get(address).content.decode()
    client.logout()

    public_page, queries = queries_of(client, address)

    assert 'class="staff-tools"' in staff_page
    assert 'class="staff-tools"' not in public_page.content.decode()
    assert queries == 1


PARTS = pytest.mark.parametrize(
    "address_of", [programme_address, panel_address], ids=["programme row", "session article"]
)


@PARTS
def test_parts_are_rendered_again_after_a_committed_change(
    rows_only, client, full_panel, speaker, address_of
):
    address = address_of(full_panel)
    client.get(address)

    speaker.person.name = "A speaker renamed after the change"
    speaker.person.save()
    response = client.get(address)

    assert "A speaker renamed after the change" in response.content.decode()


@PARTS
def test_parts_kept_apart_by_language(rows_only, client, full_panel, address_of):
    english = client.get(address_of(full_panel, "en")).content.decode()

    french = client.get(address_of(full_panel, "fr")).content.decode()

    assert "Moderator" in english
    assert "Moderator" not in french


@PARTS
def test_parts_not_kept_when_switched_off(settings, client, full_panel, address_of):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    address = address_of(full_panel)
    _, first_queries = queries_of(client, address)

    _, again_queries = queries_of(client, address)

    assert again_queries == first_queries


@pytest.mark.parametrize("first_reader", ["public", "team"])
def test_programme_kept_for_one_audience_is_not_shown_to_the_other(
    rows_only, client, staff_user, full_panel, make_panel, first_reader
):
    make_panel(meeting=full_panel.meeting, title="A session not yet published", is_published=False)
    address = programme_address(full_panel)
    if first_reader == "team":
        client.force_login(staff_user)
        client.get(address)
        client.logout()
    else:
        client.get(address)
        client.force_login(staff_user)

    seen_second = client.get(address).content.decode()

    assert ("A session not yet published" in seen_second) == (first_reader == "public")
    assert "Migration and the 2030 Agenda" in seen_second


@PARTS
def test_parts_show_a_change_another_process_committed_at_once(
    rows_only, client, staff_client, full_panel, address_of
):
    address = address_of(full_panel)
    client.get(address)

    # Another process: its change committed, and a new generation in the shared cache,
    # none of it seen by this process's signals.
    Panel.objects.filter(pk=full_panel.pk).update(title="Retitled through another server")
    caches["pages"].set(caching.GENERATION_KEY, caching.Generation.new(), timeout=None)
    page = parse(client.get(address))

    # The session's heading in the kept part: the programme's row, or the article's title
    # (the page's <title>, outside the article, is read from the database every time).
    if address_of is programme_address:
        heading = page.find("li", "panel-item").find("h4")
    else:
        heading = page.find("article").find("h1")
    assert "Retitled through another server" in heading.text


def test_parts_are_kept_apart_by_the_address_the_site_is_served_at(rows_only, client, full_panel):
    address = panel_address(full_panel)
    at_root = client.get(address).content.decode()

    # As Django's WSGI handler does for a site also reached at /panels/ through a proxy.
    set_script_prefix("/panels/")
    try:
        under_panels = client.get(address, SCRIPT_NAME="/panels").content.decode()
    finally:
        clear_script_prefix()

    calendar = f"{address}calendar.ics"
    assert f'href="{calendar}' in at_root
    assert f'href="/panels{calendar}' in under_panels
