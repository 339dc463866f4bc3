"""Which panellists the public sees: ``Panel.panellist_display``.

With ``EVERYONE`` a panellist who has not confirmed appears, marked "to be confirmed"; with
``CONFIRMED`` only those who confirmed appear. Declined and withdrawn panellists never appear.
The rule holds wherever the public sees people: the panel page's speakers and running order,
and the meeting's programme. The staff run sheet keeps everyone still on the programme.
"""

import pytest
from django.urls import translate_url

from panels.models import Panel, Panellist, Segment
from tests.test_browser import DESKTOP, PHONE, axe_report, headless_chromium, run_axe
from tests.test_runsheet import runsheet_url, table_rows
from tests.test_views import build_meeting, parse, running_order_rows

EVERYONE = Panel.Display.EVERYONE
CONFIRMED = Panel.Display.CONFIRMED
# Names that never appear on a public page, whatever the panel's choice.
GONE = ["Declined Person", "Withdrawn Person"]


@pytest.fixture
def make_mixed_panel(make_meeting, make_panel, make_panellist, make_person, make_segment):
    """Create a panel 15:00-15:40 with one panellist in each state and a segment each:
    ``make_mixed_panel(display, meeting=None, title="Mixed panel")``.

    In order: "Confirmed Person" (moderator, confirmed), "Invited Person" (not answered),
    "Declined Person" and "Withdrawn Person". Segment titles name no one, so that a name on a
    page can only come from the people shown.
    """

    def make(display, meeting=None, title="Mixed panel"):
        panel = make_panel(meeting or make_meeting(), title=title, panellist_display=display)
        people = [
            ("Confirmed Person", Panellist.Role.MODERATOR, Panellist.Status.CONFIRMED, "First"),
            ("Invited Person", Panellist.Role.PANELLIST, Panellist.Status.INVITED, "Second"),
            ("Declined Person", Panellist.Role.PANELLIST, Panellist.Status.DECLINED, "Third"),
            ("Withdrawn Person", Panellist.Role.PANELLIST, Panellist.Status.WITHDRAWN, "Fourth"),
        ]
        for name, role, status, item in people:
            place = make_panellist(
                panel,
                person=make_person(name=name, organisation="Example Organisation"),
                role=role,
                status=status,
                presentation_title=f"{item} talk",
            )
            make_segment(panel, 10, title=f"{item} talk", speaker=place)
        return panel

    return make


def speakers(page):
    """The panel page's Speakers list as the text of each entry."""
    return [li.text for li in page.find("ul", "people").find_all("li", "person")]


def programme_people(page):
    """The meeting page's programme: for each panel, its title and the text of each person."""
    return [
        (
            item.find("h4").text,
            [li.text for ul in item.find_all("ul", "people-inline") for li in ul.find_all("li")],
        )
        for item in page.find_all("li", "panel-item")
    ]


def markers(page):
    """Every "to be confirmed" marker of the page, as (text, the name it follows)."""
    found = []
    for marker in page.find_all("span", "to-be-confirmed"):
        siblings = [child for child in marker.parent.children if not isinstance(child, str)]
        names = [child.text for child in siblings if child.tag == "bdi"]
        found.append((marker.text, names))
    return found


# Everyone, marked "to be confirmed" until they confirm


def test_panel_page_showing_everyone_marks_who_has_not_confirmed(client, make_mixed_panel):
    panel = make_mixed_panel(EVERYONE)

    page = parse(client.get(panel.get_absolute_url()))

    assert speakers(page) == [
        "Confirmed Person (Moderator) Example Organisation Presentation: “First talk”",
        "Invited Person (Panellist) to be confirmed Example Organisation "
        "Presentation: “Second talk”",
    ]
    assert running_order_rows(page) == [
        ["15:00–15:10", "10", "First talk", "Confirmed Person"],
        ["15:10–15:20", "10", "Second talk", "Invited Person to be confirmed"],
        ["15:20–15:30", "10", "Third talk", "To be announced"],
        ["15:30–15:40", "10", "Fourth talk", "To be announced"],
    ]
    # One marker in the speakers list, one in the running order, each after the name it
    # concerns and outside the name's <bdi> (so that it follows the page's direction).
    assert markers(page) == [
        ("to be confirmed", ["Invited Person"]),
        ("to be confirmed", ["Invited Person"]),
    ]


def test_meeting_programme_showing_everyone_marks_who_has_not_confirmed(client, make_mixed_panel):
    panel = make_mixed_panel(EVERYONE)

    page = parse(client.get(panel.meeting.get_absolute_url()))

    assert programme_people(page) == [
        (
            "Mixed panel",
            ["Confirmed Person, Moderator", "Invited Person, Panellist to be confirmed"],
        )
    ]
    assert markers(page) == [("to be confirmed", ["Invited Person"])]


# Only those who confirmed


def test_panel_page_showing_confirmed_only_leaves_out_who_has_not_confirmed(
    client, make_mixed_panel
):
    panel = make_mixed_panel(CONFIRMED)

    response = client.get(panel.get_absolute_url())

    page = parse(response)
    assert speakers(page) == [
        "Confirmed Person (Moderator) Example Organisation Presentation: “First talk”"
    ]
    # The segment stays, with its title; only the name goes. Items whose speaker declined or
    # withdrew wait for someone to be announced.
    assert running_order_rows(page) == [
        ["15:00–15:10", "10", "First talk", "Confirmed Person"],
        ["15:10–15:20", "10", "Second talk", ""],
        ["15:20–15:30", "10", "Third talk", "To be announced"],
        ["15:30–15:40", "10", "Fourth talk", "To be announced"],
    ]
    content = response.content.decode()
    assert [name for name in ["Invited Person", "to be confirmed"] if name in content] == []


def test_meeting_programme_showing_confirmed_only_leaves_out_who_has_not_confirmed(
    client, make_mixed_panel
):
    panel = make_mixed_panel(CONFIRMED)

    response = client.get(panel.meeting.get_absolute_url())

    assert programme_people(parse(response)) == [("Mixed panel", ["Confirmed Person, Moderator"])]
    content = response.content.decode()
    assert [name for name in ["Invited Person", "to be confirmed"] if name in content] == []


def test_panel_page_showing_confirmed_only_before_anyone_confirms_has_no_speakers(
    client, make_panel, make_panellist, make_person, make_segment
):
    panel = make_panel(panellist_display=CONFIRMED)
    place = make_panellist(panel, person=make_person(name="Invited Person"))
    make_segment(panel, 10, kind=Segment.Kind.OPENING, speaker=place)

    page = parse(client.get(panel.get_absolute_url()))

    assert [h2.text for h2 in page.find_all("h2")] == ["Running order"]
    assert running_order_rows(page) == [["15:00–15:10", "10", "Opening remarks", ""]]


def test_each_panel_of_a_programme_follows_its_own_choice(client, make_meeting, make_mixed_panel):
    meeting = make_meeting()
    make_mixed_panel(EVERYONE, meeting=meeting, title="Showing everyone")
    make_mixed_panel(CONFIRMED, meeting=meeting, title="Showing the confirmed")

    page = parse(client.get(meeting.get_absolute_url()))

    assert programme_people(page) == [
        (
            "Showing everyone",
            ["Confirmed Person, Moderator", "Invited Person, Panellist to be confirmed"],
        ),
        ("Showing the confirmed", ["Confirmed Person, Moderator"]),
    ]


# Declined and withdrawn: never


@pytest.mark.parametrize("display", [EVERYONE, CONFIRMED])
def test_public_pages_never_show_who_declined_or_withdrew(client, make_mixed_panel, display):
    panel = make_mixed_panel(display)

    pages = {
        "panel": client.get(panel.get_absolute_url()).content.decode(),
        "meeting": client.get(panel.meeting.get_absolute_url()).content.decode(),
    }

    assert {page: [name for name in GONE if name in html] for page, html in pages.items()} == {
        "panel": [],
        "meeting": [],
    }
    # The confirmed person is there, on both pages.
    assert ["Confirmed Person" in html for html in pages.values()] == [True, True]


@pytest.mark.parametrize("display", [EVERYONE, CONFIRMED])
def test_staff_preview_of_the_panel_page_shows_what_the_public_sees(
    client, staff_client, make_mixed_panel, display
):
    panel = make_mixed_panel(display)

    public = parse(client.get(panel.get_absolute_url()))
    staff = parse(staff_client.get(panel.get_absolute_url()))

    assert (speakers(staff), running_order_rows(staff)) == (
        speakers(public),
        running_order_rows(public),
    )


# The secretariat's run sheet is not the public's


def test_runsheet_lists_who_has_not_confirmed_even_when_the_public_sees_only_the_confirmed(
    staff_client, make_mixed_panel
):
    panel = make_mixed_panel(CONFIRMED)

    page = parse(staff_client.get(runsheet_url(panel)))

    assert [row[3:5] for row in table_rows(page)] == [
        ["First talk", "Confirmed Person, Moderator"],
        ["Second talk", "Invited Person, Panellist"],
        ["Third talk", ""],
        ["Fourth talk", ""],
    ]


# Queries: reading each panellist's panel costs nothing


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("display", [EVERYONE, CONFIRMED])
@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # meeting; its concept note; its documents; panels with meeting and room; panellists
        # with person; segments; their speakers with person and panel
        ("meeting", 7),
        # panel with meeting and room; sections; documents; panellists with person;
        # segments; their speakers with person and panel
        ("panel", 6),
    ],
)
def test_public_pages_query_count_is_constant_whatever_the_choice(
    client,
    make_meeting,
    make_panel,
    make_panellist,
    make_segment,
    make_section,
    django_assert_num_queries,
    size,
    display,
    page,
    queries,
):
    meeting, panels = build_meeting(
        make_meeting, make_panel, make_panellist, make_segment, make_section, size
    )
    Panel.objects.filter(meeting=meeting).update(panellist_display=display)
    # Every other panellist confirmed, so that both branches of ``is_public`` run.
    for place in Panellist.objects.filter(panel__meeting=meeting)[::2]:
        place.status = Panellist.Status.CONFIRMED
        place.save(update_fields=["status"])
    url = meeting.get_absolute_url() if page == "meeting" else panels[-1].get_absolute_url()

    with django_assert_num_queries(queries):
        response = client.get(url)

    places = Panellist.objects.filter(panel__in=panels if page == "meeting" else panels[-1:])
    if display == CONFIRMED:
        places = places.filter(status=Panellist.Status.CONFIRMED)
    names = [bdi.text for bdi in parse(response).find_all("bdi", "person-name")]
    assert names == [place.person.display_name for place in places]


# In a browser: print, right to left, accessibility


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def marked_panel_page(browser, live_server, make_mixed_panel):
    """A panel page showing everyone, open in Chromium: ``marked_panel_page(language,
    viewport)``."""
    panel = make_mixed_panel(EVERYONE)
    contexts = []

    def open_(language="en", viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        response = page.goto(live_server.url + translate_url(panel.get_absolute_url(), language))
        assert response.status == 200
        return page

    yield open_
    for context in contexts:
        context.close()


MARKER_BOXES = """() => [...document.querySelectorAll(".to-be-confirmed")].map((marker) => {
    const name = marker.parentElement.querySelector("bdi").getBoundingClientRect();
    const box = marker.getBoundingClientRect();
    const style = getComputedStyle(marker);
    return {
        visible: box.width > 0 && style.display !== "none" && style.visibility !== "hidden",
        border: style.borderInlineStartStyle,
        color: style.color,
        afterName: document.dir === "rtl" ? box.right <= name.left : box.left >= name.right,
    };
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_marker_follows_the_name_in_the_page_direction(marked_panel_page, language):
    page = marked_panel_page(language=language)

    boxes = page.evaluate(MARKER_BOXES)

    marker = {"visible": True, "border": "solid", "color": "rgb(59, 44, 0)", "afterName": True}
    assert boxes == [marker, marker]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_marker_prints_in_black_with_its_border(marked_panel_page):
    page = marked_panel_page()

    page.emulate_media(media="print")
    boxes = page.evaluate(MARKER_BOXES)

    marker = {"visible": True, "border": "solid", "color": "rgb(0, 0, 0)", "afterName": True}
    assert boxes == [marker, marker]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_panel_page_with_markers_has_no_wcag_violations(marked_panel_page, language, viewport):
    page = marked_panel_page(language=language, viewport=viewport)

    results = run_axe(page)

    assert results.violations_count == 0, axe_report(results)
