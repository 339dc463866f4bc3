"""Public pages (placeholder; see the views helper)."""

from django.views.generic import DetailView, ListView

from .models import Meeting, Panel


class MeetingListView(ListView):
    model = Meeting


class MeetingDetailView(DetailView):
    model = Meeting


class PanelDetailView(DetailView):
    model = Panel
