"""Running orders: generating the standard one from a panel's people, and keeping the
segments numbered."""

from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import running_order
from ..models import MAX_SEGMENT_MINUTES, Panel, Panellist, Segment, SegmentSpeaker
from .history import log_added_rows
from .locking import changing_panels


class RunningOrderExists(Exception):
    """The panel has a running order already; generating one would overwrite it."""


class SessionUntimed(Exception):
    """The session has no slot to fill with the standard running order: its time is not
    published, or it is a break."""


# Roles that run the panel rather than present in it.
NOT_PRESENTING = {Panellist.Role.MODERATOR, Panellist.Role.CHAIR, Panellist.Role.RAPPORTEUR}


def presenters(panellists):
    """Those of ``panellists`` (in order of appearance) who present: expected to speak
    (``Panellist.is_on_programme``) and not running the panel (``NOT_PRESENTING``)."""
    return [
        place for place in panellists if place.is_on_programme and place.role not in NOT_PRESENTING
    ]


def host(panellists):
    """Who speaks a panel's opening and concluding remarks: of ``panellists`` expected to
    speak, the moderator, else the chair, else ``None``."""
    people = [place for place in panellists if place.is_on_programme]
    return next(
        (place for place in people if place.role == Panellist.Role.MODERATOR),
        next((place for place in people if place.role == Panellist.Role.CHAIR), None),
    )


@transaction.atomic
def generate_running_order(panel):
    """Build the standard running order of ``panel`` from its people; returns the segments.

    Follows the seed concept note's "Organization" (``running_order.standard_plan``): the
    moderator's introductory remarks, one presentation per panellist in order of appearance at
    the panel's presentation limit, questions and answers with the rest of the slot, the
    moderator's concluding remarks. Panellists who declined or withdrew are left out; the
    moderator (or else the chair) speaks the remarks. Titles are left blank so that each
    segment shows its kind in the reader's language; presentations take the presentation
    title. The panel is locked and its version raised (``changing_panels``).

    Raises ``RunningOrderExists`` when the panel has segments (nothing is overwritten),
    ``SessionUntimed`` when its time is not published, and ``running_order.PlanDoesNotFit``
    when the people cannot fit the slot.
    """
    with changing_panels([panel]):
        panel = Panel.objects.select_related("meeting").get(pk=panel.pk)
        if panel.segments.exists():
            raise RunningOrderExists(panel.pk)
        if not panel.is_timed or panel.kind == Panel.Kind.BREAK:
            raise SessionUntimed(panel.pk)
        people = list(panel.panellists.order_by("order", "pk"))
        speaking = presenters(people)
        remarks_by = host(people)
        plan = running_order.standard_plan(
            panel.slot_minutes, len(speaking), panel.presentation_limit_minutes
        )
        segments = bulk_create_with_history(
            [
                Segment(
                    panel=panel,
                    kind=item.kind,
                    title=speaking[item.speaker].presentation_title
                    if item.speaker is not None
                    else "",
                    duration_minutes=item.minutes,
                    order=position,
                )
                for position, item in enumerate(plan)
            ],
            Segment,
        )
        speakers = [
            SegmentSpeaker(segment=segment, panellist=who)
            for segment, item in zip(segments, plan, strict=True)
            if (who := speaking[item.speaker] if item.speaker is not None else remarks_by)
        ]
        bulk_create_with_history(speakers, SegmentSpeaker)
        return segments


generate_running_order.alters_data = True


@dataclass
class Generated:
    """What ``generate_running_orders`` did, panel by panel (lists of ``Panel``, in the order
    given): ``generated`` pairs each panel with its new segments' ``running_order
    .TimedSegment`` list; ``existing`` had a running order already (never overwritten);
    ``unknown_zone`` have a meeting whose zone is not valid; ``untimed`` no slot to fill (no
    published time, or a break); ``slot_too_long`` a slot longer
    than a segment may last; ``too_short`` pairs a panel with its number of presenters, too
    many for its slot."""

    generated: list = field(default_factory=list)
    existing: list = field(default_factory=list)
    unknown_zone: list = field(default_factory=list)
    untimed: list = field(default_factory=list)
    slot_too_long: list = field(default_factory=list)
    too_short: list = field(default_factory=list)


def generate_running_orders(panels, *, actor=None):
    """Generate the standard running order of each of ``panels`` (``generate_running_order``),
    each in its own transaction, and say what became of each: returns ``Generated``.

    ``panels`` have their meeting (and, best, prefetched people). Each generation is recorded
    in the panel's admin history as rows added by ``actor`` (a user, or ``None``).
    """
    result = Generated()
    for panel in panels:
        if not panel.meeting.has_valid_time_zone():
            result.unknown_zone.append(panel)
            continue
        try:
            with transaction.atomic():
                segments = generate_running_order(panel)
                log_added_rows(actor, panel, segments)
        except RunningOrderExists:
            result.existing.append(panel)
        except SessionUntimed:
            result.untimed.append(panel)
        except running_order.PlanDoesNotFit:
            if panel.slot_minutes > MAX_SEGMENT_MINUTES:
                result.slot_too_long.append(panel)
            else:
                result.too_short.append((panel, len(presenters(panel.panellists.all()))))
        else:
            result.generated.append((panel, running_order.schedule(panel.starts_at, segments)))
    return result


generate_running_orders.alters_data = True


@dataclass
class SpeakersSet:
    """What ``set_speakers`` changed on one item: the ``Panellist`` rows ``added`` and
    ``removed`` as speakers (lists), and ``speakers``, the item's speakers now, in order."""

    added: list
    removed: list
    speakers: list


@transaction.atomic
def set_speakers(segment, panellists):
    """Make ``panellists`` (``Panellist`` rows of the item's session, in the order wanted for
    new ones) the speakers of ``segment``: returns ``SpeakersSet``.

    Speakers kept keep their place in the item's order; new ones follow, in the order given;
    those not given stop speaking in it. Speakers from another session are refused with
    ``ValueError`` (the admin's choices and the import's lookups offer only the session's own).
    """
    wanted = list(dict.fromkeys(panellists))
    strangers = [place for place in wanted if place.panel_id != segment.panel_id]
    if strangers:
        raise ValueError(f"Not participants of panel {segment.panel_id}: {strangers}")
    rows = list(SegmentSpeaker.objects.filter(segment=segment).select_related("panellist"))
    current = {row.panellist_id: row for row in rows}
    wanted_keys = {place.pk for place in wanted}
    removed = [row for row in rows if row.panellist_id not in wanted_keys]
    SegmentSpeaker.objects.filter(pk__in=[row.pk for row in removed]).delete()
    added = [place for place in wanted if place.pk not in current]
    last = max((row.order for row in rows), default=-1)
    bulk_create_with_history(
        [
            SegmentSpeaker(segment=segment, panellist=place, order=last + 1 + offset)
            for offset, place in enumerate(added)
        ],
        SegmentSpeaker,
    )
    kept = [row.panellist for row in rows if row.panellist_id in wanted_keys]
    return SpeakersSet(
        added=added, removed=[row.panellist for row in removed], speakers=kept + added
    )


set_speakers.alters_data = True


def renumber_segments(panel):
    """Number ``panel``'s segments 0, 1, 2… in running order (by ``order``, then primary key).

    Ties and gaps left by an edit are resolved the way every page already reads them, so
    nothing moves. Returns the number of segments renumbered.
    """
    segments = list(Segment.objects.filter(panel=panel).in_running_order().only("pk", "order"))
    moved = []
    for position, segment in enumerate(segments):
        if segment.order != position:
            segment.order = position
            moved.append(segment)
    bulk_update_with_history(moved, Segment, ["order"])
    return len(moved)


renumber_segments.alters_data = True
