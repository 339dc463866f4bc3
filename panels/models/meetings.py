"""Meetings: the intergovernmental meetings that hold the panels.

Their dates are wall-clock days in the meeting's IANA time zone (``time_zone``).
"""

from functools import cached_property
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..validators import validate_single_line, validate_time_zone
from .choices import DATE_RANGE_VALIDATORS, EARLIEST_DATE, LATEST_DATE, MeetingStatus
from .querysets import MeetingQuerySet


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
