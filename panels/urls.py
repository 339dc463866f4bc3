"""Public pages, the panellist's answer page and the secretariat's panel tools, namespaced
``panels:`` (reverse them; templates never write a path).

The root URLconf serves these under a language prefix (``/fr/meetings/…``, Django's
``i18n_patterns``). The addresses that calendars, schedule apps, feed readers and personal
links were given before the prefix existed keep working as they are (``unprefixed_patterns``,
in the browser's language): a subscription or an emailed link is not redirected, and a form
posted to an old answer page is not lost.
"""

from django.urls import path

from . import tools, views
from .exports import exports_in_asked_language
from .page_cache import public_page

app_name = "panels"

# Calendars and schedule.json in the language asked for with ?lang=, at both addresses.
# ``public_page``: the same for every reader without a session, served from the page cache
# (panels/page_cache.py) until the next change.
EXPORTS = {
    name: public_page(view, language_asked=True)
    for name, view in exports_in_asked_language(views).items()
}
changes_feed = public_page(views.meeting_changes_feed)

urlpatterns = [
    path("", public_page(views.MeetingListView.as_view()), name="meeting-list"),
    path(
        "meetings/<slug:slug>/",
        public_page(views.MeetingDetailView.as_view()),
        name="meeting-detail",
    ),
    path(
        "meetings/<slug:meeting_slug>/panels/<int:pk>/",
        public_page(views.PanelDetailView.as_view()),
        name="panel-detail",
    ),
    # The public changelog: the programme's versions and what changed in each, and its feed.
    path(
        "meetings/<slug:slug>/changes/",
        public_page(views.MeetingChangesView.as_view()),
        name="meeting-changes",
    ),
    path(
        "meetings/<slug:slug>/changes.atom",
        changes_feed,
        name="meeting-changes-feed",
    ),
    # The programme leaving the site: iCalendar (RFC 5545) and c3voc schedule.json, in the
    # language asked for with ?lang= (exports.in_asked_language).
    path(
        "meetings/<slug:slug>/calendar.ics",
        EXPORTS["meeting_calendar"],
        name="meeting-calendar",
    ),
    path(
        "meetings/<slug:slug>/schedule.json",
        EXPORTS["meeting_schedule_json"],
        name="meeting-schedule-json",
    ),
    path(
        "meetings/<slug:meeting_slug>/panels/<int:pk>/calendar.ics",
        EXPORTS["panel_calendar"],
        name="panel-calendar",
    ),
    path(
        "meetings/<slug:meeting_slug>/panels/<int:pk>/run-sheet/",
        tools.PanelRunSheetView.as_view(),
        name="panel-runsheet",
    ),
    path(
        "meetings/<slug:meeting_slug>/panels/<int:pk>/timekeeper/",
        tools.PanelTimekeeperView.as_view(),
        name="panel-timekeeper",
    ),
    # A panellist's personal link. Without its secret (a link cut short in an email) the page
    # says the link does not work, like any other link that does not.
    path("answer/<str:secret>/", views.panellist_answer, name="panellist-answer"),
    path("answer/", views.panellist_answer, name="panellist-answer-missing"),
]

# The same views at their addresses without a language prefix (outside the ``panels``
# namespace): exports that apps subscribe to, and personal links as emails gave them before
# they gave ``panellist-answer`` under the reader's prefix (``personal-link``): such a link
# opens in the person's preferred language, else the browser's (``use_personal_language``).
unprefixed_patterns = [
    path("meetings/<slug:slug>/changes.atom", changes_feed),
    path("meetings/<slug:slug>/calendar.ics", EXPORTS["meeting_calendar"]),
    path("meetings/<slug:slug>/schedule.json", EXPORTS["meeting_schedule_json"]),
    path("meetings/<slug:meeting_slug>/panels/<int:pk>/calendar.ics", EXPORTS["panel_calendar"]),
    path("answer/<str:secret>/", views.panellist_answer, name="personal-link"),
]
