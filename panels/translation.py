"""The content given in each of the six languages (django-modeltranslation).

Each field named here gets a column per language of ``settings.MODELTRANSLATION_LANGUAGES``
("title_en", "title_fr", …), entered in the admin under language tabs; the field itself
(``panel.title``) reads the active language's value, else the fallback's
(``MODELTRANSLATION_FALLBACK_LANGUAGES``: English, then the others), and writes the active
language's. ``panels.templatetags.content`` tells a page which language a value came from.

The historical models (simple-history, ``Model.history``) are registered too, so that each
record keeps every language's value and putting a record back restores them all: simple-history
builds them before this module runs, from the fields the model had then.

Two things to know: a query on ``title`` (``filter``, ``order_by``) is rewritten to the active
language's column, without fallback; and the field's own column (``title``) holds what the
field read when the row was last saved, in the language active then, and is not read by the
app. Code that reads or writes one value outside the language tabs (spreadsheets, a
panellist's corrections) uses the English column (``english_column``, ``english_value``).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import build_localized_fieldname

from .models import ConceptNoteSection, Meeting, Panel, Person, Segment


class TitleOptions(TranslationOptions):
    fields = ("title",)


class SectionOptions(TranslationOptions):
    fields = ("heading", "body")


class PersonOptions(TranslationOptions):
    fields = ("position", "bio")


TRANSLATED = {
    Meeting: TitleOptions,
    Panel: TitleOptions,
    Segment: TitleOptions,
    ConceptNoteSection: SectionOptions,
    Person: PersonOptions,
}

for model, options in TRANSLATED.items():
    translator.register(model, options)
    translator.register(model.history.model, options)


def english_column(model, name):
    """The column that holds ``model``'s field ``name`` in the default language ("bio" →
    "bio_en" for ``Person``), or ``name`` itself for a field that is not translated.

    Services that write one value chosen outside the admin's language tabs (a panellist's
    accepted correction) write it there, whatever language the officer's page is in.
    """
    if model in TRANSLATED and name in TRANSLATED[model].fields:
        return f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE.replace('-', '_')}"
    return name


def english_value(obj, name):
    """``obj``'s value of field ``name`` in the default language, falling back as a page in
    it does (the value itself for a field that is not translated). The programme spreadsheet
    is in English whatever language the officer's page is in."""
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return getattr(obj, name)


def other_languages(obj, name):
    """The codes of the languages other than the default in which ``obj`` has a value of field
    ``name`` ("title_fr" filled in: "fr"), in the order of ``settings.LANGUAGES``."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return [
        code
        for code in settings.MODELTRANSLATION_LANGUAGES
        if code != default and getattr(obj, build_localized_fieldname(name, code))
    ]


def without_repeated_errors(obj, message_dict):
    """``message_dict`` (of ``obj.full_clean``'s ``ValidationError``) without the errors of a
    language's column whose field has the same errors: a translated field's value is checked
    both as the field (``title``) and as the active language's column (``title_en``)."""
    repeated = set()
    for name in message_dict:
        original = getattr(_field(obj, name), "translated_field", None)
        if original is not None and message_dict.get(original.name) == message_dict[name]:
            repeated.add(name)
    return {name: messages for name, messages in message_dict.items() if name not in repeated}


def _field(obj, name):
    try:
        return obj._meta.get_field(name)
    except FieldDoesNotExist:  # NON_FIELD_ERRORS
        return None
