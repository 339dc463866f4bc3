"""Sendings: the record of every email sent, or attempted, about a panellist's place."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SendingKind
from .people import Panellist


class Sending(models.Model):
    """One email about a panellist's place, sent or attempted.

    ``to_address`` is where it went (the panellist's address, or the meeting's secretariat
    address for an answer notice); ``error`` says why it failed, empty when it was handed to
    the mail server. Records are never edited.
    """

    Kind = SendingKind

    panellist = models.ForeignKey(
        Panellist, on_delete=models.CASCADE, related_name="sendings", verbose_name=_("panellist")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SendingKind)
    to_address = models.CharField(_("sent to"), max_length=254, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    error = models.CharField(
        _("error"), max_length=500, blank=True, help_text=_("Empty when it was sent.")
    )

    class Meta:
        verbose_name = _("email sent")
        verbose_name_plural = _("emails sent")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SendingKind.values), name="sending_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to_address}"

    @property
    def succeeded(self):
        """Whether the email was handed to the mail server."""
        return not self.error
