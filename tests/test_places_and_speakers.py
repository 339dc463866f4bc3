"""Places and speakers as real programmes have them (issue 11): items with several speakers in
order, places known by function only or "to be announced", attendance online or by video,
the new roles, and what invitations, checks and exports make of each."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from panels import ical, services
from panels.checks import double_bookings
from panels.models import Panel, Panellist, Segment, SegmentSpeaker
from tests.admin_helpers import public_running_order, text_of


@pytest.fixture
def studio(make_panel, make_person, make_panellist, make_segment):
    """An HLPF-studio-like session: two co-chairs who open together, a guest online, a place
    known by its function, one to be announced, and a video message."""
    panel = make_panel(title="SDG Studio")
    places = {
        "co-chair 1": make_panellist(
            panel, person=make_person(name="Amina Example"), role=Panellist.Role.CO_CHAIR
        ),
        "co-chair 2": make_panellist(
            panel, person=make_person(name="Jorge Example"), role=Panellist.Role.CO_CHAIR
        ),
        "online": make_panellist(
            panel,
            person=make_person(name="Li Shili"),
            attendance=Panellist.Attendance.ONLINE,
        ),
        "france": make_panellist(panel, person=None, function="Representative of France"),
        "tba": make_panellist(panel, person=None, role=Panellist.Role.CLOSING),
        "video": make_panellist(
            panel,
            person=make_person(name="Olga Primer"),
            role=Panellist.Role.OPENING,
            attendance=Panellist.Attendance.VIDEO,
        ),
    }
    make_segment(
        panel,
        5,
        kind=Segment.Kind.OPENING,
        speakers=[places["co-chair 2"], places["co-chair 1"]],
    )
    make_segment(panel, 5, kind=Segment.Kind.OPENING, title="Video", speaker=places["video"])
    make_segment(panel, 60, title="Presentations", speakers=[places["online"], places["france"]])
    make_segment(panel, 15, kind=Segment.Kind.DISCUSSION)
    make_segment(panel, 5, kind=Segment.Kind.CONCLUDING, speaker=places["tba"])
    return panel, places


def speakers_by_row(page):
    """The public running order's speakers, row by row: a list of lists of texts."""
    body = re.search(r'<table class="running-order">.*?<tbody>(.*?)</tbody>', page, re.S)
    return [
        [text_of(item) for item in re.findall(r"<li>(.*?)</li>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_public_running_order_lists_every_speaker_in_order_with_how_they_take_part(client, studio):
    panel, _places = studio

    page = client.get(panel.get_absolute_url()).content.decode()

    assert [time for time, *_rest in public_running_order(client, panel)] == [
        "15:00–15:05",
        "15:05–15:10",
        "15:10–16:10",
        "16:10–16:25",
        "16:25–16:30",
    ]
    assert speakers_by_row(page) == [
        ["Jorge Example to be confirmed", "Amina Example to be confirmed"],
        ["Olga Primer (video message) to be confirmed"],
        # A place without a person has nobody to confirm.
        ["Li Shili (online) to be confirmed", "Representative of France"],
        [],
        ["To be announced"],
    ]


def test_panel_page_names_function_and_to_be_announced_places_and_new_roles(client, studio):
    panel, _places = studio

    page = client.get(panel.get_absolute_url()).content.decode()

    for text in (
        "Representative of France",
        "To be announced",
        "(Co-chair)",
        "(Closing remarks)",
        "(Opening statement)",
        "(video message)",
        "(online)",
    ):
        assert text in page


def test_calendar_and_schedule_name_places_without_a_person(client, studio):
    panel, places = studio

    lines = ical.speaker_lines(Panel.objects.with_people().get(pk=panel.pk))
    response = client.get(
        reverse("panels:meeting-schedule-json", kwargs={"slug": panel.meeting.slug})
    )
    data = json.loads(response.content)
    day = data["schedule"]["conference"]["days"][0]
    (events,) = day["rooms"].values()
    persons = {person["name"]: person for person in events[0]["persons"]}

    assert "Representative of France, Panellist" in lines
    assert "To be announced, Closing remarks" in lines
    assert persons["Representative of France"]["function"] == "Representative of France"
    assert persons["To be announced"]["to_be_announced"] is True
    assert persons["Li Shili"]["attendance"] == "online"
    # A place without a person has a guid of its own, different from any person's.
    assert len({person["guid"] for person in persons.values()}) == len(persons)
    calendar = Calendar.from_ical(
        client.get(
            reverse(
                "panels:panel-calendar",
                kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk},
            )
        ).content
    )
    assert "Representative of France" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_a_place_without_a_person_is_not_invited_and_says_why(studio, settings):
    settings.SITE_URL = "https://meetings.example.org"
    panel, places = studio

    result = services.invite([places["france"], places["tba"]])

    assert [outcome.sent for outcome in result.outcomes] == [False, False]
    assert {str(outcome.error) for outcome in result.outcomes} == {
        "no person is named for this place yet"
    }
    assert mail.outbox == []


def test_naming_a_place_later_keeps_its_items(studio, make_person):
    panel, places = studio
    place = places["tba"]
    place.person = make_person(name="Kwame Sample")

    services.save_panellist(place)

    closing = panel.segments.get(kind=Segment.Kind.CONCLUDING)
    assert [speaker.display_name for speaker in closing.speaker_places()] == ["Kwame Sample"]
    assert Panellist.objects.get(pk=place.pk).display_name == "Kwame Sample"


def test_places_without_a_person_are_never_double_booked(make_meeting, make_panel, make_panellist):
    meeting = make_meeting()
    first, second = make_panel(meeting), make_panel(meeting)
    make_panellist(first, person=None)
    make_panellist(second, person=None)
    make_panellist(first, person=None, function="Representative of France")
    make_panellist(second, person=None, function="Representative of France")

    panels = list(Panel.objects.with_people().select_related("meeting"))

    assert double_bookings(panels) == {}


# ---------------------------------------------------------------------------------------------
# set_speakers: the order of an item's speakers


def test_set_speakers_keeps_the_order_of_those_kept_and_adds_new_ones_after(studio):
    panel, places = studio
    presentations = panel.segments.get(title="Presentations")

    result = services.set_speakers(
        presentations, [places["tba"], places["france"], places["online"]]
    )

    assert result.speakers == [places["online"], places["france"], places["tba"]]
    assert (result.added, result.removed) == ([places["tba"]], [])
    assert presentations.speaker_places() == result.speakers


def test_set_speakers_removes_those_not_given(studio):
    panel, places = studio
    presentations = panel.segments.get(title="Presentations")

    result = services.set_speakers(presentations, [places["france"]])

    assert (result.removed, result.speakers) == ([places["online"]], [places["france"]])
    assert presentations.speaker_places() == [places["france"]]


def test_set_speakers_refuses_a_participant_of_another_session(studio, make_panel, make_panellist):
    panel, _places = studio
    stranger = make_panellist(make_panel(panel.meeting, title="Another session"))
    presentations = panel.segments.get(title="Presentations")

    with pytest.raises(ValueError):
        services.set_speakers(presentations, [stranger])

    assert not SegmentSpeaker.objects.filter(panellist=stranger).exists()


def test_vacated_items_are_those_whose_every_speaker_is_gone(studio):
    panel, places = studio
    services.record_answer(places["online"], Panellist.Status.DECLINED)

    vacated = Segment.objects.filter(panel=panel).vacated()

    # The presentations keep France, but Li Shili declined: the item is flagged; nothing else.
    assert [segment.display_title for segment in vacated] == ["Presentations"]
