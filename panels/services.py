"""State-changing operations on panellists (the confirmation workflow).

Views and the admin call these instead of assigning a status by hand, so that every change
stamps ``responded_at`` the same way and saves only the fields it changes.
"""

from django.db import transaction
from django.utils import timezone

from .models import Panellist


@transaction.atomic
def record_answer(panellist, status, *, at=None):
    """Set ``panellist``'s confirmation status and stamp when it was answered.

    ``status`` is a ``Panellist.Status`` value; ``at`` an aware datetime (default: now).
    Moving to confirmed, declined or withdrawn stamps ``responded_at``; moving back to invited
    clears it. Setting the status it already has changes nothing (idempotent). Returns True
    when something changed. Raises ``ValueError`` for an unknown status.
    """
    if status not in Panellist.Status.values:
        raise ValueError(f"unknown status {status!r}")
    locked = Panellist.objects.select_for_update().get(pk=panellist.pk)
    if locked.status == status:
        panellist.status, panellist.responded_at = locked.status, locked.responded_at
        return False
    locked.status = status
    locked.responded_at = None if status == Panellist.Status.INVITED else (at or timezone.now())
    locked.save(update_fields=["status", "responded_at"])
    panellist.status, panellist.responded_at = locked.status, locked.responded_at
    return True


record_answer.alters_data = True
