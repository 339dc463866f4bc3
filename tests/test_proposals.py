"""A panellist's corrections to their own details (issue 12, "Lost update on people"): proposed
through the personal link, kept apart, accepted or rejected by the secretariat on the person's
or the panellist's page; never overwriting an officer's edit, nor overwritten by one."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail as outbox
from django.urls import reverse

from panels import services
from panels.models import Panellist, Person, ProposedChange
from tests.admin_helpers import admin_url, form_data, messages_of


@pytest.fixture
def place(make_meeting, make_panel, make_panellist, make_person):
    """Amina Example, panellist, position "Director", on a panel in 2099."""
    panel = make_panel(make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 16)))
    person = make_person(name="Amina Example", position="Director", bio="Works on migration.")
    return make_panellist(panel, person=person, presentation_title="Regional reviews")


def statuses(place):
    return list(place.proposed_changes.order_by("pk").values_list("field", "value", "status"))


def test_a_proposal_keeps_what_was_shown_and_changes_nothing(place):
    [made] = services.propose_changes(place, {"position": "Chief"})

    assert (made.field, made.value, made.previous, made.person) == (
        "position",
        "Chief",
        "Director",
        place.person,
    )
    assert Person.objects.get(pk=place.person_id).position == "Director"


def test_a_newer_proposal_replaces_the_pending_one(place):
    services.propose_changes(place, {"position": "Chief"})
    services.propose_changes(place, {"position": "Head"})

    assert statuses(place) == [
        ("position", "Chief", "superseded"),
        ("position", "Head", "pending"),
    ]


def test_proposing_the_saved_value_withdraws_the_proposal(place):
    services.propose_changes(place, {"position": "Chief"})
    services.propose_changes(place, {"position": "Director"})

    assert statuses(place) == [("position", "Chief", "superseded")]


def test_accepting_writes_the_value_raises_the_version_and_records_it(place, admin_user):
    version = Person.objects.get(pk=place.person_id).version
    proposals = services.propose_changes(place, {"bio": "New bio.", "presentation_title": "New"})
    panel_version = place.panel.__class__.objects.get(pk=place.panel_id).version

    result = services.decide_proposed_changes(proposals, accept=True, actor=admin_user)

    person = Person.objects.get(pk=place.person_id)
    assert (person.bio, person.version) == ("New bio.", version + 1)
    assert Panellist.objects.get(pk=place.pk).presentation_title == "New"
    assert place.panel.__class__.objects.get(pk=place.panel_id).version > panel_version
    assert len(result.accepted) == 2
    assert {entry.get_change_message() for entry in LogEntry.objects.all()} == {
        "Changed Short bio (English).",
        "Changed Presentation title.",
    }


def test_rejecting_leaves_the_details_and_a_second_decision_is_refused(place, admin_user):
    proposals = services.propose_changes(place, {"position": "Chief"})

    first = services.decide_proposed_changes(proposals, accept=False, actor=admin_user)
    second = services.decide_proposed_changes(proposals, accept=True, actor=admin_user)

    assert (len(first.rejected), len(second.already)) == (1, 1)
    assert Person.objects.get(pk=place.person_id).position == "Director"
    assert statuses(place) == [("position", "Chief", "rejected")]


def test_a_former_holders_proposal_is_not_applied_once_the_place_changed_hands(
    place, admin_user, make_person
):
    proposals = services.propose_changes(place, {"position": "Chief", "presentation_title": "X"})
    amina = place.person
    Panellist.objects.filter(pk=place.pk).update(person=make_person(name="Jorge Example"))

    result = services.decide_proposed_changes(proposals, accept=True, actor=admin_user)

    assert (result.accepted, len(result.already)) == ([], 2)
    assert Person.objects.get(pk=amina.pk).position == "Director"
    assert Panellist.objects.get(pk=place.pk).presentation_title == "Regional reviews"
    assert services.pending_values(Panellist.objects.get(pk=place.pk)) == {}
    assert set(place.proposed_changes.values_list("status", flat=True)) == {"superseded"}


# In the admin


def test_an_officers_save_does_not_overwrite_a_pending_correction(admin_client, place):
    url = admin_url(Person, "change", place.person_id)
    data = form_data(admin_client.get(url))
    services.propose_changes(place, {"bio": "Her own words."})
    data["organisation"] = "Example Commission"

    admin_client.post(url, data)

    person = Person.objects.get(pk=place.person_id)
    assert (person.organisation, person.bio) == ("Example Commission", "Works on migration.")
    assert statuses(place) == [("bio", "Her own words.", "pending")]


def test_the_person_page_lists_pending_corrections_and_accepts_them(admin_client, place):
    services.propose_changes(place, {"bio": "Her own words.", "presentation_title": "New"})
    url = admin_url(Person, "change", place.person_id)
    page = admin_client.get(url)
    data = form_data(page)
    bio, _title = sorted(key for key in data if key.endswith("-decision"))
    data[bio] = "accept"

    response = admin_client.post(url, data, follow=True)

    assert "Her own words." in page.content.decode()
    assert "Accepted 1 correction: it now shows in the programme." in messages_of(response)
    assert Person.objects.get(pk=place.person_id).bio == "Her own words."
    # Left undecided: the presentation title.
    assert statuses(place) == [
        ("bio", "Her own words.", "accepted"),
        ("presentation_title", "New", "pending"),
    ]


def test_the_panellist_page_rejects_a_correction(admin_client, place):
    services.propose_changes(place, {"presentation_title": "New"})
    url = admin_url(Panellist, "change", place.pk)
    data = form_data(admin_client.get(url))
    [row] = [key for key in data if key.endswith("-decision")]
    data[row] = "reject"

    response = admin_client.post(url, data, follow=True)

    assert "Rejected 1 correction." in messages_of(response)
    assert Panellist.objects.get(pk=place.pk).presentation_title == "Regional reviews"
    assert ProposedChange.objects.get().status == "rejected"


@pytest.mark.usefixtures("email_site")
def test_the_answer_notice_lists_the_corrections_to_decide(
    place, django_capture_on_commit_callbacks
):
    place.panel.meeting.secretariat_email = "secretariat@example.org"
    place.panel.meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_through_link(
            place,
            Panellist.Status.CONFIRMED,
            fingerprint=services.slot_fingerprint(place),
            person_changes={"position": "Chief"},
        )

    [message] = outbox.outbox
    assert "Corrections proposed, to accept or reject on the panellist's page:\n" in message.body
    assert "- Position: Director → Chief\n" in message.body


def test_a_decision_taken_meanwhile_by_someone_else_is_refused_beside_the_row(
    admin_client, place, admin_user
):
    [proposal] = services.propose_changes(place, {"presentation_title": "New"})
    url = admin_url(Panellist, "change", place.pk)
    data = form_data(admin_client.get(url))
    [row] = [key for key in data if key.endswith("-decision")]
    data[row] = "reject"
    services.decide_proposed_changes([proposal], accept=True, actor=admin_user)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Already accepted by admin" in response.content.decode()
    assert ProposedChange.objects.get().status == "accepted"
    assert Panellist.objects.get(pk=place.pk).presentation_title == "New"


def test_the_pages_show_no_corrections_table_when_none_wait(admin_client, place):
    page = admin_client.get(admin_url(Person, "change", place.person_id)).content.decode()

    assert "corrections proposed by the panellist" not in page.lower()


def test_a_post_without_the_detail_fields_proposes_no_blanks(client, place):
    url = reverse("panels:panellist-answer", kwargs={"secret": services.issue_link(place)})
    data = {"answer": "confirmed", "fingerprint": services.slot_fingerprint(place)}

    client.post(url, data)

    assert Panellist.objects.get(pk=place.pk).status == "confirmed"
    assert not ProposedChange.objects.exists()


def test_a_newer_bio_through_another_panels_link_replaces_the_first(
    place, make_panel, make_panellist
):
    elsewhere = make_panellist(make_panel(place.panel.meeting, title="Other"), person=place.person)
    services.propose_changes(place, {"bio": "First."})

    services.propose_changes(elsewhere, {"bio": "Second."})

    assert list(ProposedChange.objects.order_by("pk").values_list("value", "status")) == [
        ("First.", "superseded"),
        ("Second.", "pending"),
    ]
