"""People in the admin: each page lists the panels the person is on, and refuses a save from
a stale copy (``stale``)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Meeting, Panellist, Person
from ..models.querysets import in_team_of
from .forms import PersonAdminForm
from .history import HistoryWithValuesMixin
from .keys import CheckedKeysMixin, CheckedListMixin
from .languages import LanguageTabsAdmin
from .mixins import FIELD_FORMATS, AnsweredAtMixin, RefuseClashingSaveMixin
from .proposals import PersonProposalsInline, ProposalDecisionsMixin
from .teams import MeetingTeamMixin


class PanelPlaceInline(AnsweredAtMixin, CheckedKeysMixin, admin.TabularInline):
    """The panels a person is on, read-only, each linking to its panel's page."""

    model = Panellist
    verbose_name = _("place on a panel")
    verbose_name_plural = _("places on panels")
    fields = ["panel_link", "meeting", "date", "role", "status", "answered_at"]
    readonly_fields = fields
    ordering = ["panel__date", "panel__start_time", "pk"]
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        """The person's places in the meetings whose team the user is on (their places in
        other teams' meetings are those teams' business)."""
        return (
            super()
            .get_queryset(request)
            .filter(in_team_of(request.user, "panel__meeting"))
            .select_related("panel__meeting")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("panel"))
    def panel_link(self, panellist):
        """The panel's title, linking to its admin page."""
        url = reverse("admin:panels_panel_change", args=[panellist.panel_id])
        return format_html('<a href="{}">{}</a>', url, panellist.panel)

    @admin.display(description=_("meeting"))
    def meeting(self, panellist):
        """The meeting of the panel."""
        return panellist.panel.meeting

    @admin.display(description=_("date"))
    def date(self, panellist):
        """The panel's day, in the meeting's local time."""
        return formats.date_format(panellist.panel.date)


@admin.register(Person)
class PersonAdmin(
    MeetingTeamMixin,
    HistoryWithValuesMixin,
    RefuseClashingSaveMixin,
    ProposalDecisionsMixin,
    CheckedListMixin,
    LanguageTabsAdmin,
):
    """People who speak at or run panels; each page lists the panels they are on and the
    corrections of their details they proposed through a personal link, to accept or
    reject.

    The page's hidden ``version`` and ``loaded_at`` refuse a stale save
    (``forms.PersonAdminForm``): one opened before another officer saved the person, or before
    a correction of theirs was accepted, would write the old details back.
    """

    form = PersonAdminForm
    formfield_overrides = FIELD_FORMATS
    list_display = ["name", "honorific", "position", "organisation", "email"]
    search_fields = ["name", "organisation", "email"]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "position", "organisation"]}),
        (_("For the secretariat"), {"fields": ["email", "preferred_language"]}),
        (_("Biography"), {"fields": ["bio", ("version", "loaded_at")]}),
    ]
    inlines = [PersonProposalsInline, PanelPlaceInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The person's page; said first when they also have a place in a meeting of
        another team (people are shared: a change of their details shows there too)."""
        if request.method == "GET":
            person = self.get_object(request, object_id)
            others = 0 if person is None else other_teams_meetings(person, request.user)
            if others:
                self.message_user(
                    request,
                    ngettext(
                        "%(name)s also has a place in %(count)d meeting of another team: a "
                        "change of their details shows there too.",
                        "%(name)s also has places in %(count)d meetings of other teams: a "
                        "change of their details shows there too.",
                        others,
                    )
                    % {"name": person.name, "count": others},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)


def other_teams_meetings(person, user):
    """How many meetings outside ``user``'s teams ``person`` has a place in (0 for a
    superuser)."""
    return (
        Meeting.objects.filter(panels__panellists__person=person)
        .exclude(pk__in=Meeting.objects.of_team(user).values("pk"))
        .distinct()
        .count()
    )
