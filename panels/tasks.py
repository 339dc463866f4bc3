"""The task queue's tasks (Celery, ``meeting/celery.py``): bulk invitations and reminders,
and the day's reminders on celery beat's schedule (``CELERY_BEAT_SCHEDULE``).

Each task is a thin call of a service. ``send_bulk`` is defined beside the service that
queues it (``services.bulk_sends``) and imported here: it is idempotent (``run_bulk_send``
never sends anyone two copies), so it is acknowledged only when it ends and given back to the
queue when its worker is lost (``acks_late``, ``reject_on_worker_lost``): a worker killed
mid-run has the rest sent by the next one, which queues the unfinished bulk sends again as
soon as it is ready (``resume_unfinished_bulk_sends``).
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import services
from .models import Panellist
from .services.bulk_sends import send_bulk

logger = logging.getLogger(__name__)

__all__ = ["send_bulk", "send_reminders"]


@shared_task
def send_reminders():
    """Remind every panellist who was invited, has not answered and is due a reminder, as
    ``manage.py send_reminders`` does (``services.remind``); run by celery beat.

    Does nothing but log an error when ``SITE_URL`` is not set (the links would not work).
    Returns the numbers sent and failed, as a dict.
    """
    if not settings.SITE_URL:
        logger.error("Reminders not sent: SITE_URL is not set, so their links would not work.")
        return {"sent": 0, "failed": 0}
    result = services.remind(Panellist.objects.unanswered().in_programme_order())
    for outcome in result.failed:
        logger.warning(
            "Reminder not sent to %s (panellist %s): %s",
            outcome.address,
            outcome.panellist.pk,
            outcome.error,
        )
    return {"sent": len(result.sent), "failed": len(result.failed)}


@worker_ready.connect
def resume_unfinished_bulk_sends(**kwargs):
    """When a worker is ready, queue again the bulk sends left unfinished by a worker that
    stopped (``services.resume_bulk_sends``)."""
    result = services.resume_bulk_sends()
    if result.queued:
        logger.warning("Bulk sends resumed: %s.", ", ".join(map(str, result.queued)))
