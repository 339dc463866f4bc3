"""Vacated places: the items of a participant who declined or withdrew, given in one step to
another participant of the same session, or dropped with the gap in the running order closed
(issue 12: "A declined speaker leaves a hole")."""

from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils.translation import gettext as _

from ..models import Panellist, SegmentSpeaker
from .locking import changing_panels
from .running_orders import renumber_segments


class CannotTakeItems(ValueError):
    """The participant chosen cannot take the items; ``str()`` says why, in the
    secretariat's words."""


@dataclass
class ItemsMoved:
    """What ``give_items`` did for ``place``: the items ``handed`` to ``to`` (``Segment``s),
    those ``kept`` with their other speakers (``place`` only taken off them), and the titles
    of those ``dropped`` (the running order closes up behind them)."""

    place: Panellist
    to: Panellist | None = None
    handed: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    dropped: list = field(default_factory=list)


def give_items(place, *, to=None, actor=None):
    """Give the items ``place`` (a ``Panellist``) speaks in to ``to`` (another participant of
    the same session, still expected to speak), or, with ``to`` ``None``, take ``place`` off
    them: an item left with no speaker is deleted and the items after it move up (their
    times follow from the durations; items at fixed times stay).

    ``to`` takes ``place``'s position among each item's speakers (an item ``to`` already
    speaks in keeps ``to`` where they are). The session is locked and its version raised
    (``changing_panels``), so that an open copy of its page cannot save the old running
    order back; the change is recorded in its history as ``actor``'s. Raises
    ``CannotTakeItems`` when ``to`` is ``place``, belongs to another session or declined or
    withdrew. Returns ``ItemsMoved``.
    """
    if to is not None:
        if to.pk == place.pk:
            raise CannotTakeItems(_("The items cannot be given to the same participant."))
        if to.panel_id != place.panel_id:
            raise CannotTakeItems(_("The participant chosen is on another session."))
    result = ItemsMoved(place=place, to=to)
    with changing_panels([place.panel_id]):
        if to is not None:
            to = Panellist.objects.filter(pk=to.pk).first()
            if to is None or not to.is_on_programme:
                raise CannotTakeItems(
                    _("The participant chosen has declined or withdrawn, or was removed.")
                )
        rows = (
            SegmentSpeaker.objects.filter(panellist=place)
            .select_related("segment")
            .order_by("segment__order", "segment__pk")
        )
        for row in rows:
            item = row.segment
            if to is not None:
                if item.speaking.filter(panellist=to).exists():
                    row.delete()
                else:
                    row.panellist = to
                    row.save(update_fields=["panellist"])
                result.handed.append(item)
            elif item.speaking.exclude(pk=row.pk).exists():
                row.delete()
                result.kept.append(item)
            else:
                result.dropped.append(item.display_title)
                item.delete()
        if result.dropped:
            renumber_segments(place.panel_id)
        _log(actor, place, result)
    return result


give_items.alters_data = True


def _log(actor, place, result):
    """Record ``result`` in the session's history as ``actor``'s (nothing without one)."""
    if actor is None or not (result.handed or result.kept or result.dropped):
        return
    if result.to is not None:
        message = f"Gave the items of {place.display_name} to {result.to.display_name}."
    else:
        message = f"Took {place.display_name} off their items; dropped {len(result.dropped)}."
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[place.panel],
        action_flag=CHANGE,
        change_message=message,
    )
