"""Panels: a meeting's sessions, each on one day (possibly ending after midnight), in a room,
and their concept notes and documents.

A panel's date and start and end times are wall-clock values in its meeting's IANA time zone;
aware datetimes are computed from them with ``zoneinfo`` (see ``running_order``). A session
whose time is not published yet has neither.
"""

import uuid
from datetime import time, timedelta

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import running_order
from ..validators import validate_single_line
from ..wording import known_total_text
from .choices import (
    DATE_RANGE_VALIDATORS,
    DEFAULT_PRESENTATION_LIMIT,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_SEGMENT_MINUTES,
    OUTSIDE_DAYS,
    PanellistDisplay,
    PanelStatus,
    SessionKind,
    VacatedItems,
    label_method,
)
from .errors import clock_change_message
from .history import HistoricalActor, History
from .meetings import Meeting, Room
from .querysets import PanelQuerySet


class Panel(models.Model):
    """A session of a meeting (a panel, a plenary session of agenda items, a working group, a
    shared break…), on one day, in a room, with a running order of items.

    ``date``, ``start_time`` and ``end_time`` are wall-clock values in the meeting's zone; the
    slot's aware datetimes are ``starts_at`` and ``ends_at``. A session whose time is not
    published has neither time (``is_timed`` is false); one that ends after local midnight
    (``ends_after_midnight``) ends at ``end_time`` on the next day. The day may fall up to
    ``OUTSIDE_DAYS`` before or after the meeting's days (an arrival day, a briefing).
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="panels", verbose_name=_("meeting")
    )
    kind = models.CharField(
        _("kind of session"), max_length=20, choices=SessionKind, default=SessionKind.PANEL
    )
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line])
    date = models.DateField(
        _("date"), validators=DATE_RANGE_VALIDATORS, help_text=_("In the meeting's local time.")
    )
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_(
            "In the meeting's local time, e.g. 15:00. Leave both times blank while the time is "
            "not published."
        ),
    )
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("In the meeting's local time, e.g. 16:30."),
    )
    ends_after_midnight = models.BooleanField(
        _("ends after midnight"),
        default=False,
        help_text=_("Tick when the session ends on the next day, e.g. 22:00 to 01:00."),
    )
    room = models.ForeignKey(
        Room,
        # A room in use is not deleted on its own, but goes with its meeting and sessions.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="panels",
        verbose_name=_("room"),
        help_text=_("One of the meeting's rooms; blank for a session shared by every room."),
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
    vacated_items = models.CharField(
        _("items of speakers who declined"),
        max_length=20,
        choices=VacatedItems,
        default=VacatedItems.ANNOUNCE,
        help_text=_(
            "How the public running order shows an item whose speakers all declined or "
            "withdrew, until it is given to someone else or dropped."
        ),
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
    cancelled_at = models.DateTimeField(
        _("cancelled at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the panel was cancelled; empty while it is scheduled."),
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
    Vacated = VacatedItems
    Status = PanelStatus
    Kind = SessionKind

    objects = PanelQuerySet.as_manager()
    # The calendar's bookkeeping (uid, sequence, modified_at) and the version counter change
    # with other changes, or by themselves: no officer reads or puts them back.
    history = History(
        bases=[HistoricalActor], excluded_fields=["uid", "sequence", "modified_at", "version"]
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = [
            "date",
            F("start_time").asc(nulls_last=True),
            F("end_time").asc(nulls_last=True),
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    start_time__isnull=True, end_time__isnull=True, ends_after_midnight=False
                )
                | Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    ends_after_midnight=False,
                    end_time__gt=F("start_time"),
                )
                | Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    ends_after_midnight=True,
                    end_time__lt=F("start_time"),
                ),
                name="panel_slot_consistent",
                violation_error_message=_(
                    "Give both times or neither; the session ends after it starts, on the same "
                    "day unless it ends after midnight."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="panel_kind_valid"
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
            models.CheckConstraint(
                condition=Q(vacated_items__in=VacatedItems.values),
                name="panel_vacated_items_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=PanelStatus.CANCELLED) | Q(cancelled_at__isnull=True),
                name="panel_cancelled_at_only_when_cancelled",
                violation_error_message=_("Only a cancelled panel has a time of cancellation."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "panels:panel-detail", kwargs={"meeting_slug": self.meeting.slug, "pk": self.pk}
        )

    get_kind_display = label_method(SessionKind, "kind")

    def clean(self):
        """Explain the session's rules next to the field they concern.

        The day falls within the meeting's days, or up to ``OUTSIDE_DAYS`` before or after;
        the room is one of the meeting's; both times or neither are given; the end is after
        the start (on the next day for a session that ends after midnight); both times exist
        exactly once on their day in the meeting's zone (not skipped or repeated by a clock
        change); a published session's running order does not overrun its slot.
        """
        errors = {}
        meeting = self.meeting if self.meeting_id else None
        # Clock times are computed only for days clear of the ends of the calendar (the
        # date's own validators explain a day outside them; the meeting's days still apply).
        computable = bool(self.date) and EARLIEST_DATE <= self.date < LATEST_DATE
        in_range = bool(self.date) and EARLIEST_DATE <= self.date <= LATEST_DATE
        if meeting and in_range and meeting.start_date and meeting.end_date:
            first = meeting.start_date - timedelta(days=OUTSIDE_DAYS)
            last = meeting.end_date + timedelta(days=OUTSIDE_DAYS)
            if not first <= self.date <= last:
                errors["date"] = _(
                    "The meeting runs from %(first)s to %(last)s; choose a day in between, or "
                    "up to %(days)d days before or after (an arrival day, a briefing)."
                ) % {
                    "first": formats.date_format(meeting.start_date),
                    "last": formats.date_format(meeting.end_date),
                    "days": OUTSIDE_DAYS,
                }
        if meeting and self.room_id and self.room.meeting_id != meeting.pk:
            errors["room"] = _("Choose one of this meeting's rooms.")
        errors.update(self._slot_errors())
        if meeting and computable and meeting.has_valid_time_zone():
            for field in ("start_time", "end_time"):
                clock = getattr(self, field)
                if clock is None or field in errors:
                    continue
                try:
                    running_order.local_datetime(self.day_of(clock), clock, meeting.zone)
                except running_order.LocalTimeError as error:
                    errors[field] = clock_change_message(error, clock, meeting.time_zone)
        if (
            self.is_published
            and self.pk
            and not errors
            and meeting
            and computable
            and self.is_timed
        ):
            refusal = self.publishing_refusal(
                self.segments.aggregate(total=Sum("duration_minutes"))["total"] or 0
            )
            if refusal:
                errors["is_published"] = ValidationError(refusal, code="overruns_slot")
        if errors:
            raise ValidationError(errors)

    def _slot_errors(self):
        """The slot's own rules (``panel_slot_consistent``), as errors by field."""
        start, end = self.start_time, self.end_time
        if start is None and end is None:
            if self.ends_after_midnight:
                return {
                    "ends_after_midnight": _(
                        "Give the times of a session that ends after midnight."
                    )
                }
            return {}
        if start is None:
            return {"start_time": _("Give the start time too, or leave both times blank.")}
        if end is None:
            return {"end_time": _("Give the end time too, or leave both times blank.")}
        if not self.ends_after_midnight and end <= start:
            return {
                "end_time": _(
                    "The session must end after it starts. If it ends after midnight, tick "
                    "“ends after midnight”."
                )
            }
        if self.ends_after_midnight and end >= start:
            return {
                "ends_after_midnight": _(
                    "A session that ends after midnight ends before %(start)s on the next day."
                )
                % {"start": start.strftime("%H:%M")}
            }
        return {}

    def publishing_refusal(self, planned_minutes):
        """Why this panel cannot be published with a running order whose known durations add
        up to ``planned_minutes`` (whole minutes), or ``None`` when it can.

        The rule: a running order that overruns the slot is not published. A session whose
        time is not published has no slot to overrun; items without a duration count for
        nothing, so only a certain overrun refuses.
        """
        if not self.is_timed:
            return None
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
    def is_timed(self):
        """Whether the session's time is published (both times given)."""
        return self.start_time is not None and self.end_time is not None

    @property
    def zone(self):
        return self.meeting.zone

    @property
    def cancelled_on(self):
        """The day (a ``date``, in the meeting's zone) the panel was cancelled; ``None`` when it
        is not cancelled or the day is not known (cancelled before the moment was recorded, or
        the meeting's zone is not valid)."""
        if not self.is_cancelled or self.cancelled_at is None:
            return None
        if not self.meeting.has_valid_time_zone():
            return None
        return self.cancelled_at.astimezone(self.zone).date()

    def day_of(self, clock):
        """The local day on which the clock time ``clock`` (a ``time``) of this session falls:
        its date, or the next day for a time before the start of a session that ends after
        midnight."""
        if self.ends_after_midnight and self.start_time is not None and clock < self.start_time:
            return self.date + timedelta(days=1)
        return self.date

    def moment(self, clock):
        """The aware datetime, in the meeting's zone, of the clock time ``clock`` (a ``time``)
        of this session (see ``day_of``), or ``None`` for ``None``."""
        if clock is None:
            return None
        return running_order.local_datetime(self.day_of(clock), clock, self.zone, strict=False)

    @property
    def starts_at(self):
        """The slot's start as an aware datetime in the meeting's zone (``None`` untimed)."""
        return self.moment(self.start_time)

    @property
    def ends_at(self):
        """The slot's end as an aware datetime in the meeting's zone (``None`` untimed); on the
        next day for a session that ends after midnight."""
        if self.end_time is None:
            return None
        day = self.date + timedelta(days=1) if self.ends_after_midnight else self.date
        return running_order.local_datetime(day, self.end_time, self.zone, strict=False)

    @property
    def day_starts_at(self):
        """The start of the session's day (00:00 local) as an aware datetime: where an
        untimed session is placed in a calendar."""
        return running_order.local_datetime(self.date, time(0), self.zone, strict=False)

    @property
    def slot_minutes(self):
        """The slot's length in elapsed minutes (a DST change on the day is counted), or
        ``None`` for a session whose time is not published."""
        if not self.is_timed:
            return None
        return round(running_order.elapsed_minutes(self.starts_at, self.ends_at))

    def programme_panellists(self):
        """The panellists the public sees, in order of appearance: a list of ``Panellist``.

        Follows ``panellist_display`` (see ``Panellist.is_public``): never those who declined
        or withdrew; those who have not confirmed only when the panel shows everyone. Filters
        the prefetched ``panellists`` (``PanelQuerySet.with_people``) in Python, so a page
        listing many panels runs no query per panel.
        """
        return [place for place in self.panellists.all() if place.is_public]

    def placed_items(self, items=None):
        """The running order placed in time: ``(placed, clashes)`` from
        ``running_order.place_items`` (lists of ``PlacedItem`` and ``Clash``).

        ``items`` are the segments in running order (default: this panel's, prefetched ones
        when present; see ``PanelQuerySet.with_running_order``). Each item's fixed times are
        clock times of this session (``moment``).
        """
        return running_order.place_items(
            self.segments.all() if items is None else items,
            session_start=self.starts_at,
            session_end=self.ends_at,
            fixed_start_of=lambda item: self.moment(item.fixed_start),
            fixed_end_of=lambda item: self.moment(item.fixed_end),
        )

    def timed_segments(self):
        """The running order with clock times where they are known: a list of
        ``running_order.PlacedItem``."""
        return self.placed_items()[0]

    def has_item_times(self):
        """Whether any item of the running order has a time or a duration (else the pages
        list the items without time columns)."""
        return any(
            placed.start or placed.end or placed.minutes for placed in self.timed_segments()
        )

    def known_total(self):
        """What the running order adds up to as far as durations are known: a
        ``running_order.KnownTotal``. Uses prefetched ``segments`` when present."""
        return running_order.KnownTotal.of(self.timed_segments())

    def _running_order_is_prefetched(self):
        return "segments" in getattr(self, "_prefetched_objects_cache", {})

    def _total(self):
        """The running order's ``KnownTotal``: placed from the prefetched segments when there
        are any (times read backwards count), else from the ``planned_minutes`` and
        ``untimed_items`` annotations, else placed from the database."""
        planned = getattr(self, "planned_minutes", None)
        unknown = getattr(self, "untimed_items", None)
        if self._running_order_is_prefetched() or planned is None or unknown is None:
            return self.known_total()
        return running_order.KnownTotal(minutes=planned, unknown=unknown)

    def slot_usage(self):
        """How the running order fills the slot, as a ``running_order.SlotUsage``, or
        ``None`` for a session whose time is not published.

        Items whose duration is not known count for nothing (``known_total`` says how many
        there are); see ``_total`` for where the minutes are read.
        """
        if not self.is_timed:
            return None
        return running_order.SlotUsage(planned=self._total().minutes, slot=self.slot_minutes)

    def slot_usage_text(self):
        """The running order's total against the slot in words: "85 of 90 minutes", "3 items
        have no duration: the total is not known yet (…)" (``wording.known_total_text``)."""
        total = self._total()
        return known_total_text(total, self.slot_minutes)
