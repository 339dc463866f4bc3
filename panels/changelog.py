"""What changed between two versions of a meeting's public programme, in plain words.

Pure functions of plain values: two snapshots (``services.versions.programme_snapshot``) in,
a list of ``Change`` out; no queries, no request. The words are translated when ``changes`` is
called, so a page shows them in its reader's language.

A snapshot is JSON-ready::

    {"zone": IANA name of the meeting's zone,
     "sessions": [{"id": panel pk, "title": str, "kind": Panel.Kind value,
                   "cancelled": bool, "date": "YYYY-MM-DD",
                   "start": "HH:MM" or None, "end": "HH:MM" or None (local clock times in
                   the meeting's zone; None while the time is not published),
                   "room": str ("" for none),
                   "people": [{"id": place pk, "person": person pk or None,
                               "name": what the programme shows, "role": Role value,
                               "tba": bool (to be announced)}, ...],
                   "items": [{"id": segment pk, "number": str, "title": as shown,
                              "start": "HH:MM" or None, "end": "HH:MM" or None,
                              "speakers": [name, ...], "tba": bool}, ...]}, ...]}

in programme order. Sessions, places and items are matched by their ``id`` across versions,
so a renamed session is "renamed", not "removed" and "added".
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from .models.choices import Role, SessionKind
from .wording import prose_list, quoted

# Minutes in a day: clock times are compared modulo a day (a session may end after midnight).
_DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Change:
    """One change in words: ``kind`` (a code for tests and styling: "published", "added",
    "removed", "cancelled", "reinstated", "moved", "retimed", "room", "renamed",
    "kind", "person-added", "person-removed", "person-named", "person-replaced",
    "person-renamed", "person-role", "item-added", "item-removed", "item-retimed",
    "item-renamed", "item-speakers"), ``text``, a whole sentence, and ``html``, the same
    sentence as safe HTML in which each title, name and room is isolated in a ``<bdi>``, so
    that it keeps its own direction on a page of the other one (see ``templatetags/bidi.py``;
    "" when not given, and not compared)."""

    kind: str
    text: str
    html: str = field(default="", compare=False, repr=False)


def _change(kind, sentence, words, content):
    """A ``Change`` of ``kind``: ``sentence`` (translated, with ``%(key)s`` placeholders)
    filled with ``words`` (a dict of str), as text and as HTML in which the words named in
    ``content`` (titles, names, rooms: typed by people in any language) are each in a
    ``<bdi>`` and the others escaped."""
    html_words = {
        key: format_html("<bdi>{}</bdi>", value) if key in content else conditional_escape(value)
        for key, value in words.items()
    }
    return Change(kind, sentence % words, mark_safe(conditional_escape(sentence) % html_words))


def changes(old, new):
    """What changed from snapshot ``old`` to snapshot ``new``: a list of ``Change``.

    ``old`` is ``None`` for the first version: one change, "Programme published". Changes to
    sessions come in ``new``'s programme order, each session's own before those of its
    people and items; sessions removed come last, in ``old``'s order. An empty list when
    nothing the public sees differs.
    """
    if old is None:
        return [_change("published", gettext("Programme published."), {}, content=())]
    before = {session["id"]: session for session in old["sessions"]}
    after_ids = {session["id"] for session in new["sessions"]}
    found = []
    if old["zone"] != new["zone"]:
        found.append(
            _change(
                "zone",
                gettext("The programme's times are now in %(new)s (were in %(old)s)."),
                {"new": new["zone"], "old": old["zone"]},
                content=(),
            )
        )
    for session in new["sessions"]:
        previous = before.get(session["id"])
        if previous is None:
            found.append(_added_change(session))
        else:
            found.extend(session_changes(previous, session))
    for session in old["sessions"]:
        if session["id"] not in after_ids:
            found.append(
                _change(
                    "removed",
                    gettext("%(session)s was removed from the programme."),
                    {"session": quoted(session["title"])},
                    content=("session",),
                )
            )
    return found


def session_changes(old, new):
    """What changed in one session (two of its snapshot's ``sessions`` entries): a list of
    ``Change``, the session's own changes first, then its people's, then its items'."""
    title = quoted(new["title"])
    found = []
    if old["title"] != new["title"]:
        found.append(
            _change(
                "renamed",
                gettext("%(old)s was renamed %(new)s."),
                {"old": quoted(old["title"]), "new": title},
                content=("old", "new"),
            )
        )
    if old["cancelled"] != new["cancelled"]:
        if new["cancelled"]:
            found.append(
                _change(
                    "cancelled",
                    gettext("%(session)s was cancelled."),
                    {"session": title},
                    content=("session",),
                )
            )
        else:
            found.append(
                _change(
                    "reinstated",
                    gettext("%(session)s was reinstated."),
                    {"session": title},
                    content=("session",),
                )
            )
    if (old["date"], old["start"]) != (new["date"], new["start"]):
        found.append(
            _change(
                "moved",
                gettext("%(session)s moved from %(old)s to %(new)s."),
                {"session": title, "old": when(old), "new": when(new)},
                content=("session",),
            )
        )
    elif old["end"] != new["end"]:
        found.append(
            _change(
                "retimed",
                gettext("%(session)s now runs %(new)s (was %(old)s)."),
                {"session": title, "old": when(old), "new": when(new)},
                content=("session",),
            )
        )
    if old["room"] != new["room"]:
        found.append(_room_change(title, old["room"], new["room"]))
    if old["kind"] != new["kind"]:
        found.append(
            _change(
                "kind",
                gettext("%(session)s is now a %(new)s (was a %(old)s)."),
                {"session": title, "new": _kind(new["kind"]), "old": _kind(old["kind"])},
                content=("session",),
            )
        )
    found.extend(people_changes(title, old["people"], new["people"]))
    found.extend(item_changes(title, old, new))
    return found


def people_changes(title, old, new):
    """What changed among a session's people (``title`` is the session's, quoted): places
    added, removed, named (a place to be announced given a person), given to someone else,
    renamed (the same person's name as shown corrected), or given another role. A removal
    never says why (a decline is the panellist's business, not the public's)."""
    before = {place["id"]: place for place in old}
    after_ids = {place["id"] for place in new}
    content = ("session", "name", "old")
    found = []
    for place in new:
        previous = before.get(place["id"])
        words = {"session": title, "name": place["name"], "role": _role(place["role"])}
        if previous is None:
            found.append(
                _change(
                    "person-added",
                    gettext("%(session)s: %(name)s (%(role)s) added."),
                    words,
                    content,
                )
            )
            continue
        words["old"] = previous["name"]
        if previous["tba"] and not place["tba"]:
            found.append(
                _change(
                    "person-named",
                    gettext("%(session)s: %(name)s announced as %(role)s (was to be announced)."),
                    words,
                    content,
                )
            )
        elif previous["name"] != place["name"]:
            if previous["person"] is not None and previous["person"] == place["person"]:
                found.append(
                    _change(
                        "person-renamed",
                        gettext("%(session)s: %(old)s is now listed as %(name)s."),
                        words,
                        content,
                    )
                )
            else:
                found.append(
                    _change(
                        "person-replaced",
                        gettext("%(session)s: %(name)s replaces %(old)s (%(role)s)."),
                        words,
                        content,
                    )
                )
        if previous["role"] != place["role"]:
            words["old_role"] = _role(previous["role"])
            found.append(
                _change(
                    "person-role",
                    gettext("%(session)s: %(name)s is now %(role)s (was %(old_role)s)."),
                    words,
                    content,
                )
            )
    for place in old:
        if place["id"] not in after_ids:
            words = {"session": title, "name": place["name"], "role": _role(place["role"])}
            # Neutral on purpose: a place leaves the programme when its person declined, and
            # the public is never told who declined.
            found.append(
                _change(
                    "person-removed",
                    gettext("%(name)s is no longer on the programme of %(session)s."),
                    words,
                    content,
                )
            )
    return found


def item_changes(title, old_session, new_session):
    """What changed in a session's running order (``title`` is the session's, quoted):
    items added, removed, renamed, retimed or given other speakers.

    An item counts as retimed only when its place in the session changed (its start from the
    session's start, or its length) and its clock times as shown changed: a session that
    moves takes its running order along, and that is said once, by the session's "moved";
    an item at fixed clock times that stay put when its session moves was not retimed.
    """
    before = {item["id"]: item for item in old_session["items"]}
    after_ids = {item["id"] for item in new_session["items"]}
    content = ("session", "item", "old", "speakers", "old_speakers")
    found = []
    for item in new_session["items"]:
        previous = before.get(item["id"])
        words = {"session": title, "item": quoted(_item_title(item)), "time": _item_time(item)}
        if previous is None:
            sentence = (
                gettext("%(session)s: item %(item)s added (%(time)s).")
                if words["time"]
                else gettext("%(session)s: item %(item)s added.")
            )
            found.append(_change("item-added", sentence, words, content))
            continue
        if _item_title(previous) != _item_title(item):
            words["old"] = quoted(_item_title(previous))
            found.append(
                _change(
                    "item-renamed",
                    gettext("%(session)s: item %(old)s renamed %(item)s."),
                    words,
                    content,
                )
            )
        if _placing(previous, old_session) != _placing(item, new_session) and _item_time(
            previous
        ) != _item_time(item):
            words["old_time"] = _item_time(previous) or gettext("no time")
            words["time"] = words["time"] or gettext("no time")
            found.append(
                _change(
                    "item-retimed",
                    gettext("%(session)s: item %(item)s now %(time)s (was %(old_time)s)."),
                    words,
                    content,
                )
            )
        if (previous["speakers"], previous["tba"]) != (item["speakers"], item["tba"]):
            words["old_speakers"] = _speakers(previous)
            words["speakers"] = _speakers(item)
            found.append(
                _change(
                    "item-speakers",
                    gettext(
                        "%(session)s: item %(item)s is now given by %(speakers)s "
                        "(was %(old_speakers)s)."
                    ),
                    words,
                    content,
                )
            )
    for item in old_session["items"]:
        if item["id"] not in after_ids:
            words = {"session": title, "item": quoted(_item_title(item))}
            found.append(
                _change(
                    "item-removed", gettext("%(session)s: item %(item)s removed."), words, content
                )
            )
    return found


def when(session):
    """A session's day and time in words: "Thursday 16 February 15:00–16:30", or "Thursday
    16 February (time to be announced)"."""
    day = day_text(date.fromisoformat(session["date"]))
    if session["start"] is None or session["end"] is None:
        return gettext("%(day)s (time to be announced)") % {"day": day}
    return f"{day} {session['start']}–{session['end']}"


def day_text(day):
    """A ``date`` as "Thursday 16 February"; translators choose the pattern."""
    return formats.date_format(
        day,
        pgettext(
            "day with weekday, without year; Django date format, "
            "https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date",
            "l j F",
        ),
    )


def _added_change(session):
    words = {"session": quoted(session["title"]), "when": when(session), "room": session["room"]}
    if session["room"]:
        sentence = gettext("%(session)s added to the programme: %(when)s, %(room)s.")
    else:
        sentence = gettext("%(session)s added to the programme: %(when)s.")
    if session["cancelled"]:
        # A message of its own (xgettext does not read messages inside f-strings), its "%"
        # kept literal when the words are filled in.
        cancelled = gettext("It is cancelled.").replace("%", "%%")
        sentence = f"{sentence} {cancelled}"
    return _change("added", sentence, words, content=("session", "room"))


def _room_change(title, old, new):
    words = {"session": title, "old": old, "new": new}
    if not old:
        sentence = gettext("%(session)s is now in %(new)s.")
    elif not new:
        sentence = gettext("%(session)s no longer has a room (was %(old)s).")
    else:
        sentence = gettext("%(session)s moved from %(old)s to %(new)s.")
    return _change("room", sentence, words, content=("session", "old", "new"))


def _kind(value):
    return str(SessionKind(value).label) if value in SessionKind.values else value


def _role(value):
    return str(Role(value).label) if value in Role.values else value


def _item_title(item):
    return f"{item['number']}. {item['title']}" if item["number"] else item["title"]


def _item_time(item):
    """An item's time, "15:00–15:10", "from 15:00", "until 15:10", or ""."""
    if item["start"] and item["end"]:
        return f"{item['start']}–{item['end']}"
    if item["start"]:
        return gettext("from %(start)s") % {"start": item["start"]}
    if item["end"]:
        return gettext("until %(end)s") % {"end": item["end"]}
    return ""


def _speakers(item):
    if item["tba"]:
        return gettext("a speaker to be announced")
    return prose_list(item["speakers"]) if item["speakers"] else gettext("no speaker")


def _minutes(clock):
    """ "HH:MM" as minutes since midnight, or ``None``."""
    if clock is None:
        return None
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _placing(item, session):
    """Where an item lies within its session: ``(minutes from the session's start to the
    item's start, minutes from the item's start to its end)``, each modulo a day or ``None``
    when unknown; the item's own clock times when the session has no time."""
    start, end = _minutes(item["start"]), _minutes(item["end"])
    origin = _minutes(session["start"])
    if origin is None:
        return (start, end)
    offset = None if start is None else (start - origin) % _DAY_MINUTES
    if start is None:
        length = None if end is None else (end - origin) % _DAY_MINUTES
        return (None, length)
    length = None if end is None else (end - start) % _DAY_MINUTES
    return (offset, length)
