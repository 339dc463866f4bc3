"""The page in each of the site's languages: ``{% load languages %}``.

``{% page_in_languages as languages %}`` gives, for the page being shown, one entry per
language of ``settings.LANGUAGES``: its ``code``, its name in its own language
(``name_local``), ``bidi``, the address of the same page in it (``url``, its query kept) and
whether it is the language shown (``current``). The language switcher and the ``hreflang``
alternates read it; they are plain links, so that an anonymous page needs no form, no CSRF
token and no cookie.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """The languages of the page being shown (see the module's docstring); ``[]`` without a
    request (an error page rendered without one)."""
    request = context.get("request")
    if request is None:
        return []
    shown = get_language()
    path = request.get_full_path()
    return [
        {
            **get_language_info(code),
            "code": code,
            "url": translate_url(path, code),
            "current": code == shown,
        }
        for code, _name in settings.LANGUAGES
    ]
