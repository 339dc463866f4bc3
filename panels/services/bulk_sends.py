"""Bulk sends: invitations or reminders to many panellists, recorded, queued and sent by a
worker (the task ``send_bulk``, named ``panels.tasks.send_bulk``) while the officer watches
their progress in the admin.

``start_bulk_sends`` records one ``BulkSend`` per meeting with a ``BulkSendRecipient`` row per
panellist, and queues it; ``run_bulk_send`` sends it. Without a broker (``CELERY_BROKER_URL``)
the task runs at once, in the process that queued it.

No one gets two copies, whatever stops a run. Each recipient's row is claimed before their
email is sent, by an UPDATE from ``PENDING`` to ``SENDING`` that only one run can make, and
committed; once the email was handed to the mail server (or refused) the row is set to
``SENT`` or ``FAILED`` (``SKIPPED`` for a reminder no longer due). A run that starts again
(the task given back to the queue when its worker was lost: ``acks_late``,
``task_reject_on_worker_lost``) sends only the rows still ``PENDING``.

The one email in flight when a worker dies is sent at most once: its row stays ``SENDING``,
and the next run marks it ``INTERRUPTED`` ("interrupted while it was being sent: it may or may
not have reached the panellist"), counted as failed, and does not send it again. Only the
officer can tell whether it arrived (the panellist's history of emails shows no record of it)
and send that invitation again by hand; sending it again unasked could give a second copy
with a second link, which would make the first one stop working.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail
from ..models import BulkSend, BulkSendRecipient, Panel, Panellist, RecipientState, Sending
from .emails import MAX_ERROR_LENGTH, send_one
from .locking import lock_panels

logger = logging.getLogger(__name__)


# A panellist who is being invited by another bulk send, or who was sent an invitation less
# than this long ago, is left out of a new one (reminders not due are left out anyway): a
# second click, or a second officer at the same moment, would otherwise send a second
# invitation whose new personal link stops the first one working.
JUST_SENT = timedelta(minutes=2)


@dataclass
class BulkSendsStarted:
    """What ``start_bulk_sends`` did: ``bulk_sends``, one ``BulkSend`` per meeting of the
    panellists given, each queued (and, without a broker, already sent); ``left_out``, the
    keys of the panellists given who were not written to again (``JUST_SENT``)."""

    bulk_sends: list = field(default_factory=list)
    left_out: list = field(default_factory=list)


def start_bulk_sends(kind, panellists, *, requested_by=None):
    """Record and queue invitations or reminders (``kind``, a ``BulkSend.Kind``) to
    ``panellists`` (an iterable of ``Panellist`` or keys).

    Makes one ``BulkSend`` per meeting, in the order the meetings first appear, with a
    ``PENDING`` recipient per panellist in the order given (a panellist given twice is written
    to once), records ``requested_by`` (a user, or ``None`` for a scheduler) and the active
    language, commits, then queues ``send_bulk`` for each. A panellist who is being sent an
    invitation by another bulk send, or was sent one less than ``JUST_SENT`` ago, is left
    out (their panels are locked meanwhile, so that two officers at once leave out each
    other's). Returns ``BulkSendsStarted``; with no panellists, it holds none. Call it
    outside a transaction: a worker reads the rows as soon as the task is queued.
    """
    pks = list(dict.fromkeys(getattr(place, "pk", place) for place in panellists))
    result = BulkSendsStarted()
    with transaction.atomic():
        lock_panels(Panel.objects.filter(panellists__in=pks))
        # A reminder not due is already left out when it would be sent (SKIPPED).
        busy = _being_sent(pks, kind) if kind == BulkSend.Kind.INVITATION else set()
        result.left_out = [pk for pk in pks if pk in busy]
        meeting_of = dict(
            Panellist.objects.filter(pk__in=pks).values_list("pk", "panel__meeting_id")
        )
        by_meeting = {}
        for pk in pks:
            if pk in meeting_of and pk not in busy:
                by_meeting.setdefault(meeting_of[pk], []).append(pk)
        for meeting_id, chosen in by_meeting.items():
            bulk_send = BulkSend.objects.create(
                meeting_id=meeting_id,
                kind=kind,
                requested_by=requested_by,
                language=mail.language(),
            )
            BulkSendRecipient.objects.bulk_create(
                BulkSendRecipient(bulk_send=bulk_send, panellist_id=pk, position=position)
                for position, pk in enumerate(chosen)
            )
            result.bulk_sends.append(bulk_send)
    for bulk_send in result.bulk_sends:
        send_bulk.delay(bulk_send.pk)
    return result


start_bulk_sends.alters_data = True


def _being_sent(pks, kind):
    """The keys, among ``pks``, of the panellists written to by an unfinished bulk send of
    ``kind`` or sent that kind of email less than ``JUST_SENT`` ago (a set)."""
    queued = BulkSendRecipient.objects.filter(
        panellist__in=pks,
        bulk_send__kind=kind,
        state__in=[RecipientState.PENDING, RecipientState.SENDING],
    ).values_list("panellist_id", flat=True)
    recent = Sending.objects.filter(
        panellist__in=pks, kind=kind, error="", sent_at__gte=timezone.now() - JUST_SENT
    ).values_list("panellist_id", flat=True)
    return set(queued) | set(recent)


def run_bulk_send(bulk_send_id, *, now=None):
    """Send what is left of the bulk send ``bulk_send_id``: every recipient still
    ``PENDING``, one at a time, claimed before sending (see the module's docstring).

    Safe to run again, and alongside another run of the same bulk send: nobody is sent two
    copies. A row left ``SENDING`` by a run that died is marked ``INTERRUPTED`` first. Emails
    go through ``services.emails.send_one`` (each recorded as a ``Sending`` too) on one
    connection to the mail server; the reasons for emails not sent are written in the
    language of the officer who asked. Stamps ``finished_at`` when nothing is left. ``now``
    (an aware datetime, default: the time of each email) is for tests. Returns the
    ``Progress``. Raises ``BulkSend.DoesNotExist`` for an unknown key.
    """
    bulk_send = BulkSend.objects.get(pk=bulk_send_id)
    with translation.override(bulk_send.language):
        interrupted = bulk_send.recipients.filter(state=RecipientState.SENDING).update(
            state=RecipientState.INTERRUPTED,
            error=_(
                "interrupted while it was being sent: it may or may not have reached the panellist"
            ),
            finished_at=timezone.now(),
        )
        if interrupted:
            logger.warning(
                "Bulk send %s: %d email(s) interrupted by a stopped worker, not sent again.",
                bulk_send.pk,
                interrupted,
            )
        with mail.Batch() as batch:
            while (recipient := _claim_next(bulk_send, now)) is not None:
                _send(recipient, bulk_send.kind, batch, now)
    BulkSend.objects.filter(pk=bulk_send.pk, finished_at=None).exclude(
        recipients__state__in=[RecipientState.PENDING, RecipientState.SENDING]
    ).update(finished_at=now or timezone.now())
    return bulk_send.progress()


run_bulk_send.alters_data = True


@dataclass
class BulkSendsResumed:
    """What ``resume_bulk_sends`` did: ``queued``, the keys of the unfinished bulk sends it
    queued again, oldest first."""

    queued: list = field(default_factory=list)


def resume_bulk_sends():
    """Queue again every bulk send not finished (``finished_at`` empty), so that a worker
    that starts after another was stopped (killed, or its machine restarted) goes on with the
    emails left at once, rather than when the broker gives the stopped worker's task back
    (``CELERY_VISIBILITY_TIMEOUT``). Safe with a run still going on elsewhere: runs of one
    bulk send never send anyone two copies (``run_bulk_send``). Called when a worker is
    ready (``panels.tasks``). Returns ``BulkSendsResumed``."""
    result = BulkSendsResumed()
    for pk in (
        BulkSend.objects.filter(finished_at=None).order_by("pk").values_list("pk", flat=True)
    ):
        send_bulk.delay(pk)
        result.queued.append(pk)
    return result


resume_bulk_sends.alters_data = True


def _claim_next(bulk_send, now):
    """The next ``PENDING`` recipient of ``bulk_send``, claimed (set ``SENDING`` and
    committed) by this run; ``None`` when none is left. The claim is a conditional UPDATE,
    so two runs never claim the same row."""
    pending = bulk_send.recipients.filter(state=RecipientState.PENDING)
    while recipient := pending.select_related("panellist").order_by("position").first():
        claimed = BulkSendRecipient.objects.filter(
            pk=recipient.pk, state=RecipientState.PENDING
        ).update(state=RecipientState.SENDING, claimed_at=now or timezone.now())
        if claimed:
            return recipient
    return None


def _send(recipient, kind, batch, now):
    """Send ``recipient``'s email and record what became of it on their row."""
    outcome = send_one(recipient.panellist, kind, batch, now=now)
    if outcome is None:
        values = {"state": RecipientState.SKIPPED}
    elif outcome.sent:
        values = {"state": RecipientState.SENT, "address": outcome.address[:254]}
    else:
        values = {
            "state": RecipientState.FAILED,
            "address": outcome.address[:254],
            "error": outcome.error[:MAX_ERROR_LENGTH],
        }
    # What happened is recorded even over an "interrupted" mark that a second run made while
    # this one was sending: this run knows.
    BulkSendRecipient.objects.filter(
        pk=recipient.pk, state__in=[RecipientState.SENDING, RecipientState.INTERRUPTED]
    ).update(finished_at=now or timezone.now(), **values)


@shared_task(
    name="panels.tasks.send_bulk",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, BulkSend.DoesNotExist),
    retry_backoff=True,
    max_retries=8,
)
def send_bulk(bulk_send_id):
    """The task that sends the bulk send ``bulk_send_id`` (``run_bulk_send``); defined here,
    beside the service that queues it, and named ``panels.tasks.send_bulk`` (its module,
    ``panels.tasks``, holds the app's tasks).

    Acknowledged when it ends and given back to the queue when its worker is lost, which is
    safe because ``run_bulk_send`` sends nobody twice. Retried with growing pauses when the
    database fails, and when the bulk send is not found (yet: queued from a transaction that
    has not committed). Returns the numbers ``sent``, ``failed``, ``skipped`` and
    ``remaining``, as a dict.
    """
    progress = run_bulk_send(bulk_send_id)
    return {
        "sent": progress.sent,
        "failed": progress.failed,
        "skipped": progress.skipped,
        "remaining": progress.remaining,
    }
