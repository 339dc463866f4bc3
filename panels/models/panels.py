"""Panels: a meeting's sessions, each in a time slot on one day, and their concept notes.

A panel's date and start and end times are wall-clock values in its meeting's IANA time zone;
aware datetimes are computed from them with ``zoneinfo`` (see ``running_order``).
"""

import uuid

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import running_order
from ..validators import validate_single_line
from ..wording import slot_usage_text
from .choices import (
    DATE_RANGE_VALIDATORS,
    DEFAULT_PRESENTATION_LIMIT,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_SEGMENT_MINUTES,
    PanellistDisplay,
    PanelStatus,
)
from .errors import clock_change_message
from .meetings import Meeting
from .querysets import PanelQuerySet


class Panel(models.Model):
    """A panel session of a meeting, in a time slot on one day.

    ``date``, ``start_time`` and ``end_time`` are wall-clock values in the meeting's zone; the
    slot's aware datetimes are ``starts_at`` and ``ends_at``.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="panels", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line])
    date = models.DateField(
        _("date"), validators=DATE_RANGE_VALIDATORS, help_text=_("In the meeting's local time.")
    )
    start_time = models.TimeField(
        _("start time"), help_text=_("In the meeting's local time, e.g. 15:00.")
    )
    end_time = models.TimeField(
        _("end time"), help_text=_("In the meeting's local time, e.g. 16:30.")
    )
    room = models.CharField(
        _("room"), max_length=200, blank=True, validators=[validate_single_line]
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Published panels of a public meeting are shown to everyone. A panel whose running "
            "order overruns its slot cannot be published."
        ),
    )
    presentation_limit_minutes = models.PositiveSmallIntegerField(
        _("longest presentation"),
        default=DEFAULT_PRESENTATION_LIMIT,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEGMENT_MINUTES)],
        help_text=_("Minutes. Presentations longer than this are flagged."),
    )
    # Optimistic locking (django-concurrency): a save from a stale copy of the panel is refused.
    answer_deadline = models.DateTimeField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_(
            "Panellists' personal links stop working after this moment (in the meeting's "
            "local time). Leave blank to use the panel's start."
        ),
    )
    panellist_display = models.CharField(
        _("panellists shown to the public"),
        max_length=20,
        choices=PanellistDisplay,
        default=PanellistDisplay.EVERYONE,
        help_text=_("Panellists who declined or withdrew are never shown."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PanelStatus,
        default=PanelStatus.SCHEDULED,
        help_text=_(
            "A cancelled panel stays on the public programme and in calendars, marked as "
            "cancelled."
        ),
    )
    # Calendar identity (RFC 5545): a UID that never changes, and a SEQUENCE that grows with
    # each change of the panel's time, place or status (``services.save_panel``).
    uid = models.UUIDField(
        _("calendar identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Grows when the panel's time, place or status changes."),
    )
    modified_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = AutoIncVersionField(_("version"), help_text=_("Changes on every save."))

    Display = PanellistDisplay
    Status = PanelStatus

    objects = PanelQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["date", "start_time", "end_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="panel_ends_after_start",
                violation_error_message=_("The panel must end after it starts, on the same day."),
            ),
            models.CheckConstraint(
                condition=Q(date__gte=EARLIEST_DATE, date__lte=LATEST_DATE),
                name="panel_date_in_range",
                violation_error_message=_("A panel's day falls between 1900 and 2199."),
            ),
            models.CheckConstraint(
                condition=Q(presentation_limit_minutes__gte=1),
                name="panel_presentation_limit_positive",
                violation_error_message=_("The longest presentation is at least one minute."),
            ),
            models.CheckConstraint(
                condition=Q(panellist_display__in=PanellistDisplay.values),
                name="panel_panellist_display_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PanelStatus.values), name="panel_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "panels:panel-detail", kwargs={"meeting_slug": self.meeting.slug, "pk": self.pk}
        )

    def clean(self):
        """Explain the slot's rules next to the field they concern.

        The date falls within the meeting's days; the end is after the start; both times exist
        exactly once on that day in the meeting's zone (not skipped or repeated by a clock
        change).
        """
        errors = {}
        meeting = self.meeting if self.meeting_id else None
        if self.date and not EARLIEST_DATE <= self.date <= LATEST_DATE:
            # The date's own validators explain this; clock times cannot be computed for it.
            meeting = None
        if (
            meeting
            and self.date
            and meeting.start_date
            and meeting.end_date
            and not meeting.start_date <= self.date <= meeting.end_date
        ):
            errors["date"] = _(
                "The meeting runs from %(first)s to %(last)s; choose a day in between."
            ) % {
                "first": formats.date_format(meeting.start_date),
                "last": formats.date_format(meeting.end_date),
            }
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The panel must end after it starts, on the same day.")
        if meeting and self.date and meeting.has_valid_time_zone():
            for field in ("start_time", "end_time"):
                clock = getattr(self, field)
                if clock is None or field in errors:
                    continue
                try:
                    running_order.local_datetime(self.date, clock, meeting.zone)
                except running_order.LocalTimeError as error:
                    errors[field] = clock_change_message(error, clock, meeting.time_zone)
        if self.is_published and self.pk and "end_time" not in errors and meeting:
            refusal = self.publishing_refusal(
                self.segments.aggregate(total=Sum("duration_minutes"))["total"] or 0
            )
            if refusal:
                errors["is_published"] = ValidationError(refusal, code="overruns_slot")
        if errors:
            raise ValidationError(errors)

    def publishing_refusal(self, planned_minutes):
        """Why this panel cannot be published with a running order of ``planned_minutes``
        (whole minutes), or ``None`` when it can.

        The rule: a running order that overruns the slot is not published.
        """
        usage = running_order.SlotUsage(planned=planned_minutes, slot=self.slot_minutes)
        if usage.fits:
            return None
        return ngettext(
            "This panel cannot be published: its running order (%(planned)d minutes) overruns "
            "its %(slot)d-minute slot by %(over)d minute. Shorten the running order or lengthen "
            "the slot first, or untick “published” to save it as a draft.",
            "This panel cannot be published: its running order (%(planned)d minutes) overruns "
            "its %(slot)d-minute slot by %(over)d minutes. Shorten the running order or lengthen "
            "the slot first, or untick “published” to save it as a draft.",
            usage.overrun,
        ) % {"planned": usage.planned, "slot": usage.slot, "over": usage.overrun}

    @property
    def is_cancelled(self):
        return self.status == PanelStatus.CANCELLED

    @property
    def zone(self):
        return self.meeting.zone

    @property
    def starts_at(self):
        """The slot's start as an aware datetime in the meeting's zone."""
        return running_order.local_datetime(self.date, self.start_time, self.zone, strict=False)

    @property
    def ends_at(self):
        """The slot's end as an aware datetime in the meeting's zone."""
        return running_order.local_datetime(self.date, self.end_time, self.zone, strict=False)

    @property
    def slot_minutes(self):
        """The slot's length in elapsed minutes (a DST change on the day is counted)."""
        return round(running_order.elapsed_minutes(self.starts_at, self.ends_at))

    def programme_panellists(self):
        """The panellists the public sees, in order of appearance: a list of ``Panellist``.

        Follows ``panellist_display`` (see ``Panellist.is_public``): never those who declined
        or withdrew; those who have not confirmed only when the panel shows everyone. Filters
        the prefetched ``panellists`` (``PanelQuerySet.with_people``) in Python, so a page
        listing many panels runs no query per panel.
        """
        return [place for place in self.panellists.all() if place.is_public]

    def timed_segments(self):
        """The running order with clock times: a list of ``running_order.TimedSegment``.

        Uses prefetched ``segments`` when present (see ``PanelQuerySet.with_running_order``).
        """
        return running_order.schedule(self.starts_at, self.segments.all())

    def slot_usage(self):
        """How the running order fills the slot, as a ``running_order.SlotUsage``.

        Uses the ``planned_minutes`` annotation when present, else the segments.
        """
        planned = getattr(self, "planned_minutes", None)
        if planned is None:
            planned = sum(segment.duration_minutes for segment in self.segments.all())
        return running_order.SlotUsage(planned=planned, slot=self.slot_minutes)

    def slot_usage_text(self):
        """The running order's total against the slot in words: "85 of 90 minutes" etc.
        (``wording.slot_usage_text``)."""
        return slot_usage_text(self.slot_usage())


class ConceptNoteSection(models.Model):
    """One section of a panel's concept note: a heading and a Markdown body.

    The seed's concept note has "Background" and "Organization". Bodies are rendered through
    ``panels.text.render_markdown`` (sanitised by nh3, UN document symbols linked).
    """

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="sections", verbose_name=_("panel")
    )
    heading = models.CharField(_("heading"), max_length=300, validators=[validate_single_line])
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown: *emphasis*, lists, [links](https://…). UN document symbols such as "
            "A/71/1 become links to the document."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("concept note section")
        verbose_name_plural = _("concept note sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading
