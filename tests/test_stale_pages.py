"""No lost edits on the pages of meetings and people (issue 12): a save from a stale copy is
refused before anything is written, as on a panel's page (``tests/test_locking.py``).

Two officers open the same person's or meeting's page; the first saves; the second is refused
with what the first changed, who and when, and how the saved record differs from their page,
and nothing of theirs is saved. A person's page opened before a correction the panellist
proposed was accepted is refused likewise. A tampered or missing ``version`` or
``loaded_at`` gives a refusal, never a server error.
"""

import pytest
from concurrency.forms import get_signer
from django.db import connection
from django.test import Client

from panels import services
from panels.admin import stale
from panels.admin.meetings import MeetingAdmin
from panels.admin.people import PersonAdmin
from panels.models import Meeting, Person
from tests.admin_helpers import (
    SINCE,
    change_url,
    form_data,
    messages_of,
    refusal,
    row_index,
    save_at_the_same_moment,
    save_copy,
    stale_copy,
)

PERSON_REFUSED = (
    "This person's details were saved again after you opened this page (by someone else, by "
    "you in another tab, or by accepting a correction the panellist proposed), so nothing on "
    "this page was saved. Open the person again to see what is saved now, then make your "
    "changes again."
)
PERSON_DIFFERENCES = "How the saved details differ from this page:"
MEETING_REFUSED = (
    "This meeting was saved again after you opened this page (by someone else, or by you in "
    "another tab), so nothing on this page was saved. Open the meeting again to see what is "
    "saved now, then make your changes again."
)
MEETING_DIFFERENCES = "How the saved meeting differs from this page:"


@pytest.fixture
def officer(admin_user):
    """The secretariat's officer on a browser that shows error pages as a browser gets them
    (status codes, not exceptions)."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.fixture
def place(panel, make_person, make_panellist):
    """Amina Example, Director at the Example Mission, on the panel."""
    person = make_person(name="Amina Example", position="Director", organisation="Example Mission")
    return make_panellist(panel, person=person)


@pytest.fixture
def person(place):
    return place.person


def open_again(record):
    return f'<a href="{change_url(record)}">Open it again</a>'


# ---------------------------------------------------------------------------------------------
# A person's page


def test_second_officer_on_a_person_page_is_refused_with_the_first_change(
    admin_client, first_editor, person
):
    first, second = stale_copy(first_editor, person), stale_copy(admin_client, person)
    first["position_en"] = "Permanent Representative"
    second["organisation"] = "UN DESA"
    second["bio_en"] = "Works on remittances."

    saved = save_copy(first_editor, person, first)
    refused = save_copy(admin_client, person, second)

    assert saved.status_code == 302
    assert refusal(refused) == [
        PERSON_REFUSED,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Position (English).",
        PERSON_DIFFERENCES,
        "Position (English): saved “Permanent Representative”, on this page “Director”.",
        "Organisation: saved “Example Mission”, on this page “UN DESA”.",
        "Short bio (English): saved (blank), on this page “Works on remittances.”.",
        open_again(person),
    ]
    person.refresh_from_db()
    assert (person.position, person.organisation, person.bio) == (
        "Permanent Representative",
        "Example Mission",
        "",
    )


def test_a_person_page_opened_before_a_correction_was_accepted_is_refused(
    admin_client, first_editor, place, person
):
    stale = stale_copy(admin_client, person)
    stale["organisation"] = "UN DESA"
    services.propose_changes(place, {"position": "Chief of Section"})
    panellist_page = form_data(first_editor.get(change_url(place)))
    [decision] = [name for name in panellist_page if name.endswith("-decision")]
    panellist_page[decision] = "accept"

    accepted = save_copy(first_editor, place, panellist_page)
    refused = save_copy(admin_client, person, stale)

    assert accepted.status_code == 302
    assert refusal(refused) == [
        PERSON_REFUSED,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Position (English).",
        PERSON_DIFFERENCES,
        "Position (English): saved “Chief of Section”, on this page “Director”.",
        "Organisation: saved “Example Mission”, on this page “UN DESA”.",
        open_again(person),
    ]
    person.refresh_from_db()
    assert (person.position, person.organisation) == ("Chief of Section", "Example Mission")


def test_a_person_page_opened_before_a_correction_was_accepted_elsewhere_is_refused(
    admin_client, admin_user, place, person
):
    stale = stale_copy(admin_client, person)
    proposals = services.propose_changes(place, {"bio": "Her own words."})
    services.decide_proposed_changes(proposals, accept=True, actor=admin_user)

    refused = save_copy(admin_client, person, stale)

    assert refusal(refused)[0] == PERSON_REFUSED
    assert Person.objects.get(pk=person.pk).bio == "Her own words."


# ---------------------------------------------------------------------------------------------
# A meeting's page


def test_second_officer_on_a_meeting_page_is_refused_with_the_first_change(
    admin_client, first_editor, panel
):
    meeting = panel.meeting
    first, second = stale_copy(first_editor, meeting), stale_copy(admin_client, meeting)
    first["venue"] = "Palais des Nations"
    first["format"] = Meeting.Format.HYBRID
    first["interpretation_languages"] = ["en", "fr"]
    # The second officer renames the meeting and, on the same page, a room and a session.
    second["title_en"] = "Coordination meeting"
    second[f"rooms-{row_index(second, 'rooms', panel.room_id)}-name"] = "Room XX"
    second[f"panels-{row_index(second, 'panels', panel.pk)}-title_en"] = "Labour migration"

    saved = save_copy(first_editor, meeting, first)
    refused = save_copy(admin_client, meeting, second)

    assert saved.status_code == 302
    assert refusal(refused) == [
        MEETING_REFUSED,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Venue, Format and Interpretation.",
        MEETING_DIFFERENCES,
        "Title (English): saved “Test meeting”, on this page “Coordination meeting”.",
        "Venue: saved “Palais des Nations”, on this page “Test venue”.",
        "Format: saved “Hybrid (in person and online)”, on this page “In person”.",
        "Interpretation: saved “English, French”, on this page (blank).",
        open_again(meeting),
    ]
    meeting.refresh_from_db()
    panel.refresh_from_db()
    assert (meeting.title, meeting.venue, panel.title, panel.room.name) == (
        "Test meeting",
        "Palais des Nations",
        "Migration and the 2030 Agenda",
        "Conference Room 4",
    )


def test_a_meeting_page_refused_keeps_its_new_rows_unsaved(admin_client, first_editor, panel):
    meeting = panel.meeting
    first, second = stale_copy(first_editor, meeting), stale_copy(admin_client, meeting)
    first["venue"] = "Palais des Nations"
    second["documents-TOTAL_FORMS"] = str(int(second["documents-TOTAL_FORMS"]) + 1)
    second |= {"documents-0-title": "Provisional agenda", "documents-0-order": "0"}

    save_copy(first_editor, meeting, first)
    refused = save_copy(admin_client, meeting, second)

    assert refusal(refused)[0] == MEETING_REFUSED
    assert not meeting.documents.exists()


def test_a_meeting_page_is_not_refused_for_a_session_saved_on_its_own_page(
    admin_client, first_editor, panel
):
    # A session's page raises the session's version, not its meeting's: only the session's
    # row of a stale meeting page is refused (tests/test_locking.py), the meeting's own
    # fields are not.
    meeting = panel.meeting
    stale = stale_copy(admin_client, meeting)
    stale["venue"] = "Palais des Nations"
    session = form_data(first_editor.get(change_url(panel)))
    session["title_en"] = "Labour migration"
    save_copy(first_editor, panel, session)

    refused = save_copy(admin_client, meeting, stale)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == []
    assert Meeting.objects.get(pk=meeting.pk).venue == "Test venue"


# ---------------------------------------------------------------------------------------------
# Either page: opened again, or saved as the version changes


@pytest.fixture(params=["person", "meeting"])
def record(request, panel):
    """The person, or the meeting, whose page is sent."""
    return request.getfixturevalue("person") if request.param == "person" else panel.meeting


# The field each test edits on a record's page, and what each page says when it is refused.
EDITED = {Person: "name", Meeting: "title_en"}
REFUSED = {Person: PERSON_REFUSED, Meeting: MEETING_REFUSED}


def edited(client, record):
    """A fresh copy of ``record``'s page, as POST data, with its name or title changed."""
    data = form_data(client.get(change_url(record)))
    data[EDITED[type(record)]] = "Changed on this page"
    return data


def unchanged(record):
    """Whether ``record``'s name or title is still as saved before the page was edited."""
    saved = type(record).objects.get(pk=record.pk)
    return getattr(saved, EDITED[type(record)]) != "Changed on this page"


def test_a_page_opened_again_after_a_refusal_saves(admin_client, first_editor, record):
    field = EDITED[type(record)]
    first, second = stale_copy(first_editor, record), stale_copy(admin_client, record)
    first[field] = "Saved first"
    save_copy(first_editor, record, first)
    assert refusal(save_copy(admin_client, record, second))[0] == REFUSED[type(record)]

    fresh = stale_copy(admin_client, record)
    fresh[field] = "Saved again"
    response = save_copy(admin_client, record, fresh)

    assert response.status_code == 302
    assert getattr(type(record).objects.get(pk=record.pk), field) == "Saved again"


CLASHED = {
    Person: "Nothing was saved: someone else saved this person's details while you were saving "
    "them. The page now shows what is saved; make your changes again.",
    Meeting: "Nothing was saved: someone else saved this meeting while you were saving it. The "
    "page now shows what is saved; make your changes again.",
}


def test_version_changed_between_checking_and_saving_is_refused_with_nothing_saved(
    admin_client, record, monkeypatch
):
    # As if another save committed between this page's check and its own save.
    monkeypatch.setattr(stale.StaleSaveRefusalMixin, "clean", stale.forms.ModelForm.clean)
    data = edited(admin_client, record)
    type(record).objects.filter(pk=record.pk).update(version=record.version + 1)

    response = admin_client.post(change_url(record), data, follow=True)

    assert messages_of(response) == [CLASHED[type(record)]]
    assert unchanged(record)


# ---------------------------------------------------------------------------------------------
# Tampered pages


@pytest.mark.parametrize("version", [None, "", "None"])
def test_a_page_without_its_version_is_refused(officer, record, version):
    data = edited(officer, record)
    if version is None:
        del data["version"]
    else:
        data["version"] = version

    response = officer.post(change_url(record), data)

    assert refusal(response)[0] == REFUSED[type(record)]
    assert unchanged(record)


@pytest.mark.parametrize("version", ["0", "7", "1:forged", "x" * 5000, "1:" + "0" * 43])
def test_a_tampered_version_is_a_bad_request_with_nothing_saved(officer, record, version):
    data = edited(officer, record)
    data["version"] = version

    response = officer.post(change_url(record), data)

    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert unchanged(record)


@pytest.mark.parametrize("version", [2**70, -1, 10**6])
def test_a_validly_signed_version_of_another_copy_is_refused(officer, record, version):
    data = edited(officer, record)
    data["version"] = get_signer().sign(version)

    response = officer.post(change_url(record), data)

    assert refusal(response)[0] == REFUSED[type(record)]
    assert unchanged(record)


LOADED_AT_VALUES = [
    None,
    "",
    "garbage",
    "2026-11-30T10:00:00",  # no offset
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "x" * 5000,
]


@pytest.mark.parametrize("loaded_at", LOADED_AT_VALUES)
def test_a_fresh_page_with_an_unreadable_loaded_at_saves(officer, record, loaded_at):
    data = edited(officer, record)
    if loaded_at is None:
        del data["loaded_at"]
    else:
        data["loaded_at"] = loaded_at

    response = officer.post(change_url(record), data)

    assert response.status_code == 302
    assert not unchanged(record)


@pytest.mark.parametrize("loaded_at", LOADED_AT_VALUES)
def test_a_stale_page_with_an_unreadable_loaded_at_is_refused_cleanly(
    officer, first_editor, record, loaded_at
):
    first = form_data(first_editor.get(change_url(record)))
    data = edited(officer, record)
    if loaded_at is None:
        del data["loaded_at"]
    else:
        data["loaded_at"] = loaded_at
    first_editor.post(change_url(record), first)

    response = officer.post(change_url(record), data)

    # Without a moment to list the history from, the refusal lists none, and still refuses.
    errors = refusal(response)
    assert errors[0] == REFUSED[type(record)]
    assert SINCE not in errors
    assert unchanged(record)


def test_a_page_of_a_record_deleted_meanwhile_is_not_a_server_error(officer, make_person):
    person = make_person(name="Amina Example")
    data = edited(officer, person)
    Person.objects.filter(pk=person.pk).delete()

    response = officer.post(change_url(person), data, follow=True)

    assert response.status_code == 200
    assert not Person.objects.exists()


# ---------------------------------------------------------------------------------------------
# Two saves at the same moment


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_page_at_the_same_moment_save_one(
    admin_client, first_editor, record, monkeypatch
):
    admin_class = {Person: PersonAdmin, Meeting: MeetingAdmin}[type(record)]
    field = EDITED[type(record)]
    first, second = stale_copy(first_editor, record), stale_copy(admin_client, record)
    first[field] = "Saved first"
    second[field] = "Saved second"

    saved, refused = save_at_the_same_moment(
        monkeypatch, admin_class, change_url(record), (first_editor, first), (admin_client, second)
    )

    assert saved.status_code == 302
    assert refusal(refused)[0] == REFUSED[type(record)]
    assert getattr(type(record).objects.get(pk=record.pk), field) == "Saved first"
