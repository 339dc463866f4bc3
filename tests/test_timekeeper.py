"""The live timekeeper (``panels:panel-timekeeper``): the page and its data, then the countdown
in a real browser.

The browser tests drive Debian's Chromium through Playwright (see ``tests/test_browser.py``)
with Playwright's fake clock, installed at the seed panel's planned start (15:00 in New York on
16 February 2017, 20:00 UTC), so that minutes pass at the test's command.
"""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse, translate_url

from panels.models import Panel, Panellist, Segment
from tests.test_browser import PHONE, axe_report, headless_chromium, run_axe, sign_in
from tests.test_views import parse

SEED_START = datetime(2017, 2, 16, 20, 0, tzinfo=UTC)  # 15:00 in New York


def timekeeper_url(panel):
    return reverse(
        "panels:panel-timekeeper", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
    )


def embedded_json(page, element_id):
    """The value of a ``json_script`` element of a parsed page."""
    (script,) = [node for node in page.find_all("script") if node.attrs.get("id") == element_id]
    return json.loads(script.text)


# The page and its data


def test_timekeeper_embeds_the_seed_running_order(staff_client, seed_panel):
    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    assert embedded_json(page, "timekeeper-plan") == {
        "panel": seed_panel.pk,
        "zone": "America/New_York",
        "start": "2017-02-16T15:00:00-05:00",
        "startClock": "15:00",
        "end": "2017-02-16T16:30:00-05:00",
        "cueMinutes": 2,
        "segments": [
            {
                "title": "Opening remarks",
                "speaker": "Ms. Marta Exemplar",
                "role": "Moderator",
                "minutes": 5,
                "start": "2017-02-16T15:00:00-05:00",
                "clock": "15:00–15:05",
            },
            {
                "title": "Regional and sub-regional dimensions of the global compact",
                "speaker": "Dr. أمينة المثال (Amina Al-Mithal)",
                "role": "Panellist",
                "minutes": 10,
                "start": "2017-02-16T15:05:00-05:00",
                "clock": "15:05–15:15",
            },
            {
                "title": "A human rights perspective in developing the global compact",
                "speaker": "Mr. Jean-Loïc Exemple",
                "role": "Panellist",
                "minutes": 10,
                "start": "2017-02-16T15:15:00-05:00",
                "clock": "15:15–15:25",
            },
            {
                "title": "National human rights institutions in the preparatory process",
                "speaker": "Ms. 李示例 (Li Shili)",
                "role": "Panellist",
                "minutes": 10,
                "start": "2017-02-16T15:25:00-05:00",
                "clock": "15:25–15:35",
            },
            {
                "title": "What regional consultative processes can contribute",
                "speaker": "H.E. Mr. Kwame Sample-Mensah",
                "role": "Panellist",
                "minutes": 10,
                "start": "2017-02-16T15:35:00-05:00",
                "clock": "15:35–15:45",
            },
            {
                "title": "Discussion / Q&A",
                "speaker": "Ms. Marta Exemplar",
                "role": "Moderator",
                "minutes": 40,
                "start": "2017-02-16T15:45:00-05:00",
                "clock": "15:45–16:25",
            },
            {
                "title": "Concluding remarks",
                "speaker": "Ms. Marta Exemplar",
                "role": "Moderator",
                "minutes": 5,
                "start": "2017-02-16T16:25:00-05:00",
                "clock": "16:25–16:30",
            },
        ],
    }


def test_timekeeper_embeds_its_wording_with_placeholders(staff_client, seed_panel):
    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    assert embedded_json(page, "timekeeper-labels") == {
        "over": "Time is up — over by %(overrun)s",
        "behind": "%(minutes)s min behind plan",
        "ahead": "%(minutes)s min ahead of plan",
        "onPlan": "On plan",
        "position": "Segment %(number)s of %(total)s",
        "planned": "Planned %(time)s",
        "shifted": "Started at %(time)s, far from the planned %(planned)s: ahead and behind "
        "are counted from that start.",
        "confirmReset": "Clear the times recorded for this panel on this device and start again?",
    }


def test_timekeeper_shows_the_first_segment_ready_before_the_script_runs(staff_client, seed_panel):
    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    board = page.find("section", "tk-board")
    assert page.find("div", "timekeeper").attrs["data-tk-state"] == "ready"
    assert board.find("h2").text == "Opening remarks"
    assert board.find("p", "tk-speaker").text == "Ms. Marta Exemplar, Moderator"
    assert board.find("p", "tk-planned").text == "Planned 15:00–15:05"
    assert board.find("span", "tk-clock__digits").text == "5:00"
    assert board.find("span", "tk-clock__digits").attrs["role"] == "timer"
    assert board.find("div", "tk-now").attrs["aria-live"] == "polite"
    primary, back = page.find("div", "tk-controls").find_all("button")
    assert (primary.text, primary.attrs["data-label-next"], primary.attrs["data-label-end"]) == (
        "Start the panel",
        "Next segment",
        "End the panel",
    )
    assert (back.text, "hidden" in back.attrs) == ("Back", True)
    assert page.find("p", "tk-next__title").text == (
        "Regional and sub-regional dimensions of the global compact"
    )
    assert [li.text for li in page.find("ol", "tk-order__list").find_all("li")][:2] == [
        "15:00–15:05 Opening remarks (Ms. Marta Exemplar)",
        "15:05–15:15 Regional and sub-regional dimensions of the global compact "
        "(Dr. أمينة المثال (Amina Al-Mithal))",
    ]


def test_timekeeper_names_the_time_zone(staff_client, seed_panel):
    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    assert page.find("p", "tk-when").text == (
        "Thursday 16 February 2017, 15:00–16:30. All times are New York time "
        "(America/New_York, EST, UTC−05:00)."
    )


def test_timekeeper_loads_its_script_from_static_files(staff_client, seed_panel):
    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    sources = [node.attrs["src"] for node in page.find_all("script") if "src" in node.attrs]
    assert sources == [static("js/timekeeper.js")]


def test_timekeeper_leaves_out_speakers_who_no_longer_speak(
    staff_client, make_panel, make_panellist, make_person, make_segment
):
    panel = make_panel()
    gone = make_panellist(
        panel, person=make_person(name="Gone"), status=Panellist.Status.WITHDRAWN
    )
    make_segment(panel, 10, speaker=gone)

    page = parse(staff_client.get(timekeeper_url(panel)))

    (segment,) = embedded_json(page, "timekeeper-plan")["segments"]
    assert (segment["title"], segment["speaker"], segment["role"]) == ("Presentation", "", "")


def test_timekeeper_on_a_clock_change_day_labels_planned_times_with_their_zone(
    staff_client, make_meeting, make_panel, make_segment
):
    meeting = make_meeting(
        time_zone="Europe/Zurich", start_date=date(2026, 3, 29), end_date=date(2026, 3, 29)
    )
    panel = make_panel(meeting, start_time=time(1, 30), end_time=time(4, 0))
    for minutes in (20, 20, 50):
        make_segment(panel, minutes, kind=Segment.Kind.OTHER)

    page = parse(staff_client.get(timekeeper_url(panel)))

    plan = embedded_json(page, "timekeeper-plan")
    assert [(s["start"], s["clock"]) for s in plan["segments"]] == [
        ("2026-03-29T01:30:00+01:00", "01:30 CET–01:50 CET"),
        ("2026-03-29T01:50:00+01:00", "01:50 CET–03:10 CEST"),
        ("2026-03-29T03:10:00+02:00", "03:10 CEST–04:00 CEST"),
    ]


def test_timekeeper_when_clocks_go_back_tells_repeated_times_apart(
    staff_client, make_meeting, make_panel, make_segment
):
    meeting = make_meeting(start_date=date(2026, 11, 1), end_date=date(2026, 11, 1))
    # New York, 1 November 2026: 02:00 EDT becomes 01:00 EST.
    panel = make_panel(meeting, start_time=time(0, 30), end_time=time(3, 0))
    for minutes in (60, 60, 90):
        make_segment(panel, minutes)

    page = parse(staff_client.get(timekeeper_url(panel)))

    plan = embedded_json(page, "timekeeper-plan")
    assert [(s["start"], s["clock"]) for s in plan["segments"]] == [
        ("2026-11-01T00:30:00-04:00", "00:30 EDT–01:30 EDT"),
        ("2026-11-01T01:30:00-04:00", "01:30 EDT–01:30 EST"),
        ("2026-11-01T01:30:00-05:00", "01:30 EST–03:00 EST"),
    ]


def test_timekeeper_without_segments_says_so_and_runs_no_script(staff_client, make_panel):
    panel = make_panel()

    page = parse(staff_client.get(timekeeper_url(panel)))

    assert page.find_all("script") == []
    assert page.find("div", "timekeeper").find_all("p")[-1].text == (
        "This panel has no running order yet, so there is nothing to time."
    )


def test_timekeeper_of_a_cancelled_panel_says_so_and_offers_no_start(staff_client, seed_panel):
    Panel.objects.filter(pk=seed_panel.pk).update(
        status=Panel.Status.CANCELLED, cancelled_at=datetime(2017, 2, 10, 15, 0, tzinfo=UTC)
    )

    page = parse(staff_client.get(timekeeper_url(seed_panel)))

    root = page.find("div", "timekeeper")
    assert root.find("p", "cancelled-notice").text == (
        "This panel was cancelled on Friday 10 February 2017. "
        "It will not take place, so there is nothing to time."
    )
    assert root.find_all("button") == []
    assert page.find_all("script") == []
    assert [a.text for a in root.find("p", "tk-footer").find_all("a")] == [
        "Moderator’s run sheet",
        "Panel page",
    ]


def test_timekeeper_sends_the_public_to_the_admin_sign_in(client, seed_panel):
    url = timekeeper_url(seed_panel)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_timekeeper_refuses_signed_in_users_who_are_not_staff(
    client, django_user_model, seed_panel
):
    client.force_login(django_user_model.objects.create_user("visitor"))

    response = client.get(timekeeper_url(seed_panel))

    assert response.status_code == 403


def test_timekeeper_is_open_to_staff_for_an_unpublished_panel(
    staff_client, make_panel, make_segment
):
    panel = make_panel(is_published=False)
    make_segment(panel, 5, kind=Segment.Kind.OPENING)
    make_segment(panel, 85, kind=Segment.Kind.DISCUSSION)

    response = staff_client.get(timekeeper_url(panel))

    assert response.status_code == 200
    page = parse(response)
    board = page.find("section", "tk-board")
    assert page.find("h1").text == "Timekeeper Test panel"
    assert (board.find("h2").text, board.find("p", "tk-planned").text) == (
        "Opening remarks",
        "Planned 15:00–15:05",
    )


@pytest.mark.parametrize("size", [1, 12])
def test_timekeeper_query_count_is_constant(
    staff_client, make_panel, make_panellist, make_segment, django_assert_num_queries, size
):
    panel = make_panel(start_time=time(9, 0), end_time=time(18, 0))
    for _ in range(size):
        make_segment(panel, 10, speaker=make_panellist(panel))

    # session, user; panel with meeting; segments with speakers
    with django_assert_num_queries(5):
        response = staff_client.get(timekeeper_url(panel))

    assert response.status_code == 200


# In a real browser

STATE = """() => {
    const root = document.querySelector("[data-tk-root]");
    const shown = (selector) => {
        const element = root.querySelector(selector);
        return element && element.checkVisibility() ? element.innerText.trim() : "";
    };
    return {
        state: root.dataset.tkState,
        position: shown("[data-tk=position]"),
        title: shown("[data-tk=title]"),
        clock: shown("[data-tk=clock]"),
        alert: shown(".tk-alert"),
        slip: shown("[data-tk=slip]"),
        next: shown("[data-tk=next-title]"),
        primary: shown("[data-tk=primary]"),
        background: getComputedStyle(root.querySelector(".tk-board")).backgroundColor,
    };
}"""

READY = "rgb(232, 240, 247)"
GREEN = "rgb(15, 81, 50)"
AMBER = "rgb(255, 212, 59)"
RED = "rgb(176, 0, 32)"
SECOND_TITLE = "Regional and sub-regional dimensions of the global compact"
THIRD_TITLE = "A human rights perspective in developing the global compact"


def board(page):
    """What the timekeeper shows: state, texts and the board's colour."""
    return page.evaluate(STATE)


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def open_timekeeper(browser, live_server, seed_panel, staff_user):
    """Open the seed's timekeeper for a member of the secretariat, with Playwright's clock
    paused at ``clock_at`` (the planned start by default):
    ``open_timekeeper(language="en", viewport=PHONE, reduced_motion="reduce")``."""
    contexts = []

    def open_(language="en", viewport=PHONE, reduced_motion="reduce", clock_at=SEED_START):
        context = browser.new_context(viewport=viewport, reduced_motion=reduced_motion)
        contexts.append(context)
        sign_in(context, live_server, staff_user)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        # Installed a little early, then paused at ``clock_at``: from there, time moves only
        # when the test moves it.
        context.clock.install(time=clock_at - timedelta(seconds=5))
        page = context.new_page()
        response = page.goto(live_server.url + translate_url(timekeeper_url(seed_panel), language))
        assert response.status == 200
        page.clock.pause_at(clock_at)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_counts_down_through_the_seed(open_timekeeper, seed_panel):
    page = open_timekeeper()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    ready = board(page)
    page.keyboard.press("s")
    started = board(page)
    page.clock.run_for(1500)
    one_second = board(page)
    page.clock.fast_forward("03:00")
    warning = board(page)
    announced_warning = page.locator("[data-tk=announce]").inner_text()
    page.clock.fast_forward("02:34")
    over = board(page)
    page.get_by_role("button", name="Next segment").click()
    second = board(page)

    assert ready == {
        "state": "ready",
        "position": "Segment 1 of 7",
        "title": "Opening remarks",
        "clock": "5:00",
        "alert": "",
        "slip": "",
        "next": SECOND_TITLE,
        "primary": "Start the panel",
        "background": READY,
    }
    assert (started["state"], started["clock"], started["primary"], started["slip"]) == (
        "running",
        "5:00",
        "Next segment",
        "On plan",
    )
    assert (one_second["clock"], one_second["background"]) == ("4:59", GREEN)
    assert (warning["state"], warning["clock"], warning["alert"], warning["background"]) == (
        "warning",
        "1:59",
        "Under 2 minutes left: time to wrap up",
        AMBER,
    )
    assert announced_warning == "Under 2 minutes left: time to wrap up"
    assert over == {
        "state": "over",
        "position": "Segment 1 of 7",
        "title": "Opening remarks",
        "clock": "−0:35",
        "alert": "Time is up — over by 0:35",
        "slip": "1 min behind plan",
        "next": SECOND_TITLE,
        "primary": "Next segment",
        "background": RED,
    }
    assert second == {
        "state": "running",
        "position": "Segment 2 of 7",
        "title": SECOND_TITLE,
        "clock": "10:00",
        "alert": "",
        "slip": "1 min behind plan",
        "next": THIRD_TITLE,
        "primary": "Next segment",
        "background": GREEN,
    }
    assert failed == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_keeps_working_offline_and_a_reload_resumes(
    open_timekeeper, seed_panel, browser
):
    page = open_timekeeper()
    page.get_by_role("button", name="Start the panel").click()
    page.clock.fast_forward("05:35")
    page.get_by_role("button", name="Next segment").click()

    page.context.set_offline(True)
    page.clock.fast_forward("09:00")
    offline_warning = board(page)
    page.get_by_role("button", name="Next segment").click()
    offline_third = board(page)
    page.clock.fast_forward("00:10")
    offline_counting = board(page)
    page.context.set_offline(False)
    page.reload()
    page.clock.run_for(1000)
    reloaded = board(page)
    stored = page.evaluate(
        f"JSON.parse(localStorage.getItem('panels.timekeeper.{seed_panel.pk}'))"
    )

    assert (offline_warning["state"], offline_warning["clock"]) == ("warning", "1:00")
    # The second segment ended 25 seconds before its planned end, 15:15.
    assert (offline_third["position"], offline_third["clock"], offline_third["slip"]) == (
        "Segment 3 of 7",
        "10:00",
        "On plan",
    )
    assert offline_counting["clock"] == "9:50"
    assert (reloaded["state"], reloaded["position"], reloaded["title"], reloaded["clock"]) == (
        "running",
        "Segment 3 of 7",
        THIRD_TITLE,
        "9:49",
    )
    start_ms = int(SEED_START.timestamp() * 1000)
    assert stored == {
        "version": 1,
        "starts": [start_ms, start_ms + 335_000, start_ms + 875_000],
        "ended": None,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_goes_back_ends_and_clears(open_timekeeper):
    page = open_timekeeper()
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Start the panel").click()
    page.clock.fast_forward("04:00")
    page.get_by_role("button", name="Next segment").click()
    page.clock.fast_forward("00:30")
    page.get_by_role("button", name="Back").click()
    back_to_first = board(page)
    for minutes in (1, 10, 10, 10, 10, 40):
        page.clock.fast_forward(minutes * 60_000)
        page.get_by_role("button", name="Next segment").click()
    last = board(page)
    page.clock.fast_forward("03:20")
    page.get_by_role("button", name="End the panel").click()
    ended = board(page)
    focused = page.evaluate("document.activeElement.innerText")
    page.get_by_role("button", name="Clear the times and start again").click()
    cleared = board(page)

    # Back returns to the opening remarks, still timed from their start 4:30 ago.
    assert (back_to_first["title"], back_to_first["clock"]) == ("Opening remarks", "0:30")
    assert (last["position"], last["primary"], last["next"]) == (
        "Segment 7 of 7",
        "End the panel",
        "",
    )
    # Ended at 16:28:50, a minute ahead of the planned 16:30.
    assert (ended["state"], ended["slip"], ended["primary"], ended["clock"]) == (
        "ended",
        "1 min ahead of plan",
        "",
        "",
    )
    assert focused == "Back"
    assert dialogs == ["Clear the times recorded for this panel on this device and start again?"]
    assert (cleared["state"], cleared["clock"], cleared["primary"]) == (
        "ready",
        "5:00",
        "Start the panel",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_works_from_the_keyboard(open_timekeeper):
    page = open_timekeeper()

    page.keyboard.press("Space")
    after_space = board(page)["state"]
    page.keyboard.press("b")
    after_back = board(page)["state"]
    page.keyboard.press("S")
    page.keyboard.press("s")  # Already started: nothing more.
    after_start = board(page)
    page.clock.fast_forward("00:02")
    page.keyboard.press("Enter")
    after_enter = board(page)["position"]
    page.keyboard.press("Enter")  # A second press within a second is a double tap: ignored.
    after_double = board(page)["position"]
    tabs = 0
    while not page.evaluate("document.activeElement.dataset.tk === 'primary'") and tabs < 20:
        page.keyboard.press("Tab")
        tabs += 1
    outline = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle, parseFloat(style.outlineWidth) >= 2, style.outlineColor];
        }"""
    )
    page.clock.fast_forward("00:02")
    page.keyboard.press("Enter")  # The focused button takes the key itself, once.
    after_button = board(page)["position"]

    assert (after_space, after_back) == ("running", "ready")
    assert (after_start["state"], after_start["position"]) == ("running", "Segment 1 of 7")
    # Reached with Tab, with a visible dark focus ring on the white page.
    assert outline == ["solid", True, "rgb(27, 27, 27)"]
    assert (after_enter, after_double, after_button) == (
        "Segment 2 of 7",
        "Segment 2 of 7",
        "Segment 3 of 7",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timekeeper_started_far_from_the_plan_counts_from_its_start(open_timekeeper):
    page = open_timekeeper(clock_at=datetime(2017, 2, 16, 15, 0, tzinfo=UTC))  # 10:00 there

    page.keyboard.press("s")
    page.clock.fast_forward("07:00")
    late = board(page)
    note = page.locator("[data-tk=shifted]").inner_text()

    assert note == (
        "Started at 10:00, far from the planned 15:00: ahead and behind are counted from "
        "that start."
    )
    assert late["slip"] == "2 min behind plan"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("preference", "animation", "transition"),
    [("no-preference", "tk-pulse", "0.4s, 0.4s"), ("reduce", "none", "0s")],
)
def test_timekeeper_moves_only_when_motion_is_welcome(
    open_timekeeper, preference, animation, transition
):
    page = open_timekeeper(reduced_motion=preference)

    page.keyboard.press("s")
    page.clock.fast_forward("05:01")
    style = page.evaluate(
        """() => {
            const style = getComputedStyle(document.querySelector(".tk-board"));
            return [style.animationName, style.transitionDuration];
        }"""
    )

    assert style == [animation, transition]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_timekeeper_has_no_wcag_violations_in_any_state(open_timekeeper, language):
    page = open_timekeeper(language=language)
    # axe-core waits on timers of its own: let time flow, and jump it forward between states.
    page.clock.resume()
    results = {}

    results["ready"] = run_axe(page)
    page.keyboard.press("s")
    results["running"] = run_axe(page)
    page.clock.fast_forward("03:30")
    results["warning"] = run_axe(page)
    page.clock.fast_forward("02:00")
    results["over"] = run_axe(page)
    for _ in range(7):
        page.clock.fast_forward("00:02")
        page.keyboard.press("Enter")
    results["ended"] = run_axe(page)

    assert board(page)["state"] == "ended"
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("[data-tk=clock]").get_attribute("dir") == "ltr"
    for state, result in results.items():
        assert result.violations_count == 0, f"{state}: {axe_report(result)}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "record",
    [
        '{"version":1,"starts":[],"ended":123}',
        '{"version":1,"starts":[1e300],"ended":null}',
        '{"version":1,"starts":[1e15],"ended":null}',
        '{"version":1,"starts":[START_MS,START_MS_MINUS],"ended":null}',
        "not json",
    ],
    ids=["ended-without-start", "huge", "far-future", "out-of-order", "garbage"],
)
def test_timekeeper_ignores_an_implausible_saved_record(open_timekeeper, seed_panel, record):
    start_ms = int(SEED_START.timestamp() * 1000)
    record = record.replace("START_MS_MINUS", str(start_ms - 60_000)).replace(
        "START_MS", str(start_ms)
    )
    page = open_timekeeper()
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"panels.timekeeper.{seed_panel.pk}", record],
    )
    page.reload()
    page.clock.run_for(1000)

    shown = board(page)
    page.get_by_role("button", name="Start the panel").click()
    page.clock.run_for(1000)

    assert (shown["state"], shown["clock"]) == ("ready", "5:00")
    assert (board(page)["state"], board(page)["clock"]) == ("running", "4:59")
