"""Personal links: how a panellist answers without an account.

A link carries a 256-bit secret from ``secrets``; only its SHA-256 is stored
(``Panellist.link_hash``) and it is compared in constant time. Issuing a new link kills the
old one; a link stops at its panel's answer deadline, when revoked, and when the panellist
withdraws.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ..models import Panellist
from .history import log_changed_fields

# 32 bytes from ``secrets``: 256 bits.
LINK_SECRET_BYTES = 32
# Longest secret looked up; a real one is 43 characters.
MAX_SECRET_LENGTH = 200


def link_hash(secret):
    """The SHA-256 (hex) under which a personal link's ``secret`` (str) is stored.

    A plain hash suffices: the secret is random and long, so it cannot be guessed from it.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def answer_deadline(panel):
    """When ``panel``'s personal links stop working: its ``answer_deadline``, else its start
    (the start of its day for a session whose time is not published).

    Returns an aware datetime.
    """
    return panel.answer_deadline or panel.starts_at or panel.day_starts_at


@transaction.atomic
def issue_link(panellist, *, now=None):
    """Give ``panellist`` a new personal link and return its secret (a URL-safe str).

    Only the secret's hash is stored; a link issued before stops working. ``now`` is an aware
    datetime (default: now). Called inside the transaction that sends the link
    (``emails.invite``), so that a link whose email failed is rolled back.
    """
    secret = secrets.token_urlsafe(LINK_SECRET_BYTES)
    panellist.link_hash = link_hash(secret)
    panellist.link_issued_at = now or timezone.now()
    panellist.save(update_fields=["link_hash", "link_issued_at"])
    return secret


issue_link.alters_data = True


def revoke_link(panellist):
    """Make ``panellist``'s personal link stop working. Idempotent."""
    panellist.link_hash = ""
    panellist.save(update_fields=["link_hash"])


revoke_link.alters_data = True


@dataclass
class LinksRevoked:
    """What ``revoke_links`` did: ``revoked``, the panellists whose link stopped working, and
    ``without_link``, those who had none (lists of ``Panellist``)."""

    revoked: list = field(default_factory=list)
    without_link: list = field(default_factory=list)


@transaction.atomic
def revoke_links(panellists, *, actor=None):
    """Make the personal links of ``panellists`` (an iterable of ``Panellist``) stop working.

    Each revocation is recorded in the admin's history as ``actor``'s (a user, or ``None``).
    Returns ``LinksRevoked``.
    """
    result = LinksRevoked()
    for panellist in panellists:
        if panellist.link_hash:
            revoke_link(panellist)
            result.revoked.append(panellist)
        else:
            result.without_link.append(panellist)
    log_changed_fields(actor, result.revoked, Panellist, "link_hash")
    return result


revoke_links.alters_data = True


def panellist_for_link(secret, *, now=None):
    """The panellist whose valid personal link carries ``secret``, or ``None``.

    ``None`` alike for a missing, unknown, revoked or expired link, a panellist who has
    withdrawn, or a place whose person was taken off it, so that the answer page reveals
    nothing about which it was. The stored hash is compared in constant time.
    """
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    digest = link_hash(secret)
    panellist = Panellist.objects.with_slot().filter(link_hash=digest).first()
    if panellist is None or not hmac.compare_digest(panellist.link_hash, digest):
        return None
    if (now or timezone.now()) >= answer_deadline(panellist.panel):
        return None
    if panellist.status == Panellist.Status.WITHDRAWN or panellist.person_id is None:
        # The secretariat took them off the panel, or took the person off the place: the link
        # no longer answers for it.
        return None
    return panellist
