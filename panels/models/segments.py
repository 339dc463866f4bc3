"""Segments: the items of a panel's running order."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..validators import validate_single_line
from .choices import MAX_SEGMENT_MINUTES, SegmentKind
from .panels import Panel
from .people import Panellist
from .querysets import SegmentQuerySet


class Segment(models.Model):
    """One item of a panel's running order, with its duration in whole minutes.

    Clock times are never stored: they are computed from the panel's start and the durations of
    the segments before it (``Panel.timed_segments``). The speaker, when set, must be a
    panellist of the same panel (checked in ``clean``; a foreign key cannot say it).
    """

    Kind = SegmentKind

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="segments", verbose_name=_("panel")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PRESENTATION)
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Leave blank to use the kind."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEGMENT_MINUTES)],
        help_text=_("Whole minutes."),
    )
    speaker = models.ForeignKey(
        Panellist,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="segments",
        verbose_name=_("speaker"),
        help_text=_("A panellist of this panel, or blank."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("running order")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1)
                & Q(duration_minutes__lte=MAX_SEGMENT_MINUTES),
                name="segment_duration_positive",
                violation_error_message=_(
                    "A segment lasts at least one minute and at most a day."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SegmentKind.values), name="segment_kind_valid"
            ),
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        if self.speaker_id and self.panel_id and self.speaker.panel_id != self.panel_id:
            raise ValidationError(
                {"speaker": _("The speaker must be a panellist of this panel.")},
                code="speaker_not_on_panel",
            )

    @property
    def display_title(self):
        """The segment's title, or its kind when it has none."""
        return self.title or self.get_kind_display()
