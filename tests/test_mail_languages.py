"""Emails and answer pages in the reader's language (issue 13): a person's preferred language
(``Person.preferred_language``) chooses the language of every email to them, with its dates and
the language prefix of its links, and of the page their personal link opens; the secretariat's
answer notices stay in the site's default language. Also: the column of the panellists'
spreadsheet, the person's admin page, the database's rule and the migration.

Until the translators' catalogues for the project's own text land (``locale/``), the language an
email was written in shows in what Django itself translates (weekday and month names), in the
prefix of its links and in its ``Content-Language``. The tests assert no wording the
translators may still change (the order of a date's parts, the project's own sentences) in a
language other than English.
"""

import re
from datetime import UTC, datetime, time

import pytest
from django.conf import settings
from django.core import mail as outbox
from django.db import IntegrityError, transaction
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation

from panels import services
from panels.models import Panel, Panellist, Person, Sending, SiteLanguage
from tests import test_mail
from tests.admin_helpers import admin_url, messages_of, run_action
from tests.conftest import SITE
from tests.test_csv import csv_file, import_file, preview, row_errors
from tests.test_mail import NOW, html_of, invite
from tests.test_migrations import latest, migrate
from tests.test_views import parse

# The panel the emails are about: test_mail's "Regional dimensions" in 2099.
panel = test_mail.panel

pytestmark = pytest.mark.usefixtures("email_site")

BEFORE_LANGUAGES = [("panels", "0017_programme_versions")]
AFTER_LANGUAGES = [("panels", "0018_person_preferred_language")]


@pytest.fixture
def speaking(panel, make_person, make_panellist, make_segment):
    """Make a panellist of ``panel`` who speaks 10 minutes and prefers ``language``."""

    def make(name, language=""):
        person = make_person(
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            preferred_language=language,
        )
        place = make_panellist(panel, person=person)
        make_segment(panel, 10, title=f"Talk by {name}", speaker=place)
        return place

    return make


def words(text):
    """The words of ``text`` (plain text or HTML, whose tags part words too), in lower
    case."""
    return set(re.findall(r"\w+", text.casefold()))


def line_with(text, part):
    """The one line of ``text`` that holds ``part``."""
    [line] = [line for line in text.splitlines() if part in line]
    return line


def link_of(message):
    """The personal link's path in ``message``'s text (one line of its own)."""
    [line] = [line for line in message.body.splitlines() if line.startswith(f"{SITE}/")]
    return line.removeprefix(SITE)


# The site's languages


def test_site_languages_are_the_settings_languages():
    assert SiteLanguage.values == [code for code, _name in settings.LANGUAGES]


def test_a_person_without_a_preferred_language_is_written_to_in_the_sites(make_person):
    assert (make_person().language, make_person(preferred_language="ru").language) == (
        settings.LANGUAGE_CODE,
        "ru",
    )


def test_the_database_refuses_a_language_that_is_not_the_sites(make_person):
    person = make_person()

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(preferred_language="de")


# Invitations and batches


def test_invitation_to_a_spanish_speaker_is_written_in_spanish(speaking, panel):
    ana = speaking("Ana Ejemplo", "es")

    [outcome] = invite(ana)

    assert outcome.error == ""
    [message] = outbox.outbox
    secret_path = link_of(message)
    assert secret_path.startswith("/es/answer/")
    assert "febrero" in words(message.subject)
    assert message.subject.startswith("Le rogamos que responda a más tardar el ")
    assert message.body.startswith("Estimado/a Ana Ejemplo:\n")
    assert message.subject.endswith(": Regional dimensions")
    assert message.extra_headers["Content-Language"] == "es"
    with translation.override("es"):
        panel_url = f"{SITE}{panel.get_absolute_url()}"
    assert panel_url.startswith(f"{SITE}/es/meetings/")
    assert line_with(message.body, panel_url).endswith(f" {panel_url}")
    # The panel's day and the deadline's, in Spanish; the times are the meeting's, and say so.
    assert {"lunes", "sábado", "febrero"} <= words(message.body)
    assert "monday" not in words(message.body)
    assert "(America/New_York, EST, UTC−05:00)" in line_with(message.body, "15:00–16:30")
    assert "(America/New_York, EST, UTC−05:00)" in line_with(message.body, "17:00")
    page = html_of(message)
    assert [a.attrs["href"] for a in page.find_all("a")] == [
        panel_url,
        f"{SITE}{secret_path}",
    ]
    assert {"lunes", "sábado", "febrero"} <= words(message.alternatives[0][0])


def test_bulk_invitation_writes_to_each_in_their_language_and_keeps_the_active_one(speaking):
    ana, bob = speaking("Ana Ejemplo", "es"), speaking("Bob Example")

    with translation.override("fr"):
        outcomes = invite(ana, bob)
        active = translation.get_language()

    assert active == "fr"
    assert [(outcome.panellist, outcome.error) for outcome in outcomes] == [(ana, ""), (bob, "")]
    spanish, english = outbox.outbox
    assert (spanish.to, english.to) == (["ana@example.org"], ["bob@example.org"])
    assert [message.extra_headers["Content-Language"] for message in outbox.outbox] == [
        "es",
        "en",
    ]
    assert link_of(spanish).startswith("/es/answer/")
    assert link_of(english).startswith("/en/answer/")
    assert {"lunes", "febrero"} <= words(spanish.body)
    assert "Date: Monday 16 February 2099\n" in english.body


def test_invitation_to_an_arabic_speaker_is_html_from_right_to_left(speaking):
    layla = speaking("Layla Mithal", "ar")

    invite(layla)

    [message] = outbox.outbox
    root = html_of(message).find("html")
    assert (root.attrs["lang"], root.attrs["dir"]) == ("ar", "rtl")
    assert link_of(message).startswith("/ar/answer/")


def test_invitation_action_writes_in_the_panellists_language_and_answers_the_officer_in_theirs(
    admin_client, speaking
):
    ana, bob = speaking("Ana Ejemplo", "es"), speaking("Bob Example")

    response = run_action(admin_client, Panellist, "send_invitations", [ana, bob])

    assert response.headers["Content-Language"] == "en"
    assert messages_of(response) == ["Sent 2 invitations, each with a new personal link."]
    assert [message.extra_headers["Content-Language"] for message in outbox.outbox] == [
        "es",
        "en",
    ]
    assert translation.get_language() == "en"


def test_reasons_for_not_sending_are_recorded_in_the_callers_language(speaking):
    ana = speaking("Ana Ejemplo", "es")
    Person.objects.filter(pk=ana.person_id).update(email="")

    [outcome] = invite(ana)

    assert outcome.error == "no email address"
    assert Sending.objects.get().error == "no email address"
    assert outbox.outbox == []


def test_reminder_to_a_russian_speaker_is_written_in_russian(speaking):
    olga = speaking("Olga Primerova", "ru")
    invite(olga)
    outbox.outbox.clear()
    Sending.objects.update(sent_at=datetime(2099, 1, 20, tzinfo=UTC))

    result = services.remind([olga], now=NOW)

    assert [outcome.error for outcome in result.outcomes] == [""]
    [message] = outbox.outbox
    assert "14 феврал" in message.subject.casefold()
    assert link_of(message).startswith("/ru/answer/")
    assert "понедельник" in words(message.body)


# Notices


def test_time_change_notice_to_a_french_speaker_is_written_in_french(speaking, panel):
    claire = speaking("Claire Exemple", "fr")
    services.record_answer(claire, Panellist.Status.CONFIRMED)
    Panel.objects.filter(pk=panel.pk).update(start_time=time(16, 0), end_time=time(17, 30))

    with translation.override("en"):
        result = services.notify_time_changes([panel], now=NOW)
        active = translation.get_language()

    assert active == "en"
    assert [(outcome.panellist, outcome.error) for outcome in result.outcomes] == [(claire, "")]
    [message] = outbox.outbox
    assert message.to == ["claire@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert {"lundi", "février"} <= words(message.body)
    assert "(America/New_York, EST, UTC−05:00)" in line_with(message.body, "16:00–17:30")
    assert line_with(message.body, "Talk by Claire Exemple").startswith("- 16:00–16:10: ")


def test_cancellation_notice_is_written_in_the_panellists_language(speaking, panel):
    ana = speaking("Ana Ejemplo", "es")
    services.record_answer(ana, Panellist.Status.CONFIRMED)
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CANCELLED)

    services.notify_cancellations([panel], now=NOW)

    [message] = outbox.outbox
    assert message.extra_headers["Content-Language"] == "es"
    assert {"lunes", "febrero"} <= words(message.body)


def test_answer_notice_to_the_secretariat_stays_in_the_sites_language(
    speaking, django_capture_on_commit_callbacks
):
    ana = speaking("Ana Ejemplo", "es")

    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        services.answer(
            ana, Panellist.Status.CONFIRMED, fingerprint=services.slot_fingerprint(ana)
        )

    [notice] = outbox.outbox
    assert notice.to == ["secretariat@example.org"]
    assert notice.extra_headers["Content-Language"] == settings.LANGUAGE_CODE
    assert "When: Monday 16 February 2099, " in notice.body


# The answer page


@pytest.fixture
def ana_link(speaking):
    """Ana's personal link (unprefixed, as emails gave it before); Ana prefers Spanish."""
    ana = speaking("Ana Ejemplo", "es")
    return ana, services.issue_link(ana)


def test_unprefixed_personal_link_opens_in_the_persons_language(client, ana_link):
    ana, secret = ana_link

    response = client.get(f"/answer/{secret}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es"
    page = parse(response)
    assert page.find("html").attrs["lang"] == "es"
    assert {"lunes", "febrero"} <= words(response.content.decode())
    assert "django_language" not in response.cookies


def test_unprefixed_personal_link_without_a_preference_opens_in_the_browsers_language(
    client, speaking
):
    bob = speaking("Bob Example")
    secret = services.issue_link(bob)

    response = client.get(f"/answer/{secret}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.headers["Content-Language"] == "fr"


def test_answer_page_switcher_keeps_the_address_the_site_is_served_under(client, ana_link):
    ana, secret = ana_link

    # As Django's WSGI handler does for a site served at /panels/ (the test client does not).
    set_script_prefix("/panels/")
    try:
        page = client.get(f"/answer/{secret}/", SCRIPT_NAME="/panels")
    finally:
        clear_script_prefix()

    switcher = parse(page).find("nav", class_="language-switcher").find_all("a")
    assert [a.attrs["href"] for a in switcher] == [
        f"/panels/{code}/answer/{secret}/" for code in SiteLanguage.values
    ]


def test_answer_page_switcher_links_the_page_in_each_language_without_a_cookie(client, ana_link):
    ana, secret = ana_link

    unprefixed = client.get(f"/answer/{secret}/")
    switched = client.get(f"/fr/answer/{secret}/")

    switcher = parse(unprefixed).find("nav", class_="language-switcher").find_all("a")
    assert [(a.attrs["href"], "aria-current" in a.attrs) for a in switcher] == [
        (f"/{code}/answer/{secret}/", code == "es") for code in SiteLanguage.values
    ]
    assert switched.headers["Content-Language"] == "fr"
    assert {"lundi", "février"} <= words(switched.content.decode())
    assert "django_language" not in unprefixed.cookies
    assert "django_language" not in switched.cookies


def test_answer_through_the_unprefixed_link_stays_in_the_persons_language(client, ana_link):
    ana, secret = ana_link
    client.get(f"/answer/{secret}/")

    response = client.post(
        f"/answer/{secret}/",
        {"answer": "confirmed", "fingerprint": services.slot_fingerprint(ana)},
        follow=True,
    )

    assert response.redirect_chain == [(f"/answer/{secret}/", 302)]
    assert response.headers["Content-Language"] == "es"
    ana.refresh_from_db()
    assert ana.status == Panellist.Status.CONFIRMED


# The secretariat's tools


def test_person_admin_page_saves_the_language_with_its_history(admin_client, make_person):
    person = make_person(name="Ana Ejemplo")
    page = admin_client.get(admin_url(Person, "change", person.pk))
    [field] = [
        select
        for select in parse(page).find_all("select")
        if select.attrs.get("name") == "preferred_language"
    ]
    assert [option.attrs["value"] for option in field.find_all("option")] == [
        "",
        *SiteLanguage.values,
    ]

    person.preferred_language = "es"
    person.save()

    assert [record.preferred_language for record in person.history.order_by("history_id")] == [
        "",
        "es",
    ]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Español", "es"),
        ("español", "es"),
        ("Spanish", "es"),
        ("es", "es"),
        ("Espagnol", "es"),
        ("简体中文", "zh-hans"),
        ("ZH-HANS", "zh-hans"),
        ("", ""),
    ],
)
def test_import_reads_the_language_as_code_or_name(admin_client, panel, cell, stored):
    rows = [
        ["Panel ID", "Name", "Email", "Language"],
        [str(panel.pk), "Ana Ejemplo", "ana@example.org", cell],
    ]

    import_file(admin_client, csv_file(rows))

    assert Person.objects.get(email="ana@example.org").preferred_language == stored


def test_import_refuses_a_language_that_is_not_the_sites_with_a_row_error(admin_client, panel):
    rows = [
        ["Panel ID", "Name", "Email", "Language"],
        [str(panel.pk), "Ana Ejemplo", "ana@example.org", "Klingon"],
    ]

    previewed = preview(admin_client, csv_file(rows))

    assert row_errors(previewed) == [
        (
            1,
            {
                "Language": [
                    "“Klingon” is not one of the site's languages. Use one of Arabic (ar), "
                    "Chinese (zh-hans), English (en), French (fr), Russian (ru), Spanish (es), "
                    "or leave it blank for the site's default language."
                ]
            },
        )
    ]
    assert not Person.objects.filter(email="ana@example.org").exists()


# The migration


@pytest.fixture
def at_0017(transactional_db):
    """The database just before people had a language, put back to the latest afterwards."""
    apps = migrate(BEFORE_LANGUAGES)
    yield apps
    migrate(latest())


def test_people_there_before_the_language_get_the_sites_default(at_0017):
    Person = at_0017.get_model("panels", "Person")
    HistoricalPerson = at_0017.get_model("panels", "HistoricalPerson")
    amina = Person.objects.create(name="Amina Example", email="amina@example.org")
    HistoricalPerson.objects.create(
        id=amina.pk,
        name=amina.name,
        history_date=datetime(2026, 12, 1, tzinfo=UTC),
        history_type="+",
    )

    apps = migrate(AFTER_LANGUAGES)

    assert list(
        apps.get_model("panels", "Person").objects.values_list("name", "preferred_language")
    ) == [("Amina Example", "")]
    assert list(
        apps.get_model("panels", "HistoricalPerson").objects.values_list("preferred_language")
    ) == [("",)]
