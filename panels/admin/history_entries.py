"""What a History page shows of recorded changes (django-simple-history's records): each
record as an ``Entry`` with when, who and each field's value before and after (``entry_of``),
related objects outside the reader's teams not named (``TeamSight``), and the records of the
rows edited on a session's or a meeting's page (``row_entries``; which of them can be put
back from there, ``ROWS_PUT_BACK``). Used by ``history.HistoryWithValuesMixin``.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    ConceptNoteSection,
    Language,
    Meeting,
    Panel,
    Panellist,
    Person,
    Room,
    Segment,
    SegmentSpeaker,
)
from ..models.querysets import sees_every_meeting
from ..services import history
from ..wording import display_value, when_and_zone

LANGUAGE_NAMES = dict(Language.choices)
# What each kind of record is (simple-history's ``history_type``).
RECORD_KINDS = {"+": _("Added"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    """One field's change, in words: its label, its value before and after (quoted)."""

    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One record of an object's history as its History page lists it."""

    record: object
    when: str
    who: str
    kind: str
    reason: str
    changes: list = field(default_factory=list)
    revertible: bool = False


class TeamSight:
    """Which related objects ``user`` may read the names of on a History page: those of the
    meetings whose team they are on (every one for a superuser), and the people they may
    choose for a place (``PersonQuerySet.visible_to_team``). An old value may point to
    another team's meeting, session, room, place or item (a session moved between meetings
    by a superuser); its History page names it only as "(another team's session)".

    Each meeting, session and person is looked up once a page."""

    def __init__(self, user):
        self.user = user
        self.everything = sees_every_meeting(user)
        self._meetings = None
        self._panels = {}
        self._people = {}

    def hides(self, obj):
        """Whether ``obj`` (a related object, or a value that is not one) lies outside the
        meetings of the user's teams."""
        if self.everything:
            return False
        if isinstance(obj, Person):
            if obj.pk not in self._people:
                people = Person.objects.visible_to_team(self.user).filter(pk=obj.pk)
                self._people[obj.pk] = not people.exists()
            return self._people[obj.pk]
        meeting = self._meeting_of(obj)
        if meeting is None:
            return False
        if self._meetings is None:
            self._meetings = set(Meeting.objects.of_team(self.user).values_list("pk", flat=True))
        return meeting not in self._meetings

    def _meeting_of(self, obj):
        """The key of the meeting of ``obj``, or ``None`` for an object of no meeting."""
        if isinstance(obj, Meeting):
            return obj.pk
        if isinstance(obj, (Room, Panel)):
            return obj.meeting_id
        if isinstance(obj, ConceptNoteSection) and obj.meeting_id is not None:
            return obj.meeting_id
        if isinstance(obj, (Panellist, Segment, ConceptNoteSection)):
            if obj.panel_id not in self._panels:
                self._panels[obj.panel_id] = (
                    Panel.objects.filter(pk=obj.panel_id)
                    .values_list("meeting_id", flat=True)
                    .first()
                )
            return self._panels[obj.panel_id]
        if isinstance(obj, SegmentSpeaker):
            return self._meeting_of(obj.segment)
        return None


def shown(model, name, value, sight=None):
    """The value ``value`` of the field ``name`` of ``model`` as an officer reads it, quoted:
    a choice by its label, several choices by theirs, a related object by its name (or, one
    that ``sight``, a ``TeamSight``, hides, as "(another team's session)"), an empty value
    as "(blank)" (``wording.display_value``)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return display_value(value)
    if value in (None, "", [], ()):
        return display_value(None)
    if model_field.is_relation:
        if sight is not None and sight.hides(value):
            return gettext("(another team's %(kind)s)") % {
                "kind": model_field.related_model._meta.verbose_name
            }
        return display_value(str(value))
    if model_field.choices:
        labels = dict(model_field.flatchoices)
        return display_value(labels.get(value, value))
    if isinstance(value, list):
        # A list of languages (a meeting's interpretation), each by its name.
        return display_value(", ".join(str(LANGUAGE_NAMES.get(item, item)) for item in value))
    return display_value(value)


def changes_between(model, newer, older, sight=None):
    """The changes of the fields recorded from ``older`` to ``newer`` (historical records),
    each a ``Change``, in the model's order of the fields an officer edits
    (``history.tracked_fields``: each language of a translated field on its own); related
    objects ``sight`` hides are not named (``shown``). A language not given yet and one left
    empty are no change."""
    names = [
        model_field.name for model_field in history.tracked_fields(model) if model_field.editable
    ]
    delta = newer.diff_against(older, foreign_keys_are_objs=True, included_fields=names)
    found = {
        change.field: change
        for change in delta.changes
        if not (change.old in (None, "") and change.new in (None, ""))
    }
    return [
        Change(
            label=capfirst(model._meta.get_field(name).verbose_name),
            before=shown(model, name, found[name].old, sight),
            after=shown(model, name, found[name].new, sight),
        )
        for name in names
        if name in found
    ]


def values_of(model, record, sight=None):
    """Every recorded field of ``record`` with its value (for an addition, or a record
    without one before it), as ``Change`` rows with an empty ``before``; related objects
    ``sight`` hides are not named (``shown``)."""
    return [
        Change(
            label=capfirst(model_field.verbose_name),
            before="",
            after=shown(model, model_field.name, _recorded_value(record, model_field), sight),
        )
        for model_field in history.tracked_fields(model)
    ]


def _recorded_value(record, model_field):
    """The value of ``model_field`` in ``record``: a related object (or, deleted since, its
    key), or the value itself."""
    if not model_field.is_relation:
        return getattr(record, model_field.attname)
    try:
        return getattr(record, model_field.name)
    except ObjectDoesNotExist:
        return gettext("number %(key)s, deleted since") % {
            "key": getattr(record, model_field.attname)
        }


def row_histories(obj):
    """The histories of the rows edited on ``obj``'s page (a panel's places, items, their
    speakers and concept-note sections; a meeting's rooms and sections), as QuerySets of
    records, each row's records kept after it is deleted."""
    if isinstance(obj, Panel):
        items = Segment.history.filter(panel_id=obj.pk).values("id")
        return [
            Panellist.history.filter(panel_id=obj.pk),
            Segment.history.filter(panel_id=obj.pk),
            SegmentSpeaker.history.filter(segment_id__in=items),
            ConceptNoteSection.history.filter(panel_id=obj.pk),
        ]
    if isinstance(obj, Meeting):
        return [
            Room.history.filter(meeting_id=obj.pk),
            ConceptNoteSection.history.filter(meeting_id=obj.pk),
        ]
    return []


# The rows put back from the History page of the object whose page edits them
# (``HistoryWithValuesMixin.revert_row_view``): for each model of such objects, the attname of
# the rows' key to it and the models of those rows. A place has a History page of its own,
# where it is put back (its rows link there); an item's speakers are not put back.
ROWS_PUT_BACK = {
    Panel: ("panel_id", (Segment, ConceptNoteSection)),
    Meeting: ("meeting_id", (Room, ConceptNoteSection)),
}


def row_put_back(obj, model_name):
    """The model named ``model_name`` (``_meta.model_name``) of the rows put back from
    ``obj``'s History page, and the attname of their key to ``obj``; ``None`` for any
    other."""
    link, models = ROWS_PUT_BACK.get(type(obj), ("", ()))
    for model in models:
        if model._meta.model_name == model_name:
            return model, link
    return None


def row_models(obj):
    """The models of the rows of ``obj``'s page that can be put back: from ``obj``'s History
    page (``ROWS_PUT_BACK``), and a session's places from their own."""
    models = ROWS_PUT_BACK.get(type(obj), ("", ()))[1]
    return (*models, Panellist) if isinstance(obj, Panel) else models


def changeable(user, models):
    """Those of ``models`` whose objects ``user`` may change: the model's change permission,
    which a page's rows (its inlines) ask for."""
    return tuple(
        model
        for model in models
        if user.has_perm(
            f"{model._meta.app_label}.{get_permission_codename('change', model._meta)}"
        )
    )


def row_label(model, row):
    """A row named ``row`` of ``model``, as the History page names it: "Item “Opening”"."""
    return gettext("%(kind)s “%(row)s”") % {"kind": capfirst(model._meta.verbose_name), "row": row}


@dataclass
class RowEntry:
    """One record of a row of an object's page (``row_histories``): which row, and its
    ``Entry``; when it can be put back (``entry.revertible``), either from the object's page
    (``model_name`` names the row's model in the address, ``newest_seen`` is the
    ``history_id`` of the row's newest record, for the stale-page refusal) or from the row's
    own History page (``history_url``, a place's)."""

    row: str
    entry: Entry
    model_name: str = ""
    newest_seen: int | None = None
    history_url: str = ""


def row_entries(obj, limit, revertible_models=(), sight=None):
    """The newest ``limit`` records of the rows of ``obj``'s page, newest first, each a
    ``RowEntry`` with its changes from the row's record before it. A record of a row of
    ``revertible_models`` (those of ``row_models`` the user may put back; none when they may
    not change ``obj``) can be put back when it is neither its row's newest nor a deletion,
    and its row is still on ``obj``'s page: an item, a room or a concept-note section from
    ``obj``'s page, a place from its own. Related objects ``sight`` hides are not named."""
    records = sorted(
        (
            record
            for records in row_histories(obj)
            for record in records.select_related("history_user")[:limit]
        ),
        key=lambda record: (record.history_date, record.history_id),
        reverse=True,
    )[:limit]
    on_page = _rows_on_page(obj, records, revertible_models)
    newest = {}
    found = []
    for record in records:
        model = record.instance_type
        key = getattr(record, model._meta.pk.attname)
        # Records are newest first, and each query above takes a model's newest: the first
        # record of a row still on the page is its newest.
        newest.setdefault((model, key), record.history_id)
        try:
            row = str(record.instance)
        except ObjectDoesNotExist:
            row = str(capfirst(model._meta.verbose_name))
        revertible = (
            key in on_page.get(model, ())
            and record.history_type != "-"
            and record.history_id != newest[(model, key)]
        )
        found.append(
            RowEntry(
                row=row_label(model, row),
                entry=entry_of(
                    model, record, record.prev_record, revertible=revertible, sight=sight
                ),
                model_name=model._meta.model_name,
                newest_seen=newest[(model, key)],
                history_url=(
                    reverse("admin:panels_panellist_history", args=[key])
                    if revertible and model is Panellist
                    else ""
                ),
            )
        )
    return found


def _rows_on_page(obj, records, models):
    """The keys of the rows of ``records`` of ``models`` that are on ``obj``'s page now, by
    model: one query a model."""
    link = ROWS_PUT_BACK.get(type(obj), ("", ()))[0]
    keys = {}
    for record in records:
        if record.instance_type in models:
            model = record.instance_type
            keys.setdefault(model, set()).add(getattr(record, model._meta.pk.attname))
    return {
        model: set(
            model._default_manager.filter(pk__in=wanted, **{link: obj.pk}).values_list(
                "pk", flat=True
            )
        )
        for model, wanted in keys.items()
    }


def entry_of(model, record, older, revertible=False, sight=None):
    """The ``Entry`` of ``record`` of ``model``, its changes from ``older`` (the record
    before it, or ``None``); related objects ``sight`` (a ``TeamSight``) hides are not
    named."""
    if record.history_type == "~" and older is not None:
        changes = changes_between(model, record, older, sight)
    elif record.history_type == "-":
        changes = []
    else:
        changes = values_of(model, record, sight)
    return Entry(
        record=record,
        when=when_and_zone(record.history_date),
        who=history.actor_text(record),
        kind=RECORD_KINDS.get(record.history_type, ""),
        reason=history.reason_text(record),
        changes=changes,
        revertible=revertible,
    )
