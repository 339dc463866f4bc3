"""The public pages in a real browser: accessibility (axe-core), keyboard use, small screens.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright; no browser is downloaded.
Without Chromium the tests are skipped, except in CI (``CI`` set), where they fail.
Run only these with ``pytest -m browser``; leave them out with ``-m "not browser"``.
"""

import os
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect, sync_playwright

from panels import services, views
from panels.models import Meeting, Panellist, PanellistDisplay, ProgrammeVersion, Segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 360, "height": 740}


@contextmanager
def headless_chromium():
    """Launch a headless Chromium; for a module-scoped ``browser`` fixture.

    Skips the test when ``/usr/bin/chromium`` is missing, or fails it in CI. Playwright's sync
    API runs an event loop in this thread, which makes Django refuse database calls from it
    (``SynchronousOnlyOperation``); the tests make such calls only to create their data, so the
    check is lifted while the browser runs and restored after.
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (Debian package 'chromium')"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for this module's tests (``headless_chromium``)."""
    with headless_chromium() as chromium:
        yield chromium


def sign_in(context, live_server, user):
    """Give a Playwright browser ``context`` a signed-in session of ``user`` on the live
    server, without going through the sign-in form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def open_page(browser, live_server):
    """Open a path of the live server:
    ``open_page(path, language="en", viewport=DESKTOP, signed_in_as=None)``.

    Each call gets a fresh browser context with the language cookie set, signed in as the
    user given; all are closed at the end of the test.
    """
    contexts = []

    def open_(path, language="en", viewport=DESKTOP, signed_in_as=None):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        if signed_in_as is not None:
            sign_in(context, live_server, signed_in_as)
        page = context.new_page()
        response = page.goto(live_server.url + translate_url(path, language))
        assert response.status == 200, f"{path}: HTTP {response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def programme(make_meeting, make_panel, make_person, make_panellist, make_segment, make_section):
    """A public meeting with one panel shaped like the seed: paths of its four pages (the
    changes page lists the versions recorded as each row was saved)."""
    meeting = make_meeting(
        title="15th Coordination Meeting on International Migration",
        venue="United Nations Headquarters, New York",
        start_date=date(2017, 2, 16),
        end_date=date(2017, 2, 17),
    )
    panel = make_panel(
        meeting,
        title="The global compact on migration: Regional and human rights dimensions",
        start_time=time(15, 0),
        end_time=time(16, 30),
    )
    make_section(
        panel,
        heading="Background",
        body=(
            "The New York Declaration for Refugees and Migrants (A/71/1) affirms that both "
            "refugees and migrants have the same universal human rights. See also the "
            "[campaign](https://refugeesmigrants.un.org/together)."
        ),
    )
    make_section(
        panel,
        heading="Organization",
        body="1. Introductory remarks.\n2. Presentations (max. 10 minutes).\n3. Q and A.",
    )
    people = [
        ("Ms.", "Marta Exemplar", Panellist.Role.MODERATOR),
        ("Dr.", "أمينة المثال (Amina Al-Mithal)", Panellist.Role.PANELLIST),
        ("Mr.", "Jean-Loïc Exemple", Panellist.Role.PANELLIST),
        ("Ms.", "李示例 (Li Shili)", Panellist.Role.PANELLIST),
        ("H.E. Mr.", "Kwame Sample-Mensah", Panellist.Role.PANELLIST),
    ]
    places = [
        make_panellist(
            panel,
            person=make_person(
                honorific=honorific,
                name=name,
                position="Director, Social Development Division (example)",
                organisation="Example Regional Economic Commission",
            ),
            role=role,
            presentation_title="" if role == Panellist.Role.MODERATOR else f"Talk by {name}",
        )
        for honorific, name, role in people
    ]
    moderator, *speakers = places
    make_segment(
        panel,
        5,
        kind=Segment.Kind.OPENING,
        title="Introductory remarks and introduction of the panellists",
        speaker=moderator,
    )
    for place in speakers:
        make_segment(panel, 10, title=place.presentation_title, speaker=place)
    make_segment(panel, 40, kind=Segment.Kind.DISCUSSION, speaker=moderator)
    make_segment(panel, 5, kind=Segment.Kind.CONCLUDING, speaker=moderator)
    return {
        "home": "/",
        "meeting": meeting.get_absolute_url(),
        "panel": panel.get_absolute_url(),
        "changes": reverse("panels:meeting-changes", kwargs={"slug": meeting.slug}),
    }


@pytest.fixture
def real_programme(db):
    """The invented two-day programme (``panels.demo.programme``): paths of its programme, a
    session of untimed agenda items and a working group with shared items."""
    from panels.demo.programme import load_programme_demo

    demo, _ = load_programme_demo()
    sessions = {panel.title: panel for panel in demo.meeting.panels.all()}
    return {
        "programme": demo.meeting.get_absolute_url(),
        "agenda": sessions["Opening plenary"].get_absolute_url(),
        "working group": sessions["Working group A: census and surveys"].get_absolute_url(),
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["programme", "agenda", "working group"])
def test_real_programme_pages_have_no_wcag_violations(
    open_page, real_programme, name, language, viewport
):
    page = open_page(real_programme[name], language=language, viewport=viewport)

    results = run_axe(page)

    assert results.violations_count == 0, axe_report(results)


def test_parallel_sessions_sit_side_by_side_on_a_wide_screen_and_stack_on_a_phone(
    open_page, real_programme
):
    def lefts(page):
        return page.eval_on_selector_all(
            ".panel-list--parallel > li", "items => items.map(i => i.getBoundingClientRect().left)"
        )

    wide = lefts(open_page(real_programme["programme"], viewport=DESKTOP))
    narrow = lefts(open_page(real_programme["programme"], viewport=PHONE))

    assert len(wide) == 2 and wide[0] != wide[1]
    assert len(narrow) == 2 and narrow[0] == narrow[1]


def run_axe(page):
    """Run axe-core on the page as it stands, for WCAG 2.2 A and AA; returns its results."""
    return Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )


def axe_report(results):
    """The violations, one block each: rule, impact, help and the offending elements."""
    lines = [f"{results.violations_count} accessibility violation(s):"]
    for violation in results.response["violations"]:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"       {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["home", "meeting", "panel", "changes"])
def test_page_has_no_wcag_violations(open_page, programme, name, language, viewport):
    page = open_page(programme[name], language=language, viewport=viewport)

    results = run_axe(page)

    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert results.violations_count == 0, axe_report(results)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_changes_page_with_pagination_has_no_wcag_violations(
    open_page, programme, language, viewport
):
    meeting = Meeting.objects.get()
    latest = meeting.programme_versions.order_by("-number").first()
    ProgrammeVersion.objects.bulk_create(
        ProgrammeVersion(meeting=meeting, number=number, snapshot=latest.snapshot)
        for number in range(latest.number + 1, latest.number + 45)
    )
    page = open_page(programme["changes"] + "?page=2", language=language, viewport=viewport)

    results = run_axe(page)

    with translation.override(language):
        name = gettext("Pages of versions")
    expect(page.get_by_role("navigation", name=name)).to_be_visible()
    assert results.violations_count == 0, axe_report(results)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["meeting", "panel", "changes"])
def test_pages_of_a_meeting_whose_zone_is_not_valid_have_no_wcag_violations(
    open_page, programme, name, language
):
    Meeting.objects.update(time_zone="Europe/Atlantis")
    page = open_page(programme[name], language=language, viewport=PHONE)

    results = run_axe(page)

    expect(page.locator(".zone-unverified-notice")).to_be_visible()
    assert results.violations_count == 0, axe_report(results)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("error", [OperationalError, RuntimeError], ids=["503", "500"])
def test_error_pages_have_no_wcag_violations(
    browser, live_server, programme, monkeypatch, error, language
):
    def fail(*args, **kwargs):
        raise error("failed")

    monkeypatch.setattr(views.MeetingDetailView, "get_context_data", fail)
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": language})
    page = context.new_page()

    response = page.goto(live_server.url + translate_url(programme["meeting"], language))

    results = run_axe(page)
    context.close()
    assert response.status == (503 if error is OperationalError else 500)
    assert results.violations_count == 0, axe_report(results)


@pytest.fixture
def answer_page(make_meeting, make_panel, make_person, make_panellist, make_segment):
    """The path of a panellist's answer page (their personal link), on a panel in 2099."""
    meeting = make_meeting(
        title="99th Coordination Meeting on International Migration",
        venue="United Nations Headquarters, New York",
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
    )
    panel = make_panel(meeting, title="The global compact on migration")
    place = make_panellist(
        panel,
        person=make_person(
            honorific="Dr.",
            name="أمينة المثال (Amina Al-Mithal)",
            position="Director",
            organisation="Example Regional Economic Commission",
            bio="Works on migration statistics.",
        ),
        presentation_title="Regional reviews",
    )
    make_segment(panel, 10, title="Regional reviews", speaker=place)
    return reverse("panels:panellist-answer", kwargs={"secret": services.issue_link(place)})


def send_with_an_error(page):
    """Confirm on the answer page with an invisible control character in the note: the page
    comes back with the error summary and the note marked."""
    page.locator("#id_note").fill("Two\u202emore")
    page.locator("button[value=confirmed]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("with_error", [False, True], ids=["as-shown", "with-error"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_answer_page_has_no_wcag_violations_on_a_phone(
    open_page, answer_page, language, with_error
):
    page = open_page(answer_page, language=language, viewport=PHONE)
    if with_error:
        send_with_an_error(page)
        expect(page.locator(".field--error")).to_have_count(1)

    results = run_axe(page)

    assert results.violations_count == 0, axe_report(results)


def test_answer_page_fields_are_labelled_and_described_in_a_browser(open_page, answer_page):
    page = open_page(answer_page, viewport=PHONE)
    send_with_an_error(page)

    expect(page.get_by_role("alert")).to_have_text(
        "Your answer has not been recorded: please correct the field marked below."
    )
    note = page.get_by_label("A note for the secretariat (optional)")
    expect(note).to_have_value("Two\u202emore")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(
        "For example travel, interpretation or accessibility needs. This text contains an "
        "invisible control character; please retype it without copying it from elsewhere."
    )
    expect(page.get_by_label("Title of your presentation")).to_have_accessible_description(
        "Leave blank if you are not presenting."
    )
    for label in ["Your position", "Your organisation", "Your short bio"]:
        expect(page.get_by_label(label)).to_be_editable()
    expect(page.get_by_role("button", name="Confirm: I will take part")).to_be_visible()
    expect(page.get_by_role("button", name="Decline: I cannot take part")).to_be_visible()


# The page's own forms must pass Django's CSRF check in a real browser: a strict referrer
# policy (no-referrer) makes Chromium send "Origin: null", which Django refuses.


def test_panellist_confirms_in_a_browser(open_page, answer_page):
    page = open_page(answer_page, viewport=PHONE)

    page.get_by_role("button", name="Confirm: I will take part").click()
    page.wait_for_load_state()

    assert page.get_by_text("Thank you: your participation is confirmed.").is_visible()
    assert Panellist.objects.get().status == Panellist.Status.CONFIRMED


def test_panellist_declines_with_a_reason_in_a_browser(open_page, answer_page):
    page = open_page(answer_page, viewport=PHONE)

    page.get_by_label("If you decline: why? (optional)").fill("Travelling that week.")
    page.get_by_role("button", name="Decline: I cannot take part").click()
    page.wait_for_load_state()

    place = Panellist.objects.get()
    assert page.get_by_text("Thank you: we have recorded that you cannot take part.").is_visible()
    assert (place.status, place.decline_reason) == (
        Panellist.Status.DECLINED,
        "Travelling that week.",
    )


def test_language_switcher_works_on_the_answer_page(open_page, answer_page):
    page = open_page(answer_page)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربيّة").click()
    page.wait_for_load_state()

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.url.endswith(answer_page.replace("/en/", "/ar/"))


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(open_page, programme):
    page = open_page(programme["panel"])

    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const element = document.activeElement;
            const box = element.getBoundingClientRect();
            const style = getComputedStyle(element);
            return {
                className: element.className,
                visible: box.top >= 0 && box.bottom <= innerHeight && box.height >= 24,
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )
    page.keyboard.press("Enter")
    after_enter = page.evaluate("document.activeElement.id")
    page.keyboard.press("Tab")
    next_inside_main = page.evaluate(
        "document.getElementById('main').contains(document.activeElement)"
    )

    assert focused == {"className": "skip-link", "visible": True, "outline": True}
    assert after_enter == "main"
    assert page.url.endswith("#main")
    assert next_inside_main is True


@pytest.mark.parametrize("language", ["en", "ar"])
def test_running_order_fits_a_360px_screen(open_page, programme, language):
    page = open_page(programme["panel"], language=language, viewport=NARROWEST)

    sizes = page.evaluate(
        """() => {
            const table = document.querySelector("table.running-order");
            const box = table.getBoundingClientRect();
            return {
                pageScrolls: document.documentElement.scrollWidth > innerWidth,
                tableOverflows: table.scrollWidth > table.clientWidth,
                tableInside: box.left >= 0 && box.right <= innerWidth,
            };
        }"""
    )

    assert sizes == {"pageScrolls": False, "tableOverflows": False, "tableInside": True}


def test_running_order_keeps_each_time_range_on_one_line_on_wide_screens(open_page, seed_panel):
    # The seed's long titles squeeze the time column.
    page = open_page(seed_panel.get_absolute_url(), viewport=DESKTOP)

    lines = page.evaluate(
        """() => [...document.querySelectorAll(".running-order tbody .time-range")]
            .map((range) => new Set([...range.getClientRects()].map((box) => box.top)).size)"""
    )

    assert lines == [1] * 7


def test_language_switcher_turns_the_page_right_to_left(open_page, programme):
    page = open_page(programme["meeting"])

    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربيّة").click()
    page.wait_for_load_state()

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    assert page.url.endswith(programme["meeting"].replace("/en/", "/ar/"))


def test_print_hides_navigation_and_writes_out_document_links(open_page, programme):
    page = open_page(programme["panel"])

    page.emulate_media(media="print")
    printed = page.evaluate(
        """() => ({
            hidden: [".skip-link", ".site-nav", ".language-switcher", ".breadcrumbs"].map(
                (selector) => getComputedStyle(document.querySelector(selector)).display
            ),
            after: getComputedStyle(
                document.querySelector(".concept-note a[href^='https://undocs.org']"), "::after"
            ).content,
            rows: getComputedStyle(document.querySelector(".running-order tbody tr"))
                .breakInside,
        })"""
    )

    assert printed == {
        "hidden": ["none"] * 4,
        "after": '" (https://undocs.org/A/71/1)"',
        "rows": "avoid",
    }


@pytest.fixture
def open_admin_page(browser, live_server, admin_user):
    """Open an admin path signed in as a superuser: ``open_admin_page(path)``."""
    contexts = []

    def open_(path, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        sign_in(context, live_server, admin_user)
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()


def admin_pages_of(real_programme):
    """The admin pages the secretariat works in, for the demo programme."""
    from panels.models import Meeting

    meeting = Meeting.objects.get(slug="demo-regional-review")
    session = meeting.panels.get(title="Working group A: census and surveys")
    # A participant who declined, with items to give away and a correction to decide on.
    speaker = Segment.objects.filter(panel=session, speaking__panellist__person__isnull=False)
    place = speaker.first().speaking.first().panellist
    Panellist.objects.filter(pk=place.pk).update(status=Panellist.Status.DECLINED)
    services.propose_changes(place, {"position": "Chief statistician"})
    # A change of each, so that their History pages show values before and after.
    place.person.bio = "Leads the census office."
    place.person.save()
    session.panellist_display = (
        PanellistDisplay.CONFIRMED
        if session.panellist_display == PanellistDisplay.EVERYONE
        else PanellistDisplay.EVERYONE
    )
    session.save()
    # A change of an item, so that the session's History page puts a row back too.
    item = speaker.first()
    item.title = f"{item.display_title} (revised)"
    item.save()
    return {
        "meeting": reverse("admin:panels_meeting_change", args=[meeting.pk]),
        "session": reverse("admin:panels_panel_change", args=[session.pk]),
        "sessions": reverse("admin:panels_panel_changelist"),
        "meetings": reverse("admin:panels_meeting_changelist"),
        "person": reverse("admin:panels_person_change", args=[place.person_id]),
        "participant": reverse("admin:panels_panellist_change", args=[place.pk]),
        "their items": reverse("admin:panels_panellist_give_items", args=[place.pk]),
        "person history": reverse("admin:panels_person_history", args=[place.person_id]),
        "session history": reverse("admin:panels_panel_history", args=[session.pk]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "meeting",
        "session",
        "sessions",
        "meetings",
        "person",
        "participant",
        "their items",
        "person history",
        "session history",
    ],
)
def test_admin_pages_have_no_wcag_violations_but_the_known_ones(
    open_admin_page, real_programme, name
):
    page = open_admin_page(admin_pages_of(real_programme)[name])

    results = run_axe(page)

    # Known and left: the person search box that Django's autocomplete (select2) draws has no
    # name of its own (aria-input-field-name).
    left = [v for v in results.response["violations"] if v["id"] != "aria-input-field-name"]
    assert left == [], axe_report(results)


def test_bulk_send_page_updates_itself_while_it_runs(
    open_admin_page, make_meeting, make_panel, make_person, make_panellist, monkeypatch
):
    from types import SimpleNamespace

    from panels.models import BulkSend, RecipientState
    from panels.services import bulk_sends

    # No worker takes the task: the test moves the bulk send on itself.
    monkeypatch.setattr(bulk_sends, "send_bulk", SimpleNamespace(delay=lambda pk: None))
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    panel = make_panel(meeting, title="Regional dimensions")
    places = [
        make_panellist(panel, person=make_person(name=name, email=f"{name[:4]}@example.org"))
        for name in ["Amina Example", "Jorge Example"]
    ]
    [bulk_send] = services.start_bulk_sends(BulkSend.Kind.INVITATION, places).bulk_sends
    page = open_admin_page(reverse("admin:panels_bulksend_change", args=[bulk_send.pk]))
    summary = page.locator("#bulk-send-summary")
    expect(summary).to_have_text("Sending: 0 of 2 emails done, 2 to go.")
    expect(summary).to_have_attribute("aria-live", "polite")
    assert run_axe(page).response["violations"] == []

    bulk_send.recipients.filter(panellist=places[0]).update(
        state=RecipientState.FAILED, address="amin@example.org", error="mailbox full"
    )
    bulk_send.recipients.filter(panellist=places[1]).update(state=RecipientState.SENT)

    expect(summary).to_have_text("Finished: 1 of 2 invitations sent.", timeout=20_000)
    expect(page.locator('[data-count="failed"]')).to_have_text("1")
    expect(page.locator("#bulk-send-failures tbody tr")).to_have_text(
        ["Amina Example Regional dimensions amin@example.org mailbox full"],
        use_inner_text=True,
    )
