"""A meeting's programme imported from a spreadsheet (``panels.resources.ProgrammeResource``):
the running order of each session the file names made the file's (its items updated in place,
added or removed), and the import recorded in each session's history.

The import saves sessions, rooms and places through ``save_panel``, ``save_room`` and
``save_panellist``; these operations do the rest.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..models import Segment, SegmentSpeaker
from .locking import changing_panels, lock_panels
from .running_orders import set_speakers


@transaction.atomic
def open_running_order(panel):
    """The items of ``panel``'s running order (a list of ``Segment``, in running order), which
    an import then updates (``save_item``) or removes (``remove_items``). The panel is locked
    and its version raised first (``changing_panels``), so that an admin page opened before
    cannot save the old running order over the new one."""
    with changing_panels([panel]):
        return list(Segment.objects.filter(panel=panel).in_running_order())


open_running_order.alters_data = True


@transaction.atomic
def save_item(segment, speakers):
    """Save ``segment`` (a checked ``Segment``, new or stored) as an item of its session's
    running order, with ``speakers`` (``Panellist`` rows of the same session) as its speakers
    in exactly that order (``set_speakers``, then renumbered). The panel is locked first.
    Returns the segment."""
    lock_panels([segment.panel_id])
    segment.save(force_insert=segment._state.adding)
    set_speakers(segment, speakers)
    position = {place.pk: index for index, place in enumerate(dict.fromkeys(speakers))}
    moved = []
    for row in SegmentSpeaker.objects.filter(segment=segment):
        if row.order != position[row.panellist_id]:
            row.order = position[row.panellist_id]
            moved.append(row)
    if moved:
        bulk_update_with_history(moved, SegmentSpeaker, ["order"])
    return segment


save_item.alters_data = True


@transaction.atomic
def remove_items(panel, items):
    """Delete ``items`` (``Segment`` rows of ``panel``) with their speakers; the session's
    places stay. The panel is locked and its version raised (``changing_panels``). Returns
    the number of items deleted."""
    with changing_panels([panel]):
        deleted, by_model = Segment.objects.filter(
            panel=panel, pk__in=[item.pk for item in items]
        ).delete()
    return by_model.get(Segment._meta.label, 0)


remove_items.alters_data = True


def log_programme_import(actor, panels, file_name=""):
    """Record in the history of each of ``panels`` that ``actor`` (a user, or ``None``:
    nothing is recorded) imported its running order from the file ``file_name``. The
    message is stored untranslated, as the admin stores its own."""
    panels = list(panels)
    if actor is None or not panels:
        return
    message = f"Running order replaced by the programme import {file_name}".strip() + "."
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=panels, action_flag=CHANGE, change_message=message
    )


log_programme_import.alters_data = True
