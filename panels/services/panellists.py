"""A person's place on a panel: saving it (a place handed to another person or panel starts
afresh), removing it, and what becomes of the segments of people removed or replaced."""

from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..models import ANSWER_CLEARED, Panel, Panellist, Person, Segment, SegmentSpeaker
from .locking import bump_panel_versions, changing_panels, lock_panels


@transaction.atomic
def save_panellist(
    panellist, *, previous_panel=None, update_fields=None, force_insert=False, raise_versions=True
):
    """Save ``panellist``, its panel locked first; with ``raise_versions`` (the default), the
    versions of its panel and of ``previous_panel`` (the panel it is moved from, or its key)
    are raised, so that open copies of their pages cannot overwrite the change. (A row saved
    from the panel's own page leaves that to the page's save of the panel.)

    When the place passes to another person or another panel, the answer and the personal link
    given for the old one are dropped (``models.ANSWER_CLEARED``: status back to invited,
    reason, note and confirmed times cleared, link revoked), so that nobody answers, or is
    shown as having answered, for a person or a slot they were not invited as.
    ``update_fields`` and ``force_insert`` as for ``Model.save``. Returns the panellist.
    """
    panels = [panellist.panel_id, getattr(previous_panel, "pk", previous_panel)]
    lock_panels(panels)
    if raise_versions:
        bump_panel_versions(panels)
    if panellist.pk is not None and not panellist._state.adding:
        stored = Panellist.objects.filter(pk=panellist.pk).values("panel_id", "person_id").first()
        if stored and (stored["panel_id"], stored["person_id"]) != (
            panellist.panel_id,
            panellist.person_id,
        ):
            for name, value in ANSWER_CLEARED.items():
                setattr(panellist, name, value)
            if update_fields is not None:
                update_fields = {*update_fields, *ANSWER_CLEARED}
    panellist.save(update_fields=update_fields, force_insert=force_insert)
    return panellist


save_panellist.alters_data = True


@transaction.atomic
def delete_panellists(panellists):
    """Delete ``panellists`` (a QuerySet), raising their panels' versions first. Their
    segments stay in the running order without them (their ``SegmentSpeaker`` rows go)."""
    with changing_panels(Panel.objects.filter(pk__in=panellists.values("panel_id"))):
        panellists.delete()


delete_panellists.alters_data = True


def hand_over_moderation(panellists):
    """Make the panellists ``panellists`` (keys) plain panellists, before the rows that take
    the moderator's role are saved: the database allows one moderator per panel at every
    moment, so a swap of roles saves in either order once the outgoing one is demoted."""
    demoted = list(
        Panellist.objects.filter(pk__in=list(panellists)).exclude(role=Panellist.Role.PANELLIST)
    )
    for place in demoted:
        place.role = Panellist.Role.PANELLIST
    bulk_update_with_history(demoted, Panellist, ["role"])


hand_over_moderation.alters_data = True


@dataclass
class SpeakerChanges:
    """What became of the segments of panellists removed or replaced on a panel's page:
    ``removed`` pairs a removed panellist with the segments kept with no speaker left;
    ``replaced`` gives (the panellist now, the person before, the segments the new person
    takes over). Only panellists with such segments are listed."""

    removed: list = field(default_factory=list)
    replaced: list = field(default_factory=list)


def spoken_segments(panellists):
    """The keys of the segments each of ``panellists`` (keys) speaks: a dict key → list."""
    spoken = {}
    rows = SegmentSpeaker.objects.filter(panellist__in=list(panellists))
    for panellist, segment in rows.order_by("segment", "pk").values_list("panellist", "segment"):
        spoken.setdefault(panellist, []).append(segment)
    return spoken


def speaker_changes(removed, replaced, spoken):
    """After the panel's rows were saved: the segments of ``removed`` panellists (a dict key →
    the panellist as it was) that the running order keeps, and those that the new person of
    each ``replaced`` panellist (a dict key → (the panellist, the previous person's key))
    takes over. ``spoken`` is ``spoken_segments`` read before the save. Returns
    ``SpeakerChanges``."""
    result = SpeakerChanges()
    for pk, place in removed.items():
        kept = list(Segment.objects.filter(pk__in=spoken.get(pk, []), speaking__isnull=True))
        if kept:
            result.removed.append((place, kept))
    if replaced:
        people = Person.objects.in_bulk([person for _place, person in replaced.values()])
        for pk, (place, person) in replaced.items():
            taken = list(Segment.objects.filter(pk__in=spoken.get(pk, [])).spoken_by([place]))
            if taken:
                result.replaced.append((place, people[person], taken))
    return result
