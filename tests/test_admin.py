"""The admin as the secretariat uses it: every page opens, valid data saves, bad data is
explained beside its field, and list pages cost the same number of queries for 1 or 10 rows.
A panel's running order is generated, reordered, checked and published here (issue 3); what
happens to a removed panellist's segments is said. Stale saves are in ``test_locking``.

POST data for change pages is read from the rendered page, as a browser would send it, so the
inline formsets' management forms are always right.
"""

import re
from datetime import UTC, date, datetime, time
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape
from playwright.sync_api import expect

from panels import services
from panels.models import ConceptNoteSection, Meeting, Panel, Panellist, Person, Segment
from panels.validators import iana_time_zones
from tests.test_browser import headless_chromium, sign_in

ANSWERED_AT = datetime(2017, 1, 20, 14, 30, tzinfo=UTC)

# ---------------------------------------------------------------------------------------------
# Reading the rendered admin form


class AdminFormParser(HTMLParser):
    """Collect what a browser submits from an admin change form, and each select's options.

    ``data`` maps field names to values (unchecked checkboxes and the inlines' ``__prefix__``
    templates left out); ``options`` maps each select's name to its ``(value, label)`` pairs.
    """

    SKIPPED_INPUTS = {"submit", "button", "reset", "image", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self.options = {}
        self._in_form = False
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name", "")
        if tag == "input" and name and attrs.get("type", "text") not in self.SKIPPED_INPUTS:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._set(name, attrs.get("value") or "on")
            else:
                self._set(name, attrs.get("value") or "")
        elif tag == "select":
            self._select = {"name": name, "options": [], "selected": None}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "label": "",
                "selected": "selected" in attrs,
            }
        elif tag == "textarea":
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data
        elif self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["label"] if option["value"] is None else option["value"]
            self._select["options"].append((value, option["label"].strip()))
            if option["selected"]:
                self._select["selected"] = value
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            self.options[select["name"]] = select["options"]
            value = select["selected"]
            if value is None and select["options"]:
                value = select["options"][0][0]
            if value is not None:
                self._set(select["name"], value)
        elif tag == "textarea" and self._textarea is not None:
            textarea, self._textarea = self._textarea, None
            # The HTML parser keeps the newline that browsers drop after <textarea>.
            self._set(textarea["name"], textarea["text"].removeprefix("\n"))

    def _set(self, name, value):
        if "__prefix__" not in name:
            self.data[name] = value


def parse_form(response):
    assert response.status_code == 200
    parser = AdminFormParser()
    parser.feed(response.content.decode())
    return parser


def form_data(response):
    """The POST data a browser would send for the admin form on ``response``'s page."""
    return parse_form(response).data


def add_row(data, prefix, **fields):
    """Add a new row to the inline formset ``prefix`` in POST ``data``; return its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return index


def row_index(data, prefix, pk):
    """The index of the row showing the object with primary key ``pk`` in ``prefix``."""
    for name, value in data.items():
        match = re.fullmatch(rf"{prefix}-(\d+)-id", name)
        if match and value == str(pk):
            return int(match.group(1))
    raise AssertionError(f"no row for {pk} in {prefix}")


def inline_formset(response, model):
    """The bound formset of ``model``'s inline on a re-displayed admin form."""
    (inline,) = (
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )
    return inline.formset


def column(response, name):
    """The texts of column ``name`` of a changelist or a tabular inline, row by row.

    The template row that an inline copies for "Add another" is left out.
    """
    page = re.sub(r'<tr class="[^"]*empty-form.*?</tr>', "", response.content.decode(), flags=re.S)
    cells = re.findall(rf'<t[dh] class="field-{name}[^"]*">(.*?)</t[dh]>', page, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def readonly_value(response, name):
    """The text of read-only field ``name`` on a change page."""
    match = re.search(
        rf'field-{name}\b.*?<div class="readonly">(.*?)</div>', response.content.decode(), re.S
    )
    assert match, f"no read-only field {name}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def text_of(html):
    """The text of an HTML fragment, tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def checks_column(response):
    """The panel list's "checks" column, row by row: "OK", or ``(summary, [finding, ...])``."""
    cells = re.findall(r'<td class="field-checks">(.*?)</td>', response.content.decode(), re.S)
    rows = []
    for cell in cells:
        summary = re.search(r"<summary>(.*?)</summary>", cell, re.S)
        if summary is None:
            rows.append(text_of(cell))
        else:
            items = re.findall(r"<li[^>]*>(.*?)</li>", cell, re.S)
            rows.append((text_of(summary.group(1)), [text_of(item) for item in items]))
    return rows


def findings_field(response):
    """The findings listed in the panel page's read-only "checks" field, or its text."""
    match = re.search(
        r'field-findings\b.*?<div class="readonly">(.*?)</div>', response.content.decode(), re.S
    )
    assert match, "no checks field"
    items = re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)
    return [text_of(item) for item in items] if items else text_of(match.group(1))


def messages_of(response):
    """The messages shown on ``response``'s page, as text (the admin links object names)."""
    return [text_of(str(message)) for message in response.context["messages"]]


def public_running_order(client, panel):
    """The rows of the public panel page's running order: (time, minutes, item, speaker)."""
    page = client.get(panel.get_absolute_url()).content.decode()
    table = re.search(r'<table class="running-order">.*?<tbody>(.*?)</tbody>', page, re.S)
    return [
        tuple(text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:panels_{model._meta.model_name}_{view}", args=args)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def panel(make_panel):
    """A 90-minute panel (15:00-16:30 in New York) with no one on it yet."""
    return make_panel(title="Migration and the 2030 Agenda")


@pytest.fixture
def moderator(panel, make_person, make_panellist):
    return make_panellist(
        panel, person=make_person(name="Amina Example"), role=Panellist.Role.MODERATOR
    )


@pytest.fixture
def speaker(panel, make_person, make_panellist):
    return make_panellist(panel, person=make_person(name="Jorge Example"))


@pytest.fixture
def full_panel(panel, moderator, speaker, make_segment, make_section):
    """The panel with a concept note, a moderator, a speaker and an 85-minute running order."""
    make_section(panel, heading="Background", order=0)
    make_section(panel, heading="Organization", order=1)
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 20, speaker=speaker)
    make_segment(panel, 60, kind=Segment.Kind.DISCUSSION)
    return panel


@pytest.fixture
def frozen_answers(monkeypatch):
    """Make ``services.record_answer`` stamp ``ANSWERED_AT`` as the time of each answer."""
    monkeypatch.setattr(services.answers, "timezone", SimpleNamespace(now=lambda: ANSWERED_AT))


# ---------------------------------------------------------------------------------------------
# Every page opens


@pytest.mark.parametrize("model", [Meeting, Panel, Person, Panellist])
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_admin_page_opens(admin_client, full_panel, moderator, model, view):
    objects = {Meeting: full_panel.meeting, Panel: full_panel, Person: moderator.person}
    obj = objects.get(model, moderator)
    args = [obj.pk] if view == "change" else []

    response = admin_client.get(admin_url(model, view, *args))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Migration"},
        {"q": "Conference Room"},
        {"date__year": "2017", "date__month": "2"},
        {"is_published__exact": "1"},
        {"o": "9"},
    ],
)
def test_panel_changelist_search_filters_and_sorting_open(admin_client, full_panel, query):
    response = admin_client.get(admin_url(Panel, "changelist"), query)

    assert column(response, "title") == ["Migration and the 2030 Agenda"]


def test_panellist_changelist_filtered_by_meeting_opens(admin_client, full_panel):
    query = {"panel__meeting__id__exact": full_panel.meeting.pk, "q": "Amina"}

    response = admin_client.get(admin_url(Panellist, "changelist"), query)

    assert column(response, "person") == ["Amina Example"]


# ---------------------------------------------------------------------------------------------
# Meetings


def test_meeting_add_saves_valid_post(admin_client):
    data = {
        "title": "Fifteenth Coordination Meeting on International Migration",
        "slug": "cm15-migration-2017",
        "organiser": "UN DESA Population Division",
        "venue": "United Nations Headquarters, New York",
        "start_date": "2017-02-16",
        "end_date": "2017-02-17",
        "time_zone": "America/New_York",
        "status": Meeting.Status.DRAFT,
    }

    response = admin_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.slug, meeting.time_zone, meeting.status) == (
        "cm15-migration-2017",
        "America/New_York",
        Meeting.Status.DRAFT,
    )


def test_meeting_add_page_has_no_panels_inline(admin_client, db):
    response = admin_client.get(admin_url(Meeting, "add"))

    assert response.context["inline_admin_formsets"] == []


def test_meeting_change_saves_rendered_form_with_panels(admin_client, full_panel):
    meeting = full_panel.meeting
    page = admin_client.get(admin_url(Meeting, "change", meeting.pk))
    data = form_data(page)
    data["venue"] = "Conference Room 2"
    index = row_index(data, "panels", full_panel.pk)
    data[f"panels-{index}-room"] = "Trusteeship Council Chamber"

    response = admin_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    full_panel.refresh_from_db()
    assert (meeting.venue, full_panel.room) == (
        "Conference Room 2",
        "Trusteeship Council Chamber",
    )


def test_meeting_panels_inline_shows_running_order_total(admin_client, full_panel):
    response = admin_client.get(admin_url(Meeting, "change", full_panel.meeting.pk))

    assert column(response, "total") == ["85 of 90 minutes"]


def test_meeting_time_zone_select_lists_sorted_iana_zones(admin_client, db):
    response = admin_client.get(admin_url(Meeting, "add"))

    values = [value for value, _label in parse_form(response).options["time_zone"]]
    assert values == ["", *sorted(iana_time_zones())]


def test_meeting_time_zone_not_iana_rejected_with_explanation(admin_client, make_meeting):
    meeting = make_meeting()
    data = form_data(admin_client.get(admin_url(Meeting, "change", meeting.pk)))
    data["time_zone"] = "Europe/Geneva"

    response = admin_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "“Europe/Geneva” is not an IANA time zone. Use the zone of the city whose clocks the "
        "venue follows, for example Europe/Zurich for Geneva or America/New_York for New York."
    ]
    meeting.refresh_from_db()
    assert meeting.time_zone == "America/New_York"


def test_meeting_time_zone_stored_invalid_is_shown_selected(admin_client, make_meeting):
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(time_zone="Europe/Geneva")

    response = admin_client.get(admin_url(Meeting, "change", meeting.pk))

    assert form_data(response)["time_zone"] == "Europe/Geneva"


# ---------------------------------------------------------------------------------------------
# Panels: the list and the running order's total


@pytest.mark.parametrize(
    ("durations", "expected"),
    [
        ([], "0 of 90 minutes"),
        ([5, 20, 60], "85 of 90 minutes"),
        ([5, 20, 60, 10], "95 of 90 minutes: over by 5 minutes"),
    ],
)
def test_panel_changelist_shows_running_order_total(
    admin_client, panel, make_segment, durations, expected
):
    for minutes in durations:
        make_segment(panel, minutes)

    response = admin_client.get(admin_url(Panel, "changelist"))

    assert column(response, "total") == [expected]


def test_panel_changelist_shows_times_with_time_zone(admin_client, panel):
    response = admin_client.get(admin_url(Panel, "changelist"))

    assert (
        column(response, "start_time"),
        column(response, "end_time"),
        column(response, "meeting__time_zone"),
    ) == (["3 p.m."], ["4:30 p.m."], ["America/New_York"])


def test_panel_change_page_shows_running_order_total_and_zone(admin_client, full_panel):
    response = admin_client.get(admin_url(Panel, "change", full_panel.pk))

    assert (readonly_value(response, "total"), readonly_value(response, "time_zone")) == (
        "85 of 90 minutes",
        "America/New_York",
    )


def test_panel_pages_open_when_meeting_zone_is_invalid(admin_client, full_panel):
    Meeting.objects.filter(pk=full_panel.meeting_id).update(time_zone="Europe/Geneva")

    changelist = admin_client.get(admin_url(Panel, "changelist"))
    change = admin_client.get(admin_url(Panel, "change", full_panel.pk))

    assert (column(changelist, "total"), readonly_value(change, "total")) == (["-"], "-")
    assert column(change, "planned_time") == ["-", "-", "-"]


def test_panel_change_page_shows_planned_times_of_segments(admin_client, full_panel):
    response = admin_client.get(admin_url(Panel, "change", full_panel.pk))

    assert column(response, "planned_time") == ["15:00–15:05", "15:05–15:25", "15:25–16:25"]


@pytest.mark.parametrize("panels", [1, 10])
def test_panel_changelist_queries_do_not_grow_with_panels(
    admin_client,
    make_meeting,
    make_panel,
    make_panellist,
    make_segment,
    panels,
    django_assert_max_num_queries,
):
    meeting = make_meeting()
    for number in range(panels):
        panel = make_panel(meeting, title=f"Panel {number}")
        make_segment(panel, 30, speaker=make_panellist(panel))

    # Session, user, meeting filter, 2 counts, the page with its people and running order (3),
    # its meetings' panels with their people for double bookings (2), the date hierarchy's 2.
    with django_assert_max_num_queries(12):
        response = admin_client.get(admin_url(Panel, "changelist"))

    assert len(column(response, "total")) == panels
    assert (
        checks_column(response)
        == [
            (
                "2 warnings",
                [
                    "Warning: 60 minutes of the slot are not allocated.",
                    "Warning: “Presentation” (15:00–15:30) lasts 30 minutes, longer than the 10 "
                    "minutes a presentation may last.",
                ],
            )
        ]
        * panels
    )


@pytest.mark.parametrize("panels", [1, 10])
def test_panellist_changelist_queries_do_not_grow_with_panellists(
    admin_client,
    make_meeting,
    make_panel,
    make_panellist,
    panels,
    django_assert_max_num_queries,
):
    meeting = make_meeting()
    for number in range(panels):
        make_panellist(make_panel(meeting, title=f"Panel {number}"))

    # Session, user, meeting filter, 2 counts, the page.
    with django_assert_max_num_queries(6):
        response = admin_client.get(admin_url(Panellist, "changelist"))

    assert len(column(response, "person")) == panels


# ---------------------------------------------------------------------------------------------
# Panels: saving the page with its three inlines


def test_panel_add_saves_with_inlines(admin_client, make_meeting, make_person):
    meeting = make_meeting()
    person = make_person(name="Amina Example")
    data = {
        "meeting": meeting.pk,
        "title": "Migration and the 2030 Agenda",
        "date": "2017-02-16",
        "start_time": "15:00",
        "end_time": "16:30",
        "room": "Conference Room 4",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
        "is_published": "on",
    }
    for prefix in ("sections", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    add_row(data, "sections", heading="Background", body="Text.", order="0")
    add_row(
        data,
        "panellists",
        person=person.pk,
        role=Panellist.Role.MODERATOR,
        order="0",
        answer=Panellist.Status.INVITED,
    )
    add_row(data, "segments", kind=Segment.Kind.OPENING, duration_minutes="5", order="0")

    response = admin_client.post(admin_url(Panel, "add"), data)

    assert response.status_code == 302
    panel = Panel.objects.get()
    assert (
        list(panel.sections.values_list("heading", flat=True)),
        list(panel.panellists.values_list("person__name", "role")),
        list(panel.segments.values_list("kind", "duration_minutes")),
    ) == (["Background"], [("Amina Example", "moderator")], [("opening", 5)])


def test_panel_change_saves_rendered_form(admin_client, full_panel):
    page = admin_client.get(admin_url(Panel, "change", full_panel.pk))
    data = form_data(page)
    data["title"] = "Migration and sustainable development"
    add_row(data, "segments", kind=Segment.Kind.CONCLUDING, duration_minutes="5", order="3")

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    full_panel.refresh_from_db()
    assert full_panel.title == "Migration and sustainable development"
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60, 5]


def test_panel_change_unchanged_post_changes_nothing(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert (
        full_panel.sections.count(),
        full_panel.panellists.count(),
        full_panel.segments.count(),
    ) == (2, 2, 3)


# ---------------------------------------------------------------------------------------------
# Panels: the speaker select


def test_segment_speaker_choices_are_this_panels_panellists(
    admin_client, full_panel, moderator, speaker, make_panel, make_panellist
):
    make_panellist(make_panel(full_panel.meeting, title="Another panel"))

    response = admin_client.get(admin_url(Panel, "change", full_panel.pk))

    options = parse_form(response).options
    expected = [
        ("", "---------"),
        (str(moderator.pk), "Amina Example (Moderator)"),
        (str(speaker.pk), "Jorge Example (Panellist)"),
    ]
    assert (options["segments-0-speaker"], options["segments-2-speaker"]) == (expected, expected)


def test_segment_speaker_choices_empty_on_add_page(admin_client, full_panel):
    response = admin_client.get(admin_url(Panel, "add"))

    formset = inline_formset(response, Segment)
    assert list(formset.empty_form.fields["speaker"].choices) == [("", "---------")]


def test_segment_speaker_from_another_panel_rejected(
    admin_client, full_panel, make_panel, make_panellist
):
    stranger = make_panellist(make_panel(full_panel.meeting, title="Another panel"))
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-2-speaker"] = str(stranger.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    errors = inline_formset(response, Segment).forms[2].errors
    assert errors == {"speaker": ["The speaker must be a panellist of this panel."]}
    assert full_panel.segments.filter(speaker=stranger).exists() is False


@pytest.mark.parametrize("minutes", ["0", "1441"])
def test_segment_duration_out_of_range_shown_beside_field(admin_client, full_panel, minutes):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-1-duration_minutes"] = minutes

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    errors = inline_formset(response, Segment).forms[1].errors
    assert errors == {
        "duration_minutes": ["A segment lasts at least one minute and at most a day."]
    }
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_panellist_removed_while_editing_their_segment_leaves_it_without_speaker(
    admin_client, full_panel, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"
    data["segments-1-title"] = "Keynote"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    segment = full_panel.segments.get(order=1)
    assert (segment.title, segment.speaker) == ("Keynote", None)


# ---------------------------------------------------------------------------------------------
# Panels: one moderator, one place per person


def moderator_error(*names):
    return (
        f"A panel has only one moderator, but {' and '.join(names)} are each marked as "
        "moderator. Keep one and change the others’ roles."
    )


def test_panellists_two_new_moderators_rejected(admin_client, panel, make_person):
    first, second = make_person(name="Amina Example"), make_person(name="Jorge Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    for person in (first, second):
        add_row(
            data, "panellists", person=person.pk, role="moderator", order="0", answer="invited"
        )

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert [form.errors.get("role") for form in formset.forms] == [
        ["Only one panellist can be the moderator."],
        ["Only one panellist can be the moderator."],
    ]
    assert escape(moderator_error("Amina Example", "Jorge Example")) in response.content.decode()
    assert Panellist.objects.count() == 0


def test_panel_add_two_moderators_rejected(admin_client, make_meeting, make_person):
    meeting = make_meeting()
    first, second = make_person(name="Amina Example"), make_person(name="Jorge Example")
    data = {
        "meeting": meeting.pk,
        "title": "New panel",
        "date": "2017-02-16",
        "start_time": "10:00",
        "end_time": "11:00",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
    }
    for prefix in ("sections", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    for person in (first, second):
        add_row(
            data, "panellists", person=person.pk, role="moderator", order="0", answer="invited"
        )

    response = admin_client.post(admin_url(Panel, "add"), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert (Panel.objects.count(), Panellist.objects.count()) == (0, 0)


def test_panellists_new_moderator_beside_existing_one_rejected(
    admin_client, panel, moderator, make_person
):
    newcomer = make_person(name="Jorge Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(data, "panellists", person=newcomer.pk, role="moderator", order="1", answer="invited")

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert list(panel.panellists.values_list("person__name", flat=True)) == ["Amina Example"]


@pytest.mark.parametrize("moderator_order", [0, 1], ids=["demoted-first", "promoted-first"])
def test_panellists_moderator_swap_saves(admin_client, panel, moderator, speaker, moderator_order):
    Panellist.objects.filter(pk=moderator.pk).update(order=moderator_order)
    Panellist.objects.filter(pk=speaker.pk).update(order=1 - moderator_order)
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-role"] = "panellist"
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    roles = dict(panel.panellists.values_list("person__name", "role"))
    assert roles == {"Amina Example": "panellist", "Jorge Example": "moderator"}


def test_panellists_moderator_replaced_by_deleting_old_row_saves(
    admin_client, panel, moderator, speaker
):
    Panellist.objects.filter(pk=speaker.pk).update(order=0)
    Panellist.objects.filter(pk=moderator.pk).update(order=1)
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-DELETE"] = "on"
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    assert list(panel.panellists.values_list("person__name", "role")) == [
        ("Jorge Example", "moderator")
    ]


def test_panellists_same_person_twice_rejected(admin_client, panel, speaker):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(
        data, "panellists", person=speaker.person.pk, role="panellist", order="1", answer="invited"
    )

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [
        "The same person is listed more than once. A person can have only one place on a "
        "panel: remove the extra row."
    ]
    assert formset.forms[1].non_field_errors() == ["This person is already listed above."]
    assert panel.panellists.count() == 1


# ---------------------------------------------------------------------------------------------
# Panellists: answers go through services.record_answer


def test_panellist_inline_status_change_stamps_responded_at(
    admin_client, panel, speaker, frozen_answers
):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-answer"] = "confirmed"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.status, speaker.responded_at) == (Panellist.Status.CONFIRMED, ANSWERED_AT)


def test_panellist_inline_new_row_with_answer_stamps_responded_at(
    admin_client, panel, make_person, frozen_answers
):
    person = make_person(name="Amina Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(data, "panellists", person=person.pk, role="panellist", order="0", answer="declined")

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    panellist = panel.panellists.get()
    assert (panellist.status, panellist.responded_at) == (
        Panellist.Status.DECLINED,
        ANSWERED_AT,
    )


def test_panellist_change_status_stamps_responded_at(admin_client, speaker, frozen_answers):
    data = form_data(admin_client.get(admin_url(Panellist, "change", speaker.pk)))
    data["answer"] = "withdrawn"

    response = admin_client.post(admin_url(Panellist, "change", speaker.pk), data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.status, speaker.responded_at) == (Panellist.Status.WITHDRAWN, ANSWERED_AT)


def test_panellist_change_back_to_invited_clears_responded_at(admin_client, speaker):
    services.record_answer(speaker, Panellist.Status.CONFIRMED, at=ANSWERED_AT)
    data = form_data(admin_client.get(admin_url(Panellist, "change", speaker.pk)))
    data["answer"] = "invited"

    response = admin_client.post(admin_url(Panellist, "change", speaker.pk), data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.status, speaker.responded_at) == (Panellist.Status.INVITED, None)


def test_panellist_change_other_field_keeps_answer(admin_client, speaker):
    services.record_answer(speaker, Panellist.Status.CONFIRMED, at=ANSWERED_AT)
    data = form_data(admin_client.get(admin_url(Panellist, "change", speaker.pk)))
    data["presentation_title"] = "Remittances and development"

    response = admin_client.post(admin_url(Panellist, "change", speaker.pk), data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.presentation_title, speaker.status, speaker.responded_at) == (
        "Remittances and development",
        Panellist.Status.CONFIRMED,
        ANSWERED_AT,
    )


def test_panellist_changelist_shows_answer_time_with_zone(admin_client, speaker):
    services.record_answer(speaker, Panellist.Status.CONFIRMED, at=ANSWERED_AT)

    response = admin_client.get(admin_url(Panellist, "changelist"))

    assert column(response, "answered_at") == ["Jan. 20, 2017, 2:30 p.m. (UTC)"]


def test_panellist_add_saves_valid_post(admin_client, panel, make_person, frozen_answers):
    person = make_person(name="Amina Example")
    data = {
        "panel": panel.pk,
        "person": person.pk,
        "role": Panellist.Role.CHAIR,
        "order": "0",
        "presentation_title": "",
        "answer": Panellist.Status.CONFIRMED,
    }

    response = admin_client.post(admin_url(Panellist, "add"), data)

    assert response.status_code == 302
    panellist = Panellist.objects.get()
    assert (panellist.role, panellist.status, panellist.responded_at) == (
        Panellist.Role.CHAIR,
        Panellist.Status.CONFIRMED,
        ANSWERED_AT,
    )


def test_panellist_speaking_in_running_order_cannot_move_panel(
    admin_client, full_panel, speaker, make_panel
):
    other = make_panel(full_panel.meeting, title="Labour migration")
    data = form_data(admin_client.get(admin_url(Panellist, "change", speaker.pk)))
    data["panel"] = str(other.pk)

    response = admin_client.post(admin_url(Panellist, "change", speaker.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "panel": [
            "This panellist speaks in the running order of “Migration and the 2030 Agenda”. "
            "Choose another speaker there before moving them to another panel."
        ]
    }
    speaker.refresh_from_db()
    assert speaker.panel == full_panel


def test_panellist_add_second_moderator_shown_beside_role(
    admin_client, panel, moderator, make_person
):
    data = {
        "panel": panel.pk,
        "person": make_person(name="Jorge Example").pk,
        "role": Panellist.Role.MODERATOR,
        "order": "1",
        "answer": Panellist.Status.INVITED,
    }

    response = admin_client.post(admin_url(Panellist, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "role": ["This panel already has a moderator. Change that person's role first."]
    }


def test_panellist_action_mark_confirmed_records_answers(
    admin_client, panel, moderator, speaker, frozen_answers
):
    services.record_answer(moderator, Panellist.Status.CONFIRMED, at=ANSWERED_AT)
    data = {"action": "mark_confirmed", "_selected_action": [moderator.pk, speaker.pk]}

    response = admin_client.post(admin_url(Panellist, "changelist"), data, follow=True)

    speaker.refresh_from_db()
    assert (speaker.status, speaker.responded_at) == (Panellist.Status.CONFIRMED, ANSWERED_AT)
    assert [str(message) for message in response.context["messages"]] == [
        "1 panellist marked as “Confirmed”.",
        "1 panellist already had the status “Confirmed”.",
    ]


# ---------------------------------------------------------------------------------------------
# People


def test_person_add_saves_valid_post(admin_client, db):
    data = {
        "honorific": "H.E. Ms.",
        "name": "Amina Example",
        "position": "Permanent Representative",
        "organisation": "Example Mission",
        "email": "amina@example.org",
        "bio": "",
        "panel_places-TOTAL_FORMS": "0",
        "panel_places-INITIAL_FORMS": "0",
    }

    response = admin_client.post(admin_url(Person, "add"), data)

    assert response.status_code == 302
    assert Person.objects.get().display_name == "H.E. Ms. Amina Example"


def test_person_change_saves_rendered_form(admin_client, full_panel, moderator):
    data = form_data(admin_client.get(admin_url(Person, "change", moderator.person.pk)))
    data["organisation"] = "UN DESA"

    response = admin_client.post(admin_url(Person, "change", moderator.person.pk), data)

    assert response.status_code == 302
    moderator.person.refresh_from_db()
    assert moderator.person.organisation == "UN DESA"


def test_person_page_lists_their_panels(
    admin_client, panel, moderator, make_panel, make_panellist
):
    later = make_panel(panel.meeting, title="Labour migration", date=panel.meeting.end_date)
    make_panellist(later, person=moderator.person, role=Panellist.Role.PANELLIST)

    response = admin_client.get(admin_url(Person, "change", moderator.person.pk))

    links = re.findall(
        r'<td class="field-panel_link">.*?<a href="([^"]+)">(.*?)</a>',
        response.content.decode(),
        re.S,
    )
    assert links == [
        (admin_url(Panel, "change", panel.pk), "Migration and the 2030 Agenda"),
        (admin_url(Panel, "change", later.pk), "Labour migration"),
    ]
    assert column(response, "role") == ["Moderator", "Panellist"]


def test_person_page_panels_cannot_be_added_there(admin_client, moderator):
    response = admin_client.get(admin_url(Person, "change", moderator.person.pk))

    (inline,) = response.context["inline_admin_formsets"]
    assert (inline.has_add_permission, inline.formset.can_delete) == (False, False)


def test_concept_note_sections_listed_in_order(admin_client, panel, make_section):
    make_section(panel, heading="Organization", order=2)
    make_section(panel, heading="Background", order=1)

    response = admin_client.get(admin_url(Panel, "change", panel.pk))

    formset = inline_formset(response, ConceptNoteSection)
    assert [form.instance.heading for form in formset.forms] == ["Background", "Organization"]


def test_panel_start_time_in_skipped_hour_shown_beside_field(admin_client, make_meeting):
    meeting = make_meeting(start_date=date(2017, 3, 12), end_date=date(2017, 3, 12))
    data = {
        "meeting": meeting.pk,
        "title": "Early panel",
        "date": "2017-03-12",
        "start_time": "02:30",
        "end_time": "04:00",
        "room": "",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
    }
    for prefix in ("sections", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = admin_client.post(admin_url(Panel, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "start_time": [
            "02:30 does not exist on that day in America/New_York: the clocks go forward. "
            "Choose a time outside the skipped hour."
        ]
    }
    assert Panel.objects.exists() is False


# ---------------------------------------------------------------------------------------------
# Deleting and finding


def test_person_on_a_panel_delete_page_explains_protection(admin_client, moderator):
    response = admin_client.post(admin_url(Person, "delete", moderator.person.pk), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"] == [
        f'Panellist: <a href="{admin_url(Panellist, "change", moderator.pk)}">'
        "Amina Example (Moderator)</a>"
    ]
    assert Person.objects.filter(pk=moderator.person.pk).exists() is True


def test_panel_delete_selected_action_deletes_with_running_order(admin_client, full_panel):
    data = {"action": "delete_selected", "_selected_action": [full_panel.pk], "post": "yes"}

    response = admin_client.post(admin_url(Panel, "changelist"), data)

    assert response.status_code == 302
    assert (Panel.objects.count(), Segment.objects.count(), Panellist.objects.count()) == (0, 0, 0)


def test_person_autocomplete_on_panel_page_finds_by_organisation(admin_client, panel, make_person):
    person = make_person(name="Amina Example", organisation="Example Mission")
    query = {
        "app_label": "panels",
        "model_name": "panellist",
        "field_name": "person",
        "term": "Mission",
    }

    response = admin_client.get(reverse("admin:autocomplete"), query)

    assert response.json()["results"] == [{"id": str(person.pk), "text": "Amina Example"}]


def test_panellists_person_swap_between_rows_is_refused_with_a_message_not_an_error(
    admin_client, panel, moderator, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-person"] = str(
        speaker.person_id
    )
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-person"] = str(
        moderator.person_id
    )
    data["title"] = "A title typed in the same save"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith("Nothing was saved:")
    panel.refresh_from_db()
    assert panel.title == "Migration and the 2030 Agenda"
    assert dict(panel.panellists.values_list("pk", "person__name")) == {
        moderator.pk: "Amina Example",
        speaker.pk: "Jorge Example",
    }


def test_panellists_moderator_added_by_someone_else_meanwhile_is_refused_with_a_message(
    admin_client, panel, speaker, make_panellist, make_person
):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    make_panellist(panel, person=make_person(name="Added Meanwhile"), role="moderator")
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith("Nothing was saved:")
    assert panel.panellists.get(pk=speaker.pk).role == "panellist"


# ---------------------------------------------------------------------------------------------
# Panels: generating the standard running order (issue 3, item 2)


@pytest.fixture
def seed_like_panel(panel, moderator, make_person, make_panellist):
    """The panel (15:00-16:30) with a moderator and four panellists, as in the seed."""
    for number in range(1, 5):
        make_panellist(
            panel,
            person=make_person(name=f"Panellist {number}"),
            presentation_title=f"Presentation {number}",
        )
    return panel


def running_order_rows(panel):
    """The saved running order with clock times: (time, title, speaker), in running order."""
    panel = Panel.objects.with_running_order().select_related("meeting").get(pk=panel.pk)
    return [
        (
            f"{timed.start:%H:%M}–{timed.end:%H:%M}",
            timed.item.display_title,
            str(timed.item.speaker.person) if timed.item.speaker else "",
        )
        for timed in panel.timed_segments()
    ]


SEED_RUNNING_ORDER = [
    ("15:00–15:05", "Opening remarks", "Amina Example"),
    ("15:05–15:15", "Presentation 1", "Panellist 1"),
    ("15:15–15:25", "Presentation 2", "Panellist 2"),
    ("15:25–15:35", "Presentation 3", "Panellist 3"),
    ("15:35–15:45", "Presentation 4", "Panellist 4"),
    ("15:45–16:25", "Discussion / Q&A", "Amina Example"),
    ("16:25–16:30", "Concluding remarks", "Amina Example"),
]


def test_panel_action_generate_builds_the_seed_running_order(admin_client, seed_like_panel):
    version = seed_like_panel.version
    data = {"action": "generate_running_order", "_selected_action": [seed_like_panel.pk]}

    response = admin_client.post(admin_url(Panel, "changelist"), data, follow=True)

    assert messages_of(response) == [
        "Generated the standard running order of “Migration and the 2030 Agenda”: 7 segments, "
        "15:00–16:30 (America/New_York)."
    ]
    assert running_order_rows(seed_like_panel) == SEED_RUNNING_ORDER
    seed_like_panel.refresh_from_db()
    assert seed_like_panel.version == version + 1
    entry = LogEntry.objects.get(object_id=str(seed_like_panel.pk))
    assert entry.get_change_message() == (
        "Added segment “Opening remarks”. Added segment “Presentation 1”. "
        "Added segment “Presentation 2”. Added segment “Presentation 3”. "
        "Added segment “Presentation 4”. Added segment “Discussion / Q&A”. "
        "Added segment “Concluding remarks”."
    )


def test_panel_action_generate_never_overwrites_a_running_order(
    admin_client, full_panel, make_panel, make_panellist, make_person
):
    empty = make_panel(full_panel.meeting, title="Labour migration", date=date(2017, 2, 17))
    make_panellist(empty, person=make_person(name="Chair Person"), role=Panellist.Role.CHAIR)
    data = {"action": "generate_running_order", "_selected_action": [full_panel.pk, empty.pk]}

    response = admin_client.post(admin_url(Panel, "changelist"), data, follow=True)

    assert messages_of(response) == [
        "Generated the standard running order of “Labour migration”: 3 segments, 15:00–16:30 "
        "(America/New_York).",
        "Not generated for “Migration and the 2030 Agenda”: it already has a running order, "
        "and generating never overwrites one. To generate it again, delete its segments first.",
    ]
    assert list(full_panel.segments.values_list("kind", "duration_minutes")) == [
        ("opening", 5),
        ("presentation", 20),
        ("discussion", 60),
    ]
    assert running_order_rows(empty) == [
        ("15:00–15:05", "Opening remarks", "Chair Person"),
        ("15:05–16:25", "Discussion / Q&A", "Chair Person"),
        ("16:25–16:30", "Concluding remarks", "Chair Person"),
    ]


def test_panel_action_generate_when_the_slot_is_too_short(admin_client, seed_like_panel):
    Panel.objects.filter(pk=seed_like_panel.pk).update(end_time=time(15, 20))
    data = {"action": "generate_running_order", "_selected_action": [seed_like_panel.pk]}

    response = admin_client.post(admin_url(Panel, "changelist"), data, follow=True)

    assert messages_of(response) == [
        "Not generated for “Migration and the 2030 Agenda”: its 20-minute slot is too short "
        "for the moderator's opening and concluding remarks, a discussion and 4 "
        "presentations. Lengthen the slot, or build the running order by hand."
    ]
    assert seed_like_panel.segments.exists() is False


def test_panel_page_save_and_generate_uses_panellists_added_in_the_same_save(
    admin_client, panel, moderator, make_person
):
    newcomer = make_person(name="Jorge Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(
        data,
        "panellists",
        person=newcomer.pk,
        role="panellist",
        order="1",
        presentation_title="Remittances",
        answer="confirmed",
    )
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    assert response.url == admin_url(Panel, "change", panel.pk)
    assert messages_of(admin_client.get(response.url)) == [
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
        "Generated the standard running order of “Migration and the 2030 Agenda”: 4 segments, "
        "15:00–16:30 (America/New_York).",
    ]
    assert running_order_rows(panel) == [
        ("15:00–15:05", "Opening remarks", "Amina Example"),
        ("15:05–15:15", "Remittances", "Jorge Example"),
        ("15:15–16:25", "Discussion / Q&A", "Amina Example"),
        ("16:25–16:30", "Concluding remarks", "Amina Example"),
    ]


def test_panel_added_with_people_and_generated_in_one_save(
    admin_client, make_meeting, make_person
):
    meeting = make_meeting()
    data = {
        "meeting": meeting.pk,
        "title": "Labour migration",
        "date": "2017-02-16",
        "start_time": "10:00",
        "end_time": "11:00",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
        "_generate_running_order": "Save and generate the standard running order",
    }
    for prefix in ("sections", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    for order, (name, role) in enumerate([("Amina Example", "moderator"), ("Jorge", "panellist")]):
        person = make_person(name=name)
        add_row(data, "panellists", person=person.pk, role=role, order=order, answer="invited")

    response = admin_client.post(admin_url(Panel, "add"), data, follow=True)

    panel = Panel.objects.get()
    assert response.redirect_chain == [(admin_url(Panel, "change", panel.pk), 302)]
    assert messages_of(response) == [
        "The panel “Labour migration” was added successfully.",
        "Generated the standard running order of “Labour migration”: 4 segments, 10:00–11:00 "
        "(America/New_York).",
    ]
    assert running_order_rows(panel) == [
        ("10:00–10:05", "Opening remarks", "Amina Example"),
        ("10:05–10:15", "Presentation", "Jorge"),
        ("10:15–10:55", "Discussion / Q&A", "Amina Example"),
        ("10:55–11:00", "Concluding remarks", "Amina Example"),
    ]


def test_panel_page_save_and_generate_keeps_an_existing_running_order(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
        "Not generated for “Migration and the 2030 Agenda”: it already has a running order, "
        "and generating never overwrites one. To generate it again, delete its segments first.",
    ]
    assert full_panel.segments.count() == 3


def test_panel_page_save_and_generate_after_deleting_every_segment(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    for index in range(3):
        data[f"segments-{index}-DELETE"] = "on"
    data["_generate_running_order"] = "Save and generate the standard running order"

    admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert running_order_rows(full_panel) == [
        ("15:00–15:05", "Opening remarks", "Amina Example"),
        ("15:05–15:15", "Presentation", "Jorge Example"),
        ("15:15–16:25", "Discussion / Q&A", "Amina Example"),
        ("16:25–16:30", "Concluding remarks", "Amina Example"),
    ]


def staff_client(client, django_user_model, *codenames):
    """``client`` signed in as a staff member with just the permissions ``codenames``."""
    user = django_user_model.objects.create_user("officer", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("codenames", "offered"),
    [
        (["view_panel", "change_panel", "add_segment", "change_segment", "view_segment"], True),
        (["view_panel", "change_panel", "change_segment", "view_segment"], False),
    ],
    ids=["with-add-segment", "without-add-segment"],
)
def test_panel_generation_needs_change_panel_and_add_segment(
    client, django_user_model, panel, codenames, offered
):
    officer = staff_client(client, django_user_model, *codenames)

    page = officer.get(admin_url(Panel, "change", panel.pk)).content.decode()
    changelist = officer.get(admin_url(Panel, "changelist")).content.decode()

    assert ('name="_generate_running_order"' in page) is offered
    actions = re.findall(r'<option value="([a-z_]+)"', changelist)
    emails = ["invite_unanswered", "send_reminders"]
    # Cancelling takes the permission to change panels; exporting panellists is not offered
    # without the permission to view them (tests/test_csv.py).
    status = ["cancel_panels", "reinstate_panels"]
    assert actions == (
        (["generate_running_order", "publish"] if offered else ["publish"]) + emails + status
    )


def test_panel_page_save_and_generate_refused_without_add_segment(
    client, django_user_model, seed_like_panel
):
    officer = staff_client(
        client, django_user_model, "view_panel", "change_panel", "view_segment", "view_panellist"
    )
    data = form_data(officer.get(admin_url(Panel, "change", seed_like_panel.pk)))
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = officer.post(admin_url(Panel, "change", seed_like_panel.pk), data, follow=True)

    assert messages_of(response)[-1] == (
        "The running order was not generated: you may not add segments."
    )
    assert seed_like_panel.segments.exists() is False


# ---------------------------------------------------------------------------------------------
# Panels: reordering the running order (issue 3, item 3)


def test_segments_swapped_by_their_order_values_follow_everywhere(
    admin_client, client, full_panel
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-0-order"], data["segments-1-order"] = "1", "0"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert running_order_rows(full_panel) == [
        ("15:00–15:20", "Presentation", "Jorge Example"),
        ("15:20–15:25", "Opening remarks", "Amina Example"),
        ("15:25–16:25", "Discussion / Q&A", ""),
    ]
    # Neither has confirmed yet, and the panel shows everyone invited (the default).
    assert public_running_order(client, full_panel) == [
        ("15:00–15:20", "20", "Presentation", "Jorge Example to be confirmed"),
        ("15:20–15:25", "5", "Opening remarks", "Amina Example to be confirmed"),
        ("15:25–16:25", "60", "Discussion / Q&A", ""),
    ]
    changed = column(admin_client.get(admin_url(Panel, "change", full_panel.pk)), "planned_time")
    assert changed == ["15:00–15:20", "15:20–15:25", "15:25–16:25"]


def test_segments_numbered_again_after_saving(admin_client, full_panel):
    full_panel.segments.filter(kind=Segment.Kind.OPENING).update(order=7)
    full_panel.segments.exclude(kind=Segment.Kind.OPENING).update(order=7)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    add_row(data, "segments", kind=Segment.Kind.CONCLUDING, duration_minutes="5", order="3")

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert list(full_panel.segments.values_list("order", "kind")) == [
        (0, "concluding"),
        (1, "opening"),
        (2, "presentation"),
        (3, "discussion"),
    ]


def test_panel_page_loads_the_reordering_script_with_its_wording(admin_client, full_panel):
    page = admin_client.get(admin_url(Panel, "change", full_panel.pk)).content.decode()

    script = re.search(r'<script src="/static/admin/panels/running_order.js"[^>]*>', page)
    assert re.findall(r'data-([a-z-]+)="([^"]*)"', script.group(0)) == [
        ("prefix", "segments"),
        ("move-up", "Move up"),
        ("move-down", "Move down"),
        ("moved", "Moved to position {position} of {total}."),
        ("times-stale", "Planned times are updated when you save."),
    ]


# ---------------------------------------------------------------------------------------------
# Panels: checks on the page, in the list and as a filter (issue 3, item 4)


def overrunning(panel, make_segment, **_):
    make_segment(panel, 60, kind=Segment.Kind.DISCUSSION)
    make_segment(panel, 35, kind=Segment.Kind.CONCLUDING)


def unallocated(panel, make_segment, **_):
    make_segment(panel, 80, kind=Segment.Kind.DISCUSSION)


def presentation_too_long(panel, make_segment, **_):
    make_segment(panel, 15, title="Remittances")
    make_segment(panel, 75, kind=Segment.Kind.DISCUSSION)


def speaker_declined(panel, make_segment, make_panellist, make_person):
    place = make_panellist(
        panel, person=make_person(name="Jorge Example"), status=Panellist.Status.DECLINED
    )
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION, speaker=place)


def speaker_of_another_panel(panel, make_segment, make_panellist, make_person):
    other = Panel.objects.create(
        meeting=panel.meeting,
        title="Labour migration",
        date=panel.meeting.end_date,
        start_time=time(10),
        end_time=time(11),
    )
    stranger = make_panellist(other, person=make_person(name="Jorge Example"))
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION, speaker=stranger)


def double_booked(panel, make_segment, make_panellist, make_person):
    person = make_person(name="Jorge Example")
    make_panellist(panel, person=person)
    other = Panel.objects.create(
        meeting=panel.meeting,
        title="Labour migration",
        date=panel.date,
        start_time=time(16),
        end_time=time(17),
        room="Conference Room 2",
    )
    make_panellist(other, person=person)
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION)
    make_segment(other, 60, kind=Segment.Kind.DISCUSSION)


CHECKS = [
    (overrunning, "1 error", ["Error: The running order overruns the slot by 5 minutes."]),
    (unallocated, "1 warning", ["Warning: 10 minutes of the slot are not allocated."]),
    (
        presentation_too_long,
        "1 warning",
        [
            "Warning: “Remittances” (15:00–15:15) lasts 15 minutes, longer than the 10 minutes a "
            "presentation may last."
        ],
    ),
    (
        speaker_declined,
        "1 warning",
        [
            "Warning: “Discussion / Q&A” (15:00–16:30) is given to Jorge Example, whose status is "
            "“Declined”."
        ],
    ),
    (
        speaker_of_another_panel,
        "1 warning",
        [
            "Warning: “Discussion / Q&A” (15:00–16:30) is given to Jorge Example, who is not a "
            "panellist of this panel."
        ],
    ),
    (
        double_booked,
        "1 warning",
        [
            "Warning: Jorge Example is also on “Labour migration” (Conference Room 2), Feb. 16, "
            "2017 16:00–17:00, which overlaps this panel (Conference Room 4)."
        ],
    ),
]


@pytest.mark.parametrize(
    ("arrange", "summary", "findings"), CHECKS, ids=[check[0].__name__ for check in CHECKS]
)
def test_panel_check_shown_on_the_page_and_in_the_list(
    admin_client, panel, make_segment, make_panellist, make_person, arrange, summary, findings
):
    arrange(
        panel, make_segment=make_segment, make_panellist=make_panellist, make_person=make_person
    )

    page = admin_client.get(admin_url(Panel, "change", panel.pk))
    changelist = admin_client.get(admin_url(Panel, "changelist"), {"q": "2030"})

    assert findings_field(page) == findings
    assert checks_column(changelist) == [(summary, findings)]


def test_panel_without_problems_is_ok(admin_client, panel, make_segment):
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION)

    page = admin_client.get(admin_url(Panel, "change", panel.pk))
    changelist = admin_client.get(admin_url(Panel, "changelist"))

    assert (findings_field(page), checks_column(changelist)) == ("No problems found.", ["OK"])


def test_panel_checks_list_errors_first_and_count_both(admin_client, panel, make_segment):
    make_segment(panel, 15, title="Remittances")
    make_segment(panel, 80, kind=Segment.Kind.DISCUSSION)

    changelist = admin_client.get(admin_url(Panel, "changelist"))

    assert checks_column(changelist) == [
        (
            "1 error, 1 warning",
            [
                "Error: The running order overruns the slot by 5 minutes.",
                "Warning: “Remittances” (15:00–15:15) lasts 15 minutes, longer than the 10 "
                "minutes a presentation may last.",
            ],
        )
    ]


def test_panel_checks_not_run_when_the_meeting_zone_is_invalid(admin_client, full_panel):
    Meeting.objects.filter(pk=full_panel.meeting.pk).update(time_zone="Europe/Geneva")

    page = admin_client.get(admin_url(Panel, "change", full_panel.pk))
    changelist = admin_client.get(admin_url(Panel, "changelist"))

    assert (findings_field(page), checks_column(changelist)) == (
        "Not checked: the meeting's time zone is not valid.",
        ["Not checked: the meeting's time zone is not valid."],
    )


@pytest.mark.parametrize(
    ("problems", "titles"),
    [
        ("overrun", ["Overrunning", "Overrunning with warning"]),
        ("warnings", ["Unallocated", "Overrunning with warning"]),
        ("none", ["Fitting"]),
        (None, ["Fitting", "Unallocated", "Overrunning", "Overrunning with warning"]),
    ],
)
def test_panel_list_filtered_by_problems(
    admin_client, make_meeting, make_panel, make_segment, problems, titles
):
    meeting = make_meeting()
    plans = {
        "Fitting": [90],
        "Unallocated": [80],
        "Overrunning": [95],
        "Overrunning with warning": [15, 80],
    }
    for hour, (title, minutes) in enumerate(plans.items()):
        panel = make_panel(meeting, title=title, start_time=time(9 + 2 * hour))
        panel.end_time = time(10 + 2 * hour, 30)
        panel.save()
        for duration in minutes:
            make_segment(panel, duration, kind=Segment.Kind.PRESENTATION)
    Segment.objects.filter(duration_minutes__in=[80, 90, 95]).update(kind="discussion")
    query = {"problems": problems} if problems else {}

    response = admin_client.get(admin_url(Panel, "changelist"), query)

    assert column(response, "title") == titles
    filters = response.context["cl"].filter_specs
    (problems_filter,) = [spec for spec in filters if spec.title == "problems"]
    assert [choice["display"] for choice in problems_filter.choices(response.context["cl"])] == [
        "All",
        "Overruns its slot",
        "Has warnings",
        "No problems",
    ]


@pytest.mark.parametrize("panels", [1, 10])
def test_panel_list_filtered_by_problems_queries_do_not_grow(
    admin_client, make_meeting, make_panel, make_segment, panels, django_assert_max_num_queries
):
    meeting = make_meeting()
    for number in range(panels):
        make_segment(make_panel(meeting, title=f"Panel {number}"), 95, kind="discussion")

    # The list's 12 (see above), and the filter's: the panels, their people and running
    # order, their meetings' panels and people.
    with django_assert_max_num_queries(17):
        response = admin_client.get(admin_url(Panel, "changelist"), {"problems": "overrun"})

    assert len(column(response, "title")) == panels


# ---------------------------------------------------------------------------------------------
# Panels: publishing only a running order that fits (issue 3, item 4)


def refusal(planned, slot):
    return (
        f"This panel cannot be published: its running order ({planned} minutes) overruns its "
        f"{slot}-minute slot by {planned - slot} minutes. Shorten the running order or "
        "lengthen the slot first, or untick “published” to save it as a draft."
    )


def test_publishing_an_overrunning_panel_refused_beside_published(admin_client, full_panel):
    Panel.objects.filter(pk=full_panel.pk).update(is_published=False)
    full_panel.segments.filter(kind=Segment.Kind.DISCUSSION).update(duration_minutes=70)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["is_published"] = "on"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"is_published": [refusal(95, 90)]}
    assert inline_formset(response, Segment).non_form_errors() == [refusal(95, 90)]
    full_panel.refresh_from_db()
    assert full_panel.is_published is False


def test_published_panel_refuses_submitted_durations_that_overrun(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-1-duration_minutes"] = "30"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    assert inline_formset(response, Segment).non_form_errors() == [refusal(95, 90)]
    assert response.context["adminform"].form.errors == {"is_published": [refusal(95, 90)]}
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_published_panel_refuses_a_shorter_slot_that_it_overruns(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["end_time"] = "16:00"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"is_published": [refusal(85, 60)]}
    full_panel.refresh_from_db()
    assert full_panel.end_time == time(16, 30)


def test_overrun_fixed_and_published_in_one_save(admin_client, full_panel):
    Panel.objects.filter(pk=full_panel.pk).update(is_published=False)
    full_panel.segments.filter(kind=Segment.Kind.DISCUSSION).update(duration_minutes=70)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-2-duration_minutes"] = "65"
    data["is_published"] = "on"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    full_panel.refresh_from_db()
    assert (full_panel.is_published, full_panel.slot_usage_text()) == (
        True,
        "90 of 90 minutes",
    )


def test_publish_action_refuses_overrunning_panels(admin_client, make_meeting, make_panel):
    meeting = make_meeting()
    fitting = make_panel(meeting, title="Fitting", is_published=False)
    over = make_panel(
        meeting, title="Overrunning", is_published=False, start_time=time(17), end_time=time(18)
    )
    done = make_panel(meeting, title="Published already", start_time=time(9), end_time=time(10))
    Segment.objects.create(panel=fitting, kind="discussion", duration_minutes=90)
    Segment.objects.create(panel=over, kind="discussion", duration_minutes=65)
    data = {"action": "publish", "_selected_action": [fitting.pk, over.pk, done.pk]}

    response = admin_client.post(admin_url(Panel, "changelist"), data, follow=True)

    assert messages_of(response) == [
        "Published 1 panel: “Fitting”.",
        "“Published already” was already published.",
        "Not published, because its running order overruns its slot: “Overrunning” (over by 5 "
        "minutes). Shorten the running order or lengthen the slot first.",
    ]
    published = dict(Panel.objects.values_list("title", "is_published"))
    assert published == {"Fitting": True, "Overrunning": False, "Published already": True}
    entry = LogEntry.objects.get(object_id=str(fitting.pk))
    assert entry.get_change_message() == "Changed Published."


# ---------------------------------------------------------------------------------------------
# Panels: removing or replacing a panellist (issue 3, item 5)


def test_removing_a_panellist_keeps_their_segments_without_speaker_and_says_so(
    admin_client, client, full_panel, speaker, make_segment
):
    make_segment(full_panel, 5, kind=Segment.Kind.CONCLUDING, speaker=speaker)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "The running order keeps 2 segments of Jorge Example without a speaker: “Presentation” "
        "and “Concluding remarks”. Choose another speaker for them, or delete them.",
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
    ]
    assert running_order_rows(full_panel) == [
        ("15:00–15:05", "Opening remarks", "Amina Example"),
        ("15:05–15:25", "Presentation", ""),
        ("15:25–16:25", "Discussion / Q&A", ""),
        ("16:25–16:30", "Concluding remarks", ""),
    ]
    page = client.get(full_panel.get_absolute_url()).content.decode()
    assert "Jorge Example" not in page


def test_removing_a_panellist_whose_segment_gets_another_speaker_says_nothing_of_it(
    admin_client, full_panel, moderator, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"
    data["segments-1-speaker"] = str(moderator.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "The panel “Migration and the 2030 Agenda” was changed successfully."
    ]
    assert full_panel.segments.get(order=1).speaker == moderator


def test_replacing_a_panellists_person_hands_over_their_segments(
    admin_client, client, full_panel, speaker, make_person
):
    replacement = make_person(name="Fatima Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-person"] = str(replacement.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "Fatima Example replaces Jorge Example and takes over their 1 segment in the running "
        "order: “Presentation”.",
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
    ]
    assert public_running_order(client, full_panel) == [
        ("15:00–15:05", "5", "Opening remarks", "Amina Example to be confirmed"),
        ("15:05–15:25", "20", "Presentation", "Fatima Example to be confirmed"),
        ("15:25–16:25", "60", "Discussion / Q&A", ""),
    ]
    assert "Jorge Example" not in client.get(full_panel.get_absolute_url()).content.decode()


def test_segment_row_added_but_left_empty_is_ignored(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    # The page numbers a row as it is added: its position alone does not fill it in.
    add_row(data, "segments", kind=Segment.Kind.PRESENTATION, order="3")

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_panel_list_problems_filter_counts(admin_client, make_meeting, make_panel, make_segment):
    meeting = make_meeting()
    make_segment(make_panel(meeting, title="Fitting"), 90, kind="discussion")
    overrunning = make_panel(
        meeting, title="Overrunning", start_time=time(9), end_time=time(10, 30)
    )
    make_segment(overrunning, 95, kind="discussion")

    response = admin_client.get(admin_url(Panel, "changelist"), {"_facets": "True"})

    page = response.content.decode()
    filters = re.search(r"By problems.*?</ul>", page, re.S).group(0)
    assert [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", filters, re.S)] == [
        "All",
        "Overruns its slot (1)",
        "Has warnings (0)",
        "No problems (1)",
    ]


# ---------------------------------------------------------------------------------------------
# The seed's panel, as issue 3's "Done when" walks through it


def test_seed_running_order_deleted_and_generated_again_is_the_seed_sequence(
    admin_client, seed_panel
):
    seed_sequence = running_order_rows(seed_panel)
    data = form_data(admin_client.get(admin_url(Panel, "change", seed_panel.pk)))
    for index in range(len(seed_sequence)):
        data[f"segments-{index}-DELETE"] = "on"
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = admin_client.post(admin_url(Panel, "change", seed_panel.pk), data, follow=True)

    assert messages_of(response)[-1] == (
        f"Generated the standard running order of “{seed_panel.title}”: 7 segments, "
        "15:00–16:30 (America/New_York)."
    )
    assert running_order_rows(seed_panel) == seed_sequence
    assert (seed_sequence[0][0][:5], seed_sequence[-1][0][-5:]) == ("15:00", "16:30")


def test_seed_presentation_stretched_is_flagged_and_an_overrun_is_refused(
    admin_client, seed_panel
):
    url = admin_url(Panel, "change", seed_panel.pk)
    data = form_data(admin_client.get(url))
    data["segments-1-duration_minutes"] = "15"
    data["segments-5-duration_minutes"] = "35"

    admin_client.post(url, data)
    stretched = admin_client.get(url)
    data = form_data(stretched)
    data["segments-5-duration_minutes"] = "40"
    overrun = admin_client.post(url, data)

    title = seed_panel.segments.get(order=1).display_title
    assert findings_field(stretched) == [
        f"Warning: “{title}” (15:05–15:20) lasts 15 minutes, longer than the 10 minutes a "
        "presentation may last."
    ]
    assert overrun.context["adminform"].form.errors == {"is_published": [refusal(95, 90)]}
    assert seed_panel.segments.get(order=5).duration_minutes == 35


# ---------------------------------------------------------------------------------------------
# The running order's up and down buttons, in a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_running_order_moved_with_the_keyboard_and_saved(
    live_server, django_user_model, full_panel
):
    user = django_user_model.objects.create_superuser("officer", "officer@example.org", "x")
    with headless_chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        sign_in(context, live_server, user)
        page = context.new_page()
        page.goto(live_server.url + admin_url(Panel, "change", full_panel.pk))
        rows = page.locator("#segments-group tbody tr.form-row:not(.empty-form)")
        up = rows.nth(2).get_by_role("button", name="Move up")

        up.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Moved to position 1 of 3.")
        first_up_disabled = rows.nth(0).get_by_role("button", name="Move up").is_disabled()
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        context.close()

    assert first_up_disabled is True
    assert running_order_rows(full_panel) == [
        ("15:00–16:00", "Discussion / Q&A", ""),
        ("16:00–16:05", "Opening remarks", "Amina Example"),
        ("16:05–16:25", "Presentation", "Jorge Example"),
    ]


def test_panel_action_generate_on_a_slot_longer_than_a_day_explains(
    admin_client, make_meeting, make_panel
):
    meeting = make_meeting(start_date=date(2026, 10, 31), end_date=date(2026, 11, 2))
    # New York, 1 November 2026: clocks go back, so 00:00-23:59 lasts 1,499 minutes.
    panel = make_panel(
        meeting,
        date=date(2026, 11, 1),
        start_time=time(0),
        end_time=time(23, 59),
        title="Long day",
    )

    response = admin_client.post(
        admin_url(Panel, "changelist"),
        {"action": "generate_running_order", "_selected_action": [panel.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Not generated for “Long day”: its slot of 1499 minutes would need a discussion longer "
        "than a day. Build the running order by hand."
    ]
    assert not panel.segments.exists()
