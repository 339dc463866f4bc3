"""Versions of a meeting's public programme: recorded after every change the public can see.

A version is recorded when a transaction that may have changed a public programme commits
(``programme_may_have_changed``), and only when the programme the public now sees differs
from the meeting's latest version (``record_programme_version``). One hook serves every path:

- saving or deleting a meeting, room, session, place, person, item or item speaker (the
  admin's pages, the services, the spreadsheet imports, the demo loader) sends Django's
  model signals, which ``connect_receivers`` listens to;
- the changes written with ``QuerySet.update()`` or ``bulk_create`` (publishing, answers,
  items given to another participant, generated running orders, the panellists' import)
  raise their panels' versions through ``locking.bump_panel_versions``, which calls
  ``programme_may_have_changed``; an accepted correction of a person's name calls it itself.

Each committing transaction records each meeting once, whatever the number of rows it saved:
the rows are gathered in one batch per transaction, worked out into meetings and recorded by
the first of its ``transaction.on_commit`` callbacks to run (the others find it done and run
no query).
"""

import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from ..caching import content_changed
from ..models import (
    Meeting,
    Panel,
    Panellist,
    Person,
    ProgrammeVersion,
    Room,
    Segment,
    SegmentSpeaker,
)

logger = logging.getLogger(__name__)


@dataclass
class VersionRecorded:
    """What ``record_programme_version`` did: ``recorded`` a new version or not, and
    ``version``, the meeting's latest ``ProgrammeVersion`` after it (``None`` when it has
    none: a draft meeting, or a public one with nothing published yet)."""

    recorded: bool
    version: ProgrammeVersion | None


def programme_snapshot(meeting):
    """The public programme of ``meeting`` as its public pages show it now, as plain JSON
    values (the shape is ``panels.changelog``'s): published sessions in programme order, none
    for a draft meeting. Clock times are local, in the meeting's zone. Three queries.

    Titles are in the default language (English; ``settings.MODELTRANSLATION_DEFAULT_LANGUAGE``)
    whatever language is active, so that a save made from a page in another language is no
    change of the programme."""
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return _snapshot(meeting)


def _snapshot(meeting):
    sessions = []
    if meeting.is_public:
        panels = (
            Panel.objects.published()
            .filter(meeting=meeting)
            .select_related("meeting", "room")
            .with_people()
            .with_running_order()
            .in_programme_order()
        )
        sessions = [_session(panel) for panel in panels]
    return {"zone": meeting.time_zone, "sessions": sessions}


def _session(panel):
    return {
        "id": panel.pk,
        "title": panel.title,
        "kind": panel.kind,
        "cancelled": panel.is_cancelled,
        "date": panel.date.isoformat(),
        "start": _clock(panel.start_time),
        "end": _clock(panel.end_time),
        "room": panel.room.name if panel.room_id else "",
        "people": [
            {
                "id": place.pk,
                "person": place.person_id,
                "name": place.display_name,
                "role": place.role,
                "tba": place.is_to_be_announced,
            }
            for place in panel.programme_panellists()
        ],
        "items": [
            item for placed in panel.timed_segments() if (item := _item(placed)) is not None
        ],
    }


def _item(placed):
    """An item (a ``running_order.PlacedItem``) as the public running order shows it, or
    ``None`` when it is left out (``Segment.public_row``)."""
    segment = placed.item
    row = segment.public_row()
    if row is None:
        return None
    return {
        "id": segment.pk,
        "number": segment.number,
        "title": str(segment.display_title),
        "start": f"{placed.start:%H:%M}" if placed.start else None,
        "end": f"{placed.end:%H:%M}" if placed.end else None,
        "speakers": (
            [place.display_name for place in segment.public_speakers()]
            if row == "speakers"
            else []
        ),
        "tba": row == "to be announced",
    }


def _clock(value):
    return f"{value:%H:%M}" if value is not None else None


@transaction.atomic
def record_programme_version(meeting):
    """Record a new version of ``meeting``'s (an object or key) public programme when it
    differs from the latest one; returns ``VersionRecorded``.

    Nothing is recorded for a draft meeting (the public sees no programme, and when it is
    made public again its first version says what changed meanwhile), nor while the
    meeting's time zone name is not valid (its clock times are not verified, and a version
    would claim them in a zone that does not exist; the version recorded once it is
    corrected says what changed meanwhile), nor for a programme
    with no session yet before a first version. Versions are numbered from 1 per meeting;
    the meeting's row is locked while the number is chosen, so two recordings at once take
    turns. A meeting deleted meanwhile records nothing.
    """
    meeting = (
        Meeting.objects.select_for_update().filter(pk=getattr(meeting, "pk", meeting)).first()
    )
    if meeting is None:
        return VersionRecorded(recorded=False, version=None)
    latest = meeting.programme_versions.order_by("-number").first()
    if not meeting.is_public or not meeting.has_valid_time_zone():
        return VersionRecorded(recorded=False, version=latest)
    snapshot = programme_snapshot(meeting)
    if latest is None and not snapshot["sessions"]:
        return VersionRecorded(recorded=False, version=None)
    if latest is not None and latest.snapshot == snapshot:
        return VersionRecorded(recorded=False, version=latest)
    version = ProgrammeVersion.objects.create(
        meeting=meeting, number=latest.number + 1 if latest else 1, snapshot=snapshot
    )
    return VersionRecorded(recorded=True, version=version)


record_programme_version.alters_data = True


# After commit: one batch per transaction --------------------------------------------------


class _Batch:
    """The rows one transaction changed, by kind ("meeting", "panel", "segment", "person"),
    as sets of keys, waiting for its commit. Calling it records the versions; only the first
    call does anything."""

    def __init__(self):
        self.keys = {"meeting": set(), "panel": set(), "segment": set(), "person": set()}
        self.done = False

    def meetings(self):
        """The keys of the meetings whose programme the batch's rows belong to."""
        found = set(self.keys["meeting"])
        if self.keys["panel"]:
            panels = Panel.objects.filter(pk__in=self.keys["panel"])
            found.update(panels.values_list("meeting_id", flat=True))
        if self.keys["segment"]:
            segments = Segment.objects.filter(pk__in=self.keys["segment"])
            found.update(segments.values_list("panel__meeting_id", flat=True))
        if self.keys["person"]:
            places = Panellist.objects.filter(person__in=self.keys["person"])
            found.update(places.values_list("panel__meeting_id", flat=True))
        return sorted(found)

    def __call__(self):
        if self.done:
            return
        self.done = True
        for meeting in self.meetings():
            record_programme_version(meeting)


class VersionsAfterCommit:
    """The ``on_commit`` callback that records a batch (``_Batch``); a test that runs a
    transaction's callbacks one by one can tell it apart by its class. Every change registers
    one, so that whichever of them survives (a savepoint rolled back drops those registered
    in it) records the whole batch; the first to run does, the others find it done."""

    def __init__(self, batch):
        self.batch = batch
        # Django names a callback by its ``__qualname__`` when it logs one that failed.
        self.__qualname__ = type(self).__qualname__

    def __call__(self):
        """Record the batch. The change itself is committed: a failure to record its version
        (the database gone since the commit) is logged, and the request and the callbacks
        after this one (the secretariat's notice of an answer) go on."""
        try:
            self.batch()
        except Exception:
            logger.exception("Could not record the programme's new version after a commit.")


_open = threading.local()


def _current_batch(connection):
    """The batch of the transaction in progress: the last one made, unless it has run or
    none of its callbacks is waiting any more (its transaction rolled back); else a new
    one."""
    batch = getattr(_open, "batch", None)
    if batch is not None and not batch.done:
        # Most often the last callback waiting is one of the batch's: look from the end.
        for _sids, func, _robust in reversed(connection.run_on_commit):
            if isinstance(func, VersionsAfterCommit) and func.batch is batch:
                return batch
    batch = _open.batch = _Batch()
    return batch


def programme_may_have_changed(*, meetings=(), panels=(), segments=(), people=()):
    """Record, once the transaction in progress commits, a new version of the programme of
    every meeting concerned (``record_programme_version``): ``meetings``, those of
    ``panels``, of ``segments`` (items) and of the sessions ``people`` have a place in (each
    an iterable of objects or keys). Outside a transaction, at once. Runs no query now.

    The public pages stored in the cache are dropped at the same commit
    (``caching.content_changed``): this is how the changes written with ``update()`` or in
    bulk reach them."""
    content_changed()
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        batch = _Batch()
        _add(batch, meetings, panels, segments, people)
        batch()
        return
    batch = _current_batch(connection)
    _add(batch, meetings, panels, segments, people)
    # Robust: the change itself is committed; a failure to record its version is logged and
    # must not turn the officer's successful save into an error page.
    transaction.on_commit(VersionsAfterCommit(batch), robust=True)


def _add(batch, meetings, panels, segments, people):
    for kind, objects in (
        ("meeting", meetings),
        ("panel", panels),
        ("segment", segments),
        ("person", people),
    ):
        batch.keys[kind].update(getattr(obj, "pk", obj) for obj in objects)
        batch.keys[kind].discard(None)


# Signals ----------------------------------------------------------------------------------


def _meeting_saved(sender, instance, **kwargs):
    programme_may_have_changed(meetings=[instance.pk])


def _of_meeting(sender, instance, **kwargs):
    programme_may_have_changed(meetings=[instance.meeting_id])


def _of_panel(sender, instance, **kwargs):
    programme_may_have_changed(panels=[instance.panel_id])


def _of_segment(sender, instance, **kwargs):
    programme_may_have_changed(segments=[instance.segment_id])


def _person_saved(sender, instance, **kwargs):
    programme_may_have_changed(people=[instance.pk])


def _speakers_changed(sender, instance, action, pk_set, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, Segment):
            programme_may_have_changed(segments=[instance.pk])
        else:
            programme_may_have_changed(panels=[instance.panel_id])


def connect_receivers():
    """Listen to the saves and deletions of every model the public programme shows (called
    once, from ``PanelsConfig.ready``)."""
    uid = "panels.services.versions"
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid=f"{uid}.meeting")
    for model, receiver in (
        (Room, _of_meeting),
        (Panel, _of_meeting),
        (Panellist, _of_panel),
        (Segment, _of_panel),
        (SegmentSpeaker, _of_segment),
    ):
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    post_save.connect(_person_saved, sender=Person, dispatch_uid=f"{uid}.person")
    m2m_changed.connect(
        _speakers_changed, sender=Segment.speakers.through, dispatch_uid=f"{uid}.speakers"
    )
