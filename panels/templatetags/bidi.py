"""Isolating text of unknown direction: ``{% load bidi %}``.

Titles, names, rooms, organisations and the like are typed by people in any of the site's
languages, so a page cannot know their direction. Printed bare inside a sentence of the other
direction, the Unicode bidirectional algorithm runs them into their neighbours: on an Arabic
page an English title ending in a full stop shows the stop at its start, and an Arabic name on
an English page swaps places with the comma after it. HTML's ``<bdi>`` (and ``dir="auto"`` on
a block) takes the content's direction from its first strong letter and keeps it apart from
the text around it (https://www.w3.org/International/articles/inline-bidi-markup/).

In templates, content is written ``<bdi>{{ panel.title }}</bdi>`` for inline text and
``<div dir="auto">`` for a block (a concept note's body, a bio). The filter here is for the
one place where markup cannot be written around a value: a variable of
``{% blocktranslate %}``, whose text is the translators'
(``with name=person.display_name|isolate``), so that the message and its translations stay as
they are.

Text that is not HTML (plain-text emails, subjects, ``title=`` and other attributes, the
page's ``<title>``) cannot hold ``<bdi>``; it is left as it is.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ..models import Person
from ..models.people import with_honorific

register = template.Library()


@register.filter
def isolate(value):
    """``value`` (any object; ``str()`` of it, escaped unless already safe) as safe HTML
    ``<bdi>…</bdi>``, or "" for ``None`` and "".

    For HTML templates only: in a template with autoescape off (emails' plain text) the tags
    would be shown as text.
    """
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolated_name(place_or_person):
    """The name of ``place_or_person`` (a ``Person``, or a place: ``Panellist``) as its
    ``display_name`` gives it, as safe HTML in which the person's own name is isolated from
    the honorific (``<bdi>``), so that each keeps its direction: an Arabic name with a Chinese
    honorific after it ("…博士") or an English one before it ("Dr. …"). A place without a
    person gives its function, escaped."""
    person = place_or_person if isinstance(place_or_person, Person) else place_or_person.person
    if person is None or not person.honorific:
        return conditional_escape(place_or_person.display_name)
    label = conditional_escape(person.get_honorific_display())
    return mark_safe(with_honorific(label, format_html("<bdi>{}</bdi>", person.name)))
