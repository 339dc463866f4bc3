"""The checks of a panel's running order as the admin shows them: in the panel page's "checks"
field, in the list's "checks" column, and as the list's "problems" filter with its counts.
What the checks find is ``panels.checks``'s (``test_checks.py``); here, how each finding is
shown, and that the list costs the same number of queries for 1 or 10 panels.
"""

import re
from datetime import time

import pytest

from panels.models import Meeting, Panel, Panellist, Room, Segment
from tests.admin_helpers import admin_url, checks_column, column, findings_field, text_of

# ---------------------------------------------------------------------------------------------
# Each finding, on the page and in the list


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
        room=Room.objects.create(meeting=panel.meeting, name="Conference Room 2"),
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


# ---------------------------------------------------------------------------------------------
# The list's "problems" filter


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

    # The list's 15 (test_admin_panels.py), and the filter's: the panels, their people and
    # running order, their meetings' panels, people and running orders.
    with django_assert_max_num_queries(23):
        response = admin_client.get(admin_url(Panel, "changelist"), {"problems": "overrun"})

    assert len(column(response, "title")) == panels


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
