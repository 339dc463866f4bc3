"""The public pages from the cache (``panels.caching``): stored once per change, served with
validators and a 304, never to a signed-in officer, dropped by every kind of change."""

from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import reverse

from panels import caching, page_cache
from panels.models import BulkSend, Panel
from panels.services import bump_panel_versions

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(full_panel):
    """The addresses of the public pages of ``full_panel`` and its meeting."""
    meeting = full_panel.meeting
    return {
        "home": reverse("panels:meeting-list"),
        "programme": reverse("panels:meeting-detail", args=[meeting.slug]),
        "panel": reverse("panels:panel-detail", args=[meeting.slug, full_panel.pk]),
        "calendar": reverse("panels:meeting-calendar", args=[meeting.slug]),
        "panel calendar": reverse("panels:panel-calendar", args=[meeting.slug, full_panel.pk]),
        "schedule.json": reverse("panels:meeting-schedule-json", args=[meeting.slug]),
        "changes feed": reverse("panels:meeting-changes-feed", args=[meeting.slug]),
        "unprefixed calendar": f"/meetings/{meeting.slug}/calendar.ics",
    }


PAGES = [
    "home",
    "programme",
    "panel",
    "calendar",
    "panel calendar",
    "schedule.json",
    "changes feed",
    "unprefixed calendar",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_second_request_with_the_etag_gets_304(client, pages, page):
    first = client.get(pages[page])
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]

    again = client.get(pages[page], headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("page", PAGES)
def test_a_public_page_sets_no_cookie_and_lets_a_proxy_keep_it_briefly(
    client, pages, page, settings
):
    settings.PUBLIC_PAGE_SHARED_MAX_AGE = 45

    for response in (client.get(pages[page]), client.get(pages[page])):
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert "cookie" not in response.get("Vary", "").lower()
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=0", "s-maxage=45"}


def test_a_stored_page_is_served_without_a_query(client, pages, django_assert_num_queries):
    first = client.get(pages["programme"])

    with django_assert_num_queries(0):
        again = client.get(pages["programme"])

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_an_edit_changes_the_page_and_its_etag(client, pages, full_panel):
    before = client.get(pages["panel"])
    assert "Migration and the 2030 Agenda" in before.content.decode()

    full_panel.title = "Migration data for the 2030 Agenda"
    full_panel.save()

    after = client.get(pages["panel"], headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Migration data for the 2030 Agenda" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(pages["programme"]).content.decode().count("Migration data for") >= 1


def test_a_change_written_with_update_drops_the_pages(client, pages, full_panel):
    before = client.get(pages["calendar"])

    with transaction.atomic():
        Panel.objects.filter(pk=full_panel.pk).update(title="Renamed in bulk")
        bump_panel_versions([full_panel.pk])

    after = client.get(pages["calendar"])
    assert b"Renamed in bulk" in after.content
    assert after["ETag"] != before["ETag"]


def test_a_change_rolled_back_keeps_the_pages(client, pages, full_panel):
    before = client.get(pages["panel"])
    generation = caching.current_generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        full_panel.title = "Never saved"
        full_panel.save()
        raise RuntimeError

    assert caching.current_generation().token == generation.token
    assert client.get(pages["panel"])["ETag"] == before["ETag"]


def test_an_answer_shown_publicly_drops_the_pages(client, pages, speaker):
    client.get(pages["panel"])
    generation = caching.current_generation()

    speaker.status = speaker.Status.DECLINED
    speaker.save()

    assert caching.current_generation().token != generation.token


def test_the_edit_of_a_sent_email_record_keeps_the_pages(client, pages, speaker):
    from panels.models import Sending

    client.get(pages["panel"])
    generation = caching.current_generation()

    Sending.objects.create(panellist=speaker, kind=Sending.Kind.INVITATION, to_address="a@b.org")
    bulk_send = BulkSend.objects.create(meeting=speaker.panel.meeting, kind=BulkSend.Kind.REMINDER)
    bulk_send.recipients.create(panellist=speaker, position=0)

    assert caching.current_generation().token == generation.token


def test_a_signed_in_officer_gets_the_page_rendered_and_private(client, pages, staff_user):
    client.get(pages["home"])
    client.force_login(staff_user)

    response = client.get(pages["home"])

    assert "Administration" in response.content.decode()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives
    assert "ETag" not in response


def test_made_up_query_parameters_are_not_stored(client, pages):
    response = client.get(pages["programme"], {"utm_source": "x"})

    assert response.status_code == 200
    assert "ETag" not in response
    assert caches["pages"].get(page_cache.page_key(response.wsgi_request)) is None


def test_an_unprefixed_export_is_stored_for_each_language(client, pages):
    english = client.get(pages["unprefixed calendar"], headers={"accept-language": "en"})
    french = client.get(pages["unprefixed calendar"], headers={"accept-language": "fr"})

    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    again = client.get(pages["unprefixed calendar"], headers={"accept-language": "fr"})
    assert again["Content-Language"] == "fr"
    assert again["ETag"] == french["ETag"]


def test_a_cache_out_of_reach_still_gives_the_page(client, pages, monkeypatch, caplog):
    class Unreachable:
        def get_many(self, keys):
            raise ConnectionError("Connection refused")

    monkeypatch.setattr(caching, "pages_cache", Unreachable)

    response = client.get(pages["panel"])

    assert response.status_code == 200
    assert "Migration and the 2030 Agenda" in response.content.decode()
    assert "out of reach" in caplog.text


def test_a_generation_ends_when_today_moves_on_anywhere_on_earth():
    morning = datetime(2026, 12, 7, 11, 59, tzinfo=UTC).timestamp()
    afternoon = datetime(2026, 12, 7, 12, 0, tzinfo=UTC).timestamp()

    generation = caching.Generation.new(morning)

    assert generation.valid_until == afternoon
    assert generation.is_current(afternoon - 1)
    assert not generation.is_current(afternoon)
    assert caching.Generation.new(afternoon).valid_until == afternoon + 86400
    renewed = caching.current_generation(found=generation, now=afternoon)
    assert renewed.token != generation.token
    assert renewed.changed_at == afternoon


def test_a_generation_lost_by_the_cache_begins_a_new_one(client, pages, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    first = client.get(pages["panel"])
    caches["pages"].delete(caching.GENERATION_KEY)

    second = client.get(pages["panel"])

    assert second.status_code == 200
    assert second.content == first.content
    assert caches["pages"].get(caching.GENERATION_KEY) is not None


def test_the_content_generation_changes_with_a_committed_change(panel):
    token = caching.content_generation()

    assert caching.content_generation() == token
    panel.title = "Renamed"
    panel.save()
    assert caching.content_generation() != token


def test_a_page_from_the_cache_carries_the_content_security_policy(client, pages):
    client.get(pages["panel"])

    again = client.get(pages["panel"])

    assert "default-src 'self'" in again["Content-Security-Policy"]
    assert "ETag" in again


def test_a_page_asked_for_again_costs_no_cache_read(client, pages, monkeypatch):
    first = client.get(pages["panel"])

    class Unreachable:
        def get(self, key):
            raise AssertionError("read the cache")

        get_many = get

    monkeypatch.setattr(caching, "pages_cache", Unreachable)
    again = client.get(pages["panel"])

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_change_made_by_another_process_is_seen_after_the_recheck(client, pages, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 3600
    first = client.get(pages["panel"])
    key = page_cache.page_key(first.wsgi_request)
    old = caching.process_tier.pages[key].token
    # Another process begins a new generation: the cache has it, this process not yet.
    new = caching.Generation.new()
    caches["pages"].set(caching.GENERATION_KEY, new, timeout=None)

    client.get(pages["panel"])
    assert caching.process_tier.pages[key].token == old

    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    client.get(pages["panel"])
    assert caching.process_tier.pages[key].token == new.token != old
    assert caching.content_generation() == new.token


def test_each_process_keeps_at_most_its_share_of_pages(client, pages, settings):
    panel = client.get(pages["panel"])
    settings.PAGE_CACHE_PROCESS_BYTES = len(panel.content) + 10

    client.get(pages["programme"])
    client.get(pages["panel"])

    assert caching.process_tier.size <= settings.PAGE_CACHE_PROCESS_BYTES
    assert list(caching.process_tier.pages) == [page_cache.page_key(panel.wsgi_request)]


def test_each_host_gets_its_own_page(client, pages, settings):
    settings.ALLOWED_HOSTS = ["panels.example.org", "www.panels.example.org"]

    first = client.get(pages["home"], headers={"host": "panels.example.org"})
    second = client.get(pages["home"], headers={"host": "www.panels.example.org"})
    refused = Client(raise_request_exception=False).get(
        pages["home"], headers={"host": "evil.example"}
    )

    assert 'href="http://panels.example.org/fr/"' in first.content.decode()
    assert 'href="http://www.panels.example.org/fr/"' in second.content.decode()
    assert refused.status_code == 400


def test_head_gets_the_headers_of_get(client, pages):
    head = client.head(pages["programme"])
    get = client.get(pages["programme"])

    assert head.status_code == get.status_code == 200
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Type"):
        assert head[name] == get[name]


@pytest.mark.parametrize(
    "variant",
    [
        "{programme}?lang=fr",
        "{programme}?lang=x1",
        "{calendar}?lang=x1",
        "{calendar}?lang=fr&lang=es",
        "{panel_zero}",
    ],
)
def test_made_up_addresses_of_a_page_are_not_stored(client, pages, full_panel, variant):
    address = variant.format(
        programme=pages["programme"],
        calendar=pages["calendar"],
        panel_zero=pages["panel"].replace(
            f"/panels/{full_panel.pk}/", f"/panels/0{full_panel.pk}/"
        ),
    )

    response = client.get(address)

    assert response.status_code in (200, 400)
    assert "ETag" not in response
    assert caches["pages"].get(page_cache.page_key(response.wsgi_request)) is None


def test_an_export_in_a_language_asked_for_is_stored(client, pages):
    first = client.get(pages["calendar"], {"lang": "fr"})
    again = client.get(pages["calendar"], {"lang": "fr"}, headers={"if-none-match": first["ETag"]})

    assert first["Content-Language"] == "fr"
    assert again.status_code == 304


def test_pages_rendered_by_other_code_are_not_served(client, pages, monkeypatch):
    first = client.get(pages["panel"])
    assert caches["pages"].get(page_cache.page_key(first.wsgi_request)) is not None

    monkeypatch.setattr(caching, "code_version", lambda: "a-new-deployment")
    caching.forget_process_tier()
    key = page_cache.page_key(first.wsgi_request)

    assert caches["pages"].get(key) is None
    client.get(pages["panel"])
    assert caches["pages"].get(key) is not None


def test_the_code_version_is_one_digest_per_process():
    assert caching.code_version() == caching.code_version()
    assert len(caching.code_version()) == 16


def test_two_changes_in_one_second_have_different_last_modified_dates(client, pages, full_panel):
    full_panel.title = "First title"
    full_panel.save()
    first = client.get(pages["panel"])
    full_panel.title = "Second title"
    full_panel.save()

    second = client.get(pages["panel"], headers={"if-modified-since": first["Last-Modified"]})

    assert second.status_code == 200
    assert "Second title" in second.content.decode()
    assert second["Last-Modified"] != first["Last-Modified"]
