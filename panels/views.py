"""Public pages: the list of meetings, a meeting's programme and a panel.

Draft meetings and unpublished panels answer 404 to the public; staff see them, with a notice
that they are not public (``visible_to``). Every page runs a fixed number of queries, however
many panels, panellists and segments there are: the prefetches live in ``PanelQuerySet``.
"""

from django.views.generic import DetailView, ListView

from .models import Meeting, Panel


class MeetingListView(ListView):
    """Home page: upcoming and past meetings, as ``upcoming`` and ``past`` in the context."""

    model = Meeting

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        meetings = self.get_queryset()
        return super().get_context_data(
            upcoming=meetings.upcoming(), past=meetings.past(), **kwargs
        )


class MeetingDetailView(DetailView):
    """A meeting and its programme: ``panels`` in programme order, with their people."""

    model = Meeting

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        panels = (
            Panel.objects.visible_to(self.request.user)
            .filter(meeting=self.object)
            .select_related("meeting")
            .with_people()
            .in_programme_order()
        )
        return super().get_context_data(panels=panels, **kwargs)


class PanelDetailView(DetailView):
    """A panel: concept note, who speaks and the running order, found in its meeting."""

    model = Panel

    def get_queryset(self):
        return (
            Panel.objects.visible_to(self.request.user)
            .filter(meeting__slug=self.kwargs["meeting_slug"])
            .select_related("meeting")
            .with_people()
            .with_running_order()
            .prefetch_related("sections")
        )
