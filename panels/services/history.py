"""Entries in the admin's history (``LogEntry``) for changes the services make.

The admin records what its own pages save; an operation run from an action, a command or an
import records its change here, in the same form, so that the object's history page and the
stale-page refusal (``admin.stale.changes_since``) list it. Messages are stored untranslated,
as the admin stores them, and translated when read.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import translation
from django.utils.text import capfirst


def field_labels(model, *names):
    """The verbose names of ``model``'s fields ``names``, capitalised and untranslated."""
    with translation.override(None):
        return [str(capfirst(model._meta.get_field(name).verbose_name)) for name in names]


def log_changed_fields(actor, objects, model, *names):
    """Record that ``actor`` (a user, or ``None`` for nobody: nothing is recorded) changed
    the fields ``names`` of each of ``objects`` (instances of ``model``)."""
    objects = list(objects)
    if actor is None or not objects:
        return
    message = [{"changed": {"fields": field_labels(model, *names)}}]
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=objects, action_flag=CHANGE, change_message=message
    )


def log_added_rows(actor, parent, rows):
    """Record that ``actor`` added ``rows`` (model instances) to ``parent``, as the admin
    records rows added in an inline of the parent's page."""
    rows = list(rows)
    if actor is None or not rows:
        return
    with translation.override(None):
        message = [
            {"added": {"name": str(row._meta.verbose_name), "object": str(row)}} for row in rows
        ]
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[parent], action_flag=CHANGE, change_message=message
    )
