"""Meetings: the intergovernmental meetings that hold the panels.

Their dates are wall-clock days in the meeting's IANA time zone (``time_zone``).
"""

from zoneinfo import ZoneInfo

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..validators import UNVERIFIED_ZONE, validate_single_line, validate_time_zone
from .choices import (
    DATE_RANGE_VALIDATORS,
    EARLIEST_DATE,
    LATEST_DATE,
    Language,
    MeetingFormat,
    MeetingStatus,
)
from .history import HistoricalActor, History
from .querysets import MeetingQuerySet

# The longest meeting: a regular session of the Human Rights Council runs about five weeks;
# more than this is a typing mistake in a year (2062 for 2026).
MAX_DAYS = 92


def validate_languages(value):
    """``value`` is a list of distinct ``Language`` codes (raises ``ValidationError``; its
    codes are not "invalid", which ``JSONField`` would reword as "not valid JSON")."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Choose languages from the list."), code="not_languages")
    unknown = [code for code in value if code not in Language.values]
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_language",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each language once."), code="language_twice")


class Meeting(models.Model):
    """An intergovernmental meeting (e.g. a coordination meeting) holding one or more
    sessions (``Panel``), on one or more days, in the rooms of its venue (``Room``).

    ``body`` and ``body_session`` say what it belongs to ("Human Rights Council", "31st regular
    session"); ``format``, ``webcast_url`` and ``interpretation_languages`` how to follow it.
    """

    Status = MeetingStatus

    Format = MeetingFormat

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
    body = models.CharField(
        _("body"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The body the meeting belongs to, e.g. “Human Rights Council”."),
    )
    body_session = models.CharField(
        _("session of the body"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("E.g. “31st regular session”."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat, default=MeetingFormat.IN_PERSON
    )
    webcast_url = models.URLField(
        _("webcast"),
        blank=True,
        help_text=_("Where the public can watch, e.g. the meeting's page on UN Web TV."),
    )
    interpretation_languages = models.JSONField(
        _("interpretation"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_("The languages the meeting is interpreted into."),
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
    team_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meeting_teams",
        verbose_name=_("team members"),
        help_text=_(
            "Staff who prepare this meeting: they see and edit its drafts, sessions, people, "
            "answers and exports. Superusers see every meeting."
        ),
    )
    team_groups = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="meeting_teams",
        verbose_name=_("team groups"),
        help_text=_("Every member of these groups is on the meeting's team."),
    )
    version = AutoIncVersionField(_("version"), help_text=_("Changes on every save."))

    objects = MeetingQuerySet.as_manager()
    history = History(bases=[HistoricalActor], excluded_fields=["version"])

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
            models.CheckConstraint(
                condition=Q(format__in=MeetingFormat.values), name="meeting_format_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("panels:meeting-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        elif (
            self.start_date
            and self.end_date
            and (self.end_date - self.start_date).days >= MAX_DAYS
        ):
            errors["end_date"] = _(
                "A meeting lasts at most %(days)d days: check the year of its first and last day."
            ) % {"days": MAX_DAYS}
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self):
        """The meeting's ``ZoneInfo``; ``validators.UNVERIFIED_ZONE`` when ``time_zone`` is
        not a valid IANA name (then the pages show the stored wall-clock times, marked as not
        verified, and the exports and the arithmetic of instants refuse; see
        ``has_valid_time_zone``)."""
        if not self.has_valid_time_zone():
            return UNVERIFIED_ZONE
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


class Room(models.Model):
    """A named room of a meeting's venue ("Conference Room 4", "Salle XX"), where sessions take
    place; sessions in different rooms may run in parallel."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Rooms are listed in this order, side by side.")
    )

    history = History(bases=[HistoricalActor])

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "name"],
                name="room_name_once_per_meeting",
                violation_error_message=_("This meeting already has a room of that name."),
            ),
        ]

    def __str__(self):
        return self.name
