"""Checks of a panel (panels.checks): each finding in the secretariat's words."""

from datetime import time

from panels.checks import ERROR, WARNING, double_bookings, panel_findings
from panels.models import Panel, Panellist, Segment, SegmentSpeaker


def findings(panel):
    panel = Panel.objects.with_people().with_running_order().get(pk=panel.pk)
    return [(f.severity, f.code, f.message) for f in panel_findings(panel)]


def test_panel_that_fits_its_slot_has_no_findings(make_panel, make_segment):
    panel = make_panel()
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION)

    assert findings(panel) == []


def test_panel_overrun_is_an_error_with_minutes(make_panel, make_segment):
    panel = make_panel()
    make_segment(panel, 60, kind=Segment.Kind.DISCUSSION)
    make_segment(panel, 35, kind=Segment.Kind.CONCLUDING)

    assert findings(panel) == [
        (ERROR, "overrun", "The running order overruns the slot by 5 minutes.")
    ]


def test_panel_unallocated_time_is_a_warning(make_panel, make_segment):
    panel = make_panel()
    make_segment(panel, 80, kind=Segment.Kind.DISCUSSION)

    assert findings(panel) == [
        (WARNING, "unallocated", "10 minutes of the slot are not allocated.")
    ]


def test_presentation_over_the_limit_is_a_warning(make_panel, make_segment):
    panel = make_panel(presentation_limit_minutes=10)
    make_segment(panel, 15, title="Regional dimensions")
    make_segment(panel, 75, kind=Segment.Kind.DISCUSSION)

    assert findings(panel) == [
        (
            WARNING,
            "presentation_too_long",
            "“Regional dimensions” (15:00–15:15) lasts 15 minutes, longer than the 10 minutes a "
            "presentation may last.",
        )
    ]


def test_discussion_longer_than_the_limit_is_not_flagged(make_panel, make_segment):
    panel = make_panel(presentation_limit_minutes=10)
    make_segment(panel, 90, kind=Segment.Kind.DISCUSSION)

    assert findings(panel) == []


def test_speaker_who_declined_is_a_warning(make_panel, make_panellist, make_person, make_segment):
    panel = make_panel()
    place = make_panellist(
        panel, person=make_person(name="Li Shili"), status=Panellist.Status.DECLINED
    )
    make_segment(panel, 90, speaker=place, title="Talk", kind=Segment.Kind.DISCUSSION)

    assert findings(panel) == [
        (
            WARNING,
            "speaker_not_available",
            "“Talk” (15:00–16:30) is given to Li Shili, whose status is “Declined”.",
        )
    ]


def test_speaker_of_another_panel_is_a_warning(
    make_panel, make_panellist, make_person, make_segment
):
    panel, other = make_panel(), make_panel()
    stranger = make_panellist(other, person=make_person(name="Kwame Sample"))
    segment = make_segment(panel, 90, title="Talk", kind=Segment.Kind.DISCUSSION)
    SegmentSpeaker.objects.create(segment=segment, panellist=stranger)  # bypasses clean()

    assert findings(panel) == [
        (
            WARNING,
            "speaker_not_on_panel",
            "“Talk” (15:00–16:30) is given to Kwame Sample, who is not a panellist of this panel.",
        )
    ]


def test_person_on_two_overlapping_panels_is_named_with_both_rooms(
    make_meeting, make_panel, make_panellist, make_person, make_segment
):
    meeting = make_meeting()
    first = make_panel(meeting, title="Regional dimensions", room="Room 1")
    second = make_panel(
        meeting, title="Human rights", room="Room 2", start_time=time(16), end_time=time(17)
    )
    person = make_person(name="Amina Example", honorific="Dr.")
    make_panellist(first, person=person)
    make_panellist(second, person=person)
    make_segment(first, 90, kind=Segment.Kind.DISCUSSION)

    assert findings(first) == [
        (
            WARNING,
            "double_booked",
            "Dr. Amina Example is also on “Human rights” (Room 2), Feb. 16, 2017 16:00–17:00, "
            "which overlaps this panel (Room 1).",
        )
    ]


def test_person_on_panels_that_touch_is_not_double_booked(
    make_meeting, make_panel, make_panellist, make_person
):
    meeting = make_meeting()
    first = make_panel(meeting)
    second = make_panel(meeting, start_time=time(16, 30), end_time=time(17, 30))
    person = make_person()
    make_panellist(first, person=person)
    make_panellist(second, person=person)

    panels = list(Panel.objects.with_people().select_related("meeting"))

    assert double_bookings(panels) == {}


def test_declined_place_does_not_count_as_double_booking(
    make_meeting, make_panel, make_panellist, make_person
):
    meeting = make_meeting()
    first, second = make_panel(meeting), make_panel(meeting)
    person = make_person()
    make_panellist(first, person=person)
    make_panellist(second, person=person, status=Panellist.Status.WITHDRAWN)

    panels = list(Panel.objects.with_people().select_related("meeting"))

    assert double_bookings(panels) == {}


def test_panels_of_different_meetings_never_clash(make_panel, make_panellist, make_person):
    person = make_person()
    make_panellist(make_panel(), person=person)
    make_panellist(make_panel(), person=person)

    panels = list(Panel.objects.with_people().select_related("meeting"))

    assert double_bookings(panels) == {}


def test_findings_list_errors_first(make_panel, make_segment):
    panel = make_panel()
    make_segment(panel, 95, title="Long talk")

    assert [code for _, code, _ in findings(panel)] == ["overrun", "presentation_too_long"]


def test_panel_without_a_running_order_is_a_warning(make_panel):
    panel = make_panel()

    assert findings(panel) == [
        (WARNING, "no_running_order", "The panel has no running order yet.")
    ]
