"""Saving meetings and panels, with what a change of time, place or status entails: calendar
entries revised (RFC 5545 §3.8.7.4: ``SEQUENCE`` grows with each revision)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import Meeting, Panel, Room
from ..models.querysets import sees_every_meeting

# What a panel's calendar entry shows of its time and place.
CALENDAR_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "ends_after_midnight",
    "room_id",
    "status",
    "meeting_id",
)
# What every calendar entry of a meeting's panels shows of the meeting.
MEETING_CALENDAR_FIELDS = ("time_zone", "venue")


def _changed(model, obj, names):
    """Whether any of the fields ``names`` of ``obj`` differs from its stored row (False for
    a new object)."""
    if obj.pk is None or obj._state.adding:
        return False
    stored = model.objects.filter(pk=obj.pk).values(*names).first()
    return bool(stored) and any(stored[name] != getattr(obj, name) for name in names)


@transaction.atomic
def save_panel(panel, *, update_fields=None):
    """Save ``panel``; when its time, place or status changed (``CALENDAR_FIELDS``), its
    calendar entry is revised: ``sequence`` grows by one, so that calendars that imported it
    take the change. The sequence is counted from the stored one, so that a revision made
    since ``panel`` was read (its meeting's new venue) is not written over.

    ``cancelled_at`` follows the status: the moment the panel became cancelled (kept while it
    stays cancelled), empty while it is scheduled. ``update_fields`` as for ``Model.save``.
    The version check of django-concurrency applies (``RecordModifiedError`` for a stale
    copy)."""
    stored = None
    if panel.pk is not None and not panel._state.adding:
        stored = (
            Panel.objects.filter(pk=panel.pk)
            .values(*CALENDAR_FIELDS, "sequence", "cancelled_at")
            .first()
        )
    if stored is not None:
        revised = any(stored[name] != getattr(panel, name) for name in CALENDAR_FIELDS)
        panel.sequence = stored["sequence"] + revised
        if revised and update_fields is not None:
            update_fields = {*update_fields, "sequence"}
    panel.cancelled_at = _cancelled_at(panel, stored)
    if update_fields is not None:
        update_fields = {*update_fields, "cancelled_at"}
    panel.save(update_fields=update_fields)
    return panel


def _cancelled_at(panel, stored):
    """When ``panel`` (about to be saved) was cancelled: ``None`` unless its status is
    cancelled; the stored moment if it was cancelled already; now if it becomes so."""
    if panel.status != Panel.Status.CANCELLED:
        return None
    if stored is not None and stored["status"] == Panel.Status.CANCELLED:
        return stored["cancelled_at"]
    return timezone.now()


save_panel.alters_data = True


@transaction.atomic
def save_meeting(meeting, *, update_fields=None):
    """Save ``meeting``; when its time zone or venue changed, the calendar entry of every one
    of its panels is revised (``sequence`` grows, ``modified_at`` moves), since their times or
    place changed."""
    changed = _changed(Meeting, meeting, MEETING_CALENDAR_FIELDS)
    meeting.save(update_fields=update_fields)
    if changed:
        meeting.panels.update(sequence=F("sequence") + 1, modified_at=timezone.now())
    return meeting


save_meeting.alters_data = True


@dataclass
class TeamJoined:
    """What ``join_team`` did: whether ``user`` was ``added`` to ``meeting``'s team (not when
    they were on it already, or are a superuser, who is on every team)."""

    meeting: Meeting
    user: object
    added: bool


def join_team(meeting, user):
    """Put ``user`` (a staff user) on ``meeting``'s team, as when they add the meeting: a
    meeting its author could not see again would be lost to them. Returns ``TeamJoined``."""
    if sees_every_meeting(user) or Meeting.objects.of_team(user).filter(pk=meeting.pk).exists():
        return TeamJoined(meeting, user, added=False)
    meeting.team_users.add(user)
    return TeamJoined(meeting, user, added=True)


join_team.alters_data = True


@transaction.atomic
def save_room(room):
    """Save ``room``; when its name changed, the calendar entry of every session in it is
    revised (``sequence`` grows, ``modified_at`` moves): their LOCATION changed."""
    changed = _changed(Room, room, ("name",))
    room.save()
    if changed:
        Panel.objects.filter(room=room).update(
            sequence=F("sequence") + 1, modified_at=timezone.now()
        )
    return room


save_room.alters_data = True
