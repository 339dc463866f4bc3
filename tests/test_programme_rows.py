"""The programme's rows kept in the cache (``panels.fragments``): read instead of rendered
on the next page, never shown after a committed change, one per language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rows_only(settings):
    """The rows kept, the pages themselves rendered each time."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PROGRAMME_ROW_CACHE_SECONDS = 900


def programme_address(panel, language="en"):
    with translation.override(language):
        return reverse("panels:meeting-detail", args=[panel.meeting.slug])


def queries_of(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return response, len(queries)


def test_rows_kept_read_without_the_people_and_running_order_queries(
    rows_only, client, full_panel
):
    address = programme_address(full_panel)
    first, first_queries = queries_of(client, address)

    again, again_queries = queries_of(client, address)

    assert again.content == first.content
    # The panellists and the running order (with its speakers) are read only to render rows.
    assert again_queries == first_queries - 3


def test_rows_are_rendered_again_after_a_committed_change(rows_only, client, full_panel):
    address = programme_address(full_panel)
    client.get(address)

    full_panel.title = "A new title after the change"
    full_panel.save()
    response = client.get(address)

    assert "A new title after the change" in response.content.decode()


def test_rows_kept_apart_by_language(rows_only, client, full_panel):
    english = client.get(programme_address(full_panel, "en")).content.decode()

    french = client.get(programme_address(full_panel, "fr")).content.decode()

    assert "Moderator" in english
    assert "Moderator" not in french


def test_rows_not_kept_when_switched_off(settings, client, full_panel):
    settings.PAGE_CACHE_SECONDS = 0
    settings.PROGRAMME_ROW_CACHE_SECONDS = 0
    address = programme_address(full_panel)
    _, first_queries = queries_of(client, address)

    _, again_queries = queries_of(client, address)

    assert again_queries == first_queries
