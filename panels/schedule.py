"""A meeting's programme as ``schedule.json`` in the c3voc format, for schedule apps.

The format is the one frab and pretalx publish and Giggity, EventFahrplan and the c3voc tools
read, described by the JSON Schema (draft-06) of the voc/schedule repository
(``validator/json/schema.json``, copied to ``shared/schemas/c3voc-schedule.schema.json``;
documentation: https://c3voc.de/wiki/schedule). ``schedule_for`` builds it as plain values
(str, int, bool, None, lists and dicts), ready for ``json.dumps``.

Times are ISO 8601 with the UTC offset in force in the meeting's IANA zone on that day
(``2017-02-16T15:00:00-05:00``), computed from the panel's wall-clock times in that zone
(``Panel.starts_at``), never in the server's zone.

Only what the public pages show leaves the site: published panels of a public meeting, and of
each panel the panellists the public sees (``Panel.programme_panellists``) with what the panel
page shows of them (name, role, position, organisation, short bio, presentation title, "to be
confirmed"). Nothing private is written, nor anything derived from it: no email address, no
personal link or its hash, no answer time, no reason for declining, no note to the
secretariat. A person's ``guid`` is derived from their primary key, not from their email
address as the schema's description suggests, since that would publish a hash of it.

Cancelled panels stay in the file, as on the public pages and in the calendar feeds, where
pretalx drops them: an app that has a reminder set for a panel then shows it as
cancelled instead of losing it. Events admit no key of their own (``additionalProperties``
false), so a cancelled panel says so in its ``title`` ("Cancelled: …") and ``subtitle``
("Cancelled"); its ``type`` stays "panel".
"""

import hashlib
import json
import re
import uuid
from datetime import time, timedelta
from importlib import metadata
from urllib.parse import urljoin

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import running_order
from .ical import item_lines
from .text import read_rendered, render_many

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR_NAME = "panel-sessions"
# The grid apps draw the programme on, "HH:MM": panels start on the quarter hour or finer.
TIMESLOT_DURATION = "00:05"
EVENT_TYPE = "panel"

# Namespaces of the name-based (version 5) UUIDs of rooms and people (RFC 9562 §5.5), chosen
# once for this project. Changing one changes every room's or person's guid in every export.
ROOM_NAMESPACE = uuid.UUID("193b6481-b027-47c4-b6e1-471ec4e65aa7")
PERSON_NAMESPACE = uuid.UUID("650f0a01-8ce6-4d48-9d93-1688516e56fd")

# Conference.time_zone_name's pattern in the schema, read as validators read it (a search, so
# the first branch only anchors the start: "America/New_York" and
# "America/Argentina/Buenos_Aires" match).
SCHEMA_ZONE_PATTERN = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Venue zones (``validators.iana_time_zones``) that the pattern refuses, all links in the tz
# database's "backward" file, to the zone they name. Same rules, so the same offsets.
ZONE_LINKS = {
    "Australia/ACT": "Australia/Sydney",
    "Australia/LHI": "Australia/Lord_Howe",
    "Australia/NSW": "Australia/Sydney",
}

# Conference.acronym's pattern: four or more of [a-z0-9_] (a leading "-" is also allowed).
_ACRONYM_MIN_LENGTH = 4
_NOT_ACRONYM = re.compile(r"[^a-z0-9_]")
# How much of a panel's title its event slug keeps, in characters.
_SLUG_TITLE_LENGTH = 50


def schedule_for(meeting, panels, *, base_url, programme_version=None, language=None):
    """The c3voc ``schedule.json`` document of ``meeting`` with ``panels``, as a dict.

    ``meeting`` is a ``Meeting``; ``panels`` an iterable of its ``Panel`` objects to publish,
    in programme order, with ``panellists`` (and their people) and ``sections`` prefetched
    (``PanelQuerySet.with_people``), so that no query runs per panel. ``base_url`` is the
    site's absolute address ending in "/" (e.g. "https://panels.example.org/"); every URL in
    the document is absolute on it. The document is written in ``language`` (a code of
    ``settings.LANGUAGES``; default ``settings.LANGUAGE_CODE``), the language of its events
    (their words and the secretariat's content in it, falling back as on the pages), whatever
    language is active.

    Shape (keys the schema requires are always present)::

        {"$schema": SCHEMA_URL,
         "generator": {"name": "panel-sessions", "version": "0.1.0"},
         "schedule": {
             "version": "<programme version>.<content hash>", e.g. "3.1a2b3c4d5e6f7a8b"
                        (see ``schedule_version``),
             "base_url": base_url,
             "conference": {
                 "acronym": conference_acronym(meeting.slug), "title": str,
                 "start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "daysCount": int,
                 "timeslot_duration": "00:05",
                 "time_zone_name": IANA name (left out when the schema refuses it and it has
                                   no alias; see ``schedule_zone_name``),
                 "url": the meeting page,
                 "rooms": [{"name": str, "guid": UUID str}, ...] in order of first use,
                 "days": [{"index": 1, 2, ..., "date": "YYYY-MM-DD",
                           "day_start": local midnight, ISO 8601 with offset,
                           "day_end": the next local midnight,
                           "rooms": {room name: [event, ...]}}, ...]}}}

    ``days`` runs from the meeting's first to its last day (wider if a panel's date lies
    outside them), one per calendar day; a day's ``rooms`` holds only the rooms used that day.
    Each event is ``event_for`` 's. ``programme_version`` is the number of the meeting's
    latest ``ProgrammeVersion`` (``None`` when it has none yet).
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        acronym = conference_acronym(meeting.slug)
        # An event needs a start and a duration: a session whose time is not published is
        # left out until it has one.
        events = [
            (panel.date, event_for(panel, base_url=base_url, acronym=acronym))
            for panel in panels
            if panel.is_timed
        ]
        dates = {meeting.start_date, meeting.end_date}
        dates.update(event_date for event_date, _event in events)
        first, last = min(dates), max(dates)
        room_names = list(dict.fromkeys(event["room"] for _date, event in events))
        conference = {
            "acronym": acronym,
            "title": meeting.title,
            "start": first.isoformat(),
            "end": last.isoformat(),
            "daysCount": (last - first).days + 1,
            "timeslot_duration": TIMESLOT_DURATION,
            "time_zone_name": schedule_zone_name(meeting.time_zone),
            "url": urljoin(base_url, meeting.get_absolute_url()),
            "rooms": [{"name": name, "guid": room_guid(meeting, name)} for name in room_names],
            "days": [],
        }
        if conference["time_zone_name"] is None:
            del conference["time_zone_name"]
        for index in range(conference["daysCount"]):
            day = first + timedelta(days=index)
            rooms = {}
            for event_date, event in events:
                if event_date == day:
                    rooms.setdefault(event["room"], []).append(event)
            conference["days"].append(
                {
                    "index": index + 1,
                    "date": day.isoformat(),
                    "day_start": _midnight(day, meeting.zone).isoformat(),
                    "day_end": _midnight(day + timedelta(days=1), meeting.zone).isoformat(),
                    "rooms": {name: rooms[name] for name in room_names if name in rooms},
                }
            )
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR_NAME, "version": _generator_version()},
        "schedule": {
            "version": schedule_version(programme_version, conference),
            "base_url": base_url,
            "conference": conference,
        },
    }


def event_for(panel, *, base_url, acronym):
    """One panel as a c3voc Event (the schema's ``Event``), a dict.

    ``guid`` is ``panel.uid`` (stable across exports and edits); ``id`` the panel's primary
    key; ``date`` and ``end`` its start and end as ISO 8601 with the meeting zone's offset;
    ``start`` its local start "HH:MM"; ``duration`` its elapsed length "HH:MM" (a clock change
    during the panel is counted); ``room`` its room, else the meeting's venue, else "Main
    room"; ``slug`` "<acronym>-<id>-<title in ASCII>"; ``url`` the absolute panel page;
    ``abstract`` the first paragraph of its concept note and ``description`` the whole note
    with its headings, then its running order (``ical.item_lines``), all plain text
    (``concept_note_text``); ``links`` the web addresses
    the note links to; ``persons`` ``person_for`` each panellist the public sees. A cancelled
    panel's ``title`` and ``subtitle`` say so.
    """
    abstract, description, links = concept_note_text(panel.sections.all())
    items = item_lines(panel)
    if items:
        heading = _("Running order (times in %(zone)s):") % {"zone": panel.meeting.time_zone}
        running = "\n".join([heading, *items])
        description = f"{description}\n\n{running}" if description else running
    title = panel.title
    subtitle = ""
    if panel.is_cancelled:
        # Translators: the title of a cancelled panel in schedule apps.
        title = _("Cancelled: %(title)s") % {"title": panel.title}
        subtitle = _("Cancelled")
    return {
        "guid": str(panel.uid),
        "id": panel.pk,
        "date": panel.starts_at.isoformat(),
        "start": f"{panel.starts_at:%H:%M}",
        "end": panel.ends_at.isoformat(),
        "duration": _hours_minutes(panel.slot_minutes),
        "room": room_name(panel),
        "slug": event_slug(acronym, panel),
        "url": urljoin(base_url, panel.get_absolute_url()),
        "title": title,
        "subtitle": subtitle,
        "track": None,
        "type": EVENT_TYPE,
        "language": translation.get_language(),
        "abstract": abstract,
        "description": description,
        "persons": [person_for(place) for place in panel.programme_panellists()],
        "links": [{"url": url, "title": text, "type": "related"} for url, text in links],
    }


def person_for(place):
    """A panellist the public sees (a ``Panellist``) as a c3voc Person, a dict.

    ``name`` and ``public_name`` (the deprecated frab spelling) are the name with its
    honorific (for a place without a person: its function, or "To be announced"); ``guid`` is
    ``person_guid`` (``place_guid`` without a person); ``biography`` the short bio or None. The
    schema
    allows more keys on a person; these are what the panel page shows: ``role`` (translated,
    e.g. "Moderator"), ``position``, ``organisation``, ``function``, ``presentation_title``
    (each "" when unknown), ``attendance`` ("in_person", "online" or "video"),
    ``to_be_announced`` and ``to_be_confirmed`` (bools). No ``id`` key: with one, the person
    would match both of the schema's person shapes (frab's and pretalx's), and it requires
    exactly one.
    """
    person = place.person
    return {
        "name": place.display_name,
        "public_name": place.display_name,
        "guid": person_guid(person) if person is not None else place_guid(place),
        "biography": (person.bio or None) if person is not None else None,
        "role": place.get_role_display(),
        "position": person.position if person is not None else "",
        "organisation": person.organisation if person is not None else "",
        "function": place.function,
        "presentation_title": place.presentation_title,
        "attendance": place.attendance,
        "to_be_announced": place.is_to_be_announced,
        "to_be_confirmed": place.is_to_be_confirmed,
    }


def conference_acronym(slug):
    """The schema's ``acronym`` for a meeting slug: lowercase, every character but a-z, 0-9
    and "_" (hyphens included) as "_", padded with "_" to four characters.

    "cm15-international-migration-2017" → "cm15_international_migration_2017"; "ab" → "ab__".
    Matches ``^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$`` (Conference.acronym).
    """
    return _NOT_ACRONYM.sub("_", slug.lower()).ljust(_ACRONYM_MIN_LENGTH, "_")


def schedule_zone_name(zone_name):
    """The schema's ``time_zone_name`` for an IANA zone name, or None when there is none.

    The name itself when the schema's pattern (``SCHEMA_ZONE_PATTERN``) accepts it, as for
    "UTC" and every venue zone but three ("America/New_York", "Europe/Zurich",
    "Asia/Bangkok", "America/Argentina/Buenos_Aires"); else the zone it is a link to in the tz
    database (``ZONE_LINKS``: "Australia/ACT" → "Australia/Sydney"); else None, and the
    document leaves the key out (it is optional): every time in it carries its UTC offset.
    """
    for name in (zone_name, ZONE_LINKS.get(zone_name)):
        if name and SCHEMA_ZONE_PATTERN.search(name):
            return name
    return None


def room_guid(meeting, name):
    """A room's guid: a version 5 UUID of ``ROOM_NAMESPACE`` and "<meeting pk>/<room name>",
    as a str. The same room name in the same meeting always gets the same guid."""
    return str(uuid.uuid5(ROOM_NAMESPACE, f"{meeting.pk}/{name}"))


def person_guid(person):
    """A person's guid: a version 5 UUID of ``PERSON_NAMESPACE`` and their primary key, as a
    str; stable across exports and edits, and the same on every panel and meeting."""
    return str(uuid.uuid5(PERSON_NAMESPACE, str(person.pk)))


def place_guid(place):
    """The guid of a place without a person (a function, or "to be announced"): a version 5
    UUID of ``PERSON_NAMESPACE`` and "place/<panellist pk>", as a str. It stays while the place
    has no person; once named, the place takes its person's guid."""
    return str(uuid.uuid5(PERSON_NAMESPACE, f"place/{place.pk}"))


def room_name(panel):
    """Where a panel takes place, for schedule apps: its room, else its meeting's venue, else
    "Main room" (translated). Apps group events by this name. Reads ``panel.room`` (select it
    with the panel)."""
    if panel.room_id:
        return panel.room.name
    return panel.meeting.venue or _("Main room")


def event_slug(acronym, panel):
    """A panel's ``slug`` as frab writes it: "<acronym>-<pk>-<title>", the title in lowercase
    ASCII words joined by "-" and cut to 50 characters (left out when nothing of it is ASCII,
    e.g. a title in Thai). Matches ``^[a-z0-9_-]+[a-z0-9]$`` (Event.slug). The title is the
    one in ``settings.LANGUAGE_CODE`` whatever the document's language, so that the slug is
    the same in each."""
    with translation.override(settings.LANGUAGE_CODE):
        title = slugify(panel.title)[:_SLUG_TITLE_LENGTH].strip("-_")
    return "-".join(part for part in (acronym, str(panel.pk), title) if part)


def concept_note_text(sections):
    """A concept note (an iterable of ``ConceptNoteSection``) as plain text.

    Returns ``(abstract, description, links)``: ``abstract`` is the first paragraph of the
    first section; ``description`` every section as its heading, a blank line and its body,
    sections separated by blank lines; ``links`` the http(s) addresses the bodies link to, as
    ``(URI, link text)`` pairs in order of first appearance, each once. Bodies are rendered as
    on the panel page (``text.render_markdown``: sanitised, UN document symbols linked), then
    read back as text: paragraphs separated by a blank line, list items on lines of their own
    starting "- " or "1. ". Empty strings and an empty list when there is no section.
    """
    abstract = ""
    parts = []
    links = {}
    sections = list(sections)
    for section, html in zip(
        sections, render_many(section.body for section in sections), strict=True
    ):
        reader = read_rendered(html)
        body = reader.text()
        if not parts and reader.blocks:
            abstract = reader.blocks[0][0]
        parts.append(f"{section.heading}\n\n{body}" if body else section.heading)
        for url, text in reader.links:
            links.setdefault(url, text)
    return abstract, "\n\n".join(parts), list(links.items())


def _midnight(day, zone):
    """The start of ``day`` (a ``date``) in ``zone``: 00:00, or the first minute after a clock
    change that skips midnight. An aware datetime."""
    return running_order.local_datetime(day, time(0), zone, strict=False)


def _hours_minutes(minutes):
    """Whole minutes as "HH:MM" (Duration in the schema): 90 → "01:30"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _generator_version():
    """This project's version, from its installed metadata ("0.1.0"), or "unknown"."""
    try:
        return metadata.version(GENERATOR_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def schedule_version(programme_version, conference):
    """The schedule's ``version``: "<number>.<hash>", the number of the programme's version
    on its public changelog (0 before the first) and ``_content_version`` of the conference.

    The number is the one the "Changes" page and its feed give; the hash changes whenever
    anything an app shows changes, the changelog's snapshot reads less than that (concept
    notes, positions), and an app needs to know then too.
    """
    return f"{programme_version or 0}.{_content_version(conference)}"


def _content_version(conference):
    """The schedule's ``version``: the first 16 hex digits of the SHA-256 of the conference
    as canonical JSON. Changes whenever anything an app shows changes (a time, a room, a
    panellist's answer, a concept note), and only then, which the panels' last-changed times
    cannot promise (an unpublished panel leaves the programme without a newer time)."""
    canonical = json.dumps(conference, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
