"""Emails about a panellist's place (issue 4): invitations, reminders, new-time notices to
panellists, and answer notices to the meeting's secretariat.

Every email goes through Django's mail framework (the console in the demo, SMTP from the
environment in production) as plain text with an HTML alternative, rendered from templates in
``templates/panels/email/``. Each attempt is recorded as a ``Sending``, whether it was sent or
failed; one failure never stops a batch.

STUB: the signatures below are the contract the admin and the management command code against.
"""

from dataclasses import dataclass

from .models import Panellist


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


def send_invitations(panellists, *, now=None):
    """Invite each of ``panellists`` (an iterable of ``Panellist``) to answer, by email.

    Each gets a new personal link (the one sent before stops working) in an email whose
    subject says an answer is needed. Returns a list of ``Outcome``, one per panellist, in the
    order given. A withdrawn panellist, one without an email address, or one whose panel's
    answer deadline has passed gets an ``Outcome`` with an error and keeps their old link.
    ``now`` is an aware datetime (default: now).
    """
    raise NotImplementedError


def send_reminders(panellists, *, now=None, interval=None):
    """Remind those of ``panellists`` who were invited and have not answered.

    Skips (without an ``Outcome``) panellists who have answered (any status but invited), who
    were never invited, whose panel's deadline has passed, and who were sent an invitation or
    a reminder less than ``interval`` ago (a ``timedelta``; default
    ``settings.REMINDER_INTERVAL_DAYS`` days). A reminder carries a new personal link. Returns
    the list of ``Outcome`` of the reminders attempted.
    """
    raise NotImplementedError


def notify_secretariat(panellist):
    """Email the meeting's secretariat address the panellist's current answer.

    Called once per recorded answer, after the transaction commits (``services.answer``).
    Returns an ``Outcome``, or ``None`` when the meeting has no secretariat address.
    """
    raise NotImplementedError


def notify_time_changes(panels, *, now=None):
    """Tell each confirmed panellist of ``panels`` whose times changed their new time.

    Compares ``services.slot_times`` with the times the panellist confirmed or was last told
    (``Panellist.confirmed_times``); emails those that differ and stores the new times, so each
    change is announced once. Returns the list of ``Outcome``.
    """
    raise NotImplementedError
