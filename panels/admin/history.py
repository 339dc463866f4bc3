"""Each object's History page with values: every recorded change (``Model.history``,
django-simple-history) with when (the server's zone named), who (an officer, a panellist
through their personal link, an import, a command), and each field's value before and after;
an officer who may change the object puts it back as it was at any record
(``services.history.revert``). A session's and a meeting's page list the changes of the rows
edited on them too; an officer who may change the session or meeting puts its items, rooms and
concept-note sections back from there (``ROWS_PUT_BACK``), and its places from their own page.

simple-history's own ``SimpleHistoryAdmin`` is not used: its revert page saves the object's
whole admin form from the old record, which would pass by the stale-page check, the version
and the services that save each model. The admin's own log (``LogEntry``) is still written
and read (``stale.changes_since``); the page lists it below the values.
"""

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..services import history
from ..wording import prose_list, when_and_zone
from .history_entries import (
    RECORD_KINDS,
    ROWS_PUT_BACK,
    Change,
    Entry,
    TeamSight,
    changeable,
    entry_of,
    row_entries,
    row_label,
    row_models,
    row_put_back,
)

__all__ = ["Change", "Entry", "HistoryWithValuesMixin"]


class HistoryWithValuesMixin:
    """For the ``ModelAdmin`` of a model with a history (``HistoricalRecords``): its History
    page lists each recorded change with its values (``history_view``), and a POST to
    ``<pk>/history/<history_id>/revert/`` puts the object back as it was in that record
    (``revert_view``), for users who may change the object. For a session and a meeting, a
    POST to ``<pk>/history/rows/<model_name>/<history_id>/revert/`` puts a row of its page
    back (``revert_row_view``)."""

    object_history_template = "admin/panels/history_with_values.html"
    history_per_page = 50

    def get_urls(self):
        meta = self.model._meta
        urls = [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=f"{meta.app_label}_{meta.model_name}_revert",
            ),
        ]
        if self.model in ROWS_PUT_BACK:
            urls.append(
                path(
                    "<path:object_id>/history/rows/<str:model_name>/<int:history_id>/revert/",
                    self.admin_site.admin_view(self.revert_row_view),
                    name=f"{meta.app_label}_{meta.model_name}_revert_row",
                )
            )
        return [*urls, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        """The object's recorded changes, newest first, each with when, who and its values
        before and after; the changes of the rows of its page; the admin's log of it below."""
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
        sight = TeamSight(request.user)
        entries = self.history_entries(list(page.object_list), newest, may_revert, sight)
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
            "row_revert_url_name": f"admin:{meta.app_label}_{meta.model_name}_revert_row",
            "rows": row_entries(
                obj,
                self.history_per_page,
                changeable(request.user, row_models(obj)) if may_revert else (),
                sight,
            ),
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

    def history_entries(self, records, newest, may_revert, sight=None):
        """The ``Entry`` of each of ``records`` (newest first), its changes from the record
        before it (read for the oldest of the page); related objects ``sight`` hides are not
        named."""
        return [
            entry_of(
                self.model,
                record,
                records[index + 1] if index + 1 < len(records) else record.prev_record,
                revertible=may_revert
                and record.history_type != "-"
                and record.history_id != newest.history_id,
                sight=sight,
            )
            for index, record in enumerate(records)
        ]

    def object_to_change(self, request, object_id):
        """The object ``object_id`` names, for a put back: 404 when there is none, 403 when
        the user may not change it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def revert_view(self, request, object_id, history_id):
        """Put the object back as it was in the record ``history_id`` (POST only), then show
        its History page with what was done or why not. Needs the change permission of the
        object (403 without)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.object_to_change(request, object_id)
        record = get_object_or_404(
            self.model.history, **{self.model._meta.pk.attname: obj.pk, "history_id": history_id}
        )
        result = history.revert(record, request.user, newest_seen=posted_newest_seen(request))
        self.report_revert(request, record, result, lambda restored: capfirst(str(restored)))
        self.notify_after_revert(request, result)
        return self.history_redirect(obj)

    def revert_row_view(self, request, object_id, model_name, history_id):
        """Put a row of the object's page (``ROWS_PUT_BACK``: a session's item or
        concept-note section, a meeting's room or section) back as it was in its record
        ``history_id`` (POST only), then show the object's History page with what was done
        or why not. Needs the change permission of the object and of the row's model, as the
        object's page asks to change its rows (403 without); a record that is not of a row of
        this object, or of a row now on another object's page, is not found (404)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.object_to_change(request, object_id)
        found = row_put_back(obj, model_name)
        if found is None:
            raise Http404
        model, link = found
        if not changeable(request.user, [model]):
            raise PermissionDenied
        record = get_object_or_404(model.history, history_id=history_id, **{link: obj.pk})
        key = getattr(record, model._meta.pk.attname)
        if model._default_manager.filter(pk=key).exclude(**{link: obj.pk}).exists():
            # Putting it back would move a row of another page (perhaps another team's)
            # onto this one. A row deleted since is refused by ``revert``, in words.
            raise Http404
        result = history.revert(record, request.user, newest_seen=posted_newest_seen(request))
        self.report_revert(request, record, result, lambda row: row_label(model, str(row)))
        self.notify_after_revert(request, result)
        return self.history_redirect(obj)

    def notify_after_revert(self, request, result):
        """Once the put back is committed, send the panellists of the panels it may have
        cancelled, reinstated or re-timed (``result.panels``) the notices the object's page
        sends on saving, and report them as the page does
        (``EmailReportsMixin.notify_panellists_on_commit``; the notices are sent once
        however often the panel changes). Nothing for a ``ModelAdmin`` that sends no
        notices (a person's)."""
        notify = getattr(self, "notify_panellists_on_commit", None)
        if result.panels and notify is not None:
            notify(request, result.panels)

    def report_revert(self, request, record, result, name_of):
        """Tell the officer what putting back ``record`` did (``result``, a
        ``services.history.Reverted``), naming the object put back with ``name_of``."""
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
                % {"object": name_of(result.restored), "when": when},
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                gettext("%(object)s was put back as it was on %(when)s: %(fields)s.")
                % {
                    "object": name_of(result.restored),
                    "when": when,
                    "fields": prose_list([str(name) for name in result.fields]),
                },
                messages.SUCCESS,
            )

    def history_redirect(self, obj):
        """A redirect to ``obj``'s History page."""
        meta = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
        )


def posted_newest_seen(request):
    """The ``history_id`` of the newest record the History page showed, as its form posted
    it (``services.history.revert``'s ``newest_seen``)."""
    try:
        return int(request.POST.get("newest_seen", ""))
    except ValueError:
        # A page that does not say what it showed is taken as stale: refused in words.
        return 0
