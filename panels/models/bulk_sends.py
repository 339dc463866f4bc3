"""Bulk sends: invitations or reminders to many panellists of one meeting, sent by the task
queue (``panels.tasks``) while the officer who asked watches their progress in the admin.

A ``BulkSend`` holds who asked, what is sent and when; each panellist to write to is a
``BulkSendRecipient`` whose ``state`` is claimed in the database before their email is sent
and set after, so that a run that dies and starts again never sends anyone a second copy
(``services.bulk_sends``). The counts (sent, failed, not due, remaining) are those of the
recipients' states (``BulkSendQuerySet.with_counts``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BulkSendKind, RecipientState
from .meetings import Meeting
from .people import Panellist

# The states whose email is settled as not sent: refused, or interrupted (perhaps sent).
FAILED_STATES = [RecipientState.FAILED, RecipientState.INTERRUPTED]
# The states still to be settled: waiting, or claimed by a run that is sending it now.
REMAINING_STATES = [RecipientState.PENDING, RecipientState.SENDING]


@dataclass(frozen=True)
class Progress:
    """How far a bulk send has got, in emails: ``sent``; ``failed`` (refused, or interrupted
    by a worker that stopped while sending it); ``skipped`` (reminders no longer due);
    ``remaining`` (waiting or being sent). ``total`` is their sum."""

    sent: int
    failed: int
    skipped: int
    remaining: int

    @property
    def total(self):
        return self.sent + self.failed + self.skipped + self.remaining

    @property
    def finished(self):
        """Whether every email is settled (sent, failed or skipped)."""
        return self.remaining == 0


class BulkSendQuerySet(models.QuerySet):
    def with_counts(self):
        """Each bulk send annotated with its recipients counted by state: ``sent_count``,
        ``failed_count``, ``skipped_count``, ``remaining_count`` (one query for a list)."""
        return self.annotate(
            sent_count=Count("recipients", filter=Q(recipients__state=RecipientState.SENT)),
            failed_count=Count("recipients", filter=Q(recipients__state__in=FAILED_STATES)),
            skipped_count=Count("recipients", filter=Q(recipients__state=RecipientState.SKIPPED)),
            remaining_count=Count("recipients", filter=Q(recipients__state__in=REMAINING_STATES)),
        )


class BulkSend(models.Model):
    """Invitations or reminders to panellists of one meeting, sent by the task queue.

    Made by ``services.start_bulk_sends``, sent by ``services.run_bulk_send``; never edited
    by hand. ``language`` is the language of the officer who asked: the reasons recorded for
    emails not sent are written in it (each email is in its reader's language).
    """

    Kind = BulkSendKind

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="bulk_sends", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BulkSendKind)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, help_text=_("Empty while it is being sent.")
    )

    objects = BulkSendQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulk send")
        verbose_name_plural = _("bulk sends")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BulkSendKind.values), name="bulk_send_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.meeting}"

    def last_activity(self):
        """When an email of this bulk send was last claimed or settled, else when it was
        requested: an aware datetime (one query)."""
        latest = self.recipients.aggregate(claimed=Max("claimed_at"), settled=Max("finished_at"))
        return max(moment for moment in (self.created_at, *latest.values()) if moment)

    def progress(self):
        """The recipients counted by state now, as a ``Progress`` (one query; the
        annotations of ``with_counts`` when this copy has them)."""
        if not hasattr(self, "sent_count"):
            counts = dict(
                self.recipients.values_list("state").annotate(count=Count("pk")).order_by()
            )
            return Progress(
                sent=counts.get(RecipientState.SENT, 0),
                failed=sum(counts.get(state, 0) for state in FAILED_STATES),
                skipped=counts.get(RecipientState.SKIPPED, 0),
                remaining=sum(counts.get(state, 0) for state in REMAINING_STATES),
            )
        return Progress(
            sent=self.sent_count,
            failed=self.failed_count,
            skipped=self.skipped_count,
            remaining=self.remaining_count,
        )


class BulkSendRecipient(models.Model):
    """One panellist's email in a bulk send, and what became of it.

    ``state`` goes from ``PENDING`` to ``SENDING`` when a run claims it (``claimed_at``),
    then to ``SENT``, ``FAILED`` (``error`` says why) or ``SKIPPED`` (a reminder no longer
    due). A row a run left in ``SENDING`` (its worker died while sending) is ``INTERRUPTED``:
    the email may or may not have reached the mail server, and it is not sent again.
    """

    State = RecipientState

    bulk_send = models.ForeignKey(
        BulkSend, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("bulk send")
    )
    panellist = models.ForeignKey(
        Panellist, on_delete=models.CASCADE, related_name="+", verbose_name=_("panellist")
    )
    position = models.PositiveIntegerField(_("position"))
    state = models.CharField(
        _("state"), max_length=20, choices=RecipientState, default=RecipientState.PENDING
    )
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    error = models.CharField(
        _("error"), max_length=500, blank=True, help_text=_("Empty unless it was not sent.")
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["bulk_send", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulk_send", "panellist"], name="bulk_send_recipient_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RecipientState.values), name="bulk_send_recipient_state"
            ),
        ]
        indexes = [models.Index(fields=["bulk_send", "state", "position"])]

    def __str__(self):
        return f"{self.panellist} ({self.get_state_display()})"
