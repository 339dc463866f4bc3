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
    the segments before it (``Panel.timed_segments``). An item has any number of speakers, in
    order (``SegmentSpeaker``), each a participant of the same session; an open floor, a break
    or a screening has none.
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
    speakers = models.ManyToManyField(
        Panellist,
        through="SegmentSpeaker",
        related_name="segments",
        blank=True,
        verbose_name=_("speakers"),
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

    @property
    def display_title(self):
        """The segment's title, or its kind when it has none."""
        return self.title or self.get_kind_display()

    def speaker_places(self):
        """The item's speakers in order: a list of ``Panellist``.

        Reads the prefetched ``speaking`` rows when present
        (``PanelQuerySet.with_running_order``), so a page runs no query per item.
        """
        return [row.panellist for row in self.speaking.all()]

    def public_speakers(self):
        """The speakers the public sees (``Panellist.is_public``), in order: a list."""
        return [place for place in self.speaker_places() if place.is_public]

    def speakers_on_programme(self):
        """The speakers still expected to speak (``Panellist.is_on_programme``): a list."""
        return [place for place in self.speaker_places() if place.is_on_programme]

    def is_spoken_by(self, panellist):
        """Whether ``panellist`` (a ``Panellist``) speaks in this item (reads ``speaking``)."""
        return any(row.panellist_id == panellist.pk for row in self.speaking.all())


class SegmentSpeaker(models.Model):
    """One speaker of one item of a running order, in the item's order of speakers.

    The speaker is a participant of the item's own session (checked in ``clean``; a foreign key
    cannot say it). Removing the participant removes the row and keeps the item.
    """

    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="speaking", verbose_name=_("item")
    )
    panellist = models.ForeignKey(
        Panellist,
        on_delete=models.CASCADE,
        related_name="speaking",
        verbose_name=_("speaker"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "panellist"],
                name="segment_speaker_once",
                violation_error_message=_("This participant already speaks in this item."),
            ),
        ]

    def __str__(self):
        return self.panellist.display_name

    def clean(self):
        if (
            self.segment_id
            and self.panellist_id
            and self.panellist.panel_id != self.segment.panel_id
        ):
            raise ValidationError(
                {"panellist": _("The speaker must be a participant of this session.")},
                code="speaker_not_on_panel",
            )
