"""No lost edits: refusing to save a page that someone else has saved since it was loaded.

A panel's forms carry the version of the panel they were loaded from (django-concurrency's
signed, hidden ``version`` field) and when they were loaded (``loaded_at``). Every change to a
panel's rows made elsewhere raises the panel's version (``services.locking``). A save from a
page that is stale is refused before anything is written, with what changed meanwhile.
"""

from datetime import UTC, datetime

from django import forms
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Panel, Panellist
from ..wording import display_value, when_and_zone


def changes_since(panel, since):
    """What the admin's history records for ``panel`` and its panellists after ``since``.

    ``since`` is an aware datetime (or ``None``: nothing is listed). Returns sentences, oldest
    first, each naming when, who and what: "Nov. 30, 2026, 10:15 a.m. (UTC), amina: Changed
    title." Entries of the panel's page list its panellists' and segments' changes too.
    """
    if since is None:
        return []
    types = ContentType.objects.get_for_models(Panel, Panellist)
    places = [str(pk) for pk in panel.panellists.values_list("pk", flat=True)]
    entries = (
        LogEntry.objects.filter(
            Q(content_type=types[Panel], object_id=str(panel.pk))
            | Q(content_type=types[Panellist], object_id__in=places),
            action_time__gt=since,
        )
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
        if entry.content_type_id == types[Panellist].pk:
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


def changes_message(panel, loaded_at):
    """``changes_since`` with its heading, as a list of sentences (empty when none)."""
    changes = changes_since(panel, loaded_at)
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
    """Refuse to save a panel from a page that someone else has saved since it was loaded.

    For a ``ModelForm`` of ``Panel`` with its ``version`` (django-concurrency's signed hidden
    field) and a ``loaded_at`` (``LoadedAtField``). ``clean`` reads the panel with its row
    locked until the end of the transaction (``services.current_panel``; the admin saves a
    page in one), so that two saves of one panel are checked one after the other; the version
    check of ``Panel.save`` (``RecordModifiedError``) stays as the last guard. The refusal
    lists what was saved meanwhile and how the saved panel differs from the page.
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or "version" not in cleaned_data:
            return cleaned_data
        current = services.current_panel(self.instance.pk)
        if current is not None and current.version != cleaned_data["version"]:
            raise ValidationError(self.stale_save_messages(current), code="stale")
        return cleaned_data

    def stale_save_messages(self, current):
        """The refusal in sentences: what happened, what changed since, how to go on."""
        messages = [
            _(
                "This panel was saved again after you opened this page (by someone else, or by "
                "you in another tab), so nothing on this page was saved. Open the panel again "
                "to see what is saved now, then make your changes again."
            ),
            *changes_message(current, self.cleaned_data.get("loaded_at")),
        ]
        differences = self.differences_from(current)
        if differences:
            messages.append(_("How the saved panel differs from this page:"))
            messages.extend(differences)
        messages.append(format_html('<a href="{}">{}</a>', self.reload_url(), _("Open it again")))
        return messages

    def reload_url(self):
        """The page to open again: the panel's admin page."""
        return reverse("admin:panels_panel_change", args=[self.instance.pk])

    def differences_from(self, current):
        """The panel's own fields whose saved value differs from this page's, in sentences."""
        differences = []
        compared = {field.name for field in Panel._meta.concrete_fields} - {"id", "version"}
        for name, field in self.fields.items():
            if name not in compared or name not in self.cleaned_data:
                continue
            saved, on_page = getattr(current, name), self.cleaned_data[name]
            if saved != on_page:
                differences.append(
                    _("%(field)s: saved %(saved)s, on this page %(on_page)s.")
                    % {
                        "field": field.label,
                        "saved": display_value(saved),
                        "on_page": display_value(on_page),
                    }
                )
        return differences


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
