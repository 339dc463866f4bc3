"""No lost edits: refusing to save a page that someone else has saved since it was loaded.

The pages of panels, meetings and people carry the version of the record they were loaded
from (django-concurrency's signed, hidden ``version`` field) and when they were loaded
(``loaded_at``). Every change to a panel's rows made elsewhere raises the panel's version
(``services.locking``); a meeting's and a person's version rise with every save of theirs, and
a person's when a correction they proposed is accepted (``services.proposals``). A save from a
page that is stale is refused before anything is written, with what changed meanwhile.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django import forms
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Meeting, Panel, Panellist, Person
from ..wording import display_value, when_and_zone


@dataclass(frozen=True)
class StaleWording:
    """What the refusals say of one kind of record, each a whole sentence (translations of
    "panel", "meeting" and "person" differ in more than the noun).

    ``refused``: a save from a stale page was refused, and how to go on. ``differences``: the
    heading of the fields whose saved value differs from the page's. ``clashed``: nothing
    was saved because the version changed while the page was being saved
    (``RecordModifiedError``, caught by ``mixins.RefuseClashingSaveMixin``).
    """

    refused: str
    differences: str
    clashed: str


# The wording of each kind of record with a stale-page check, by model.
STALE_WORDING = {
    Panel: StaleWording(
        refused=_(
            "This panel was saved again after you opened this page (by someone else, or by "
            "you in another tab), so nothing on this page was saved. Open the panel again "
            "to see what is saved now, then make your changes again."
        ),
        differences=_("How the saved panel differs from this page:"),
        clashed=_(
            "Nothing was saved: someone else saved this panel while you were saving it. The "
            "page now shows what is saved; make your changes again."
        ),
    ),
    Meeting: StaleWording(
        refused=_(
            "This meeting was saved again after you opened this page (by someone else, or by "
            "you in another tab), so nothing on this page was saved. Open the meeting again "
            "to see what is saved now, then make your changes again."
        ),
        differences=_("How the saved meeting differs from this page:"),
        clashed=_(
            "Nothing was saved: someone else saved this meeting while you were saving it. The "
            "page now shows what is saved; make your changes again."
        ),
    ),
    Person: StaleWording(
        refused=_(
            "This person's details were saved again after you opened this page (by someone "
            "else, by you in another tab, or by accepting a correction the panellist "
            "proposed), so nothing on this page was saved. Open the person again to see what "
            "is saved now, then make your changes again."
        ),
        differences=_("How the saved details differ from this page:"),
        clashed=_(
            "Nothing was saved: someone else saved this person's details while you were "
            "saving them. The page now shows what is saved; make your changes again."
        ),
    ),
}


def changes_since(record, since):
    """What the admin's history records for ``record`` (a ``Panel``, ``Meeting`` or
    ``Person``) after ``since``; for a panel, for its panellists too.

    ``since`` is an aware datetime (or ``None``: nothing is listed). Returns sentences, oldest
    first, each naming when, who and what: "Nov. 30, 2026, 10:15 (UTC), amina: Changed
    title." Entries of a panel's or a meeting's page list the changes of its rows too.
    """
    if since is None:
        return []
    about = Q(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    place_type = ContentType.objects.get_for_model(Panellist)
    if isinstance(record, Panel):
        places = [str(pk) for pk in record.panellists.values_list("pk", flat=True)]
        about |= Q(content_type=place_type, object_id__in=places)
    entries = (
        LogEntry.objects.filter(about, action_time__gt=since)
        .select_related("user")
        .order_by("action_time", "pk")
    )
    sentences = []
    for entry in entries:
        if entry.action_flag == DELETION:
            what = gettext("Deleted.")
        elif entry.action_flag == ADDITION and not entry.change_message:
            what = gettext("Added.")
        else:
            what = entry.get_change_message()
        if entry.content_type_id == place_type.pk:
            what = gettext("Panellist %(panellist)s: %(change)s") % {
                "panellist": entry.object_repr,
                "change": what,
            }
        sentences.append(
            gettext("%(when)s, %(who)s: %(change)s")
            % {
                "when": when_and_zone(entry.action_time),
                "who": entry.user.get_full_name() or entry.user.get_username(),
                "change": what,
            }
        )
    return sentences


def changes_message(record, loaded_at):
    """``changes_since`` with its heading, as a list of sentences (empty when none)."""
    changes = changes_since(record, loaded_at)
    if not changes:
        return []
    heading = _("Saved since you opened this page at %(time)s:") % {
        "time": when_and_zone(loaded_at)
    }
    return [heading, *changes]


class LoadedAtField(forms.CharField):
    """When the page was loaded, as a hidden ISO 8601 timestamp (the server's clock).

    Cleans to an aware ``datetime``, or ``None`` when it is missing or unreadable. It is not
    part of the panel, so it never counts as a change; it only dates what others saved since.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("page loaded at"))
        super().__init__(required=False, initial=self.now, **kwargs)

    @staticmethod
    def now():
        return timezone.now().isoformat()

    def to_python(self, value):
        try:
            moment = datetime.fromisoformat(super().to_python(value))
            # Out-of-range values (year 1 or 9999 with an offset) cannot be compared in UTC.
            moment.astimezone(UTC)
        except (ValueError, OverflowError):
            return None
        return moment if timezone.is_aware(moment) else None

    def has_changed(self, initial, data):
        return False


class StaleSaveRefusalMixin:
    """Refuse to save a record (a panel, a meeting, a person) from a page that someone else has
    saved since it was loaded.

    For a ``ModelForm`` of a model in ``STALE_WORDING``, with its ``version``
    (django-concurrency's signed hidden field) and a ``loaded_at`` (``LoadedAtField``).
    ``clean`` reads the record with its row locked until the end of the transaction
    (``current_record``; the admin saves a page in one), so that two saves of one record are
    checked one after the other; the version check of the model's ``save``
    (``RecordModifiedError``) stays as the last guard. The refusal, a ``ValidationError``
    (code ``stale``) of the whole form, lists what was saved meanwhile and how the saved
    record differs from the page, and links to the page to open again (``reload_url``).
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or "version" not in cleaned_data:
            return cleaned_data
        current = self.current_record()
        if current is not None and current.version != cleaned_data["version"]:
            raise ValidationError(self.stale_save_messages(current), code="stale")
        return cleaned_data

    @property
    def stale_wording(self):
        """What the refusal says of this form's model (a ``StaleWording``)."""
        return STALE_WORDING[self._meta.model]

    def current_record(self):
        """The form's record as saved now, its row locked until the transaction ends
        (``services.current_row``), or ``None`` when it was deleted meanwhile."""
        return services.current_row(self._meta.model, self.instance.pk)

    def stale_save_messages(self, current):
        """The refusal in sentences: what happened, what changed since, how to go on."""
        wording = self.stale_wording
        messages = [wording.refused, *changes_message(current, self.cleaned_data.get("loaded_at"))]
        differences = self.differences_from(current)
        if differences:
            messages.append(wording.differences)
            messages.extend(differences)
        messages.append(format_html('<a href="{}">{}</a>', self.reload_url(), _("Open it again")))
        return messages

    def reload_url(self):
        """The page to open again: the record's own admin page."""
        meta = self._meta.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.instance.pk])

    def differences_from(self, current):
        """The record's own fields on this form whose saved value differs from this page's,
        in sentences ("Title: saved “A”, on this page “B”.")."""
        model = self._meta.model
        compared = {field.name for field in model._meta.concrete_fields} - {
            model._meta.pk.name,
            "version",
        }
        differences = []
        for name, field in self.fields.items():
            if name not in compared or name not in self.cleaned_data:
                continue
            saved, on_page = getattr(current, name), self.cleaned_data[name]
            # A language not given yet is saved as None (modeltranslation), left empty as "".
            if saved != on_page and not (saved in (None, "") and on_page in (None, "")):
                differences.append(
                    _("%(field)s: saved %(saved)s, on this page %(on_page)s.")
                    % {
                        "field": capfirst(field.label or name),
                        "saved": shown_value(field, saved),
                        "on_page": shown_value(field, on_page),
                    }
                )
        return differences


def shown_value(field, value):
    """``value`` of the form field ``field`` as the page offers it, quoted (``display_value``):
    a choice by its label ("“Hybrid”"), several choices by their labels joined ("“Arabic,
    French”"); an empty value or list as "(blank)"; other values as they are (a related
    object by its name)."""
    if value in field.empty_values:
        return display_value(None)
    if isinstance(field, forms.ModelChoiceField) or not hasattr(field, "choices"):
        return display_value(value)
    labels = {str(choice): label for choice, label in field.choices}
    if isinstance(value, list | tuple):
        return display_value(", ".join(str(labels.get(str(item), item)) for item in value))
    return display_value(labels.get(str(value), value))


def refuse_if_panel_changed(panel_id, version, loaded_at):
    """Refuse a panellist's own page when their panel changed since the page was loaded.

    Every save of a panel's rows raises the panel's version (``services.locking``), so
    comparing ``version``, the one the page was loaded with, tells whether the page is stale;
    the panel's row is locked until the end of the save, as on the panel's own page. Raises
    ``ValidationError`` (code ``stale``) listing what was saved since ``loaded_at``.
    """
    current = services.current_panel(panel_id)
    if current is None or current.version == version:
        return
    intro = _(
        "The panel “%(panel)s” was saved again after you opened this page (by someone else, or "
        "by you in another tab), so nothing on this page was saved. Open this panellist again "
        "to see what is saved now, then make your changes again."
    ) % {"panel": current}
    raise ValidationError([intro, *changes_message(current, loaded_at)], code="stale")
