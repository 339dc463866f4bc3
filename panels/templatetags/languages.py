"""The page in each of the site's languages: ``{% load languages %}``.

``{% page_in_languages as languages %}`` gives, for the page being shown, one entry per
language of ``settings.LANGUAGES``: its ``code``, its name in its own language
(``name_local``), ``bidi``, the address of the same page in it (``url``, its query kept) and
whether it is the language shown (``current``). The language switcher and the ``hreflang``
alternates read it; they are plain links, so that an anonymous page needs no form, no CSRF
token and no cookie. A page shown at an address without a language prefix that also lives
under one (a personal link's answer page) is given at its prefixed addresses.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import Resolver404, get_script_prefix, resolve, translate_url
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_info,
    override,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """The languages of the page being shown (see the module's docstring), each with its
    ``url`` (a path) and ``absolute_url``; ``[]`` without a request (an error page rendered
    without one) or for a host not in ``ALLOWED_HOSTS``."""
    request = context.get("request")
    if request is None:
        return []
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        # The "bad request" page of a request for a host the site does not serve.
        return []
    shown = get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        url = _address_in(request, code)
        languages.append(
            {
                **get_language_info(code),
                "code": code,
                "url": url,
                "absolute_url": origin + url,
                "current": code == shown,
            }
        )
    return languages


def _address_in(request, code):
    """The address of the page ``request`` shows, in the language ``code``, under the
    address the site is served at (its script prefix).

    Django's ``translate_url`` gives an address without a prefix back unchanged; when the same
    page lives under the prefix of ``code`` too (``/answer/<secret>/`` and
    ``/fr/answer/<secret>/``), that one is given, so that the switcher switches.
    """
    path = request.get_full_path()
    prefix = get_script_prefix()
    inside = "/" + path.removeprefix(prefix) if path.startswith(prefix) else path
    if get_language_from_path(request.path_info):
        return _translated(path, inside, code, prefix)
    with override(code):
        try:
            resolve(f"/{code}{request.path_info}")
        except Resolver404:
            return path
    return f"{prefix}{code}{inside}"


@lru_cache(maxsize=4096)
def _translated(path, inside, code, prefix):
    """``path`` (``inside``, the same without the script prefix ``prefix``) in the language
    ``code``: ``translate_url``'s answer, remembered, as it is the same for every request of
    that address while the URLconf is. Only addresses with a language prefix come here: a
    personal link's does not."""
    translated = translate_url(inside, code)
    # translate_url gives back what it cannot resolve as it was, without the script prefix.
    return path if translated == inside else translated
