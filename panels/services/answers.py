"""Answers: a panellist's confirmation status, recorded by themselves through their personal
link or by the secretariat on their behalf.

Every answer goes through ``record_answer``, so that each stamps ``responded_at``, stores the
confirmed times and revokes a withdrawn panellist's link the same way.
"""

import hmac
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Panel, Panellist
from . import emails
from .history import log_changed_fields, through_link
from .locking import changing_panels, lock_panellist, lock_panels
from .proposals import propose_changes
from .slots import slot_fingerprint, slot_times


class StaleAnswer(Exception):
    """The slot changed after the answer page was shown; the answer was not recorded."""


class PanelCancelled(Exception):
    """The panel is cancelled: there is nothing left to confirm or decline, and the answer
    was not recorded."""


@transaction.atomic
def record_answer(panellist, status, *, at=None):
    """Set ``panellist``'s confirmation status and stamp when it was answered.

    ``status`` is a ``Panellist.Status`` value; ``at`` an aware datetime (default: now).
    Moving to confirmed, declined or withdrawn stamps ``responded_at``; moving back to invited
    clears it. Moving to confirmed also stores the slot's times as they are now
    (``confirmed_times``, see ``slot_times``), so that a later change of time is announced;
    any other status clears them. Withdrawing revokes the personal link (a re-invitation gives
    a new one). Setting the status it already has changes nothing (idempotent). The panel is
    locked and its version raised (``changing_panels``) before the panellist's row is locked.
    Returns True when something changed. Raises ``ValueError`` for an unknown status.
    """
    if status not in Panellist.Status.values:
        raise ValueError(f"unknown status {status!r}")
    stored = Panellist.objects.filter(pk=panellist.pk).values("panel_id", "status").first()
    if stored is None:
        return False  # deleted meanwhile
    if stored["status"] == status:
        panellist.refresh_from_db(fields=["status", "responded_at"])
        return False
    # The panel the place is on now (it may have moved since ``panellist`` was read).
    panellist.panel_id = stored["panel_id"]
    with changing_panels([panellist.panel_id]):
        locked = lock_panellist(panellist)
        if locked is None:
            return False
        if locked.status == status:
            panellist.status, panellist.responded_at = locked.status, locked.responded_at
            return False
        locked.status = status
        locked.responded_at = (
            None if status == Panellist.Status.INVITED else (at or timezone.now())
        )
        if status == Panellist.Status.WITHDRAWN:
            # Off the panel: their link stops, and inviting them again gives a new one.
            locked.link_hash = ""
        locked.confirmed_times = (
            slot_times(locked) if status == Panellist.Status.CONFIRMED else None
        )
        locked.save(update_fields=["status", "responded_at", "confirmed_times", "link_hash"])
    panellist.status, panellist.responded_at = locked.status, locked.responded_at
    panellist.confirmed_times, panellist.link_hash = locked.confirmed_times, locked.link_hash
    return True


record_answer.alters_data = True


@dataclass
class AnswersRecorded:
    """What ``record_answers`` did: ``changed``, the panellists given the new status, and
    ``unchanged``, those who had it already (lists of ``Panellist``); ``status`` the status."""

    status: str
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


@transaction.atomic
def record_answers(panellists, status, *, actor=None):
    """Record ``status`` for each of ``panellists`` on their behalf (the secretariat's "mark
    as confirmed"), through ``record_answer``.

    The panels are locked in key order first, as every other change of several panels does,
    so that two officers marking answers on the same panels wait for each other. Each change is
    recorded in the admin's history as ``actor``'s. Returns ``AnswersRecorded``.
    """
    if isinstance(panellists, QuerySet):
        # Their panels are locked first, then the selection read: a panellist deleted or
        # moved meanwhile is read as it is now.
        lock_panels(Panel.objects.filter(pk__in=panellists.values("panel_id")))
        panellists = list(panellists)
    else:
        panellists = list(panellists)
        lock_panels(place.panel_id for place in panellists)
    result = AnswersRecorded(status=status)
    for panellist in panellists:
        if record_answer(panellist, status):
            result.changed.append(panellist)
        else:
            result.unchanged.append(panellist)
    log_changed_fields(actor, result.changed, Panellist, "status")
    return result


record_answers.alters_data = True


@transaction.atomic
def answer(panellist, status, *, fingerprint, reason="", note="", now=None):
    """Record a panellist's own answer, given through their personal link.

    ``status`` is ``Panellist.Status.CONFIRMED`` or ``DECLINED``; ``fingerprint`` is the
    ``slot_fingerprint`` of the slot the page showed; ``reason`` (when declining) and ``note``
    are kept for the secretariat. The panel and then the panellist are locked, so that a
    double click or two parallel requests make exactly one change. Returns True when
    something changed (False for the same answer again). When something changed, the
    meeting's secretariat is emailed the answer (``emails.notify_secretariat``) once the
    transaction commits; nothing is sent if it rolls back. A confirmation also records the
    times the page showed as the ones confirmed (``slot_times``).

    Raises ``StaleAnswer`` when the slot changed since the page was shown, ``PanelCancelled``
    when the panel is cancelled (nothing recorded, nobody notified), and ``ValueError`` for
    any other status.
    """
    if status not in {Panellist.Status.CONFIRMED, Panellist.Status.DECLINED}:
        raise ValueError(f"a panellist cannot answer {status!r}")
    locked = lock_panellist(panellist)
    if locked is None:
        raise StaleAnswer(panellist.pk)  # the place was deleted since the page was shown
    if locked.panel.is_cancelled:
        raise PanelCancelled(panellist.pk)
    if not hmac.compare_digest(slot_fingerprint(locked).encode(), (fingerprint or "").encode()):
        raise StaleAnswer(panellist.pk)
    reason = reason.strip() if status == Panellist.Status.DECLINED else ""
    note = note.strip()
    if status == locked.status == Panellist.Status.CONFIRMED:
        # Confirming again, on a page that showed the current slot (the fingerprint matched):
        # those are the times confirmed, even if a notice of them has not gone out yet.
        shown = slot_times(locked)
        if locked.confirmed_times != shown:
            locked.confirmed_times = shown
            locked.save(update_fields=["confirmed_times"])
            panellist.confirmed_times = shown
    if (locked.status, locked.decline_reason, locked.note_to_secretariat) == (
        status,
        reason,
        note,
    ):
        return False
    record_answer(locked, status, at=now)
    locked.decline_reason, locked.note_to_secretariat = reason, note
    locked.save(update_fields=["decline_reason", "note_to_secretariat"])
    panellist.refresh_from_db()

    # After the commit, so that a rolled-back answer is never announced; robust, so that a
    # failure to write the notice cannot turn a recorded answer into an error page (Django
    # logs it by the callback's name, which a ``functools.partial`` lacks).
    def notify_secretariat():
        emails.notify_secretariat(panellist)

    transaction.on_commit(notify_secretariat, robust=True)
    return True


answer.alters_data = True


@dataclass(frozen=True)
class LinkAnswer:
    """What ``answer_through_link`` did: whether the answer changed, and the corrections of
    the panellist's details proposed (a list of ``ProposedChange``, empty when none)."""

    answer_changed: bool
    proposed: list

    @property
    def details_changed(self):
        """Whether any correction was proposed."""
        return bool(self.proposed)


@transaction.atomic
def answer_through_link(
    panellist, status, *, fingerprint, reason="", note="", place_changes=None, person_changes=None
):
    """Record the answer given on the panellist's answer page and their corrections, all or
    nothing.

    ``status``, ``fingerprint``, ``reason`` and ``note`` as for ``answer``. ``place_changes``
    maps fields of the panellist (``presentation_title``) and ``person_changes`` fields of
    their person (``position``, ``organisation``, ``bio``) to corrected, validated values.
    They are not written: they become proposals for the secretariat to accept or reject
    (``proposals.propose_changes``), so that a correction never overwrites an officer's edit
    and is not overwritten by one. Returns ``LinkAnswer``. Raises ``StaleAnswer`` and
    ``PanelCancelled`` (nothing saved) as ``answer`` does. The panellist's history records
    the change as theirs, made through their personal link (``history.through_link``).
    """
    with through_link(panellist):
        answer_changed = answer(
            panellist, status, fingerprint=fingerprint, reason=reason, note=note
        )
        changes = {**(place_changes or {}), **(person_changes or {})}
        proposed = propose_changes(panellist, changes) if changes else []
    return LinkAnswer(answer_changed=answer_changed, proposed=proposed)


answer_through_link.alters_data = True
