"""Content in several languages (issue 13 item 4): titles, concept notes, items, positions and
bios given in any of the six languages, entered under language tabs in the admin, shown on the
page of that language and otherwise in English, marked as such (``lang="en"`` and a note); the
calendars and schedule.json in the language asked for with ``?lang=``; the English value of
data made before, kept by the migration; each language's value kept by the history."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from panels.demo import french
from panels.forms import AnswerForms
from panels.models import Panel, Panellist, Person
from panels.resources.lookups import look_up_panel
from panels.resources.programme_rows import programme_rows
from tests.admin_helpers import admin_url, form_data
from tests.test_browser import DESKTOP, headless_chromium, sign_in
from tests.test_migrations import latest, migrate
from tests.test_views import parse

ENGLISH_TITLE = "The global compact on migration: Regional and human rights dimensions"


def page_in(client, language, obj):
    """``obj``'s public page in ``language`` (its address under that language's prefix),
    parsed, and the number of queries it took."""
    with translation.override(language):
        address = obj.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return parse(response), len(queries)


def title_of(page):
    """The page's title (isolated in a <bdi> inside its <h1>) and its ``lang``."""
    title = page.find("h1").find("bdi")
    return title.text, title.attrs.get("lang")


def notes(page):
    return [note.text for note in page.find_all("p", "content-language-note")]


def headings(page):
    sections = page.find_all("section", "concept-note")
    return [
        (section.find("h2").text, section.find("h2").attrs.get("lang")) for section in sections
    ]


# ---------------------------------------------------------------------------------------------
# Public pages


def test_seed_panel_in_french_shows_its_french_title_and_concept_note(client, seed_panel):
    page, _queries = page_in(client, "fr", seed_panel)

    assert title_of(page) == (french.PANEL_TITLE, None)
    assert headings(page) == [("Contexte", None), ("Organisation", None)]
    assert notes(page) == []


def test_seed_panel_in_english_shows_its_english_title_and_concept_note(client, seed_panel):
    page, _queries = page_in(client, "en", seed_panel)

    assert title_of(page) == (ENGLISH_TITLE, None)
    assert headings(page) == [("Background", None), ("Organization", None)]
    assert notes(page) == []


def test_seed_panel_in_russian_shows_english_marked_and_says_so_once(client, seed_panel):
    page, _queries = page_in(client, "ru", seed_panel)

    assert title_of(page) == (ENGLISH_TITLE, "en")
    assert headings(page) == [("Background", "en"), ("Organization", "en")]
    bodies = [section.find("div") for section in page.find_all("section", "concept-note")]
    assert [body.attrs.get("lang") for body in bodies] == ["en", "en"]
    assert notes(page) == ["Доступно только на английском языке"]
    assert page.find("html").attrs["lang"] == "ru"


def test_a_value_missing_in_english_falls_back_to_the_next_language_marked_so(client, make_panel):
    panel = make_panel(title="Only English")
    Panel.objects.filter(pk=panel.pk).update(title_en="", title_fr="Seulement en français")

    page, _queries = page_in(client, "ru", panel)

    assert title_of(page) == ("Seulement en français", "fr")


def test_pages_in_other_languages_take_as_many_queries_as_in_english(client, seed_panel):
    counts = {language: page_in(client, language, seed_panel)[1] for language in ("en", "fr")}
    counts["ru"] = page_in(client, "ru", seed_panel)[1]

    assert counts["fr"] == counts["en"] == counts["ru"]


def test_meeting_page_links_its_exports_in_its_language(client, seed_panel):
    page, _queries = page_in(client, "fr", seed_panel.meeting)

    calendar = page.find("p", "calendar-link").find("a").attrs["href"]
    schedule = page.find("p", "schedule-link").find("a").attrs["href"]
    assert (calendar.split("?")[1], schedule.split("?")[1]) == ("lang=fr", "lang=fr")


# ---------------------------------------------------------------------------------------------
# Calendars and schedule.json


def calendar_summaries(client, address):
    response = client.get(address)
    assert response.status_code == 200
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]


def test_calendar_in_the_language_asked_for(client, seed_panel):
    address = reverse("panels:meeting-calendar", kwargs={"slug": seed_panel.meeting.slug})

    assert calendar_summaries(client, address + "?lang=fr") == [french.PANEL_TITLE]
    assert calendar_summaries(client, address) == [ENGLISH_TITLE]


def schedule_events(client, address):
    response = client.get(address)
    assert response.status_code == 200
    days = json.loads(response.content)["schedule"]["conference"]["days"]
    return [
        (event["title"], event["language"], event["slug"])
        for day in days
        for events in day["rooms"].values()
        for event in events
    ]


def test_schedule_json_in_the_language_asked_for_keeps_its_slugs(client, seed_panel):
    address = reverse("panels:meeting-schedule-json", kwargs={"slug": seed_panel.meeting.slug})

    [(title_fr, language_fr, slug_fr)] = schedule_events(client, address + "?lang=fr")
    [(title, language, slug)] = schedule_events(client, address)

    assert (title_fr, language_fr) == (french.PANEL_TITLE, "fr")
    assert (title, language) == (ENGLISH_TITLE, "en")
    assert slug_fr == slug


@pytest.mark.parametrize("asked", ["xx", "english", ""])
def test_an_unknown_export_language_is_refused_in_words(client, seed_panel, asked):
    address = reverse("panels:meeting-schedule-json", kwargs={"slug": seed_panel.meeting.slug})

    response = client.get(address, {"lang": asked})

    assert response.status_code == 400
    assert response.content.decode() == (
        f"Unknown language “{asked}”: give lang as one of ar, zh-hans, en, fr, ru, es."
    )


def unprefixed(address):
    """``address`` (under ``/en/``) as subscriptions were given it, without a prefix."""
    assert address.startswith("/en/")
    return address[len("/en") :]


def test_exports_without_a_prefix_take_the_language_asked_for(client, seed_panel):
    """Calendar and schedule apps subscribed to the addresses without a prefix: ``?lang=``
    works there as under a prefix, and an unknown code is refused there too."""
    slug = seed_panel.meeting.slug
    calendar = unprefixed(reverse("panels:meeting-calendar", kwargs={"slug": slug}))
    schedule = unprefixed(reverse("panels:meeting-schedule-json", kwargs={"slug": slug}))
    panel_calendar = unprefixed(
        reverse("panels:panel-calendar", kwargs={"meeting_slug": slug, "pk": seed_panel.pk})
    )

    assert calendar_summaries(client, calendar + "?lang=fr") == [french.PANEL_TITLE]
    assert calendar_summaries(client, panel_calendar + "?lang=fr") == [french.PANEL_TITLE]
    [(title, language, _slug)] = schedule_events(client, schedule + "?lang=fr")
    assert (title, language) == (french.PANEL_TITLE, "fr")
    assert client.get(schedule, {"lang": "xx"}).status_code == 400


@pytest.mark.parametrize("prefix", ["/fr", ""], ids=["prefixed", "unprefixed"])
def test_exports_name_the_language_of_their_document(client, seed_panel, prefix):
    """``Content-Language`` is the document's: the one asked for with ``?lang=``, else
    schedule.json's own (English), whatever the browser asks for."""
    schedule = prefix + unprefixed(
        reverse("panels:meeting-schedule-json", kwargs={"slug": seed_panel.meeting.slug})
    )

    asked = client.get(schedule, {"lang": "ar"}, HTTP_ACCEPT_LANGUAGE="fr")
    unasked = client.get(schedule, HTTP_ACCEPT_LANGUAGE="ru")

    assert (asked.status_code, asked.headers["Content-Language"]) == (200, "ar")
    assert (unasked.status_code, unasked.headers["Content-Language"]) == (200, "en")


# ---------------------------------------------------------------------------------------------
# Admin


def test_panel_page_has_language_tabs_markup_and_no_outside_script(admin_client, panel):
    response = admin_client.get(admin_url(Panel, "change", panel.pk))
    page = parse(response)

    titles = [
        field.attrs
        for field in page.find_all("input")
        if "data-translated-field" in field.attrs and field.attrs["name"].startswith("title_")
    ]
    assert [(field["name"], field["lang"]) for field in titles] == [
        ("title_ar", "ar"),
        ("title_zh_hans", "zh-hans"),
        ("title_en", "en"),
        ("title_fr", "fr"),
        ("title_ru", "ru"),
        ("title_es", "es"),
    ]
    assert titles[3]["data-language-name"] == "French"
    scripts = [script.attrs["src"] for script in page.find_all("script") if "src" in script.attrs]
    assert "/static/admin/panels/language_tabs.js" in scripts
    assert [src for src in scripts if "//" in src] == []


def test_saving_a_french_title_in_the_admin_keeps_the_english_one(admin_client, panel):
    address = admin_url(Panel, "change", panel.pk)
    data = form_data(admin_client.get(address)) | {"title_fr": "La migration et le Programme 2030"}

    response = admin_client.post(address, data)

    assert response.status_code == 302
    saved = Panel.objects.get(pk=panel.pk)
    assert (saved.title_en, saved.title_fr) == (panel.title, "La migration et le Programme 2030")


def test_history_records_a_change_of_a_translated_field(panel):
    records = panel.history.count()

    panel.title_fr = "Titre en français"
    panel.save()

    newest = panel.history.first()
    assert (panel.history.count(), newest.title_fr, newest.title_en) == (
        records + 1,
        "Titre en français",
        panel.title_en,
    )


# ---------------------------------------------------------------------------------------------
# Migration


BEFORE = [("panels", "0018_person_preferred_language")]
AFTER = [("panels", "0019_content_languages")]


@pytest.fixture
def at_0018(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def test_migration_keeps_each_value_as_the_english_one_and_back(at_0018):
    Meeting = at_0018.get_model("panels", "Meeting")
    meeting = Meeting.objects.create(
        title="Old meeting",
        slug="old",
        start_date=date(2017, 2, 16),
        end_date=date(2017, 2, 17),
        time_zone="America/New_York",
    )
    at_0018.get_model("panels", "HistoricalMeeting").objects.create(
        id=meeting.pk,
        title="Old meeting",
        slug="old",
        start_date=date(2017, 2, 16),
        end_date=date(2017, 2, 17),
        time_zone="America/New_York",
        history_date="2017-01-01T00:00:00Z",
        history_type="+",
    )
    panel = at_0018.get_model("panels", "Panel").objects.create(
        meeting=meeting, title="Old panel", date=date(2017, 2, 16)
    )
    at_0018.get_model("panels", "ConceptNoteSection").objects.create(
        panel=panel, heading="Background", body="Old text."
    )
    at_0018.get_model("panels", "Person").objects.create(
        name="Amina", position="Director", bio="Old bio."
    )

    apps = migrate(AFTER)

    assert list(apps.get_model("panels", "Meeting").objects.values_list("title_en")) == [
        ("Old meeting",)
    ]
    assert list(apps.get_model("panels", "HistoricalMeeting").objects.values_list("title_en")) == [
        ("Old meeting",)
    ]
    assert list(apps.get_model("panels", "Panel").objects.values_list("title_en", "title_fr")) == [
        ("Old panel", None)
    ]
    sections = apps.get_model("panels", "ConceptNoteSection").objects
    assert list(sections.values_list("heading_en", "body_en")) == [("Background", "Old text.")]
    people = apps.get_model("panels", "Person").objects
    assert list(people.values_list("position_en", "bio_en")) == [("Director", "Old bio.")]

    apps.get_model("panels", "Panel").objects.update(title_en="Renamed in English")
    apps = migrate(BEFORE)

    assert list(apps.get_model("panels", "Panel").objects.values_list("title")) == [
        ("Renamed in English",)
    ]


# ---------------------------------------------------------------------------------------------
# The language tabs in a browser


@pytest.fixture
def admin_page(live_server, admin_user):
    """Open an admin path in a headless Chromium, signed in as a superuser."""
    with headless_chromium() as chromium:
        context = chromium.new_context(viewport=DESKTOP)
        sign_in(context, live_server, admin_user)
        page = context.new_page()

        def open_(path):
            assert page.goto(live_server.url + path).status == 200
            return page

        yield open_
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_tabs_switch_with_the_keyboard_and_save_the_language_typed(
    admin_page, full_panel
):
    page = admin_page(admin_url(Panel, "change", full_panel.pk))
    tabs = page.get_by_role("tablist", name="Title").first.get_by_role("tab")

    assert tabs.all_inner_texts() == [
        "Arabic",
        "Simplified Chinese",
        "English",
        "French",
        "Russian",
        "Spanish",
    ]
    english, french_tab = tabs.nth(2), tabs.nth(3)
    assert english.get_attribute("aria-selected") == "true"
    assert (
        page.locator("#id_title_en").is_visible(),
        page.locator("#id_title_fr").is_visible(),
    ) == (
        True,
        False,
    )
    english.focus()
    page.keyboard.press("ArrowRight")
    assert french_tab.get_attribute("aria-selected") == "true"
    assert french_tab.evaluate("tab => tab === document.activeElement")
    assert page.locator("#id_title_fr").is_visible()
    assert not page.locator("#id_title_en").is_visible()
    # The running order's table keeps one visible title column, its languages under tabs.
    headers = page.locator("#segments-group thead th:visible").all_text_contents()
    assert [text for text in headers if text.strip().lower().startswith("title")] == ["Title"]

    page.locator("#id_title_fr").fill("La migration et le Programme 2030")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()

    saved = Panel.objects.get(pk=full_panel.pk)
    assert (saved.title_en, saved.title_fr) == (
        full_panel.title,
        "La migration et le Programme 2030",
    )


# ---------------------------------------------------------------------------------------------
# Spreadsheets


def test_spreadsheets_find_and_give_english_titles_whatever_the_officers_language(full_panel):
    Panel.objects.filter(pk=full_panel.pk).update(title_fr="Titre en français")

    with translation.override("fr"):
        found = look_up_panel(None, full_panel.title, "")
        exported = {row.session for row in programme_rows(full_panel.meeting)}

    assert (found, exported) == (full_panel, {full_panel.title})


def test_answer_page_offers_corrections_of_the_english_details(speaker):
    person = speaker.person
    Person.objects.filter(pk=person.pk).update(position_en="Director", position_fr="Directrice")

    with translation.override("fr"):
        forms = AnswerForms(Panellist.objects.get(pk=speaker.pk))

    assert forms.person["position"].value() == "Director"
