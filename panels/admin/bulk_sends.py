"""Bulk sends in the admin: the progress of invitations and reminders sent by the task queue,
and the list of those sent before.

A bulk send's page shows what it has sent, failed to send (each with the address and the
reason) and has left, and updates itself while it runs: ``static/admin/panels/
bulk_send_progress.js`` asks the page's ``progress/`` address (JSON, ``progress_view``) every
few seconds and rewrites the counts, a polite live region saying how far it has got. Without
scripts the page shows the counts when it was loaded. Nobody adds, changes or deletes a bulk
send here: ``services.start_bulk_sends`` makes them (the invitation and reminder actions).

Whoever may see panellists sees the bulk sends of the meetings on their team.
"""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import BulkSend
from ..models.bulk_sends import FAILED_STATES
from ..models.querysets import in_team_of
from ..wording import when_and_zone

# How often, in milliseconds, an open progress page asks for the counts.
POLL_INTERVAL_MS = 2000


# A bulk send that has sent nothing for this long is said to be stalled on its page.
STALLED_AFTER = timedelta(minutes=5)


def progress_summary(bulk_send, progress, *, now=None):
    """How far ``bulk_send`` has got, for its page's live region: one sentence, and a second
    when it is not finished and no email has gone out for ``STALLED_AFTER`` (the task
    queue's worker stopped: a worker that starts goes on with it). ``now``: an aware
    datetime (default: now)."""
    summary = _how_far(bulk_send, progress)
    if progress.finished:
        return summary
    idle = (now or timezone.now()) - bulk_send.last_activity()
    if idle < STALLED_AFTER:
        return summary
    minutes = int(idle.total_seconds() // 60)
    stalled = ngettext(
        "No email has gone out for %(minutes)d minute: the task queue's worker may be "
        "stopped. Ask whoever runs the site to start it; the emails left go out then, and "
        "nobody is sent two.",
        "No email has gone out for %(minutes)d minutes: the task queue's worker may be "
        "stopped. Ask whoever runs the site to start it; the emails left go out then, and "
        "nobody is sent two.",
        minutes,
    ) % {"minutes": minutes}
    return f"{summary} {stalled}"


def _how_far(bulk_send, progress):
    if progress.finished:
        if bulk_send.kind == BulkSend.Kind.REMINDER:
            text = ngettext(
                "Finished: %(sent)d of %(total)d reminder sent.",
                "Finished: %(sent)d of %(total)d reminders sent.",
                progress.total,
            )
        else:
            text = ngettext(
                "Finished: %(sent)d of %(total)d invitation sent.",
                "Finished: %(sent)d of %(total)d invitations sent.",
                progress.total,
            )
    else:
        text = ngettext(
            "Sending: %(done)d of %(total)d email done, %(remaining)d to go.",
            "Sending: %(done)d of %(total)d emails done, %(remaining)d to go.",
            progress.total,
        )
    return text % {
        "sent": progress.sent,
        "total": progress.total,
        "done": progress.total - progress.remaining,
        "remaining": progress.remaining,
    }


def failures(bulk_send):
    """The emails of ``bulk_send`` not sent, in its order: dicts of ``name``, ``panel`` (its
    title), ``address`` and ``reason``, as plain text."""
    rows = (
        bulk_send.recipients.filter(state__in=FAILED_STATES)
        .select_related("panellist__person", "panellist__panel")
        .order_by("position", "pk")
    )
    return [
        {
            "name": row.panellist.display_name,
            "panel": str(row.panellist.panel),
            "address": row.address or row.panellist.email,
            "reason": row.error,
        }
        for row in rows
    ]


@admin.register(BulkSend)
class BulkSendAdmin(admin.ModelAdmin):
    """Bulk sends, newest first; a bulk send's page is its progress (see the module)."""

    list_display = [
        "requested",
        "meeting",
        "kind",
        "requested_by",
        "sent",
        "failed",
        "skipped",
        "remaining",
    ]
    list_display_links = ["requested"]
    list_filter = [("meeting", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["meeting", "requested_by"]
    progress_template = "admin/panels/bulksend/progress.html"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).with_counts().filter(in_team_of(request.user, "meeting"))
        )

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("panels.view_panellist") or user.has_perm("panels.change_panellist")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("requested at"), ordering="created_at")
    def requested(self, bulk_send):
        return when_and_zone(bulk_send.created_at)

    @admin.display(description=gettext_lazy("sent"), ordering="sent_count")
    def sent(self, bulk_send):
        return bulk_send.sent_count

    @admin.display(description=gettext_lazy("not sent"), ordering="failed_count")
    def failed(self, bulk_send):
        return bulk_send.failed_count

    @admin.display(description=gettext_lazy("not due"), ordering="skipped_count")
    def skipped(self, bulk_send):
        return bulk_send.skipped_count

    @admin.display(description=gettext_lazy("remaining"), ordering="remaining_count")
    def remaining(self, bulk_send):
        return bulk_send.remaining_count

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name=f"{name}_progress",
            ),
            *super().get_urls(),
        ]

    def _bulk_send(self, request, object_id):
        """The bulk send ``object_id`` if the user may see it; else 404 (403 without the
        permission at all)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        bulk_send = self.get_object(request, object_id)
        if bulk_send is None:
            raise Http404(_("There is no such bulk send, or it is not your team's."))
        return bulk_send

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The bulk send's progress: counts, the emails not sent, and a summary that the
        page's script keeps up to date while it runs."""
        bulk_send = self._bulk_send(request, object_id)
        progress = bulk_send.progress()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(bulk_send),
            "subtitle": None,
            "bulk_send": bulk_send,
            "requested_at": when_and_zone(bulk_send.created_at),
            "finished_at": bulk_send.finished_at and when_and_zone(bulk_send.finished_at),
            "progress": progress,
            "summary": progress_summary(bulk_send, progress),
            "failures": failures(bulk_send),
            "progress_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_progress",
                args=[bulk_send.pk],
            ),
            "poll_interval": POLL_INTERVAL_MS,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.progress_template, context)

    def progress_view(self, request, object_id):
        """The bulk send's progress as JSON: ``sent``, ``failed``, ``skipped``,
        ``remaining``, ``total`` (numbers of emails), ``finished`` (true when nothing is
        left), ``summary`` (the live region's sentence) and ``failures`` (as ``failures``).
        Never cached (``admin_view`` marks it so)."""
        bulk_send = self._bulk_send(request, object_id)
        progress = bulk_send.progress()
        return JsonResponse(
            {
                "sent": progress.sent,
                "failed": progress.failed,
                "skipped": progress.skipped,
                "remaining": progress.remaining,
                "total": progress.total,
                "finished": progress.finished,
                "summary": progress_summary(bulk_send, progress),
                "failures": failures(bulk_send),
            }
        )
