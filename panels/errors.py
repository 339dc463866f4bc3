"""The site's own page for a request that failed (Django's ``handler500``).

A failure is told in the user's words, in the site's style and language: a 503 with
``Retry-After`` when the database could not be reached or answered with an operational error
(a restart, a lost connection, a lock that timed out), a 500 for anything else. A panellist
whose answer was being sent is told whether it was recorded: after a database failure it was
not (each answer is saved in one transaction), after another failure it may have been, and
their personal link shows the answer on record.

The page is rendered without the request's context processors, so that it needs neither the
database (no session, no user) nor anything else that may be what failed.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve

# The database errors that mean "not now": worth trying again in a moment.
UNAVAILABLE = (OperationalError, InterfaceError)
# How long a client is asked to wait before trying again (``Retry-After``), in seconds.
RETRY_AFTER_SECONDS = 30


def _was_sending_an_answer(request):
    """Whether ``request`` posted an answer through a personal link."""
    if request.method != "POST":
        return False
    try:
        return resolve(request.path_info).url_name in ("panellist-answer", "personal-link")
    except Resolver404:
        return False


def server_error(request):
    """Django's ``handler500``: the 503 page (``503.html``) when the exception being handled
    is a database ``OperationalError`` or ``InterfaceError``, else the 500 page
    (``500.html``). Their context: ``answer`` (the request posted an answer). Neither may be
    stored by a cache (``Cache-Control: no-store``)."""
    unavailable = isinstance(sys.exc_info()[1], UNAVAILABLE)
    template = "503.html" if unavailable else "500.html"
    context = {"answer": _was_sending_an_answer(request)}
    response = HttpResponse(
        loader.get_template(template).render(context), status=503 if unavailable else 500
    )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
