"""Personal links and answers (panels.services): secrets, expiry, races."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from panels import services
from panels.models import Panellist, Segment
from tests.conftest import run_in_parallel


@pytest.fixture
def future_place(make_meeting, make_panel, make_panellist, make_person, make_segment):
    """A panellist with one 10-minute presentation, on a panel in 2099."""
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    panel = make_panel(meeting)
    place = make_panellist(panel, person=make_person(name="Amina Example"))
    make_segment(panel, 10, speaker=place, kind=Segment.Kind.PRESENTATION)
    return place


def test_issue_link_stores_only_a_hash_of_a_long_secret(future_place):
    secret = services.issue_link(future_place)

    future_place.refresh_from_db()
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert secret not in future_place.link_hash
    assert future_place.link_hash == services.link_hash(secret)
    assert services.panellist_for_link(secret) == future_place


def test_issuing_again_kills_the_old_link(future_place):
    old = services.issue_link(future_place)
    new = services.issue_link(future_place)

    assert services.panellist_for_link(old) is None
    assert services.panellist_for_link(new) == future_place


@pytest.mark.parametrize("secret", ["", "x", "A" * 43, "A" * 5000, None])
def test_unknown_links_find_nobody(future_place, secret):
    services.issue_link(future_place)

    assert services.panellist_for_link(secret) is None


def test_revoked_link_finds_nobody(future_place):
    secret = services.issue_link(future_place)

    services.revoke_link(future_place)

    assert services.panellist_for_link(secret) is None


def test_link_expires_at_the_answer_deadline(future_place):
    secret = services.issue_link(future_place)
    deadline = datetime(2099, 2, 1, 12, 0, tzinfo=UTC)
    future_place.panel.answer_deadline = deadline
    future_place.panel.save()

    assert services.panellist_for_link(secret, now=deadline - timedelta(seconds=1))
    assert services.panellist_for_link(secret, now=deadline) is None


def test_link_expires_at_the_panel_start_by_default(future_place):
    secret = services.issue_link(future_place)
    start = future_place.panel.starts_at

    assert services.panellist_for_link(secret, now=start - timedelta(minutes=1))
    assert services.panellist_for_link(secret, now=start) is None


def test_answer_confirms_once(future_place):
    fingerprint = services.slot_fingerprint(future_place)

    first = services.answer(future_place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)
    again = services.answer(future_place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)

    future_place.refresh_from_db()
    assert (first, again) == (True, False)
    assert future_place.status == "confirmed" and future_place.responded_at is not None


def test_answer_decline_keeps_the_reason_and_note(future_place):
    fingerprint = services.slot_fingerprint(future_place)

    services.answer(
        future_place,
        Panellist.Status.DECLINED,
        fingerprint=fingerprint,
        reason=" Travelling ",
        note="Please ask my deputy.",
    )

    future_place.refresh_from_db()
    assert (
        future_place.status,
        future_place.decline_reason,
        future_place.note_to_secretariat,
    ) == (
        "declined",
        "Travelling",
        "Please ask my deputy.",
    )


def test_answer_to_a_slot_changed_since_the_page_was_shown_is_refused(future_place):
    fingerprint = services.slot_fingerprint(future_place)
    Segment.objects.spoken_by([future_place]).update(duration_minutes=15)

    with pytest.raises(services.StaleAnswer):
        services.answer(future_place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)

    future_place.refresh_from_db()
    assert future_place.status == "invited"


def test_fingerprint_ignores_changes_to_other_peoples_titles(future_place, make_panellist):
    before = services.slot_fingerprint(future_place)
    make_panellist(future_place.panel, presentation_title="Someone else's talk")

    assert services.slot_fingerprint(future_place) == before


@pytest.mark.parametrize("status", ["withdrawn", "invited", "bogus"])
def test_answer_accepts_only_confirm_or_decline(future_place, status):
    with pytest.raises(ValueError):
        services.answer(future_place, status, fingerprint=services.slot_fingerprint(future_place))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_confirmations_make_one_change(future_place):
    fingerprint = services.slot_fingerprint(future_place)

    def confirm():
        place = Panellist.objects.get(pk=future_place.pk)
        return services.answer(place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)

    results = run_in_parallel(confirm)

    assert sorted(results) == [False, False, False, True]


def test_link_of_a_withdrawn_panellist_finds_nobody(future_place):
    secret = services.issue_link(future_place)

    services.record_answer(future_place, Panellist.Status.WITHDRAWN)

    assert services.panellist_for_link(secret) is None


@pytest.mark.parametrize("fingerprint", ["é" * 32, "", None, "0" * 32])
def test_answer_with_a_foreign_fingerprint_is_stale_not_an_error(future_place, fingerprint):
    with pytest.raises(services.StaleAnswer):
        services.answer(future_place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)


# A place handed to another person or moved to another panel: the old answer and link go.


def answered_with_a_link(place):
    """Give ``place`` a link and a declined answer with a reason and a note; returns the link."""
    secret = services.issue_link(place)
    services.answer(
        place,
        Panellist.Status.DECLINED,
        fingerprint=services.slot_fingerprint(place),
        reason="Busy that day",
        note="Call me",
    )
    return secret


def answer_state(place):
    place.refresh_from_db()
    return (
        place.status,
        place.responded_at,
        place.decline_reason,
        place.note_to_secretariat,
        place.link_hash,
    )


@pytest.mark.parametrize("update_fields", [None, ["person"]])
def test_place_given_to_another_person_drops_the_answer_and_the_link(
    future_place, make_person, update_fields
):
    secret = answered_with_a_link(future_place)

    future_place.person = make_person(name="Li Example")
    services.save_panellist(future_place, update_fields=update_fields)

    assert answer_state(future_place) == (Panellist.Status.INVITED, None, "", "", "")
    assert services.panellist_for_link(secret) is None


def test_place_moved_to_another_panel_drops_the_answer_and_the_link(future_place, make_panel):
    secret = answered_with_a_link(future_place)

    previous = future_place.panel
    future_place.panel = make_panel(future_place.panel.meeting, title="Another panel")
    services.save_panellist(future_place, previous_panel=previous)

    assert answer_state(future_place) == (Panellist.Status.INVITED, None, "", "", "")
    assert services.panellist_for_link(secret) is None


def test_place_saved_with_other_changes_keeps_the_answer_and_the_link(future_place):
    secret = answered_with_a_link(future_place)

    future_place.presentation_title = "Regional corridors"
    services.save_panellist(future_place)

    assert answer_state(future_place)[:4] == (
        Panellist.Status.DECLINED,
        future_place.responded_at,
        "Busy that day",
        "Call me",
    )
    assert services.panellist_for_link(secret) == future_place


def test_open_page_of_the_old_person_is_stale_after_the_place_changed_hands(
    future_place, make_person
):
    seen = services.slot_fingerprint(future_place)

    future_place.person = make_person(name="Li Example")
    future_place.save()

    with pytest.raises(services.StaleAnswer):
        services.answer(future_place, Panellist.Status.CONFIRMED, fingerprint=seen)


def test_withdrawing_revokes_the_link(future_place):
    secret = services.issue_link(future_place)

    services.record_answer(future_place, Panellist.Status.WITHDRAWN)
    services.record_answer(future_place, Panellist.Status.INVITED)

    assert services.panellist_for_link(secret) is None
