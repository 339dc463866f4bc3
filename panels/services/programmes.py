"""A meeting's programme imported from a spreadsheet (``panels.resources.ProgrammeResource``):
the running order of each session the file names replaced by the file's items, and the import
recorded in each session's history.

The import saves sessions, rooms and places through ``save_panel``, ``save_room`` and
``save_panellist``; these operations do the rest.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from ..models import Segment
from .locking import changing_panels, lock_panels
from .running_orders import set_speakers


@transaction.atomic
def clear_running_order(panel):
    """Delete every item of ``panel``'s running order (their speakers with them; the
    session's places stay). The panel is locked and its version raised first
    (``changing_panels``), so that an admin page opened before cannot save the old running
    order over the new one. Returns the number of items deleted."""
    with changing_panels([panel]):
        deleted, by_model = Segment.objects.filter(panel=panel).delete()
    return by_model.get(Segment._meta.label, 0)


clear_running_order.alters_data = True


@transaction.atomic
def add_item(segment, speakers):
    """Save ``segment`` (a new, checked ``Segment``) as an item of its session's running order,
    with ``speakers`` (``Panellist`` rows of the same session, in order) as its speakers
    (``set_speakers``). The panel is locked first. Returns the segment."""
    lock_panels([segment.panel_id])
    segment.save(force_insert=True)
    set_speakers(segment, speakers)
    return segment


add_item.alters_data = True


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
