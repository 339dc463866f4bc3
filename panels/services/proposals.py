"""Proposed changes: a panellist's corrections to their own details, kept until the
secretariat decides (issue 12: a correction given through a personal link never overwrites
an officer's edit, nor is it overwritten by one).

``propose_changes`` records what the panellist would change; ``decide_proposed_changes``
accepts (the value is written, the record's version raised, the change entered in the
admin's history as the officer's) or rejects them.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Panellist, Person, ProposedChange
from ..translation import english_column
from .history import log_changed_fields
from .locking import bump_panel_versions, lock_panels
from .versions import programme_may_have_changed


def _saved_value(panellist, name):
    """The value of the field ``name`` (a ``ProposedChange.Field``) as saved now."""
    if name in ProposedChange.PERSON_FIELDS:
        value = getattr(panellist.person, english_column(Person, name))
        # A language not given yet is None (modeltranslation): no text, as an empty field.
        return "" if value is None else value
    return getattr(panellist, name)


def pending_values(panellist):
    """The values the person on ``panellist``'s place proposed for it that wait for a
    decision: a dict of field name to value (empty when none)."""
    return dict(panellist.proposed_changes.standing().values_list("field", "value"))


@transaction.atomic
def propose_changes(panellist, changes, *, now=None):
    """Record ``changes`` (a dict of ``ProposedChange.Field`` names to values, already
    validated) as ``panellist``'s proposals; nothing of their details is written.

    A field whose value is the one saved now is a proposal withdrawn; a new value replaces
    the pending proposal for that field, if any (status ``superseded``): the place's, and for
    the person's own details any of theirs, made through another panel's link. The
    panellist's row is locked while this runs, so that two submissions of their page make
    one pending proposal per field. Returns the list of ``ProposedChange`` made. ``now`` is
    an aware datetime (default: now).
    """
    now = now or timezone.now()
    locked = (
        Panellist.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk=panellist.pk)
        .first()
    )
    if locked is None or not changes:
        return []
    # A newer proposal replaces the pending one for the same field: of this place, and for
    # the person's own details, of any place of theirs (their bio is one, whichever panel's
    # link they used).
    own = set(changes) & ProposedChange.PERSON_FIELDS
    ProposedChange.objects.filter(
        Q(panellist=locked, field__in=list(changes)) | Q(person=locked.person, field__in=own),
        status=ProposedChange.Status.PENDING,
    ).update(status=ProposedChange.Status.SUPERSEDED, decided_at=now)
    made = []
    for name, value in changes.items():
        saved = _saved_value(locked, name)
        if value == saved:
            continue
        made.append(
            ProposedChange.objects.create(
                panellist=locked,
                person=locked.person,
                field=name,
                value=value,
                previous=saved,
                proposed_at=now,
            )
        )
    return made


propose_changes.alters_data = True


@dataclass
class Decided:
    """What ``decide_proposed_changes`` did (lists of ``ProposedChange``): ``accepted``,
    ``rejected``, and ``already``, decided before (by someone else, or replaced by a newer
    proposal) and left as they were."""

    accepted: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    already: list = field(default_factory=list)


@transaction.atomic
def decide_proposed_changes(changes, *, accept, actor=None, now=None):
    """Accept (``accept`` true) or reject the pending ``changes`` (``ProposedChange`` objects
    or keys). One decided already, or whose proposer no longer holds the place (then marked
    superseded), is left in ``Decided.already``.

    An accepted value is written to the person (position, organisation, short bio: shown on
    every panel they are on; the person's version is raised, so that an open copy of their
    page refuses to save the old value back) or to the place (presentation title: the panel's
    version is raised likewise), and recorded in the admin's history as ``actor``'s. Locks:
    the panels concerned in key order, then the proposals. Returns ``Decided``.
    """
    now = now or timezone.now()
    keys = [getattr(change, "pk", change) for change in changes]
    panel_keys = ProposedChange.objects.filter(pk__in=keys).values_list(
        "panellist__panel", flat=True
    )
    lock_panels(list(panel_keys))
    result = Decided()
    chosen = (
        ProposedChange.objects.select_for_update(of=("self",))
        .select_related("panellist", "person")
        .filter(pk__in=keys)
        .order_by("pk")
    )
    for change in chosen:
        if not change.stands:
            if change.is_pending:
                # The place changed hands since: the proposal was its former holder's.
                change.status, change.decided_at = ProposedChange.Status.SUPERSEDED, now
                change.save(update_fields=["status", "decided_at"])
            result.already.append(change)
            continue
        change.status = (
            ProposedChange.Status.ACCEPTED if accept else ProposedChange.Status.REJECTED
        )
        change.decided_at, change.decided_by = now, actor
        change.save(update_fields=["status", "decided_at", "decided_by"])
        if accept:
            _apply(change, actor)
            result.accepted.append(change)
        else:
            result.rejected.append(change)
    return result


decide_proposed_changes.alters_data = True


def _apply(change, actor):
    """Write the accepted ``change``'s value, raise the version it belongs to, record it."""
    place = change.panellist
    if change.is_about_person:
        # Saved, not updated, so that the change is in the person's history with its values
        # (the version rises by the save).
        person = Person.objects.select_for_update().get(pk=change.person_id)
        # A correction is of the English text (the one every page falls back to).
        column = english_column(Person, change.field)
        setattr(person, column, change.value)
        person._history_user = actor
        person.save(update_fields=[column, "version"])
        log_changed_fields(actor, [change.person], Person, column)
        # ``update`` sends no signal: the person's name may show on public programmes.
        programme_may_have_changed(people=[change.person_id])
    else:
        place = Panellist.objects.select_for_update().get(pk=place.pk)
        setattr(place, change.field, change.value)
        place._history_user = actor
        place.save(update_fields=[change.field])
        bump_panel_versions([place.panel_id])
        log_changed_fields(actor, [place], Panellist, change.field)
