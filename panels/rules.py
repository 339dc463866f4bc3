"""Meeting teams: who may act on which meeting's records, as django-rules object permissions.

Two questions, two answers:

- ``user.has_perm("panels.change_panel")``, with no record, asks whether the user does this
  kind of work at all. Django's ``ModelBackend`` answers from the user's groups and
  permissions: the "Secretariat" group (made by migration 0015) holds those of the job.
- ``user.has_perm("panels.change_panel", panel)`` asks about one record. The rules below answer
  it: the same model permission, and the record's meeting has the user on its team
  (``Meeting.team_users``, ``Meeting.team_groups``). People are shared by every meeting: a
  person belongs to the teams of the meetings they have a place in, and to every team while
  they have no place (``PersonQuerySet.of_team``).

Active superusers pass both (Django's rule: they hold every permission). Each rule runs one
query. The admin asks these questions through ``admin.teams.MeetingTeamMixin``; the public
pages and the secretariat's tools filter with the same ``in_team_of`` condition.
"""

import rules

from .models import Meeting, Panel, Panellist, Person, Room
from .models.querysets import in_team_of

# The group with the permissions of the secretariat's job (made by migration 0015).
SECRETARIAT_GROUP = "Secretariat"

# The lookup from each model the teams hold to its meeting's key (``querysets.in_team_of``).
MEETING_LOOKUPS = {
    Meeting: "pk",
    Room: "meeting",
    Panel: "meeting",
    Panellist: "panel__meeting",
}


def on_team(user, record):
    """Whether ``record`` (a meeting, room, panel or panellist) belongs to a meeting whose team
    ``user`` is on. ``False`` for no record or a record not saved yet: whether someone may
    add records at all is the model permission's question."""
    if record is None or record.pk is None:
        return False
    manager = type(record)._default_manager
    return manager.filter(in_team_of(user, MEETING_LOOKUPS[type(record)]), pk=record.pk).exists()


def person_in_scope(user, person):
    """Whether ``user`` may see, change and delete ``person`` (``PersonQuerySet.of_team``:
    people of another team's meetings, even public ones, are that team's to see with their
    addresses; they can still be chosen for a place, ``visible_to_team``)."""
    if person is None or person.pk is None:
        return False
    return Person.objects.filter(pk=person.pk).of_team(user).exists()


def team_rule(permission, in_scope):
    """A predicate granting ``permission`` (``"panels.change_panel"``) on a record when the
    user holds the model permission and ``in_scope(user, record)``."""

    @rules.predicate(name=f"{permission} in the user's meeting teams")
    def allowed(user, record=None):
        return record is not None and user.has_perm(permission) and in_scope(user, record)

    return allowed


def _register():
    for model in MEETING_LOOKUPS:
        for action in ("view", "change", "delete"):
            permission = f"panels.{action}_{model._meta.model_name}"
            rules.add_perm(permission, team_rule(permission, on_team))
    for action in ("view", "change", "delete"):
        permission = f"panels.{action}_person"
        rules.add_perm(permission, team_rule(permission, person_in_scope))


_register()
