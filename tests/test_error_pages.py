"""The site's own pages for a failed request (issue 12, "Errors in the user's words"): a 503
when the database is out of reach, a 500 otherwise, both styled and in the user's words, and a
panellist told whether their answer was recorded."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client
from django.urls import reverse, translate_url

from panels import services, views
from panels.models import MAX_BIO_LENGTH, MAX_SECTION_LENGTH, ConceptNoteSection, Panel, Panellist
from tests.admin_helpers import admin_url, form_data, inline_formset
from tests.test_answer import answer_data
from tests.test_views import parse


@pytest.fixture
def browser():
    """A client that gets the error page a visitor gets, instead of the exception."""
    return Client(raise_request_exception=False)


def fail_with(monkeypatch, error):
    """Make the answer service and the meeting page raise ``error``."""

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(services, "answer_through_link", fail)
    monkeypatch.setattr(views.MeetingDetailView, "get_context_data", fail)


@pytest.fixture
def answer_url(make_meeting, make_panel, make_panellist):
    """The personal link of a panellist on a panel on 16 February 2099."""
    panel = make_panel(make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 16)))
    place = make_panellist(panel)
    return reverse("panels:panellist-answer", kwargs={"secret": services.issue_link(place)})


def test_the_database_out_of_reach_gives_a_503_that_says_to_try_again(
    browser, full_panel, monkeypatch
):
    fail_with(monkeypatch, OperationalError("could not connect to server: Connection refused"))

    response = browser.get(full_panel.meeting.get_absolute_url())

    assert response.status_code == 503
    assert (response["Retry-After"], response["Cache-Control"]) == ("30", "no-store")
    page = parse(response)
    assert page.find("h1").text == "The site is busy for a moment"
    assert "Please try again in a minute." in page.find("main").text
    assert "Connection refused" not in response.content.decode()
    assert 'href="/static/css/site.css"' in response.content.decode()


@pytest.mark.parametrize(
    ("error", "status", "said", "next_step"),
    [
        (
            OperationalError("server closed the connection unexpectedly"),
            503,
            "Your answer has not been recorded.",
            "send it again",
        ),
        (
            RuntimeError("a bug"),
            500,
            "Your answer may not have been recorded.",
            "Open your personal link again",
        ),
    ],
    ids=["database out of reach", "another failure"],
)
def test_a_panellist_whose_answer_failed_is_told_whether_it_was_recorded(
    browser, answer_url, monkeypatch, error, status, said, next_step
):
    data = answer_data(parse(browser.get(answer_url)), answer="confirmed")
    fail_with(monkeypatch, error)

    response = browser.post(answer_url, data)

    assert response.status_code == status
    alert = parse(response).find("p", "error-answer")
    assert alert.find("strong").text == said
    assert next_step in alert.text
    assert answer_url.rstrip("/").split("/")[-1] not in response.content.decode()  # the secret


def test_another_failure_gives_a_styled_500(browser, full_panel, monkeypatch):
    fail_with(monkeypatch, RuntimeError("a bug"))

    response = browser.get(full_panel.meeting.get_absolute_url())

    assert response.status_code == 500
    assert "Retry-After" not in response
    page = parse(response)
    assert page.find("h1").text == "Something went wrong"
    assert page.find("a", "skip-link").attrs["href"] == "#main"
    assert "a bug" not in response.content.decode()


def test_the_error_pages_follow_the_language_of_the_address(browser, full_panel, monkeypatch):
    fail_with(monkeypatch, RuntimeError("a bug"))

    response = browser.get(translate_url(full_panel.meeting.get_absolute_url(), "ar"))

    html = parse(response).find("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")


# Oversized texts: refused beside the field, nothing else lost


def test_a_concept_note_section_past_the_limit_is_refused_beside_it(admin_client, full_panel):
    section = full_panel.sections.first()
    title, body = full_panel.title, section.body
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["sections-0-body_en"] = "x" * (MAX_SECTION_LENGTH + 1)
    data["title_en"] = "A new title"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    [errors] = [
        form.errors for form in inline_formset(response, ConceptNoteSection).forms if form.errors
    ]
    assert errors["body_en"] == [
        f"Ensure this value has at most {MAX_SECTION_LENGTH} characters (it has "
        f"{MAX_SECTION_LENGTH + 1})."
    ]
    full_panel.refresh_from_db()
    section.refresh_from_db()
    assert (full_panel.title, section.body) == (title, body)


def test_a_bio_past_the_limit_is_refused_by_the_model(make_person):
    person = make_person(bio="x" * (MAX_BIO_LENGTH + 1))

    with pytest.raises(ValidationError) as refused:
        person.full_clean()

    # The bio is translated: its English column (the active language's) is refused too.
    assert list(refused.value.message_dict) == ["bio", "bio_en"]


def test_a_form_sent_without_its_security_cookie_gets_the_sites_page(answer_url):
    checking = Client(enforce_csrf_checks=True)

    response = checking.post(answer_url, {"answer": "confirmed"})

    assert response.status_code == 403
    page = parse(response)
    assert page.find("h1").text == "This page has expired"
    assert "no answer was recorded" in page.find("main").text


def test_a_nul_character_in_an_address_is_a_bad_request(client, admin_client, full_panel):
    public = client.get(full_panel.meeting.get_absolute_url() + "?q=%00")
    listing = admin_client.get("/admin/panels/panel/?status__exact=%00")

    assert (public.status_code, listing.status_code) == (400, 400)
    assert parse(public).find("h1").text == "This request could not be read"


@pytest.mark.django_db(transaction=True)
def test_an_answer_recorded_stays_recorded_when_its_notice_fails(browser, answer_url, monkeypatch):
    data = answer_data(parse(browser.get(answer_url)), answer="confirmed")

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("panels.services.emails._load", fail)

    response = browser.post(answer_url, data)

    assert response.status_code == 302
    assert Panellist.objects.get().status == "confirmed"


def test_the_link_of_a_place_whose_person_was_taken_off_answers_nothing(client, answer_url):
    Panellist.objects.update(person=None)

    response = client.get(answer_url)

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_host_the_site_does_not_serve_gets_the_bad_request_page(settings):
    settings.ALLOWED_HOSTS = ["panels.example.org"]

    response = Client(raise_request_exception=False).get("/en/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()
