"""Proposed changes: a panellist's corrections to their own details, given through their
personal link, waiting for the secretariat to accept or reject them.

A correction never overwrites what the secretariat saved, nor is it overwritten by a save of
the person's page: it is kept here, with the value it was made against, until an officer
decides (``services.decide_proposed_changes``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ProposalField, ProposalStatus
from .people import Panellist, Person
from .querysets import ProposedChangeQuerySet


class ProposedChange(models.Model):
    """One field of a panellist's details as they would have it.

    ``person`` is the person on the place when it was proposed: the proposal is theirs, and
    stands only while they hold the place. ``field`` names a field of the person (position,
    organisation, short bio: accepting it changes ``person``) or of the place (presentation
    title); ``value`` is the proposed value and ``previous`` the value shown to them when they
    proposed it. A panellist has at most one pending proposal per field: a newer one replaces
    it (status ``superseded``).
    """

    Field = ProposalField
    Status = ProposalStatus

    # The fields that belong to the person (shared by all their places); the others are the
    # place's own.
    PERSON_FIELDS = frozenset({Field.POSITION, Field.ORGANISATION, Field.BIO})

    panellist = models.ForeignKey(
        Panellist,
        on_delete=models.CASCADE,
        related_name="proposed_changes",
        verbose_name=_("proposed by"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="proposed_changes",
        verbose_name=_("person"),
        help_text=_("Who proposed it: the person on the place when it was proposed."),
    )
    field = models.CharField(_("field"), max_length=30, choices=Field)
    value = models.TextField(_("proposed value"), blank=True)
    previous = models.TextField(_("value when proposed"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = ProposedChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panellist", "field"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_field",
            ),
            models.CheckConstraint(
                condition=Q(field__in=["position", "organisation", "bio", "presentation_title"]),
                name="proposed_change_field_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "rejected", "superseded"]),
                name="proposed_change_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | ~Q(status="pending") & Q(decided_at__isnull=False),
                name="proposed_change_decided_when_not_pending",
            ),
        ]

    def __str__(self):
        return str(self.get_field_display())

    @property
    def is_about_person(self):
        """Whether the field is the person's (shown on every panel they are on)."""
        return self.field in self.PERSON_FIELDS

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def stands(self):
        """Whether it is pending and its proposer still holds the place (reads
        ``panellist``)."""
        return self.is_pending and self.panellist.person_id == self.person_id
