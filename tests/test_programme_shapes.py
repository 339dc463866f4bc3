"""The shapes of real programmes (issue 11): sessions whose time is not published, items with
no time or a fixed one, a session past local midnight, days before the meeting, parallel
sessions in rooms, and what a meeting says of itself. Each shape is checked on the pages, in
the calendar files and in schedule.json, clock times in the meeting's zone and in UTC."""

import json
import re
from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from panels import services
from panels.checks import panel_findings
from panels.models import Document, Meeting, Panel, Room, Segment
from panels.programme import parallel_blocks
from tests.admin_helpers import form_data, public_running_order, row_index, text_of


def calendar_of(client, panel):
    response = client.get(
        reverse(
            "panels:panel-calendar", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
        )
    )
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    return event


def schedule_of(client, meeting):
    response = client.get(reverse("panels:meeting-schedule-json", kwargs={"slug": meeting.slug}))
    assert response.status_code == 200
    return json.loads(response.content)["schedule"]["conference"]


def events_of(conference):
    return [
        event for day in conference["days"] for events in day["rooms"].values() for event in events
    ]


# ---------------------------------------------------------------------------------------------
# A session whose time is not published


@pytest.fixture
def untimed(make_panel):
    return make_panel(title="Informal consultations", start_time=None, end_time=None)


def test_a_session_without_a_time_says_so_and_is_listed_last_on_its_day(
    client, untimed, make_panel
):
    timed = make_panel(untimed.meeting, title="Morning session", start_time=time(10))

    panel_page = client.get(untimed.get_absolute_url()).content.decode()
    programme = client.get(untimed.meeting.get_absolute_url()).content.decode()

    assert "Time to be announced" in panel_page
    assert programme.index(timed.title) < programme.index(untimed.title)
    assert "Time to be announced" in programme


def test_a_session_without_a_time_is_an_all_day_calendar_entry_and_left_out_of_schedule_json(
    client, untimed
):
    event = calendar_of(client, untimed)

    assert event["DTSTART"].dt == date(2017, 2, 16)
    assert event["DTEND"].dt == date(2017, 2, 17)
    assert events_of(schedule_of(client, untimed.meeting)) == []


def test_a_session_needs_both_times_or_neither(make_panel):
    panel = make_panel()
    panel.end_time = None

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert error.value.message_dict == {
        "end_time": ["Give the end time too, or leave both times blank."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Panel.objects.filter(pk=panel.pk).update(end_time=None)


def test_a_session_without_a_time_is_not_generated_a_running_order(untimed):
    result = services.generate_running_orders([untimed])

    assert result.untimed == [untimed]
    assert not untimed.segments.exists()


# ---------------------------------------------------------------------------------------------
# Agenda items without times, and fixed times


@pytest.fixture
def agenda(make_panel, make_segment):
    """A morning session of numbered agenda items I–III with no times, then a lunch fixed
    at 13:00."""
    panel = make_panel(title="Morning session", start_time=time(10), end_time=time(14))
    for number, title in [("I", "Opening"), ("II", "Adoption of the agenda"), ("III", "Reports")]:
        make_segment(panel, None, kind=Segment.Kind.AGENDA_ITEM, number=number, title=title)
    make_segment(panel, None, kind=Segment.Kind.LUNCH, fixed_start=time(13), fixed_end=time(14))
    return panel


def test_items_without_times_show_their_number_and_no_clock_time(client, agenda):
    rows = public_running_order(client, agenda)

    assert rows == [
        ("—no time given", "", "I. Opening", ""),
        ("—no time given", "", "II. Adoption of the agenda", ""),
        ("—no time given", "", "III. Reports", ""),
        ("13:00–14:00", "60", "Lunch", ""),
    ]
    page = client.get(agenda.get_absolute_url()).content.decode()
    # The public page gives no total it does not know (the admin says why).
    assert "Total" not in text_of(page.split('class="running-order"')[1])


def test_a_fixed_time_is_computed_in_the_meetings_zone_and_in_utc(agenda):
    lunch = agenda.timed_segments()[-1]

    assert (lunch.start.isoformat(), lunch.end.isoformat()) == (
        "2017-02-16T13:00:00-05:00",
        "2017-02-16T14:00:00-05:00",
    )
    assert lunch.start.astimezone(UTC) == datetime(2017, 2, 16, 18, 0, tzinfo=UTC)


def test_checks_say_what_they_can_when_durations_are_unknown(agenda):
    agenda = Panel.objects.with_planned_minutes().with_running_order().get(pk=agenda.pk)

    # No warning for a session of agenda items without times: the total says what is known.
    assert panel_findings(agenda) == []
    assert agenda.slot_usage_text() == (
        "3 items have no duration: the total is not known yet (60 minutes known of a "
        "240-minute slot)"
    )


def test_a_session_with_unknown_durations_can_be_published(agenda):
    Panel.objects.filter(pk=agenda.pk).update(is_published=False)

    result = services.publish([agenda])

    assert result.published == [agenda]


def test_an_item_with_a_fixed_start_and_end_takes_its_duration_from_them(agenda):
    item = Segment(
        panel=agenda, kind=Segment.Kind.BREAK, fixed_start=time(11), fixed_end=time(11, 15)
    )

    item.full_clean()

    assert item.duration_minutes == 15


def test_an_item_whose_duration_contradicts_its_fixed_times_is_refused(agenda):
    item = Segment(
        panel=agenda,
        kind=Segment.Kind.BREAK,
        fixed_start=time(11),
        fixed_end=time(11, 15),
        duration_minutes=20,
    )

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert error.value.message_dict == {
        "duration_minutes": [
            "From 11:00 to 11:15 is 15 minutes: correct the duration, or leave it blank."
        ]
    }


def test_a_fixed_time_that_does_not_exist_that_day_is_explained(make_meeting, make_panel):
    meeting = make_meeting(start_date=date(2017, 3, 12), end_date=date(2017, 3, 12))
    panel = make_panel(meeting, start_time=time(1), end_time=time(4))
    item = Segment(panel=panel, kind=Segment.Kind.OTHER, fixed_start=time(2, 30))

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert list(error.value.message_dict) == ["fixed_start"]
    assert "does not exist" in error.value.message_dict["fixed_start"][0]


def test_overlapping_fixed_items_are_a_warning(make_panel, make_segment):
    panel = make_panel(start_time=time(10), end_time=time(12))
    make_segment(panel, None, title="First", fixed_start=time(10), fixed_end=time(11))
    make_segment(panel, None, title="Second", fixed_start=time(10, 30), fixed_end=time(11, 30))

    codes = [(f.code, f.message) for f in panel_findings(panel)]

    assert (
        "item_clash",
        "“Second” (10:30–11:30) starts before the item before it ends.",
    ) in codes


# ---------------------------------------------------------------------------------------------
# A debate past local midnight


@pytest.fixture
def late(make_panel, make_segment):
    panel = make_panel(
        title="General debate", start_time=time(22), end_time=time(1), ends_after_midnight=True
    )
    make_segment(panel, 150, kind=Segment.Kind.STATEMENTS)
    make_segment(panel, 30, kind=Segment.Kind.CONCLUDING)
    return panel


def test_a_session_past_midnight_ends_on_the_next_day(client, late):
    assert (late.starts_at.isoformat(), late.ends_at.isoformat(), late.slot_minutes) == (
        "2017-02-16T22:00:00-05:00",
        "2017-02-17T01:00:00-05:00",
        180,
    )
    event = calendar_of(client, late)
    assert event["DTEND"].dt.astimezone(UTC) == datetime(2017, 2, 17, 6, 0, tzinfo=UTC)
    (json_event,) = events_of(schedule_of(client, late.meeting))
    assert (json_event["start"], json_event["duration"]) == ("22:00", "03:00")
    assert [row[0] for row in public_running_order(client, late)] == [
        "22:00–00:30 (next day)",
        "00:30–01:00",
    ]
    assert panel_findings(late) == []


def test_ends_after_midnight_needs_an_end_before_the_start(make_panel):
    panel = make_panel()
    panel.ends_after_midnight = True

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert error.value.message_dict == {
        "ends_after_midnight": [
            "A session that ends after midnight ends before 15:00 on the next day."
        ]
    }


# ---------------------------------------------------------------------------------------------
# Days, rooms and parallel sessions


def test_parallel_sessions_share_a_block_and_touching_ones_do_not(make_meeting, make_panel):
    meeting = make_meeting()
    first = make_panel(meeting, title="A", room="Room A", start_time=time(10), end_time=time(12))
    second = make_panel(meeting, title="B", room="Room B", start_time=time(11), end_time=time(13))
    third = make_panel(meeting, title="C", room="Room A", start_time=time(13), end_time=time(14))
    fourth = make_panel(meeting, title="D", start_time=None, end_time=None)

    blocks = parallel_blocks(Panel.objects.filter(meeting=meeting).in_programme_order())

    assert blocks == [[first, second], [third], [fourth]]


def test_programme_shows_parallel_sessions_side_by_side_with_rooms_and_days(
    client, make_meeting, make_panel
):
    meeting = make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    make_panel(meeting, title="Working group 1", room="Room A", start_time=time(10))
    make_panel(meeting, title="Working group 2", room="Room B", start_time=time(10))
    make_panel(
        meeting,
        title="Arrival",
        date=date(2017, 2, 15),
        room="",
        start_time=time(18),
        end_time=time(19),
    )

    page = client.get(meeting.get_absolute_url()).content.decode()

    parallel = re.search(r'<div class="parallel".*?</div>', page, re.S).group(0)
    assert "Working group 1" in parallel and "Working group 2" in parallel
    assert "2 sessions at the same time" in text_of(parallel)
    assert re.findall(r'<span class="room"><bdi>(.*?)</bdi></span>', parallel) == [
        "Room A",
        "Room B",
    ]
    assert '<a href="#day-2017-02-15">' in page
    assert "(before the meeting)" in page
    rooms = [room["name"] for room in schedule_of(client, meeting)["rooms"]]
    assert rooms == ["Test venue", "Room A", "Room B"]


def test_a_room_of_another_meeting_is_refused(make_panel, make_meeting):
    panel = make_panel()
    panel.room = Room.objects.create(meeting=make_meeting(), name="Elsewhere")

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert error.value.message_dict == {"room": ["Choose one of this meeting's rooms."]}


# ---------------------------------------------------------------------------------------------
# What a meeting says of itself


def test_programme_page_shows_the_meetings_body_format_webcast_languages_note_and_documents(
    client, make_meeting, make_panel
):
    meeting = make_meeting(
        body="Human Rights Council",
        body_session="31st regular session",
        format=Meeting.Format.HYBRID,
        webcast_url="https://webtv.un.org/",
        interpretation_languages=["ar", "en", "fr", "ils"],
    )
    make_panel(meeting)
    meeting.sections.create(heading="Background", body="See A/HRC/31/1.")
    Document.objects.create(meeting=meeting, title="Report", symbol="A/HRC/31/1")

    page = client.get(meeting.get_absolute_url()).content.decode()
    text = text_of(page)

    assert "Human Rights Council, 31st regular session" in text
    assert "Hybrid (in person and online)" in text
    assert "Arabic, English, French and International Sign" in text
    assert 'href="https://webtv.un.org/"' in page
    assert "Background" in text
    assert 'href="https://undocs.org/A/HRC/31/1"><bdi>Report</bdi></a>' in page


def test_unknown_interpretation_language_is_refused(make_meeting):
    meeting = make_meeting(interpretation_languages=["en", "xx"])

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert error.value.message_dict == {"interpretation_languages": ["Unknown language code: xx."]}


def test_a_document_needs_a_symbol_or_an_address(make_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(meeting=make_meeting(), title="Nothing to link")


# ---------------------------------------------------------------------------------------------
# Double booking: due in two places at overlapping times


@pytest.fixture
def two_rooms(make_meeting, make_panel, make_person, make_panellist, make_segment):
    """Two parallel sessions 10:00–12:00 in two rooms; Amina speaks in the first one's first
    hour (two consecutive items) and in the second one's second hour."""
    meeting = make_meeting()
    first = make_panel(
        meeting, title="Group A", room="Room A", start_time=time(10), end_time=time(12)
    )
    second = make_panel(
        meeting, title="Group B", room="Room B", start_time=time(10), end_time=time(12)
    )
    amina = make_person(name="Amina Example")
    here, there = make_panellist(first, person=amina), make_panellist(second, person=amina)
    make_segment(first, 30, title="Opening", speaker=here)
    make_segment(first, 30, title="Presentation", speaker=here)
    make_segment(first, 60, kind=Segment.Kind.DISCUSSION)
    make_segment(second, 60, kind=Segment.Kind.DISCUSSION)
    make_segment(second, 60, title="Reply", speaker=there)
    return first, second, here, there


def double_booked(panel):
    return [f.message for f in panel_findings(panel) if f.code == "double_booked"]


def test_a_speaker_in_parallel_sessions_whose_items_do_not_overlap_is_not_double_booked(
    two_rooms,
):
    first, second, _here, _there = two_rooms

    assert (double_booked(first), double_booked(second)) == ([], [])


def test_a_speaker_due_at_overlapping_times_is_flagged_with_the_time_due_there(two_rooms):
    first, second, _here, there = two_rooms
    Segment.objects.filter(panel=second).spoken_by([there]).update(order=0)
    Segment.objects.filter(panel=second, kind=Segment.Kind.DISCUSSION).update(order=1)

    assert double_booked(first) == [
        "Amina Example is also on “Group B” (Room B), Feb. 16, 2017 10:00–11:00, which "
        "overlaps this panel (Room A)."
    ]


def test_a_moderator_is_due_for_the_whole_session(two_rooms):
    first, second, _here, there = two_rooms
    type(there).objects.filter(pk=there.pk).update(role="moderator")

    assert double_booked(first) == [
        "Amina Example is also on “Group B” (Room B), Feb. 16, 2017 10:00–12:00, which "
        "overlaps this panel (Room A)."
    ]


def test_the_meetings_admin_page_shows_who_is_due_in_two_places(admin_client, two_rooms):
    first, second, _here, there = two_rooms
    type(there).objects.filter(pk=there.pk).update(role="moderator")

    page = admin_client.get(reverse("admin:panels_meeting_change", args=[first.meeting_id]))

    text = text_of(page.content.decode())
    assert "Group A: Amina Example is also on “Group B” (Room B)" in text
    assert "Group B: Amina Example is also on “Group A” (Room A)" in text


def test_renaming_a_room_revises_the_calendar_entries_of_its_sessions(admin_client, make_panel):
    panel = make_panel()
    meeting = panel.meeting
    page = admin_client.get(reverse("admin:panels_meeting_change", args=[meeting.pk]))
    data = form_data(page)
    index = row_index(data, "rooms", panel.room_id)
    data[f"rooms-{index}-name"] = "Conference Room 1"

    response = admin_client.post(reverse("admin:panels_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302
    panel.refresh_from_db()
    assert (str(panel.room), panel.sequence) == ("Conference Room 1", 1)


def test_a_participant_of_a_session_without_a_time_is_invited_and_can_answer(
    client, make_meeting, make_panel, make_person, make_panellist, settings
):
    from django.core import mail

    settings.SITE_URL = "https://meetings.example.org"
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    panel = make_panel(meeting, start_time=None, end_time=None)
    place = make_panellist(panel, person=make_person(name="Amina", email="amina@example.org"))

    result = services.invite([place])

    assert [outcome.sent for outcome in result.outcomes] == [True]
    (message,) = mail.outbox
    assert "Time to be announced" in message.body
    link = re.search(r"https://meetings\.example\.org(/en/answer/\S+/)", message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Time to be announced" in page.content.decode()


def test_run_sheet_and_timekeeper_of_agenda_items_without_times(staff_client, agenda):
    kwargs = {"meeting_slug": agenda.meeting.slug, "pk": agenda.pk}

    runsheet = staff_client.get(reverse("panels:panel-runsheet", kwargs=kwargs))
    timekeeper = staff_client.get(reverse("panels:panel-timekeeper", kwargs=kwargs))

    assert runsheet.status_code == timekeeper.status_code == 200
    assert "I. Opening" in text_of(runsheet.content.decode())
    assert "3 items have no duration: the total is not known yet" in text_of(
        runsheet.content.decode()
    )
    assert "so it cannot be timed" in timekeeper.content.decode()
    assert 'id="timekeeper-plan"' not in timekeeper.content.decode()


# ---------------------------------------------------------------------------------------------
# From the attack on this work


def segment_rows(admin_client, panel):
    return form_data(admin_client.get(reverse("admin:panels_panel_change", args=[panel.pk])))


def test_an_item_fixed_outside_its_session_is_refused_beside_the_field(make_panel):
    panel = make_panel(start_time=time(15), end_time=time(18))
    item = Segment(panel=panel, kind=Segment.Kind.OTHER, fixed_start=time(10))

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert error.value.message_dict == {
        "fixed_start": ["The session runs from 15:00 to 18:00: give a time within it."]
    }


def test_overlapping_fixed_items_are_refused_on_the_sessions_page(
    admin_client, make_panel, make_segment
):
    panel = make_panel(start_time=time(10), end_time=time(12))
    make_segment(panel, None, title="First", fixed_start=time(10), fixed_end=time(11))
    make_segment(panel, None, title="Second", fixed_start=time(11), fixed_end=time(11, 30))
    data = segment_rows(admin_client, panel)
    data["segments-1-fixed_start"] = "10:30"

    response = admin_client.post(reverse("admin:panels_panel_change", args=[panel.pk]), data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][-1].formset.forms[1].errors
    assert errors["fixed_start"] == [
        "The item before it runs until 11:00: start this one then or later, or change the "
        "one before."
    ]
    assert Segment.objects.get(title="Second").fixed_start == time(11)


def test_a_published_session_cannot_overrun_through_fixed_times(
    admin_client, make_panel, make_segment
):
    panel = make_panel(start_time=time(15), end_time=time(16))
    make_segment(panel, 50)
    data = segment_rows(admin_client, panel)
    data["segments-0-duration_minutes"] = ""
    data["segments-0-fixed_start"] = "15:00"
    data["segments-0-fixed_end"] = "16:00"
    data = {**data, **{"segments-TOTAL_FORMS": "2"}}
    data |= {
        "segments-1-kind": "other",
        "segments-1-fixed_start": "16:00",
        "segments-1-fixed_end": "16:00",
        "segments-1-order": "1",
    }

    response = admin_client.post(reverse("admin:panels_panel_change", args=[panel.pk]), data)

    assert response.status_code == 200
    assert Segment.objects.filter(panel=panel).count() == 1


def test_a_day_long_session_past_midnight_is_refused(make_panel):
    panel = make_panel(start_time=time(15), end_time=time(16))
    panel.end_time = time(15)
    panel.ends_after_midnight = True

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert list(error.value.message_dict) == ["ends_after_midnight"]


def test_a_meeting_of_centuries_is_refused(make_meeting):
    meeting = make_meeting()
    meeting.start_date, meeting.end_date = date(1900, 1, 1), date(2199, 12, 31)

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert error.value.message_dict == {
        "end_date": ["A meeting lasts at most 92 days: check the year of its first and last day."]
    }


def test_odd_interpretation_values_stored_around_validation_never_break_the_page(
    client, make_panel
):
    panel = make_panel()
    for value in ([["en"]], "en", {"a": 1}, [1, 2], ["xx", "en"]):
        Meeting.objects.filter(pk=panel.meeting_id).update(interpretation_languages=value)

        response = client.get(panel.meeting.get_absolute_url())

        assert response.status_code == 200


def test_deleting_a_panellist_raises_the_version_of_their_own_panel(make_panel, make_panellist):
    first, second = make_panel(), make_panel()
    for _ in range(3):
        make_panellist(second)
    place = make_panellist(first)
    versions = dict(Panel.objects.values_list("pk", "version"))

    services.delete_panellists(type(place).objects.filter(pk=place.pk))

    after = dict(Panel.objects.values_list("pk", "version"))
    assert (after[first.pk] > versions[first.pk], after[second.pk]) == (
        True,
        versions[second.pk],
    )


def test_a_meeting_whose_sessions_have_rooms_can_be_deleted(make_panel):
    panel = make_panel()

    panel.meeting.delete()

    assert not Room.objects.exists()


def test_a_speaker_with_an_untimed_item_is_due_for_the_whole_session(two_rooms):
    first, second, here, _there = two_rooms
    make_item = Segment.objects.create(panel=first, kind=Segment.Kind.OTHER, order=9)
    make_item.speakers.add(here)

    assert double_booked(first) == [
        "Amina Example is also on “Group B” (Room B), Feb. 16, 2017 11:00–12:00, which "
        "overlaps this panel (Room A)."
    ]


def test_a_cancelled_session_books_nobody(two_rooms):
    first, second, _here, there = two_rooms
    type(there).objects.filter(pk=there.pk).update(role="moderator")
    Panel.objects.filter(pk=second.pk).update(status=Panel.Status.CANCELLED)

    assert double_booked(Panel.objects.get(pk=first.pk)) == []


def test_calendar_items_name_their_zone_and_a_start_alone(client, make_panel, make_segment):
    panel = make_panel(start_time=time(10), end_time=time(12))
    make_segment(panel, None, title="Reception", fixed_start=time(11, 30))

    description = str(calendar_of(client, panel)["DESCRIPTION"])

    assert "Running order (times in America/New_York):\nfrom 11:30 Reception" in description


def test_two_sessions_in_one_room_at_once_are_a_warning(make_meeting, make_panel):
    meeting = make_meeting()
    first = make_panel(meeting, title="Group A", room="Room XX", start_time=time(15))
    make_panel(meeting, title="Group B", room="Room XX", start_time=time(16), end_time=time(17))
    make_panel(meeting, title="Later", room="Room XX", start_time=time(17), end_time=time(18))

    findings = [(f.code, f.message) for f in panel_findings(first) if f.code == "room_clash"]

    assert findings == [
        ("room_clash", "Room XX is also taken by “Group B”, Feb. 16, 2017 16:00–17:00.")
    ]


def test_no_standard_running_order_is_generated_for_a_break(make_panel):
    lunch = make_panel(title="Lunch", kind=Panel.Kind.BREAK)

    result = services.generate_running_orders([lunch])

    assert (result.untimed, lunch.segments.count()) == ([lunch], 0)
