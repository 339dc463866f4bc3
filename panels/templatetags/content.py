"""Which language a page's content is shown in: ``{% load content %}``.

A translated field (``panels/translation.py``) shows the page's language's value, else the
fallback's (English, then the others: ``MODELTRANSLATION_FALLBACK_LANGUAGES``).
``value_language`` tells which; a template marks a value shown in another language than the
page's with ``{{ panel|lang_of:"title" }}`` inside the element's tag (`` lang="en"``, so that
screen readers pronounce it and browsers choose fonts and hyphenation for it), and says so once
with ``{% content_language_note panel panel.sections.all %}`` ("Available in English only", in
the page's language). Both read the values already loaded: no query.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, resolution_order

register = template.Library()

# Said once on a page whose content is shown in another language than the page's: one whole
# sentence per language, so that each translation can put the language's name in the form
# its grammar needs ("en anglais", "на английском языке").
CONTENT_LANGUAGE_NOTES = {
    # Translators: said on a page whose content is shown in Arabic, not the page's language.
    "ar": gettext_lazy("Available in Arabic only"),
    # Translators: said on a page whose content is shown in Chinese, not the page's language.
    "zh-hans": gettext_lazy("Available in Chinese only"),
    # Translators: said on a page whose content is shown in English, not the page's language.
    "en": gettext_lazy("Available in English only"),
    # Translators: said on a page whose content is shown in French, not the page's language.
    "fr": gettext_lazy("Available in French only"),
    # Translators: said on a page whose content is shown in Russian, not the page's language.
    "ru": gettext_lazy("Available in Russian only"),
    # Translators: said on a page whose content is shown in Spanish, not the page's language.
    "es": gettext_lazy("Available in Spanish only"),
}


def value_language(obj, name, language=None):
    """The code of the language whose value of ``obj``'s translated field ``name`` is shown in
    ``language`` (default: the active one), following the fallbacks; ``None`` when no
    language has a value. ("" and ``None`` are no value, as for modeltranslation.)"""
    for code in resolution_order(language or get_language()):
        if getattr(obj, build_localized_fieldname(name, code), None) not in (None, ""):
            return code
    return None


def _other_language(obj, name):
    """``value_language`` when it is not the page's language, else ``None``."""
    shown = value_language(obj, name)
    return shown if shown and shown != get_language() else None


@register.filter
def lang_of(obj, name):
    """`` lang="en"`` (to put in an element's tag) when ``obj.name`` is shown in another
    language than the page's, else ""."""
    code = _other_language(obj, name)
    return format_html(' lang="{}"', code) if code else ""


@register.simple_tag
def content_language_note(*objects):
    """A note in the page's language naming the language that the content of ``objects``
    (models with translated fields, or iterables of them) is shown in when it is not the
    page's, e.g. "Available in English only"; "" when every value is in the page's language.
    Values in several other languages are named by the first of them."""
    for obj in _flattened(objects):
        try:
            fields = translator.get_options_for_model(type(obj)).fields
        except NotRegistered:
            continue
        for name in fields:
            code = _other_language(obj, name)
            if code:
                return format_html(
                    '<p class="content-language-note">{}</p>', CONTENT_LANGUAGE_NOTES[code]
                )
    return ""


def _flattened(objects):
    for obj in objects:
        if obj is None or obj == "":
            continue
        if hasattr(obj, "_meta"):
            yield obj
        else:
            yield from obj
