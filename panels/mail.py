"""Emails about a panellist's place (issue 4): invitations, reminders, new-time notices to
panellists, and answer notices to the meeting's secretariat.

Every email goes through Django's mail framework (the console in the demo, SMTP from the
environment in production) as plain text with an HTML alternative, rendered from templates in
``templates/panels/email/`` (``<kind>_subject.txt``, ``<kind>.txt``, ``<kind>.html``). Names
and titles from the database appear as plain text: the text templates do not escape, the HTML
ones do, and neither makes them links. Each attempt is recorded as a ``Sending``, whether it
was sent or failed; one failure never stops a batch, and a batch shares one connection to the
mail server.

A personal link is replaced only when the email carrying it was handed to the mail server: the
new link is issued in a transaction that is rolled back when sending fails, so that the link
sent before keeps working.

Times are given in the meeting's IANA zone and always with it, as on the answer page
(``templatetags.programme``). Emails are written in the active language (``settings
.LANGUAGE_CODE`` outside a request); notices to the secretariat always in
``settings.LANGUAGE_CODE``.
"""

import re
import smtplib
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from . import services
from .models import Panel, Panellist, Segment, Sending
from .running_order import zone_day
from .templatetags.programme import zone_label_html

# What a failed hand-over to the mail server raises: smtplib's errors (a subclass of OSError),
# network errors, and a message that cannot be written (a header with a line break, an address
# Python's email package refuses).
SEND_ERRORS = (smtplib.SMTPException, OSError, BadHeaderError, ValueError)
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


class _NotSent(Exception):
    """An email that was not sent; ``reason`` says why, in the secretariat's words."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _Batch:
    """One connection to the mail server, shared by a batch of emails.

    The connection is opened on the first email, so that a batch with nothing to send does not
    open one. When it cannot be opened, or breaks, each next email tries again and reports its
    own failure: nothing raises out of ``send`` but ``_NotSent``.
    """

    def __init__(self):
        self.connection = get_connection()
        self.opened = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._close()

    def send(self, message):
        """Hand ``message`` (an ``EmailMessage``) to the mail server; raises ``_NotSent``."""
        if not self.opened:
            self._open()
        message.connection = self.connection
        try:
            sent = message.send()
        except SEND_ERRORS as error:
            if not isinstance(
                error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ValueError)
            ):
                # The connection itself failed: start a new one for the next email.
                self._close()
            raise _NotSent(_send_error_reason(error)) from error
        if not sent:
            raise _NotSent(_("the mail server did not accept it"))

    def _open(self):
        self.opened = True
        # When it fails, each email opens its own connection and reports why that fails.
        with suppress(*SEND_ERRORS):
            self.connection.open()

    def _close(self):
        self.opened = False
        with suppress(*SEND_ERRORS):
            self.connection.close()


def _send_error_reason(error):
    """A failure to send, in the secretariat's words, with the server's own reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        return _("the mail server refused the address: %(detail)s") % {"detail": detail}
    if isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
        return _("the mail server refused it: %(detail)s") % {"detail": detail}
    if isinstance(error, smtplib.SMTPException):
        return _("the mail server refused it: %(detail)s") % {"detail": error}
    if isinstance(error, OSError):
        return _("the mail server could not be reached: %(detail)s") % {"detail": error}
    return _("the email could not be written: %(detail)s") % {"detail": error}


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _language():
    """The language to write in: the active one, else the site's (``LANGUAGE_CODE``)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def _absolute(path):
    """``path`` on the site's public address (``settings.SITE_URL``); raises ``_NotSent``
    when that is not set, so that no email goes out with a link that cannot work."""
    site = getattr(settings, "SITE_URL", "")
    if not site:
        raise _NotSent(_("the site's public address (SITE_URL) is not set, so links cannot work"))
    return f"{site}{path}"


def _valid_address(address):
    """``address``, checked; raises ``_NotSent`` when it is missing or not an email address."""
    if not address:
        raise _NotSent(_("no email address"))
    try:
        validate_email(address)
    except ValidationError as error:
        raise _NotSent(_("the email address is not valid")) from error
    return address


def _is_valid_address(address):
    try:
        _valid_address(address)
    except _NotSent:
        return False
    return True


def _one_line(text):
    """``text`` with every run of whitespace, line breaks included, as one space."""
    return " ".join(text.split())


def _tidy(text):
    """A rendered plain-text body without trailing spaces or runs of blank lines."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _plain(html):
    """Safe HTML from the page helpers as plain text ("New York time (America/…)")."""
    return unescape(strip_tags(html))


def _message(template, context, *, to, reply_to="", headers=None):
    """An ``EmailMultiAlternatives`` to ``to`` (one address) from the three templates
    ``panels/email/<template>_subject.txt``, ``.txt`` and ``.html``.

    The subject is one line whatever the names and titles in it hold, so that nothing in them
    can start a header of its own.
    """
    subject = _one_line(render_to_string(f"panels/email/{template}_subject.txt", context))
    context = context | {"subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=_tidy(render_to_string(f"panels/email/{template}.txt", context)),
        to=[to],
        reply_to=[reply_to] if reply_to and _is_valid_address(reply_to) else [],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"panels/email/{template}.html", context), "text/html"
    )
    return message


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
    found = Panellist.objects.select_related("person", "panel__meeting").prefetch_related(
        Prefetch("panel__segments", queryset=Segment.objects.order_by("order", "pk"))
    )
    by_pk = {place.pk: place for place in found.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def _slot_context(panellist):
    """What every email about ``panellist``'s slot shows: the template context (a dict)."""
    panel = panellist.panel
    meeting = panel.meeting
    day = zone_day(panel.zone, panel.date)
    zone_html = zone_label_html(day)
    return {
        "panellist": panellist,
        "person": panellist.person,
        "panel": panel,
        "meeting": meeting,
        "zone": zone_html,
        "zone_text": _plain(zone_html),
        "clock_changes": day.after is not None,
        "own_segments": [
            timed for timed in panel.timed_segments() if timed.item.speaker_id == panellist.pk
        ],
        "secretariat_email": meeting.secretariat_email,
    }


def _link_context(panellist, secret, *, replaces_link):
    """The context of an invitation or a reminder: the slot, the deadline, the links."""
    panel = panellist.panel
    deadline = services.answer_deadline(panel).astimezone(panel.zone)
    deadline_day = zone_day(panel.zone, deadline.date())
    deadline_zone = zone_label_html(deadline_day)
    is_public = panel.is_published and panel.meeting.is_public
    return _slot_context(panellist) | {
        "deadline": deadline,
        "deadline_zone": deadline_zone,
        "deadline_zone_text": _plain(deadline_zone),
        "deadline_clock_changes": deadline_day.after is not None,
        "panel_url": _absolute(panel.get_absolute_url()) if is_public else "",
        "link_url": _absolute(reverse("panels:panellist-answer", kwargs={"secret": secret})),
        "replaces_link": replaces_link,
    }


def _send_link(panellist, kind, batch, now, interval=None):
    """Email ``panellist`` a new personal link (an invitation or a reminder).

    Returns an ``Outcome``, or ``None`` for a reminder that is no longer due (the panellist
    answered, or was reminded by a parallel run, since the batch was chosen; ``interval`` is
    the reminders' as in ``due_for_reminder``). The new link and the record of its sending
    are committed only when the email was sent.
    """
    address = panellist.person.email
    try:
        if panellist.status == Panellist.Status.WITHDRAWN:
            raise _NotSent(_("withdrawn from the panel"))
        if now >= services.answer_deadline(panellist.panel):
            raise _NotSent(_("the time to answer is over"))
        _valid_address(address)
        with transaction.atomic():
            # The row lock makes a reminder and an answer, or two runs of the reminders, wait
            # for each other; what was chosen before the lock is checked again under it.
            locked = Panellist.objects.select_for_update().get(pk=panellist.pk)
            if (
                kind == Sending.Kind.REMINDER
                and not _not_answered_nor_recently_sent([locked.pk], now, interval).exists()
            ):
                return None
            replaces_link = kind == Sending.Kind.REMINDER or bool(locked.link_hash)
            secret = services.issue_link(panellist, now=now)
            context = _link_context(panellist, secret, replaces_link=replaces_link)
            batch.send(_message(kind, context, to=address, reply_to=context["secretariat_email"]))
            _record(panellist, kind, address, "", now)
    except _NotSent as failure:
        # The transaction put the old link back in the database; the copy follows it.
        panellist.refresh_from_db(fields=["link_hash", "link_issued_at"])
        _record(panellist, kind, address, failure.reason, now)
        return Outcome(panellist=panellist, address=address, error=failure.reason)
    return Outcome(panellist=panellist, address=address)


def send_invitations(panellists, *, now=None):
    """Invite each of ``panellists`` (an iterable of ``Panellist``) to answer, by email.

    Each gets a new personal link (the one sent before stops working) in an email whose
    subject says an answer is needed. Returns a list of ``Outcome``, one per panellist, in the
    order given (a panellist given twice is invited once); each ``Outcome.panellist`` is a
    fresh copy. A withdrawn panellist, one without a valid email address, or one whose panel's
    answer deadline has passed gets an ``Outcome`` with an error and keeps their old link, as
    does one whose email the mail server did not take. Every attempt is recorded as a
    ``Sending`` of kind ``INVITATION``. ``now`` is an aware datetime (default: now).
    """
    now = now or timezone.now()
    outcomes = []
    with translation.override(_language()), _Batch() as batch:
        for panellist in _load(panellists):
            outcomes.append(_send_link(panellist, Sending.Kind.INVITATION, batch, now))
    return outcomes


def _not_answered_nor_recently_sent(pks, now, interval):
    """The panellists ``pks`` (a list) who may be reminded as far as the database tells: not
    answered, invited (successfully), holding a link that was not revoked, and sent no
    invitation or reminder within ``interval``
    (a ``timedelta``, or ``None`` for ``settings.REMINDER_INTERVAL_DAYS`` days)."""
    if interval is None:
        interval = timedelta(days=settings.REMINDER_INTERVAL_DAYS)
    sent = Sending.objects.filter(panellist=OuterRef("pk"), error="")
    return (
        Panellist.objects.filter(pk__in=pks, status=Panellist.Status.INVITED)
        # A revoked link stays revoked: the secretariat re-invites on purpose, not by reminder.
        .exclude(link_hash="")
        .filter(Exists(sent.filter(kind=Sending.Kind.INVITATION)))
        .exclude(
            Exists(
                sent.filter(
                    kind__in=[Sending.Kind.INVITATION, Sending.Kind.REMINDER],
                    sent_at__gt=now - interval,
                )
            )
        )
    )


def due_for_reminder(panellists, *, now=None, interval=None):
    """Those of ``panellists`` (an iterable of ``Panellist``) a reminder would go to now.

    Those who have not answered (status invited), were sent an invitation whose link was not
    revoked since, were sent no
    invitation or reminder less than ``interval`` ago (a ``timedelta``; default
    ``settings.REMINDER_INTERVAL_DAYS`` days) and whose panel's answer deadline has not passed.
    Returns a list of fresh ``Panellist`` copies, in the order given. ``now`` is an aware
    datetime (default: now). Used by ``send_reminders`` and by its command's dry run.
    """
    now = now or timezone.now()
    panellists = list(panellists)
    pks = [place.pk for place in panellists]
    due = set(_not_answered_nor_recently_sent(pks, now, interval).values_list("pk", flat=True))
    return [
        place
        for place in _load(place for place in panellists if place.pk in due)
        if now < services.answer_deadline(place.panel)
    ]


def send_reminders(panellists, *, now=None, interval=None):
    """Remind those of ``panellists`` who were invited and have not answered.

    Skips (without an ``Outcome``) panellists who have answered (any status but invited), who
    were never invited, whose panel's deadline has passed, and who were sent an invitation or
    a reminder less than ``interval`` ago (a ``timedelta``; default
    ``settings.REMINDER_INTERVAL_DAYS`` days); see ``due_for_reminder``. A reminder carries a
    new personal link, which replaces the earlier one only when the reminder was sent. Returns
    the list of ``Outcome`` of the reminders attempted, each recorded as a ``Sending`` of kind
    ``REMINDER``. ``now`` is an aware datetime (default: now).
    """
    now = now or timezone.now()
    panellists = list(panellists)
    outcomes = []
    with translation.override(_language()), _Batch() as batch:
        for panellist in due_for_reminder(panellists, now=now, interval=interval):
            outcome = _send_link(panellist, Sending.Kind.REMINDER, batch, now, interval)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def notify_secretariat(panellist):
    """Email the meeting's secretariat address the panellist's current answer.

    Called once per recorded answer, after the transaction commits (``services.answer``).
    The email gives the panellist's name, the panel, the answer and when it was given (in the
    meeting's zone), the reason for declining, the note to the secretariat and the address of
    the panellist's page in the admin; its Reply-To is the panellist's address. The answer is
    read again from the database. Written in ``settings.LANGUAGE_CODE``, and recorded as a
    ``Sending`` of kind ``ANSWER_NOTICE``. Returns an ``Outcome``, or ``None`` when the
    meeting has no secretariat address (or the panellist has been deleted since).
    """
    found = _load([panellist])
    if not found:
        return None
    [panellist] = found
    panel = panellist.panel
    address = panel.meeting.secretariat_email
    if not address:
        return None
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _valid_address(address)
            context = _slot_context(panellist) | {
                "admin_url": _absolute(
                    reverse("admin:panels_panellist_change", args=[panellist.pk])
                ),
            }
            if panellist.responded_at:
                answered_at = panellist.responded_at.astimezone(panel.zone)
                answered_day = zone_day(panel.zone, answered_at.date())
                answered_zone = zone_label_html(answered_day)
                context |= {
                    "answered_at": answered_at,
                    "answered_zone": answered_zone,
                    "answered_zone_text": _plain(answered_zone),
                    "answered_clock_changes": answered_day.after is not None,
                }
            message = _message(
                "answer_notice",
                context,
                to=address,
                reply_to=panellist.person.email,
                # RFC 3834: no automatic replies (an absence notice) to the panellist.
                headers={"Auto-Submitted": "auto-generated"},
            )
            with _Batch() as batch:
                batch.send(message)
        except _NotSent as failure:
            error = failure.reason
        else:
            error = ""
        _record(panellist, Sending.Kind.ANSWER_NOTICE, address, error, now)
    return Outcome(panellist=panellist, address=address, error=error)


def notify_time_changes(panels, *, now=None):
    """Tell each confirmed panellist of ``panels`` whose times changed their new time.

    Compares ``services.slot_times`` with the times the panellist confirmed or was last told
    (``Panellist.confirmed_times``); emails those that differ and stores the new times, so each
    change is announced once. The new times are stored only when the email was sent, so that
    a failed notice is tried again by the next call. A panellist who confirmed before times
    were recorded (``confirmed_times`` empty) gets the current times stored and no email.
    ``panels`` is an iterable of ``Panel``; ``now`` an aware datetime (default: now). Returns
    the list of ``Outcome``, each recorded as a ``Sending`` of kind ``TIME_CHANGE``.
    """
    now = now or timezone.now()
    confirmed = (
        Panellist.objects.filter(status=Panellist.Status.CONFIRMED)
        .select_related("person")
        .order_by("order", "pk")
    )
    chosen = (
        Panel.objects.filter(pk__in=[panel.pk for panel in panels])
        .select_related("meeting")
        .with_running_order()
        .prefetch_related(Prefetch("panellists", queryset=confirmed, to_attr="confirmed"))
        .in_programme_order()
    )
    outcomes = []
    with translation.override(_language()), _Batch() as batch:
        for panel in chosen:
            for panellist in panel.confirmed:
                panellist.panel = panel
                outcome = _notify_time_change(panellist, batch, now)
                if outcome is not None:
                    outcomes.append(outcome)
    return outcomes


def _notify_time_change(panellist, batch, now):
    """Send ``panellist`` their new times if they changed; ``None`` when no email was due."""
    address = panellist.person.email
    times = services.slot_times(panellist)
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
            _valid_address(address)
            context = _slot_context(panellist)
            message = _message(
                "time_change", context, to=address, reply_to=context["secretariat_email"]
            )
            batch.send(message)
            panellist.save(update_fields=["confirmed_times"])
            _record(panellist, Sending.Kind.TIME_CHANGE, address, "", now)
    except _NotSent as failure:
        panellist.refresh_from_db(fields=["confirmed_times"])
        _record(panellist, Sending.Kind.TIME_CHANGE, address, failure.reason, now)
        return Outcome(panellist=panellist, address=address, error=failure.reason)
    return Outcome(panellist=panellist, address=address)
