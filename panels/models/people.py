"""People and their places on panels (``Panellist``): role, order of appearance and answer."""

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from ..validators import validate_single_line
from .choices import (
    MAX_BIO_LENGTH,
    MAX_MESSAGE_LENGTH,
    OFF_PROGRAMME,
    AnswerStatus,
    Attendance,
    Honorific,
    PanellistDisplay,
    Role,
    SiteLanguage,
    label_method,
)
from .errors import errors_beside_fields
from .history import HistoricalActor, History
from .panels import Panel
from .querysets import PanellistQuerySet, PersonQuerySet


def with_honorific(honorific, name):
    """``name`` with ``honorific`` (both str, or safe HTML) where the active language writes
    it: "Ms. Amina Example", "Amina Example女士"."""
    return pgettext(
        "a person's name with its honorific, e.g. Ms. Amina Example; put the "
        "honorific where the language writes it",
        "%(honorific)s %(name)s",
    ) % {"honorific": honorific, "name": name}


class Person(models.Model):
    """Someone who speaks at or runs a panel. The email address is never shown publicly.

    Emails to them and the answer page their personal link opens are in their
    ``preferred_language`` (``language``).
    """

    Honorific = Honorific

    Language = SiteLanguage

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
    bio = models.TextField(
        _("short bio"),
        blank=True,
        max_length=MAX_BIO_LENGTH,
        validators=[MaxLengthValidator(MAX_BIO_LENGTH)],
    )
    preferred_language = models.CharField(
        _("language for emails and the answer page"),
        max_length=10,
        choices=[("", _("The site's default language")), *SiteLanguage.choices],
        blank=True,
        default="",
        help_text=_(
            "The language of the emails this person gets and of the page their personal link "
            "opens. If blank, the site's default language."
        ),
    )
    version = AutoIncVersionField(_("version"), help_text=_("Changes on every save."))

    objects = PersonQuerySet.as_manager()
    history = History(bases=[HistoricalActor], excluded_fields=["version"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(honorific__in=[*Honorific.values, ""]),
                name="person_honorific_valid",
            ),
            models.CheckConstraint(
                condition=Q(preferred_language__in=[*SiteLanguage.values, ""]),
                name="person_preferred_language_valid",
            ),
        ]

    def __str__(self):
        return self.display_name

    get_honorific_display = label_method(Honorific, "honorific")

    @property
    def display_name(self):
        """The name with its honorific, e.g. "H.E. Ms. Amina Example"; the active language
        places the honorific (Chinese writes it after the name: "Amina Example女士")."""
        if self.honorific:
            return with_honorific(self.get_honorific_display(), self.name)
        return self.name

    @property
    def language(self):
        """The language code to write to them in: ``preferred_language``, else the site's
        default (``settings.LANGUAGE_CODE``)."""
        return self.preferred_language or settings.LANGUAGE_CODE


class Panellist(models.Model):
    """A place in one session (a participant): its role, order of appearance, attendance and
    answer, and the person who takes it.

    A place may have no person yet: it is then known by its ``function`` ("Representative of
    France") or shown as "to be announced"; naming the person later keeps the place, its items
    in the running order and its history. Only a place with a person can be invited.

    Rules (database constraints, explained by ``validate_constraints``): a person has at most
    one place in a session (and may speak in any number of its items); a session has at most
    one moderator.
    """

    Role = Role

    Status = AnswerStatus

    Attendance = Attendance

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="panellists", verbose_name=_("panel")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_places",
        verbose_name=_("person"),
        help_text=_("Leave blank for a place to be announced, or known by its function only."),
    )
    function = models.CharField(
        _("function"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "For a place without a named person, e.g. “Representative of France” or “Chair of "
            "the Second Committee”."
        ),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PANELLIST)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance, default=Attendance.IN_PERSON
    )
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
    decline_reason = models.TextField(
        _("reason for declining"),
        blank=True,
        max_length=MAX_MESSAGE_LENGTH,
        validators=[MaxLengthValidator(MAX_MESSAGE_LENGTH)],
    )
    note_to_secretariat = models.TextField(
        _("note to the secretariat"),
        blank=True,
        max_length=MAX_MESSAGE_LENGTH,
        validators=[MaxLengthValidator(MAX_MESSAGE_LENGTH)],
    )
    # The personal link's secret is never stored: only its SHA-256, compared in constant time
    # (services.panellist_for_link). Empty when no link is valid.
    link_hash = models.CharField(
        _("personal link (hash)"), max_length=64, blank=True, default="", editable=False
    )
    link_issued_at = models.DateTimeField(
        _("personal link issued at"), null=True, blank=True, editable=False
    )
    # The slot's times as the panellist last confirmed or was told them (services.slot_times),
    # so that a change of time can be announced to them once (services.notify_time_changes).
    confirmed_times = models.JSONField(_("times confirmed"), null=True, blank=True, editable=False)

    objects = PanellistQuerySet.as_manager()
    # The personal link's hash and the times last told are bookkeeping, not values an officer
    # could put back: restoring a revoked link's hash would open it again.
    history = History(
        bases=[HistoricalActor],
        excluded_fields=["link_hash", "link_issued_at", "confirmed_times"],
    )

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
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="panellist_attendance_valid"
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()})"

    get_role_display = label_method(Role, "role")

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
    def display_name(self):
        """How the programme names this place: the person ("H.E. Ms. Amina Example"), else
        the function ("Representative of France"), else "To be announced"."""
        if self.person_id is not None:
            return self.person.display_name
        return self.function or str(_("To be announced"))

    @property
    def is_named(self):
        """Whether a person takes this place (only then can it be invited)."""
        return self.person_id is not None

    @property
    def is_to_be_announced(self):
        """Whether the place has neither a person nor a function yet."""
        return self.person_id is None and not self.function

    @property
    def email(self):
        """The person's email address, or "" for a place without a person."""
        return self.person.email if self.person_id is not None else ""

    @property
    def is_remote(self):
        """Whether the participant takes part online or by recorded video."""
        return self.attendance != Attendance.IN_PERSON

    @property
    def is_moderator(self):
        return self.role == self.Role.MODERATOR

    @property
    def is_on_programme(self):
        """Whether this panellist is expected to speak: not after declining or withdrawing."""
        return self.status not in OFF_PROGRAMME

    @property
    def is_public(self):
        """Whether the public pages show this panellist.

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
        """Whether a named panellist has not confirmed yet (shown as "to be confirmed"). A place
        without a person has nobody to confirm: it reads "To be announced" or its function;
        nor has a place on a cancelled panel."""
        return (
            self.status == AnswerStatus.INVITED
            and self.person_id is not None
            and not self.panel.is_cancelled
        )
