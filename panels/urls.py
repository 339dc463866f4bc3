"""Public pages, namespaced ``panels:`` (reverse them; templates never write a path)."""

from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "meetings/<slug:meeting_slug>/panels/<int:pk>/",
        views.PanelDetailView.as_view(),
        name="panel-detail",
    ),
]
