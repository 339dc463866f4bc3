"""Emails about a panellist's place as state changes: invitations and reminders (each with a
new personal link), new-time notices to confirmed panellists, cancellation notices, answer
notices to the secretariat.

Each function chooses whom to write, locks and changes what the email stands for (a new link,
the times told), has ``panels.mail`` write and send the email, and records every attempt as a
``Sending``, sent or failed. One failure never stops a batch, and a batch shares one
connection to the mail server (``mail.Batch``). A new personal link is committed only when
the email carrying it was handed to the mail server, so that the link sent before keeps
working otherwise.

Each email to a panellist is written in their language (``panels.mail``: their person's
preferred language, else ``settings.LANGUAGE_CODE``), one by one within a batch of people in
different languages; the language active around a batch (the officer's, in the admin) is back
after each email, and the reasons recorded for emails not sent (``Sending.error``) are in it.
Answer notices to the secretariat are written in ``settings.LANGUAGE_CODE``.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail
from ..models import Panel, Panellist, Sending
from .links import answer_deadline, issue_link
from .slots import slot_times

# Longest reason kept in ``Sending.error`` (the field's max_length).
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    """What became of one email: ``error`` is empty when it was handed to the mail server,
    else a short reason in the secretariat's words ("no email address", "the mail server
    refused it: …")."""

    panellist: Panellist
    address: str
    error: str = ""

    @property
    def sent(self):
        return not self.error


@dataclass
class Emailed:
    """What a batch of emails did: ``outcomes``, one ``Outcome`` per email attempted, in
    order, and ``skipped``, how many of the panellists given were not written to (reminders
    only: answered, not invited, reminded recently, or past the deadline)."""

    outcomes: list = field(default_factory=list)
    skipped: int = 0

    @property
    def sent(self):
        """The outcomes of the emails sent."""
        return [outcome for outcome in self.outcomes if outcome.sent]

    @property
    def failed(self):
        """The outcomes of the emails not sent."""
        return [outcome for outcome in self.outcomes if not outcome.sent]


def _record(panellist, kind, address, error, now):
    Sending.objects.create(
        panellist=panellist,
        kind=kind,
        to_address=address[:254],
        error=error[:MAX_ERROR_LENGTH],
        sent_at=now,
    )


def _load(panellists):
    """Fresh copies of ``panellists`` with what an email shows, in the order given, each once.

    Returns a list of ``Panellist`` with their person, panel, meeting and the panel's running
    order (prefetched, so that a batch runs a fixed number of queries per panel).
    """
    pks = list(dict.fromkeys(place.pk for place in panellists))
    found = Panellist.objects.with_slot()
    by_pk = {place.pk: place for place in found.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def _reminder_interval(interval):
    return interval if interval is not None else timedelta(days=settings.REMINDER_INTERVAL_DAYS)


def _send_link(panellist, kind, batch, now, interval=None):
    """Email ``panellist`` a new personal link (an invitation or a reminder).

    Returns an ``Outcome``, or ``None`` for a reminder that is no longer due (the panellist
    answered, or was reminded by a parallel run, since the batch was chosen). The new link
    and the record of its sending are committed only when the email was sent.
    """
    address = panellist.email
    try:
        if not panellist.is_named:
            raise mail.NotSent(_("no person is named for this place yet"))
        if panellist.status == Panellist.Status.WITHDRAWN:
            raise mail.NotSent(_("withdrawn from the panel"))
        deadline = answer_deadline(panellist.panel)
        if now >= deadline:
            raise mail.NotSent(_("the time to answer is over"))
        mail.check_address(address)
        with transaction.atomic():
            # The row lock makes a reminder and an answer, or two runs of the reminders, wait
            # for each other; what was chosen before the lock is checked again under it.
            locked = Panellist.objects.select_for_update().get(pk=panellist.pk)
            if (
                kind == Sending.Kind.REMINDER
                and not Panellist.objects.filter(pk=locked.pk)
                .due_for_reminder(now, _reminder_interval(interval))
                .exists()
            ):
                return None
            replaces_link = kind == Sending.Kind.REMINDER or bool(locked.link_hash)
            secret = issue_link(panellist, now=now)
            message = mail.link_email(
                kind,
                panellist,
                secret=secret,
                deadline=deadline,
                replaces_link=replaces_link,
            )
            batch.send(message)
            _record(panellist, kind, address, "", now)
    except mail.NotSent as failure:
        # The transaction put the old link back in the database; the copy follows it.
        panellist.refresh_from_db(fields=["link_hash", "link_issued_at"])
        _record(panellist, kind, address, failure.reason, now)
        return Outcome(panellist=panellist, address=address, error=failure.reason)
    return Outcome(panellist=panellist, address=address)


def invite(panellists, *, now=None):
    """Invite each of ``panellists`` (an iterable of ``Panellist``) to answer, by email.

    Each gets a new personal link (the one sent before stops working) in an email whose
    subject says an answer is needed. Returns ``Emailed``, one ``Outcome`` per panellist in
    the order given (a panellist given twice is invited once), each ``Outcome.panellist`` a
    fresh copy. A withdrawn panellist, one without a valid email address, or one whose panel's
    answer deadline has passed gets an ``Outcome`` with an error and keeps their old link, as
    does one whose email the mail server did not take. Every attempt is recorded as a
    ``Sending`` of kind ``INVITATION``. ``now`` is an aware datetime (default: now).
    """
    now = now or timezone.now()
    result = Emailed()
    with translation.override(mail.language()), mail.Batch() as batch:
        for panellist in _load(panellists):
            result.outcomes.append(_send_link(panellist, Sending.Kind.INVITATION, batch, now))
    return result


invite.alters_data = True


def due_for_reminder(panellists, *, now=None, interval=None):
    """Those of ``panellists`` (an iterable of ``Panellist``) a reminder would go to now.

    Those who have not answered (status invited), were sent an invitation whose link was not
    revoked since, were sent no invitation or reminder less than ``interval`` ago (a
    ``timedelta``; default ``settings.REMINDER_INTERVAL_DAYS`` days) and whose panel's answer
    deadline has not passed (``PanellistQuerySet.due_for_reminder``). Returns a list of fresh
    ``Panellist`` copies, in the order given. ``now`` is an aware datetime (default: now).
    """
    now = now or timezone.now()
    panellists = list(panellists)
    due = set(
        Panellist.objects.filter(pk__in=[place.pk for place in panellists])
        .due_for_reminder(now, _reminder_interval(interval))
        .values_list("pk", flat=True)
    )
    return [
        place
        for place in _load(place for place in panellists if place.pk in due)
        if now < answer_deadline(place.panel)
    ]


def remind(panellists, *, now=None, interval=None):
    """Remind those of ``panellists`` who were invited and have not answered.

    Those not due (``due_for_reminder``) are counted in ``Emailed.skipped``, without an
    ``Outcome``. A reminder carries a new personal link, which replaces the earlier one only
    when the reminder was sent. Returns ``Emailed`` with the outcomes of the reminders
    attempted, each recorded as a ``Sending`` of kind ``REMINDER``. ``now`` is an aware
    datetime (default: now).
    """
    now = now or timezone.now()
    panellists = list(panellists)
    due = due_for_reminder(panellists, now=now, interval=interval)
    result = Emailed()
    with translation.override(mail.language()), mail.Batch() as batch:
        for panellist in due:
            outcome = _send_link(panellist, Sending.Kind.REMINDER, batch, now, interval)
            if outcome is not None:
                result.outcomes.append(outcome)
    result.skipped = len({place.pk for place in panellists}) - len(result.outcomes)
    return result


remind.alters_data = True


def send_one(panellist, kind, batch, *, now=None):
    """Send one invitation or reminder (``kind``, a ``Sending.Kind``) to ``panellist``, as
    ``invite`` and ``remind`` do for each of theirs, on ``batch`` (a ``mail.Batch``).

    Returns an ``Outcome`` (recorded as a ``Sending``), or ``None`` when no email was due: a
    reminder to someone ``due_for_reminder`` leaves out, or a panellist deleted since. Runs
    in the active language (the reasons recorded for emails not sent are in it). ``now`` is
    an aware datetime (default: now).
    """
    now = now or timezone.now()
    if kind == Sending.Kind.REMINDER:
        found = due_for_reminder([panellist], now=now)
    else:
        found = _load([panellist])
    if not found:
        return None
    return _send_link(found[0], kind, batch, now)


send_one.alters_data = True


def notify_secretariat(panellist):
    """Email the meeting's secretariat address the panellist's current answer.

    Called once per recorded answer, after the transaction commits (``answers.answer``). The
    answer and the corrections the panellist proposed that wait for a decision are read again
    from the database; the email is written in
    ``settings.LANGUAGE_CODE`` (``mail.answer_notice``) and recorded as a ``Sending`` of kind
    ``ANSWER_NOTICE``. Returns an ``Outcome``, or ``None`` when the meeting has no
    secretariat address (or the panellist has been deleted since).
    """
    found = _load([panellist])
    if not found:
        return None
    [panellist] = found
    address = panellist.panel.meeting.secretariat_email
    if not address:
        return None
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            message = mail.answer_notice(
                panellist,
                to=address,
                admin_path=reverse("admin:panels_panellist_change", args=[panellist.pk]),
                corrections=panellist.proposed_changes.standing(),
            )
            with mail.Batch() as batch:
                batch.send(message)
        except mail.NotSent as failure:
            error = failure.reason
        else:
            error = ""
        _record(panellist, Sending.Kind.ANSWER_NOTICE, address, error, now)
    return Outcome(panellist=panellist, address=address, error=error)


notify_secretariat.alters_data = True


def notify_time_changes(panels, *, now=None):
    """Tell each confirmed panellist of ``panels`` whose times changed their new time.

    Compares ``slot_times`` with the times the panellist confirmed or was last told
    (``Panellist.confirmed_times``); emails those that differ and stores the new times, so each
    change is announced once. The new times are stored only when the email was sent, so that
    a failed notice is tried again by the next call. A panellist who confirmed before times
    were recorded (``confirmed_times`` empty) gets the current times stored and no email.
    Panels whose meeting's zone is not valid have no clock times and are left out, and so are
    cancelled panels (``notify_cancellations`` tells their panellists).
    ``panels`` is an iterable of ``Panel`` or keys; ``now`` an aware datetime (default: now).
    Returns ``Emailed``, each outcome recorded as a ``Sending`` of kind ``TIME_CHANGE``.
    """
    now = now or timezone.now()
    confirmed = (
        Panellist.objects.filter(status=Panellist.Status.CONFIRMED, person__isnull=False)
        .select_related("person")
        .order_by("order", "pk")
    )
    chosen = (
        Panel.objects.filter(pk__in=[getattr(panel, "pk", panel) for panel in panels])
        .select_related("meeting", "room")
        .with_running_order()
        .prefetch_related(Prefetch("panellists", queryset=confirmed, to_attr="confirmed"))
        .in_programme_order()
    )
    result = Emailed()
    with translation.override(mail.language()), mail.Batch() as batch:
        for panel in chosen:
            if panel.is_cancelled or not panel.meeting.has_valid_time_zone():
                continue
            for panellist in panel.confirmed:
                panellist.panel = panel
                outcome = _notify_time_change(panellist, batch, now)
                if outcome is not None:
                    result.outcomes.append(outcome)
    return result


notify_time_changes.alters_data = True


def _notify_time_change(panellist, batch, now):
    """Send ``panellist`` their new times if they changed; ``None`` when no email was due."""
    address = panellist.email
    times = slot_times(panellist)
    try:
        with transaction.atomic():
            locked = Panellist.objects.select_for_update().get(pk=panellist.pk)
            if locked.status != Panellist.Status.CONFIRMED or locked.confirmed_times == times:
                return None
            panellist.confirmed_times = times
            if locked.confirmed_times is None:
                # Confirmed before times were recorded: what they saw is unknown, so say
                # nothing and remember the times from now on.
                panellist.save(update_fields=["confirmed_times"])
                return None
            batch.send(mail.time_change_email(panellist, to=address))
            panellist.save(update_fields=["confirmed_times"])
            _record(panellist, Sending.Kind.TIME_CHANGE, address, "", now)
    except mail.NotSent as failure:
        panellist.refresh_from_db(fields=["confirmed_times"])
        _record(panellist, Sending.Kind.TIME_CHANGE, address, failure.reason, now)
        return Outcome(panellist=panellist, address=address, error=failure.reason)
    return Outcome(panellist=panellist, address=address)


def notify_cancellations(panels, *, now=None):
    """Tell the panellists of those of ``panels`` that are cancelled that they are, once.

    Those owed a notice are chosen by ``PanellistQuerySet.to_tell_of_cancellation`` (named,
    had not declined, had been invited or had confirmed, not told since the cancellation);
    each is checked again under a lock on their row, so that two runs at once send one notice.
    A notice that failed is tried again by the next call. ``panels`` is an iterable of
    ``Panel`` or keys (scheduled ones are passed over); ``now`` an aware datetime (default:
    now). Returns ``Emailed``, each outcome recorded as a ``Sending`` of kind
    ``CANCELLATION``.
    """
    owed = Panellist.objects.of_panels(panels).to_tell_of_cancellation()
    return _notify_status(owed, Sending.Kind.CANCELLATION, mail.cancellation_email, now)


notify_cancellations.alters_data = True


def notify_reinstatements(panels, *, now=None):
    """Tell those who were told that their panel was cancelled that it is reinstated, once.

    Those owed a notice are chosen by ``PanellistQuerySet.to_tell_of_reinstatement`` (their
    panel is scheduled again, a cancellation notice reached them and no reinstatement notice
    since, and they had not declined or withdrawn), checked again under a lock on their row.
    A confirmed panellist's times are stored as told (``confirmed_times``), so that the
    reinstatement is not followed by a new-time notice for the same slot. ``panels`` and
    ``now`` as for ``notify_cancellations``. Returns ``Emailed``, each outcome recorded as a
    ``Sending`` of kind ``REINSTATEMENT``.
    """
    owed = Panellist.objects.of_panels(panels).to_tell_of_reinstatement()
    return _notify_status(owed, Sending.Kind.REINSTATEMENT, mail.reinstatement_email, now)


notify_reinstatements.alters_data = True


def _notify_status(owed, kind, write, now):
    """Email each of ``owed`` (a ``Panellist`` QuerySet) the notice of ``kind`` that ``write``
    (a ``panels.mail`` function of the panellist and ``to``) writes; see
    ``notify_cancellations``. Returns ``Emailed``."""
    now = now or timezone.now()
    result = Emailed()
    with translation.override(mail.language()), mail.Batch() as batch:
        for panellist in _load(owed.in_programme_order()):
            outcome = _notify_once(panellist, owed, kind, write, batch, now)
            if outcome is not None:
                result.outcomes.append(outcome)
    return result


def _notify_once(panellist, owed, kind, write, batch, now):
    """Send ``panellist`` the notice if they are still among ``owed`` (checked under a lock
    on their row); ``None`` when it is no longer owed."""
    address = panellist.email
    try:
        with transaction.atomic():
            locked = Panellist.objects.select_for_update().filter(pk=panellist.pk).first()
            if locked is None or not owed.filter(pk=panellist.pk).exists():
                return None
            batch.send(write(panellist, to=address))
            _record(panellist, kind, address, "", now)
            if kind == Sending.Kind.REINSTATEMENT and locked.status == Panellist.Status.CONFIRMED:
                locked.confirmed_times = slot_times(panellist)
                locked.save(update_fields=["confirmed_times"])
    except mail.NotSent as failure:
        _record(panellist, kind, address, failure.reason, now)
        return Outcome(panellist=panellist, address=address, error=failure.reason)
    return Outcome(panellist=panellist, address=address)
