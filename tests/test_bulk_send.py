"""Bulk sends in eager mode (no broker: the task runs in the process that queues it): the
recorded batch and its counts, resuming a batch a stopped worker left without sending anyone
twice, the admin's actions and progress page, and the reminders on celery beat's schedule.

The same batch against a real worker killed mid-run is in ``test_bulk_send_worker.py``.
"""

import json
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail as outbox
from django.utils import timezone

from meeting.celery import app as celery_app
from panels import services, tasks
from panels.models import (
    BulkSend,
    BulkSendRecipient,
    Panellist,
    Progress,
    RecipientState,
    Sending,
)
from panels.services import bulk_sends
from tests import test_admin_invitations
from tests.admin_helpers import admin_url, messages_of, run_action, text_of

pytestmark = pytest.mark.usefixtures("email_site")

INTERRUPTED = "interrupted while it was being sent: it may or may not have reached the panellist"


@pytest.fixture
def secretariat(staff_client, staff_user):
    """``staff_client`` allowed to see and change panels and panellists (a secretariat)."""
    codenames = [
        f"{action}_{model}"
        for model in ["meeting", "panel", "panellist"]
        for action in ["view", "change"]
    ]
    staff_user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return staff_client


# The panel and its panellists: the invitation tests' "Regional dimensions" in 2099, and
# ``place(name, on=None, **person)``.
panel = test_admin_invitations.panel
place = test_admin_invitations.place


def recipients():
    return sorted(address for message in outbox.outbox for address in message.to)


def states(bulk_send):
    """Each recipient's first name and state, in the bulk send's order."""
    return [
        (row.panellist.person.name.split()[0], row.state)
        for row in bulk_send.recipients.select_related("panellist__person").order_by("position")
    ]


# ---------------------------------------------------------------------------------------------
# The service


def test_bulk_send_records_who_asked_and_each_panellist_once_in_order(place, staff_user):
    amina, jorge = place("Amina Example"), place("Jorge Example")

    started = services.start_bulk_sends(
        BulkSend.Kind.INVITATION, [jorge, amina, jorge], requested_by=staff_user
    )

    [bulk_send] = started.bulk_sends
    bulk_send.refresh_from_db()
    assert (bulk_send.kind, bulk_send.requested_by, bulk_send.meeting) == (
        BulkSend.Kind.INVITATION,
        staff_user,
        amina.panel.meeting,
    )
    assert states(bulk_send) == [("Jorge", RecipientState.SENT), ("Amina", RecipientState.SENT)]
    assert recipients() == ["amina@example.org", "jorge@example.org"]
    assert bulk_send.finished_at is not None


def test_bulk_send_counts_sent_and_failed_with_the_reason(place):
    place("Amina Example", email="amina@")
    place("Jorge Example")

    [bulk_send] = services.start_bulk_sends(
        BulkSend.Kind.INVITATION, Panellist.objects.order_by("pk")
    ).bulk_sends

    assert bulk_send.progress() == Progress(sent=1, failed=1, skipped=0, remaining=0)
    failed = bulk_send.recipients.get(state=RecipientState.FAILED)
    assert (failed.address, failed.error) == ("amina@", "the email address is not valid")
    # Each email is also in the panellist's own record of emails.
    assert sorted(Sending.objects.values_list("to_address", "error")) == [
        ("amina@", "the email address is not valid"),
        ("jorge@example.org", ""),
    ]


def test_bulk_send_makes_one_batch_per_meeting(place, make_panel, make_meeting):
    elsewhere = make_panel(make_meeting(start_date=date(2099, 3, 1), end_date=date(2099, 3, 2)))
    amina, jorge = place("Amina Example"), place("Jorge Example", on=elsewhere)

    started = services.start_bulk_sends(BulkSend.Kind.INVITATION, [amina, jorge])

    assert [bulk_send.meeting for bulk_send in started.bulk_sends] == [
        amina.panel.meeting,
        elsewhere.meeting,
    ]
    assert [bulk_send.progress().sent for bulk_send in started.bulk_sends] == [1, 1]


def test_bulk_send_of_nobody_records_nothing(db):
    assert services.start_bulk_sends(BulkSend.Kind.INVITATION, []).bulk_sends == []
    assert BulkSend.objects.count() == 0


def stopped_batch(panellists, states_left):
    """A bulk send of invitations as a worker killed mid-run leaves it: each recipient in the
    state given (a ``SENT`` one was emailed and recorded)."""
    bulk_send = BulkSend.objects.create(
        meeting=panellists[0].panel.meeting, kind=BulkSend.Kind.INVITATION
    )
    for position, (panellist, state) in enumerate(zip(panellists, states_left, strict=True)):
        BulkSendRecipient.objects.create(
            bulk_send=bulk_send, panellist=panellist, position=position, state=state
        )
    return bulk_send


def test_run_after_a_stopped_worker_sends_the_rest_and_marks_the_one_in_flight(place):
    amina, jorge, li, maria = (
        place(name) for name in ["Amina Example", "Jorge Example", "Li Example", "Maria Example"]
    )
    bulk_send = stopped_batch(
        [amina, jorge, li, maria],
        [
            RecipientState.SENT,
            RecipientState.SENDING,
            RecipientState.PENDING,
            RecipientState.PENDING,
        ],
    )

    progress = services.run_bulk_send(bulk_send.pk)

    # Amina was sent hers before the worker stopped, Jorge's was in flight: neither again.
    assert recipients() == ["li@example.org", "maria@example.org"]
    assert states(bulk_send) == [
        ("Amina", RecipientState.SENT),
        ("Jorge", RecipientState.INTERRUPTED),
        ("Li", RecipientState.SENT),
        ("Maria", RecipientState.SENT),
    ]
    assert bulk_send.recipients.get(panellist=jorge).error == INTERRUPTED
    assert progress == Progress(sent=3, failed=1, skipped=0, remaining=0)
    bulk_send.refresh_from_db()
    assert bulk_send.finished_at is not None


def test_a_worker_ready_resumes_the_bulk_sends_left_unfinished(place):
    amina, jorge, li = (place(name) for name in ["Amina Example", "Jorge Example", "Li Example"])
    stopped = stopped_batch(
        [amina, jorge, li], [RecipientState.SENT, RecipientState.PENDING, RecipientState.PENDING]
    )
    [finished] = services.start_bulk_sends(BulkSend.Kind.INVITATION, [amina]).bulk_sends
    outbox.outbox.clear()

    tasks.resume_unfinished_bulk_sends(sender=None)

    assert recipients() == ["jorge@example.org", "li@example.org"]
    stopped.refresh_from_db()
    assert stopped.finished_at is not None
    assert services.resume_bulk_sends().queued == []
    assert finished.pk not in services.resume_bulk_sends().queued


def test_running_a_finished_batch_again_sends_nothing(place):
    amina = place("Amina Example")
    [bulk_send] = services.start_bulk_sends(BulkSend.Kind.INVITATION, [amina]).bulk_sends
    outbox.outbox.clear()

    progress = tasks.send_bulk.delay(bulk_send.pk).get()

    assert outbox.outbox == []
    assert progress == {"sent": 1, "failed": 0, "skipped": 0, "remaining": 0}


def test_a_claimed_row_is_not_claimed_by_a_second_run(place):
    amina, jorge = place("Amina Example"), place("Jorge Example")
    bulk_send = stopped_batch([amina, jorge], [RecipientState.PENDING, RecipientState.PENDING])

    first = bulk_sends._claim_next(bulk_send, None)
    second = bulk_sends._claim_next(bulk_send, None)

    assert (first.panellist, second.panellist) == (amina, jorge)
    assert bulk_sends._claim_next(bulk_send, None) is None


def test_reminder_batch_counts_those_not_due_as_skipped(place):
    amina, jorge = place("Amina Example"), place("Jorge Example")
    services.invite([amina], now=timezone.now() - timedelta(days=10))
    outbox.outbox.clear()

    [bulk_send] = services.start_bulk_sends(BulkSend.Kind.REMINDER, [amina, jorge]).bulk_sends

    assert recipients() == ["amina@example.org"]
    assert states(bulk_send) == [("Amina", RecipientState.SENT), ("Jorge", RecipientState.SKIPPED)]
    assert bulk_send.progress() == Progress(sent=1, failed=0, skipped=1, remaining=0)


def test_failure_reasons_are_in_the_language_of_who_asked(place):
    from django.utils import translation

    place("Amina Example", email="")

    with translation.override("fr"):
        [bulk_send] = services.start_bulk_sends(
            BulkSend.Kind.INVITATION, Panellist.objects.all()
        ).bulk_sends

    assert bulk_send.language == "fr"
    with translation.override("fr"):
        expected = translation.gettext("no email address")
    assert bulk_send.recipients.get().error == expected
    assert expected != "no email address"


# ---------------------------------------------------------------------------------------------
# The admin


def test_invitation_action_shows_the_bulk_send_page_with_its_counts_and_failures(
    secretariat, place
):
    amina = place("Amina <b>Example</b>", email="amina@")
    jorge = place("Jorge Example")

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    bulk_send = BulkSend.objects.get()
    assert response.redirect_chain == [(admin_url(BulkSend, "change", bulk_send.pk), 302)]
    page = response.content.decode()
    assert messages_of(response) == [
        "Sent 1 invitation, with a new personal link.",
        "The invitation to Amina Example for “Regional dimensions” was not sent: "
        "the email address is not valid.",
    ]
    summary = re.search(r'<p id="bulk-send-summary" role="status"[^>]*>(.*?)</p>', page, re.S)
    assert summary.group(1) == "Finished: 1 of 2 invitations sent."
    counts = dict(re.findall(r'<td data-count="(\w+)">(\d+)</td>', page))
    assert counts == {"sent": "1", "failed": "1", "skipped": "0", "remaining": "0"}
    failures = re.search(r'<table id="bulk-send-failures">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert [
        [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", failures.group(1), re.S)
    ] == [
        [
            "Amina <b>Example</b>",
            "Regional dimensions",
            "amina@",
            "the email address is not valid",
        ]
    ]
    # Names are text, never markup; and the page has no inline script.
    assert "Amina <b>" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "admin/panels/bulk_send_progress.js" in page


def test_progress_page_of_a_running_bulk_send_says_how_far_it_has_got(
    secretariat, place, monkeypatch
):
    # No worker takes the task: the bulk send stays as it was queued.
    monkeypatch.setattr(bulk_sends, "send_bulk", SimpleNamespace(delay=lambda pk: None))
    amina, jorge = place("Amina Example"), place("Jorge Example")

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    assert outbox.outbox == []
    assert messages_of(response) == [
        "Sending 2 invitations, each with a new personal link: this page shows how far they "
        "have got."
    ]
    page = response.content.decode()
    assert 'data-finished="false"' in page
    assert "Sending: 0 of 2 emails done, 2 to go." in page

    bulk_send = BulkSend.objects.get()
    bulk_send.recipients.filter(panellist=amina).update(
        state=RecipientState.FAILED, address="amina@example.org", error="mailbox full"
    )
    progress = secretariat.get(admin_url(BulkSend, "progress", bulk_send.pk))

    assert "no-store" in progress["Cache-Control"].split(", ")
    assert json.loads(progress.content) == {
        "sent": 0,
        "failed": 1,
        "skipped": 0,
        "remaining": 1,
        "total": 2,
        "finished": False,
        "summary": "Sending: 1 of 2 emails done, 1 to go.",
        "failures": [
            {
                "name": "Amina Example",
                "panel": "Regional dimensions",
                "address": "amina@example.org",
                "reason": "mailbox full",
            }
        ],
    }


def test_panel_reminder_action_reports_those_not_due(secretariat, panel, place):
    amina = place("Amina Example")
    place("Jorge Example")
    services.invite([amina], now=timezone.now() - timedelta(days=10))
    outbox.outbox.clear()

    response = run_action(secretariat, type(panel), "send_reminders", [panel])

    assert recipients() == ["amina@example.org"]
    assert messages_of(response) == [
        "Sent 1 reminder, with a new personal link.",
        "1 panellist was not reminded: they had answered, had never been invited, had been "
        "invited or reminded in the last 3 days, or the deadline for answers had passed.",
    ]
    assert "Finished: 1 of 2 reminders sent." in response.content.decode()


def test_actions_across_meetings_show_the_list_of_their_bulk_sends(
    secretariat, place, make_panel, make_meeting
):
    elsewhere = make_panel(make_meeting(start_date=date(2099, 3, 1), end_date=date(2099, 3, 2)))
    amina, jorge = place("Amina Example"), place("Jorge Example", on=elsewhere)

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    first, second = BulkSend.objects.order_by("pk")
    [(url, status)] = response.redirect_chain
    assert (url, status) == (
        f"{admin_url(BulkSend, 'changelist')}?id__in={first.pk}%2C{second.pk}",
        302,
    )
    assert messages_of(response) == ["Sent 2 invitations, each with a new personal link."]
    rows = re.findall(r'<td class="field-sent">(\d+)</td>', response.content.decode())
    assert rows == ["1", "1"]


def test_bulk_sends_list_shows_the_counts_of_each(secretariat, place):
    place("Amina Example", email="")
    place("Jorge Example")
    services.start_bulk_sends(BulkSend.Kind.INVITATION, Panellist.objects.all())

    page = secretariat.get(admin_url(BulkSend, "changelist")).content.decode()

    cells = {
        name: re.findall(rf'<td class="field-{name}">(\d+)</td>', page)
        for name in ["sent", "failed", "skipped", "remaining"]
    }
    assert cells == {"sent": ["1"], "failed": ["1"], "skipped": ["0"], "remaining": ["0"]}


def test_bulk_send_pages_need_the_panellist_permission(client, django_user_model, place):
    [bulk_send] = services.start_bulk_sends(
        BulkSend.Kind.INVITATION, [place("Amina Example")]
    ).bulk_sends
    user = django_user_model.objects.create_user("visitor", is_staff=True)
    client.force_login(user)

    assert client.get(admin_url(BulkSend, "change", bulk_send.pk)).status_code == 403
    assert client.get(admin_url(BulkSend, "progress", bulk_send.pk)).status_code == 403


@pytest.mark.own_teams
def test_another_teams_bulk_send_is_not_found(secretariat, place):
    # The officer is on no meeting's team.
    [bulk_send] = services.start_bulk_sends(
        BulkSend.Kind.INVITATION, [place("Amina Example")]
    ).bulk_sends

    assert secretariat.get(admin_url(BulkSend, "change", bulk_send.pk)).status_code == 404
    assert secretariat.get(admin_url(BulkSend, "progress", bulk_send.pk)).status_code == 404
    page = secretariat.get(admin_url(BulkSend, "changelist")).content.decode()
    assert re.findall(r'<td class="field-sent">', page) == []


def test_nobody_can_add_change_or_delete_a_bulk_send_in_the_admin(admin_client, place):
    [bulk_send] = services.start_bulk_sends(
        BulkSend.Kind.INVITATION, [place("Amina Example")]
    ).bulk_sends

    assert admin_client.get(admin_url(BulkSend, "add")).status_code == 403
    assert admin_client.get(admin_url(BulkSend, "delete", bulk_send.pk)).status_code == 403
    assert admin_client.post(admin_url(BulkSend, "change", bulk_send.pk), {}).status_code == 200
    assert BulkSend.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The task queue and its schedule


def test_without_a_broker_tasks_run_in_the_process_and_their_errors_propagate(db):
    assert settings.CELERY_BROKER_URL == ""
    assert (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates) == (
        True,
        True,
    )
    with pytest.raises(BulkSend.DoesNotExist):
        services.run_bulk_send(0)


def test_bulk_send_task_is_acknowledged_late_and_given_back_when_its_worker_is_lost():
    task = celery_app.tasks["panels.tasks.send_bulk"]
    assert (task.acks_late, task.reject_on_worker_lost) == (True, True)


def test_beat_schedule_runs_a_registered_reminder_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


def test_scheduled_reminders_remind_those_due(place):
    amina, jorge = place("Amina Example"), place("Jorge Example")
    services.invite([amina, jorge], now=timezone.now() - timedelta(days=10))
    services.record_answer(jorge, Panellist.Status.CONFIRMED)
    outbox.outbox.clear()

    assert tasks.send_reminders.delay().get() == {"sent": 1, "failed": 0}
    assert recipients() == ["amina@example.org"]


def test_scheduled_reminders_without_a_site_address_send_nothing(place, settings, caplog):
    settings.SITE_URL = ""
    services.invite([place("Amina Example")], now=timezone.now() - timedelta(days=10))
    outbox.outbox.clear()

    assert tasks.send_reminders.delay().get() == {"sent": 0, "failed": 0}
    assert outbox.outbox == []
    assert "SITE_URL is not set" in caplog.text


def test_a_bulk_send_that_has_sent_nothing_for_minutes_says_its_worker_may_be_stopped(place):
    from panels.admin.bulk_sends import progress_summary

    amina, jorge = place("Amina Example"), place("Jorge Example")
    bulk_send = stopped_batch([amina, jorge], [RecipientState.SENT, RecipientState.PENDING])
    BulkSendRecipient.objects.filter(panellist=amina).update(
        claimed_at=bulk_send.created_at, finished_at=bulk_send.created_at
    )
    progress = bulk_send.progress()

    soon = progress_summary(bulk_send, progress, now=bulk_send.created_at + timedelta(minutes=4))
    later = progress_summary(bulk_send, progress, now=bulk_send.created_at + timedelta(minutes=7))

    assert soon == "Sending: 1 of 2 emails done, 1 to go."
    assert later == (
        "Sending: 1 of 2 emails done, 1 to go. No email has gone out for 7 minutes: the task "
        "queue's worker may be stopped. Ask whoever runs the site to start it; the emails left "
        "go out then, and nobody is sent two."
    )


def test_a_finished_bulk_send_without_failures_says_none(secretariat, place):
    amina = place("Amina Example")
    [bulk_send] = services.start_bulk_sends(BulkSend.Kind.INVITATION, [amina]).bulk_sends

    page = secretariat.get(admin_url(BulkSend, "change", bulk_send.pk))

    assert "None." in page.content.decode()
    assert "None so far." not in page.content.decode()


def test_a_second_invitation_at_once_leaves_out_those_just_invited(secretariat, place):
    amina, jorge = place("Amina Example"), place("Jorge Example")
    run_action(secretariat, Panellist, "send_invitations", [amina])
    links_before = list(Panellist.objects.order_by("pk").values_list("link_hash", flat=True))
    outbox.outbox.clear()

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    assert recipients() == ["jorge@example.org"]
    assert Panellist.objects.get(pk=amina.pk).link_hash == links_before[0]
    assert (
        "1 panellist was left out: the same email was sent to them less than two minutes ago, "
        "or is being sent." in messages_of(response)
    )


def test_an_invitation_being_sent_by_another_bulk_send_is_not_started_again(place):
    amina = place("Amina Example")
    stopped_batch([amina], [RecipientState.PENDING])

    started = services.start_bulk_sends(BulkSend.Kind.INVITATION, [amina])

    assert started.bulk_sends == []
    assert started.left_out == [amina.pk]
    assert outbox.outbox == []
