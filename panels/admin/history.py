"""Each object's History page with values: every recorded change (``Model.history``,
django-simple-history) with when (the server's zone named), who (an officer, a panellist
through their personal link, an import, a command), and each field's value before and after;
an officer who may change the object puts it back as it was at any record
(``services.history.revert``).

simple-history's own ``SimpleHistoryAdmin`` is not used: its revert page saves the object's
whole admin form from the old record, which would pass by the stale-page check, the version
and the services that save each model. The admin's own log (``LogEntry``) is still written
and read (``stale.changes_since``); the page lists it below the values.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import (
    ConceptNoteSection,
    Language,
    Meeting,
    Panel,
    Panellist,
    Room,
    Segment,
    SegmentSpeaker,
)
from ..services import history
from ..wording import display_value, prose_list, when_and_zone

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


def shown(model, name, value):
    """The value ``value`` of the field ``name`` of ``model`` as an officer reads it, quoted:
    a choice by its label, several choices by theirs, a related object by its name, an
    empty value as "(blank)" (``wording.display_value``)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return display_value(value)
    if value in (None, "", [], ()):
        return display_value(None)
    if model_field.is_relation:
        return display_value(str(value))
    if model_field.choices:
        labels = dict(model_field.flatchoices)
        return display_value(labels.get(value, value))
    if isinstance(value, list):
        # A list of languages (a meeting's interpretation), each by its name.
        return display_value(", ".join(str(LANGUAGE_NAMES.get(item, item)) for item in value))
    return display_value(value)


def changes_between(model, newer, older):
    """The changes of the fields recorded from ``older`` to ``newer`` (historical records),
    each a ``Change``, in the model's order of fields."""
    delta = newer.diff_against(older, foreign_keys_are_objs=True)
    order = [model_field.name for model_field in model._meta.concrete_fields]
    found = {change.field: change for change in delta.changes}
    return [
        Change(
            label=capfirst(model._meta.get_field(name).verbose_name),
            before=shown(model, name, found[name].old),
            after=shown(model, name, found[name].new),
        )
        for name in order
        if name in found
    ]


def values_of(model, record):
    """Every recorded field of ``record`` with its value (for an addition, or a record
    without one before it), as ``Change`` rows with an empty ``before``."""
    return [
        Change(
            label=capfirst(model_field.verbose_name),
            before="",
            after=shown(model, model_field.name, _recorded_value(record, model_field)),
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


@dataclass
class RowEntry:
    """One record of a row of an object's page (``row_histories``): which row, and its
    ``Entry``."""

    row: str
    entry: Entry


def row_entries(obj, limit):
    """The newest ``limit`` records of the rows of ``obj``'s page, newest first, each a
    ``RowEntry`` with its changes from the row's record before it."""
    records = sorted(
        (
            record
            for records in row_histories(obj)
            for record in records.select_related("history_user")[:limit]
        ),
        key=lambda record: (record.history_date, record.history_id),
        reverse=True,
    )[:limit]
    found = []
    for record in records:
        model = record.instance_type
        try:
            row = str(record.instance)
        except ObjectDoesNotExist:
            row = str(capfirst(model._meta.verbose_name))
        found.append(
            RowEntry(
                row=gettext("%(kind)s “%(row)s”")
                % {"kind": capfirst(model._meta.verbose_name), "row": row},
                entry=entry_of(model, record, record.prev_record),
            )
        )
    return found


def entry_of(model, record, older, revertible=False):
    """The ``Entry`` of ``record`` of ``model``, its changes from ``older`` (the record
    before it, or ``None``)."""
    if record.history_type == "~" and older is not None:
        changes = changes_between(model, record, older)
    elif record.history_type == "-":
        changes = []
    else:
        changes = values_of(model, record)
    return Entry(
        record=record,
        when=when_and_zone(record.history_date),
        who=history.actor_text(record),
        kind=RECORD_KINDS.get(record.history_type, ""),
        reason=history.reason_text(record),
        changes=changes,
        revertible=revertible,
    )


class HistoryWithValuesMixin:
    """For the ``ModelAdmin`` of a model with a history (``HistoricalRecords``): its History
    page lists each recorded change with its values (``history_view``), and a POST to
    ``<pk>/history/<history_id>/revert/`` puts the object back as it was in that record
    (``revert_view``), for users who may change the object."""

    object_history_template = "admin/panels/history_with_values.html"
    history_per_page = 50

    def get_urls(self):
        meta = self.model._meta
        return [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{meta.app_label}_{meta.model_name}_revert",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """The object's recorded changes, newest first, each with when, who and its values
        before and after; the admin's log of it below."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        records = self.model.history.filter(
            **{self.model._meta.pk.attname: obj.pk}
        ).select_related("history_user")
        newest = records.first()
        page = Paginator(records, self.history_per_page).get_page(request.GET.get("p"))
        may_revert = self.has_change_permission(request, obj)
        entries = self.history_entries(list(page.object_list), newest, may_revert)
        content_type = ContentType.objects.get_for_model(self.model)
        log = (
            LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
            .select_related("user")
            .order_by("-action_time", "-pk")[: self.history_per_page]
        )
        meta = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": meta,
            "module_name": capfirst(meta.verbose_name_plural),
            "entries": entries,
            "page_obj": page,
            "newest_seen": newest.history_id if newest is not None else "",
            "revert_url_name": f"admin:{meta.app_label}_{meta.model_name}_revert",
            "rows": row_entries(obj, self.history_per_page),
            "log": [
                {
                    "when": when_and_zone(entry.action_time),
                    "who": entry.user.get_full_name() or entry.user.get_username(),
                    "what": entry.get_change_message() or RECORD_KINDS["+"],
                }
                for entry in log
            ],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_entries(self, records, newest, may_revert):
        """The ``Entry`` of each of ``records`` (newest first), its changes from the record
        before it (read for the oldest of the page)."""
        return [
            entry_of(
                self.model,
                record,
                records[index + 1] if index + 1 < len(records) else record.prev_record,
                revertible=may_revert
                and record.history_type != "-"
                and record.history_id != newest.history_id,
            )
            for index, record in enumerate(records)
        ]

    def revert_view(self, request, object_id, history_id):
        """Put the object back as it was in the record ``history_id`` (POST only), then show
        its History page with what was done or why not. Needs the change permission of the
        object (403 without)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(
            self.model.history, **{self.model._meta.pk.attname: obj.pk, "history_id": history_id}
        )
        try:
            newest_seen = int(request.POST.get("newest_seen", ""))
        except ValueError:
            # A page that does not say what it showed is taken as stale: refused in words.
            newest_seen = 0
        result = history.revert(record, request.user, newest_seen=newest_seen)
        when = when_and_zone(record.history_date)
        if result.refused:
            self.message_user(
                request,
                " ".join(
                    [
                        gettext("Nothing was put back as it was on %(when)s.") % {"when": when},
                        *result.refused,
                    ]
                ),
                messages.ERROR,
            )
        elif not result.fields:
            self.message_user(
                request,
                gettext("%(object)s is already as it was on %(when)s; nothing changed.")
                % {"object": capfirst(str(obj)), "when": when},
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                gettext("%(object)s was put back as it was on %(when)s: %(fields)s.")
                % {
                    "object": capfirst(str(result.restored)),
                    "when": when,
                    "fields": prose_list([str(name) for name in result.fields]),
                },
                messages.SUCCESS,
            )
        meta = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
        )
