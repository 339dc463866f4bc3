"""Segments: the items of a panel's running order."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import running_order
from ..validators import validate_single_line
from .choices import EARLIEST_DATE, LATEST_DATE, MAX_SEGMENT_MINUTES, SegmentKind
from .errors import clock_change_message
from .history import HistoricalActor, History
from .panels import Panel
from .people import Panellist
from .querysets import SegmentQuerySet


class Segment(models.Model):
    """One item of a session's running order: a duration in whole minutes, or a fixed start
    (and end), or no time at all (a numbered agenda item of a morning session).

    Clock times that follow from these are computed, never stored or invented
    (``Panel.placed_items``, ``running_order.place_items``): an item with a duration starts
    where the one before it ends; an item with no time shows only its place in the order.
    Fixed times are clock times of the session's day in the meeting's zone (of the next day,
    before the start of a session that ends after midnight). An item has any number of
    speakers, in
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
    number = models.CharField(
        _("number"),
        max_length=20,
        blank=True,
        validators=[validate_single_line],
        help_text=_("An agenda item's number as the programme gives it, e.g. “I” or “3 (a)”."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEGMENT_MINUTES)],
        help_text=_("Whole minutes; blank when the programme gives none."),
    )
    fixed_start = models.TimeField(
        _("fixed start"),
        null=True,
        blank=True,
        help_text=_("Only when the programme fixes it, e.g. 11:00."),
    )
    fixed_end = models.TimeField(
        _("fixed end"),
        null=True,
        blank=True,
        help_text=_("Only when the programme fixes it."),
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
    history = History(bases=[HistoricalActor])

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("running order")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=1, duration_minutes__lte=MAX_SEGMENT_MINUTES),
                name="segment_duration_positive",
                violation_error_message=_("An item lasts at least one minute and at most a day."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SegmentKind.values), name="segment_kind_valid"
            ),
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        """Explain the item's times next to the field they concern.

        Fixed times exist on their day in the meeting's zone and fall within the session's
        slot, when it has one; a fixed end comes after a fixed start; with both, the duration is
        the time between them (filled in when left blank, refused when it says otherwise).
        Overlaps between items are the running order's to check (``admin.formsets``).
        """
        # The session, saved or not (a new session's items are checked with it, on its page).
        panel = self._state.fields_cache.get("panel") or (self.panel if self.panel_id else None)
        if (
            panel is None
            or not panel.date
            or not panel.meeting_id
            or not EARLIEST_DATE <= panel.date < LATEST_DATE
            or not panel.meeting.has_valid_time_zone()
        ):
            return
        errors = {}
        moments = {}
        for field in ("fixed_start", "fixed_end"):
            clock = getattr(self, field)
            if clock is None:
                continue
            try:
                moments[field] = running_order.local_datetime(
                    panel.day_of(clock), clock, panel.zone
                )
            except running_order.LocalTimeError as error:
                errors[field] = clock_change_message(error, clock, panel.meeting.time_zone)
        errors.update(self._outside_session(panel, moments))
        if len(moments) == 2:
            minutes = round(
                running_order.elapsed_minutes(moments["fixed_start"], moments["fixed_end"])
            )
            if minutes <= 0:
                errors["fixed_end"] = _("The item must end after it starts.")
            elif self.duration_minutes is None:
                self.duration_minutes = minutes
            elif self.duration_minutes != minutes:
                errors["duration_minutes"] = _(
                    "From %(start)s to %(end)s is %(minutes)d minutes: correct the duration, "
                    "or leave it blank."
                ) % {
                    "start": self.fixed_start.strftime("%H:%M"),
                    "end": self.fixed_end.strftime("%H:%M"),
                    "minutes": minutes,
                }
        if errors:
            raise ValidationError(errors)

    def _outside_session(self, panel, moments):
        """Errors for fixed times (``moments``: field name → aware datetime) outside the
        session's slot, by field; none for a session whose time is not published."""
        if not panel.is_timed or panel.start_time is None:
            return {}
        start, end = panel.starts_at, panel.ends_at
        slot = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
        errors = {}
        for field, moment in moments.items():
            before = running_order.elapsed_minutes(start, moment) < 0
            after = running_order.elapsed_minutes(moment, end) < 0
            if before or after:
                errors[field] = (
                    _("The session runs from %(start)s to %(end)s: give a time within it.") % slot
                )
        return errors

    @property
    def display_title(self):
        """The segment's title, or its kind when it has none (the kind's label, read from the
        choices without ``get_kind_display``'s per-call work)."""
        if self.title:
            return self.title
        return str(SegmentKind(self.kind).label) if self.kind in SegmentKind.values else self.kind

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

    def is_vacated(self):
        """Whether every speaker of the item declined or withdrew (it had at least one): the
        item waits to be given to someone else or dropped. Reads ``speaking``."""
        speakers = self.speaker_places()
        return bool(speakers) and not any(place.is_on_programme for place in speakers)

    def public_row(self):
        """How the public running order shows the item: ``"speakers"`` (its public speakers),
        ``"to be announced"`` (vacated, the panel announcing such items), or ``None`` (vacated,
        the panel leaving such items out; ``Panel.vacated_items``). Reads ``speaking`` and the
        item's panel."""
        if not self.is_vacated():
            return "speakers"
        if self.panel.vacated_items == self.panel.Vacated.HIDE:
            return None
        return "to be announced"

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

    history = History(bases=[HistoricalActor])

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
