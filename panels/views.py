"""Public pages (the list of meetings, a meeting's programme and a panel, their exports) and
the panellist's answer page (reached through a personal link); the secretariat's tools for a
panel are in ``panels.tools``.

Draft meetings and unpublished panels answer 404 to the public; the meeting's team sees them,
with a notice that they are not public (``visible_to``; superusers are on every team).
Every page runs a fixed number of queries, however many panels, panellists and segments there
are: the prefetches live in ``PanelQuerySet``.
"""

import logging
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import DetailView, ListView
from django_ratelimit.core import is_ratelimited

from . import fragments, ical, schedule, services
from .feeds import CHANGES_PER_PAGE, MeetingChangesFeed, entries_for
from .forms import AnswerForms
from .middleware import use_personal_language
from .models import Meeting, Panel, Panellist
from .wording import quoted

logger = logging.getLogger(__name__)

# Requests a client (an IP address; IPv6 by /64) may make to the answer page: enough for a
# panellist who reloads and answers twice, far too few to guess a link's 256-bit secret.
ANSWER_RATE = "20/m"


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
    """A meeting and its programme: ``programme_article`` (``fragments.render_programme``),
    the meeting's facts, concept note and documents, and its sessions by day, in blocks of
    parallel ones, each with its people and running order; read from the cache when it was
    rendered since the last change for readers who see the same sessions."""

    model = Meeting

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        self.fragment_generation = fragments.fragment_generation()  # before any data is read
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """``programme_article``: safe HTML."""
        user = self.request.user
        panels = Panel.objects.visible_to(user).filter(meeting=self.object)
        audience = fragments.programme_audience(user, self.object)
        article = fragments.render_programme(
            self.object, panels, audience, self.fragment_generation
        )
        return super().get_context_data(programme_article=article, **kwargs)


class MeetingChangesView(DetailView):
    """A meeting's public changelog: ``entries`` (``feeds.ChangelogEntry``), one page
    (``page_obj``, ``?page=``; ``feeds.CHANGES_PER_PAGE`` versions) of the versions of its
    programme newest first, each with what changed in plain words. Drafts as the
    programme: 404 to the public, a preview for staff. Four queries at most, however many
    versions: only the page's versions and the one before them are read."""

    model = Meeting
    template_name_suffix = "_changes"

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        versions = self.object.programme_versions.order_by("-number")
        page = Paginator(versions, CHANGES_PER_PAGE).get_page(self.request.GET.get("page"))
        entries = entries_for(
            self.object, list(page.object_list), first_index=page.start_index() - 1
        )
        return super().get_context_data(entries=entries, page_obj=page, **kwargs)


class PanelDetailView(DetailView):
    """A panel: concept note, who speaks and the running order, found in its meeting.

    ``panel_article`` (``fragments.render_article``) is the part the same for every reader,
    read from the cache when it was rendered since the last change; around it the page adds
    what depends on the reader (preview notices, staff tools). Two queries when the article is
    kept (the session with its meeting and room, the team check for staff), six otherwise.
    """

    model = Panel

    def get(self, request, *args, **kwargs):
        self.fragment_generation = fragments.fragment_generation()  # before any data is read
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Panel.objects.visible_to(self.request.user)
            .filter(meeting__slug=self.kwargs["meeting_slug"])
            .select_related("meeting", "room")
        )

    def get_context_data(self, **kwargs):
        """``on_team``: whether the user runs this panel (the links to its run sheet and
        timekeeper are theirs); ``panel_article``: safe HTML."""
        user = self.request.user
        on_team = (
            user.is_staff
            and Meeting.objects.of_team(user).filter(pk=self.object.meeting_id).exists()
        )
        article = fragments.render_article(self.object, self.fragment_generation)
        return super().get_context_data(on_team=on_team, panel_article=article, **kwargs)


def private_page(view):
    """Mark every response of ``view`` as private to the person holding its address.

    ``Referrer-Policy: same-origin``, so that following a link never tells another site the
    secret address (this site knows it already). Not ``no-referrer``: with it, browsers send
    ``Origin: null`` with the page's own forms, and Django's CSRF check refuses them.
    ``X-Robots-Tag: noindex`` in case the address leaks to a search engine. Caching is refused
    separately, by ``never_cache``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def answer_rate_limit(view):
    """django-ratelimit's limit on ``view``, as its ``ratelimit`` decorator with
    ``block=False`` sets it: ``ANSWER_RATE`` requests per client address, counted in the
    "default" cache across every process and server; ``request.limited`` is set when it is
    passed (the view answers 429). While the cache is out of reach the request is not counted
    (logged) and the page answers, so that a panellist can still reply: the library's
    ``RATELIMIT_FAIL_OPEN`` covers a cache that answers without a count, not one that raises,
    as Django's Redis backend does while Redis is down."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            limited = is_ratelimited(
                request,
                group="panels:panellist-answer",
                fn=view,
                key="ip",
                rate=ANSWER_RATE,
                increment=True,
            )
        except Exception:
            logger.exception("The cache is out of reach; the answer page's limit is not counted.")
            limited = False
        request.limited = getattr(request, "limited", False) or limited
        return view(request, *args, **kwargs)

    return wrapped


# The CSRF check runs inside the other decorators (csrf_protect), not in the middleware, so
# that its refusal is counted by the rate limit and carries the same headers as every other
# response of the page. ``csrf_exempt`` only moves the check; it does not skip it.
@csrf_exempt
@never_cache
@private_page
@answer_rate_limit
@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def panellist_answer(request, secret=""):
    """A panellist's answer page, found only by the secret of their personal link.

    GET shows their slot and the form, and changes nothing (mail scanners open links). POST
    confirms or declines through ``services.answer_through_link`` with their corrections, then
    redirects to the same address with a message (post/redirect/get); an answer to a slot that
    changed since the page was shown is refused, and the page shows the new slot. The page of
    a cancelled panel says so and takes no answer. A missing,
    unknown, revoked or expired link gets one page (404) that does not say which it was; too
    many requests from one client get 429. At the link's unprefixed address the page is in the
    person's preferred language, when set (``use_personal_language``).
    """
    if getattr(request, "limited", False):
        return render(request, "panels/answer_rate_limited.html", status=429)
    panellist = services.panellist_for_link(secret)
    if panellist is None:
        return render(request, "panels/link_invalid.html", status=404)
    use_personal_language(request, panellist.person)
    if request.method != "POST":
        return _answer_page(request, panellist, AnswerForms(panellist))
    forms = AnswerForms(panellist, data=request.POST)
    if not forms.is_valid():
        seen = forms.answer.cleaned_data.get("fingerprint", "")
        changed = seen != services.slot_fingerprint(panellist)
        return _answer_page(request, panellist, forms, slot_changed=changed)
    try:
        answer_changed, details_changed = forms.save()
    except services.PanelCancelled:
        # Nothing was recorded: the page now says the panel is cancelled, without the form.
        return _answer_page(request, panellist, forms)
    except services.StaleAnswer:
        # Nothing was recorded. Show the slot as it is now, keeping what they typed.
        panellist = services.panellist_for_link(secret)
        if panellist is None:
            return render(request, "panels/link_invalid.html", status=404)
        return _answer_page(request, panellist, forms, slot_changed=True)
    messages.success(request, _answer_message(panellist, answer_changed, details_changed))
    return redirect(request.path)


def _answer_message(panellist, answer_changed, details_changed):
    """What the page says after a POST: thanks for a new answer and for corrections sent to
    the secretariat (``details_changed``), or that nothing changed."""
    sent = _("The secretariat will check your corrections before they appear in the programme.")
    if answer_changed:
        if panellist.status == Panellist.Status.CONFIRMED:
            thanks = _("Thank you: your participation is confirmed.")
        else:
            thanks = _("Thank you: we have recorded that you cannot take part.")
        return f"{thanks} {sent}" if details_changed else thanks
    if details_changed:
        return _("Thank you. %(sent)s Your answer is unchanged.") % {"sent": sent}
    return _("Your answer is unchanged: it had already been recorded.")


def _answer_page(request, panellist, forms, *, slot_changed=False):
    """Render the answer page for ``panellist`` with ``forms`` (``AnswerForms``).

    The hidden fingerprint is always that of the slot shown now, so that answering again after
    ``slot_changed`` answers the slot the panellist has just seen.
    """
    panel = panellist.panel
    answered_at = panellist.responded_at
    return render(
        request,
        "panels/panellist_answer.html",
        {
            "panellist": panellist,
            "panel": panel,
            "meeting": panel.meeting,
            "own_segments": services.own_segments(panellist),
            "deadline": services.answer_deadline(panel).astimezone(panel.zone),
            "answered_at": answered_at.astimezone(panel.zone) if answered_at else None,
            "forms": forms,
            "fingerprint": services.slot_fingerprint(panellist),
            "slot_changed": slot_changed,
            "panel_is_public": panel.is_published and panel.meeting.is_public,
        },
    )


# The programme leaving the site: calendars and schedule.json. Unlike the pages,
# these have no staff preview: a calendar or an app copies and keeps what it fetches, and
# could not mark a draft as such. Only a public meeting's published panels leave the site.


# How long a calendar or app is asked to wait before fetching an export refused for a meeting
# whose time zone is not valid (``Retry-After``), in seconds.
ZONE_RETRY_SECONDS = 3600


def _zone_refusal(meeting):
    """``None`` when ``meeting``'s time zone is valid; else a 503 (``Retry-After``) saying in
    words why its times cannot be exported. An export with times in a guessed zone would move
    every event in the calendars that take it; an error makes them keep what they had."""
    if meeting.has_valid_time_zone():
        return None
    response = HttpResponse(
        _(
            "The programme of %(meeting)s cannot be exported just now: its time zone "
            "(%(zone)s) is not a valid IANA time zone name, so no time in it can be given "
            "correctly. The secretariat has been shown the problem; calendars keep what they "
            "had until it is corrected."
        )
        % {"meeting": quoted(meeting.title), "zone": quoted(meeting.time_zone)},
        content_type="text/plain; charset=utf-8",
        status=503,
    )
    response.headers["Retry-After"] = str(ZONE_RETRY_SECONDS)
    return response


def _calendar_response(calendar, filename):
    """``calendar`` (an ``icalendar.Calendar``) as a download named ``filename``."""
    response = HttpResponse(calendar.to_ical(), content_type=ical.MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@require_safe
def meeting_calendar(request, slug):
    """A meeting's programme as an iCalendar file (RFC 5545), ``<slug>.ics``.

    Its published panels in programme order, cancelled ones included (``STATUS:CANCELLED``).
    A draft meeting answers 404, for staff too (no preview, see above). Four queries, however
    many panels.
    """
    meeting = get_object_or_404(Meeting.objects.public(), slug=slug)
    if refusal := _zone_refusal(meeting):
        return refusal
    panels = Panel.objects.for_export().filter(meeting=meeting).in_programme_order()
    calendar = ical.calendar_for(
        panels, name=meeting.title, absolute_url=request.build_absolute_uri, meeting=meeting
    )
    return _calendar_response(calendar, f"{meeting.slug}.ics")


@require_safe
def panel_calendar(request, meeting_slug, pk):
    """One panel as an iCalendar file (RFC 5545), ``<meeting slug>-panel-<pk>.ics``.

    Found in its meeting as on the panel's page; 404 unless it is published in a public
    meeting, for staff too (no preview, see above).
    """
    panel = get_object_or_404(Panel.objects.for_export().filter(meeting__slug=meeting_slug), pk=pk)
    if refusal := _zone_refusal(panel.meeting):
        return refusal
    calendar = ical.calendar_for(
        [panel], name=panel.title, absolute_url=request.build_absolute_uri
    )
    return _calendar_response(calendar, f"{panel.meeting.slug}-panel-{panel.pk}.ics")


@require_safe
def meeting_changes_feed(request, slug):
    """A public meeting's changelog as Atom (``feeds.MeetingChangesFeed``); 404 for a draft.

    Refused (503, ``Retry-After``) while the meeting's time zone is not valid, as the
    calendars and schedule.json are: a feed reader keeps what it fetches, and could not
    show the times as not verified.
    """
    meeting = get_object_or_404(Meeting.objects.public(), slug=slug)
    if refusal := _zone_refusal(meeting):
        return refusal
    return MeetingChangesFeed()(request, slug=slug)


@require_safe
def meeting_schedule_json(request, slug):
    """A meeting's programme as c3voc ``schedule.json`` (``schedule.schedule_for``), UTF-8.

    Public data for schedule apps, fetched across origins (``Access-Control-Allow-Origin:
    *``): only a public meeting (404 otherwise, for staff too) and its published panels,
    cancelled ones included. Unlike the pages, there is no staff preview: an app copies and
    keeps what it fetches, and could not mark a draft as such. ``schedule.version`` starts
    with the number of the programme's latest version on its changelog. Five queries,
    however many panels.
    """
    meeting = get_object_or_404(Meeting.objects.public(), slug=slug)
    if refusal := _zone_refusal(meeting):
        return refusal
    panels = Panel.objects.for_export().filter(meeting=meeting).in_programme_order()
    latest = meeting.programme_versions.order_by("-number").values_list("number", flat=True)
    data = schedule.schedule_for(
        meeting,
        panels,
        base_url=request.build_absolute_uri("/"),
        programme_version=latest.first(),
        language=getattr(request, "export_language", None),  # exports.in_asked_language
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
