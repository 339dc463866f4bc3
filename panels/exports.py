"""The language of the programme leaving the site (calendars, schedule.json): ``?lang=``.

An export's address without ``lang`` works as it always did (the calendars in the language
the request asks for, schedule.json in ``settings.LANGUAGE_CODE``), so that subscriptions
keep working; ``?lang=fr`` gives it in French: words, and the content the secretariat gave in
French (titles, concept notes; the rest falls back as on the pages). The programme page's
links carry its language.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _


def in_asked_language(view, *, unasked=None):
    """Decorate an export's view: with ``?lang=<code>`` (a code of ``settings.LANGUAGES``, in
    any case), the view runs in that language and ``request.export_language`` is the code;
    without it, ``request.export_language`` is ``None`` and the view answers in the request's
    language, or in ``unasked`` (a code) when the view writes its document in that one. Any
    other value is refused (400) with a message naming the codes, rather than silently
    answered in another language. The response's ``Content-Language`` names the document's
    language (RFC 9110, section 8.5)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        asked = request.GET.get("lang")
        request.export_language = None
        if asked is None:
            response = view(request, *args, **kwargs)
            response.headers["Content-Language"] = unasked or translation.get_language()
            return response
        codes = [code for code, _name in settings.LANGUAGES]
        if asked.lower() not in codes:
            return HttpResponseBadRequest(
                _("Unknown language “%(asked)s”: give lang as one of %(codes)s.")
                % {"asked": asked, "codes": ", ".join(codes)},
                content_type="text/plain; charset=utf-8",
            )
        request.export_language = asked.lower()
        with translation.override(request.export_language):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = request.export_language
        return response

    return wrapped


def exports_in_asked_language(views):
    """The exports' views (``meeting_calendar``, ``meeting_schedule_json``,
    ``panel_calendar``) of ``views`` in the language asked for (``in_asked_language``), by
    name: one set for their addresses under a language prefix and without one."""
    return {
        "meeting_calendar": in_asked_language(views.meeting_calendar),
        "meeting_schedule_json": in_asked_language(
            views.meeting_schedule_json, unasked=settings.LANGUAGE_CODE
        ),
        "panel_calendar": in_asked_language(views.panel_calendar),
    }
