"""Model rules: each database constraint, and the message model validation gives for it."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from panels.models import Meeting, Panel, Panellist, Person, Segment, SegmentSpeaker
from panels.models.choices import Role, choice_label


def messages(error):
    return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}


# Meeting ---------------------------------------------------------------------------------------


def test_meeting_time_zone_not_iana_is_rejected_with_example(make_meeting):
    meeting = make_meeting()
    meeting.time_zone = "Europe/Geneva"

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert messages(error.value) == {
        "time_zone": [
            "“Europe/Geneva” is not an IANA time zone. Use the zone of the city whose clocks "
            "the venue follows, for example Europe/Zurich for Geneva or America/New_York for "
            "New York."
        ]
    }


def test_meeting_time_zone_iana_is_accepted(make_meeting):
    meeting = make_meeting(time_zone="Europe/Zurich")

    meeting.full_clean()

    assert meeting.zone.key == "Europe/Zurich"


def test_meeting_last_day_before_first_is_explained(make_meeting):
    meeting = make_meeting()
    meeting.end_date = date(2017, 2, 15)

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert messages(error.value)["end_date"] == ["The last day cannot be before the first day."]


def test_meeting_last_day_before_first_is_refused_by_the_database(make_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 15))


def test_meeting_unknown_status_is_refused_by_the_database(make_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(status="secret")


def test_meeting_upcoming_and_past_split_on_the_last_day(make_meeting, settings):
    old = make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    future = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))

    assert list(Meeting.objects.upcoming()) == [future]
    assert list(Meeting.objects.past()) == [old]


# Panel -----------------------------------------------------------------------------------------


def test_panel_end_before_start_is_explained(make_panel):
    panel = make_panel()
    panel.end_time = time(14, 0)

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert messages(error.value) == {
        "end_time": [
            "The session must end after it starts. If it ends after midnight, tick “ends after "
            "midnight”."
        ]
    }


def test_panel_end_before_start_is_refused_by_the_database(make_panel):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_panel(start_time=time(15, 0), end_time=time(15, 0))


def test_panel_outside_the_meeting_days_is_explained(make_panel):
    panel = make_panel()
    panel.date = date(2017, 3, 1)

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert messages(error.value) == {
        "date": [
            "The meeting runs from Feb. 16, 2017 to Feb. 17, 2017; choose a day in between, or "
            "up to 7 days before or after (an arrival day, a briefing)."
        ]
    }


def test_an_arrival_day_before_the_meeting_is_a_day_of_its_programme(make_panel):
    panel = make_panel(title="Arrival and registration")
    panel.date = date(2017, 2, 15)

    panel.full_clean()


def test_panel_start_in_a_skipped_hour_is_explained(make_meeting, make_panel):
    meeting = make_meeting(start_date=date(2026, 3, 8), end_date=date(2026, 3, 8))
    panel = make_panel(meeting, start_time=time(1, 0), end_time=time(4, 0))
    panel.start_time = time(2, 30)

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert messages(error.value) == {
        "start_time": [
            "02:30 does not exist on that day in America/New_York: the clocks go forward. "
            "Choose a time outside the skipped hour."
        ]
    }


def test_panel_end_in_a_repeated_hour_is_explained(make_meeting, make_panel):
    meeting = make_meeting(start_date=date(2026, 11, 1), end_date=date(2026, 11, 1))
    panel = make_panel(meeting, start_time=time(0, 0), end_time=time(1, 30))

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert list(messages(error.value)) == ["end_time"]
    assert "happens twice on that day in America/New_York" in messages(error.value)["end_time"][0]


def test_panel_slot_is_counted_in_elapsed_minutes_on_a_dst_day(make_meeting, make_panel):
    meeting = make_meeting(
        time_zone="Europe/Zurich", start_date=date(2026, 3, 29), end_date=date(2026, 3, 29)
    )
    panel = make_panel(meeting, start_time=time(1, 30), end_time=time(4, 0))

    assert panel.slot_minutes == 90


def test_panel_timed_segments_follow_the_meeting_zone(make_panel, make_segment):
    panel = make_panel()
    make_segment(panel, 5, order=0)
    make_segment(panel, 10, order=1)

    timed = panel.timed_segments()

    assert [(t.start.isoformat(), t.end.isoformat()) for t in timed] == [
        ("2017-02-16T15:00:00-05:00", "2017-02-16T15:05:00-05:00"),
        ("2017-02-16T15:05:00-05:00", "2017-02-16T15:15:00-05:00"),
    ]


def test_panel_timed_segments_are_in_order_then_creation(make_panel, make_segment):
    panel = make_panel()
    second = make_segment(panel, 10, order=1, title="second")
    first = make_segment(panel, 10, order=0, title="first")
    tie = make_segment(panel, 10, order=1, title="tie")

    assert [t.item for t in panel.timed_segments()] == [first, second, tie]


@pytest.mark.parametrize(
    ("durations", "text"),
    [
        ([40, 45], "85 of 90 minutes"),
        ([90], "90 of 90 minutes"),
        ([60, 35], "95 of 90 minutes: over by 5 minutes"),
        ([91], "91 of 90 minutes: over by 1 minute"),
        ([], "0 of 90 minutes"),
    ],
)
def test_panel_slot_usage_text(make_panel, make_segment, durations, text):
    panel = make_panel()
    for minutes in durations:
        make_segment(panel, minutes)

    assert panel.slot_usage_text() == text
    assert Panel.objects.with_planned_minutes().get().slot_usage_text() == text


# Person and panellist --------------------------------------------------------------------------


def test_person_names_in_any_script_round_trip(make_person):
    names = ["أمينة المثال", "李示例", "Jean-Loïc Exemple", "Ольга Пример"]
    for name in names:
        make_person(name=name)

    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(names)


def test_person_display_name_has_the_honorific(make_person):
    assert make_person(honorific="H.E. Ms.", name="Amina").display_name == "H.E. Ms. Amina"
    assert make_person(name="Li").display_name == "Li"


def test_person_unknown_honorific_is_refused_by_the_database(make_person):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(honorific="Sir")


def test_panellist_second_moderator_is_explained_beside_the_role(make_panel, make_panellist):
    panel = make_panel()
    make_panellist(panel, role=Panellist.Role.MODERATOR)
    second = make_panellist(panel)
    second.role = Panellist.Role.MODERATOR

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert messages(error.value) == {
        "role": ["This panel already has a moderator. Change that person's role first."]
    }


def test_panellist_second_moderator_is_refused_by_the_database(make_panel, make_panellist):
    panel = make_panel()
    make_panellist(panel, role=Panellist.Role.MODERATOR)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_panellist(panel, role=Panellist.Role.MODERATOR)


def test_panellist_moderators_of_different_panels_are_allowed(make_panel, make_panellist):
    meeting_panel, other_panel = make_panel(), make_panel()

    make_panellist(meeting_panel, role=Panellist.Role.MODERATOR)
    make_panellist(other_panel, role=Panellist.Role.MODERATOR)

    assert Panellist.objects.filter(role=Panellist.Role.MODERATOR).count() == 2


def test_panellist_same_person_twice_is_explained(make_panel, make_panellist, make_person):
    panel, person = make_panel(), make_person()
    make_panellist(panel, person=person)
    again = Panellist(panel=panel, person=person, role=Panellist.Role.DISCUSSANT)

    with pytest.raises(ValidationError) as error:
        again.full_clean()

    assert messages(error.value) == {
        "person": ["This person is already on this panel; a person can have only one place."]
    }


def test_panellist_same_person_twice_is_refused_by_the_database(
    make_panel, make_panellist, make_person
):
    panel, person = make_panel(), make_person()
    make_panellist(panel, person=person)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_panellist(panel, person=person)


def test_panellist_person_on_two_panels_is_allowed(make_panel, make_panellist, make_person):
    person = make_person()

    make_panellist(make_panel(), person=person)
    make_panellist(make_panel(), person=person)

    assert person.panel_places.count() == 2


def test_panellist_unknown_role_is_refused_by_the_database(make_panel, make_panellist):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_panellist(make_panel(), role="jester")


def test_person_on_a_panel_cannot_be_deleted(make_panel, make_panellist):
    from django.db.models import ProtectedError

    place = make_panellist(make_panel())

    with pytest.raises(ProtectedError):
        place.person.delete()


# Segment ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_segment_duration_out_of_range_is_explained(make_panel, minutes):
    segment = Segment(panel=make_panel(), kind=Segment.Kind.PRESENTATION, duration_minutes=minutes)

    with pytest.raises(ValidationError) as error:
        segment.full_clean()

    assert list(messages(error.value)) == ["duration_minutes"]


def test_segment_duration_zero_is_refused_by_the_database(make_panel, make_segment):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_segment(make_panel(), 0)


def test_segment_speaker_from_another_panel_is_explained(make_panel, make_panellist, make_segment):
    panel, other = make_panel(), make_panel()
    stranger = make_panellist(other)
    row = SegmentSpeaker(segment=make_segment(panel, 10), panellist=stranger)

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert messages(error.value) == {
        "panellist": ["The speaker must be a participant of this session."]
    }


def test_segment_speaker_twice_in_one_item_is_refused_by_the_database(
    make_panel, make_panellist, make_segment
):
    panel = make_panel()
    place = make_panellist(panel)
    segment = make_segment(panel, 10, speaker=place)

    with pytest.raises(IntegrityError), transaction.atomic():
        SegmentSpeaker.objects.create(segment=segment, panellist=place, order=1)


def test_segment_keeps_its_time_when_its_speaker_is_removed(
    make_panel, make_panellist, make_segment
):
    panel = make_panel()
    place = make_panellist(panel)
    segment = make_segment(panel, 10, speaker=place)

    place.delete()
    segment.refresh_from_db()

    assert (segment.speaker_places(), segment.duration_minutes) == ([], 10)


def test_segment_unknown_kind_is_refused_by_the_database(make_panel, make_segment):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_segment(make_panel(), 10, kind="dance")


def test_segment_without_title_shows_its_kind(make_panel, make_segment):
    segment = make_segment(make_panel(), 10, kind=Segment.Kind.DISCUSSION)

    assert segment.display_title == "Discussion / Q&A"


def test_panel_with_a_date_in_the_meeting_is_valid(make_panel):
    panel = make_panel(date=date(2017, 2, 17))

    panel.full_clean()

    assert Panel.objects.get() == panel


# Limits found by attacking the admin -----------------------------------------------------------


@pytest.mark.parametrize("zone", ["localtime", "Factory", "EST5EDT", "Etc/GMT+12", "US/Eastern"])
def test_meeting_time_zone_that_is_no_venue_zone_is_rejected(make_meeting, zone):
    meeting = make_meeting()
    meeting.time_zone = zone

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert list(messages(error.value)) == ["time_zone"]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/Argentina/Buenos_Aires"])
def test_meeting_time_zone_geographic_or_utc_is_accepted(make_meeting, zone):
    meeting = make_meeting(time_zone=zone)

    meeting.full_clean()  # raises ValidationError when refused

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.time_zone, stored.has_valid_time_zone(), stored.zone.key) == (zone, True, zone)


@pytest.mark.parametrize(
    "text",
    [
        "Line one\nline two",
        "Tab\there",
        "Escape\x1b[31m",
        "Reversed \u202eelttit",
        "Isolate \u2066x",
    ],
)
def test_titles_and_names_with_control_characters_are_rejected(make_panel, make_person, text):
    panel, person = make_panel(), make_person()
    panel.title, person.name = text, text

    # The title is translated: the English column (the active language's) is refused too.
    for instance, fields in ((panel, ["title", "title_en"]), (person, ["name"])):
        with pytest.raises(ValidationError) as error:
            instance.full_clean()
        assert messages(error.value) == {
            field: [
                "This text contains a line break or an invisible control character; "
                "please retype it on one line."
            ]
            for field in fields
        }


def test_names_with_joiners_that_scripts_need_are_accepted(make_person):
    person = make_person(name="Mehr\u200cdad Example", honorific="Dr.")

    person.full_clean()

    assert person.name == "Mehr\u200cdad Example"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(9999, 12, 31), "Choose a date before the year 2200."),
        (date(1, 1, 1), "Choose a date from the year 1900 on."),
    ],
)
def test_panel_date_at_the_ends_of_the_calendar_is_explained(make_panel, day, message):
    panel = make_panel()
    panel.date = day

    with pytest.raises(ValidationError) as error:
        panel.full_clean()

    assert messages(error.value)["date"] == [message]


def test_meeting_dates_out_of_range_are_refused_by_the_database(make_meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(start_date=date(9999, 12, 30), end_date=date(9999, 12, 31))


# Calendar identity: a UID that never changes (its revisions: ``services.save_panel``).


def test_panels_have_distinct_calendar_identifiers(make_panel):
    assert make_panel().uid != make_panel().uid


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans", "ru", "es"])
def test_choice_label_is_the_translated_label(language):
    with translation.override(language):
        assert choice_label(Role, Role.MODERATOR) == str(Role.MODERATOR.label)
        assert Panellist(role=Role.PANELLIST).get_role_display() == str(Role.PANELLIST.label)


def test_choice_label_of_a_value_not_among_the_choices_is_the_value():
    assert choice_label(Role, "stored-around-validation") == "stored-around-validation"
    assert Person(honorific="").get_honorific_display() == ""
