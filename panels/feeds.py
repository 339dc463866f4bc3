"""A meeting's public changelog: its programme's versions with what changed in each, for the
"Changes" page and its Atom feed (RFC 4287, ``django.contrib.syndication``)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .changelog import Change, changes
from .models import Meeting
from .wording import in_zone

# How many versions the feed carries, newest first.
FEED_VERSIONS = 50
# How many versions the changes page shows on each of its pages, newest first.
CHANGES_PER_PAGE = 20


@dataclass
class ChangelogEntry:
    """One version in the changelog: its ``number``, ``recorded_at`` (an aware datetime in the
    meeting's zone), ``when`` (that moment in words, the zone named: "Feb. 16, 2017, 15:02
    (America/New_York)") and ``changes`` since the version before (a list of
    ``changelog.Change``; "Programme published" for the first); ``anchor``, its element's
    id on the changes page ("version-3"); ``url``, its address there (path, page number
    when not the first, and anchor); ``permalink``, the same without the page number (the
    feed entry's id, which must not change); and
    ``zone``, the IANA name of the zone the changes' clock times are in."""

    number: int
    recorded_at: datetime
    when: str
    changes: list[Change]
    anchor: str
    url: str
    permalink: str
    zone: str


def changelog_entries(meeting, *, limit=None):
    """The versions of ``meeting``'s public programme, newest first, as ``ChangelogEntry``;
    at most ``limit`` of them (all when ``None``). Two queries at most."""
    versions = meeting.programme_versions.order_by("-number")
    return entries_for(meeting, list(versions if limit is None else versions[:limit]))


def entries_for(meeting, versions, *, first_index=0):
    """``versions`` (a list of ``meeting``'s ``ProgrammeVersion``, newest first, with no
    version of the meeting missing between them, such as one page of them) as
    ``ChangelogEntry``, newest first, each with what changed since the version before it.
    ``first_index`` is the place of the first of them among all the meeting's versions,
    newest first (0 for the newest): it gives each entry's page on the changes page
    (``CHANGES_PER_PAGE`` versions a page).

    The oldest one's predecessor is not in the list: it is read (one query; none when the
    oldest is version 1, which says "Programme published")."""
    if not versions:
        return []
    oldest = versions[-1]
    before = None
    if oldest.number > 1:
        before = (
            meeting.programme_versions.filter(number__lt=oldest.number).order_by("-number").first()
        )
    page = reverse("panels:meeting-changes", kwargs={"slug": meeting.slug})
    entries = []
    previous = before.snapshot if before is not None else None
    for index, version in reversed(list(enumerate(versions, start=first_index))):
        page_number = index // CHANGES_PER_PAGE + 1
        query = f"?page={page_number}" if page_number > 1 else ""
        entries.append(
            ChangelogEntry(
                number=version.number,
                recorded_at=version.recorded_at.astimezone(meeting.zone),
                when=in_zone(version.recorded_at, meeting.time_zone),
                changes=changes(previous, version.snapshot),
                anchor=f"version-{version.number}",
                url=f"{page}{query}#version-{version.number}",
                permalink=f"{page}#version-{version.number}",
                zone=meeting.time_zone,
            )
        )
        previous = version.snapshot
    entries.reverse()
    return entries


class MeetingChangesFeed(Feed):
    """``/meetings/<slug>/changes.atom``: one Atom entry per version of a public meeting's
    programme, newest first (``FEED_VERSIONS`` at most), its changes as an HTML list. A
    draft meeting answers 404, for staff too: a feed reader copies what it fetches and could
    not mark a draft as such (as the calendar and schedule.json)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.request = request  # for item_guid: one instance serves one request (the view)
        return get_object_or_404(Meeting.objects.public(), slug=slug)

    def title(self, meeting):
        return _("Changes to the programme of %(meeting)s") % {"meeting": meeting.title}

    def subtitle(self, meeting):
        return _(
            "Each time the public programme of %(meeting)s changes, what changed. Times are "
            "local times in %(zone)s."
        ) % {"meeting": meeting.title, "zone": meeting.time_zone}

    def link(self, meeting):
        return reverse("panels:meeting-changes", kwargs={"slug": meeting.slug})

    def author_name(self, meeting):
        return meeting.organiser or _("The secretariat")

    def items(self, meeting):
        return changelog_entries(meeting, limit=FEED_VERSIONS)

    def item_title(self, entry):
        """What a reader sees in their list of entries: the version's first change, and how
        many more ("Version 3: “Panel 2” was cancelled (and 2 more changes)"); the moment is
        the entry's ``updated``. Only "Version 3, <when>" when it holds no change."""
        if not entry.changes:
            return _("Version %(number)s, %(when)s") % {"number": entry.number, "when": entry.when}
        words = {
            "number": entry.number,
            "first": entry.changes[0].text.removesuffix("."),
            "more": len(entry.changes) - 1,
        }
        if words["more"]:
            return (
                ngettext(
                    "Version %(number)s: %(first)s (and %(more)s more change)",
                    "Version %(number)s: %(first)s (and %(more)s more changes)",
                    words["more"],
                )
                % words
            )
        return _("Version %(number)s: %(first)s") % words

    def item_description(self, entry):
        """The changes as an HTML list, then which zone their times are in."""
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join("", "<li>{}</li>", ((change.html,) for change in entry.changes)),
            _("Times are local times in %(zone)s.") % {"zone": entry.zone},
        )

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        """The entry's permanent id: the version's address on the changes page without the
        page number, which changes as newer versions push it to later pages (the id it
        had before the page was paginated)."""
        return self.request.build_absolute_uri(entry.permalink)

    def item_pubdate(self, entry):
        return entry.recorded_at

    def item_updateddate(self, entry):
        return entry.recorded_at
