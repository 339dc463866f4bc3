"""The admin's forms and inline formsets for a panel's panellists and running order.

Inline formsets validate each row against the database on its own, so rules that span rows
(one moderator per panel, one place per person, publishing only a running order that fits)
are checked here across the submitted rows before anything is saved; saving goes through
``services``. A database error must never reach the officer as a server error.
"""

from datetime import UTC
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Panellist, Segment
from .forms import DefaultWhenOmittedMixin, slot_is_known
from .keys import CheckedModelMultipleChoiceField
from .stale import LoadedAtField, refuse_if_panel_changed


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


# A place's own fields, in the order every admin form shows them.
PLACE_FIELDS = ["person", "function", "role", "attendance", "order", "presentation_title"]


class PanellistForm(DefaultWhenOmittedMixin, forms.ModelForm):
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
        fields = ["panel", *PLACE_FIELDS, "answer"]

    defaults_when_omitted = {"attendance": Panellist.Attendance.IN_PERSON}

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
        """Save the panellist (``services.save_panellist``); an existing one only in the
        fields of this form.

        Their answer, personal link and the times they confirmed are written by ``services``
        alone: a link issued or revoked while this form was being saved stays issued or
        revoked. The panel's version is the page's to raise (this form is a row of the panel's
        page, or the panellist's page raises it).
        """
        if not commit:
            return super().save(commit)
        panellist = super().save(commit=False)
        fields = None if panellist._state.adding else self.model_fields()
        services.save_panellist(panellist, update_fields=fields, raise_versions=False)
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
    """A panellist on their own admin page, refused when their panel changed since loading
    (``stale.refuse_if_panel_changed``)."""

    panel_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded_at = LoadedAtField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("panel_version", self.instance.panel.version)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            refuse_if_panel_changed(
                self.instance.panel_id,
                cleaned_data.get("panel_version"),
                cleaned_data.get("loaded_at"),
            )
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
            services.hand_over_moderation(outgoing)


# An item's own fields, in the order the running order's rows show them.
ITEM_FIELDS = ["number", "kind", "title", "duration_minutes", "fixed_start", "fixed_end"]


class SegmentForm(forms.ModelForm):
    """One segment of the running order, with its errors in the secretariat's words.

    A new row whose only change is its position (the page numbers rows as they are added and
    moved) is still an empty row, and is left out of the save.
    """

    # The item's speakers: not the model's ``speakers`` (whose rows carry an order), saved by
    # ``SegmentFormSet.save`` through ``services.set_speakers``.
    item_speakers = CheckedModelMultipleChoiceField(
        label=_("speakers"),
        queryset=Panellist.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("The speaker must be a panellist of this panel.")},
    )

    class Meta:
        model = Segment
        fields = [*ITEM_FIELDS, "order"]
        error_messages = {
            "duration_minutes": {
                "min_value": _("An item lasts at least one minute and at most a day."),
                "max_value": _("An item lasts at least one minute and at most a day."),
            },
        }

    def has_changed(self):
        if self.instance.pk is None:
            return bool(set(self.changed_data) - {"order"})
        return super().has_changed()


class SegmentFormSet(KeptFormsMixin, forms.BaseInlineFormSet):
    """A panel's running order.

    The speakers' boxes list only this panel's saved panellists (none before the panel is
    saved); they are read once for all the rows. Each saved segment is given its
    planned clock times as ``timed`` (a ``running_order.TimedSegment``) for display.

    A published panel's submitted running order must fit its submitted slot (an overrun
    is not published). Rows are ordered by ``order``, then by primary key; after saving
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
        """The speakers' options, read from the database once for every row."""
        return [(panellist.pk, str(panellist)) for panellist in self.speakers]

    def get_queryset(self):
        """The saved items with their speakers, read once for the whole formset."""
        if not hasattr(self, "_items"):
            self._items = super().get_queryset().prefetch_related("speaking")
        return self._items

    @cached_property
    def timing(self):
        """Planned times of the saved segments by primary key (empty if they can't be computed)."""
        panel = self.instance
        if panel.pk is None or not panel.meeting.has_valid_time_zone():
            return {}
        placed, _clashes = panel.placed_items(self.get_queryset())
        return {slot.item.pk: slot for slot in placed}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        speakers = form.fields.get("item_speakers")
        if speakers is not None:
            speakers.queryset = self.speakers
            speakers.choices = self.speaker_choices
            if form.instance.pk is not None:
                speakers.initial = [row.panellist_id for row in form.instance.speaking.all()]
        form.instance.timed = self.timing.get(form.instance.pk)

    def clean(self):
        """Refuse to publish, or keep published, a panel whose submitted running order overruns
        its submitted slot, with ``Panel.publishing_refusal``'s reason.

        ``self.instance`` holds the panel form's submitted values (the admin builds the panel
        from the form before validating the inlines); deleted rows do not count.
        """
        super().clean()
        panel = self.instance
        self.refuse_overlaps()
        if not panel.is_published or not slot_is_known(panel):
            return
        # The items' own durations: their clean() fills in those given by a fixed start and end.
        planned = sum(form.instance.duration_minutes or 0 for form in self.kept_forms())
        refusal = panel.publishing_refusal(planned)
        if refusal:
            raise ValidationError(refusal, code="overruns_slot")

    def refuse_overlaps(self):
        """Refuse an item with a fixed time that starts before the item before it ends, with
        the reason beside its fixed start. The submitted rows are placed in their submitted
        order (``Panel.placed_items``) in the submitted session."""
        panel = self.instance
        if not slot_is_known(panel):
            return
        kept = sorted(
            self.kept_forms(),
            key=lambda form: (form.cleaned_data.get("order") or 0, self.forms.index(form)),
        )
        if any(form.errors for form in kept):
            return
        placed, clashes = panel.placed_items([form.instance for form in kept])
        for clash in clashes:
            form = kept[clash.position]
            item = form.instance
            if clash.code != "starts_before_previous_ends" or item.fixed_start is None:
                continue
            # The clash is with the latest end known before it.
            end = max(
                (earlier.end for earlier in placed[: clash.position] if earlier.end is not None),
                key=lambda moment: moment.astimezone(UTC),
            )
            form.add_error(
                "fixed_start",
                _(
                    "The item before it runs until %(end)s: start this one then or later, or "
                    "change the one before."
                )
                % {"end": f"{end.astimezone(panel.zone):%H:%M}"},
            )

    @transaction.atomic
    def save(self, commit=True):
        """Save the rows and their speakers (``services.set_speakers``), then number the
        running order 0, 1, 2… again.

        A speaker removed from the panel in the same save is left out: the panellists are
        saved first, deleting one deletes its speaking rows, and an edited row must not bring
        the deleted speaker back.
        """
        saved = super().save(commit=commit)
        if commit:
            remaining = set(self.speakers.values_list("pk", flat=True))
            for form in self.kept_forms():
                if form.instance.pk is None or "item_speakers" not in form.changed_data:
                    continue
                chosen = form.cleaned_data.get("item_speakers") or []
                services.set_speakers(
                    form.instance, [place for place in chosen if place.pk in remaining]
                )
            services.renumber_segments(self.instance)
        return saved

    save.alters_data = True
