"""Every page a visitor, a panellist or a moderator reads, in each of the six UN languages.

The public pages (home, programme, panel page, changelog), the answer page of a personal
link, the run sheet and the timekeeper are rendered under each language's prefix, for the
seed's meeting and the demo regional review (every shape a programme takes). Outside English,
no English interface string may remain: the test looks for each English message of the
catalogue (and for English function words, which catch a string never marked for translation)
in the page's interface text, that is its text without the content the secretariat entered,
which the templates isolate (``<bdi>``, ``dir="auto"``) or mark with its own ``lang``.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse, translate_url
from django.utils import translation

from panels.demo import load_demo
from panels.demo.programme import load_programme_demo
from panels.models import Panel, Panellist
from panels.services.links import issue_link
from tests.test_views import Node, parse

LIMIT = int(__import__("os").environ.get("LIMIT", 12))
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CATALOGUE_FOLDERS = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}
# Elements whose text is not the interface's.
NOT_INTERFACE = {"head", "script", "style", "template", "bdi", "code", "kbd", "samp"}
# English words that no translation of this interface keeps: a sentence left in English shows.
ENGLISH_WORDS = re.compile(
    r"(?<!\w)(?:the|and|with|from|this|your|will|has|have|been|is|are)(?!\w)"
)
# A word written twice in a row: a translated sentence around a translated value that says
# the same word ("بتوقيت توقيت": "in time New York time").
DOUBLED_WORD = re.compile(r"(?<!\w)(\w{3,})\s+\1(?!\w)")
# Placeholders and markup split a message into the fragments a page can show.
SPLIT = re.compile(r"%(?:\([^)]+\))?[sdif]|<[^>]+>|\n")


def english_fragments(language):
    """The English texts of the catalogue of ``language`` that its pages must not show: each
    message's fragments between placeholders and tags, of two words or more, or one word of
    six letters or more, leaving out those that the language writes the same way."""
    po = polib.pofile(
        str(
            Path(
                settings.BASE_DIR,
                "locale",
                CATALOGUE_FOLDERS[language],
                "LC_MESSAGES",
                "django.po",
            )
        )
    )
    fragments = set()
    for entry in po:
        translated = (
            entry.msgstr if not entry.msgid_plural else " ".join(entry.msgstr_plural.values())
        )
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in SPLIT.split(english):
                fragment = " ".join(fragment.split()).strip(" .,:;()")
                words = fragment.split()
                long_enough = len(words) >= 2 or (len(fragment) >= 6 and fragment.isalpha())
                if long_enough and fragment not in translated:
                    fragments.add(fragment)
    return sorted(fragments, key=len, reverse=True)


def interface_strings(node, language):
    """The texts of ``node`` (a parsed page) that the interface wrote, one per text node:
    without the head, scripts, isolated content (``<bdi>``, ``dir="auto"``) and elements in
    another language."""
    if node.tag in NOT_INTERFACE or node.attrs.get("dir") == "auto":
        return
    own = node.attrs.get("lang")
    if own and node.tag != "html" and not own.lower().startswith(language.split("-")[0]):
        return
    for child in node.children:
        if isinstance(child, str):
            yield child
        else:
            yield from interface_strings(child, language)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The answer page is opened in every language: its rate limit's counters (in the cache)
    are emptied after, so that later tests start with none counted."""
    yield
    cache.clear()


def in_language(address, language):
    """``address`` (an English page's) in ``language``; a request leaves its own language
    active, from which ``translate_url`` could not read an English address."""
    with translation.override("en"):
        return translate_url(address, language)


@pytest.fixture
def pages(db, staff_client):
    """(name, English address, client) of every page checked, on the demo data."""
    seed = load_demo()[0]
    review = load_programme_demo()[0].meeting
    panel = seed.panel
    sessions = list(
        Panel.objects.filter(meeting=review, is_published=True).order_by(
            "date", "start_time", "pk"
        )
    )
    place = Panellist.objects.filter(panel=panel, person__isnull=False).first()
    secret = issue_link(place)
    anonymous = staff_client.__class__()

    def panel_address(name, item):
        return reverse(name, kwargs={"meeting_slug": item.meeting.slug, "pk": item.pk})

    found = [
        ("home", reverse("panels:meeting-list"), anonymous),
        ("programme", reverse("panels:meeting-detail", args=[seed.meeting.slug]), anonymous),
        ("regional programme", reverse("panels:meeting-detail", args=[review.slug]), anonymous),
        ("changes", reverse("panels:meeting-changes", args=[seed.meeting.slug]), anonymous),
        ("panel", panel_address("panels:panel-detail", panel), anonymous),
        ("answer", reverse("panels:panellist-answer", args=[secret]), anonymous),
        (
            "link that does not work",
            reverse("panels:panellist-answer", args=["x" * 43]),
            anonymous,
        ),
        ("run sheet", panel_address("panels:panel-runsheet", panel), staff_client),
        ("timekeeper", panel_address("panels:panel-timekeeper", panel), staff_client),
    ]
    found += [
        (f"regional session {index}", panel_address("panels:panel-detail", session), anonymous)
        for index, session in enumerate(sessions)
    ]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_opens_in_each_language(pages, language):
    for name, address, client in pages:
        response = client.get(in_language(address, language))
        assert response.status_code in (200, 404), (name, response.status_code)
        page = parse(response)
        html = page.find("html")
        assert html.attrs["lang"].lower() == language, name
        assert html.attrs.get("dir") == ("rtl" if language == "ar" else "ltr"), name


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_no_english_interface_string_is_left(pages, language):
    fragments = english_fragments(language)
    left = []
    for name, address, client in pages:
        page: Node = parse(client.get(in_language(address, language)))
        strings = [" ".join(string.split()) for string in interface_strings(page, language)]
        text = " ".join(strings)
        for fragment in fragments:
            if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
                left.append((name, fragment))
        left += [
            (name, f"word twice: {m.group(0)}")
            for string in strings
            for m in DOUBLED_WORD.finditer(string)
            if not m.group(1).isdigit()
        ]
        left += [
            (name, f"English word: …{text[max(0, m.start() - 40) : m.end() + 40]}…")
            for m in ENGLISH_WORDS.finditer(text)
        ]
    assert not left, f"{len(left)} English strings or doubled words; the first: {left[:LIMIT]}"


def test_arabic_zone_sentence_names_the_time_once(pages):
    """ "All times are New York time (…)": the Arabic sentence attaches its preposition to
    the zone's own wording (توقيت New York), rather than saying "time" twice."""
    address = {name: address for name, address, _client in pages}["panel"]
    anonymous = pages[0][2]

    text = parse(anonymous.get(in_language(address, "ar"))).text

    assert "جميع الأوقات بتوقيت New York" in text
    assert "توقيت توقيت" not in text
