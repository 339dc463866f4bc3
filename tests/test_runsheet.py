"""The moderator's run sheet (``panels:panel-runsheet``) and the arithmetic it prints.

The seed's panel (``seed_panel``) runs 15:00-16:30 in New York on 16 February 2017: opening
remarks 5 minutes, four presentations of 10, questions and answers 40, concluding remarks 5.
The last tests print it in Chromium and count the pages.
"""

import re
from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse, translate_url

from panels import running_order
from panels.models import Meeting, Panel, Panellist, Segment
from tests.test_browser import DESKTOP, PHONE, axe_report, headless_chromium, run_axe, sign_in
from tests.test_views import parse

NEW_YORK = ZoneInfo("America/New_York")


def runsheet_url(panel):
    return reverse(
        "panels:panel-runsheet", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
    )


def table_rows(page):
    """The run sheet's body rows as lists of cell texts."""
    body = page.find("table", "runsheet__table").find("tbody")
    return [
        [cell.text for cell in row.find_all("th") + row.find_all("td")]
        for row in body.find_all("tr")
    ]


# The arithmetic (panels.running_order)


def timed(start, minutes):
    """A ``TimedSegment`` of ``minutes`` starting at ``start``."""
    (segment,) = running_order.schedule(start, [SimpleNamespace(duration_minutes=minutes)])
    return segment


@pytest.mark.parametrize(
    ("case", "start", "minutes", "cue"),
    [
        ("the seed's opening", datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), 5, "15:03 EST"),
        ("one minute over the cue", datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), 3, "15:01 EST"),
        ("as long as the cue", datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), 2, None),
        ("shorter than the cue", datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), 1, None),
        ("across midnight", datetime(2017, 2, 16, 23, 55, tzinfo=NEW_YORK), 10, "00:03 EST"),
        # New York, 12 March 2017: 02:00 EST becomes 03:00 EDT; the cue counts real minutes.
        ("over a clock change", datetime(2017, 3, 12, 1, 50, tzinfo=NEW_YORK), 20, "03:08 EDT"),
    ],
)
def test_cue_time_is_the_cue_minutes_before_the_end(case, start, minutes, cue):
    at = running_order.cue_time(timed(start, minutes))

    assert (at and f"{at:%H:%M %Z}") == cue


def test_cue_time_takes_other_lengths_of_warning():
    segment = timed(datetime(2017, 2, 16, 15, 0, tzinfo=NEW_YORK), 10)

    assert running_order.cue_time(segment, minutes=5) == datetime(
        2017, 2, 16, 15, 5, tzinfo=NEW_YORK
    )


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0:00"), (5, "0:05"), (15, "0:15"), (60, "1:00"), (90, "1:30"), (1500, "25:00")],
)
def test_hours_and_minutes_writes_a_running_total(minutes, text):
    assert running_order.hours_and_minutes(minutes) == text


def test_hours_and_minutes_refuses_negative_minutes():
    with pytest.raises(ValueError, match="negative"):
        running_order.hours_and_minutes(-1)


# The page


def test_runsheet_of_the_seed_lists_times_totals_speakers_and_cues(staff_client, seed_panel):
    page = parse(staff_client.get(runsheet_url(seed_panel)))

    head = page.find("thead")
    # Phones show abbreviations (narrow-only) instead of the long headings (wide-only).
    assert [(th.find_all("span", "wide-only") or [th])[0].text for th in head.find_all("th")] == [
        "Time",
        "Minutes",
        "Cumulative",
        "Item",
        "Speaker",
        "Cue",
    ]
    assert [(abbr.text, abbr.attrs["title"]) for abbr in head.find_all("abbr")] == [
        ("min", "Minutes"),
        ("cum.", "Cumulative"),
    ]
    assert table_rows(page) == [
        [
            "15:00–15:05",
            "5",
            "0:05",
            "Opening remarks",
            "Ms. Marta Exemplar, Moderator",
            "2 minutes left at 15:03",
        ],
        [
            "15:05–15:15",
            "10",
            "0:15",
            "Regional and sub-regional dimensions of the global compact",
            "Dr. أمينة المثال (Amina Al-Mithal), Panellist",
            "2 minutes left at 15:13",
        ],
        [
            "15:15–15:25",
            "10",
            "0:25",
            "A human rights perspective in developing the global compact",
            "Mr. Jean-Loïc Exemple, Panellist",
            "2 minutes left at 15:23",
        ],
        [
            "15:25–15:35",
            "10",
            "0:35",
            "National human rights institutions in the preparatory process",
            "Ms. 李示例 (Li Shili), Panellist",
            "2 minutes left at 15:33",
        ],
        [
            "15:35–15:45",
            "10",
            "0:45",
            "What regional consultative processes can contribute",
            "H.E. Mr. Kwame Sample-Mensah, Panellist",
            "2 minutes left at 15:43",
        ],
        [
            "15:45–16:25",
            "40",
            "1:25",
            "Discussion / Q&A",
            "Ms. Marta Exemplar, Moderator",
            "2 minutes left at 16:23",
        ],
        [
            "16:25–16:30",
            "5",
            "1:30",
            "Concluding remarks",
            "Ms. Marta Exemplar, Moderator",
            "Wrap up at 16:28",
        ],
    ]
    assert page.find("tfoot").text == "Total 90 of 90 minutes"


def test_runsheet_names_meeting_panel_slot_place_and_time_zone(staff_client, seed_panel):
    page = parse(staff_client.get(runsheet_url(seed_panel)))

    article = page.find("article", "runsheet")
    assert article.find("p", "runsheet__meeting").text == (
        "15th Coordination Meeting on International Migration"
    )
    assert article.find("h1").text == (
        "The global compact on migration: Regional and human rights dimensions"
    )
    facts = article.find("dl", "facts")
    assert [(div.find("dt").text, div.find("dd").text) for div in facts.find_all("div")] == [
        ("Date", "Thursday 16 February 2017"),
        ("Slot", "15:00–16:30"),
        ("Place", "United Nations Headquarters, New York"),
        ("Time zone", "All times are New York time (America/New_York, EST, UTC−05:00)."),
    ]
    assert page.find("title").text == (
        "Run sheet · The global compact on migration: Regional and human rights dimensions"
    )


def test_runsheet_cue_times_carry_their_offset(staff_client, seed_panel):
    page = parse(staff_client.get(runsheet_url(seed_panel)))

    cues = [cell.find("time").attrs["datetime"] for cell in page.find_all("td", "cue")]
    assert cues == [
        "2017-02-16T15:03-05:00",
        "2017-02-16T15:13-05:00",
        "2017-02-16T15:23-05:00",
        "2017-02-16T15:33-05:00",
        "2017-02-16T15:43-05:00",
        "2017-02-16T16:23-05:00",
        "2017-02-16T16:28-05:00",
    ]


def test_runsheet_of_a_clean_panel_has_no_checks(staff_client, seed_panel):
    page = parse(staff_client.get(runsheet_url(seed_panel)))

    assert page.find_all("section", "findings") == []


def test_runsheet_gives_no_cue_for_segments_of_the_cue_length_or_less(
    staff_client, make_panel, make_segment
):
    panel = make_panel(start_time=time(15, 0), end_time=time(15, 10))
    for minutes in (2, 3, 4, 1):
        make_segment(panel, minutes)

    page = parse(staff_client.get(runsheet_url(panel)))

    assert [row[5] for row in table_rows(page)] == [
        "",
        "2 minutes left at 15:03",
        "2 minutes left at 15:07",
        "",
    ]
    assert [row[2] for row in table_rows(page)] == ["0:02", "0:05", "0:09", "0:10"]


def test_runsheet_on_a_clock_change_day_names_the_zone_of_each_cue(
    staff_client, make_meeting, make_panel, make_segment
):
    meeting = make_meeting(
        time_zone="Europe/Zurich", start_date=date(2026, 3, 29), end_date=date(2026, 3, 29)
    )
    # 01:30 to 04:00 on the day the clocks go from 02:00 to 03:00: 90 elapsed minutes.
    panel = make_panel(meeting, start_time=time(1, 30), end_time=time(4, 0))
    for minutes in (20, 20, 50):
        make_segment(panel, minutes)

    page = parse(staff_client.get(runsheet_url(panel)))

    assert [[row[0], row[2], row[5]] for row in table_rows(page)] == [
        ["01:30 CET–01:50 CET", "0:20", "2 minutes left at 01:48 CET"],
        ["01:50 CET–03:10 CEST", "0:40", "2 minutes left at 03:08 CEST"],
        ["03:10 CEST–04:00 CEST", "1:30", "Wrap up at 03:58 CEST"],
    ]


def test_runsheet_lists_the_checks_in_plain_words(
    staff_client, make_panel, make_panellist, make_person, make_segment
):
    panel = make_panel(start_time=time(15, 0), end_time=time(15, 30), is_published=False)
    gone = make_panellist(
        panel, person=make_person(name="Gone Speaker"), status=Panellist.Status.DECLINED
    )
    make_segment(panel, 15, title="Long talk")
    make_segment(panel, 25, kind=Segment.Kind.DISCUSSION, speaker=gone)

    page = parse(staff_client.get(runsheet_url(panel)))

    findings = page.find("section", "findings")
    assert findings.find("h2").text == "Checks"
    assert [li.text for li in findings.find_all("li")] == [
        "Must be fixed: The running order overruns the slot by 10 minutes.",
        "Check: “Long talk” (15:00–15:15) lasts 15 minutes, longer than the 10 minutes a "
        "presentation may last.",
        "Check: “Discussion / Q&A” (15:15–15:40) is given to Gone Speaker, whose status is "
        "“Declined”.",
    ]
    # A speaker who declined is not printed as speaking.
    assert [row[4] for row in table_rows(page)] == ["", ""]
    assert page.find("tfoot").text == "Total 40 of 30 minutes: over by 10 minutes"


def test_runsheet_without_segments_says_so(staff_client, make_panel):
    panel = make_panel()

    page = parse(staff_client.get(runsheet_url(panel)))

    assert page.find_all("table") == []
    assert [p.text for p in page.find("article").find_all("p")] == [
        "Test meeting",
        "Moderator’s run sheet",
        "This panel has no running order yet.",
        "Open the live timekeeper",
    ]


def test_runsheet_links_the_timekeeper_and_the_panel(staff_client, seed_panel):
    page = parse(staff_client.get(runsheet_url(seed_panel)))

    tools = page.find("p", "runsheet__tools")
    assert [(a.attrs["href"], a.text) for a in tools.find_all("a")] == [
        (
            reverse(
                "panels:panel-timekeeper",
                kwargs={"meeting_slug": seed_panel.meeting.slug, "pk": seed_panel.pk},
            ),
            "Open the live timekeeper",
        )
    ]
    crumbs = page.find("nav", "breadcrumbs").find_all("a")
    assert [a.attrs["href"] for a in crumbs] == [
        reverse("panels:meeting-list"),
        seed_panel.meeting.get_absolute_url(),
        seed_panel.get_absolute_url(),
    ]


def cancel_seed(panel):
    """Mark ``panel`` cancelled on 10 February 2017 (in New York), without the service's mail."""
    Panel.objects.filter(pk=panel.pk).update(
        status=Panel.Status.CANCELLED,
        cancelled_at=datetime(2017, 2, 10, 15, 0, tzinfo=ZoneInfo("UTC")),
    )


def test_runsheet_of_a_cancelled_panel_says_so_first_and_offers_no_timekeeper(
    staff_client, seed_panel
):
    cancel_seed(seed_panel)

    page = parse(staff_client.get(runsheet_url(seed_panel)))

    notice = page.find("header", "runsheet__head").find("p")
    assert notice.attrs["class"] == "cancelled-notice"
    assert notice.text == (
        "This panel was cancelled on Friday 10 February 2017. "
        "It will not take place: there is nothing to run or time."
    )
    assert page.find_all("p", "runsheet__tools") == []


# Who may see it


def test_runsheet_sends_the_public_to_the_admin_sign_in(client, seed_panel):
    url = runsheet_url(seed_panel)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_runsheet_refuses_signed_in_users_who_are_not_staff(client, django_user_model, seed_panel):
    client.force_login(django_user_model.objects.create_user("visitor"))

    response = client.get(runsheet_url(seed_panel))

    assert response.status_code == 403
    assert "This page is for the meeting's secretariat." in response.content.decode().replace(
        "&#x27;", "'"
    )


@pytest.mark.parametrize(
    ("meeting_status", "is_published"),
    [(Meeting.Status.PUBLIC, True), (Meeting.Status.PUBLIC, False), (Meeting.Status.DRAFT, False)],
)
def test_runsheet_is_open_to_staff_before_publication(
    staff_client, make_meeting, make_panel, make_segment, meeting_status, is_published
):
    panel = make_panel(make_meeting(status=meeting_status), is_published=is_published)
    make_segment(panel, 5, kind=Segment.Kind.OPENING)
    make_segment(panel, 85, kind=Segment.Kind.DISCUSSION)

    response = staff_client.get(runsheet_url(panel))

    assert response.status_code == 200
    page = parse(response)
    assert page.find("article", "runsheet").find("h1").text == "Test panel"
    assert table_rows(page)[0][:4] == ["15:00–15:05", "5", "0:05", "Opening remarks"]


def test_runsheet_in_the_wrong_meeting_is_404(staff_client, make_meeting, make_panel):
    panel = make_panel()
    other = make_meeting(slug="other-meeting")

    response = staff_client.get(
        reverse("panels:panel-runsheet", kwargs={"meeting_slug": other.slug, "pk": panel.pk})
    )

    assert response.status_code == 404


def test_panel_page_links_the_tools_for_staff(staff_client, seed_panel):
    page = parse(staff_client.get(seed_panel.get_absolute_url()))

    tools = page.find("nav", "staff-tools")
    assert tools.attrs["aria-label"] == "For the secretariat"
    kwargs = {"meeting_slug": seed_panel.meeting.slug, "pk": seed_panel.pk}
    assert [(a.attrs["href"], a.text) for a in tools.find_all("a")] == [
        (reverse("panels:panel-runsheet", kwargs=kwargs), "Moderator’s run sheet"),
        (reverse("panels:panel-timekeeper", kwargs=kwargs), "Live timekeeper"),
    ]


def test_panel_page_of_a_cancelled_panel_links_no_timekeeper(staff_client, seed_panel):
    cancel_seed(seed_panel)

    page = parse(staff_client.get(seed_panel.get_absolute_url()))

    kwargs = {"meeting_slug": seed_panel.meeting.slug, "pk": seed_panel.pk}
    assert [a.attrs["href"] for a in page.find("nav", "staff-tools").find_all("a")] == [
        reverse("panels:panel-runsheet", kwargs=kwargs)
    ]


def test_panel_page_has_no_tools_for_the_public(client, seed_panel):
    page = parse(client.get(seed_panel.get_absolute_url()))

    assert page.find_all("nav", "staff-tools") == []


# Queries: the same for a short and a long running order


@pytest.mark.parametrize("size", [1, 12])
def test_runsheet_query_count_is_constant(
    staff_client,
    make_panel,
    make_panellist,
    make_segment,
    django_assert_num_queries,
    size,
):
    panel = make_panel(start_time=time(9, 0), end_time=time(18, 0))
    make_panel(panel.meeting, title="Same afternoon")
    for _ in range(size):
        make_segment(panel, 10, speaker=make_panellist(panel))

    # session, user; panel with meeting; segments; their speakers; the meeting's panels with
    # their meeting, their panellists and their running orders with speakers (for double
    # bookings)
    with django_assert_num_queries(9):
        response = staff_client.get(runsheet_url(panel))

    assert response.status_code == 200


# Printed, in Chromium

PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def runsheet_page(browser, live_server, seed_panel, staff_user):
    """The seed's run sheet open in Chromium for a member of the secretariat:
    ``runsheet_page(language="en", viewport=DESKTOP)``."""
    contexts = []

    def open_(language="en", viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        sign_in(context, live_server, staff_user)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        response = page.goto(live_server.url + translate_url(runsheet_url(seed_panel), language))
        assert response.status == 200
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("paper", "margin"), [("A4", "10mm"), ("Letter", "0.4in")], ids=["a4", "letter"]
)
def test_runsheet_of_the_seed_prints_on_one_page(runsheet_page, paper, margin):
    page = runsheet_page()

    pdf = page.pdf(format=paper, margin=dict.fromkeys(("top", "right", "bottom", "left"), margin))

    assert len(PDF_PAGE.findall(pdf)) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_runsheet_prints_without_navigation(runsheet_page):
    page = runsheet_page()

    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".skip-link", ".site-header", ".breadcrumbs", ".site-footer", ".screen-only"]
            .map((selector) => getComputedStyle(document.querySelector(selector)).display)"""
    )

    assert hidden == ["none"] * 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_runsheet_has_no_wcag_violations(runsheet_page, language, viewport):
    page = runsheet_page(language=language, viewport=viewport)

    results = run_axe(page)

    assert results.violations_count == 0, axe_report(results)
