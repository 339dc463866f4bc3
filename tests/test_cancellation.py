"""A cancelled panel (issue 12, "Cancelled, moved, withdrawn"): the moment it was cancelled is
kept and shown on its pages, and the invitees who had not declined are told by email, once.

Emails go to Django's locmem backend (``mail.outbox``).
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import Panel, Panellist, Sending
from tests.admin_helpers import admin_url, form_data, messages_of, run_action
from tests.conftest import run_in_parallel
from tests.test_mail import facts, html_of
from tests.test_views import parse

pytestmark = pytest.mark.usefixtures("email_site")


@pytest.fixture
def panel(make_meeting, make_panel):
    """ "Regional dimensions", 15:00-16:30 Tokyo time on Monday 16 February 2099."""
    meeting = make_meeting(
        title="99th Coordination Meeting",
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
        time_zone="Asia/Tokyo",
        secretariat_email="secretariat@example.org",
    )
    return make_panel(meeting, title="Regional dimensions")


def invited(place, *, error=""):
    """Record an invitation email to ``place`` (sent, or failed with ``error``)."""
    Sending.objects.create(
        panellist=place,
        kind=Sending.Kind.INVITATION,
        to_address=place.email,
        error=error,
        sent_at=timezone.now() - timedelta(days=3),
    )
    return place


@pytest.fixture
def places(panel, make_panellist, make_person, make_segment):
    """Who is on the panel, by how far they got: invited, confirmed, declined, withdrawn,
    never invited (no email yet), invited but the email failed, and a place to be announced."""

    def person(name):
        return make_person(name=name, email=f"{name.lower()}@example.org")

    result = {
        "invited": invited(make_panellist(panel, person=person("Amina"))),
        "confirmed": invited(
            make_panellist(panel, person=person("Jorge"), status=Panellist.Status.CONFIRMED)
        ),
        "declined": invited(
            make_panellist(panel, person=person("Olga"), status=Panellist.Status.DECLINED)
        ),
        "withdrawn": invited(
            make_panellist(panel, person=person("Wei"), status=Panellist.Status.WITHDRAWN)
        ),
        "not invited": make_panellist(panel, person=person("Sara")),
        "email failed": invited(
            make_panellist(panel, person=person("Karim")), error="mailbox unavailable"
        ),
        "to be announced": make_panellist(panel, person=None),
    }
    make_segment(panel, 10, title="Regional reviews", speaker=result["invited"])
    return result


def told(place):
    """The cancellation notices recorded for ``place``: (address, error) pairs."""
    return list(
        Sending.objects.filter(panellist=place, kind=Sending.Kind.CANCELLATION)
        .order_by("pk")
        .values_list("to_address", "error")
    )


# When it was cancelled


def test_cancelling_records_when_and_reinstating_forgets_it(panel):
    services.cancel([panel])
    panel.refresh_from_db()
    first = panel.cancelled_at
    assert first is not None and abs(timezone.now() - first) < timedelta(minutes=1)

    services.cancel([panel])
    panel.refresh_from_db()
    assert panel.cancelled_at == first  # already cancelled: the first moment stands

    services.reinstate([panel])
    panel.refresh_from_db()
    assert (panel.status, panel.cancelled_at) == ("scheduled", None)


def test_the_status_changed_on_the_panel_page_records_when_too(panel):
    panel.status = Panel.Status.CANCELLED
    services.save_panel(panel)

    assert Panel.objects.get(pk=panel.pk).cancelled_at is not None


def test_the_database_refuses_a_moment_of_cancellation_on_a_scheduled_panel(panel):
    with pytest.raises(IntegrityError), transaction.atomic():
        Panel.objects.filter(pk=panel.pk).update(cancelled_at=timezone.now())


def test_the_day_of_cancellation_is_the_meetings_day(panel):
    # 23:30 in London on 10 March is already 11 March in Tokyo.
    Panel.objects.filter(pk=panel.pk).update(
        status=Panel.Status.CANCELLED, cancelled_at=datetime(2099, 3, 10, 23, 30, tzinfo=UTC)
    )

    assert Panel.objects.get(pk=panel.pk).cancelled_on == date(2099, 3, 11)


def test_a_panel_cancelled_before_the_moment_was_kept_has_no_day(panel):
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CANCELLED)

    assert Panel.objects.get(pk=panel.pk).cancelled_on is None


def test_the_answer_page_says_on_which_day_the_panel_was_cancelled(client, places):
    place = places["invited"]
    secret = services.issue_link(place)
    Panel.objects.filter(pk=place.panel_id).update(
        status=Panel.Status.CANCELLED, cancelled_at=datetime(2099, 3, 10, 23, 30, tzinfo=UTC)
    )

    response = client.get(reverse("panels:panellist-answer", kwargs={"secret": secret}))
    page = parse(response)

    notice = page.find("p", "cancelled-notice")
    assert notice.find("strong").text == "This panel was cancelled on Wednesday 11 March 2099."
    assert "nothing to confirm or decline" in notice.text
    assert page.find_all("form", "answer-form") == []
    assert "answer-heading" not in response.content.decode()


def test_only_those_who_would_be_told_are_promised_news_of_a_reinstatement(client, places):
    Panel.objects.filter(pk=places["invited"].panel_id).update(status=Panel.Status.CANCELLED)
    pages = {
        key: parse(
            client.get(
                reverse(
                    "panels:panellist-answer", kwargs={"secret": services.issue_link(places[key])}
                )
            )
        )
        for key in ("invited", "declined")
    }

    promised = {key: "If the panel is reinstated" in page.text for key, page in pages.items()}
    assert promised == {"invited": True, "declined": False}


def test_a_cancelled_panels_page_marks_nobody_as_to_be_confirmed(client, places):
    panel = places["invited"].panel
    scheduled = client.get(panel.get_absolute_url()).content.decode()
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CANCELLED)

    cancelled = client.get(panel.get_absolute_url()).content.decode()

    assert "to be confirmed" in scheduled
    assert "to be confirmed" not in cancelled


def test_the_public_panel_page_says_on_which_day_too(client, panel):
    Panel.objects.filter(pk=panel.pk).update(
        status=Panel.Status.CANCELLED, cancelled_at=datetime(2099, 3, 10, 23, 30, tzinfo=UTC)
    )

    page = parse(client.get(panel.get_absolute_url()))

    assert page.find("p", "cancelled-notice").text.strip() == (
        "This panel was cancelled on Wednesday 11 March 2099."
    )


# Telling the invitees


def test_those_who_had_not_declined_are_told_once(places):
    services.cancel([places["invited"].panel])

    result = services.notify_cancellations([places["invited"].panel])
    again = services.notify_cancellations([places["invited"].panel])

    assert [outcome.panellist for outcome in result.sent] == [
        places["invited"],
        places["confirmed"],
    ]
    assert result.failed == [] and again.outcomes == []
    assert sorted(message.to[0] for message in outbox.outbox) == [
        "amina@example.org",
        "jorge@example.org",
    ]
    assert told(places["invited"]) == [("amina@example.org", "")]
    for name in ["declined", "withdrawn", "not invited", "email failed", "to be announced"]:
        assert told(places[name]) == [], name


def test_a_scheduled_panel_tells_nobody(places):
    result = services.notify_cancellations([places["invited"].panel])

    assert (result.outcomes, outbox.outbox) == ([], [])


def test_the_notice_gives_the_slot_that_was_planned_and_says_the_link_takes_no_answer(places):
    panel = places["invited"].panel
    services.cancel([panel])

    services.notify_cancellations([panel])

    [message] = [message for message in outbox.outbox if message.to == ["amina@example.org"]]
    assert message.subject == "Cancelled: Regional dimensions"
    assert message.reply_to == ["secretariat@example.org"]
    assert "has been cancelled: it will not take place as planned" in message.body
    assert "your personal link no longer takes answers" in message.body
    assert "Time: 15:00–16:30 Tokyo time (Asia/Tokyo, JST, UTC+09:00)\n" in message.body
    assert "You speak" not in message.body and "Regional reviews" not in message.body
    table = facts(html_of(message))
    assert table["Panel"] == "Regional dimensions"
    assert "You speak" not in table


def test_a_notice_that_failed_is_tried_again_by_the_next_call(places, refuse_amina, monkeypatch):
    panel = places["invited"].panel
    services.cancel([panel])

    first = services.notify_cancellations([panel])
    monkeypatch.undo()
    second = services.notify_cancellations([panel])

    assert [(o.panellist, o.error) for o in first.outcomes] == [
        (places["invited"], "the mail server refused it: mailbox unavailable"),
        (places["confirmed"], ""),
    ]
    assert [(o.panellist, o.error) for o in second.outcomes] == [(places["invited"], "")]
    assert told(places["invited"]) == [
        ("amina@example.org", "the mail server refused it: mailbox unavailable"),
        ("amina@example.org", ""),
    ]


def test_cancelled_again_after_being_reinstated_they_are_told_again(places):
    panel = places["invited"].panel
    services.cancel([panel])
    services.notify_cancellations([panel])
    services.reinstate([panel])

    services.cancel([panel])
    result = services.notify_cancellations([panel])

    assert len(result.sent) == 2
    assert len(told(places["confirmed"])) == 2


def test_a_panel_cancelled_before_the_moment_was_kept_tells_them_once(places):
    panel = places["invited"].panel
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CANCELLED)

    first = services.notify_cancellations([panel])
    second = services.notify_cancellations([panel])

    assert (len(first.sent), second.outcomes) == (2, [])


def test_new_times_are_not_sent_for_a_cancelled_panel(places):
    panel = places["confirmed"].panel
    Panellist.objects.filter(pk=places["confirmed"].pk).update(
        confirmed_times=["2099-02-16T06:00:00+00:00", "2099-02-16T07:30:00+00:00"]
    )
    services.cancel([panel])

    assert services.notify_time_changes([panel]).outcomes == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_notice_each(places):
    panel = places["invited"].panel
    services.cancel([panel])

    run_in_parallel(lambda: services.notify_cancellations([panel]))

    assert len(told(places["invited"])) == 1
    assert len(told(places["confirmed"])) == 1


# From the admin


@pytest.fixture
def officer(transactional_db, admin_client):
    """A superuser's client, on a database that commits (the notices are sent once the
    change is committed)."""
    return admin_client


def test_the_cancel_action_tells_the_invitees_and_says_so(officer, places):
    panel = places["invited"].panel

    response = run_action(officer, Panel, "cancel_panels", [panel], post="yes")

    assert Panel.objects.get(pk=panel.pk).status == "cancelled"
    assert "Told 2 panellists by email that their panel is cancelled." in messages_of(response)
    assert len(outbox.outbox) == 2


def test_cancelling_again_tries_the_failed_notices_again(
    officer, places, refuse_amina, monkeypatch
):
    panel = places["invited"].panel
    first = run_action(officer, Panel, "cancel_panels", [panel], post="yes")
    monkeypatch.undo()

    second = run_action(officer, Panel, "cancel_panels", [panel], post="yes")

    assert messages_of(first)[1:] == [
        "Told 1 panellist by email that the panel is cancelled.",
        "The cancellation notice was not sent to Amina for “Regional dimensions”: the mail "
        "server refused it: mailbox unavailable. Cancel the panel again to try again.",
    ]
    assert messages_of(second)[1:] == ["Told 1 panellist by email that the panel is cancelled."]
    assert [message.to for message in outbox.outbox] == [
        ["jorge@example.org"],
        ["amina@example.org"],
    ]


def test_cancelling_on_the_panel_page_tells_them_too(officer, places):
    panel = places["invited"].panel
    data = form_data(officer.get(admin_url(Panel, "change", panel.pk)))
    data["status"] = "cancelled"

    response = officer.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert Panel.objects.get(pk=panel.pk).status == "cancelled"
    assert "Told 2 panellists by email that their panel is cancelled." in messages_of(response)


def test_cancelling_asks_first_and_says_whom_it_will_email(admin_client, places):
    panel = places["invited"].panel

    page = run_action(admin_client, Panel, "cancel_panels", [panel])

    assert Panel.objects.get(pk=panel.pk).status == "scheduled"
    assert outbox.outbox == []
    text = page.content.decode()
    assert "Regional dimensions" in text
    assert "2 panellists who were invited or confirmed will be told by email, once." in text
    assert 'name="post" value="yes"' in text


# Reinstated


def test_those_told_of_the_cancellation_are_told_of_the_reinstatement_once(places):
    panel = places["invited"].panel
    services.cancel([panel])
    services.notify_cancellations([panel])
    services.reinstate([panel])
    outbox.outbox.clear()

    first = services.notify_reinstatements([panel])
    again = services.notify_reinstatements([panel])

    assert [outcome.panellist for outcome in first.sent] == [
        places["invited"],
        places["confirmed"],
    ]
    assert again.outcomes == []
    confirmed = next(m for m in outbox.outbox if m.to == ["jorge@example.org"])
    invited = next(m for m in outbox.outbox if m.to == ["amina@example.org"])
    assert confirmed.subject == "Taking place after all: Regional dimensions"
    assert "Your confirmation stands." in confirmed.body
    assert "Please answer through the personal link in your invitation." in invited.body
    # The reinstatement told the confirmed panellist their slot: no new-time notice follows.
    assert services.notify_time_changes([panel]).outcomes == []


def test_nobody_is_told_of_a_reinstatement_who_never_heard_of_the_cancellation(places):
    panel = places["invited"].panel
    services.cancel([panel])
    services.reinstate([panel])

    assert services.notify_reinstatements([panel]).outcomes == []


def test_panels_with_and_without_a_time_on_one_day_are_cancelled_together(panel, make_panel):
    untimed = make_panel(
        panel.meeting, title="Time to be announced", start_time=None, end_time=None
    )

    result = services.cancel([untimed, panel])

    assert [changed.title for changed in result.changed] == [
        "Regional dimensions",
        "Time to be announced",
    ]
