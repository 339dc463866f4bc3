"""A panellist's place in the admin, on the panel page's rows and on the panellist's own page
and list: every answer the secretariat records goes through ``services.record_answer`` (it is
stamped with the time it was given), a speaker cannot be moved off their panel, a second
moderator is refused beside the role, and the list costs the same number of queries for 1 or
10 panellists. Invitations, reminders and links: ``test_admin_invitations.py``.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from panels import services
from panels.models import Panel, Panellist
from tests.admin_helpers import add_row, admin_url, column, form_data, row_index, run_action

ANSWERED_AT = datetime(2017, 1, 20, 14, 30, tzinfo=UTC)


@pytest.fixture
def frozen_answers(monkeypatch):
    """Make ``services.record_answer`` stamp ``ANSWERED_AT`` as the time of each answer."""
    monkeypatch.setattr(services.answers, "timezone", SimpleNamespace(now=lambda: ANSWERED_AT))


# ---------------------------------------------------------------------------------------------
# Answers go through services.record_answer


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

    assert column(response, "answered_at") == ["Jan. 20, 2017, 14:30 (UTC)"]


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


def test_panellist_action_mark_confirmed_reports_the_answers_recorded(
    admin_client, panel, moderator, speaker
):
    services.record_answer(moderator, Panellist.Status.CONFIRMED, at=ANSWERED_AT)

    response = run_action(admin_client, Panellist, "mark_confirmed", [moderator, speaker])

    # The answers recorded, and when: test_services_operations.py.
    assert [str(message) for message in response.context["messages"]] == [
        "1 panellist marked as “Confirmed”.",
        "1 panellist already had the status “Confirmed”.",
    ]


# ---------------------------------------------------------------------------------------------
# The list


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

    assert len(column(response, "participant")) == panels
