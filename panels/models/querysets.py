"""The models' QuerySets: the questions the app asks of the database, in its own words.

Each model module imports this one for its manager, so nothing here imports a model module: a
QuerySet reaches a related model through the relation's name (``_related``) and reads the
choices from ``choices``.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import MeetingStatus


def anywhere_on_earth_today():
    """Today's date at UTC−12, the last place on Earth where a day ends ("Anywhere on Earth").

    A meeting counts as past only once its last day is over everywhere, whatever its zone.
    """
    return (timezone.now() - timedelta(hours=12)).date()


def _related(queryset, name):
    """The default manager of the model at the other end of ``queryset``'s relation ``name``
    (e.g. ``"panellists"`` of a panel: ``Panellist.objects``)."""
    return queryset.model._meta.get_field(name).related_model._default_manager


class MeetingQuerySet(models.QuerySet):
    """Meetings as the public and the secretariat see them."""

    def public(self):
        return self.filter(status=MeetingStatus.PUBLIC)

    def visible_to(self, user):
        """All meetings for staff (to preview drafts), public ones for everyone else."""
        return self if user.is_staff else self.public()

    def upcoming(self):
        """Meetings whose last day is not yet over anywhere on Earth, soonest first."""
        return self.filter(end_date__gte=anywhere_on_earth_today()).order_by("start_date", "pk")

    def past(self):
        """Meetings that are over everywhere, most recent first."""
        return self.filter(end_date__lt=anywhere_on_earth_today()).order_by("-start_date", "-pk")


class PanelQuerySet(models.QuerySet):
    """Panels, with the prefetches each public page needs in one place."""

    def published(self):
        """Panels the public may see: published, in a public meeting."""
        return self.filter(is_published=True, meeting__status=MeetingStatus.PUBLIC)

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
                queryset=_related(self, "panellists")
                .select_related("person")
                .order_by("order", "pk"),
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
                queryset=_related(self, "segments")
                .select_related("speaker__person", "speaker__panel")
                .order_by("order", "pk"),
            )
        )
