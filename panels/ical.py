"""Panels as iCalendar (RFC 5545), for "Add to calendar": one panel, or a meeting's programme.

Everything is built with the ``icalendar`` library, which folds lines at 75 octets without
splitting a UTF-8 character (§3.1). What it does not do right is done here: control characters
are removed from every text first, since TEXT cannot carry them (§3.3.11) and some calendars
refuse the whole file for one of them; and TEXT values are escaped by ``Text``, because
icalendar 7.3 writes a backslash followed by a capital N as a line break.

Times: ``DTSTART`` and ``DTEND`` are the panel's wall-clock times with the meeting's IANA name as
``TZID`` (§3.2.19), and the calendar holds a ``VTIMEZONE`` of that name (§3.6.5), so that a
calendar shows the time announced in the programme ("15:00 New York time") and converts it to
its user's zone. A meeting in UTC gets UTC times ("…Z") and needs no ``VTIMEZONE``.

Identity: ``UID`` is the panel's UUID, which never changes (RFC 7986 §5.3 recommends a bare
UUID); ``SEQUENCE`` is ``Panel.sequence``, which grows when the time, place or status changes
(§3.8.7.4), so that calendars that imported the panel take the change.
"""

import unicodedata
from datetime import UTC, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event, Timezone, vText

from .text import read_markdown
from .wording import prose_list

PRODID = "-//Panel sessions//Programme calendar//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# The concept note's summary in a DESCRIPTION: whole paragraphs up to this many characters,
# the first one cut at a word when it alone is longer.
SUMMARY_LENGTH = 500

# Line breaks of every kind become "\n", which the library writes as the TEXT escape "\n".
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


class Text(vText):
    """A TEXT value escaped exactly as RFC 5545 §3.3.11 says: ``\\`` → ``\\\\``, ``;`` →
    ``\\;``, ``,`` → ``\\,``, a line break → ``\\n``.

    icalendar's own escaping (7.3) first reads a literal ``\\N`` in the text as a line break,
    so "Orientation\\New members" would reach calendars as two lines. Its parser unescapes
    this correctly.
    """

    _ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})

    def to_ical(self):
        return str(self).translate(self._ESCAPES).encode(self.encoding)


def clean_text(value):
    """``value`` (a str, or ``None`` for "") without control characters, ready for a TEXT value.

    Line breaks (CRLF, CR, LF, U+0085, U+2028, U+2029) become one LF each, which the library
    escapes as ``\\n``; a tab becomes a space; every other control character (Unicode category
    Cc: C0, DEL and C1) is removed. RFC 5545 §3.3.11: TEXT holds no control character but
    through an escape. Format characters that scripts need (e.g. U+200F RIGHT-TO-LEFT MARK)
    are kept.
    """
    # A lone CR becomes LF here too: some versions of the library wrote it raw, which a lenient
    # reader takes for the end of the line.
    text = (value or "").replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", " ")
    return "".join(char for char in text if char == "\n" or unicodedata.category(char) != "Cc")


def markdown_paragraphs(source):
    """The secretariat's Markdown ``source`` (str) as a list of plain-text paragraphs (str).

    Converted through ``text.render_markdown``, so that the text is what the panel page shows:
    emphasis and link markup dropped (a link keeps its words, not its address), entities
    decoded, list items as paragraphs of their own.
    """
    return [block for block, _ in read_markdown(source).blocks]


def shorten(text, limit):
    """``text`` (str) cut to at most ``limit`` characters plus "…", at the last space before
    the limit when there is one (a text in a script without spaces, such as Chinese, is cut at
    the limit), never between a letter and its combining marks. Shorter text is returned as
    it is.
    """
    if len(text) <= limit:
        return text
    cut = limit
    space = text.rfind(" ", 0, cut + 1)
    if space > limit // 2:
        cut = space
    while cut > 0 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + "…"


def concept_note_summary(panel, limit=SUMMARY_LENGTH):
    """A plain-text summary of ``panel``'s concept note: the first section's body, whole
    paragraphs up to ``limit`` characters (the first one shortened when it alone is longer).
    "" when the panel has no sections. Reads the prefetched ``sections`` when present.
    """
    sections = list(panel.sections.all())
    if not sections:
        return ""
    kept = []
    for paragraph in markdown_paragraphs(sections[0].body):
        if not kept:
            kept.append(shorten(paragraph, limit))
        elif len("\n\n".join([*kept, paragraph])) <= limit:
            kept.append(paragraph)
        else:
            break
    return "\n\n".join(kept)


def speaker_lines(panel):
    """The speakers the public sees (``Panel.programme_panellists``), one str each, as the
    programme lists them: "Dr. Amina Example, Panellist", then " (to be confirmed)" when they
    have not confirmed."""
    to_be_confirmed = pgettext(
        "beside the name of a panellist who has not confirmed yet", "to be confirmed"
    )
    lines = []
    for place in panel.programme_panellists():
        line = f"{place.display_name}, {place.get_role_display()}"
        if place.is_to_be_confirmed:
            line = f"{line} ({to_be_confirmed})"
        lines.append(line)
    return lines


def item_lines(panel):
    """The running order, one str per item, as the panel page shows it: "15:05–15:15
    Presentation: Dr. Amina Example", with the item's number first when it has one and no
    time when none is known ("II. Agenda item"), "from 15:05" or "until 15:15" when only one
    end is. An item whose speakers all declined says "to be announced", or is left out, as
    the panel chooses (``Segment.public_row``). Times are in the meeting's zone
    (``description`` names it). Reads the prefetched ``segments`` when present."""
    lines = []
    for placed in panel.timed_segments():
        item = placed.item
        row = item.public_row()
        if row is None:
            continue
        parts = []
        if placed.is_timed:
            parts.append(f"{placed.start:%H:%M}–{placed.end:%H:%M}")
        elif placed.start is not None:
            parts.append(_("from %(start)s") % {"start": f"{placed.start:%H:%M}"})
        elif placed.end is not None:
            parts.append(_("until %(end)s") % {"end": f"{placed.end:%H:%M}"})
        if item.number:
            parts.append(f"{item.number}.")
        line = " ".join([*parts, item.display_title])
        speakers = [place.display_name for place in item.public_speakers()]
        if row == "to be announced":
            line = _("%(item)s: to be announced") % {"item": line}
        elif speakers:
            line = f"{line}: {prose_list(speakers)}"
        lines.append(line)
    return lines


def description(panel, address):
    """The plain-text DESCRIPTION of ``panel``'s event: a line saying it is cancelled (for
    calendars that ignore STATUS), the concept note's summary, the public speakers, the
    running order (``item_lines``) and the panel's absolute ``address`` (str), separated by
    blank lines."""
    parts = []
    if panel.is_cancelled:
        parts.append(_("This panel has been cancelled."))
    summary = concept_note_summary(panel)
    if summary:
        parts.append(summary)
    speakers = speaker_lines(panel)
    if speakers:
        parts.append("\n".join([_("Speakers:"), *speakers]))
    items = item_lines(panel)
    if items:
        heading = _("Running order (times in %(zone)s):") % {"zone": panel.meeting.time_zone}
        parts.append("\n".join([heading, *items]))
    parts.append(address)
    return "\n\n".join(parts)


def location(panel):
    """Where ``panel`` takes place, as one line: "Conference Room 4, United Nations
    Headquarters, New York"; "" when neither the room nor the venue is known. Reads
    ``panel.room`` (select it with the panel)."""
    room = panel.room.name if panel.room_id else ""
    return ", ".join(part for part in (room, panel.meeting.venue) if part)


def event_for(panel, *, address):
    """The ``VEVENT`` of one panel (an ``icalendar.Event``), its page at ``address`` (an
    absolute URL, str).

    ``DTSTAMP`` and ``LAST-MODIFIED`` are the panel's ``modified_at`` in UTC: in a calendar
    without METHOD, DTSTAMP is when the entry was last revised (RFC 5545 §3.8.7.2), so that
    exporting twice gives the same entry and a later revision a later stamp.
    ``STATUS`` is CANCELLED for a cancelled panel, which stays in the calendar (§3.8.1.11),
    else CONFIRMED.
    """
    revised = panel.modified_at.astimezone(UTC)
    event = Event()
    event.add("UID", str(panel.uid))
    event.add("DTSTAMP", revised)
    event.add("LAST-MODIFIED", revised)
    event.add("SEQUENCE", panel.sequence)
    if panel.is_timed:
        event.add("DTSTART", panel.starts_at)
        event.add("DTEND", panel.ends_at)
    else:
        # A session whose time is not published: an all-day event on its day (§3.6.1).
        event.add("DTSTART", panel.date)
        event.add("DTEND", panel.date + timedelta(days=1))
    event.add("SUMMARY", Text(clean_text(panel.title)))
    place = clean_text(location(panel))
    if place:
        event.add("LOCATION", Text(place))
    event.add("DESCRIPTION", Text(clean_text(description(panel, address))))
    event.add("URL", address)
    event.add("STATUS", "CANCELLED" if panel.is_cancelled else "CONFIRMED")
    return event


def calendar_for(panels, *, name, absolute_url, meeting=None):
    """An ``icalendar.Calendar`` with one ``VEVENT`` per panel, in the order given.

    ``panels`` is an iterable of ``Panel`` with ``meeting`` selected and ``panellists`` (with
    their people) and ``sections`` prefetched, so that no query runs per panel. ``name`` (str)
    is the calendar's display name (``X-WR-CALNAME``, put on one line). ``absolute_url`` maps
    a path to an absolute URL (``request.build_absolute_uri``). ``meeting``, when given, is the
    meeting of the panels: its zone's ``VTIMEZONE`` is included even when there is no panel, so
    that a programme with nothing published yet is still a valid calendar (RFC 5545 §3.6: at
    least one component).

    Each ``TZID`` used gets a ``VTIMEZONE`` (§3.6.5) covering the panels' and the meeting's
    days, a day either side (the library's default covers only 1970 to 2038). Serialise with
    ``to_ical()`` (bytes, UTF-8, CRLF line ends).
    """
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    # No METHOD: a published feed, not a scheduling message (RFC 5546); DTSTAMP is then the
    # time each entry was last revised (RFC 5545 §3.8.7.2).
    # A name is one line. The library types X-WR-CALNAME as unknown and would write it as it
    # is; calendars read it as TEXT, so it is escaped as TEXT.
    calendar.add("X-WR-CALNAME", Text(" ".join(clean_text(name).split())))
    days = [meeting.start_date, meeting.end_date] if meeting is not None else []
    for panel in panels:
        calendar.add_component(event_for(panel, address=absolute_url(panel.get_absolute_url())))
        days.append(panel.date)
    if not days:
        return calendar
    first_date, last_date = min(days) - timedelta(days=1), max(days) + timedelta(days=2)
    calendar.add_missing_timezones(first_date=first_date, last_date=last_date)
    if not calendar.subcomponents and meeting is not None and meeting.time_zone != "UTC":
        calendar.add_component(
            Timezone.from_tzid(meeting.time_zone, first_date=first_date, last_date=last_date)
        )
    return calendar
