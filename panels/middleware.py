"""Middleware of the panels app, and the personal link's choice of language
(``use_personal_language``), which completes ``LocaleMiddleware``'s."""

from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware as BaseLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def refuse_nul_in_address(get_response):
    """Answer 400 (the site's "request could not be read" page) to an address whose query
    string holds a NUL character: no field, filter or search term can contain one, and
    PostgreSQL refuses it in a query (a list filter or an autocomplete search would fail
    with a 500). Forms already refuse NUL in posted fields (Django's
    ``ProhibitNullCharactersValidator``)."""

    def middleware(request):
        pairs = ((key, value) for key, values in request.GET.lists() for value in values)
        if any("\x00" in key or "\x00" in value for key, value in pairs):
            raise BadRequest("NUL character in the query string")
        return get_response(request)

    return middleware


class LocaleMiddleware(BaseLocaleMiddleware):
    """Django's ``LocaleMiddleware``, but an address without a language prefix that a view
    answered with 404 keeps that answer: a personal link that no longer works, or the export
    of a draft, says so at its own address instead of being sent to a prefixed one (Django
    redirects every unprefixed 404 whose prefixed address exists)."""

    def process_response(self, request, response):
        answered_here = (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and not translation.get_language_from_path(request.path_info)
        )
        if not answered_here:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def use_personal_language(request, person):
    """Show the page of ``person``'s personal link in their preferred language.

    Only at an address without a language prefix (the personal link as emails gave it before
    they gave it under the reader's prefix), and only when ``person`` (or ``None``) has a
    ``preferred_language``: that language is activated for the rest of the request, as
    ``LocaleMiddleware`` activated the browser's, so that the page, its messages and its
    ``Content-Language`` follow it. An address with a prefix keeps its own language, so that
    the panellist may switch with the page's language switcher (plain links, no cookie).
    """
    if person is None or not person.preferred_language:
        return
    if translation.get_language_from_path(request.path_info):
        return
    translation.activate(person.preferred_language)
    request.LANGUAGE_CODE = translation.get_language()
