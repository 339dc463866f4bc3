"""Publishing, cancelling and reinstating panels."""

from dataclasses import dataclass, field
from datetime import time

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..models import Panel
from .history import log_changed_fields
from .locking import bump_panel_versions, lock_panels
from .panels import save_panel


@dataclass
class Published:
    """What ``publish`` did (lists of ``Panel``, in programme order): ``published``;
    ``already`` published before; refused because their running order overruns the slot,
    ``overrunning`` (each with ``planned_minutes`` and ``slot_usage()``); refused because
    their meeting's time zone is not valid, ``unknown_zone``."""

    published: list = field(default_factory=list)
    already: list = field(default_factory=list)
    overrunning: list = field(default_factory=list)
    unknown_zone: list = field(default_factory=list)


@transaction.atomic
def publish(panels, *, actor=None):
    """Publish those of ``panels`` (objects, keys or a QuerySet) whose running order fits
    their slot; refuse the others (the rule: ``Panel.publishing_refusal``).

    The panels are locked in key order while they are checked and published, so that a
    running order saved at the same moment is counted; the versions of those published are
    raised, so that an open copy of their page does not unpublish them. Each publication is
    recorded in the admin's history as ``actor``'s. Returns ``Published``.
    """
    keys = lock_panels(panels)
    result = Published()
    chosen = (
        Panel.objects.filter(pk__in=keys)
        .select_related("meeting")
        .with_planned_minutes()
        .in_programme_order()
    )
    for panel in chosen:
        if panel.is_published:
            result.already.append(panel)
        elif not panel.meeting.has_valid_time_zone():
            result.unknown_zone.append(panel)
        elif panel.publishing_refusal(panel.planned_minutes):
            result.overrunning.append(panel)
        else:
            result.published.append(panel)
    for panel in result.published:
        panel.is_published = True
    # Saved in bulk, each change in the panel's history (``Panel.history``).
    bulk_update_with_history(result.published, Panel, ["is_published"], default_user=actor)
    bump_panel_versions(result.published, revised=False)
    log_changed_fields(actor, result.published, Panel, "is_published")
    return result


publish.alters_data = True


@dataclass
class StatusChanged:
    """What ``cancel`` or ``reinstate`` did (lists of ``Panel``, in programme order):
    ``changed`` to ``status``, and ``unchanged``, which had it already."""

    status: str
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def _in_programme_order(panels):
    """``panels`` sorted as the programme lists them: by day, timed ones by start, those
    whose time is to be announced after them."""
    return sorted(
        panels,
        key=lambda panel: (
            panel.date,
            panel.start_time is None,
            panel.start_time or time(0),
            panel.pk,
        ),
    )


@transaction.atomic
def set_status(panels, status, *, actor=None):
    """Give ``panels`` (objects, keys or a QuerySet) the ``Panel.Status`` ``status``.

    The panels are locked in key order; each one changed is saved through ``save_panel``, so
    that its calendar entry is revised (``sequence`` grows) and its version raised (an open
    copy of its page then refuses to overwrite the change), and recorded in the admin's
    history as ``actor``'s. Returns ``StatusChanged``.
    """
    keys = lock_panels(panels)
    result = StatusChanged(status=status)
    for panel in Panel.objects.filter(pk__in=keys).order_by("pk"):
        if panel.status == status:
            result.unchanged.append(panel)
            continue
        panel.status = status
        save_panel(panel, update_fields=["status", "version", "modified_at"])
        result.changed.append(panel)
    log_changed_fields(actor, result.changed, Panel, "status")
    result.changed = _in_programme_order(result.changed)
    result.unchanged = _in_programme_order(result.unchanged)
    return result


set_status.alters_data = True


def cancel(panels, *, actor=None):
    """Cancel ``panels``: they stay on the programme and in calendars, marked as cancelled
    (``STATUS:CANCELLED``). Returns ``StatusChanged``; see ``set_status``."""
    return set_status(panels, Panel.Status.CANCELLED, actor=actor)


cancel.alters_data = True


def reinstate(panels, *, actor=None):
    """Reinstate cancelled ``panels``: scheduled again. Returns ``StatusChanged``."""
    return set_status(panels, Panel.Status.SCHEDULED, actor=actor)


reinstate.alters_data = True
