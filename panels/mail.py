"""Writing and sending emails about a panellist's place: invitations and reminders, new-time
and cancellation notices to panellists, answer notices to the meeting's secretariat.

This module renders and sends what it is handed (the panellist, the link, the deadline, the
recipient); choosing whom to write, issuing links and recording what was sent are
``services.emails``'s. Every email goes through Django's mail framework (the console in the
demo, SMTP from the environment in production) as plain text with an HTML alternative,
rendered from templates in ``templates/panels/email/`` (``<kind>_subject.txt``,
``<kind>.txt``, ``<kind>.html``). Names and titles from the database appear as plain text:
the text templates do not escape, the HTML ones do, and neither makes them links.

Times are given in the meeting's IANA zone and always with it, as on the answer page
(``wording.zone_label``).

An email to a panellist is written in their person's language (``Person.language``: their
preferred language, else ``settings.LANGUAGE_CODE``): its subject, body, dates, choice labels
and the language prefix of its links (the answer page, the panel's page) all follow it, and
the language active before is back once the email is written (``reader_language``). Reasons
for not sending (``NotSent``) stay in the language active when the function was called, the
secretariat's. Answer notices to the secretariat are written in the active language.
"""

import re
import smtplib
from contextlib import suppress
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .running_order import zone_day
from .wording import zone_label

# What a failed hand-over to the mail server raises: smtplib's errors (a subclass of OSError),
# network errors, and a message that cannot be written (a header with a line break, an address
# Python's email package refuses).
SEND_ERRORS = (smtplib.SMTPException, OSError, BadHeaderError, ValueError)


class NotSent(Exception):
    """An email that was not sent; ``reason`` says why, in the secretariat's words."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Batch:
    """One connection to the mail server, shared by a batch of emails.

    The connection is opened on the first email, so that a batch with nothing to send does not
    open one. When it cannot be opened, or breaks, each next email tries again and reports its
    own failure: nothing raises out of ``send`` but ``NotSent``.
    """

    def __init__(self):
        self.connection = get_connection()
        self.opened = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._close()

    def send(self, message):
        """Hand ``message`` (an ``EmailMessage``) to the mail server; raises ``NotSent``."""
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
            raise NotSent(_send_error_reason(error)) from error
        if not sent:
            raise NotSent(_("the mail server did not accept it"))

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


def language():
    """The language to write in: the active one, else the site's (``LANGUAGE_CODE``)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def reader_language(panellist):
    """The language code an email to ``panellist`` is written in: their person's
    (``Person.language``), or ``settings.LANGUAGE_CODE`` for a place without a person."""
    person = panellist.person
    return person.language if person is not None else settings.LANGUAGE_CODE


def _site():
    """The site's public address (``settings.SITE_URL``); raises ``NotSent`` when it is not
    set, so that no email goes out with a link that cannot work."""
    site = getattr(settings, "SITE_URL", "")
    if not site:
        raise NotSent(_("the site's public address (SITE_URL) is not set, so links cannot work"))
    return site


def _absolute(path):
    """``path`` on the site's public address; raises ``NotSent`` as ``_site`` does."""
    return f"{_site()}{path}"


def check_address(address):
    """``address``, checked; raises ``NotSent`` when it is missing or not an email address."""
    if not address:
        raise NotSent(_("no email address"))
    try:
        validate_email(address)
    except ValidationError as error:
        raise NotSent(_("the email address is not valid")) from error
    return address


def _is_valid_address(address):
    try:
        check_address(address)
    except NotSent:
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
    ``panels/email/<template>_subject.txt``, ``.txt`` and ``.html``, in the active language
    (named in its ``Content-Language`` header, RFC 3282).

    The subject is one line whatever the names and titles in it hold, so that nothing in them
    can start a header of its own.
    """
    headers = {"Content-Language": translation.get_language() or settings.LANGUAGE_CODE} | (
        headers or {}
    )
    subject = _one_line(render_to_string(f"panels/email/{template}_subject.txt", context))
    context = context | {"subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=_tidy(render_to_string(f"panels/email/{template}.txt", context)),
        to=[to],
        reply_to=[reply_to] if reply_to and _is_valid_address(reply_to) else [],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"panels/email/{template}.html", context), "text/html"
    )
    return message


def _slot_context(panellist):
    """What every email about ``panellist``'s slot shows: the template context (a dict)."""
    panel = panellist.panel
    meeting = panel.meeting
    day = zone_day(panel.zone, panel.date)
    zone_html = zone_label(panel.zone, panel.date)
    return {
        "panellist": panellist,
        "person": panellist.person,
        "panel": panel,
        "meeting": meeting,
        "zone": zone_html,
        "zone_text": _plain(zone_html),
        "clock_changes": day.after is not None,
        "own_segments": [
            timed for timed in panel.timed_segments() if timed.item.is_spoken_by(panellist)
        ],
        "secretariat_email": meeting.secretariat_email,
    }


def link_email(kind, panellist, *, secret, deadline, replaces_link):
    """An invitation or a reminder (``kind``: ``Sending.Kind`` value) with a personal link,
    in the panellist's language (``reader_language``).

    ``panellist`` has their person, panel, meeting and running order; ``secret`` is their
    personal link's secret, linked as the answer page under the prefix of their language
    (``/es/answer/<secret>/``); ``deadline`` the aware datetime at which the link stops
    working, ``replaces_link`` whether an earlier link stops working now. The public panel page
    is linked only when it is public. Raises ``NotSent`` when the panellist's address is not
    valid or ``SITE_URL`` is not set.
    """
    address = check_address(panellist.email)
    _site()
    with translation.override(reader_language(panellist)):
        return _link_email(kind, panellist, address, secret, deadline, replaces_link)


def _link_email(kind, panellist, address, secret, deadline, replaces_link):
    """``link_email``'s message, in the active language, to the checked ``address``."""
    panel = panellist.panel
    deadline = deadline.astimezone(panel.zone)
    deadline_day = zone_day(panel.zone, deadline.date())
    deadline_zone = zone_label(panel.zone, deadline.date())
    is_public = panel.is_published and panel.meeting.is_public
    context = _slot_context(panellist) | {
        "deadline": deadline,
        "deadline_zone": deadline_zone,
        "deadline_zone_text": _plain(deadline_zone),
        "deadline_clock_changes": deadline_day.after is not None,
        "panel_url": _absolute(panel.get_absolute_url()) if is_public else "",
        "link_url": _absolute(reverse("panels:panellist-answer", kwargs={"secret": secret})),
        "replaces_link": replaces_link,
    }
    return _message(kind, context, to=address, reply_to=context["secretariat_email"])


def _slot_email(template, panellist, to, extra=None):
    """The email ``template`` about ``panellist``'s slot, to ``to``, in the panellist's
    language (``reader_language``). Raises ``NotSent`` for an address that is not valid."""
    to = check_address(to)
    with translation.override(reader_language(panellist)):
        context = _slot_context(panellist) | (extra or {})
        return _message(template, context, to=to, reply_to=context["secretariat_email"])


def time_change_email(panellist, *, to):
    """A confirmed panellist's new times, to ``to``, in their language. Raises ``NotSent``
    for an address that is not valid."""
    return _slot_email("time_change", panellist, to)


def cancellation_email(panellist, *, to):
    """Tell ``panellist`` (with their person, panel, meeting and running order) that their
    panel is cancelled, at ``to``, in their language: the slot that was planned and that their
    personal link takes no answer. Raises ``NotSent`` for an address that is not valid."""
    return _slot_email("cancellation", panellist, to, {"cancellation": True})


def reinstatement_email(panellist, *, to):
    """Tell ``panellist`` (as for ``cancellation_email``) that their panel, cancelled before,
    takes place after all, with their slot as it is now. Raises ``NotSent`` for an address
    that is not valid."""
    return _slot_email("reinstatement", panellist, to)


def answer_notice(panellist, *, to, admin_path, corrections=()):
    """The panellist's answer, for the secretariat's address ``to``.

    Gives the panellist's name, the panel, the answer and when it was given (in the meeting's
    zone), the reason for declining, the note to the secretariat and the address of the
    panellist's admin page (``admin_path`` on ``SITE_URL``); its Reply-To is the panellist's
    address, and it asks for no automatic replies (RFC 3834). Raises ``NotSent`` for an
    address that is not valid or when ``SITE_URL`` is not set. ``corrections``: the
    panellist's ``ProposedChange``s waiting for a decision, listed with their values.
    """
    panel = panellist.panel
    check_address(to)
    context = _slot_context(panellist) | {
        "admin_url": _absolute(admin_path),
        "corrections": list(corrections),
    }
    if panellist.responded_at:
        answered_at = panellist.responded_at.astimezone(panel.zone)
        answered_day = zone_day(panel.zone, answered_at.date())
        answered_zone = zone_label(panel.zone, answered_at.date())
        context |= {
            "answered_at": answered_at,
            "answered_zone": answered_zone,
            "answered_zone_text": _plain(answered_zone),
            "answered_clock_changes": answered_day.after is not None,
        }
    return _message(
        "answer_notice",
        context,
        to=to,
        reply_to=panellist.email,
        headers={"Auto-Submitted": "auto-generated"},
    )
