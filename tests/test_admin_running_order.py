"""A panel's running order in the admin: generating the standard one (an action on the list, a
button on the page), reordering it, refusing to publish one that overruns its slot, and the
seed's panel walked through all of these. What is generated, and the rule for publishing, are
the services' (``test_services.py``, ``test_services_operations.py``); here, who may do it,
what the officer is told, and what the page shows and refuses.

The checks on the page, in the list and as a filter: ``test_admin_running_order_checks.py``.
"""

import re
from datetime import date, time

import pytest
from django.contrib.admin.models import LogEntry
from playwright.sync_api import expect

from panels.models import Panel, Panellist, Segment
from tests.admin_helpers import (
    add_row,
    admin_url,
    column,
    findings_field,
    form_data,
    inline_formset,
    messages_of,
    public_running_order,
    run_action,
    running_order_rows,
    staff_with,
)
from tests.test_browser import headless_chromium, sign_in

# ---------------------------------------------------------------------------------------------
# Generating the standard running order


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


def test_panel_action_generate_reports_the_running_order_built(
    admin_client, admin_user, seed_like_panel
):
    response = run_action(admin_client, Panel, "generate_running_order", [seed_like_panel])

    assert messages_of(response) == [
        "Generated the standard running order of “Migration and the 2030 Agenda”: 7 segments, "
        "15:00–16:30 (America/New_York)."
    ]
    # The segments and their history: test_services.py, test_services_operations.py.
    assert LogEntry.objects.get(object_id=str(seed_like_panel.pk)).user == admin_user


def test_panel_action_generate_never_overwrites_a_running_order(
    admin_client, full_panel, make_panel, make_panellist, make_person
):
    empty = make_panel(full_panel.meeting, title="Labour migration", date=date(2017, 2, 17))
    make_panellist(empty, person=make_person(name="Chair Person"), role=Panellist.Role.CHAIR)

    response = run_action(admin_client, Panel, "generate_running_order", [full_panel, empty])

    assert messages_of(response) == [
        "Generated the standard running order of “Labour migration”: 3 segments, 15:00–16:30 "
        "(America/New_York).",
        "Not generated for “Migration and the 2030 Agenda”: it already has a running order, "
        "and generating never overwrites one. To generate it again, delete its segments first.",
    ]


def test_panel_action_generate_when_the_slot_is_too_short(admin_client, seed_like_panel):
    Panel.objects.filter(pk=seed_like_panel.pk).update(end_time=time(15, 20))

    response = run_action(admin_client, Panel, "generate_running_order", [seed_like_panel])

    assert messages_of(response) == [
        "Not generated for “Migration and the 2030 Agenda”: its 20-minute slot is too short "
        "for the moderator's opening and concluding remarks, a discussion and 4 "
        "presentations. Lengthen the slot, or build the running order by hand."
    ]


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
        "title_en": "Labour migration",
        "date": "2017-02-16",
        "start_time": "10:00",
        "end_time": "11:00",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
        "_generate_running_order": "Save and generate the standard running order",
    }
    for prefix in ("sections", "documents", "panellists", "segments"):
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
    officer = staff_with(client, django_user_model, *codenames)

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
    officer = staff_with(
        client, django_user_model, "view_panel", "change_panel", "view_segment", "view_panellist"
    )
    data = form_data(officer.get(admin_url(Panel, "change", seed_like_panel.pk)))
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = officer.post(admin_url(Panel, "change", seed_like_panel.pk), data, follow=True)

    assert messages_of(response)[-1] == (
        "The running order was not generated: you may not add segments."
    )
    assert seed_like_panel.segments.exists() is False


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

    response = run_action(admin_client, Panel, "generate_running_order", [panel])

    assert [str(m) for m in response.context["messages"]] == [
        "Not generated for “Long day”: its slot of 1499 minutes would need a discussion longer "
        "than a day. Build the running order by hand."
    ]


# ---------------------------------------------------------------------------------------------
# Reordering the running order


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


# ---------------------------------------------------------------------------------------------
# Publishing only a running order that fits its slot


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


def test_publish_action_refuses_overrunning_panels(
    admin_client, admin_user, make_meeting, make_panel
):
    meeting = make_meeting()
    fitting = make_panel(meeting, title="Fitting", is_published=False)
    over = make_panel(
        meeting, title="Overrunning", is_published=False, start_time=time(17), end_time=time(18)
    )
    done = make_panel(meeting, title="Published already", start_time=time(9), end_time=time(10))
    Segment.objects.create(panel=fitting, kind="discussion", duration_minutes=90)
    Segment.objects.create(panel=over, kind="discussion", duration_minutes=65)

    response = run_action(admin_client, Panel, "publish", [fitting, over, done])

    assert messages_of(response) == [
        "Published 1 panel: “Fitting”.",
        "“Published already” was already published.",
        "Not published, because its running order overruns its slot: “Overrunning” (over by 5 "
        "minutes). Shorten the running order or lengthen the slot first.",
    ]
    # Which are published, and their history: test_services_operations.py.
    assert LogEntry.objects.get(object_id=str(fitting.pk)).user == admin_user


# ---------------------------------------------------------------------------------------------
# The seed's panel: its running order generated again, a presentation stretched, an overrun


def test_seed_running_order_deleted_and_generated_again_in_one_save(admin_client, seed_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", seed_panel.pk)))
    for index in range(seed_panel.segments.count()):
        data[f"segments-{index}-DELETE"] = "on"
    data["_generate_running_order"] = "Save and generate the standard running order"

    response = admin_client.post(admin_url(Panel, "change", seed_panel.pk), data, follow=True)

    assert messages_of(response)[-1] == (
        f"Generated the standard running order of “{seed_panel.title}”: 7 segments, "
        "15:00–16:30 (America/New_York)."
    )
    # That it is the seed's running order again: test_services.py.


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
