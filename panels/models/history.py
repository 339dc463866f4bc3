"""Who made a change recorded in a model's history (django-simple-history).

Every historical record (``Person.history``, ``Panel.history``, …) carries, besides
simple-history's ``history_user`` (the officer signed in, or nobody), the kind of actor that
made the change (``ActorKind``) and, where the user does not say it, their name: the
panellist who answered through their personal link, the command that ran. Both come from the
actor in force when the record is made (``services.history.recording``); without one, a
change made by a signed-in user is an officer's, any other is "other".

The values are the fields' defaults (callables reading the actor in force), so that records
made in bulk (``bulk_create_with_history``) carry them as records made by ``save`` do. A
change saved with a user named (``obj._history_user``, as services do for the officer acting
outside a request) is an officer's unless another actor is in force.

``History`` is simple-history's ``HistoricalRecords`` but for saves that change no recorded
value (a personal link issued, the times last told to a panellist, a row saved unchanged):
they make no record, so that each record of a history is a change an officer can read.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class ActorKind(models.TextChoices):
    """Who made a change."""

    OFFICER = "officer", _("Officer")
    LINK = "link", _("Panellist through their personal link")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Command")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class Actor:
    """The actor in force: its ``kind`` and, for a panellist or a command, its ``name``."""

    kind: str
    name: str = ""


ACTOR = ContextVar("panels_history_actor", default=None)


def _request_user():
    """The user signed in for the request being served (``HistoryRequestMiddleware``), or
    ``None``."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def current_actor_kind():
    """The ``ActorKind`` value of the actor in force (the default of ``history_actor``)."""
    actor = ACTOR.get()
    if actor is not None:
        return actor.kind
    return ActorKind.OFFICER if _request_user() is not None else ActorKind.OTHER


def current_actor_name():
    """The name of the actor in force ("" when the user names it; the default of
    ``history_actor_name``)."""
    actor = ACTOR.get()
    return actor.name if actor is not None else ""


class HistoricalActor(models.Model):
    """The fields every historical record adds: who made the change (``bases`` of each
    model's ``HistoricalRecords``)."""

    history_actor = models.CharField(
        _("made by"), max_length=20, choices=ActorKind, default=current_actor_kind
    )
    history_actor_name = models.CharField(
        _("actor's name"),
        max_length=300,
        blank=True,
        default=current_actor_name,
        help_text=_("The panellist or the command that made the change."),
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _officer_named_by_the_save(sender, history_instance, history_user, **kwargs):
    """A record whose user was named by the save (not by the request) and for which no actor
    is in force is the officer's."""
    if (
        isinstance(history_instance, HistoricalActor)
        and history_user is not None
        and ACTOR.get() is None
    ):
        history_instance.history_actor = ActorKind.OFFICER


class History(HistoricalRecords):
    """``HistoricalRecords`` recording a save only when it adds the row or changes one of the
    values recorded (compared with the newest record; one query per save)."""

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and not self.changes_recorded_values(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def changes_recorded_values(self, instance):
        """Whether ``instance`` (just saved) differs from its newest record, or has none."""
        newest = getattr(instance, self.manager_name).first()
        if newest is None:
            return True
        return any(
            _recorded(field, instance) != _recorded(field, newest)
            for field in self.fields_included(instance)
        )


def _recorded(field, row):
    """``row``'s value of ``field``, with a language not given yet (``None``, as
    modeltranslation stores it) the same as one left empty in a form (``""``)."""
    value = getattr(row, field.attname)
    if value is None and hasattr(field, "translated_field"):
        return ""
    return value
