"""The items of a participant who declined or withdrew, given in one step to another
participant or dropped (``services.give_items``): a page of its own, reached from the
participant's page and from the session's list of participants."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..models import Panellist, Segment
from ..wording import quoted_list

DROP = "drop"


class GiveItemsForm(forms.Form):
    """Whom ``place``'s items go to: one of the other participants of the session still
    expected to speak, or nobody (the items are dropped)."""

    to = forms.ChoiceField(label=_("Give the items to"), widget=forms.RadioSelect)

    def __init__(self, place, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = (
            Panellist.objects.filter(panel_id=place.panel_id)
            .on_programme()
            .exclude(pk=place.pk)
            .select_related("person")
            .order_by("order", "pk")
        )
        self.others = {str(other.pk): other for other in others}
        self.fields["to"].choices = [
            *(
                (key, f"{other.display_name} ({other.get_role_display()})")
                for key, other in self.others.items()
            ),
            (
                DROP,
                _(
                    "Nobody: take them off the items; an item left without a speaker is "
                    "dropped and the running order closes up"
                ),
            ),
        ]

    def chosen(self):
        """The ``Panellist`` chosen, or ``None`` for nobody."""
        return self.others.get(self.cleaned_data["to"])


def items_link(place):
    """The link to the page that gives ``place``'s items away, as safe HTML; empty unless
    they declined or withdrew and still speak in items."""
    if place.pk is None or place.is_on_programme:
        return ""
    if not Segment.objects.spoken_by([place]).exists():
        return ""
    url = reverse("admin:panels_panellist_give_items", args=[place.pk])
    return format_html('<a href="{}">{}</a>', url, _("Give their items to someone, or drop them"))


class ItemsColumnMixin:
    """For the session's inline of participants: a read-only column ``their_items``."""

    @admin.display(description=_("their items"))
    def their_items(self, place):
        """For a participant who declined or withdrew and still speaks in items: the link to
        give the items to someone else or drop them."""
        return items_link(place)


class GiveItemsMixin:
    """For the panellists' ``ModelAdmin``: the page ``<pk>/items/`` and a read-only field
    ``vacated_items_link`` for the participant's page."""

    def get_urls(self):
        view = path(
            "<path:object_id>/items/",
            self.admin_site.admin_view(self.give_items_view),
            name="panels_panellist_give_items",
        )
        return [view, *super().get_urls()]

    @admin.display(description=_("their items"))
    def vacated_items_link(self, place):
        """What to do with the items of a participant who declined or withdrew."""
        return items_link(place) or self.get_empty_value_display()

    def give_items_view(self, request, object_id):
        """GET: the participant's items and the choice of who takes them. POST: give them
        (``services.give_items``), say what was done, and go back to the session's page."""
        place = self.get_object(request, object_id)
        if place is None:
            raise Http404(_("No such participant."))
        if not self.has_change_permission(request, place):
            raise PermissionDenied
        form = GiveItemsForm(place, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.give_items(place, to=form.chosen(), actor=request.user)
            except services.CannotTakeItems as refusal:
                form.add_error("to", str(refusal))
            else:
                self._report_items_moved(request, result)
                return HttpResponseRedirect(
                    reverse("admin:panels_panel_change", args=[place.panel_id])
                )
        items = list(Segment.objects.spoken_by([place]).in_running_order())
        context = {
            **self.admin_site.each_context(request),
            "title": _("The items of %(name)s") % {"name": place.display_name},
            "place": place,
            "items": items,
            "form": form,
            "opts": self.model._meta,
            "original": place,
        }
        return TemplateResponse(request, "admin/panels/panellist/give_items.html", context)

    def _report_items_moved(self, request, result):
        name = result.place.display_name
        if result.to is not None:
            count = len(result.handed)
            message = ngettext(
                "%(count)d item of %(name)s now goes to %(to)s.",
                "%(count)d items of %(name)s now go to %(to)s.",
                count,
            ) % {"count": count, "name": name, "to": result.to.display_name}
        else:
            message = _("%(name)s was taken off their items.") % {"name": name}
            if result.dropped:
                message += " " + ngettext(
                    "Dropped %(items)s, which had no other speaker; the running order closes "
                    "up behind it.",
                    "Dropped %(items)s, which had no other speaker; the running order closes "
                    "up behind them.",
                    len(result.dropped),
                ) % {"items": quoted_list(result.dropped)}
            if result.kept:
                message += " " + _("Kept with their other speakers: %(items)s.") % {
                    "items": quoted_list(item.display_title for item in result.kept)
                }
        self.message_user(request, message, messages.SUCCESS)
