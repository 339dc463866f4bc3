"""Forms and inline formsets for the admin, the secretariat's editing tool.

Inline formsets validate each row against the database on its own, so rules that span rows
(one moderator per panel, one place per person, publishing only a running order that fits)
are checked here across the submitted rows before anything is saved. A database error must
never reach the officer as a server error.

No lost edits: a panel's forms carry the version of the panel they were loaded from
(django-concurrency's signed, hidden ``version`` field) and when they were loaded
(``loaded_at``). A save from a page that someone else has saved since is refused before
anything is written, with what changed meanwhile.
"""

from datetime import UTC, date, datetime, time
from functools import cached_property

from django import forms
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.formsets import DELETION_FIELD_NAME
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import running_order, services
from .models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Meeting,
    Panel,
    Panellist,
    Segment,
    clock_change_message,
)
from .validators import iana_time_zones


def time_zone_choices():
    """Choices for a time zone select: a blank prompt, then every IANA zone name, sorted."""
    return [
        ("", _("Choose the venue's time zone")),
        *((zone, zone) for zone in sorted(iana_time_zones())),
    ]


class MeetingAdminForm(forms.ModelForm):
    """A meeting, with its time zone chosen from the IANA zones instead of typed.

    The field stays a text field under the select, so that a name that is not a zone (sent by
    hand, or stored before this form existed) is rejected by the model's validator with its
    explanation rather than with a generic "not one of the choices".
    """

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "organiser",
            "venue",
            "start_date",
            "end_date",
            "time_zone",
            "status",
        ]
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone
        if current and current not in iana_time_zones():
            # Show the stored value rather than silently selecting the blank prompt.
            widget = self.fields["time_zone"].widget
            widget.choices = [
                *widget.choices,
                (current, _("%(zone)s (not an IANA time zone)") % {"zone": current}),
            ]


def slot_is_known(panel):
    """Whether ``panel``'s slot length can be computed: a meeting with a valid time zone, a day
    in the supported range and an end after the start. (``Panel.clean`` explains the rest.)"""
    return bool(
        panel.meeting_id
        and panel.date is not None
        and panel.start_time is not None
        and panel.end_time is not None
        and EARLIEST_DATE <= panel.date <= LATEST_DATE
        and panel.end_time > panel.start_time
        and panel.meeting.has_valid_time_zone()
    )


def when_and_zone(moment):
    """An aware datetime in the server's zone, with the zone named: "Feb. 16, 2017, 3:02 p.m.
    (UTC)"."""
    moment = timezone.localtime(moment)
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({moment.tzname()})"


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


def display_value(value):
    """A field's value as the secretariat reads it, quoted: "“15:00”", "“Feb. 16, 2017”",
    "“yes”", or "(blank)"."""
    if value is None or value == "":
        return gettext("(blank)")
    if isinstance(value, bool):
        value = gettext("yes") if value else gettext("no")
    elif isinstance(value, datetime):
        value = when_and_zone(value)
    elif isinstance(value, time):
        value = value.strftime("%H:%M")
    elif isinstance(value, date):
        value = formats.date_format(value)
    return gettext("“%(value)s”") % {"value": value}


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
    field) and a ``loaded_at`` (``LoadedAtField``). ``clean`` locks the panel's row until the
    end of the transaction (the admin saves a page in one), so that two saves of one panel are
    checked one after the other; the version check of ``Panel.save`` (``RecordModifiedError``)
    stays as the last guard. The refusal lists what was saved meanwhile and how the saved
    panel differs from the page.
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or "version" not in cleaned_data:
            return cleaned_data
        with transaction.atomic():
            current = Panel.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is not None and current.version != cleaned_data["version"]:
            raise ValidationError(self.stale_save_messages(current), code="stale")
        return cleaned_data

    def stale_save_messages(self, current):
        """The refusal in sentences: what happened, what changed since, how to go on."""
        loaded_at = self.cleaned_data.get("loaded_at")
        intro = _(
            "This panel was saved again after you opened this page (by someone else, or by you "
            "in another tab), so nothing on this page was saved. Open the panel again to see "
            "what is saved now, then make your changes again."
        )
        messages = [intro]
        changes = changes_since(current, loaded_at)
        if changes:
            messages.append(
                _("Saved since you opened this page at %(time)s:")
                % {"time": when_and_zone(loaded_at)}
            )
            messages.extend(changes)
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


class MeetingTimeWidget(AdminSplitDateTime):
    """The admin's date and time inputs for a moment shown in a meeting's zone.

    ``zone`` is the meeting's ``ZoneInfo`` (set by the form); without one, an aware value is
    shown in the current zone, as Django does. Times are shown without seconds ("15:00").
    """

    zone = None

    def __init__(self, attrs=None):
        widgets = [BaseAdminDateWidget, BaseAdminTimeWidget(format="%H:%M")]
        forms.MultiWidget.__init__(self, widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value) and self.zone is not None:
            value = timezone.make_naive(value, self.zone)
        return super().decompress(value)


class MeetingTimeField(forms.SplitDateTimeField):
    """A moment entered as a day and a wall-clock time in the meeting's zone.

    Cleans to a naive ``datetime``: the zone is the meeting's, which the form only knows once
    the meeting field is cleaned (``PanelAdminForm.clean`` makes it aware).
    """

    widget = MeetingTimeWidget

    def compress(self, data_list):
        if not data_list:
            return None
        day, clock = data_list
        if day in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if clock in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(day, clock)


class PanelAdminForm(StaleSaveRefusalMixin, forms.ModelForm):
    """A panel on its admin page, refused when stale (``StaleSaveRefusalMixin``).

    ``running_order_in_page`` is set by the admin when the page has the running-order inline:
    ``SegmentFormSet`` then checks publishing against the submitted durations.

    The answer deadline is entered and shown in the meeting's local time, like the panel's
    day and times (the help text says so), not in the server's zone.
    """

    loaded_at = LoadedAtField()

    running_order_in_page = False

    class Meta:
        model = Panel
        fields = [
            "meeting",
            "title",
            "date",
            "start_time",
            "end_time",
            "room",
            "presentation_limit_minutes",
            "answer_deadline",
            "panellist_display",
            "is_published",
            "version",
        ]
        field_classes = {"answer_deadline": MeetingTimeField}
        widgets = {"answer_deadline": MeetingTimeWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadline = self.fields.get("answer_deadline")
        meeting = self.instance.meeting if self.instance.meeting_id else None
        if isinstance(deadline, MeetingTimeField) and meeting and meeting.has_valid_time_zone():
            deadline.widget.zone = meeting.zone

    def clean(self):
        self._localise_answer_deadline(self.cleaned_data)
        return super().clean()

    def _localise_answer_deadline(self, cleaned_data):
        """Make the submitted answer deadline aware in the (submitted) meeting's zone."""
        deadline = cleaned_data.get("answer_deadline")
        if deadline is None or timezone.is_aware(deadline):
            return
        meeting = cleaned_data.get("meeting")
        if meeting is None:
            del cleaned_data["answer_deadline"]  # the meeting's own error explains
            return
        if not meeting.has_valid_time_zone():
            self.add_error(
                "answer_deadline",
                _(
                    "The deadline is in the meeting's local time, but the meeting's time zone "
                    "is not valid. Correct it on the meeting's page first."
                ),
            )
            return
        if not EARLIEST_DATE <= deadline.date() <= LATEST_DATE:
            self.add_error("answer_deadline", _("Choose a date between the years 1900 and 2199."))
            return
        try:
            cleaned_data["answer_deadline"] = running_order.local_datetime(
                deadline.date(), deadline.time(), meeting.zone
            )
        except running_order.LocalTimeError as error:
            self.add_error(
                "answer_deadline", clock_change_message(error, deadline.time(), meeting.time_zone)
            )

    def add_error(self, field, error):
        """Add ``error``, leaving the publishing rule to the running order when it is here.

        ``Panel.clean`` refuses publishing against the saved segments. On the panel's page the
        running order may change in the same save, so ``SegmentFormSet.clean`` checks the
        submitted one instead: fixing an overrun and publishing is then one save.
        """
        if self.running_order_in_page and field is None and hasattr(error, "error_dict"):
            errors = {
                name: [
                    item
                    for item in items
                    if not (name == "is_published" and item.code == "overruns_slot")
                ]
                for name, items in error.error_dict.items()
            }
            errors = {name: items for name, items in errors.items() if items}
            if not errors:
                return
            error = ValidationError(errors)
        super().add_error(field, error)


class PanelInlineForm(StaleSaveRefusalMixin, forms.ModelForm):
    """A panel as a row of its meeting's page, refused when stale (``StaleSaveRefusalMixin``)."""

    loaded_at = LoadedAtField()

    class Meta:
        model = Panel
        fields = ["title", "date", "start_time", "end_time", "room", "is_published", "version"]

    def reload_url(self):
        """The page to open again: the meeting's admin page."""
        return reverse("admin:panels_meeting_change", args=[self.instance.meeting_id])


class KeptFormsMixin:
    """For a formset: the rows that will exist after saving."""

    def kept_forms(self):
        """The valid, filled-in rows that are not marked for deletion."""
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data
            and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]


class PanellistForm(forms.ModelForm):
    """A panellist, whose confirmation status is recorded through ``services.record_answer``.

    The status is chosen in ``answer``, a form field that is not the model's ``status``:
    saving the form never writes the status. ``save_answer()``, called once the panellist is
    saved, records a changed answer so that ``responded_at`` is stamped the way every other
    answer is.
    """

    answer = forms.ChoiceField(
        label=capfirst(Panellist._meta.get_field("status").verbose_name),
        choices=Panellist.Status.choices,
    )

    class Meta:
        model = Panellist
        fields = ["panel", "person", "role", "order", "presentation_title", "answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("answer", self.instance.status)

    def clean(self):
        """Keep a panellist who speaks in a running order on that panel."""
        cleaned_data = super().clean()
        moved = self.instance.pk is not None and "panel" in self.changed_data
        if moved and cleaned_data.get("panel") and self.instance.segments.exists():
            self.add_error(
                "panel",
                _(
                    "This panellist speaks in the running order of “%(panel)s”. Choose another "
                    "speaker there before moving them to another panel."
                )
                % {"panel": self.instance.panel},
            )
        return cleaned_data

    def model_fields(self):
        """The names of the panellist's fields that this form edits (not the status)."""
        concrete = {
            field.name for field in Panellist._meta.concrete_fields if not field.primary_key
        }
        return [name for name in self.fields if name in concrete]

    def save(self, commit=True):
        """Save the panellist; an existing one only in the fields of this form.

        Their answer, personal link and the times they confirmed are written by
        ``services`` and ``mail`` alone: a link issued or revoked while this form was being
        saved stays issued or revoked.
        """
        if not commit or self.instance._state.adding:
            return super().save(commit)
        panellist = super().save(commit=False)
        panellist.save(update_fields=self.model_fields())
        self._save_m2m()
        return panellist

    save.alters_data = True

    def save_answer(self):
        """Record the chosen status if it changed; return True when the panellist changed.

        Call it after the panellist is saved (``record_answer`` needs its primary key).
        """
        if "answer" not in self.changed_data:
            return False
        return services.record_answer(self.instance, self.cleaned_data["answer"])

    save_answer.alters_data = True


class PanellistPageForm(PanellistForm):
    """A panellist on their own admin page, refused when their panel changed since loading.

    Every save of a panel's rows raises the panel's version (``services.bump_panel_versions``),
    so comparing the version the page was loaded with tells whether this page is stale; the
    panel's row is locked until the end of the save, as on the panel's own page.
    """

    panel_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded_at = LoadedAtField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("panel_version", self.instance.panel.version)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        with transaction.atomic():
            current = Panel.objects.select_for_update().filter(pk=self.instance.panel_id).first()
        if current is not None and current.version != cleaned_data.get("panel_version"):
            messages = [
                _(
                    "The panel “%(panel)s” was saved again after you opened this page (by "
                    "someone else, or by you in another tab), so nothing on this page was "
                    "saved. Open this panellist again to see what is saved now, then make your "
                    "changes again."
                )
                % {"panel": current}
            ]
            changes = changes_since(current, cleaned_data.get("loaded_at"))
            if changes:
                messages.append(
                    _("Saved since you opened this page at %(time)s:")
                    % {"time": when_and_zone(cleaned_data["loaded_at"])}
                )
                messages.extend(changes)
            raise ValidationError(messages, code="stale")
        return cleaned_data


class PanellistFormSet(KeptFormsMixin, forms.BaseInlineFormSet):
    """A panel's panellists, checked as a whole: one moderator, each person once.

    Every panellist of the panel is a row of the formset, so the rows that are kept describe
    the panel as it will be after saving.
    """

    def get_unique_error_message(self, unique_check):
        if set(unique_check) == {"panel", "person"}:
            return _(
                "The same person is listed more than once. A person can have only one place "
                "on a panel: remove the extra row."
            )
        return super().get_unique_error_message(unique_check)

    def get_form_error(self):
        return _("This person is already listed above.")

    def clean(self):
        """Check the rules that span rows; the database would refuse them only on saving."""
        errors = []
        try:
            super().clean()
        except ValidationError as error:
            errors.extend(error.error_list)
        moderators = [
            form
            for form in self.kept_forms()
            if form.cleaned_data.get("role") == Panellist.Role.MODERATOR
        ]
        if len(moderators) > 1:
            names = [
                str(form.cleaned_data["person"])
                for form in moderators
                if "person" in form.cleaned_data
            ]
            errors.append(
                ValidationError(
                    _(
                        "A panel has only one moderator, but %(names)s are each marked as "
                        "moderator. Keep one and change the others’ roles."
                    ),
                    code="one_moderator",
                    params={"names": get_text_list(names, _("and"))},
                )
            )
            for form in moderators:
                form.add_error("role", _("Only one panellist can be the moderator."))
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def save(self, commit=True):
        """Save the rows, then record each changed confirmation status.

        The database allows one moderator per panel at every moment, row by row; so a row that
        loses the moderator role is demoted before any row gains it (a swap then saves in
        either order).
        """
        if commit:
            self._demote_outgoing_moderators()
        saved = super().save(commit=commit)
        if commit:
            for form in self.kept_forms():
                form.save_answer()
        return saved

    save.alters_data = True

    def _demote_outgoing_moderators(self):
        outgoing = [
            form.instance.pk
            for form in self.initial_forms
            if form.initial.get("role") == Panellist.Role.MODERATOR
            and (
                form.cleaned_data.get(DELETION_FIELD_NAME)
                or form.cleaned_data.get("role") != Panellist.Role.MODERATOR
            )
        ]
        if outgoing:
            # The rows are saved (or deleted) with their real values right after this.
            Panellist.objects.filter(pk__in=outgoing).update(role=Panellist.Role.PANELLIST)


class SegmentForm(forms.ModelForm):
    """One segment of the running order, with its errors in the secretariat's words.

    A new row whose only change is its position (the page numbers rows as they are added and
    moved) is still an empty row, and is left out of the save.
    """

    class Meta:
        model = Segment
        fields = ["kind", "title", "duration_minutes", "speaker", "order"]
        error_messages = {
            "duration_minutes": {
                "min_value": _("A segment lasts at least one minute and at most a day."),
                "max_value": _("A segment lasts at least one minute and at most a day."),
            },
        }

    def has_changed(self):
        if self.instance.pk is None:
            return bool(set(self.changed_data) - {"order"})
        return super().has_changed()


class SegmentFormSet(KeptFormsMixin, forms.BaseInlineFormSet):
    """A panel's running order.

    The speaker select lists only this panel's saved panellists (none before the panel is
    saved); its options are read once for all the rows. Each saved segment is given its
    planned clock times as ``timed`` (a ``running_order.TimedSegment``) for display.

    A published panel's submitted running order must fit its submitted slot (issue 3: an
    overrun is not published). Rows are ordered by ``order``, then by primary key; after saving
    they are numbered 0, 1, 2… again, so that moving a row never clashes with another.
    """

    @cached_property
    def speakers(self):
        """This panel's panellists in order of appearance, as a QuerySet."""
        if self.instance.pk is None:
            return Panellist.objects.none()
        return Panellist.objects.filter(panel=self.instance).select_related("person")

    @cached_property
    def speaker_choices(self):
        """The speaker select's options, read from the database once for every row."""
        return [
            *BLANK_CHOICE_DASH,
            *((panellist.pk, str(panellist)) for panellist in self.speakers),
        ]

    @cached_property
    def timing(self):
        """Planned times of the saved segments by primary key (empty if they can't be computed)."""
        panel = self.instance
        if panel.pk is None or not panel.meeting.has_valid_time_zone():
            return {}
        timed = running_order.schedule(panel.starts_at, self.get_queryset())
        return {slot.item.pk: slot for slot in timed}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        speaker = form.fields.get("speaker")
        if speaker is not None:
            speaker.queryset = self.speakers
            speaker.choices = self.speaker_choices
            speaker.error_messages["invalid_choice"] = _(
                "The speaker must be a panellist of this panel."
            )
        form.instance.timed = self.timing.get(form.instance.pk)

    def clean(self):
        """Refuse to publish, or keep published, a panel whose submitted running order overruns
        its submitted slot, with ``Panel.publishing_refusal``'s reason.

        ``self.instance`` holds the panel form's submitted values (the admin builds the panel
        from the form before validating the inlines); deleted rows do not count.
        """
        super().clean()
        panel = self.instance
        if not panel.is_published or not slot_is_known(panel):
            return
        planned = sum(form.cleaned_data.get("duration_minutes") or 0 for form in self.kept_forms())
        refusal = panel.publishing_refusal(planned)
        if refusal:
            raise ValidationError(refusal, code="overruns_slot")

    @transaction.atomic
    def save(self, commit=True):
        """Save the rows, then number the running order 0, 1, 2… again.

        A speaker removed from the panel in the same save is left blank: the panellists are
        saved first, deleting one blanks its segments in the database (``on_delete=SET_NULL``),
        and an edited row must not bring the deleted speaker back.
        """
        if commit:
            remaining = set(self.speakers.values_list("pk", flat=True))
            for form in self.forms:
                if form.instance.speaker_id and form.instance.speaker_id not in remaining:
                    form.instance.speaker = None
        saved = super().save(commit=commit)
        if commit:
            services.renumber_segments(self.instance)
        return saved

    save.alters_data = True
