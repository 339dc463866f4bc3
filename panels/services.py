"""State-changing operations: the confirmation workflow and generating a running order.

Views and the admin call these instead of assigning a status by hand, so that every change
stamps ``responded_at`` the same way and saves only the fields it changes.
"""

import hashlib
import hmac
import secrets
from datetime import UTC
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import running_order
from .models import Panel, Panellist, Segment


def bump_panel_versions(panel_ids):
    """Increase the version of the panels ``panel_ids`` after a change to their rows.

    An open copy of such a panel's admin page is then refused on saving instead of
    overwriting the change (django-concurrency compares versions; ``update`` bypasses
    ``save``). Call it before locking the changed rows, in the order the panel page locks:
    panel first. The panels' ``modified_at`` moves too, so that their calendar entries say
    they were revised (``DTSTAMP``, ``LAST-MODIFIED``: who speaks is in the description).
    """
    Panel.objects.filter(pk__in=panel_ids).update(
        version=F("version") + 1, modified_at=timezone.now()
    )


bump_panel_versions.alters_data = True


@transaction.atomic
def record_answer(panellist, status, *, at=None):
    """Set ``panellist``'s confirmation status and stamp when it was answered.

    ``status`` is a ``Panellist.Status`` value; ``at`` an aware datetime (default: now).
    Moving to confirmed, declined or withdrawn stamps ``responded_at``; moving back to invited
    clears it. Moving to confirmed also stores the slot's times as they are now
    (``confirmed_times``, see ``slot_times``), so that a later change of time is announced
    (``mail.notify_time_changes``); any other status clears them. Withdrawing revokes the
    personal link (a re-invitation gives a new one). Setting the status it
    already has changes nothing (idempotent). Returns True when something changed. Raises
    ``ValueError`` for an unknown status.
    """
    if status not in Panellist.Status.values:
        raise ValueError(f"unknown status {status!r}")
    if Panellist.objects.filter(pk=panellist.pk, status=status).exists():
        panellist.refresh_from_db(fields=["status", "responded_at"])
        return False
    # Lock in the order the panel's admin page does, panel first, so that two answers and a
    # page save never wait on each other crosswise.
    bump_panel_versions([panellist.panel_id])
    locked = Panellist.objects.select_for_update().get(pk=panellist.pk)
    if locked.status == status:
        panellist.status, panellist.responded_at = locked.status, locked.responded_at
        return False
    locked.status = status
    locked.responded_at = None if status == Panellist.Status.INVITED else (at or timezone.now())
    if status == Panellist.Status.WITHDRAWN:
        # Off the panel: their link stops, and inviting them again gives a new one.
        locked.link_hash = ""
    locked.confirmed_times = slot_times(locked) if status == Panellist.Status.CONFIRMED else None
    locked.save(update_fields=["status", "responded_at", "confirmed_times", "link_hash"])
    panellist.status, panellist.responded_at = locked.status, locked.responded_at
    panellist.confirmed_times, panellist.link_hash = locked.confirmed_times, locked.link_hash
    return True


record_answer.alters_data = True


class RunningOrderExists(Exception):
    """The panel has a running order already; generating one would overwrite it."""


# Roles that run the panel rather than present in it.
NOT_PRESENTING = {Panellist.Role.MODERATOR, Panellist.Role.CHAIR, Panellist.Role.RAPPORTEUR}


@transaction.atomic
def generate_running_order(panel):
    """Build the standard running order of ``panel`` from its people; returns the segments.

    Follows the seed's "Organization" (``running_order.standard_plan``): the moderator's
    introductory remarks, one presentation per panellist in order of appearance at the panel's
    presentation limit, questions and answers with the rest of the slot, the moderator's
    concluding remarks. Panellists who declined or withdrew are left out; the moderator (or
    else the chair) speaks the remarks. Titles are left blank so that each segment shows its
    kind in the reader's language; presentations take the presentation title.

    Raises ``RunningOrderExists`` when the panel has segments (nothing is overwritten) and
    ``running_order.PlanDoesNotFit`` when the people cannot fit the slot.
    """
    panel = Panel.objects.select_for_update().select_related("meeting").get(pk=panel.pk)
    if panel.segments.exists():
        raise RunningOrderExists(panel.pk)
    people = [place for place in panel.panellists.order_by("order", "pk") if place.is_on_programme]
    host = next(
        (place for place in people if place.role == Panellist.Role.MODERATOR),
        next((place for place in people if place.role == Panellist.Role.CHAIR), None),
    )
    presenters = [place for place in people if place.role not in NOT_PRESENTING]
    plan = running_order.standard_plan(
        panel.slot_minutes, len(presenters), panel.presentation_limit_minutes
    )
    created = Segment.objects.bulk_create(
        Segment(
            panel=panel,
            kind=item.kind,
            title=presenters[item.speaker].presentation_title if item.speaker is not None else "",
            duration_minutes=item.minutes,
            speaker=presenters[item.speaker] if item.speaker is not None else host,
            order=position,
        )
        for position, item in enumerate(plan)
    )
    bump_panel_versions([panel.pk])
    return created


generate_running_order.alters_data = True


def renumber_segments(panel):
    """Number ``panel``'s segments 0, 1, 2… in running order (by ``order``, then primary key).

    Ties and gaps left by an edit are resolved the way every page already reads them, so
    nothing moves. Returns the number of segments renumbered.
    """
    segments = list(
        Segment.objects.filter(panel=panel).order_by("order", "pk").only("pk", "order")
    )
    moved = []
    for position, segment in enumerate(segments):
        if segment.order != position:
            segment.order = position
            moved.append(segment)
    Segment.objects.bulk_update(moved, ["order"])
    return len(moved)


renumber_segments.alters_data = True


# Personal links (issue 4) ---------------------------------------------------------------------

# 32 bytes from ``secrets``: 256 bits, above the 128 the issue asks for.
LINK_SECRET_BYTES = 32


def link_hash(secret):
    """The SHA-256 (hex) under which a personal link's ``secret`` (str) is stored.

    A plain hash suffices: the secret is random and long, so it cannot be guessed from it.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_link(panellist, *, now=None):
    """Give ``panellist`` a new personal link and return its secret (a URL-safe str).

    Only the secret's hash is stored; a link issued before stops working. ``now`` is an aware
    datetime (default: now).
    """
    secret = secrets.token_urlsafe(LINK_SECRET_BYTES)
    panellist.link_hash = link_hash(secret)
    panellist.link_issued_at = now or timezone.now()
    panellist.save(update_fields=["link_hash", "link_issued_at"])
    return secret


issue_link.alters_data = True


def revoke_link(panellist):
    """Make ``panellist``'s personal link stop working. Idempotent."""
    panellist.link_hash = ""
    panellist.save(update_fields=["link_hash"])


revoke_link.alters_data = True


def answer_deadline(panel):
    """When ``panel``'s personal links stop working: its ``answer_deadline``, else its start.

    Returns an aware datetime.
    """
    return panel.answer_deadline or panel.starts_at


def panellist_for_link(secret, *, now=None):
    """The panellist whose valid personal link carries ``secret``, or ``None``.

    ``None`` alike for a missing, unknown, revoked or expired link, or a panellist who has
    withdrawn, so that the answer page reveals nothing about which it was. The stored hash is
    compared in constant time.
    """
    if not secret or len(secret) > 200:
        return None
    digest = link_hash(secret)
    panellist = (
        Panellist.objects.select_related("panel__meeting", "person")
        .filter(link_hash=digest)
        .first()
    )
    if panellist is None or not hmac.compare_digest(panellist.link_hash, digest):
        return None
    if (now or timezone.now()) >= answer_deadline(panellist.panel):
        return None
    if panellist.status == Panellist.Status.WITHDRAWN:
        # The secretariat took them off the panel: their link no longer answers for it.
        return None
    return panellist


def slot_fingerprint(panellist):
    """A short digest of everything about ``panellist``'s slot that they confirm or decline.

    The panel and the person of the place, the panel's day, times, zone and room, their role,
    and the planned times of their
    segments. The answer page carries it; an answer sent with another fingerprint was given
    to a slot that has changed since (``StaleAnswer``).
    """
    panel = panellist.panel
    own = [
        (t.start.isoformat(), t.end.isoformat(), str(t.item.kind))
        for t in panel.timed_segments()
        if t.item.speaker_id == panellist.pk
    ]
    text = repr(
        (
            # The place itself: an open page answers for this panel and this person only.
            panellist.panel_id,
            panellist.person_id,
            panel.date.isoformat(),
            panel.start_time.isoformat(),
            panel.end_time.isoformat(),
            panel.meeting.time_zone,
            panel.room,
            str(panellist.role),  # a str, whether just assigned (an enum member) or loaded
            own,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def slot_times(panellist):
    """The times of ``panellist``'s slot, as they are told to the panellist: plain JSON values.

    Returns ``{"zone": IANA name, "panel": {"start": …, "end": …}, "segments": [{"start": …,
    "end": …}, …]}``, every time an ISO 8601 string in UTC ("2017-02-16T20:00:00+00:00"),
    the segments being the panellist's own in running order. Stored as
    ``Panellist.confirmed_times`` and compared with it to find a change of time
    (``mail.notify_time_changes``). Reads the panel's segments (prefetched ones when present).
    """
    panel = panellist.panel

    def utc(moment):
        return moment.astimezone(UTC).isoformat()

    return {
        "zone": panel.meeting.time_zone,
        "panel": {"start": utc(panel.starts_at), "end": utc(panel.ends_at)},
        "segments": [
            {"start": utc(timed.start), "end": utc(timed.end)}
            for timed in panel.timed_segments()
            if timed.item.speaker_id == panellist.pk
        ],
    }


class StaleAnswer(Exception):
    """The slot changed after the answer page was shown; the answer was not recorded."""


@transaction.atomic
def answer(panellist, status, *, fingerprint, reason="", note="", now=None):
    """Record a panellist's own answer, given through their personal link.

    ``status`` is ``Panellist.Status.CONFIRMED`` or ``DECLINED``; ``fingerprint`` is the
    ``slot_fingerprint`` of the slot the page showed; ``reason`` (when declining) and ``note``
    are kept for the secretariat. The panel and then the panellist are locked, so that a
    double click or two parallel requests make exactly one change. Returns True when
    something changed (False for the same answer again). When something changed, the
    meeting's secretariat is emailed the answer (``mail.notify_secretariat``) once the
    transaction commits; nothing is sent if it rolls back. A confirmation also records the
    times the page showed as the ones confirmed (``slot_times``).

    Raises ``StaleAnswer`` when the slot changed since the page was shown, and ``ValueError``
    for any other status.
    """
    if status not in {Panellist.Status.CONFIRMED, Panellist.Status.DECLINED}:
        raise ValueError(f"a panellist cannot answer {status!r}")
    list(Panel.objects.select_for_update().filter(pk=panellist.panel_id).values_list("pk"))
    locked = (
        Panellist.objects.select_for_update().select_related("panel__meeting").get(pk=panellist.pk)
    )
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
    # failure to write the notice cannot turn a recorded answer into an error page.
    transaction.on_commit(partial(_notify_secretariat, panellist), robust=True)
    return True


answer.alters_data = True


def _notify_secretariat(panellist):
    """Email the secretariat ``panellist``'s answer as committed (read again by the mail)."""
    # Imported here: the mail module uses this one (links, deadlines, slot times).
    from . import mail

    mail.notify_secretariat(panellist)
