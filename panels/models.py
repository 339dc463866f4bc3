"""Meetings, their panels, the people on them and each panel's running order.

Times: a panel's date and start and end times are wall-clock values in its meeting's IANA time
zone, the way a programme announces them ("Thursday 16 February 2017, 3 - 4.30 pm", New York).
Aware datetimes are computed from them with ``zoneinfo`` (see ``running_order``), so a change
of a zone's rules after the programme is published keeps the announced local time, as an
RFC 5545 ``TZID`` does. Audit timestamps (``responded_at``) are stored aware, in UTC.
"""

import uuid
from datetime import date, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import running_order
from .validators import validate_single_line, validate_time_zone

MAX_SEGMENT_MINUTES = 24 * 60
# Dates the app computes clock times for: far enough either way for any programme, and clear
# of the ends of Python's calendar, where converting between zones overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
DATE_RANGE_VALIDATORS = [
    MinValueValidator(EARLIEST_DATE, message=_("Choose a date from the year 1900 on.")),
    MaxValueValidator(LATEST_DATE, message=_("Choose a date before the year 2200.")),
]
# The seed concept note: "Panellists will each make a presentation (max. 10 minutes)."
DEFAULT_PRESENTATION_LIMIT = 10


def anywhere_on_earth_today():
    """Today's date at UTC−12, the last place on Earth where a day ends ("Anywhere on Earth").

    A meeting counts as past only once its last day is over everywhere, whatever its zone.
    """
    return (timezone.now() - timedelta(hours=12)).date()


def clock_change_message(error, clock, zone_name):
    """Why the wall-clock ``clock`` (a ``time``) cannot be used on a day in ``zone_name``, in
    the secretariat's words; ``error`` is the ``running_order.NonexistentLocalTime`` or
    ``AmbiguousLocalTime`` that ``running_order.local_datetime`` raised."""
    values = {"time": clock.strftime("%H:%M"), "zone": zone_name}
    if isinstance(error, running_order.NonexistentLocalTime):
        return (
            _(
                "%(time)s does not exist on that day in %(zone)s: the clocks go forward. Choose a "
                "time outside the skipped hour."
            )
            % values
        )
    return (
        _(
            "%(time)s happens twice on that day in %(zone)s: the clocks go back. Choose a time "
            "outside the repeated hour."
        )
        % values
    )


def errors_beside_fields(error, fields_by_code):
    """Move non-field errors to the field they concern, chosen by the error's code.

    ``error`` is a ``ValidationError``; ``fields_by_code`` maps an error code (a constraint's
    ``violation_error_code``) to a field name. Returns a new ``ValidationError`` keyed by field,
    so that the admin shows each message beside its input.
    """
    if not hasattr(error, "error_dict"):
        return error
    moved = {}
    for field, field_errors in error.error_dict.items():
        for field_error in field_errors:
            target = field
            if field == NON_FIELD_ERRORS:
                target = fields_by_code.get(field_error.code, field)
            moved.setdefault(target, []).append(field_error)
    return ValidationError(moved)


class MeetingQuerySet(models.QuerySet):
    """Meetings as the public and the secretariat see them."""

    def public(self):
        return self.filter(status=Meeting.Status.PUBLIC)

    def visible_to(self, user):
        """All meetings for staff (to preview drafts), public ones for everyone else."""
        return self if user.is_staff else self.public()

    def upcoming(self):
        """Meetings whose last day is not yet over anywhere on Earth, soonest first."""
        return self.filter(end_date__gte=anywhere_on_earth_today()).order_by("start_date", "pk")

    def past(self):
        """Meetings that are over everywhere, most recent first."""
        return self.filter(end_date__lt=anywhere_on_earth_today()).order_by("-start_date", "-pk")


class MeetingStatus(models.TextChoices):
    """Whether the public can see a meeting."""

    DRAFT = "draft", _("Draft (secretariat only)")
    PUBLIC = "public", _("Public")


class Meeting(models.Model):
    """An intergovernmental meeting (e.g. a coordination meeting) holding one or more panels."""

    Status = MeetingStatus

    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    slug = models.SlugField(
        _("short name in web addresses"),
        max_length=100,
        unique=True,
        help_text=_("Letters, digits and hyphens, e.g. “cm15-migration-2017”."),
    )
    organiser = models.CharField(
        _("organiser"), max_length=300, blank=True, validators=[validate_single_line]
    )
    venue = models.CharField(
        _("venue"), max_length=300, blank=True, validators=[validate_single_line]
    )
    start_date = models.DateField(
        _("first day"),
        validators=DATE_RANGE_VALIDATORS,
        help_text=_("In the meeting's local time."),
    )
    end_date = models.DateField(
        _("last day"),
        validators=DATE_RANGE_VALIDATORS,
        help_text=_("In the meeting's local time."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "The IANA time zone of the venue, e.g. America/New_York or Europe/Zurich (Geneva). "
            "All panel times are entered and shown in this zone."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text=_("Draft meetings and their panels are hidden from the public."),
    )
    secretariat_email = models.EmailField(
        _("secretariat's email address"),
        blank=True,
        help_text=_("Panellists' answers are sent here. Never shown publicly."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="meeting_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values),
                name="meeting_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DATE, end_date__lte=LATEST_DATE),
                name="meeting_dates_in_range",
                violation_error_message=_("Meeting days fall between 1900 and 2199."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Save; when the time zone or venue changed, every panel's calendar entry is revised
        (``Panel.sequence`` grows, RFC 5545 §3.8.7.4), since its times or place changed."""
        changed = (
            self.pk is not None
            and Meeting.objects.filter(pk=self.pk)
            .exclude(time_zone=self.time_zone, venue=self.venue)
            .exists()
        )
        super().save(*args, **kwargs)
        if changed:
            self.panels.update(sequence=F("sequence") + 1, modified_at=timezone.now())

    def get_absolute_url(self):
        return reverse("panels:meeting-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def zone(self):
        """The meeting's ``ZoneInfo`` (raises ``ZoneInfoNotFoundError`` for an invalid name)."""
        return ZoneInfo(self.time_zone)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLIC

    def has_valid_time_zone(self):
        """Whether ``time_zone`` names an IANA zone (so that ``zone`` can be used)."""
        try:
            validate_time_zone(self.time_zone)
        except ValidationError:
            return False
        return True


class PanelQuerySet(models.QuerySet):
    """Panels, with the prefetches each public page needs in one place."""

    def published(self):
        """Panels the public may see: published, in a public meeting."""
        return self.filter(is_published=True, meeting__status=Meeting.Status.PUBLIC)

    def visible_to(self, user):
        """Every panel for staff (preview), published ones for everyone else."""
        return self if user.is_staff else self.published()

    def for_export(self):
        """Published panels with what calendars and schedule.json read of them (meeting,
        people, concept note sections), so that an export runs no query per panel."""
        return (
            self.published().select_related("meeting").with_people().prefetch_related("sections")
        )

    def in_programme_order(self):
        return self.order_by("date", "start_time", "end_time", "pk")

    def with_planned_minutes(self):
        """Annotate ``planned_minutes``: the running order's total duration (0 if empty)."""
        return self.annotate(planned_minutes=Coalesce(Sum("segments__duration_minutes"), 0))

    def with_people(self):
        """Prefetch panellists in order of appearance with their person."""
        return self.prefetch_related(
            models.Prefetch(
                "panellists",
                queryset=Panellist.objects.select_related("person").order_by("order", "pk"),
            )
        )

    def with_running_order(self):
        """Prefetch segments in running order with their speaker's person and panel.

        The speaker's panel is joined so that ``Panellist.is_public``, which reads it, runs no
        query per segment.
        """
        return self.prefetch_related(
            models.Prefetch(
                "segments",
                queryset=Segment.objects.select_related(
                    "speaker__person", "speaker__panel"
                ).order_by("order", "pk"),
            )
        )


class PanelStatus(models.TextChoices):
    """Whether a panel takes place. A cancelled panel stays on the programme, marked so."""

    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class PanellistDisplay(models.TextChoices):
    """Which panellists a panel's public pages show (declined and withdrawn ones never)."""

    EVERYONE = "everyone", _("Everyone invited, marked “to be confirmed” until they confirm")
    CONFIRMED = "confirmed", _("Only panellists who have confirmed")


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
    # each change of the panel's time, place or status (``save``).
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

    # What a calendar entry of the panel shows of its time and place (``save``).
    CALENDAR_FIELDS = ("date", "start_time", "end_time", "room", "status", "meeting_id")

    def save(self, *args, **kwargs):
        """Save; when the time, place or status changed, revise the calendar entry: ``sequence``
        grows by one (RFC 5545 §3.8.7.4), so calendars that imported it take the change."""
        if self.pk is not None and not self._state.adding:
            stored = Panel.objects.filter(pk=self.pk).values(*self.CALENDAR_FIELDS, "sequence")
            stored = stored.first()
            if stored and any(
                stored[name] != getattr(self, name) for name in self.CALENDAR_FIELDS
            ):
                self.sequence = stored["sequence"] + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

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

        The rule (issue 3): a running order that overruns the slot is not published.
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
        """The running order's total against the slot in words: "85 of 90 minutes" etc."""
        usage = self.slot_usage()
        if usage.overrun:
            return ngettext(
                "%(planned)d of %(slot)d minutes: over by %(over)d minute",
                "%(planned)d of %(slot)d minutes: over by %(over)d minutes",
                usage.overrun,
            ) % {"planned": usage.planned, "slot": usage.slot, "over": usage.overrun}
        return ngettext(
            "%(planned)d of %(slot)d minute", "%(planned)d of %(slot)d minutes", usage.slot
        ) % {"planned": usage.planned, "slot": usage.slot}


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


class Honorific(models.TextChoices):
    """Forms of address used in UN programmes."""

    MR = "Mr.", _("Mr.")
    MS = "Ms.", _("Ms.")
    MX = "Mx.", _("Mx.")
    DR = "Dr.", _("Dr.")
    PROF = "Prof.", _("Prof.")
    HE = "H.E.", _("H.E.")
    HE_MR = "H.E. Mr.", _("H.E. Mr.")
    HE_MS = "H.E. Ms.", _("H.E. Ms.")
    AMB = "Amb.", _("Amb.")
    __empty__ = _("(none)")


class Person(models.Model):
    """Someone who speaks at or runs a panel. The email address is never shown publicly."""

    Honorific = Honorific

    honorific = models.CharField(
        _("honorific"), max_length=10, choices=Honorific, blank=True, default=""
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("As the person writes it, in any script."),
    )
    position = models.CharField(
        _("position"), max_length=300, blank=True, validators=[validate_single_line]
    )
    organisation = models.CharField(
        _("organisation"), max_length=300, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(
        _("email address"), blank=True, help_text=_("For the secretariat only; never shown.")
    )
    bio = models.TextField(_("short bio"), blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(honorific__in=[*Honorific.values, ""]),
                name="person_honorific_valid",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name with its honorific, e.g. "H.E. Ms. Amina Example"."""
        if self.honorific:
            return f"{self.get_honorific_display()} {self.name}"
        return self.name


class Role(models.TextChoices):
    """A panellist's part in a panel."""

    MODERATOR = "moderator", _("Moderator")
    CHAIR = "chair", _("Chair")
    KEYNOTE_SPEAKER = "keynote", _("Keynote speaker")
    PANELLIST = "panellist", _("Panellist")
    DISCUSSANT = "discussant", _("Discussant")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


class AnswerStatus(models.TextChoices):
    """Where a panellist's invitation stands."""

    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A place's answer and personal link, as they are before any invitation (``Panellist.save``).
ANSWER_CLEARED = {
    "status": AnswerStatus.INVITED,
    "responded_at": None,
    "decline_reason": "",
    "note_to_secretariat": "",
    "confirmed_times": None,
    "link_hash": "",
}


class Panellist(models.Model):
    """A person's place on one panel: their role, order of appearance and answer.

    Rules (database constraints, explained by ``validate_constraints``): a person sits on a panel
    at most once; a panel has at most one moderator.
    """

    Role = Role

    Status = AnswerStatus

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="panellists", verbose_name=_("panel")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="panel_places", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PANELLIST)
    order = models.PositiveSmallIntegerField(
        _("order of appearance"), default=0, help_text=_("Lower numbers appear first.")
    )
    presentation_title = models.CharField(
        _("presentation title"), max_length=500, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("confirmation status"), max_length=20, choices=Status, default=Status.INVITED
    )
    responded_at = models.DateTimeField(
        _("answered at"),
        null=True,
        blank=True,
        help_text=_("When the panellist confirmed, declined or withdrew."),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    note_to_secretariat = models.TextField(_("note to the secretariat"), blank=True)
    # The personal link's secret is never stored: only its SHA-256, compared in constant time
    # (services.panellist_for_link). Empty when no link is valid.
    link_hash = models.CharField(
        _("personal link (hash)"), max_length=64, blank=True, default="", editable=False
    )
    link_issued_at = models.DateTimeField(
        _("personal link issued at"), null=True, blank=True, editable=False
    )
    # The slot's times as the panellist last confirmed or was told them (services.slot_times),
    # so that a change of time can be announced to them once (services.time_changes).
    confirmed_times = models.JSONField(_("times confirmed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("panellist")
        verbose_name_plural = _("panellists")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "person"],
                name="panellist_once_per_panel",
            ),
            models.UniqueConstraint(
                fields=["panel"],
                condition=Q(role="moderator"),
                name="panel_has_one_moderator",
                violation_error_code="one_moderator",
                violation_error_message=_(
                    "This panel already has a moderator. Change that person's role first."
                ),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="panellist_role_valid"),
            models.UniqueConstraint(
                fields=["link_hash"], condition=~Q(link_hash=""), name="panellist_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AnswerStatus.values), name="panellist_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        """Save; when the place passes to another person or another panel, the answer and the
        personal link given for the old one are dropped (status back to invited, reason, note
        and confirmed times cleared, link revoked), so that nobody answers, or is shown as
        having answered, for a person or a slot they were not invited as (issue 4)."""
        if self.pk is not None and not self._state.adding:
            stored = Panellist.objects.filter(pk=self.pk).values("panel_id", "person_id").first()
            if stored and (stored["panel_id"], stored["person_id"]) != (
                self.panel_id,
                self.person_id,
            ):
                for name, value in ANSWER_CLEARED.items():
                    setattr(self, name, value)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], *ANSWER_CLEARED}
        super().save(*args, **kwargs)

    def unique_error_message(self, model_class, unique_check):
        if set(unique_check) == {"panel", "person"}:
            return ValidationError(
                _("This person is already on this panel; a person can have only one place."),
                code="unique_together",
            )
        return super().unique_error_message(model_class, unique_check)

    def validate_constraints(self, exclude=None):
        """Check the database constraints, reporting each next to the field it concerns."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise errors_beside_fields(
                error, {"one_moderator": "role", "unique_together": "person"}
            ) from error

    @property
    def is_moderator(self):
        return self.role == self.Role.MODERATOR

    @property
    def is_on_programme(self):
        """Whether this panellist is expected to speak: not after declining or withdrawing."""
        return self.status not in {AnswerStatus.DECLINED, AnswerStatus.WITHDRAWN}

    @property
    def is_public(self):
        """Whether the public pages show this panellist (issue 4, item 5).

        Never after declining or withdrawing; before confirming only when the panel shows
        everyone (``Panel.panellist_display``), marked "to be confirmed". Reads ``self.panel``,
        which the panel's prefetches fill in without a query.
        """
        if not self.is_on_programme:
            return False
        return (
            self.status == AnswerStatus.CONFIRMED
            or self.panel.panellist_display == PanellistDisplay.EVERYONE
        )

    @property
    def is_to_be_confirmed(self):
        """Whether the panellist has not confirmed yet (shown as "to be confirmed")."""
        return self.status == AnswerStatus.INVITED


class SegmentKind(models.TextChoices):
    """What happens in a segment of the running order."""

    OPENING = "opening", _("Opening remarks")
    PRESENTATION = "presentation", _("Presentation")
    DISCUSSION = "discussion", _("Discussion / Q&A")
    CONCLUDING = "concluding", _("Concluding remarks")
    BREAK = "break", _("Break")
    OTHER = "other", _("Other")


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


class SendingKind(models.TextChoices):
    """Why an email was sent."""

    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    TIME_CHANGE = "time_change", _("New time")
    ANSWER_NOTICE = "answer_notice", _("Answer, to the secretariat")


class Sending(models.Model):
    """One email about a panellist's place, sent or attempted: the record issue 4 asks for.

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
