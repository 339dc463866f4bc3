"""Panellists' proposed corrections in the admin: accepted or rejected, row by row, on the
person's page (their position, organisation and short bio) and on the panellist's page (all of
theirs, the presentation title included). Deciding goes through
``services.decide_proposed_changes``."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import ProposedChange
from ..models.querysets import in_team_of
from ..wording import when_and_zone
from .mixins import LabelledTabularInline

ACCEPT, REJECT = "accept", "reject"


class DecisionForm(forms.ModelForm):
    """One pending proposal with the officer's decision: accept, reject, or leave it."""

    decision = forms.ChoiceField(
        label=_("decision"),
        required=False,
        choices=[("", _("Decide later")), (ACCEPT, _("Accept")), (REJECT, _("Reject"))],
    )

    class Meta:
        model = ProposedChange
        fields = []

    def has_changed(self):
        # Nothing of the proposal itself is edited here; the decision is the services'.
        return False

    def clean_decision(self):
        """Refuse a decision on a proposal decided since the page was shown, saying how."""
        decision = self.cleaned_data["decision"]
        change = self.instance
        if decision and change.pk is not None and not change.stands:
            if change.status in (change.Status.ACCEPTED, change.Status.REJECTED):
                raise forms.ValidationError(
                    _("Already %(status)s by %(who)s, %(when)s; nothing was changed.")
                    % {
                        "status": change.get_status_display().lower(),
                        "who": change.decided_by or _("someone"),
                        "when": when_and_zone(change.decided_at),
                    }
                )
            raise forms.ValidationError(
                _(
                    "Replaced since by a newer proposal, or the place changed hands; nothing "
                    "was changed."
                )
            )
        return decision


class ProposedChangeInline(LabelledTabularInline):
    """The pending proposals of a person (``fk_name`` ``person``) or of a panellist
    (``panellist``), each with its current and proposed value and a decision."""

    model = ProposedChange
    form = DecisionForm
    verbose_name = _("correction proposed by the panellist")
    verbose_name_plural = _("corrections proposed by the panellist")
    fields = ["field", "previous_value", "proposed_value", "proposed", "decision"]
    readonly_fields = ["field", "previous_value", "proposed_value", "proposed"]
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        """The proposals that stand (pending, their proposer still on the place), made
        through places in the user's teams' meetings (a person shared with another team's
        meeting has that team decide what was proposed there). A page sent
        back is read against all of them, so that a row decided meanwhile by someone else is
        found, and refused beside it (``DecisionForm.clean_decision``)."""
        found = (
            super()
            .get_queryset(request)
            .filter(in_team_of(request.user, "panellist__panel__meeting"))
            .select_related("panellist__panel", "person")
        )
        return found if request.method == "POST" else found.standing()

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("value when proposed"))
    def previous_value(self, change):
        """The value the panellist saw when they proposed the change."""
        return change.previous or self.get_empty_value_display()

    @admin.display(description=_("proposed"))
    def proposed_value(self, change):
        """The value the panellist would have."""
        return format_html("<strong>{}</strong>", change.value or self.get_empty_value_display())

    @admin.display(description=_("by, when"))
    def proposed(self, change):
        """Who proposed it (the panellist, through their link, for which panel) and when."""
        return _("%(panellist)s, for “%(panel)s”, %(when)s") % {
            "panellist": change.panellist.display_name,
            "panel": change.panellist.panel,
            "when": when_and_zone(change.proposed_at),
        }


class PersonProposalsInline(ProposedChangeInline):
    """On a person's page: the corrections of their own details (shared by their panels)."""

    fk_name = "person"


class PanellistProposalsInline(ProposedChangeInline):
    """On a panellist's page: all their corrections, the presentation title included."""

    fk_name = "panellist"


class ProposalDecisionsMixin:
    """For a ``ModelAdmin`` with a ``ProposedChangeInline``: the inline is shown only when
    proposals stand (and read back when the page sent it); the decisions taken in it are
    made through ``services.decide_proposed_changes`` after the page's own save, and
    reported."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return [
            inline
            for inline in inlines
            if not issubclass(inline, ProposedChangeInline)
            or self._shows_proposals(request, obj, inline)
        ]

    @staticmethod
    def _shows_proposals(request, obj, inline):
        if obj is None:
            return False
        if request.method == "POST":
            # The formset's prefix: the related name of both keys.
            return "proposed_changes-TOTAL_FORMS" in request.POST
        return ProposedChange.objects.filter(**{inline.fk_name: obj}).standing().exists()

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProposedChange:
            return super().save_formset(request, form, formset, change)
        chosen = {ACCEPT: [], REJECT: []}
        for row in formset.forms:
            decision = row.cleaned_data.get("decision")
            if decision in chosen and row.instance.pk is not None:
                chosen[decision].append(row.instance)
        for decision, proposals in chosen.items():
            if proposals:
                result = services.decide_proposed_changes(
                    proposals, accept=decision == ACCEPT, actor=request.user
                )
                self._report_decided(request, result)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    def _report_decided(self, request, result):
        if result.accepted:
            count = len(result.accepted)
            self.message_user(
                request,
                ngettext(
                    "Accepted %(count)d correction: it now shows in the programme.",
                    "Accepted %(count)d corrections: they now show in the programme.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        if result.rejected:
            count = len(result.rejected)
            self.message_user(
                request,
                ngettext(
                    "Rejected %(count)d correction.", "Rejected %(count)d corrections.", count
                )
                % {"count": count},
                messages.SUCCESS,
            )
        if result.already:
            count = len(result.already)
            self.message_user(
                request,
                ngettext(
                    "%(count)d correction had already been decided, or replaced by a newer one "
                    "from the panellist; it was left as it was.",
                    "%(count)d corrections had already been decided, or replaced by newer ones "
                    "from the panellist; they were left as they were.",
                    count,
                )
                % {"count": count},
                messages.WARNING,
            )
