"""The admin's forms for meetings and panels.

A meeting's time zone is chosen from the IANA zones; a panel's answer deadline is entered in
the meeting's local time. A panel's forms refuse a stale save (``stale``).
"""

from datetime import datetime

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import running_order, services
from ..models import EARLIEST_DATE, LATEST_DATE, Meeting, Panel, clock_change_message
from ..validators import iana_time_zones
from .stale import LoadedAtField, StaleSaveRefusalMixin


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

    def save(self, commit=True):
        """Save the panel through ``services.save_panel`` (its calendar entry revised when its
        time or place changed)."""
        panel = super().save(commit=False)
        if commit:
            services.save_panel(panel)
            self._save_m2m()
        return panel

    save.alters_data = True
