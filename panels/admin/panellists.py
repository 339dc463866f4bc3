"""Panellists in the admin: every panellist of every panel, to follow up invitations across
meetings.

A panellist's page shows their answer with the reason and note they gave (their words,
read-only), the state of their personal link and the emails sent about their place. Actions
invite, remind, revoke links and record answers, through ``services``.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Panellist, Sending
from ..wording import in_zone, when_and_zone
from .formsets import PLACE_FIELDS, PanellistPageForm
from .history import HistoryWithValuesMixin
from .imports import PanellistSpreadsheetMixin
from .keys import CheckedListMixin
from .languages import TranslatedSearchMixin
from .mixins import (
    CONTENT_INPUTS,
    AnsweredAtMixin,
    EmailReportsMixin,
    LabelledTabularInline,
    RefuseClashingSaveMixin,
)
from .proposals import PanellistProposalsInline, ProposalDecisionsMixin
from .reports import report_answers_recorded, report_links_revoked
from .teams import MeetingTeamMixin
from .vacated import GiveItemsMixin


class SendingInline(LabelledTabularInline):
    """The emails sent about a panellist's place, newest first: a record, never edited.

    Whoever may see the panellist sees their emails; nobody adds, changes or deletes one.
    """

    model = Sending
    verbose_name = _("email")
    verbose_name_plural = _("emails sent")
    fields = ["kind", "to_address", "sent", "result"]
    readonly_fields = fields
    ordering = ["-sent_at", "-pk"]
    can_delete = False
    extra = 0

    def has_view_permission(self, request, obj=None):
        return self.admin_site.get_model_admin(self.parent_model).has_view_or_change_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sent at"))
    def sent(self, sending):
        """When it was sent or attempted, with the zone named."""
        return when_and_zone(sending.sent_at)

    @admin.display(description=_("result"))
    def result(self, sending):
        """ "Sent", or why it was not."""
        if sending.succeeded:
            return _("Sent")
        return _("Not sent: %(reason)s") % {"reason": sending.error}


@admin.register(Panellist)
class PanellistAdmin(
    MeetingTeamMixin,
    HistoryWithValuesMixin,
    GiveItemsMixin,
    ProposalDecisionsMixin,
    PanellistSpreadsheetMixin,
    RefuseClashingSaveMixin,
    EmailReportsMixin,
    AnsweredAtMixin,
    CheckedListMixin,
    TranslatedSearchMixin,
    admin.ModelAdmin,
):
    """Every panellist of every panel, to follow up invitations across meetings.

    A panellist's page shows their answer with the reason and note they gave (their words,
    read-only), the state of their personal link and the emails sent about their place.
    Actions invite, remind, revoke links and record answers.

    The list exports the panellists it shows as a CSV or XLSX spreadsheet and imports people
    and panellists from one (``imports.PanellistSpreadsheetMixin``).
    """

    form = PanellistPageForm
    formfield_overrides = CONTENT_INPUTS
    list_display = [
        "participant",
        "panel",
        "role",
        "status",
        "answered_at",
        "reason",
        "note",
        "last_email",
    ]
    list_filter = [("panel__meeting", admin.RelatedOnlyFieldListFilter), "role", "status"]
    list_select_related = ["person", "panel"]
    search_fields = ["person__name", "person__organisation", "function"]
    translated_search_fields = ["panel__title"]
    autocomplete_fields = ["panel", "person"]
    fieldsets = [
        (
            None,
            {"fields": ["panel", *PLACE_FIELDS, ("panel_version", "loaded_at")]},
        ),
        (
            _("Answer"),
            {
                "fields": [
                    "answer",
                    "answered_at",
                    "decline_reason",
                    "note_to_secretariat",
                    "vacated_items_link",
                ],
                "description": _(
                    "The reason and the note are the panellist's own words, from their answer "
                    "page."
                ),
            },
        ),
        (
            _("Personal link"),
            {
                "fields": ["link_state"],
                "description": _(
                    "The link itself is only in the email: it is not stored. Sending the "
                    "invitation again gives a new link and the old one stops working."
                ),
            },
        ),
    ]
    readonly_fields = [
        "answered_at",
        "decline_reason",
        "note_to_secretariat",
        "vacated_items_link",
        "link_state",
    ]
    inlines = [PanellistProposalsInline, SendingInline]
    actions = [
        "send_invitations",
        "send_reminders",
        "revoke_links",
        "mark_confirmed",
        "mark_declined",
        "mark_withdrawn",
        "mark_invited",
    ]

    def get_queryset(self, request):
        """The panellists, each with their latest email (``PanellistQuerySet
        .with_last_email``)."""
        return super().get_queryset(request).with_last_email()

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new panellist has no answer, link or email yet.
        first, (answer_title, _options), _link = self.fieldsets
        return [first, (answer_title, {"fields": ["answer"]})]

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else []

    @admin.display(description=_("participant"), ordering="person__name")
    def participant(self, panellist):
        """The person, else the place's function, else "To be announced"."""
        return panellist.display_name

    @admin.display(description=_("reason for declining"))
    def reason(self, panellist):
        """The start of the reason they gave for declining."""
        return Truncator(panellist.decline_reason).chars(80) or self.get_empty_value_display()

    @admin.display(description=_("note to the secretariat"))
    def note(self, panellist):
        """The start of the note they left for the secretariat."""
        return Truncator(panellist.note_to_secretariat).chars(80) or (
            self.get_empty_value_display()
        )

    @admin.display(description=_("last email"), ordering="last_email_at")
    def last_email(self, panellist):
        """The latest email about their place: "Invitation, Jan. 20, 2017, 14:30 (UTC)",
        and why it was not sent if it failed. Reads the annotations of ``get_queryset``."""
        if getattr(panellist, "last_email_kind", None) is None:
            return self.get_empty_value_display()
        values = {
            "kind": Sending.Kind(panellist.last_email_kind).label,
            "when": when_and_zone(panellist.last_email_at),
        }
        if panellist.last_email_error:
            return _("%(kind)s, %(when)s: not sent (%(reason)s)") % {
                **values,
                "reason": panellist.last_email_error,
            }
        return _("%(kind)s, %(when)s") % values

    @admin.display(description=_("personal link"))
    def link_state(self, panellist):
        """Whether their personal link works: "Valid, issued …; it works until …", or why
        not. The link's secret is never stored, so it is never shown."""
        if panellist.status == Panellist.Status.WITHDRAWN:
            # Withdrawing revokes the link (``services.record_answer``).
            return _("No valid link: the panellist has withdrawn.")
        if not panellist.link_hash:
            return _("No valid link. Sending the invitation gives them a new one.")
        issued = (
            when_and_zone(panellist.link_issued_at)
            if panellist.link_issued_at
            else self.get_empty_value_display()
        )
        panel = panellist.panel
        if not panel.meeting.has_valid_time_zone():
            return _("Valid, issued %(issued)s.") % {"issued": issued}
        deadline = services.answer_deadline(panel)
        values = {"issued": issued, "deadline": in_zone(deadline, panel.meeting.time_zone)}
        if timezone.now() >= deadline:
            return (
                _("Issued %(issued)s; it stopped working at the answer deadline, %(deadline)s.")
                % values
            )
        return _("Valid, issued %(issued)s; it works until %(deadline)s.") % values

    def save_model(self, request, obj, form, change):
        """Save the panellist through ``services.save_panellist`` (the versions of its panel,
        and of the panel it moves from, raised), then record a changed answer through
        ``services``. An existing panellist is saved in this page's fields only."""
        services.save_panellist(
            obj,
            previous_panel=form.initial.get("panel"),
            update_fields=form.model_fields() if change else None,
        )
        form.save_answer()

    def delete_model(self, request, obj):
        services.delete_panellists(Panellist.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.delete_panellists(queryset)

    # Invitations, reminders and personal links

    @admin.action(description=_("Send invitation (new personal link)"), permissions=["change"])
    def send_invitations(self, request, queryset):
        """Email each selected panellist an invitation with a new personal link; a link sent
        before stops working."""
        return self.invite(request, queryset)

    @admin.action(description=_("Send reminders"), permissions=["change"])
    def send_reminders(self, request, queryset):
        """Remind the selected panellists who were invited and have not answered."""
        return self.remind(request, queryset)

    @admin.action(description=_("Revoke personal links"), permissions=["change"])
    def revoke_links(self, request, queryset):
        """Make the selected panellists' personal links stop working, and say how many."""
        report_links_revoked(self, request, services.revoke_links(queryset, actor=request.user))

    # Recording answers by hand

    def record_answers(self, request, queryset, status):
        """Record ``status`` for each selected panellist and say how many changed."""
        result = services.record_answers(queryset, status, actor=request.user)
        report_answers_recorded(self, request, result)

    @admin.action(description=_("Mark selected panellists as confirmed"), permissions=["change"])
    def mark_confirmed(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.CONFIRMED)

    @admin.action(description=_("Mark selected panellists as declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.DECLINED)

    @admin.action(description=_("Mark selected panellists as withdrawn"), permissions=["change"])
    def mark_withdrawn(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.WITHDRAWN)

    @admin.action(
        description=_("Mark selected panellists as invited (no answer yet)"),
        permissions=["change"],
    )
    def mark_invited(self, request, queryset):
        self.record_answers(request, queryset, Panellist.Status.INVITED)
