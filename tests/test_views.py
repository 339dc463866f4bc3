"""The public pages: home, a meeting's programme and a panel.

Pages are parsed with a small HTML tree builder (``parse``) so that assertions compare whole
values (the rows of the running order, the headings in order) rather than searching for
substrings.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from panels import services
from panels.models import Meeting, Panel, Panellist, Segment, anywhere_on_earth_today
from panels.running_order import zone_day
from panels.wording import zone_label_html

# HTML elements that have no end tag.
VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass
class Node:
    """An element of a parsed page: its tag, attributes and children (nodes or strings)."""

    tag: str
    attrs: dict
    parent: "Node | None" = field(default=None, repr=False, compare=False)
    children: list = field(default_factory=list)

    @property
    def text(self):
        """The element's text with runs of whitespace collapsed to one space."""
        return " ".join(self._raw_text().split())

    def _raw_text(self):
        return "".join(c if isinstance(c, str) else c._raw_text() for c in self.children)

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag, class_=None):
        """Every element inside with this tag (and this class, when given)."""
        return [
            node
            for node in self.iter()
            if node.tag == tag
            and (class_ is None or class_ in (node.attrs.get("class") or "").split())
        ]

    def find(self, tag, class_=None):
        """The first element that ``find_all`` would give; fails the test when there is none."""
        found = self.find_all(tag, class_)
        assert found, f"no <{tag} class={class_!r}> in the page"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html):
    """Parse HTML (a str) into a ``Node`` tree."""
    builder = _TreeBuilder()
    builder.feed(str(html))
    builder.close()
    return builder.root


def parse(response):
    """Parse a response's HTML into a ``Node`` tree."""
    return parse_html(response.content.decode(response.charset))


def running_order_rows(page):
    """The running order's body rows as lists of cell texts."""
    table = page.find("table", "running-order")
    body = table.find("tbody")
    return [
        [cell.text for cell in row.children if isinstance(cell, Node)]
        for row in body.find_all("tr")
    ]


def headings(page):
    """Every h1-h6 of the page as (tag, text), in document order."""
    return [
        (node.tag, node.text)
        for node in page.iter()
        if node.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
    ]


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff member (who may preview drafts)."""
    user = django_user_model.objects.create_user("secretariat", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def running_order_panel(make_panel, make_panellist, make_person, make_segment, make_section):
    """A panel 15:00-16:30 in New York on 16 February 2017, shaped like the seed, whose
    panellists have all confirmed (so that no "to be confirmed" marker shows)."""
    panel = make_panel(title="The global compact on migration")
    make_section(panel, heading="Background", body="The New York Declaration (A/71/1).")
    make_section(panel, heading="Organization", body="1. Remarks.\n2. Presentations.")
    moderator = make_panellist(
        panel,
        person=make_person(
            honorific="Ms.",
            name="Marta Exemplar",
            position="Chief",
            organisation="Population Division",
            email="marta@example.org",
        ),
        role=Panellist.Role.MODERATOR,
        status=Panellist.Status.CONFIRMED,
    )
    speakers = [
        make_panellist(
            panel,
            person=make_person(name=f"Speaker {n}", email=f"speaker{n}@example.org"),
            presentation_title=f"Talk {n}",
            status=Panellist.Status.CONFIRMED,
        )
        for n in range(1, 5)
    ]
    make_segment(panel, 10, kind=Segment.Kind.OPENING, speaker=moderator)
    for speaker in speakers:
        make_segment(panel, 10, title=speaker.presentation_title, speaker=speaker)
    make_segment(panel, 30, kind=Segment.Kind.DISCUSSION, speaker=moderator)
    make_segment(panel, 10, kind=Segment.Kind.CONCLUDING, speaker=moderator)
    return panel


# Home page


def test_meeting_list_splits_upcoming_and_past_meetings(client, make_meeting):
    today = anywhere_on_earth_today()
    make_meeting(
        title="Next meeting",
        venue="Palais des Nations, Geneva",
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=31),
    )
    make_meeting(
        title="Old meeting",
        venue="United Nations Headquarters, New York",
        start_date=date(2017, 2, 16),
        end_date=date(2017, 2, 17),
    )

    page = parse(client.get(reverse("panels:meeting-list")))

    upcoming, past = page.find_all("ul", "meeting-list")
    assert [item.find("h3").text for item in upcoming.find_all("li")] == ["Next meeting"]
    assert [item.text for item in past.find_all("li")] == [
        "Old meeting Thursday 16 February 2017 to Friday 17 February 2017 "
        "United Nations Headquarters, New York"
    ]
    assert headings(page) == [
        ("h1", "Meetings"),
        ("h2", "Upcoming meetings"),
        ("h3", "Next meeting"),
        ("h2", "Past meetings"),
        ("h3", "Old meeting"),
    ]


def test_meeting_list_without_meetings_says_so(client, db):
    page = parse(client.get(reverse("panels:meeting-list")))

    assert [p.text for p in page.find("main").find_all("p")] == [
        "No upcoming meetings have been announced.",
        "No past meetings.",
    ]


def test_meeting_list_hides_drafts_from_the_public(client, make_meeting):
    make_meeting(title="Secret draft", status=Meeting.Status.DRAFT)

    response = client.get(reverse("panels:meeting-list"))

    assert "Secret draft" not in response.content.decode()


def test_meeting_list_shows_drafts_to_staff_marked_as_such(staff_client, make_meeting):
    make_meeting(title="Secret draft", status=Meeting.Status.DRAFT)

    page = parse(staff_client.get(reverse("panels:meeting-list")))

    (item,) = page.find_all("li", "meeting-item")
    assert item.find("h3").text == "Secret draft"
    assert item.find("p", "badge").text == "Draft: not public"


# Base template


def test_base_template_is_right_to_left_in_arabic(client, db):
    with translation.override("ar"):
        address = reverse("panels:meeting-list")

    page = parse(client.get(address))

    assert address == "/ar/"
    assert page.find("html").attrs == {"lang": "ar", "dir": "rtl"}


def test_the_switcher_links_the_same_page_in_each_language_named_in_itself(
    client, settings, panel
):
    address = panel.get_absolute_url() + "?print=1"

    page = parse(client.get(address))

    switcher = page.find("nav", "language-switcher")
    links = switcher.find_all("a")
    assert [(link.attrs["hreflang"], link.attrs["href"], link.text) for link in links] == [
        ("ar", address.replace("/en/", "/ar/"), "العربيّة"),
        ("zh-hans", address.replace("/en/", "/zh-hans/"), "简体中文"),
        ("en", address, "English"),
        ("fr", address.replace("/en/", "/fr/"), "français"),
        ("ru", address.replace("/en/", "/ru/"), "Русский"),
        ("es", address.replace("/en/", "/es/"), "español"),
    ]
    assert [link.attrs["lang"] for link in links] == [code for code, _ in settings.LANGUAGES]
    assert [link.attrs.get("aria-current") for link in links] == [
        None,
        None,
        "page",
        None,
        None,
        None,
    ]
    assert page.find_all("form") == []


def test_every_page_names_its_alternates_in_the_other_languages(client, panel):
    page = parse(client.get(panel.get_absolute_url()))

    alternates = {
        link.attrs["hreflang"]: link.attrs["href"]
        for link in page.find_all("link")
        if link.attrs.get("rel") == "alternate" and "hreflang" in link.attrs
    }
    assert alternates["fr"] == "http://testserver" + panel.get_absolute_url().replace(
        "/en/", "/fr/"
    )
    assert len(alternates) == 6


def test_language_links_follow_the_address_the_site_is_served_under(client, panel):
    address = panel.get_absolute_url()
    client.get(address)  # the links of this page, remembered

    # As Django's WSGI handler does for a site served at /panels/ (the test client does not).
    set_script_prefix("/panels/")
    try:
        page = parse(client.get(address, SCRIPT_NAME="/panels"))
    finally:
        clear_script_prefix()

    links = page.find("nav", "language-switcher").find_all("a")
    hrefs = {link.attrs["hreflang"]: link.attrs["href"] for link in links}
    assert hrefs["fr"] == "/panels" + address.replace("/en/", "/fr/")


@pytest.mark.parametrize("name", ["home", "programme", "panel page"])
def test_an_anonymous_public_page_sets_no_cookie(client, panel, name):
    address = {
        "home": reverse("panels:meeting-list"),
        "programme": panel.meeting.get_absolute_url(),
        "panel page": panel.get_absolute_url(),
    }[name]

    response = client.get(address)

    assert response.status_code == 200
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize(
    ("accepted", "expected"), [("fr-CH, fr;q=0.9, en;q=0.8", "/fr/"), ("ar", "/ar/"), ("", "/en/")]
)
def test_an_old_address_goes_to_the_page_in_the_browsers_language(
    client, panel, accepted, expected
):
    old = "/" + panel.get_absolute_url().removeprefix("/en/")

    response = client.get(old, HTTP_ACCEPT_LANGUAGE=accepted)

    assert response.status_code == 302
    assert response.headers["Location"] == expected + old.removeprefix("/")


def test_exports_and_personal_links_keep_their_addresses_without_a_language(
    client, panel, moderator
):
    meeting = panel.meeting
    Panel.objects.filter(pk=panel.pk).update(answer_deadline=datetime(2099, 1, 1, tzinfo=UTC))
    secret = services.issue_link(moderator)
    old = [
        f"/meetings/{meeting.slug}/calendar.ics",
        f"/meetings/{meeting.slug}/schedule.json",
        f"/meetings/{meeting.slug}/panels/{panel.pk}/calendar.ics",
        f"/meetings/{meeting.slug}/changes.atom",
        f"/answer/{secret}/",
    ]

    assert [client.get(address).status_code for address in old] == [200] * len(old)


def test_base_template_skip_link_is_first_and_targets_main(client, db):
    page = parse(client.get(reverse("panels:meeting-list")))

    first_link = page.find("a")
    assert (first_link.attrs["href"], first_link.text) == ("#main", "Skip to main content")
    assert page.find("main").attrs["id"] == "main"


def test_base_template_has_no_admin_link_for_the_public(client, db):
    nav = parse(client.get(reverse("panels:meeting-list"))).find("nav")

    assert [(a.attrs["href"], a.text) for a in nav.find_all("a")] == [
        (reverse("panels:meeting-list"), "Meetings")
    ]


def test_base_template_links_admin_for_staff(staff_client):
    nav = parse(staff_client.get(reverse("panels:meeting-list"))).find("nav")

    assert [(a.attrs["href"], a.text) for a in nav.find_all("a")] == [
        (reverse("panels:meeting-list"), "Meetings"),
        (reverse("admin:index"), "Administration"),
    ]


def test_unknown_address_renders_the_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert parse(response).find("h1").text == "Page not found"


# Meeting page


def test_meeting_detail_groups_panels_by_day_in_time_order(client, make_meeting, make_panel):
    meeting = make_meeting(title="CM15", start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    make_panel(
        meeting,
        title="Friday panel",
        date=date(2017, 2, 17),
        start_time=time(10, 0),
        end_time=time(11, 0),
    )
    make_panel(meeting, title="Afternoon", start_time=time(15, 0), end_time=time(16, 30))
    make_panel(
        meeting,
        title="Morning",
        start_time=time(10, 0),
        end_time=time(11, 30),
        room="Conference Room 1",
    )

    page = parse(client.get(meeting.get_absolute_url()))

    assert headings(page) == [
        ("h1", "CM15"),
        ("h2", "Programme"),
        ("h3", "Thursday 16 February 2017"),
        ("h4", "Morning"),
        ("h4", "Afternoon"),
        ("h3", "Friday 17 February 2017"),
        ("h4", "Friday panel"),
    ]
    assert [p.text for p in page.find_all("p", "panel-item__when")] == [
        "10:00–11:30, Conference Room 1",
        "15:00–16:30, Conference Room 4",
        "10:00–11:00, Conference Room 4",
    ]


def test_meeting_detail_names_the_zone_of_each_day(client, make_meeting, make_panel):
    meeting = make_meeting(
        time_zone="Europe/Zurich", start_date=date(2026, 3, 28), end_date=date(2026, 3, 29)
    )
    make_panel(meeting, date=date(2026, 3, 28), start_time=time(10), end_time=time(11))
    make_panel(meeting, date=date(2026, 3, 29), start_time=time(10), end_time=time(11))

    page = parse(client.get(meeting.get_absolute_url()))

    assert [p.text for p in page.find_all("p", "zone-note")] == [
        "All times are Zurich time (Europe/Zurich, CET, UTC+01:00).",
        "All times are Zurich time (Europe/Zurich, CET, UTC+01:00 until 02:00, "
        "then CEST, UTC+02:00 from 03:00).",
    ]


def test_meeting_detail_lists_people_with_honorific_and_role(
    client, make_panel, make_panellist, make_person
):
    panel = make_panel()
    make_panellist(
        panel,
        person=make_person(honorific="H.E. Ms.", name="Amina Example"),
        role=Panellist.Role.MODERATOR,
        status=Panellist.Status.CONFIRMED,
    )
    make_panellist(panel, person=make_person(name="Li Shili"), status=Panellist.Status.CONFIRMED)

    page = parse(client.get(panel.meeting.get_absolute_url()))

    assert [li.text for li in page.find("ul", "people-inline").find_all("li")] == [
        "H.E. Ms. Amina Example, Moderator",
        "Li Shili, Panellist",
    ]


def test_meeting_detail_links_each_panel(client, make_panel):
    panel = make_panel(title="Linked panel")

    page = parse(client.get(panel.meeting.get_absolute_url()))

    link = page.find("li", "panel-item").find("h4").find("a")
    assert (link.attrs["href"], link.text) == (panel.get_absolute_url(), "Linked panel")


def test_meeting_detail_hides_unpublished_panels_from_the_public(client, make_panel):
    panel = make_panel(title="Published")
    make_panel(panel.meeting, title="Not yet", is_published=False)

    page = parse(client.get(panel.meeting.get_absolute_url()))

    assert [h4.text for h4 in page.find_all("h4")] == ["Published"]


def test_meeting_detail_shows_unpublished_panels_to_staff_marked(staff_client, make_panel):
    panel = make_panel(title="Not yet", is_published=False)

    page = parse(staff_client.get(panel.meeting.get_absolute_url()))

    item = page.find("li", "panel-item")
    assert (item.find("h4").text, item.find("p", "badge").text) == (
        "Not yet",
        "Unpublished: not public",
    )


def test_meeting_detail_of_draft_is_404_for_the_public(client, make_meeting):
    meeting = make_meeting(status=Meeting.Status.DRAFT)

    response = client.get(meeting.get_absolute_url())

    assert response.status_code == 404


def test_meeting_detail_of_draft_is_a_preview_for_staff(staff_client, make_meeting):
    meeting = make_meeting(title="Draft meeting", status=Meeting.Status.DRAFT)

    page = parse(staff_client.get(meeting.get_absolute_url()))

    notice = page.find("p", "preview-notice")
    assert notice.find("strong").text == "Preview: not public"
    assert page.find("h1").text == "Draft meeting"


# Panel page


def test_panel_detail_shows_title_meeting_date_time_and_place(client, running_order_panel):
    panel = running_order_panel

    page = parse(client.get(panel.get_absolute_url()))

    assert page.find("h1").text == "The global compact on migration"
    facts = page.find("dl", "facts")
    assert [(div.find("dt").text, div.find("dd").text) for div in facts.find_all("div")] == [
        ("Meeting", "Test meeting"),
        ("Date", "Thursday 16 February 2017"),
        (
            "Time",
            "15:00–16:30 All times are New York time (America/New_York, EST, UTC−05:00).",
        ),
        ("Place", "Conference Room 4, Test venue"),
    ]


def test_panel_detail_shows_concept_note_sections_as_h2(client, running_order_panel):
    page = parse(client.get(running_order_panel.get_absolute_url()))

    assert headings(page) == [
        ("h1", "The global compact on migration"),
        ("h2", "Background"),
        ("h2", "Organization"),
        ("h2", "Speakers"),
        ("h2", "Running order"),
    ]
    sections = page.find_all("section", "concept-note")
    assert [section.find("p").text for section in sections[:1]] == [
        "The New York Declaration (A/71/1)."
    ]
    assert [li.text for li in sections[1].find_all("li")] == ["Remarks.", "Presentations."]


def test_panel_detail_links_un_documents(client, running_order_panel):
    page = parse(client.get(running_order_panel.get_absolute_url()))

    links = page.find("section", "concept-note").find_all("a")
    assert [(a.attrs["href"], a.text) for a in links] == [("https://undocs.org/A/71/1", "A/71/1")]


def test_panel_detail_running_order_has_clock_times(client, running_order_panel):
    page = parse(client.get(running_order_panel.get_absolute_url()))

    assert running_order_rows(page) == [
        ["15:00–15:10", "10", "Opening remarks", "Ms. Marta Exemplar"],
        ["15:10–15:20", "10", "Talk 1", "Speaker 1"],
        ["15:20–15:30", "10", "Talk 2", "Speaker 2"],
        ["15:30–15:40", "10", "Talk 3", "Speaker 3"],
        ["15:40–15:50", "10", "Talk 4", "Speaker 4"],
        ["15:50–16:20", "30", "Discussion / Q&A", "Ms. Marta Exemplar"],
        ["16:20–16:30", "10", "Concluding remarks", "Ms. Marta Exemplar"],
    ]


def test_panel_detail_running_order_names_its_time_zone(client, running_order_panel):
    page = parse(client.get(running_order_panel.get_absolute_url()))

    table = page.find("table", "running-order")
    assert table.find("caption").text == (
        "Running order. All times are New York time (America/New_York, EST, UTC−05:00)."
    )
    assert [th.attrs.get("scope") for th in table.find("thead").find_all("th")] == ["col"] * 4
    assert table.find("tfoot").text == "Total 90 minutes"


def test_panel_detail_running_order_times_carry_their_offset(client, running_order_panel):
    page = parse(client.get(running_order_panel.get_absolute_url()))

    times = page.find("table", "running-order").find("tbody").find_all("time")
    assert [(t.attrs["datetime"], t.text) for t in times[:2]] == [
        ("2017-02-16T15:00-05:00", "15:00"),
        ("2017-02-16T15:10-05:00", "15:10"),
    ]


def test_panel_detail_summer_date_uses_summer_offset(client, make_meeting, make_panel):
    meeting = make_meeting(start_date=date(2017, 6, 1), end_date=date(2017, 6, 1))
    panel = make_panel(meeting)

    page = parse(client.get(panel.get_absolute_url()))

    assert page.find("span", "zone-note").text == (
        "All times are New York time (America/New_York, EDT, UTC−04:00)."
    )


def test_panel_detail_times_ignore_the_server_time_zone(client, running_order_panel, settings):
    settings.TIME_ZONE = "Asia/Tokyo"

    page = parse(client.get(running_order_panel.get_absolute_url()))

    assert running_order_rows(page)[0][0] == "15:00–15:10"


def test_panel_detail_on_dst_change_day_labels_local_times(
    client, make_meeting, make_panel, make_segment
):
    meeting = make_meeting(
        time_zone="Europe/Zurich", start_date=date(2026, 3, 29), end_date=date(2026, 3, 29)
    )
    # 01:30 to 04:00 on the day the clocks go from 02:00 to 03:00: 90 elapsed minutes.
    panel = make_panel(meeting, start_time=time(1, 30), end_time=time(4, 0))
    for minutes in (20, 20, 50):
        make_segment(panel, minutes)

    page = parse(client.get(panel.get_absolute_url()))

    assert [row[:2] for row in running_order_rows(page)] == [
        ["01:30 CET–01:50 CET", "20"],
        ["01:50 CET–03:10 CEST", "20"],
        ["03:10 CEST–04:00 CEST", "50"],
    ]
    times = page.find("tbody").find_all("time")
    assert [t.attrs["datetime"] for t in times] == [
        "2026-03-29T01:30+01:00",
        "2026-03-29T01:50+01:00",
        "2026-03-29T01:50+01:00",
        "2026-03-29T03:10+02:00",
        "2026-03-29T03:10+02:00",
        "2026-03-29T04:00+02:00",
    ]
    assert page.find("caption").text == (
        "Running order. All times are Zurich time (Europe/Zurich, CET, UTC+01:00 until 02:00, "
        "then CEST, UTC+02:00 from 03:00)."
    )
    assert page.find("tfoot").text == "Total 90 minutes"


def test_panel_detail_when_clocks_go_back_tells_repeated_times_apart(
    client, make_meeting, make_panel, make_segment
):
    meeting = make_meeting(start_date=date(2026, 11, 1), end_date=date(2026, 11, 1))
    # New York, 1 November 2026: 02:00 EDT becomes 01:00 EST; 00:30 to 03:00 is 210 minutes.
    panel = make_panel(meeting, start_time=time(0, 30), end_time=time(3, 0))
    for minutes in (30, 30, 30, 30):
        make_segment(panel, minutes)

    page = parse(client.get(panel.get_absolute_url()))

    assert [row[0] for row in running_order_rows(page)] == [
        "00:30 EDT–01:00 EDT",
        "01:00 EDT–01:30 EDT",
        "01:30 EDT–01:00 EST",
        "01:00 EST–01:30 EST",
    ]


def test_panel_detail_across_noon_uses_24_hour_clock(client, make_panel, make_segment):
    panel = make_panel(start_time=time(11, 40), end_time=time(13, 20))
    for minutes in (30, 40, 30):
        make_segment(panel, minutes)

    page = parse(client.get(panel.get_absolute_url()))

    assert [row[0] for row in running_order_rows(page)] == [
        "11:40–12:10",
        "12:10–12:50",
        "12:50–13:20",
    ]


def test_panel_detail_without_segments_says_so(client, make_panel):
    panel = make_panel()

    page = parse(client.get(panel.get_absolute_url()))

    assert page.find_all("table") == []
    section = page.find("h2").parent
    assert section.text == "Running order The running order has not been published yet."


def test_panel_detail_lists_speakers_without_email(client, running_order_panel):
    response = client.get(running_order_panel.get_absolute_url())

    page = parse(response)
    people = page.find("ul", "people").find_all("li", "person")
    assert [person.text for person in people] == [
        "Ms. Marta Exemplar (Moderator) Chief, Population Division",
        "Speaker 1 (Panellist) Test organisation Presentation: “Talk 1”",
        "Speaker 2 (Panellist) Test organisation Presentation: “Talk 2”",
        "Speaker 3 (Panellist) Test organisation Presentation: “Talk 3”",
        "Speaker 4 (Panellist) Test organisation Presentation: “Talk 4”",
    ]
    assert "@example.org" not in response.content.decode()


@pytest.mark.parametrize("status", [Panellist.Status.DECLINED, Panellist.Status.WITHDRAWN])
def test_panel_detail_leaves_out_who_no_longer_speaks(
    client, make_panel, make_panellist, make_person, make_segment, status
):
    panel = make_panel()
    make_panellist(panel, person=make_person(name="Still coming"))
    gone = make_panellist(panel, person=make_person(name="Not coming"), status=status)
    make_segment(panel, 10, speaker=gone)

    response = client.get(panel.get_absolute_url())

    page = parse(response)
    assert [li.find("bdi").text for li in page.find_all("li", "person")] == ["Still coming"]
    assert running_order_rows(page) == [["15:00–15:10", "10", "Presentation", "To be announced"]]
    meeting_page = client.get(panel.meeting.get_absolute_url()).content.decode()
    assert "Not coming" not in meeting_page


def test_panel_detail_renders_names_in_any_script(
    client, make_panel, make_panellist, make_person, make_segment
):
    panel = make_panel()
    names = ["محمد عبد الله", "王小明", "Zoë Ångström-Nuñez", "Дмитрий Ёлкин"]
    for name in names:
        place = make_panellist(
            panel, person=make_person(name=name), status=Panellist.Status.CONFIRMED
        )
        make_segment(panel, 10, speaker=place)

    response = client.get(panel.get_absolute_url())

    page = parse(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert [li.find("bdi").text for li in page.find_all("li", "person")] == names
    assert [row[3] for row in running_order_rows(page)] == names


def test_panel_detail_wrong_meeting_slug_is_404(client, make_meeting, make_panel):
    panel = make_panel()
    other = make_meeting(slug="other-meeting")

    response = client.get(
        reverse("panels:panel-detail", kwargs={"meeting_slug": other.slug, "pk": panel.pk})
    )

    assert response.status_code == 404


def test_panel_detail_unpublished_is_404_for_the_public(client, make_panel):
    panel = make_panel(is_published=False)

    response = client.get(panel.get_absolute_url())

    assert response.status_code == 404


def test_panel_detail_of_draft_meeting_is_404_for_the_public(client, make_meeting, make_panel):
    panel = make_panel(make_meeting(status=Meeting.Status.DRAFT), is_published=True)

    response = client.get(panel.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("meeting_status", "is_published", "reason"),
    [
        (
            Meeting.Status.PUBLIC,
            False,
            "This panel is not published; only the meeting’s team in the secretariat can see it.",
        ),
        (
            Meeting.Status.DRAFT,
            True,
            "This panel’s meeting is a draft; only the meeting’s team in the secretariat can "
            "see it.",
        ),
    ],
)
def test_panel_detail_hidden_from_public_is_a_preview_for_staff(
    staff_client, make_meeting, make_panel, meeting_status, is_published, reason
):
    panel = make_panel(
        make_meeting(status=meeting_status), title="Hidden panel", is_published=is_published
    )

    page = parse(staff_client.get(panel.get_absolute_url()))

    assert page.find("p", "preview-notice").text == f"Preview: not public {reason}"
    assert page.find("h1").text == "Hidden panel"


def test_panel_detail_public_panel_has_no_preview_notice(staff_client, make_panel):
    panel = make_panel()

    page = parse(staff_client.get(panel.get_absolute_url()))

    assert page.find_all("p", "preview-notice") == []


# Untrusted text never becomes markup

PAYLOAD = (
    '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">j</a>'
)
MARKDOWN_PAYLOAD = (
    f"{PAYLOAD}\n\n[click](javascript:alert(4)) <svg onload=alert(5)>\n\n"
    '<a href="JaVaScRiPt:alert(6)">k</a> <iframe src="javascript:alert(7)"></iframe>'
)


def assert_no_active_content(page):
    """No script element, no event-handler attribute and no ``javascript:`` address."""
    for node in page.iter():
        assert node.tag not in {"script", "iframe", "svg", "img", "object", "embed"}, node
        for name, value in node.attrs.items():
            assert not name.startswith("on"), node
            compact = "".join((value or "").split()).lower()
            assert not compact.startswith("javascript:"), node


@pytest.fixture
def full_panel(make_meeting, make_panel, make_panellist, make_person, make_segment, make_section):
    """A published panel with every text field filled, and a function to find its rows."""
    meeting = make_meeting()
    panel = make_panel(meeting)
    person = make_person(name="Name", position="Position", organisation="Org", bio="Bio")
    place = make_panellist(panel, person=person, presentation_title="Talk")
    segment = make_segment(panel, 10, title="Segment", speaker=place)
    section = make_section(panel, heading="Heading", body="Body")
    return {
        "meeting": meeting,
        "panel": panel,
        "person": person,
        "panellist": place,
        "segment": segment,
        "section": section,
        "room": panel.room,
    }


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ("meeting", "title"),
        ("meeting", "venue"),
        ("meeting", "organiser"),
        ("panel", "title"),
        ("room", "name"),
        ("person", "name"),
        ("person", "position"),
        ("person", "organisation"),
        ("person", "bio"),
        ("panellist", "presentation_title"),
        ("segment", "title"),
        ("section", "heading"),
    ],
)
def test_public_pages_escape_text_fields(client, full_panel, obj, field):
    instance = full_panel[obj]
    setattr(instance, field, PAYLOAD)
    instance.save()
    panel = full_panel["panel"]

    urls = [reverse("panels:meeting-list"), panel.meeting.get_absolute_url()]
    urls.append(panel.get_absolute_url())

    pages = [parse(client.get(url)) for url in urls]

    for page in pages:
        assert_no_active_content(page)
    # Shown as the text that was typed, on at least one page.
    assert any(PAYLOAD in page.find("body").text for page in pages)


def test_panel_detail_sanitises_concept_note_markdown(client, full_panel):
    section = full_panel["section"]
    section.body = MARKDOWN_PAYLOAD
    section.save()

    page = parse(client.get(full_panel["panel"].get_absolute_url()))

    assert_no_active_content(page)
    # Raw HTML is shown as inert text, as the secretariat typed it.
    assert "<script>alert(1)</script>" in page.find("section", "concept-note").text


# Query counts: the same for one and for many panels, people and segments


def build_meeting(make_meeting, make_panel, make_panellist, make_segment, make_section, size):
    """A public meeting with ``size`` panels, each with ``size`` panellists, segments and
    sections."""
    meeting = make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    panels = []
    for n in range(size):
        panel = make_panel(meeting, date=meeting.start_date + timedelta(days=n % 2))
        for _ in range(size):
            make_segment(panel, 5, speaker=make_panellist(panel))
            make_section(panel)
        panels.append(panel)
    return meeting, panels


@pytest.mark.parametrize("size", [1, 6])
def test_home_page_query_count_is_constant(client, make_meeting, django_assert_num_queries, size):
    """The meeting's and panel's pages: ``test_public_display``, under both display choices."""
    for number in range(size):
        make_meeting(slug=f"meeting-{number}", title=f"Meeting {number}")

    # upcoming, past
    with django_assert_num_queries(2):
        response = client.get(reverse("panels:meeting-list"))

    page = response.content.decode()
    assert [f"Meeting {number}" in page for number in range(size)] == [True] * size


@pytest.mark.parametrize("size", [1, 6])
def test_meeting_detail_query_count_for_staff_is_constant(
    staff_client,
    make_meeting,
    make_panel,
    make_panellist,
    make_segment,
    make_section,
    django_assert_num_queries,
    size,
):
    meeting, _ = build_meeting(
        make_meeting, make_panel, make_panellist, make_segment, make_section, size
    )

    # session and user, whether they are on the meeting's team (which sessions they see),
    # then as for the public
    with django_assert_num_queries(3 + 7):
        response = staff_client.get(meeting.get_absolute_url())

    assert response.status_code == 200


# The seed's panel (panels.demo)


@pytest.fixture
def seed(seed_panel):
    """The seed's panel (``tests/conftest.py``)."""
    return seed_panel


def test_seed_panel_running_order_fills_15_00_to_16_30(client, seed):
    page = parse(client.get(seed.get_absolute_url()))

    rows = running_order_rows(page)
    assert rows[0][0].startswith("15:00–")
    assert rows[-1][0].endswith("–16:30")
    assert len(rows) == 7  # opening, four presentations, questions, concluding remarks
    assert sum(int(row[1]) for row in rows) == 90
    assert page.find("caption").text == (
        "Running order. All times are New York time (America/New_York, EST, UTC−05:00)."
    )


def test_seed_panel_shows_concept_note_and_document_links(client, seed):
    page = parse(client.get(seed.get_absolute_url()))

    assert [h2.text for h2 in page.find_all("h2")] == [
        "Background",
        "Organization",
        "Speakers",
        "Running order",
    ]
    hrefs = [a.attrs.get("href") for a in page.find("main").find_all("a")]
    assert "https://undocs.org/A/71/1" in hrefs
    assert page.find("dl", "facts").find_all("dd")[1].text == "Thursday 16 February 2017"


def test_seed_panel_shows_five_people_and_no_email(client, seed):
    response = client.get(seed.get_absolute_url())

    page = parse(response)
    roles = [li.find("span", "role").text for li in page.find_all("li", "person")]
    assert roles == ["(Moderator)"] + ["(Panellist)"] * 4
    content = response.content.decode()
    for place in seed.panellists.select_related("person"):
        assert place.person.email
        assert place.person.email not in content


# Describing a zone on a day (panels.templatetags.programme)


@pytest.mark.parametrize(
    ("zone", "day", "label"),
    [
        (
            "America/New_York",
            date(2017, 2, 16),
            "New York time (America/New_York, EST, UTC−05:00)",
        ),
        ("America/New_York", date(2017, 6, 1), "New York time (America/New_York, EDT, UTC−04:00)"),
        ("Asia/Kolkata", date(2026, 1, 1), "Kolkata time (Asia/Kolkata, IST, UTC+05:30)"),
        ("America/St_Johns", date(2026, 1, 1), "St Johns time (America/St_Johns, NST, UTC−03:30)"),
        # Zones with only a numeric name get no abbreviation.
        ("Asia/Dubai", date(2026, 1, 1), "Dubai time (Asia/Dubai, UTC+04:00)"),
        ("UTC", date(2026, 1, 1), "UTC time (UTC, UTC+00:00)"),
        (
            "Europe/Zurich",
            date(2026, 3, 29),
            "Zurich time (Europe/Zurich, CET, UTC+01:00 until 02:00, "
            "then CEST, UTC+02:00 from 03:00)",
        ),
        (
            "Europe/Zurich",
            date(2026, 10, 25),
            "Zurich time (Europe/Zurich, CEST, UTC+02:00 until 03:00, "
            "then CET, UTC+01:00 from 02:00)",
        ),
        # Lord Howe Island moves its clocks by half an hour.
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            "Lord Howe time (Australia/Lord_Howe, UTC+11:00 until 02:00, "
            "then UTC+10:30 from 01:30)",
        ),
    ],
)
def test_zone_label_names_zone_abbreviation_and_offset(zone, day, label):
    html = zone_label_html(zone_day(ZoneInfo(zone), day))

    assert parse_html(html).text == label


def test_zone_label_isolates_the_city_and_technical_parts_for_right_to_left_pages():
    html = zone_label_html(zone_day(ZoneInfo("America/New_York"), date(2017, 2, 16)))

    assert html == (
        '<bdi dir="ltr">New York</bdi> time '
        '(<bdi dir="ltr">America/New_York, EST, UTC−05:00</bdi>)'
    )
