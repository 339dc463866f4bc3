"""Forms and inline formsets for the admin, the secretariat's editing tool.

Inline formsets validate each row against the database on its own, so rules that span rows
(one moderator per panel, one place per person) are checked here across the submitted rows
before anything is saved. A database error must never reach the officer as a server error.
"""

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from . import running_order, services
from .models import Meeting, Panellist, Segment
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


class PanellistForm(forms.ModelForm):
    """A panellist, whose confirmation status is recorded through ``services.record_answer``.

    The status is chosen in ``answer``, a form field that is not the model's ``status``:
    saving the form never writes the status. ``save_answer()``, called once the panellist is
    saved, records a changed answer so that ``responded_at`` is stamped the way every other
    answer is.
    """

    answer = forms.ChoiceField(
        label=Panellist._meta.get_field("status").verbose_name,
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

    def save_answer(self):
        """Record the chosen status if it changed; return True when the panellist changed.

        Call it after the panellist is saved (``record_answer`` needs its primary key).
        """
        if "answer" not in self.changed_data:
            return False
        return services.record_answer(self.instance, self.cleaned_data["answer"])

    save_answer.alters_data = True


class PanellistFormSet(forms.BaseInlineFormSet):
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

    def kept_forms(self):
        """The valid, filled-in rows that are not marked for deletion."""
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data
            and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]

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
    """One segment of the running order, with its errors in the secretariat's words."""

    class Meta:
        model = Segment
        fields = ["kind", "title", "duration_minutes", "speaker", "order"]
        error_messages = {
            "duration_minutes": {
                "min_value": _("A segment lasts at least one minute and at most a day."),
                "max_value": _("A segment lasts at least one minute and at most a day."),
            },
        }


class SegmentFormSet(forms.BaseInlineFormSet):
    """A panel's running order.

    The speaker select lists only this panel's saved panellists (none before the panel is
    saved); its options are read once for all the rows. Each saved segment is given its
    planned clock times as ``timed`` (a ``running_order.TimedSegment``) for display.
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

    @transaction.atomic
    def save(self, commit=True):
        """Save the rows; a speaker removed from the panel in the same save is left blank.

        The panellists are saved first: deleting one blanks its segments in the database
        (``on_delete=SET_NULL``), and an edited row must not bring the deleted speaker back.
        """
        if commit:
            remaining = set(self.speakers.values_list("pk", flat=True))
            for form in self.forms:
                if form.instance.speaker_id and form.instance.speaker_id not in remaining:
                    form.instance.speaker = None
        return super().save(commit=commit)

    save.alters_data = True
