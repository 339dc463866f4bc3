"""The app's own forms outside the admin: the answer page's, reached through a panellist's
personal link.

``AnswerForms`` binds the three forms the page shows as one HTML form: the answer itself
(``AnswerForm``), a correction of the presentation title (``PresentationForm``) and of the
person's details (``PersonDetailsForm``). The admin's forms are in ``admin.forms`` and
``admin.formsets``.

Only the fields named here are read from a POST: ids or any other fields are ignored, so the
link alone decides which slot is answered.

The page shows the three forms in one ``<form>``; each lays out its own part of it with a
django-crispy-forms ``helper`` (``part_helper``), rendered by ``{% crispy %}`` in the site's
template pack (``templates/site_forms/``).
"""

import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import services
from .models import MAX_MESSAGE_LENGTH, Panellist, Person
from .translation import english_value
from .validators import validate_multi_line

# A slot fingerprint as ``services.slot_fingerprint`` writes it: hexadecimal digits.
FINGERPRINT = re.compile(r"[0-9a-f]{1,64}")


def _unix_newlines(text):
    """``text`` with every line break as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# On the inputs where people type content (a title, a bio, a note) in any language: the text
# typed takes the direction of its first letter, so that an English note typed on the Arabic
# page reads left to right as it is typed (https://html.spec.whatwg.org/#attr-dir-auto).
CONTENT_DIRECTION = {"dir": "auto"}


class MultiLineField(forms.CharField):
    """A text area whose line breaks are kept as LF.

    Browsers send them as CR LF (HTML's rules for submitting a form); normalising both the
    sent and the stored text means that a text sent back unchanged is not taken for a change.
    """

    widget = forms.Textarea
    default_validators = [validate_multi_line]

    def to_python(self, value):
        return _unix_newlines(super().to_python(value))

    def has_changed(self, initial, data):
        return super().has_changed(_unix_newlines(initial or ""), data)


def part_helper(*layout):
    """A crispy ``FormHelper`` laying out ``layout`` (field names and layout objects) as part
    of a page's ``<form>``: without a ``<form>`` tag or CSRF token of its own."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


class SubmitButton(StrictButton):
    """A crispy layout's submit ``<button name=… value=…>``, in the site's style (``button``).

    Unlike ``StrictButton``, which runs its text as a template, marks the result safe and keeps
    it in place of the text, its text stays a (lazily translated) string, escaped each time the
    button is shown.
    """

    field_classes = "button"

    def __init__(self, text, *, name, value, css_class):
        super().__init__(text, css_class=css_class, type="submit", name=name, value=value)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return render_to_string(self.get_template_name(template_pack), {"button": self})


class AnswerForm(forms.Form):
    """Confirm or decline (the pressed submit button), an optional reason and note, and the
    ``services.slot_fingerprint`` of the slot the page showed."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Panellist.Status.CONFIRMED, _("Confirm")),
            (Panellist.Status.DECLINED, _("Decline")),
        ],
        error_messages={"required": _("Press “Confirm” or “Decline” to answer.")},
    )
    reason = MultiLineField(
        label=_("If you decline: why? (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, **CONTENT_DIRECTION}),
    )
    note = MultiLineField(
        label=_("A note for the secretariat (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, **CONTENT_DIRECTION}),
        help_text=_("For example travel, interpretation or accessibility needs."),
    )
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_fingerprint(self):
        """The fingerprint, or "" when it is not one (missing or altered): an answer with it is
        then refused as stale, and the page shows the slot again."""
        value = self.cleaned_data["fingerprint"]
        return value if FINGERPRINT.fullmatch(value) else ""

    @property
    def helper(self):
        """The note and reason, then the buttons that send the answer. The answer's error shows
        in the page's summary, and the fingerprint is the page's (of the slot shown now)."""
        return part_helper(
            "note",
            "reason",
            Div(
                SubmitButton(
                    _("Confirm: I will take part"),
                    name="answer",
                    value=Panellist.Status.CONFIRMED,
                    css_class="button--primary",
                ),
                SubmitButton(
                    _("Decline: I cannot take part"),
                    name="answer",
                    value=Panellist.Status.DECLINED,
                    css_class="button--secondary",
                ),
                css_class="answer-buttons",
            ),
        )


class PresentationForm(forms.ModelForm):
    """The panellist's presentation title, validated by the model (one line, its length)."""

    class Meta:
        model = Panellist
        fields = ["presentation_title"]
        labels = {"presentation_title": _("Title of your presentation")}
        help_texts = {"presentation_title": _("Leave blank if you are not presenting.")}
        widgets = {"presentation_title": forms.TextInput(attrs=CONTENT_DIRECTION)}

    @property
    def helper(self):
        return part_helper("presentation_title")


class PersonDetailsForm(forms.ModelForm):
    """The person's position, organisation and short bio, as the programme shows them.

    A person on several panels has one set of details: a correction shows on all of them.
    """

    class Meta:
        model = Person
        fields = ["position", "organisation", "bio"]
        labels = {
            "position": _("Your position"),
            "organisation": _("Your organisation"),
            "bio": _("Your short bio"),
        }
        field_classes = {"bio": MultiLineField}
        widgets = {
            "position": forms.TextInput(attrs=CONTENT_DIRECTION),
            "organisation": forms.TextInput(attrs=CONTENT_DIRECTION),
            "bio": forms.Textarea(attrs={"rows": 5, **CONTENT_DIRECTION}),
        }

    @property
    def helper(self):
        return part_helper("position", "organisation", "bio")


class AnswerForms:
    """The answer page's forms for ``panellist``, bound to ``data`` (a POST) or unbound.

    The correction forms edit copies of the panellist and the person, so that validating them
    leaves the objects the page displays untouched; they show the corrections proposed and
    not yet decided (``pending``: a dict of field name to value).
    """

    def __init__(self, panellist, data=None):
        self.panellist = panellist
        self.answer = AnswerForm(
            data,
            initial={
                "reason": panellist.decline_reason,
                "note": panellist.note_to_secretariat,
            },
        )
        # What the panellist proposed and the secretariat has not decided on yet shows in
        # the fields, so that the page shows their corrections, and sending it again
        # proposes nothing new.
        self.pending = services.pending_values(panellist)
        self.presentation = PresentationForm(
            data,
            instance=Panellist.objects.get(pk=panellist.pk),
            initial=self._pending_of(PresentationForm),
        )
        person = Person.objects.get(pk=panellist.person_id)
        self.person = PersonDetailsForm(
            data,
            instance=person,
            # Corrections are of the English text (``services.proposals``), whatever the
            # page's language: the fields show it.
            initial={name: english_value(person, name) for name in PersonDetailsForm._meta.fields}
            | self._pending_of(PersonDetailsForm),
        )

    def _pending_of(self, form_class):
        """The pending proposals for the fields of ``form_class``: a dict."""
        return {
            name: value for name, value in self.pending.items() if name in form_class._meta.fields
        }

    def __iter__(self):
        return iter([self.answer, self.presentation, self.person])

    def is_valid(self):
        """Whether every form is valid (all are validated, so that all errors show)."""
        results = [form.is_valid() for form in self]
        return all(results)

    @property
    def errors_count(self):
        """How many fields have an error (for the summary at the top of the page)."""
        return sum(len(form.errors) for form in self)

    def save(self):
        """Record the answer and the corrections, all or nothing, through
        ``services.answer_through_link``; call after ``is_valid()``.

        Returns ``(answer_changed, details_changed)``, two bools. Raises
        ``services.StaleAnswer`` when the slot changed since the page was shown; nothing is
        saved then.
        """
        data = self.answer.cleaned_data
        result = services.answer_through_link(
            self.panellist,
            data["answer"],
            fingerprint=data["fingerprint"],
            reason=data["reason"],
            note=data["note"],
            place_changes=self._changes(self.presentation),
            person_changes=self._changes(self.person),
        )
        return result.answer_changed, result.details_changed

    @staticmethod
    def _changes(form):
        """The fields ``form`` changed, with their cleaned values: a dict. A field the POST did
        not carry at all (a browser always sends it) is not a change: that would propose to
        blank it."""
        return {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if form.add_prefix(name) in form.data
        }

    save.alters_data = True
