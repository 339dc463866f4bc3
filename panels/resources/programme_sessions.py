"""The session and the speakers of a row of a programme spreadsheet, for ``ProgrammeResource``:
the session found or created from its first row (its running order then read, for the rows to
match), checked against its later rows; each speaker's place found or created in the session.

Errors are added to the row's ``errors`` (a dict of header to messages) and raised as one
``ValidationError``; nothing is saved for a row with an error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.results import RowResult

from .. import services
from ..models import Attendance, Panel, Role, SessionKind
from ..translation import english_column
from .programme_lookups import find_place, find_room, find_session
from .programme_rows import SessionInFile

# The cells that describe a session, read from its first row.
SESSION_DETAILS = ("session_kind", "session_start", "session_end", "room")
# Each session field's column, for the errors of ``Panel.full_clean``; ``None``: not the
# import's concern (a published session's running order is checked item by item instead,
# since the import replaces it).
PANEL_COLUMNS = {
    "date": "date",
    "title": "session",
    "kind": "session_kind",
    "start_time": "session_start",
    "end_time": "session_end",
    "ends_after_midnight": "session_end",
    "room": "room",
    "is_published": None,
}
PLACE_FIELDS = ("role", "attendance")


def detail_text(name, value):
    """A session detail as the secretariat wrote it, for messages."""
    if value in (None, ""):
        return str(_("nothing"))
    if name == "session_kind":
        return f"“{SessionKind(value).label}”"
    if name in ("session_start", "session_end"):
        return f"“{value:%H:%M}”"
    return f"“{value}”"


def same_detail(first, given):
    """Whether a later row's detail ``given`` says what the first row's ``first`` did."""
    if isinstance(first, str) and isinstance(given, str):
        return first.casefold() == given.casefold()
    return first == given


class SessionRowMixin:
    """The session and the speakers of a row (see the module's docstring). Expects the
    resource's ``meeting``, ``people``, ``sessions``, ``column`` and ``check``."""

    def import_session(self, key, cells, errors, number):
        """The session of the row, as ``(SessionInFile, import type)``: from its first row,
        the session found or created, checked and saved, its running order read; from a
        later row, the one saved, its details compared with the row's."""
        session = self.sessions.get(key)
        if session is None:
            return self.first_session_row(cells, errors, number)
        if session.panel is None:
            errors.setdefault(self.column("session"), []).append(
                _(
                    "This session's first row (row %(row)d of the file) has errors: correct "
                    "them first."
                )
                % {"row": session.first_row}
            )
            raise ValidationError(errors)
        for name in SESSION_DETAILS:
            given, first = cells[name], session.details[name]
            if given in (None, "") or self.column(name) in errors or same_detail(first, given):
                continue
            errors.setdefault(self.column(name), []).append(
                _(
                    "This session's first row (row %(row)d of the file) gives %(first)s here. "
                    "Give a session's details in its first row; later rows leave them blank "
                    "or repeat them."
                )
                % {"row": session.first_row, "first": detail_text(name, first)}
            )
        return session, RowResult.IMPORT_TYPE_NEW

    def first_session_row(self, cells, errors, number):
        """Find or create the row's session, set its details, check it as the admin does and,
        when the whole row reads well so far, save it (``services.save_panel``) and read its
        running order (``services.open_running_order``), for the rows to match their items
        with."""
        try:
            panel = find_session(self.meeting, cells["date"], cells["session"])
        except ValidationError as error:
            errors.setdefault(self.column("session"), []).extend(error.messages)
            raise ValidationError(errors) from None
        new = panel is None
        if new:
            panel = Panel(meeting=self.meeting, date=cells["date"])
        # The spreadsheet is in English (``programme_rows``), whatever the officer's language.
        setattr(panel, english_column(Panel, "title"), cells["session"])
        if cells["session_kind"]:
            panel.kind = cells["session_kind"]
        elif new:
            panel.kind = SessionKind.PANEL
        start, end = cells["session_start"], cells["session_end"]
        panel.start_time, panel.end_time = start, end
        panel.ends_after_midnight = start is not None and end is not None and end <= start
        room = None
        if cells["room"]:
            try:
                room = find_room(self.meeting, cells["room"])
            except ValidationError as error:
                errors.setdefault(self.column("room"), []).extend(error.messages)
        panel.room = room
        self.check(panel, PANEL_COLUMNS, errors)
        if errors:
            raise ValidationError(errors)
        services.save_panel(panel)
        stored = [] if new else services.open_running_order(panel)
        details = {name: cells[name] for name in SESSION_DETAILS}
        session = SessionInFile(panel=panel, first_row=number, details=details, stored=stored)
        return session, RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE

    def speaker_places(self, session, mentions, errors, number, outcome):
        """The places in ``session`` of the speakers ``mentions`` names, in order: found, or
        created (with their person) and saved (``services.save_panellist``); a role or
        attendance the cell gives is set on the place. Refused, under the "Speakers" column:
        a role or attendance other than an earlier row gave the same participant, and what
        the place's or person's ``full_clean`` refuses. Notes each participant's role and
        attendance in ``outcome.places``."""
        column = self.column("speakers")
        places = []
        for mention in mentions:
            place, new = find_place(session.panel, mention, self.people)
            # The role and attendance earlier rows gave this participant: name -> (row, value).
            noted = {**session.places.get(mention.key, {}), **outcome.places.get(mention.key, {})}
            problems = []
            stored = {name: getattr(place, name) for name in PLACE_FIELDS}
            for name, choices in (("role", Role), ("attendance", Attendance)):
                value = getattr(mention, name)
                if value is None:
                    continue
                row, earlier = noted.get(name, (number, value))
                if earlier != value:
                    problems.append(
                        _(
                            "“%(speaker)s”: row %(row)d of the file gives them as “%(other)s”; "
                            "a participant has one role and one way of taking part in a "
                            "session."
                        )
                        % {"speaker": mention.written, "row": row, "other": choices(earlier).label}
                    )
                    continue
                setattr(place, name, value)
                noted[name] = (row, value)
            person = place.person if mention.name else None
            exclude = []
            if person is not None and person.pk is None:
                problems.extend(self.checked(person, mention))
                exclude.append("person")
            problems.extend(self.checked(place, mention, exclude))
            if problems:
                errors.setdefault(column, []).extend(problems)
                continue
            if person is not None and person.pk is None:
                person.save()
                place.person = person
            if new or stored != {name: getattr(place, name) for name in PLACE_FIELDS}:
                services.save_panellist(place, force_insert=new, raise_versions=False)
            outcome.places[mention.key] = noted
            places.append(place)
        return places

    def checked(self, obj, mention, exclude=()):
        """The messages of ``obj.full_clean()``, each after the speaker as written."""
        try:
            obj.full_clean(exclude=list(exclude))
        except ValidationError as error:
            return [
                _("“%(speaker)s”: %(message)s") % {"speaker": mention.written, "message": message}
                for message in error.messages
            ]
        return []
