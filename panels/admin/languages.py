"""Content in six languages on the admin's pages: one input per language under language tabs.

A model admin of a model registered in ``panels/translation.py`` is a ``LanguageTabsAdmin``,
an inline a ``LanguageTabsInline`` (before its stacked or tabular class): modeltranslation's
admin classes with ``LanguageTabsMixin``. The form then has one field per language ("title
(French)", named ``title_fr``) instead of ``title``, and each input carries its language
(``lang``, ``dir="auto"``) and the data the tab switcher reads
(``static/admin/panels/language_tabs.js``).

The switcher is the project's own, served from the site's static files: modeltranslation's
tabs need jQuery UI, which its ``TabbedTranslationAdmin`` loads from a public CDN (0.20.x),
and the admin must load nothing from elsewhere. Without JavaScript every language's field
simply shows with its label.
"""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from modeltranslation.admin import TranslationAdmin, TranslationInlineModelAdmin


class TranslatedSearchMixin:
    """Searches the lookups of translated fields in ``translated_search_fields`` ("title",
    "meeting__title") in every language's column, besides ``search_fields``: a search on
    "title" would look in the column of the officer's language only."""

    translated_search_fields = ()

    def get_search_fields(self, request):
        codes = [code.replace("-", "_") for code, name in settings.LANGUAGES]
        translated = [f"{name}_{code}" for name in self.translated_search_fields for code in codes]
        return [*super().get_search_fields(request), *translated]


class LanguageTabsMixin(TranslatedSearchMixin):
    """Marks each language's input of a translated field for the tab switcher:
    ``data-translated-field`` (the field's label, e.g. "Title"), ``data-language`` and
    ``data-language-name`` (e.g. "fr", "French", in the page's language), ``lang`` and
    ``dir="auto"``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if formfield is None or original is None:
            return formfield
        language = db_field.language
        self._get_widget_from_field(formfield).attrs.update(
            {
                "lang": language,
                "dir": "auto",
                "data-language": language,
                "data-language-name": capfirst(get_language_info(language)["name_translated"]),
                "data-translated-field": capfirst(original.verbose_name),
            }
        )
        return formfield

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/panels/language_tabs.js"],
            css={"all": ["admin/panels/language_tabs.css"]},
        )


class LanguageTabsAdmin(LanguageTabsMixin, TranslationAdmin):
    """modeltranslation's ``TranslationAdmin`` with the project's language tabs."""


class LanguageTabsInline(LanguageTabsMixin, TranslationInlineModelAdmin):
    """modeltranslation's inline admin with the project's language tabs: put before a
    stacked or tabular inline class."""
