"""Meeting teams in the admin: each page, list, choice and action of a meeting's records is
open only to the meeting's team (``panels.rules``); superusers see everything.

- ``TeamChoicesMixin`` (every ``ModelAdmin`` and inline): a box choosing a meeting, a panel, a
  panellist or a person offers only those of the user's teams (a tampered key outside them is
  "not one of the available choices"), so nothing is added to another team's meeting.
- ``MeetingTeamMixin`` (the ``ModelAdmin`` of meetings, panels, panellists and people): the
  list, its filters, its actions, its exports and the autocomplete boxes that search it hold
  only the team's records (a person's box also finds people the public sees already, by
  name); a page of another team's record answers 403; and whether a record
  may be viewed, changed or deleted is asked of the record (django-rules' object permissions).
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from ..models import Person
from ..models.querysets import in_team_of
from ..rules import MEETING_LOOKUPS
from .keys import usable_key


def team_records(queryset, user, *, choosing=False):
    """``queryset`` narrowed to the records of the meetings whose team ``user`` is on; as it
    is for other models. People: those of the teams (``PersonQuerySet.of_team``), or, when
    ``choosing`` someone for a place, also those the public sees already
    (``visible_to_team``)."""
    if queryset.model is Person:
        return queryset.visible_to_team(user) if choosing else queryset.of_team(user)
    lookup = MEETING_LOOKUPS.get(queryset.model)
    return queryset if lookup is None else queryset.filter(in_team_of(user, lookup))


class TeamChoicesMixin:
    """For a ``ModelAdmin`` or an inline: the choices of a relation to a meeting, panel,
    panellist or person are those of the user's teams (``team_records``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = team_records(formfield.queryset, request.user, choosing=True)
        return formfield


class MeetingTeamMixin(ObjectPermissionsModelAdminMixin, TeamChoicesMixin):
    """For the ``ModelAdmin`` of a model the teams hold (see the module's docstring)."""

    def get_queryset(self, request):
        return team_records(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        """An autocomplete box choosing a person searches everyone who may be chosen
        (``team_records(choosing=True)``), not only the people of the user's teams."""
        if request.path == reverse("admin:autocomplete") and queryset.model is Person:
            queryset = team_records(self.model._default_manager.all(), request.user, choosing=True)
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        """Viewing, as in Django's admin, is also open to whoever may change (the rules'
        mixin asks for the view permission only)."""
        return super().has_view_permission(request, obj) or self.has_change_permission(
            request, obj
        )

    def get_object(self, request, object_id, from_field=None):
        """The record, when it is the user's team's; 403 when it exists but belongs to
        another team's meeting; ``None`` (the admin says it does not exist) otherwise,
        a key that cannot be looked up (``keys.usable_key``) included."""
        field = self.model._meta.get_field(from_field) if from_field else self.model._meta.pk
        key = unquote(object_id)
        if not usable_key(field, key):
            return None
        record = super().get_object(request, object_id, from_field)
        if (
            record is None
            and self.model._default_manager.filter(**{field.name: field.to_python(key)}).exists()
        ):
            raise PermissionDenied
        return record
