"""The panel's list and page in the admin: the running order's total and times in the meeting's
zone, saving the page with its three inlines, deleting, and cancelling and reinstating panels.
The list costs the same number of queries for 1 or 10 panels. The page's rows:
``test_admin_formsets.py``; generating, reordering and publishing running orders:
``test_admin_running_order.py``; saves from a stale copy of the page: ``test_locking.py``.
"""

from datetime import date, time

import pytest
from django.contrib.admin.models import LogEntry

from panels.models import ConceptNoteSection, Meeting, Panel, Panellist, Room, Segment
from tests.admin_helpers import (
    add_row,
    admin_url,
    checks_column,
    column,
    form_data,
    inline_formset,
    messages_of,
    parse_form,
    readonly_value,
    run_action,
    staff_with,
)

# ---------------------------------------------------------------------------------------------
# The list and the running order's total


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
    ) == (["15:00"], ["16:30"], ["America/New_York"])


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
        panel = make_panel(meeting, title=f"Panel {number}", room=f"Room {number}")
        make_segment(panel, 30, speaker=make_panellist(panel))

    # Session, user, meeting filter, 2 counts, the page with its people and running order (4),
    # its meetings' panels with their people and running orders for double bookings (4), the
    # date hierarchy's 2.
    with django_assert_max_num_queries(15):
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


# ---------------------------------------------------------------------------------------------
# Saving the page with its three inlines


def test_panel_add_saves_with_inlines(admin_client, make_meeting, make_person):
    meeting = make_meeting()
    person = make_person(name="Amina Example")
    data = {
        "meeting": meeting.pk,
        "title_en": "Migration and the 2030 Agenda",
        "date": "2017-02-16",
        "start_time": "15:00",
        "end_time": "16:30",
        "room": str(Room.objects.create(meeting=meeting, name="Conference Room 4").pk),
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
        "is_published": "on",
    }
    for prefix in ("sections", "documents", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    add_row(data, "sections", heading_en="Background", body_en="Text.", order="0")
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
    data["title_en"] = "Migration and sustainable development"
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
        "title_en": "Early panel",
        "date": "2017-03-12",
        "start_time": "02:30",
        "end_time": "04:00",
        "room": "",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
    }
    for prefix in ("sections", "documents", "panellists", "segments"):
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


def test_panel_delete_selected_action_deletes_with_running_order(admin_client, full_panel):
    data = {"action": "delete_selected", "_selected_action": [full_panel.pk], "post": "yes"}

    response = admin_client.post(admin_url(Panel, "changelist"), data)

    assert response.status_code == 302
    assert (Panel.objects.count(), Segment.objects.count(), Panellist.objects.count()) == (0, 0, 0)


# ---------------------------------------------------------------------------------------------
# Cancelling and reinstating panels, and their status on the page and in the list


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(title="Coordination meeting on migration", slug="cm15")


def statuses():
    return dict(Panel.objects.values_list("title", "status"))


def sequences():
    return dict(Panel.objects.values_list("title", "sequence"))


def test_cancel_action_reports_the_panels_cancelled(admin_client, admin_user, meeting, make_panel):
    first = make_panel(meeting, title="First")
    second = make_panel(meeting, title="Second", start_time=time(17), end_time=time(18))
    done = make_panel(meeting, title="Done", status=Panel.Status.CANCELLED)

    response = run_action(admin_client, Panel, "cancel_panels", [second, first, done], post="yes")

    assert messages_of(response) == [
        "Cancelled 2 panels: “First” and “Second”. They stay on the public programme and in "
        "calendars, marked as cancelled.",
        "“Done” was already cancelled.",
    ]
    # Their status, calendar entries, versions and history: test_services_operations.py.
    assert {entry.object_id: entry.user for entry in LogEntry.objects.all()} == {
        str(first.pk): admin_user,
        str(second.pk): admin_user,
    }


def test_reinstate_action_reports_the_panels_reinstated(admin_client, meeting, make_panel):
    make_panel(meeting, title="Cancelled", status=Panel.Status.CANCELLED)
    make_panel(meeting, title="Scheduled")

    response = run_action(admin_client, Panel, "reinstate_panels", Panel.objects.all())

    assert messages_of(response) == [
        "Reinstated 1 panel: “Cancelled”. It is shown as scheduled again.",
        "“Scheduled” was not cancelled.",
    ]


def test_cancel_action_needs_change_permission(client, django_user_model, meeting, make_panel):
    panel = make_panel(meeting, title="First")
    officer = staff_with(client, django_user_model, "view_panel")

    page = officer.get(admin_url(Panel, "changelist")).content.decode()
    officer.post(
        admin_url(Panel, "changelist"),
        {"action": "cancel_panels", "_selected_action": [panel.pk], "post": "yes"},
    )

    assert 'value="cancel_panels"' not in page
    assert statuses() == {"First": "scheduled"}


def test_panel_page_saves_status_and_list_shows_and_filters_it(admin_client, meeting, make_panel):
    panel = make_panel(meeting, title="First")
    make_panel(meeting, title="Second", start_time=time(17), end_time=time(18))
    page = admin_client.get(admin_url(Panel, "change", panel.pk))
    data = form_data(page) | {"status": "cancelled"}

    options = parse_form(page).options["status"]
    admin_client.post(admin_url(Panel, "change", panel.pk), data)
    listed = admin_client.get(admin_url(Panel, "changelist"))
    filtered = admin_client.get(admin_url(Panel, "changelist"), {"status__exact": "cancelled"})

    assert options == [("scheduled", "Scheduled"), ("cancelled", "Cancelled")]
    assert (statuses(), sequences()["First"]) == ({"First": "cancelled", "Second": "scheduled"}, 1)
    assert column(listed, "status") == ["Cancelled", "Scheduled"]
    assert column(filtered, "title") == ["First"]


def test_panel_add_page_has_no_status_and_a_new_panel_is_scheduled(admin_client, panel):
    add_page = parse_form(admin_client.get(admin_url(Panel, "add")))
    change_page = parse_form(admin_client.get(admin_url(Panel, "change", panel.pk)))

    assert ("status" in add_page.data, change_page.data["status"]) == (False, "scheduled")
