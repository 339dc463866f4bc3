"""The pages in Arabic (right to left) and Chinese, in headless Chromium on a phone.

Each page a visitor, a panellist or a moderator reads passes axe-core (WCAG 2.2 A and AA) and
fits a 390-pixel screen without scrolling sideways; English content on an Arabic page keeps
its punctuation at its own end (Unicode bidirectional algorithm, UAX #9: the content is
isolated, so it runs left to right inside the right-to-left page).
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from panels.demo import load_demo
from panels.demo.programme import load_programme_demo
from panels.models import Panellist
from panels.services.links import issue_link
from tests import test_browser
from tests.test_browser import PHONE, axe_report, run_axe

# The browser fixtures of ``test_browser``: a module-scoped headless Chromium, and
# ``open_page(path, language, viewport, signed_in_as)`` on the live server.
browser = test_browser.browser
open_page = test_browser.open_page

LANGUAGES = ["ar", "zh-hans"]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The answer page is opened in two languages: its rate limit's counters (in the cache)
    are emptied after, so that later tests start with none counted."""
    yield
    cache.clear()


@pytest.fixture
def demo_pages(db, staff_user):
    """(name, English path, signed in?) of the pages checked, on the demo data."""
    seed = load_demo()[0]
    review = load_programme_demo()[0].meeting
    panel = seed.panel
    place = Panellist.objects.filter(panel=panel, person__isnull=False).first()
    sessions = {session.title: session for session in review.panels.all()}

    def tool(name):
        return reverse(name, kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk})

    return [
        ("home", reverse("panels:meeting-list"), False),
        ("programme", seed.meeting.get_absolute_url(), False),
        ("panel", panel.get_absolute_url(), False),
        ("changes", reverse("panels:meeting-changes", args=[seed.meeting.slug]), False),
        ("regional programme", review.get_absolute_url(), False),
        ("agenda", sessions["Opening plenary"].get_absolute_url(), False),
        (
            "working group",
            sessions["Working group A: census and surveys"].get_absolute_url(),
            False,
        ),
        ("answer", reverse("panels:panellist-answer", args=[issue_link(place)]), False),
        ("run sheet", tool("panels:panel-runsheet"), True),
        ("timekeeper", tool("panels:panel-timekeeper"), True),
    ]


@pytest.fixture
def open_on_phone(open_page, staff_user):
    """Open an English path in ``language`` on a 390-pixel phone; signed in when asked."""

    def open_(path, language, signed_in=False):
        return open_page(
            path, language, viewport=PHONE, signed_in_as=staff_user if signed_in else None
        )

    return open_


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_pass_axe_and_fit_a_phone(open_on_phone, demo_pages, language):
    failures = []
    for name, path, signed_in in demo_pages:
        page = open_on_phone(path, language, signed_in)
        assert page.evaluate("document.documentElement.lang").lower() == language, name
        results = run_axe(page)
        if results.violations_count:
            failures.append(f"{name}: {axe_report(results)}")
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            failures.append(f"{name}: the page scrolls sideways at 390 px")
    assert not failures, "\n".join(failures)


def test_english_concept_note_keeps_its_full_stop_at_its_end_on_the_arabic_page(
    open_on_phone, demo_pages
):
    """The seed's concept note is English: on the Arabic page its paragraphs run left to
    right, so a paragraph's last character (a full stop) sits right of its first letter,
    where a right-to-left paragraph would put it at the far left."""
    panel_path = {name: path for name, path, _signed_in in demo_pages}["panel"]
    page = open_on_phone(panel_path, "ar")

    positions = page.evaluate(
        """() => {
            const paragraph = document.querySelector("section.concept-note p");
            const text = paragraph.textContent.trim();
            const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
            const nodes = [];
            while (walker.nextNode()) {
                if (walker.currentNode.textContent.trim()) nodes.push(walker.currentNode);
            }
            const first = nodes[0], last = nodes[nodes.length - 1];
            const start = first.textContent.search(/\\S/);
            const end = last.textContent.trimEnd().length;
            const range = document.createRange();
            range.setStart(first, start);
            range.setEnd(first, start + 1);
            const firstBox = range.getBoundingClientRect();
            range.setStart(last, end - 1);
            range.setEnd(last, end);
            const lastBox = range.getBoundingClientRect();
            return {
                lastCharacter: text.slice(-1),
                direction: getComputedStyle(paragraph).direction,
                firstLeft: firstBox.left,
                lastLeft: lastBox.left,
                pageRight: document.documentElement.clientWidth,
            };
        }"""
    )

    assert positions["lastCharacter"] == "."
    assert positions["direction"] == "ltr"
    # The first letter starts the first line at the left; the full stop is not at the far
    # left of its line, where an unisolated right-to-left paragraph puts it.
    assert positions["firstLeft"] < positions["pageRight"] / 2
    assert positions["lastLeft"] > positions["firstLeft"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_running_order_minutes_stay_on_one_line_on_a_phone(open_on_phone, demo_pages, language):
    """The minutes column is narrow on a phone (its Arabic heading is one letter): "10"
    stays whole rather than breaking into "1" over "0"."""
    panel_path = {name: path for name, path, _signed_in in demo_pages}["panel"]
    page = open_on_phone(panel_path, language)

    lines = page.eval_on_selector_all(
        ".running-order tbody .num",
        """cells => cells.map(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return [cell.textContent.trim(), new Set(
                Array.from(range.getClientRects()).map(box => Math.round(box.top))
            ).size];
        })""",
    )

    assert lines and all(count == 1 for text, count in lines if text), lines


def test_arabic_name_and_chinese_honorific_each_keep_their_direction(open_on_phone, demo_pages):
    """The demo's Dr. أمينة المثال (Amina Al-Mithal), whose honorific Chinese writes after the
    name ("…博士"):
    the honorific stays at the name's right end on the Chinese page, the name's own letters
    running right to left inside it."""
    panel_path = {name: path for name, path, _signed_in in demo_pages}["panel"]
    page = open_on_phone(panel_path, "zh-hans")

    boxes = page.evaluate(
        """() => {
            const names = [...document.querySelectorAll(".person .person-name")];
            const name = names.find((element) => element.textContent.includes("أمينة"));
            const inner = name.querySelector("bdi");
            const range = document.createRange();
            range.selectNodeContents(name);
            range.setStartAfter(inner);
            return {
                text: name.textContent,
                nameRight: inner.getBoundingClientRect().right,
                honorificLeft: range.getBoundingClientRect().left,
            };
        }"""
    )

    assert boxes["text"].endswith("博士")
    assert boxes["honorificLeft"] >= boxes["nameRight"] - 1
