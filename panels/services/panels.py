"""Saving meetings and panels, with what a change of time, place or status entails: calendar
entries revised (RFC 5545 §3.8.7.4: ``SEQUENCE`` grows with each revision)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import Meeting, Panel

# What a panel's calendar entry shows of its time and place.
CALENDAR_FIELDS = ("date", "start_time", "end_time", "room", "status", "meeting_id")
# What every calendar entry of a meeting's panels shows of the meeting.
MEETING_CALENDAR_FIELDS = ("time_zone", "venue")


def _changed(model, obj, names, *also):
    """The stored row of ``obj`` (a dict of ``names`` and ``also``) when any of ``names``
    differs from ``obj``'s; ``None`` for a new object or no such change."""
    if obj.pk is None or obj._state.adding:
        return None
    stored = model.objects.filter(pk=obj.pk).values(*names, *also).first()
    if stored and any(stored[name] != getattr(obj, name) for name in names):
        return stored
    return None


@transaction.atomic
def save_panel(panel, *, update_fields=None):
    """Save ``panel``; when its time, place or status changed (``CALENDAR_FIELDS``), its
    calendar entry is revised: ``sequence`` grows by one, so that calendars that imported it
    take the change. ``update_fields`` as for ``Model.save``. The version check of
    django-concurrency applies (``RecordModifiedError`` for a stale copy)."""
    stored = _changed(Panel, panel, CALENDAR_FIELDS, "sequence")
    if stored is not None:
        panel.sequence = stored["sequence"] + 1
        if update_fields is not None:
            update_fields = {*update_fields, "sequence"}
    panel.save(update_fields=update_fields)
    return panel


save_panel.alters_data = True


@transaction.atomic
def save_meeting(meeting, *, update_fields=None):
    """Save ``meeting``; when its time zone or venue changed, the calendar entry of every one
    of its panels is revised (``sequence`` grows, ``modified_at`` moves), since their times or
    place changed."""
    changed = _changed(Meeting, meeting, MEETING_CALENDAR_FIELDS) is not None
    meeting.save(update_fields=update_fields)
    if changed:
        meeting.panels.update(sequence=F("sequence") + 1, modified_at=timezone.now())
    return meeting


save_meeting.alters_data = True
