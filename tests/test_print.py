"""Cancelled panels on the public pages, and the programme and panel pages on paper.

The pages are read with the Django test client where no browser is needed. Printing is checked
in Debian's Chromium through the helpers of ``test_browser`` (skipped without it, failing in
CI): with print media emulated, and in the PDF that Chromium prints, whose page tree and
outline (one entry per heading, with the page it is on) are read by the small reader below.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from panels.models import Panel, Panellist, Segment
from tests import test_browser
from tests.test_browser import axe_report, run_axe
from tests.test_views import headings, parse

LONG_TITLE = "Panel {number:02d}: regional and human rights dimensions of migration governance"


# The browser fixtures of ``test_browser``: a module-scoped headless Chromium, and
# ``open_page(path, language="en", viewport=DESKTOP)`` on the live server.
browser = test_browser.browser
open_page = test_browser.open_page


def browser_test(test):
    """Mark ``test`` as one that drives Chromium against the live server, which reads only
    committed data (as every test of ``test_browser`` is marked)."""
    return pytest.mark.browser(pytest.mark.django_db(transaction=True)(test))


# A reader for the few parts of a PDF that Chromium writes uncompressed: objects, the page
# tree and the outline (ISO 32000-1 §7.3, §7.7.3, §12.3.3).
PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.DOTALL)
PDF_STRING = rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>"
PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_objects(data):
    """The PDF's indirect objects as ``{number: bytes of the object's body}``."""
    return {int(number): body for number, body in PDF_OBJECT.findall(data)}


def pdf_reference(body, key):
    """The object number that ``/key N 0 R`` in a dictionary's ``body`` refers to, or None."""
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(match.group(1)) if match else None


def _pdf_unescape(match):
    escaped = match.group(1)
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8) & 0xFF])
    if escaped in (b"\r\n", b"\r", b"\n"):
        return b""  # A backslash at the end of a line continues the string.
    return PDF_ESCAPES.get(escaped, escaped)


def pdf_text_string(token):
    """A PDF string token, literal ``(…)`` or hexadecimal ``<…>``, as text (§7.9.2.2): UTF-16
    after a byte order mark, else PDFDocEncoding (read as Latin-1, which it matches for
    ASCII and most accented letters)."""
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode("ascii"))
    else:
        raw = re.sub(rb"\\([0-7]{1,3}|\r\n|.)", _pdf_unescape, token[1:-1], flags=re.DOTALL)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def pdf_catalog(objects):
    return next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body))


def pdf_pages(objects):
    """The object numbers of the pages, in page order, from the page tree."""
    pages = []

    def walk(number):
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body).group(1)
            for kid in re.findall(rb"(\d+) 0 R", kids):
                walk(int(kid))
        else:
            pages.append(number)

    walk(pdf_reference(pdf_catalog(objects), b"Pages"))
    return pages


def pdf_outline(data):
    """The PDF's outline (bookmarks) in document order: a list of ``(title, page number)``,
    pages counted from 1; ``[]`` when it has none."""
    objects = pdf_objects(data)
    page_numbers = {number: index for index, number in enumerate(pdf_pages(objects), start=1)}
    entries = []

    def walk(number):
        while number is not None:
            body = objects[number]
            title = re.search(rb"/Title\s*(" + PDF_STRING + rb")", body, re.DOTALL)
            destination = re.search(rb"/Dest\s*\[\s*(\d+) 0 R", body)
            if title:
                page = page_numbers.get(int(destination.group(1))) if destination else None
                entries.append((pdf_text_string(title.group(1)), page))
            walk(pdf_reference(body, b"First"))
            number = pdf_reference(body, b"Next")

    root = pdf_reference(pdf_catalog(objects), b"Outlines")
    if root is not None:
        walk(pdf_reference(objects[root], b"First"))
    return entries


def without_spaces(text):
    return "".join(text.split())


def print_pdf(page):
    """The page printed by Chromium on A4 with 1 cm margins (a browser's default), with an
    outline of its headings: the PDF's bytes."""
    margin = "1cm"
    return page.pdf(
        format="A4",
        margin={"top": margin, "right": margin, "bottom": margin, "left": margin},
        tagged=True,
        outline=True,
    )


# Fixtures


@pytest.fixture
def programme_with_cancellation(make_meeting, make_panel):
    """A public meeting with three panels on one day, the middle one cancelled, and an
    unpublished cancelled panel: ``(meeting, [first, cancelled, last], unpublished)``."""
    meeting = make_meeting(title="Coordination meeting")
    first = make_panel(meeting, title="Opening panel", start_time=time(9), end_time=time(10))
    cancelled = make_panel(
        meeting,
        title="Regional dimensions",
        start_time=time(11),
        end_time=time(12, 30),
        status=Panel.Status.CANCELLED,
    )
    last = make_panel(meeting, title="Closing panel", start_time=time(15), end_time=time(16))
    unpublished = make_panel(
        meeting,
        title="Draft panel",
        start_time=time(13),
        end_time=time(14),
        is_published=False,
        status=Panel.Status.CANCELLED,
    )
    return meeting, [first, cancelled, last], unpublished


@pytest.fixture
def cancelled_panel(
    make_meeting, make_panel, make_person, make_panellist, make_segment, make_section
):
    """A cancelled panel shaped like the seed, with document links, an in-page link, people
    whose names are in Latin and Arabic script and a running order; in a meeting with a
    scheduled panel after it."""
    meeting = make_meeting(title="15th Coordination Meeting on International Migration")
    panel = make_panel(
        meeting,
        title="The global compact on migration: Regional and human rights dimensions",
        status=Panel.Status.CANCELLED,
    )
    make_panel(meeting, title="Closing panel", start_time=time(17), end_time=time(18))
    make_section(
        panel,
        heading="Background",
        body=(
            "The New York Declaration (A/71/1) affirms universal human rights. See the "
            "[campaign](https://refugeesmigrants.un.org/together) and the "
            "[speakers](#speakers-heading) below."
        ),
    )
    moderator = make_panellist(
        panel,
        person=make_person(honorific="Ms.", name="Marta Exemplar"),
        role=Panellist.Role.MODERATOR,
        status=Panellist.Status.CONFIRMED,
    )
    speaker = make_panellist(
        panel,
        person=make_person(honorific="Dr.", name="أمينة المثال (Amina Al-Mithal)"),
        presentation_title="Regional reviews",
    )
    make_segment(panel, 10, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 60, title="Regional reviews", speaker=speaker)
    make_segment(panel, 20, kind=Segment.Kind.DISCUSSION, speaker=moderator)
    return panel


@pytest.fixture
def long_programme(make_meeting, make_panel, make_person, make_panellist):
    """A public meeting of three days with 30 panels, ten a day, each with three panellists;
    the 4th and the last cancelled. Returns the meeting."""
    meeting = make_meeting(
        title="Long meeting", start_date=date(2024, 3, 4), end_date=date(2024, 3, 6)
    )
    names = ["أمينة المثال (Amina Al-Mithal)", "Jean-Loïc Exemple", "Kwame Sample-Mensah"]
    for index in range(30):
        number = index + 1
        panel = make_panel(
            meeting,
            title=LONG_TITLE.format(number=number),
            date=meeting.start_date + timedelta(days=index // 10),
            start_time=time(8 + index % 10),
            end_time=time(8 + index % 10, 50),
            status=Panel.Status.CANCELLED if number in {4, 30} else Panel.Status.SCHEDULED,
        )
        for name in names:
            make_panellist(panel, person=make_person(honorific="Dr.", name=name))
    return meeting


# A cancelled panel on the public pages (Django test client)


def programme_titles(page):
    """The headings of the panels in a programme, in order."""
    return [item.find("h4").text for item in page.find_all("li", "panel-item")]


def test_programme_keeps_a_cancelled_panel_in_its_place_marked_cancelled(
    client, programme_with_cancellation
):
    meeting, panels, _ = programme_with_cancellation

    page = parse(client.get(meeting.get_absolute_url()))

    items = page.find_all("li", "panel-item")
    assert programme_titles(page) == [
        "Opening panel",
        "Regional dimensions Cancelled",
        "Closing panel",
    ]
    assert [item.find("h4").find("a").attrs["href"] for item in items] == [
        panel.get_absolute_url() for panel in panels
    ]
    assert [item.attrs["class"] for item in items] == [
        "panel-item",
        "panel-item panel-item--cancelled",
        "panel-item",
    ]
    assert [mark.text for mark in page.find_all("span", "cancelled-mark")] == ["Cancelled"]


def test_programme_still_gives_a_cancelled_panels_time_and_room(
    client, programme_with_cancellation
):
    meeting, _, _ = programme_with_cancellation

    page = parse(client.get(meeting.get_absolute_url()))

    cancelled = page.find("li", "panel-item--cancelled")
    assert cancelled.find("p", "panel-item__when").text == "11:00–12:30, Conference Room 4"


def test_programme_hides_an_unpublished_cancelled_panel_from_the_public(
    client, programme_with_cancellation
):
    meeting, _, unpublished = programme_with_cancellation

    page = parse(client.get(meeting.get_absolute_url()))
    response = client.get(unpublished.get_absolute_url())

    assert programme_titles(page) == [
        "Opening panel",
        "Regional dimensions Cancelled",
        "Closing panel",
    ]
    assert response.status_code == 404


def test_panel_page_of_a_cancelled_panel_says_so_before_its_title(
    client, programme_with_cancellation
):
    _, (_, cancelled, _), _ = programme_with_cancellation

    page = parse(client.get(cancelled.get_absolute_url()))

    article = page.find("article", "panel")
    notice, title = [node for node in article.children if not isinstance(node, str)][:2]
    assert (notice.tag, notice.attrs, notice.text) == (
        "p",
        {"class": "cancelled-notice", "role": "note"},
        "This panel has been cancelled.",
    )
    assert (title.tag, title.text) == ("h1", "Regional dimensions")
    assert article.attrs["class"] == "panel panel--cancelled"
    assert page.find("title").text == "Cancelled: Regional dimensions · Coordination meeting"


def test_panel_page_of_a_cancelled_panel_still_gives_its_time(client, programme_with_cancellation):
    _, (_, cancelled, _), _ = programme_with_cancellation

    page = parse(client.get(cancelled.get_absolute_url()))

    assert page.find("bdi", "time-range").text == "11:00–12:30"


def test_panel_page_of_a_scheduled_panel_has_no_cancellation_notice(
    client, programme_with_cancellation
):
    _, (first, _, _), _ = programme_with_cancellation

    page = parse(client.get(first.get_absolute_url()))

    assert page.find_all("p", "cancelled-notice") == []
    assert page.find("article").attrs["class"] == "panel"
    assert page.find("title").text == "Opening panel · Coordination meeting"
    assert headings(page)[0] == ("h1", "Opening panel")


# On paper (Chromium)


def public_path(panel, name):
    """The path of the panel's page (``name`` "panel") or its meeting's ("meeting")."""
    return (panel if name == "panel" else panel.meeting).get_absolute_url()


@browser_test
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["meeting", "panel"])
def test_print_shows_no_navigation_skip_link_or_controls(
    open_page, cancelled_panel, name, language
):
    page = open_page(public_path(cancelled_panel, name), language=language)
    # As another template marks what stays off paper, e.g. a link to a calendar file.
    page.evaluate(
        """() => {
            const paragraph = document.createElement("p");
            paragraph.className = "no-print";
            paragraph.innerHTML = '<a href="calendar.ics" download>Add to calendar</a>';
            document.querySelector("main").prepend(paragraph);
        }"""
    )
    controls = """() => [...document.querySelectorAll(
            ".skip-link, nav, nav a, form, select, button, .no-print, .no-print a"
        )]
        .filter((element) => element.getClientRects().length > 0)
        .map((element) => element.tagName.toLowerCase())"""

    on_screen = set(page.evaluate(controls))
    page.emulate_media(media="print")
    on_paper = page.evaluate(controls)

    assert on_screen == {"nav", "a", "p"}
    assert on_paper == []


@browser_test
def test_print_is_black_on_white_and_keeps_the_cancelled_mark(open_page, cancelled_panel):
    page = open_page(cancelled_panel.meeting.get_absolute_url())

    page.emulate_media(media="print")
    colours = page.evaluate(
        """() => Object.fromEntries(
            ["body", ".cancelled-mark", ".panel-item h4 a", ".zone-note",
             ".panel-item--cancelled time"].map((selector) => {
                const style = getComputedStyle(document.querySelector(selector));
                return [selector, [style.color, style.backgroundColor]];
            }))"""
    )
    mark = page.locator(".cancelled-mark")

    black, white, transparent = "rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"
    assert colours == {
        "body": [black, white],
        ".cancelled-mark": [black, white],
        ".panel-item h4 a": [black, transparent],
        ".zone-note": [black, transparent],
        ".panel-item--cancelled time": [black, transparent],
    }
    assert mark.is_visible()
    assert mark.inner_text() == "Cancelled"


@browser_test
@pytest.mark.parametrize("language", ["en", "ar"])
def test_print_writes_out_the_addresses_of_documents_only(open_page, cancelled_panel, language):
    page = open_page(cancelled_panel.get_absolute_url(), language=language)

    page.emulate_media(media="print")
    links = page.evaluate(
        """() => [...document.querySelectorAll(".facts a, .concept-note a")].map((link) => {
            const after = getComputedStyle(link, "::after");
            return [link.textContent, after.content, after.content === "none" || after.direction];
        })"""
    )

    # An address reads left to right on an Arabic page too; in-page links get none.
    assert links == [
        ["15th Coordination Meeting on International Migration", "none", True],
        ["A/71/1", '" (https://undocs.org/A/71/1)"', "ltr"],
        ["campaign", '" (https://refugeesmigrants.un.org/together)"', "ltr"],
        ["speakers", "none", True],
    ]


@browser_test
def test_print_keeps_rows_panels_and_headings_together(open_page, cancelled_panel):
    meeting_page = open_page(cancelled_panel.meeting.get_absolute_url())
    panel_page = open_page(cancelled_panel.get_absolute_url())
    style = """([selector, property]) =>
        getComputedStyle(document.querySelector(selector))[property]"""

    for page in (meeting_page, panel_page):
        page.emulate_media(media="print")
    breaks = {
        "panel": meeting_page.evaluate(style, [".panel-item", "breakInside"]),
        "day": meeting_page.evaluate(style, [".programme-day h3", "breakAfter"]),
        "zone": meeting_page.evaluate(style, [".programme-day .zone-note", "breakAfter"]),
        "notice": panel_page.evaluate(style, [".cancelled-notice", "breakInside"]),
        "section": panel_page.evaluate(style, [".concept-note h2", "breakAfter"]),
        "row": panel_page.evaluate(style, [".running-order tbody tr", "breakInside"]),
        "head": panel_page.evaluate(style, [".running-order thead", "display"]),
    }

    assert breaks == {
        "panel": "avoid",
        "day": "avoid",
        "zone": "avoid",
        "notice": "avoid",
        "section": "avoid",
        "row": "avoid",
        "head": "table-header-group",
    }


@browser_test
@pytest.mark.parametrize("language", ["en", "ar"])
def test_long_programme_prints_every_panel_over_several_pages(open_page, long_programme, language):
    page = open_page(long_programme.get_absolute_url(), language=language)

    pdf = print_pdf(page)
    page_count = len(pdf_pages(pdf_objects(pdf)))
    panels = [entry for entry in pdf_outline(pdf) if entry[0].startswith("Panel ")]
    pages = [number for _, number in panels]

    with translation.override(language):
        cancelled = pgettext("a panel that will not take place", "Cancelled")
    # Chromium's outline leaves out the space where a heading wraps: compare without spaces.
    assert [without_spaces(title) for title, _ in panels] == [
        without_spaces(
            LONG_TITLE.format(number=number) + (f" {cancelled}" if number in {4, 30} else "")
        )
        for number in range(1, 31)
    ]
    assert page_count > 1
    assert pages == sorted(pages)
    assert (pages[0], pages[-1]) == (1, page_count)


@browser_test
def test_long_programme_is_not_clipped_on_paper(open_page, long_programme):
    page = open_page(long_programme.get_absolute_url())

    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => {
            const items = [...document.querySelectorAll(".panel-item")];
            const last = items[items.length - 1];
            const clipping = [];
            for (let element = last.parentElement; element; element = element.parentElement) {
                const style = getComputedStyle(element);
                if (style.overflowY !== "visible" && element.scrollHeight > element.clientHeight) {
                    clipping.push(element.tagName.toLowerCase());
                }
            }
            const pinned = [...document.querySelectorAll("body *")].filter(
                (element) => ["fixed", "sticky"].includes(getComputedStyle(element).position)
                    && element.getClientRects().length > 0
            );
            const bottom = last.getBoundingClientRect().bottom + scrollY;
            return {
                panels: items.length,
                last: last.querySelector("h4 a").textContent,
                clipping,
                pinned: pinned.length,
                inside: bottom <= document.documentElement.scrollHeight,
            };
        }"""
    )

    assert layout == {
        "panels": 30,
        "last": LONG_TITLE.format(number=30),
        "clipping": [],
        "pinned": 0,
        "inside": True,
    }


@browser_test
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("name", ["meeting", "panel"])
def test_pages_with_a_cancelled_panel_have_no_wcag_violations(
    open_page, cancelled_panel, name, language
):
    page = open_page(public_path(cancelled_panel, name), language=language)

    results = run_axe(page)

    assert page.locator(".cancelled-mark, .cancelled-notice").count() == 1
    assert results.violations_count == 0, axe_report(results)
