"""The Content-Security-Policy (django-csp, ``CONTENT_SECURITY_POLICY`` in meeting/settings.py):
its header on every kind of response, pages that need nothing the policy refuses, and the
public pages, the timekeeper and the admin working under it in a real browser.

The browser tests drive Debian's Chromium through Playwright (see ``tests/test_browser.py``)
and record every violation two ways: the page's ``securitypolicyviolation`` events (listened
for by a script Playwright adds before the page's own, which the policy does not govern) and
Chromium's console messages about the policy ("Refused to …").
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse, translate_url

from panels import services, views
from panels.admin.imports import source_hash
from panels.models import Panel, Panellist
from tests.admin_helpers import admin_url
from tests.test_browser import DESKTOP, PHONE, headless_chromium, sign_in
from tests.test_settings import run_manage
from tests.test_views import parse_html

# The policy as the settings give it, directive by directive.
STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# What a script element may hold without being a script: data for the page's script
# (Django's json_script). Browsers never run it, and the policy does not govern it.
DATA_BLOCK_TYPES = {"application/json"}

SEED_START = datetime(2017, 2, 16, 20, 0, tzinfo=UTC)  # 15:00 in New York


def policy_of(response):
    """The response's Content-Security-Policy as {directive: [sources]}; fails when absent."""
    header = response.headers.get("Content-Security-Policy")
    assert header is not None, f"no Content-Security-Policy on {response.status_code}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def inline_code(html):
    """What a page holds that a strict policy refuses: script elements with a body (other than
    JSON data blocks), style elements, style attributes, event-handler attributes and
    ``javascript:`` addresses. Returns a list of short descriptions, empty when clean."""
    found = []
    for node in parse_html(html).iter():
        if node.tag == "script":
            kind = (node.attrs.get("type") or "text/javascript").lower()
            if node._raw_text().strip() and kind not in DATA_BLOCK_TYPES:
                found.append(f"<script> with a body: {node._raw_text().strip()[:60]!r}")
        if node.tag == "style":
            found.append(f"<style>: {node._raw_text().strip()[:60]!r}")
        for name, value in node.attrs.items():
            script_address = (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_address:
                found.append(f"<{node.tag} {name}={value!r}>")
    return found


# ---------------------------------------------------------------------------------------------
# The pages


@pytest.fixture
def pages(seed_panel):
    """Paths of the seed's pages, by name: the public pages, the personal link's answer page,
    the secretariat's run sheet and timekeeper, and the exports."""
    meeting = seed_panel.meeting
    panel_kwargs = {"meeting_slug": meeting.slug, "pk": seed_panel.pk}
    place = seed_panel.panellists.exclude(person=None).first()
    secret = services.issue_link(place)
    return {
        "home": reverse("panels:meeting-list"),
        "programme": reverse("panels:meeting-detail", kwargs={"slug": meeting.slug}),
        "panel": reverse("panels:panel-detail", kwargs=panel_kwargs),
        "changes": reverse("panels:meeting-changes", kwargs={"slug": meeting.slug}),
        "answer": reverse("panels:panellist-answer", kwargs={"secret": secret}),
        "link not valid": reverse("panels:panellist-answer", kwargs={"secret": "x" * 43}),
        "run sheet": reverse("panels:panel-runsheet", kwargs=panel_kwargs),
        "timekeeper": reverse("panels:panel-timekeeper", kwargs=panel_kwargs),
        "meeting calendar": reverse("panels:meeting-calendar", kwargs={"slug": meeting.slug}),
        "schedule.json": reverse("panels:meeting-schedule-json", kwargs={"slug": meeting.slug}),
        "panel calendar": reverse("panels:panel-calendar", kwargs=panel_kwargs),
        "changes feed": reverse("panels:meeting-changes-feed", kwargs={"slug": meeting.slug}),
    }


HTML_PAGES = [
    "home",
    "programme",
    "panel",
    "changes",
    "answer",
    "link not valid",
    "run sheet",
    "timekeeper",
]
EXPORTS = ["meeting calendar", "schedule.json", "panel calendar", "changes feed"]
# The answer page of a link that does not work says so, answered "not found".
STATUS = {"link not valid": 404}


@pytest.mark.parametrize("name", HTML_PAGES + EXPORTS)
def test_policy_is_sent_with_each_page_and_export(admin_client, pages, name):
    response = admin_client.get(pages[name])

    assert (response.status_code, policy_of(response)) == (STATUS.get(name, 200), STRICT_POLICY)


def test_policy_is_sent_with_an_address_that_is_not_found(client, db):
    response = client.get("/en/meetings/no-such-meeting/")

    assert (response.status_code, policy_of(response)) == (404, STRICT_POLICY)


def test_policy_is_sent_with_the_page_of_a_failed_request(client, pages, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("failed")

    monkeypatch.setattr(views.MeetingDetailView, "get_context_data", fail)
    client.raise_request_exception = False

    response = client.get(pages["programme"])

    assert (response.status_code, policy_of(response)) == (500, STRICT_POLICY)


def test_policy_is_sent_with_the_redirect_to_a_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    assert (response.status_code, policy_of(response)) == (302, STRICT_POLICY)


@pytest.mark.parametrize("name", ["index", "panel", "panel list", "panellist"])
def test_policy_is_sent_with_the_admin_pages(admin_client, seed_panel, name):
    place = seed_panel.panellists.first()
    path = {
        "index": reverse("admin:index"),
        "panel": admin_url(Panel, "change", seed_panel.pk),
        "panel list": admin_url(Panel, "changelist"),
        "panellist": admin_url(Panellist, "change", place.pk),
    }[name]

    response = admin_client.get(path)

    assert (response.status_code, policy_of(response)) == (200, STRICT_POLICY)


def test_policy_is_sent_with_a_spreadsheet_export_from_the_admin(admin_client, seed_panel):
    response = admin_client.post(
        admin_url(Panel, "changelist"),
        {"action": "export_panellists", "_selected_action": [seed_panel.pk]},
    )

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (200, "text/csv")
    assert policy_of(response) == STRICT_POLICY


def test_export_page_alone_is_allowed_exactly_the_inline_attributes_of_its_library(
    admin_client, seed_panel
):
    response = admin_client.get(admin_url(Panellist, "export"))
    attributes = {"script-src-attr": set(), "style-src-attr": set()}
    for node in parse_html(response.content.decode()).iter():
        for name, value in node.attrs.items():
            if name == "style":
                attributes["style-src-attr"].add(source_hash(value))
            elif name.startswith("on"):
                attributes["script-src-attr"].add(source_hash(value))

    policy = policy_of(response)

    assert {name: policy[name] for name in STRICT_POLICY} == STRICT_POLICY
    assert {
        name: set(sources) for name, sources in policy.items() if name not in STRICT_POLICY
    } == {name: {"'unsafe-hashes'"} | hashes for name, hashes in attributes.items()}
    assert (len(attributes["script-src-attr"]), len(attributes["style-src-attr"])) == (1, 2)


def test_policy_names_the_report_address_given_in_the_environment():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['report-uri'])",
        DEBUG="1",
        CSP_REPORT_URI="https://reports.example.org/csp",
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "https://reports.example.org/csp\n",
        "",
    )


@pytest.mark.parametrize("name", HTML_PAGES)
def test_page_holds_no_inline_script_or_style(admin_client, pages, seed_panel, make_section, name):
    # A concept note that tries both: the Markdown sanitiser keeps neither.
    make_section(
        seed_panel,
        heading="Attempt",
        body='<span style="color: red" onclick="alert(1)">x</span> [y](javascript:alert(1))',
    )

    response = admin_client.get(pages[name])

    assert response.status_code == STATUS.get(name, 200)
    assert inline_code(response.content.decode()) == []


def test_error_page_holds_no_inline_script_or_style(client, db):
    response = client.get("/en/meetings/no-such-meeting/")

    assert inline_code(response.content.decode()) == []


def test_inline_code_finds_each_kind_it_looks_for():
    html = (
        "<script>alert(1)</script>"
        '<script type="application/json">{"a": 1}</script>'
        '<script src="/static/x.js"></script>'
        "<style>p {}</style>"
        '<p style="color: red" onclick="go()">'
        '<a href="javascript:go()">x</a></p>'
    )

    assert inline_code(html) == [
        "<script> with a body: 'alert(1)'",
        "<style>: 'p {}'",
        "<p style='color: red'>",
        "<p onclick='go()'>",
        "<a href='javascript:go()'>",
    ]


# ---------------------------------------------------------------------------------------------
# In a browser

# Added to every page before its own scripts: keeps each violation the page reports.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"}: ${event.sample}`
  );
});
"""


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def open_watched(browser, live_server):
    """Open a path of the live server in a fresh context that records policy violations:
    ``open_watched(path, signed_in_as=None, viewport=DESKTOP, clock_at=None)`` gives
    ``(page, violations)``, where ``violations()`` lists what the page and the console
    reported so far. ``clock_at`` installs Playwright's clock, paused there."""
    contexts = []

    def open_(path, signed_in_as=None, viewport=DESKTOP, clock_at=None):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        if signed_in_as is not None:
            sign_in(context, live_server, signed_in_as)
        context.add_init_script(RECORD_VIOLATIONS)
        if clock_at is not None:
            context.clock.install(time=clock_at - timedelta(seconds=5))
        console = []
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                console.append(message.text)
                if "Content Security Policy" in message.text or message.text.startswith("Refused")
                else None
            ),
        )
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        if clock_at is not None:
            page.clock.pause_at(clock_at)

        def violations():
            return console + page.evaluate("window.cspViolations")

        return page, violations

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_violations_are_recorded_when_a_page_breaks_the_policy(open_watched, pages):
    page, violations = open_watched(pages["home"])

    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
    )
    page.wait_for_function("window.cspViolations.length > 0")

    console, event = violations()
    assert console.startswith("Applying inline style violates the following Content Security")
    assert event == "style-src-attr refused inline: "


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["home", "programme", "panel", "changes", "answer"])
def test_public_page_runs_with_no_policy_violation(open_watched, pages, name, language):
    page, violations = open_watched(translate_url(pages[name], language), viewport=PHONE)

    assert page.locator("link[rel=stylesheet]").count() == 1
    # The site's stylesheet applied: the skip link sits off screen until focused.
    assert page.locator(".skip-link").evaluate("link => getComputedStyle(link).position") in {
        "absolute",
        "fixed",
    }
    assert violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_answer_page_sends_its_answer_with_no_policy_violation(open_watched, pages):
    page, violations = open_watched(pages["answer"], viewport=PHONE)

    page.get_by_role("button", name="Confirm").first.click()
    page.wait_for_load_state()

    assert violations() == []
    assert page.url.endswith(pages["answer"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_counts_down_with_no_policy_violation(open_watched, pages, staff_user):
    page, violations = open_watched(
        pages["timekeeper"], signed_in_as=staff_user, viewport=PHONE, clock_at=SEED_START
    )
    clock = page.locator("[data-tk=clock]")

    page.get_by_role("button", name="Start the panel").click()
    page.clock.run_for(61_000)
    after_a_minute = clock.inner_text()
    page.get_by_role("button", name="Next segment").click()
    second = (page.locator("[data-tk=position]").inner_text(), clock.inner_text())

    assert after_a_minute == "3:59"
    assert second == ("Segment 2 of 7", "10:00")
    assert violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_run_sheet_has_no_policy_violation(open_watched, pages, staff_user):
    page, violations = open_watched(pages["run sheet"], signed_in_as=staff_user)

    assert violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_panel_page_tabs_and_buttons_work_with_no_policy_violation(
    open_watched, seed_panel, admin_user
):
    page, violations = open_watched(
        admin_url(Panel, "change", seed_panel.pk), signed_in_as=admin_user
    )
    tabs = page.get_by_role("tablist", name="Title").first.get_by_role("tab")
    rows = page.locator("#segments-group tbody tr.form-row:not(.empty-form)")
    first_row = rows.first.locator("td.original input[name$='-id']").input_value()

    tabs.get_by_text("French").click()
    french_shown = page.locator("#id_title_fr").is_visible()
    rows.first.get_by_role("button", name="Move down").click()
    moved = rows.nth(1).locator("td.original input[name$='-id']").input_value()
    # The panel page's own stylesheet applied: the move buttons sit side by side.
    buttons_display = page.locator(".move-buttons").first.evaluate(
        "buttons => getComputedStyle(buttons).display"
    )

    assert (french_shown, page.locator("#id_title_en").is_visible()) == (True, False)
    assert moved == first_row
    assert page.get_by_role("status").filter(has_text="Moved").inner_text() == (
        "Moved to position 2 of 7."
    )
    assert buttons_display == "inline-flex"
    assert violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name", ["index", "panel list", "meeting", "panellist", "person", "panellist export"]
)
def test_admin_page_has_no_policy_violation(open_watched, seed_panel, admin_user, name):
    place = seed_panel.panellists.exclude(person=None).first()
    path = {
        "index": reverse("admin:index"),
        "panel list": admin_url(Panel, "changelist"),
        "meeting": reverse("admin:panels_meeting_change", args=[seed_panel.meeting_id]),
        "panellist": admin_url(Panellist, "change", place.pk),
        "person": reverse("admin:panels_person_change", args=[place.person_id]),
        "panellist export": admin_url(Panellist, "export"),
    }[name]

    page, violations = open_watched(path, signed_in_as=admin_user)

    assert violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_export_page_select_all_works_with_no_policy_violation(
    open_watched, seed_panel, admin_user
):
    page, violations = open_watched(admin_url(Panellist, "export"), signed_in_as=admin_user)
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')

    page.locator("input.select-toggle").uncheck()
    unticked = [box.is_checked() for box in fields.all()]

    assert unticked and not any(unticked)
    assert violations() == []
