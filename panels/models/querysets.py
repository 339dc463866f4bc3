"""The models' QuerySets: the questions the app asks of the database, in its own words.

Each model module imports this one for its manager, so nothing here imports a model module: a
QuerySet reaches a related model through the relation's name (``_related``) and reads the
choices from ``choices``.
"""

from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import (
    OFF_PROGRAMME,
    AnswerStatus,
    MeetingStatus,
    PanelStatus,
    ProposalStatus,
    SegmentKind,
    SendingKind,
)

# Earlier than any email the app records: the cut-off when a moment is not known.
_LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)


def anywhere_on_earth_today():
    """Today's date at UTC−12, the last place on Earth where a day ends ("Anywhere on Earth").

    A meeting counts as past only once its last day is over everywhere, whatever its zone.
    """
    return (timezone.now() - timedelta(hours=12)).date()


def _related(queryset, name):
    """The default manager of the model at the other end of ``queryset``'s relation ``name``
    (e.g. ``"panellists"`` of a panel: ``Panellist.objects``)."""
    return queryset.model._meta.get_field(name).related_model._default_manager


def _pks(objects):
    """``objects`` as the right-hand side of an ``__in`` lookup: a QuerySet as it is (a
    subquery), an iterable of model instances or primary keys as a list of primary keys."""
    if isinstance(objects, models.QuerySet):
        return objects
    return [getattr(item, "pk", item) for item in objects]


def _counted(places):
    """How many of ``places`` (panellists filtered on ``panel=OuterRef("pk")``) there are, as
    an integer expression for ``annotate``: 0 when there are none."""
    counted = places.order_by().values("panel").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), 0)


def sees_every_meeting(user):
    """Whether ``user`` is an active superuser, who is on every meeting's team."""
    return user.is_active and user.is_superuser


def in_team_of(user, meeting="pk"):
    """A ``Q`` for rows whose meeting has ``user`` on its team, directly or through one of
    their groups (``Meeting.team_users``, ``Meeting.team_groups``).

    ``meeting`` is the lookup from the row to its meeting's key: ``"pk"`` for a meeting,
    ``"meeting"`` for a panel, ``"panel__meeting"`` for a panellist or an item. Nobody is on a
    team but active staff; an active superuser is on every team (see
    ``sees_every_meeting``), and the ``Q`` then matches every row.
    """
    if sees_every_meeting(user):
        return Q()
    if not (user.is_active and user.is_staff):
        return Q(pk__in=[])
    meeting_model = apps.get_model("panels", "Meeting")
    members = meeting_model.team_users.through.objects.filter(user=user).values("meeting")
    groups = meeting_model.team_groups.through.objects.filter(group__user=user).values("meeting")
    return Q(**{f"{meeting}__in": members}) | Q(**{f"{meeting}__in": groups})


class MeetingQuerySet(models.QuerySet):
    """Meetings as the public and the secretariat see them."""

    def public(self):
        return self.filter(status=MeetingStatus.PUBLIC)

    def visible_to(self, user):
        """Public meetings, and the drafts of the meetings whose team ``user`` is on (to
        preview them); every meeting for a superuser."""
        if sees_every_meeting(user):
            return self
        return self.filter(Q(status=MeetingStatus.PUBLIC) | in_team_of(user))

    def of_team(self, user):
        """The meetings whose team ``user`` is on (every meeting for a superuser)."""
        return self.filter(in_team_of(user))

    def upcoming(self):
        """Meetings whose last day is not yet over anywhere on Earth, soonest first."""
        return self.filter(end_date__gte=anywhere_on_earth_today()).order_by("start_date", "pk")

    def past(self):
        """Meetings that are over everywhere, most recent first."""
        return self.filter(end_date__lt=anywhere_on_earth_today()).order_by("-start_date", "-pk")


class PanelQuerySet(models.QuerySet):
    """Panels, with the prefetches each public page needs in one place, and the counts and
    filters of their panellists' answers that the secretariat's lists show."""

    def published(self):
        """Panels the public may see: published, in a public meeting."""
        return self.filter(is_published=True, meeting__status=MeetingStatus.PUBLIC)

    def visible_to(self, user):
        """Published panels of public meetings, and every panel of the meetings whose team
        ``user`` is on (to preview them); every panel for a superuser."""
        if sees_every_meeting(user):
            return self
        published = Q(is_published=True, meeting__status=MeetingStatus.PUBLIC)
        return self.filter(published | in_team_of(user, "meeting"))

    def of_team(self, user):
        """The panels of the meetings whose team ``user`` is on (all for a superuser)."""
        return self.filter(in_team_of(user, "meeting"))

    def for_export(self):
        """Published panels with what calendars and schedule.json read of them (meeting,
        room, people, running order, concept note sections), so that an export runs no query
        per panel."""
        return (
            self.published()
            .select_related("meeting", "room")
            .with_people()
            .with_running_order()
            .prefetch_related("sections")
        )

    def in_programme_order(self):
        """By day and start, sessions whose time is not published last on their day."""
        return self.order_by(
            "date",
            models.F("start_time").asc(nulls_last=True),
            models.F("end_time").asc(nulls_last=True),
            "pk",
        )

    def with_planned_minutes(self):
        """Annotate ``planned_minutes``, the running order's known total duration (0 if
        empty), and ``untimed_items``, how many of its items have no duration."""
        return self.annotate(
            planned_minutes=Coalesce(Sum("segments__duration_minutes"), 0),
            untimed_items=Count("segments", filter=Q(segments__duration_minutes__isnull=True)),
        )

    def with_people(self):
        """Prefetch panellists in order of appearance with their person."""
        return self.prefetch_related(*self.people_prefetches())

    def people_prefetches(self):
        """``with_people``'s prefetches, for ``prefetch_related_objects`` on panels already
        read: a list of ``Prefetch``."""
        return [
            models.Prefetch(
                "panellists",
                queryset=_related(self, "panellists")
                .select_related("person")
                .order_by("order", "pk"),
            )
        ]

    def with_running_order(self):
        """Prefetch segments in running order, each with its speakers in order (``speaking``,
        read by ``Segment.speaker_places``) with their person and panel.

        The speakers' panel is joined so that ``Panellist.is_public``, which reads it, runs no
        query per segment.
        """
        return self.prefetch_related(*self.running_order_prefetches())

    def running_order_prefetches(self):
        """``with_running_order``'s prefetches, for ``prefetch_related_objects`` on panels
        already read: a list of ``Prefetch``."""
        segments = _related(self, "segments")
        speaking = _related(segments, "speaking")
        return [
            models.Prefetch(
                "segments",
                queryset=segments.in_running_order().prefetch_related(
                    models.Prefetch(
                        "speaking",
                        queryset=speaking.select_related(
                            "panellist__person", "panellist__panel"
                        ).order_by("order", "pk"),
                    )
                ),
            )
        ]

    def _places(self):
        """The panellists of the outer panel, for a correlated subquery."""
        return _related(self, "panellists").filter(panel=OuterRef("pk"))

    def with_answer_counts(self):
        """Annotate how each panel's panellists answered, three integers (0 for a panel with
        no panellists): ``answers_expected``, those expected to speak (neither declined nor
        withdrawn); ``answers_confirmed``; ``answers_declined``.

        Correlated subqueries rather than ``Count("panellists", filter=...)``: a join with the
        panellists would multiply the running order's total that ``with_planned_minutes`` sums
        over the segments in the same query.
        """
        places = self._places()
        return self.annotate(
            answers_expected=_counted(places.on_programme()),
            answers_confirmed=_counted(places.filter(status=AnswerStatus.CONFIRMED)),
            answers_declined=_counted(places.filter(status=AnswerStatus.DECLINED)),
        )

    def by_answers(self, choice):
        """The panels whose panellists' answers match ``choice``, a string:

        - ``"confirmed"``: somebody is expected to speak (neither declined nor withdrawn), and
          everyone expected has confirmed;
        - ``"waiting"``: somebody invited has not answered;
        - ``"declined"``: somebody declined;
        - ``"none"``: nobody is expected to speak (no panellists, or all declined or withdrew).

        Any other ``choice`` (such as ``None``, no choice made) returns this QuerySet unchanged.
        """
        places = self._places()
        expected = Exists(places.on_programme())
        waiting = Exists(places.unanswered())
        declined = Exists(places.filter(status=AnswerStatus.DECLINED))
        condition = {
            "confirmed": expected & ~waiting,
            "waiting": waiting,
            "declined": declined,
            "none": ~expected,
        }.get(choice)
        return self if condition is None else self.filter(condition)


class PersonQuerySet(models.QuerySet):
    """People as the secretariat's teams see them. People are shared by every meeting: a
    person belongs to the teams of the meetings they have a place in."""

    def _placed(self, condition=None):
        """The keys of people with a place (matching ``condition``, a ``Q`` on panellists)."""
        places = _related(self, "panel_places").filter(person__isnull=False)
        if condition is not None:
            places = places.filter(condition)
        return places.values("person")

    def of_team(self, user):
        """The people ``user`` may edit: those with a place in a meeting whose team they are
        on, and those with no place yet (just added, or whose places were removed). Everyone
        for a superuser."""
        if sees_every_meeting(user):
            return self
        if not (user.is_active and user.is_staff):
            return self.none()
        return self.filter(
            Q(pk__in=self._placed(in_team_of(user, "panel__meeting"))) | ~Q(pk__in=self._placed())
        )

    def visible_to_team(self, user):
        """The people ``user`` may see and choose for a place: ``of_team``, and those the
        public sees already (on a published panel of a public meeting). People only on the
        drafts of other teams' meetings are left out."""
        if sees_every_meeting(user):
            return self
        if not (user.is_active and user.is_staff):
            return self.none()
        public = Q(panel__is_published=True, panel__meeting__status=MeetingStatus.PUBLIC)
        return self.filter(
            Q(pk__in=self._placed(in_team_of(user, "panel__meeting") | public))
            | ~Q(pk__in=self._placed())
        )


class PanellistQuerySet(models.QuerySet):
    """Places on panels, by where their answer stands and by the emails sent about them."""

    def with_slot(self):
        """With what a place's slot is read from (``services.slot_times``, the answer page,
        the emails): its person, panel, meeting and room, and the panel's running order with
        each item's speakers, so that placing the items runs no query per item."""
        segments = _related(_related(self, "panel"), "segments")
        return self.select_related("panel__meeting", "panel__room", "person").prefetch_related(
            models.Prefetch(
                "panel__segments",
                queryset=segments.in_running_order().prefetch_related("speaking"),
            )
        )

    def on_programme(self):
        """The panellists expected to speak: neither declined nor withdrawn (so invited or
        confirmed)."""
        return self.exclude(status__in=OFF_PROGRAMME)

    def unanswered(self):
        """The panellists who have not answered their invitation (status invited)."""
        return self.filter(status=AnswerStatus.INVITED)

    def vacated(self):
        """The places left empty: panellists who declined or withdrew."""
        return self.filter(status__in=OFF_PROGRAMME)

    def in_programme_order(self):
        """Ordered as the programme runs: by their panel's date, start time and primary key,
        then in order of appearance on the panel (``order``, then primary key)."""
        return self.order_by("panel__date", "panel__start_time", "panel__pk", "order", "pk")

    def of_panels(self, panels):
        """The panellists of ``panels``: a Panel QuerySet (used as a subquery), or an iterable
        of ``Panel`` or of panel primary keys."""
        return self.filter(panel__in=_pks(panels))

    def with_last_email(self):
        """Annotate the latest ``Sending`` about each panellist (the latest ``sent_at``, ties
        to the last recorded): ``last_email_kind`` (a ``SendingKind`` value),
        ``last_email_at`` (an aware datetime) and ``last_email_error`` (empty when it was
        sent); all three ``None`` for a panellist never emailed."""
        latest = (
            _related(self, "sendings").filter(panellist=OuterRef("pk")).order_by("-sent_at", "-pk")
        )
        return self.annotate(
            last_email_kind=Subquery(latest.values("kind")[:1]),
            last_email_at=Subquery(latest.values("sent_at")[:1]),
            last_email_error=Subquery(latest.values("error")[:1]),
        )

    def due_for_reminder(self, now, interval):
        """The panellists a reminder may go to at ``now`` (an aware datetime), as far as the
        database tells: they have not answered (status invited), hold a personal link that
        was not revoked, were sent an invitation (successfully), and were sent no invitation
        or reminder (successfully) within ``interval`` (a ``timedelta``) before ``now``.

        The panel's answer deadline and the panellist's email address are not looked at here.
        """
        sent = _related(self, "sendings").filter(panellist=OuterRef("pk"), error="")
        recently = sent.filter(
            kind__in=[SendingKind.INVITATION, SendingKind.REMINDER], sent_at__gt=now - interval
        )
        return (
            self.unanswered()
            # A revoked link stays revoked: the secretariat re-invites on purpose, not by reminder.
            .exclude(link_hash="")
            .filter(Exists(sent.filter(kind=SendingKind.INVITATION)))
            .exclude(Exists(recently))
        )

    def to_tell_of_reinstatement(self):
        """The panellists of scheduled panels who are owed a reinstatement notice: a
        cancellation notice reached the mail server (the latest one, ``told_cancelled_at``,
        annotated), no reinstatement notice since, and they had not declined or withdrawn."""
        sent = _related(self, "sendings").filter(panellist=OuterRef("pk"), error="")
        latest = sent.filter(kind=SendingKind.CANCELLATION).order_by("-sent_at").values("sent_at")
        told = sent.filter(
            kind=SendingKind.REINSTATEMENT, sent_at__gte=OuterRef("told_cancelled_at")
        )
        return (
            self.filter(panel__status=PanelStatus.SCHEDULED, person__isnull=False)
            .on_programme()
            .annotate(told_cancelled_at=Subquery(latest[:1]))
            .filter(told_cancelled_at__isnull=False)
            .exclude(Exists(told))
        )

    def told_of_their_place(self):
        """The panellists who know they are expected: a person is named, and they confirmed,
        or have not answered and an invitation or reminder reached the mail server."""
        sent = _related(self, "sendings").filter(panellist=OuterRef("pk"), error="")
        invited = sent.filter(kind__in=[SendingKind.INVITATION, SendingKind.REMINDER])
        return self.filter(person__isnull=False).filter(
            Q(status=AnswerStatus.CONFIRMED) | Q(status=AnswerStatus.INVITED) & Exists(invited)
        )

    def to_tell_of_cancellation(self):
        """The panellists of cancelled panels who are owed a cancellation notice: they know
        they are expected (``told_of_their_place``), and no cancellation notice reached the
        mail server since the panel was cancelled (at any time, for a panel whose moment of
        cancellation is not known)."""
        sent = _related(self, "sendings").filter(panellist=OuterRef("pk"), error="")
        told = sent.filter(
            kind=SendingKind.CANCELLATION,
            sent_at__gte=Coalesce(OuterRef("panel__cancelled_at"), models.Value(_LONG_AGO)),
        )
        return (
            self.filter(panel__status=PanelStatus.CANCELLED)
            .told_of_their_place()
            .exclude(Exists(told))
        )


class ProposedChangeQuerySet(models.QuerySet):
    """Proposals by whether they still wait for a decision."""

    def standing(self):
        """Those pending whose proposer still holds the place (``ProposedChange.stands``)."""
        return self.filter(status=ProposalStatus.PENDING, person=models.F("panellist__person"))


class SegmentQuerySet(models.QuerySet):
    """Items of running orders, in running order and by who speaks in them."""

    def in_running_order(self):
        """Ordered as the running order runs: by ``order``, then primary key."""
        return self.order_by("order", "pk")

    def spoken_by(self, panellists):
        """The segments in which one of ``panellists`` speaks, each once: ``panellists`` is a
        Panellist QuerySet (used as a subquery), or an iterable of ``Panellist`` or of
        panellist primary keys."""
        speaking = _related(self, "speaking").filter(
            segment=OuterRef("pk"), panellist__in=_pks(panellists)
        )
        return self.filter(Exists(speaking))

    def vacated(self):
        """The places in a running order with nobody to fill them: presentations none of whose
        speakers is still expected (none named, or every one declined or withdrew), and items
        with a speaker who declined or withdrew. (A break, a discussion or remarks without a
        speaker are not vacated: nobody needs to be named for them.)"""
        speaking = _related(self, "speaking").filter(segment=OuterRef("pk"))
        expected = speaking.exclude(panellist__status__in=OFF_PROGRAMME)
        gone = speaking.filter(panellist__status__in=OFF_PROGRAMME)
        return self.filter((Q(kind=SegmentKind.PRESENTATION) & ~Exists(expected)) | Exists(gone))
