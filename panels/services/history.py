"""The history of changes: the admin's log (``LogEntry``) and each model's own history with
values (django-simple-history, ``Model.history``), with who made each change and how an
officer puts a record back as it was (``revert``).

The admin's log:

The admin records what its own pages save; an operation run from an action, a command or an
import records its change here, in the same form, so that the object's history page and the
stale-page refusal (``admin.stale.changes_since``) list it. Messages are stored untranslated,
as the admin stores them, and translated when read.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from ..models import (
    ConceptNoteSection,
    Meeting,
    Panel,
    Panellist,
    Person,
    Room,
    Segment,
    SegmentSpeaker,
)
from ..models.history import ACTOR, Actor, ActorKind
from ..models.querysets import in_team_of, sees_every_meeting
from ..wording import when_and_zone
from .locking import bump_meeting_versions, bump_panel_versions, lock_panels
from .panellists import save_panellist
from .panels import save_meeting, save_panel, save_room

# The change reason of the records made when history began (migration 0015), for rows that
# were there already; kept as it is there.
HISTORY_BEGAN = "As found when history began"
# The change reason of a record put back by ``revert``: this, then when the record put back
# was made (ISO 8601), read back by ``reason_text``.
REVERTED = "reverted:"


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


# Who made a change, in each model's own history (django-simple-history) ---------------------


@contextmanager
def recording(kind, name=""):
    """Within the block, every change recorded in a model's history is marked as made by an
    actor of ``kind`` (an ``ActorKind``) named ``name`` ("" when the signed-in user names it).

    ``with recording(ActorKind.LINK, panellist.display_name):`` around an answer through a
    personal link; ``ActorKind.IMPORT`` around an import (the officer running it is the
    record's user); ``ActorKind.COMMAND`` with the command's name. Blocks nest: the inner
    actor is in force inside it.
    """
    token = ACTOR.set(Actor(kind=kind, name=name))
    try:
        yield
    finally:
        ACTOR.reset(token)


def through_link(panellist):
    """``recording`` of changes a panellist makes through their personal link."""
    return recording(ActorKind.LINK, panellist.display_name)


def by_command(name):
    """``recording`` of changes made by the management command ``name``."""
    return recording(ActorKind.COMMAND, name)


def actor_text(record):
    """Who made the change of ``record`` (a historical record), in words: "Amina Diallo"
    (an officer: the user's full name, else their user name), "Amina Diallo through their
    personal link", "import by Amina Diallo", "command send_reminders", "recorded when
    history began"."""
    user = record.history_user
    officer = (user.get_full_name() or user.get_username()) if user is not None else ""
    kind = record.history_actor
    if kind == ActorKind.LINK:
        return gettext("%(name)s through their personal link") % {
            "name": record.history_actor_name
        }
    if kind == ActorKind.IMPORT:
        if officer:
            return gettext("import by %(officer)s") % {"officer": officer}
        return gettext("import")
    if kind == ActorKind.COMMAND:
        return gettext("command %(name)s") % {"name": record.history_actor_name}
    if officer:
        return officer
    if record.history_change_reason == HISTORY_BEGAN:
        return gettext("recorded when history began")
    return gettext("someone without an account (a script or the shell)")


def reason_text(record):
    """Why the change of ``record`` was made, in words ("" when no reason was recorded): "Put
    back as it was on Dec. 7, 2026, 14:03 (UTC)"."""
    reason = record.history_change_reason or ""
    if reason.startswith(REVERTED):
        try:
            moment = datetime.fromisoformat(reason.removeprefix(REVERTED))
        except ValueError:
            return reason
        return gettext("Put back as it was on %(when)s") % {"when": when_and_zone(moment)}
    if reason == HISTORY_BEGAN:
        return gettext("As found when history began")
    return reason


# Putting a record back as it was -----------------------------------------------------------


@dataclass(frozen=True)
class Reverted:
    """What ``revert`` did: ``restored``, the object as saved now (``None`` when refused);
    ``fields``, the verbose names of the fields put back (empty when they already had the
    record's values); ``refused``, sentences saying why nothing was put back; ``panels``, the
    keys of the panels whose times, status or places the change may have changed (empty when
    nothing changed), whose panellists are owed the notices a page's save sends."""

    restored: object = None
    fields: tuple = ()
    refused: tuple = ()
    panels: tuple = ()


def tracked_fields(model):
    """The fields of ``model`` its history records (its own concrete fields but its key and
    those excluded from its history), in the model's order.

    A translated field (``panels/translation.py``) is recorded as its languages' columns
    ("title_en", "title_fr", …), each shown and put back on its own; never as the field itself
    ("title"), whose value follows the language of the officer's page and falls back to
    English, so that reading or writing it would show or put a fallback in another language's
    column."""
    recorded = {field.attname for field in model.history.model.tracked_fields}
    translated = {
        field.translated_field.attname
        for field in model._meta.concrete_fields
        if hasattr(field, "translated_field")
    }
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.attname not in translated
        and (
            field.attname in recorded
            or getattr(getattr(field, "translated_field", None), "attname", None) in recorded
        )
    ]


def _panel_keys(model, key, values):
    """The keys of the panels whose rows putting back a record of ``model`` (the object
    ``key``, the record's ``values`` by attname) touches: the panel itself; for a row of a
    panel, the panel it is on now and the one it was on in the record; none for a meeting, a
    person, a room or a meeting's own concept-note section."""
    if model is Panel:
        return [key]
    rows = model._default_manager.filter(pk=key)
    if model is SegmentSpeaker:
        segments = {values["segment_id"], *rows.values_list("segment_id", flat=True)}
        return list(Segment.objects.filter(pk__in=segments).values_list("panel_id", flat=True))
    if "panel_id" in values:
        panels = {values["panel_id"], *rows.values_list("panel_id", flat=True)}
        return [panel for panel in panels if panel is not None]
    return []


def _missing_relations(model, values):
    """Sentences naming each object the record points to that has been deleted since."""
    missing = []
    for field in tracked_fields(model):
        if not field.is_relation or values[field.attname] is None:
            continue
        target = field.related_model
        if not target._default_manager.filter(pk=values[field.attname]).exists():
            missing.append(
                gettext(
                    "Its %(relation)s (number %(key)s) has been deleted since, so it cannot be "
                    "put back as it was."
                )
                % {"relation": field.verbose_name, "key": values[field.attname]}
            )
    return missing


# The lookup from each model a record's foreign keys point to, to the key of the meeting it
# belongs to (``querysets.in_team_of``). People are shared by every meeting: see
# ``_outside_teams``.
MEETING_OF = {
    Meeting: "pk",
    Room: "meeting",
    Panel: "meeting",
    Panellist: "panel__meeting",
    Segment: "panel__meeting",
}


def _outside_teams(model, values, current, actor):
    """Sentences naming each object that ``values`` (a record of ``model``, by attname) would
    point ``current`` to anew and that lies outside the meetings of ``actor``'s teams: a
    meeting, or a room, session, place or item of a meeting whose team ``actor`` is not on; a
    person ``actor`` may not choose for a place (``PersonQuerySet.visible_to_team``). Putting
    such a record back would write into another team's meeting (README, "Meeting teams").
    None for a superuser, who is on every team, or for no actor."""
    if actor is None or sees_every_meeting(actor):
        return []
    outside = []
    for field in tracked_fields(model):
        key = values[field.attname]
        if not field.is_relation or key is None or key == getattr(current, field.attname):
            continue
        target = field.related_model
        if target is Person:
            allowed = Person.objects.visible_to_team(actor)
        elif target in MEETING_OF:
            allowed = target._default_manager.filter(in_team_of(actor, MEETING_OF[target]))
        else:
            continue
        if allowed.filter(pk=key).exists():
            continue
        if target is Meeting:
            refusal = gettext(
                "Its %(relation)s then is a meeting whose team you are not on, so it cannot be "
                "put back as it was."
            )
        elif target is Person:
            refusal = gettext(
                "Its %(relation)s then has a place only in meetings whose teams you are not "
                "on, so it cannot be put back as it was."
            )
        else:
            refusal = gettext(
                "Its %(relation)s then belongs to a meeting whose team you are not on, so it "
                "cannot be put back as it was."
            )
        outside.append(refusal % {"relation": field.verbose_name})
    return outside


def _notified_panels(model, current, panels):
    """The keys of the panels whose panellists may be owed a notice after ``current`` (an
    object of ``model``) was put back: ``panels`` (those whose rows it touched), and for a
    meeting or a room every session of its meeting, as the meeting's page notifies them."""
    if model is Meeting:
        return tuple(Panel.objects.filter(meeting=current).values_list("pk", flat=True))
    if model is Room:
        return tuple(
            Panel.objects.filter(meeting_id=current.meeting_id).values_list("pk", flat=True)
        )
    if model is ConceptNoteSection or model is Person:
        return ()
    return tuple(panels)


def _save(model, obj):
    """Save ``obj`` as its admin page does: panels, meetings and rooms through their services
    (a calendar entry revised when its time or place changed), a place through
    ``save_panellist`` (a place handed back to another person starts afresh)."""
    if model is Panel:
        save_panel(obj)
    elif model is Meeting:
        save_meeting(obj)
    elif model is Room:
        save_room(obj)
    elif model is Panellist:
        save_panellist(obj, raise_versions=False)
    else:
        obj.save()


def revert(record, actor, *, newest_seen=None):
    """Put the object of ``record`` (a historical record of a model with a history) back as
    it was in that record, as ``actor`` (the officer, a user), and return ``Reverted``.

    Only the recorded fields are put back (not the version, a panel's calendar bookkeeping
    or a personal link); the object is saved over its current version, its row locked (a
    panel's rows: the panels first, as ``locking`` orders, their versions raised), through the
    service that saves it from its page, and the change is recorded in its history ("Put
    back as it was on …") and in the admin's log. ``newest_seen`` is the ``history_id`` of
    the newest record the officer saw when choosing: when the object was changed since,
    nothing is put back. Refused, in words, too: a record of a deletion, an
    object deleted since, one whose related object (its meeting, its person…) was deleted
    since, one that would point it into a meeting whose team ``actor`` is not on (a session's
    old meeting, a place's old session…), and values that now break a rule (``full_clean``,
    e.g. a second moderator). The notices owed to panellists are not sent here: the caller
    sends them for ``Reverted.panels`` once the change is committed, as the pages do.
    """
    model = record.instance_type
    values = {field.attname: getattr(record, field.attname) for field in tracked_fields(model)}
    key = record.instance.pk
    with transaction.atomic():
        panels = _panel_keys(model, key, values)
        lock_panels(panels)
        current = model._default_manager.select_for_update().filter(pk=key).first()
        newest = model.history.filter(**{model._meta.pk.attname: key}).latest()
        if record.history_type == "-":
            return Reverted(
                refused=(gettext("This record is the deletion; choose one before it."),)
            )
        if current is None:
            return Reverted(
                refused=(gettext("It has been deleted since, so it cannot be put back."),)
            )
        if newest_seen is not None and newest.history_id != newest_seen:
            return Reverted(
                refused=(
                    gettext(
                        "It was changed after you opened its history (%(when)s, by %(who)s). "
                        "Open its history again to see the change, then choose again."
                    )
                    % {"when": when_and_zone(newest.history_date), "who": actor_text(newest)},
                )
            )
        missing = _missing_relations(model, values)
        if missing:
            return Reverted(refused=tuple(missing))
        outside = _outside_teams(model, values, current, actor)
        if outside:
            return Reverted(refused=tuple(outside))
        changed = [
            field
            for field in tracked_fields(model)
            if getattr(current, field.attname) != values[field.attname]
        ]
        if not changed:
            return Reverted(restored=current)
        for field in changed:
            setattr(current, field.attname, values[field.attname])
        try:
            current.full_clean()
        except ValidationError as error:
            return Reverted(refused=tuple(error.messages))
        current._change_reason = f"{REVERTED}{record.history_date.isoformat()}"
        current._history_user = actor
        with recording(ActorKind.OFFICER):
            _save(model, current)
        if model is not Panel:
            # Open pages of the panels whose rows changed refuse to save over the change.
            bump_panel_versions(panels)
        if model is Room or (model is ConceptNoteSection and current.meeting_id):
            # And so does an open page of the meeting whose row changed.
            bump_meeting_versions([current.meeting_id])
        log_changed_fields(actor, [current], model, *(field.name for field in changed))
    return Reverted(
        restored=current,
        fields=tuple(str(field.verbose_name) for field in changed),
        panels=_notified_panels(model, current, panels),
    )


revert.alters_data = True
