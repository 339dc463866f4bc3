"""Content of unknown direction is isolated wherever it is shown.

Each page is rendered with content written in the other direction from the page's language
(Arabic titles and names on an English page, English ones on the Arabic page). Every text node
of the page's body that holds a content value must sit inside a ``<bdi>`` or an element with
``dir="auto"`` (``unisolated``); a new place that prints content bare fails here. Each page
must also show each value it is expected to show, so that the test cannot pass on a page that
lost its content.
"""

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from panels import changelog, mail, services
from panels.models import ConceptNoteSection, Document, Panellist, Room, Segment
from panels.services.versions import record_programme_version
from tests.test_views import parse, parse_html

# Content in Arabic, for the English pages, and in English, for the Arabic ones. The values are
# distinct from each other and from the site's own wording, so that finding one in a text node
# means the content is there.
ARABIC = {
    "meeting": "الاجتماع التنسيقي التاسع والتسعون",
    "organiser": "اللجنة الاقتصادية والاجتماعية لغربي آسيا",
    "venue": "بيت الأمم المتحدة، بيروت",
    "panel": "الأبعاد الإقليمية للهجرة",
    "room": "قاعة المؤتمرات الرابعة",
    "moderator": "مارتا مثال",
    "name": "أمينة مثال",
    "position": "مديرة الدراسات",
    "organisation": "لجنة المثال",
    "bio": "تعمل في مجال الهجرة منذ عشرين عاما.",
    "presentation": "الاستعراضات الإقليمية",
    "item": "عرض البيانات الإقليمية",
    "heading": "معلومات أساسية عن الحلقة",
    "body": "نص المذكرة المفاهيمية للحلقة.",
    "document": "تقرير الأمين العام عن الهجرة",
}
ENGLISH = {
    "meeting": "Ninety-ninth Coordination Meeting",
    "organiser": "Economic and Social Commission",
    "venue": "United Nations House, Beirut",
    "panel": "Regional dimensions of migration",
    "room": "Conference Room Four",
    "moderator": "Marta Exemplar",
    "name": "Amina Example",
    "position": "Director of Studies",
    "organisation": "Example Commission",
    "bio": "Works on migration: twenty years.",
    "presentation": "Regional reviews, 2015-2025.",
    "item": "Presenting the regional data",
    "heading": "About the panel",
    "body": "Text of the concept note.",
    "document": "Report of the Secretary-General on migration",
}

# The page's language, and the content of the other direction it is tested with.
LANGUAGES = [
    pytest.param("en", ARABIC, id="arabic-on-en"),
    pytest.param("ar", ENGLISH, id="english-on-ar"),
]

# What shows no content: the page's head (its <title> cannot hold markup), and the data a
# script reads (the timekeeper's plan, which the script writes into isolated elements).
SKIPPED = frozenset(["head", "title", "script", "style", "template"])


def is_isolating(node):
    """Whether ``node`` (a parsed element) isolates its text: ``<bdi>``, or ``dir="auto"``."""
    return node.tag == "bdi" or node.attrs.get("dir") == "auto"


def text_nodes(page):
    """Every text node of ``page`` outside ``SKIPPED`` elements, as (text, parent element)."""
    for node in page.iter():
        if any(parent.tag in SKIPPED for parent in ancestors(node)):
            continue
        for child in node.children:
            if isinstance(child, str):
                yield child, node


def ancestors(node):
    """``node`` and the elements around it, innermost first."""
    while node is not None:
        yield node
        node = node.parent


def unisolated(page, values):
    """The content ``values`` found in a text node of ``page`` with no isolating element
    around it, as a sorted list of (value, the tag of the node's parent)."""
    found = []
    for text, parent in text_nodes(page):
        for value in values:
            if value in text and not any(is_isolating(node) for node in ancestors(parent)):
                found.append((value, parent.tag))
    return sorted(found)


def shown(page, values):
    """The ``values`` that ``page`` shows in its text nodes."""
    texts = [text for text, _ in text_nodes(page)]
    return {value for value in values if any(value in text for text in texts)}


@pytest.fixture
def content():
    """The content the page is tested with; set by the test's parameters."""
    raise AssertionError("parametrize the test with a language and its content")


@pytest.fixture
def place(make_meeting, make_panel, make_panellist, make_person, make_segment, content):
    """The place of ``content["name"]`` on ``content["panel"]`` (15:00-16:30 New York time on
    16 February 2099), with a moderator, a running order, a concept note and a document, all
    written in ``content``'s language."""
    meeting = make_meeting(
        title=content["meeting"],
        organiser=content["organiser"],
        venue=content["venue"],
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
        secretariat_email="secretariat@example.org",
    )
    panel = make_panel(
        meeting,
        title=content["panel"],
        room=content["room"],
        answer_deadline=datetime(2099, 2, 14, 22, 0, tzinfo=UTC),
    )
    moderator = make_panellist(
        panel,
        person=make_person(name=content["moderator"], email="marta@example.org"),
        role=Panellist.Role.MODERATOR,
    )
    amina = make_panellist(
        panel,
        person=make_person(
            name=content["name"],
            email="amina@example.org",
            position=content["position"],
            organisation=content["organisation"],
            bio=content["bio"],
        ),
        presentation_title=content["presentation"],
    )
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 10, title=content["item"], speaker=amina)
    ConceptNoteSection.objects.create(
        panel=panel, heading=content["heading"], body=content["body"]
    )
    Document.objects.create(panel=panel, title=content["document"], symbol="A/78/1")
    return amina


def address(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def assert_isolated(page, content, keys):
    """``page`` shows the values of ``content`` named by ``keys``, and every value of
    ``content`` it shows is isolated."""
    expected = {content[key] for key in keys}
    assert shown(page, expected) == expected
    assert unisolated(page, content.values()) == []


# The helper itself


def test_unisolated_finds_content_printed_bare_and_not_content_in_bdi_or_dir_auto():
    page = parse_html(
        "<p>Panel: Regional dimensions.</p><p><bdi>Amina Example</bdi></p>"
        '<div dir="auto"><p>Works on migration.</p></div><title>Regional dimensions</title>'
    )

    assert unisolated(page, ["Regional dimensions", "Amina Example", "Works on migration."]) == [
        ("Regional dimensions", "p")
    ]


# Public pages


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_programme_isolates_its_content(client, place, language, content):
    meeting = place.panel.meeting

    page = parse(client.get(address("panels:meeting-detail", language, slug=meeting.slug)))

    assert_isolated(
        page,
        content,
        ["meeting", "organiser", "venue", "panel", "room", "moderator", "name", "item"],
    )


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_meeting_list_isolates_its_content(client, place, language, content):
    page = parse(client.get(address("panels:meeting-list", language)))

    assert_isolated(page, content, ["meeting", "venue"])


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_panel_page_isolates_its_content(client, place, language, content):
    panel = place.panel

    page = parse(
        client.get(
            address("panels:panel-detail", language, meeting_slug=panel.meeting.slug, pk=panel.pk)
        )
    )

    assert_isolated(
        page,
        content,
        [
            "meeting",
            "venue",
            "panel",
            "room",
            "moderator",
            "name",
            "position",
            "organisation",
            "bio",
            "presentation",
            "item",
            "heading",
            "body",
            "document",
        ],
    )


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_concept_note_and_bio_are_blocks_of_their_own_direction(client, place, language, content):
    panel = place.panel

    page = parse(
        client.get(
            address("panels:panel-detail", language, meeting_slug=panel.meeting.slug, pk=panel.pk)
        )
    )

    section = page.find("section", "concept-note")
    assert (section.attrs["dir"], section.find("div", "concept-note__body").attrs["dir"]) == (
        "auto",
        "auto",
    )
    assert page.find("p", "person__bio").attrs["dir"] == "auto"


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_run_sheet_isolates_its_content(staff_client, place, language, content):
    panel = place.panel

    page = parse(
        staff_client.get(
            address(
                "panels:panel-runsheet", language, meeting_slug=panel.meeting.slug, pk=panel.pk
            )
        )
    )

    assert_isolated(
        page, content, ["meeting", "venue", "panel", "room", "moderator", "name", "item"]
    )


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_timekeeper_isolates_its_content_and_what_its_script_fills(
    staff_client, place, language, content
):
    panel = place.panel

    page = parse(
        staff_client.get(
            address(
                "panels:panel-timekeeper", language, meeting_slug=panel.meeting.slug, pk=panel.pk
            )
        )
    )

    assert_isolated(page, content, ["panel", "room", "moderator", "name", "item"])
    # static/js/timekeeper.js writes the titles and names into these elements.
    filled = {
        name: node
        for node in page.iter()
        if (name := node.attrs.get("data-tk"))
        in {"title", "speaker-name", "next-title", "next-speaker-name"}
    }
    assert {name: is_isolating(node) for name, node in filled.items()} == {
        "title": True,
        "speaker-name": True,
        "next-title": True,
        "next-speaker-name": True,
    }


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_changes_page_isolates_the_content_in_its_sentences(client, place, language, content):
    panel = place.panel
    record_programme_version(panel.meeting)
    panel.title = content["item"]
    panel.room = Room.objects.create(meeting=panel.meeting, name=content["organisation"])
    panel.save()
    record_programme_version(panel.meeting)

    page = parse(client.get(address("panels:meeting-changes", language, slug=panel.meeting.slug)))

    # "“<panel>” was renamed “<item>”.", "“<item>” moved from <room> to <organisation>."
    assert_isolated(page, content, ["meeting", "panel", "item", "room", "organisation"])


def test_change_in_html_isolates_titles_names_and_rooms_and_escapes_them():
    old = {
        "id": 1,
        "title": "<b>Panel</b>",
        "kind": "panel",
        "cancelled": False,
        "date": "2017-02-16",
        "start": "15:00",
        "end": "16:30",
        "room": "",
        "people": [],
        "items": [],
    }
    new = old | {"title": "الأبعاد الإقليمية", "room": "Room & 4"}

    renamed, room = changelog.session_changes(old, new)

    assert (renamed.text, renamed.html) == (
        "“<b>Panel</b>” was renamed “الأبعاد الإقليمية”.",
        "<bdi>“&lt;b&gt;Panel&lt;/b&gt;”</bdi> was renamed <bdi>“الأبعاد الإقليمية”</bdi>.",
    )
    assert room.html == "<bdi>“الأبعاد الإقليمية”</bdi> is now in <bdi>Room &amp; 4</bdi>."


# The answer page


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_answer_page_isolates_its_content(client, place, language, content, email_site):
    url = address("panels:panellist-answer", language, secret=services.issue_link(place))

    page = parse(client.get(url))

    assert_isolated(page, content, ["meeting", "venue", "panel", "room", "name", "item"])


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_answer_page_inputs_take_the_direction_of_what_is_typed(
    client, place, language, content, email_site
):
    url = address("panels:panellist-answer", language, secret=services.issue_link(place))

    page = parse(client.get(url))

    form = page.find("form", "answer-form")
    typed = [
        node
        for node in form.find_all("input") + form.find_all("textarea")
        if node.tag == "textarea" or node.attrs.get("type") == "text"
    ]
    assert {node.attrs["name"]: node.attrs.get("dir") for node in typed} == {
        "presentation_title": "auto",
        "position": "auto",
        "organisation": "auto",
        "bio": "auto",
        "note": "auto",
        "reason": "auto",
    }


# The admin


@pytest.mark.parametrize("content", [ARABIC], ids=["arabic"])
def test_admin_text_inputs_take_the_direction_of_what_is_typed(admin_client, place, content):
    page = parse(admin_client.get(reverse("admin:panels_panel_change", args=[place.panel.pk])))

    fields = {
        node.attrs["name"]: (node.tag, node.attrs.get("dir"))
        for node in page.iter()
        if node.attrs.get("name")
        # The translated fields' English inputs (each language has its own).
        in {
            "title_en",
            "sections-0-heading_en",
            "sections-0-body_en",
            "panellists-1-function",
            "date",
        }
    }
    assert fields == {
        "title_en": ("input", "auto"),
        "panellists-1-function": ("input", "auto"),
        "sections-0-heading_en": ("input", "auto"),
        "sections-0-body_en": ("textarea", "auto"),
        "date": ("input", None),
    }


# Fonts


def test_stylesheet_names_fonts_for_arabic_and_chinese_on_each_system():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()

    assert [selector in css for selector in ("body:lang(ar)", "body:lang(zh-Hans)")] == [True] * 2
    fonts = ["Segoe UI", "Tahoma", "Geeza Pro", "Noto Sans Arabic", "Microsoft YaHei"]
    fonts += ["PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Droid Sans Fallback"]
    assert [font for font in fonts if font not in css] == []


# Emails (their HTML alternative; plain text cannot isolate)


@pytest.mark.parametrize(("language", "content"), LANGUAGES)
def test_invitation_html_isolates_its_content(place, language, content, email_site):
    place.person.preferred_language = language
    place.person.save()

    message = mail.link_email(
        "invitation",
        place,
        secret="secret",
        deadline=datetime(2099, 2, 14, 22, 0, tzinfo=UTC),
        replaces_link=False,
    )

    page = parse_html(message.alternatives[0][0])
    assert page.find("html").attrs["lang"] == language
    assert_isolated(page, content, ["meeting", "venue", "panel", "room", "name", "item"])


@pytest.mark.parametrize("content", [ARABIC], ids=["arabic"])
def test_answer_notice_html_isolates_its_content_and_notes(place, content, email_site):
    place.decline_reason = "السفر غير ممكن."
    place.note_to_secretariat = "أحتاج إلى ترجمة شفوية."
    place.status = Panellist.Status.DECLINED
    place.responded_at = datetime(2099, 2, 10, 12, 0, tzinfo=UTC)

    message = mail.answer_notice(place, to="secretariat@example.org", admin_path="/admin/x/")
    page = parse_html(message.alternatives[0][0])

    notes = content | {"reason": place.decline_reason, "note": place.note_to_secretariat}
    assert_isolated(page, notes, ["meeting", "panel", "name", "reason", "note"])
