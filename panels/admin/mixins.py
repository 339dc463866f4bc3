"""What the admin's classes share: times with their zone, refusing clashing saves, and
reporting the emails the services sent."""

import logging
from functools import partial

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AdminTextareaWidget,
    AdminTextInputWidget,
    AdminTimeWidget,
)
from django.db import IntegrityError, OperationalError, models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..forms import CONTENT_DIRECTION, MultiLineField
from ..models import BulkSend, BulkSendRecipient, RecipientState
from ..wording import quoted, when_and_zone
from .keys import CheckedKeysMixin
from .stale import STALE_WORDING
from .teams import TeamChoicesMixin

logger = logging.getLogger(__name__)

# Text typed in any language (a title, a name, a room, a note) takes the direction of its first
# letter as it is typed (forms.CONTENT_DIRECTION); other kinds of field keep their inputs.
CONTENT_INPUTS = {
    models.CharField: {"widget": AdminTextInputWidget(attrs=CONTENT_DIRECTION)},
    models.TextField: {"widget": AdminTextareaWidget(attrs=CONTENT_DIRECTION)},
}

# How the admin's forms show and read dates, times and addresses: times of day as the programme
# writes them ("15:00"), without seconds; errors that show the form expected (the site's input
# formats are in meeting/formats); addresses typed without a scheme ("webtv.un.org/…") taken
# as https; text in the direction it is typed (CONTENT_INPUTS).
FIELD_FORMATS = {
    models.TimeField: {
        "widget": AdminTimeWidget(format="%H:%M"),
        "error_messages": {"invalid": _("Enter the time as hours and minutes, e.g. 09:30.")},
    },
    models.DateField: {
        "widget": AdminDateWidget,
        "error_messages": {"invalid": _("Enter the date as year-month-day, e.g. 2026-06-10.")},
    },
    models.URLField: {"assume_scheme": "https"},
    models.CharField: CONTENT_INPUTS[models.CharField],
    # Line breaks kept as LF: a text sent back unchanged by a browser (as CR LF) is no change.
    models.TextField: {"form_class": MultiLineField, **CONTENT_INPUTS[models.TextField]},
}

# CSV files are written in UTF-8 with a byte order mark: without it, Excel reads them in the
# computer's legacy code page and garbles every name outside it.
CSV_ENCODING = "utf-8-sig"


def running_order_total(panel):
    """The running order's total against the slot ("85 of 90 minutes"), or None.

    None for an unsaved panel and for a meeting whose time zone is not valid (the slot's
    length cannot be computed). Uses ``planned_minutes`` when the panel was annotated.
    """
    if panel.pk is None or not panel.meeting.has_valid_time_zone():
        return None
    return panel.slot_usage_text()


class AnsweredAtMixin:
    """A read-only "answered at" column showing ``responded_at`` with its time zone."""

    @admin.display(description=_("answered at"), ordering="responded_at")
    def answered_at(self, panellist):
        """When the panellist answered, in the server's zone, named ("…, 09:43 (UTC)")."""
        if panellist.responded_at is None:
            return self.get_empty_value_display()
        return when_and_zone(panellist.responded_at)


class RefuseClashingSaveMixin:
    """Turn a save that the database refuses into a message, with nothing saved.

    The formsets check the rules between rows, but rows are saved one at a time, and another
    editor may have saved a clashing row meanwhile (two moderators, or one person twice). The
    admin saves a page in one transaction, so when the database refuses a row, the whole save
    is rolled back and the officer is sent back to the page with a message instead of an
    error page. The same holds when the version of a panel, a meeting or a person changed
    between checking the page and saving it (``RecordModifiedError``; the forms' own check,
    ``stale.StaleSaveRefusalMixin``, normally refuses such a save): the message names the
    kind of record that was (``stale.STALE_WORDING``).
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError as error:
            wording = STALE_WORDING[error.target._meta.model]
            self.message_user(request, wording.clashed, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except IntegrityError:
            self.message_user(
                request,
                _(
                    "Nothing was saved: the changes clash with each other or with a change "
                    "someone else has just saved (a panel has one moderator, and each person "
                    "has one place on it). The page now shows what is saved; make the change "
                    "again, one row at a time if you are swapping people between rows."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        except OperationalError as error:
            if not is_contention(error):
                raise
            self.message_user(request, CONTENTION_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except OperationalError as error:
            if not is_contention(error):
                raise
            self.message_user(request, CONTENTION_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


CONTENTION_MESSAGE = _(
    "Nothing was saved: other changes to the same panels were being saved at the same moment. "
    "The page now shows what is saved; please do it again."
)


def is_contention(error):
    """Whether a database ``OperationalError`` comes from saves that collided: a PostgreSQL
    deadlock or serialisation failure (SQLSTATE 40P01, 40001), or SQLite's lock timeout."""
    cause = error.__cause__
    return getattr(cause, "pgcode", None) in {"40P01", "40001"} or "database is locked" in str(
        error
    )


class EmailReportsMixin:
    """Email panellists from the admin and say in its messages what became of each email.

    Invitations and reminders are bulk sends (``services.start_bulk_sends``), sent by the task
    queue while their progress page shows how far they have got; notices go through
    ``services.emails`` in the request. Both record every attempt (``Sending``) and never stop
    a batch for one bad address; this reports the count sent and names each panellist an
    email failed for, with the reason. Names are plain text (messages are
    escaped).
    """

    def report_emails(self, request, outcomes, *, sent, failed):
        """One message counting the emails sent and one error per email that failed.

        ``outcomes`` is a list of ``services.Outcome``; ``sent`` a function of the number sent
        that returns its message; ``failed`` a message with ``%(name)s``, ``%(panel)s`` and
        ``%(reason)s``. Returns the number sent.
        """
        count = sum(outcome.sent for outcome in outcomes)
        if count:
            self.message_user(request, sent(count), messages.SUCCESS)
        for outcome in outcomes:
            if not outcome.sent:
                place = outcome.panellist
                self.message_user(
                    request,
                    failed
                    % {
                        "name": place.display_name,
                        "panel": quoted(place.panel),
                        "reason": outcome.error,
                    },
                    messages.ERROR,
                )
        return count

    def invite(self, request, panellists):
        """Invite each of ``panellists``, each with a new personal link, as a bulk send
        (``services.start_bulk_sends``); report it and show its progress page."""
        return self.send_in_bulk(request, BulkSend.Kind.INVITATION, panellists)

    def remind(self, request, panellists):
        """Remind those of ``panellists`` who have not answered, as a bulk send; report it,
        with how many were left out and why, and show its progress page."""
        return self.send_in_bulk(request, BulkSend.Kind.REMINDER, panellists)

    def send_in_bulk(self, request, kind, panellists):
        """Start a bulk send of ``kind`` to ``panellists`` and return the redirect to its
        progress page (the list of those started, when the panellists are of several
        meetings); ``None`` when there is nobody to write to.

        A bulk send that has already finished when this returns (without a broker the task
        runs in this request) is reported as emails sent, with one error per email not
        sent; one still running is reported as started.
        """
        started = services.start_bulk_sends(kind, panellists, requested_by=request.user)
        if started.left_out:
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist was left out: the same email was sent to them less "
                    "than two minutes ago, or is being sent.",
                    "%(count)d panellists were left out: the same email was sent to them less "
                    "than two minutes ago, or is being sent.",
                    len(started.left_out),
                )
                % {"count": len(started.left_out)},
                messages.WARNING,
            )
        if not started.bulk_sends:
            return None
        keys = [bulk_send.pk for bulk_send in started.bulk_sends]
        bulk_sends = list(BulkSend.objects.with_counts().filter(pk__in=keys).order_by("pk"))
        finished = [bulk_send for bulk_send in bulk_sends if bulk_send.progress().finished]
        running = [bulk_send for bulk_send in bulk_sends if not bulk_send.progress().finished]
        if finished:
            self.report_finished(request, kind, finished)
        if running:
            count = sum(bulk_send.progress().remaining for bulk_send in running)
            self.message_user(
                request,
                (
                    ngettext(
                        "Sending %(count)d invitation, with a new personal link: this page "
                        "shows how far it has got.",
                        "Sending %(count)d invitations, each with a new personal link: this "
                        "page shows how far they have got.",
                        count,
                    )
                    if kind == BulkSend.Kind.INVITATION
                    else ngettext(
                        "Sending %(count)d reminder, with a new personal link: this page "
                        "shows how far it has got.",
                        "Sending %(count)d reminders, each with a new personal link: this "
                        "page shows how far they have got.",
                        count,
                    )
                )
                % {"count": count},
                messages.INFO,
            )
        if len(keys) == 1:
            url = reverse("admin:panels_bulksend_change", args=[keys[0]])
        else:
            url = (
                reverse("admin:panels_bulksend_changelist")
                + "?"
                + urlencode({"id__in": ",".join(str(key) for key in keys)})
            )
        return HttpResponseRedirect(url)

    def report_finished(self, request, kind, bulk_sends):
        """The messages of finished ``bulk_sends`` of ``kind``: the count sent, one error
        per email not sent (in their order) and, for reminders, how many were not due."""
        rows = (
            BulkSendRecipient.objects.filter(bulk_send__in=bulk_sends)
            .exclude(state=RecipientState.SKIPPED)
            .select_related("panellist__person", "panellist__panel")
            .order_by("bulk_send", "position", "pk")
        )
        outcomes = [
            services.Outcome(
                panellist=row.panellist,
                address=row.address,
                error="" if row.state == RecipientState.SENT else row.error,
            )
            for row in rows
        ]
        if kind == BulkSend.Kind.INVITATION:
            self.report_emails(
                request,
                outcomes,
                sent=lambda count: (
                    ngettext(
                        "Sent %(count)d invitation, with a new personal link.",
                        "Sent %(count)d invitations, each with a new personal link.",
                        count,
                    )
                    % {"count": count}
                ),
                failed=_("The invitation to %(name)s for %(panel)s was not sent: %(reason)s."),
            )
            return
        self.report_emails(
            request,
            outcomes,
            sent=lambda count: (
                ngettext(
                    "Sent %(count)d reminder, with a new personal link.",
                    "Sent %(count)d reminders, each with a new personal link.",
                    count,
                )
                % {"count": count}
            ),
            failed=_("The reminder to %(name)s for %(panel)s was not sent: %(reason)s."),
        )
        skipped = sum(bulk_send.progress().skipped for bulk_send in bulk_sends)
        if skipped:
            days = settings.REMINDER_INTERVAL_DAYS
            interval = ngettext("in the last day", "in the last %(days)d days", days) % {
                "days": days
            }
            self.message_user(
                request,
                ngettext(
                    "%(count)d panellist was not reminded: they had answered, had never been "
                    "invited, had been invited or reminded %(interval)s, or the deadline for "
                    "answers had passed.",
                    "%(count)d panellists were not reminded: they had answered, had never been "
                    "invited, had been invited or reminded %(interval)s, or the deadline for "
                    "answers had passed.",
                    skipped,
                )
                % {"count": skipped, "interval": interval},
            )

    def notify_panellists_on_commit(self, request, panel_ids):
        """Once the current transaction commits, tell the panellists of the panels
        ``panel_ids`` what changed: those of a cancelled panel that it is cancelled, those told
        of a cancellation that their panel is reinstated, and the confirmed ones whose time
        changed their new time (nothing if it rolls back)."""
        transaction.on_commit(partial(self.send_notices, request, list(panel_ids)))

    def send_notices(self, request, panel_ids):
        """Send the cancellation, reinstatement and new-time notices of the panels
        ``panel_ids`` now, and report them.

        The change is already committed when this runs: an unexpected error is logged and
        reported rather than turned into an error page. The services record only the notices
        sent as given, so saving again (or cancelling again) tries the others again.
        """
        try:
            cancelled = services.notify_cancellations(panel_ids).outcomes
            reinstated = services.notify_reinstatements(panel_ids).outcomes
            moved = services.notify_time_changes(panel_ids).outcomes
        except Exception:
            logger.exception("The notices for panels %s could not be emailed.", panel_ids)
            self.message_user(
                request,
                _(
                    "The changes were saved, but an unexpected error stopped the panellists "
                    "from being told of them by email (it is in the server's log). Save the "
                    "page again to try again."
                ),
                messages.ERROR,
            )
            return
        self.report_emails(
            request,
            cancelled,
            sent=lambda count: (
                ngettext(
                    "Told %(count)d panellist by email that the panel is cancelled.",
                    "Told %(count)d panellists by email that their panel is cancelled.",
                    count,
                )
                % {"count": count}
            ),
            failed=_(
                "The cancellation notice was not sent to %(name)s for %(panel)s: %(reason)s. "
                "Cancel the panel again to try again."
            ),
        )
        self.report_emails(
            request,
            reinstated,
            sent=lambda count: (
                ngettext(
                    "Told %(count)d panellist by email that the panel takes place after all.",
                    "Told %(count)d panellists by email that their panel takes place after all.",
                    count,
                )
                % {"count": count}
            ),
            failed=_(
                "The reinstatement notice was not sent to %(name)s for %(panel)s: %(reason)s. "
                "Reinstate the panel again to try again."
            ),
        )
        self.report_emails(
            request,
            moved,
            sent=lambda count: (
                ngettext(
                    "New time sent to %(count)d confirmed panellist.",
                    "New time sent to %(count)d confirmed panellists.",
                    count,
                )
                % {"count": count}
            ),
            failed=_("The new time was not sent to %(name)s for %(panel)s: %(reason)s."),
        )


def label_inputs(fields, only=None):
    """Give the inputs of ``fields`` (a form's fields, a dict) the name of their field as
    ``aria-label``, for inputs that no ``<label>`` names (a table cell; the parts of a date
    and time). Boxes and radio buttons that carry their own labels are left as they are.
    ``only``, when given, limits this to those field names. (WCAG 2.2 SC 1.3.1 and 4.1.2;
    axe-core's "label" and "select-name".)"""
    for name, field in fields.items():
        if only is not None and name not in only:
            continue
        widget = getattr(field.widget, "widget", field.widget)
        if widget.is_hidden or isinstance(
            widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            continue
        label = str(capfirst(field.label or name))
        parts = getattr(widget, "widgets", None)
        if parts:
            for number, part in enumerate(parts, start=1):
                part.attrs.setdefault("aria-label", f"{label} ({number})")
        else:
            widget.attrs.setdefault("aria-label", label)


class LabelledFieldsMixin:
    """For a formset whose rows are table cells (a tabular inline): every input named after
    its column (``label_inputs``); the delete box says "Delete"."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_inputs(form.fields)


class LabelledTabularInline(TeamChoicesMixin, CheckedKeysMixin, admin.TabularInline):
    """A tabular inline whose inputs are named for assistive technology
    (``LabelledFieldsMixin``), whose autocomplete boxes check their keys
    (``keys.CheckedKeysMixin``) and offer only the user's teams' records
    (``teams.TeamChoicesMixin``)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (LabelledFieldsMixin, formset), {})
