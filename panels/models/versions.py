"""Programme versions: what the public programme of a meeting looked like each time it
changed, for its public changelog."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting


class ProgrammeVersion(models.Model):
    """One version of a meeting's public programme, numbered 1, 2, … per meeting.

    ``snapshot`` is the programme as the public saw it then (``services.versions.
    programme_snapshot``: plain JSON values, clock times in the meeting's zone); what changed
    between two versions is worked out from their snapshots (``panels.changelog``), never
    stored. Records are never edited.
    """

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="programme_versions",
        verbose_name=_("meeting"),
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("1 for the first version of the meeting's programme, then 2, …")
    )
    recorded_at = models.DateTimeField(
        _("recorded at"), default=timezone.now, help_text=_("Stored in UTC.")
    )
    snapshot = models.JSONField(_("public programme"))

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["meeting_id", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="programme_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="programme_version_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.number}"

    def get_absolute_url(self):
        page = reverse("panels:meeting-changes", kwargs={"slug": self.meeting.slug})
        return f"{page}#version-{self.number}"
