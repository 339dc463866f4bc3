"""The admin's forms for meetings, panels and people.

A meeting's time zone is chosen from the IANA zones; a panel's answer deadline is entered in
the meeting's local time. The forms of meetings, panels and people refuse a stale save
(``stale``).
"""

from datetime import datetime

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import running_order, services
from ..models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Language,
    Meeting,
    MeetingFormat,
    Panel,
    Person,
    SessionKind,
    VacatedItems,
    clock_change_message,
)
from ..validators import iana_time_zones
from .mixins import label_inputs
from .stale import LoadedAtField, StaleSaveRefusalMixin


class DefaultWhenOmittedMixin:
    """For a ModelForm: the choice fields named in ``defaults_when_omitted`` (a dict name →
    value) take that value when a submission leaves them out or blank (a row added by a
    script, a page from before the field existed), instead of failing as required."""

    defaults_when_omitted = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.defaults_when_omitted:
            if name in self.fields:
                self.fields[name].required = False

    def _clean_fields(self):
        super()._clean_fields()
        for name, default in self.defaults_when_omitted.items():
            if name in self.cleaned_data and not self.cleaned_data[name]:
                self.cleaned_data[name] = default


def https_formfield(db_field, **kwargs):
    """A model field's form field, addresses typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


def time_zone_choices():
    """Choices for a time zone select: a blank prompt, then every IANA zone name, sorted."""
    return [
        ("", _("Choose the venue's time zone")),
        *((zone, zone) for zone in sorted(iana_time_zones())),
    ]


class MeetingAdminForm(DefaultWhenOmittedMixin, StaleSaveRefusalMixin, forms.ModelForm):
    """A meeting, with its time zone chosen from the IANA zones instead of typed, refused when
    stale (``StaleSaveRefusalMixin``: its rooms, concept note, documents and sessions are
    saved with it, so a refusal keeps all of the page from being saved).

    The field stays a text field under the select, so that a name that is not a zone (sent by
    hand, or stored before this form existed) is rejected by the model's validator with its
    explanation rather than with a generic "not one of the choices".
    """

    defaults_when_omitted = {"format": MeetingFormat.IN_PERSON}

    loaded_at = LoadedAtField()

    interpretation_languages = forms.TypedMultipleChoiceField(
        label=capfirst(_("interpretation")),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages the meeting is interpreted into."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "body",
            "body_session",
            "organiser",
            "venue",
            "format",
            "webcast_url",
            "interpretation_languages",
            "start_date",
            "end_date",
            "time_zone",
            "status",
            "version",
        ]
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}
        formfield_callback = https_formfield

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


class PersonAdminForm(StaleSaveRefusalMixin, forms.ModelForm):
    """A person's details on their admin page, refused when stale (``StaleSaveRefusalMixin``):
    saved since by another officer, or by accepting a correction the panellist proposed."""

    loaded_at = LoadedAtField()

    class Meta:
        model = Person
        fields = [
            "honorific",
            "name",
            "position",
            "organisation",
            "email",
            "preferred_language",
            "bio",
            "version",
        ]


def slot_is_known(panel):
    """Whether ``panel``'s slot length can be computed: a meeting with a valid time zone, a day
    in the supported range and both times, the end after the start (on the next day for a
    session that ends after midnight). (``Panel.clean`` explains the rest.)"""
    return bool(
        panel.meeting_id
        and panel.date is not None
        and panel.start_time is not None
        and panel.end_time is not None
        and EARLIEST_DATE <= panel.date < LATEST_DATE
        and (panel.end_time <= panel.start_time) == panel.ends_after_midnight
        and panel.meeting.has_valid_time_zone()
    )


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


class PanelAdminForm(DefaultWhenOmittedMixin, StaleSaveRefusalMixin, forms.ModelForm):
    """A panel on its admin page, refused when stale (``StaleSaveRefusalMixin``).

    ``running_order_in_page`` is set by the admin when the page has the running-order inline:
    ``SegmentFormSet`` then checks publishing against the submitted durations.

    The answer deadline is entered and shown in the meeting's local time, like the panel's
    day and times (the help text says so), not in the server's zone.
    """

    loaded_at = LoadedAtField()

    running_order_in_page = False

    defaults_when_omitted = {"kind": SessionKind.PANEL, "vacated_items": VacatedItems.ANNOUNCE}

    class Meta:
        model = Panel
        fields = [
            "meeting",
            "kind",
            "title",
            "date",
            "start_time",
            "end_time",
            "ends_after_midnight",
            "room",
            "presentation_limit_minutes",
            "answer_deadline",
            "panellist_display",
            "vacated_items",
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
        # The deadline's date and time inputs share one label: each is named for itself.
        label_inputs(self.fields, only={"answer_deadline"})

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


# A session's fields as a row of its meeting's page, in order.
SESSION_ROW_FIELDS = [
    "title",
    "kind",
    "date",
    "start_time",
    "end_time",
    "ends_after_midnight",
    "room",
    "is_published",
]


class PanelInlineForm(DefaultWhenOmittedMixin, StaleSaveRefusalMixin, forms.ModelForm):
    """A panel as a row of its meeting's page, refused when stale (``StaleSaveRefusalMixin``)."""

    defaults_when_omitted = {"kind": SessionKind.PANEL}

    loaded_at = LoadedAtField()

    class Meta:
        model = Panel
        fields = [*SESSION_ROW_FIELDS, "version"]

    def reload_url(self):
        """The page to open again: the meeting's admin page."""
        return reverse("admin:panels_meeting_change", args=[self.instance.meeting_id])

    def save(self, commit=True):
        """Save the panel through ``services.save_panel`` (its calendar entry revised when its
        time or place changed)."""
        panel = super().save(commit=False)
        if commit:
            services.save_panel(panel)
            self._save_m2m()
        return panel

    save.alters_data = True


def page_object_id(request):
    """The primary key of the object an admin change page shows (a str), or ``None`` on an
    add page or a list."""
    match = request.resolver_match
    return match.kwargs.get("object_id") if match is not None else None


def limit_rooms(formfield, meetings):
    """Offer in a room select (``formfield``) only those of its rooms (already narrowed to
    the user's teams' meetings, ``teams.TeamChoicesMixin``) of ``meetings`` (a list of keys,
    or a QuerySet of them, used as the right-hand side of ``__in``); with ``None`` (a session
    being added, its meeting not chosen yet), all of them, named with their meeting. The
    model's ``clean`` refuses another meeting's room whatever is sent."""
    if formfield is None:
        return formfield
    if meetings is not None:
        formfield.queryset = formfield.queryset.filter(meeting__in=meetings)
    else:
        formfield.queryset = formfield.queryset.select_related("meeting")
        formfield.label_from_instance = lambda room: f"{room.meeting}: {room.name}"
    return formfield
