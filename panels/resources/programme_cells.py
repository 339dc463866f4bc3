"""The cells of a programme spreadsheet that the panellists' spreadsheet does not have: a day, a
clock time, and the "Speakers" cell, read and written (``parse_speakers``, ``speakers_text``).

A "Speakers" cell lists an item's speakers in order, separated by ";", each written
``Name (Role, attendance)``: the parenthesis is optional and holds a role (label in any of the
site's languages, or stored value) and optionally an attendance ("online", "Recorded video
message", "video"). Arabic and Chinese keyboards' separators and parentheses ("؛", "،",
"；", "，", "（", "）") read as the ASCII ones. A name in square brackets is a place known by
its function only (``[Representative of France]``); ``[to be announced]`` (any case, any of
the site's languages) and ``[]`` are a place to be announced. Pure text in, values out: no
database.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from ..models import Attendance, Role
from .formats import ChoiceWidget, is_blank, restore_formula_text

SPEAKER_SEPARATOR = ";"
# The separators and parentheses of Arabic and Chinese keyboards ("؛", "،"; full-width "；",
# "，", "（", "）") read as their ASCII forms.
KEYBOARD_PUNCTUATION = str.maketrans(
    {"\u061b": ";", "\uff1b": ";", "\u060c": ",", "\uff0c": ",", "\uff08": "(", "\uff09": ")"}
)
TO_BE_ANNOUNCED = _("To be announced")
# A trailing parenthesis holding the role and attendance, e.g. "Amina Example (Chair, online)".
TRAILING_PARENTHESIS = re.compile(r"(?P<name>.*?)\s*\((?P<details>[^()]*)\)\s*")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::00)?")

ROLE_MESSAGE = _("“%(value)s” is not a role. Use one of %(choices)s.")
ATTENDANCE_MESSAGE = _("“%(value)s” is not a way of taking part. Use one of %(choices)s.")


def cell_text(value):
    """A cell as stripped text, a formula-escaping apostrophe undone (``""`` when blank)."""
    if is_blank(value):
        return ""
    return restore_formula_text(force_str(value).strip())


class DayWidget(widgets.Widget):
    """A day: a date cell of a spreadsheet, or text written YYYY-MM-DD. Blank reads as
    ``None``; anything else raises ``ValueError`` in the secretariat's words."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if DAY.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(
            _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2017-02-16.")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        """The day as YYYY-MM-DD, ``""`` for none."""
        return value.isoformat() if value else ""


class ClockWidget(widgets.Widget):
    """A local clock time: a time cell of a spreadsheet, or text written HH:MM on a 24-hour
    clock ("9:30", "15:00"). Blank reads as ``None``; anything else raises ``ValueError``."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.time().replace(second=0, microsecond=0)
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0)
        text = cell_text(value)
        match = CLOCK.fullmatch(text)
        if match and int(match["hour"]) < 24 and int(match["minute"]) < 60:
            return time(int(match["hour"]), int(match["minute"]))
        raise ValueError(
            _(
                "“%(value)s” is not a time. Write it as HH:MM on a 24-hour clock, e.g. 09:30 "
                "or 15:00."
            )
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        """The time as HH:MM, ``""`` for none."""
        return value.strftime("%H:%M") if value else ""


@dataclass(frozen=True)
class SpeakerMention:
    """One speaker as a "Speakers" cell names them.

    ``name`` is a person's name (``""`` for a place without a person); ``function`` the
    function of a place without a person (``""`` for a person, or a place to be announced);
    ``role`` and ``attendance`` stored values, or ``None`` when the cell gives none.
    """

    written: str
    name: str = ""
    function: str = ""
    role: str | None = None
    attendance: str | None = None

    @property
    def key(self):
        """What makes two mentions the same place of a session: the name or the function,
        whatever their case."""
        if self.name:
            return ("person", self.name.casefold())
        return ("function", self.function.casefold())


@cache
def _choice_widgets():
    return (
        ChoiceWidget(Role, ROLE_MESSAGE),
        ChoiceWidget(Attendance, ATTENDANCE_MESSAGE),
    )


def to_be_announced_spellings():
    """How a place to be announced may be written between square brackets: "to be
    announced" in each of the site's languages, case-folded, and nothing at all."""
    spellings = {""}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            spellings.add(str(TO_BE_ANNOUNCED).casefold())
    return spellings


def parse_details(details):
    """The role and attendance a parenthesis holds: ``(role, attendance)``, each a stored value
    or ``None``. One word that is not a role but is an attendance ("online") is read as the
    attendance. Raises ``ValueError`` saying what is wrong."""
    role_widget, attendance_widget = _choice_widgets()
    parts = [part.strip() for part in details.split(",")]
    if len(parts) > 2:
        raise ValueError(
            _(
                "“(%(details)s)” says too much: give a role, and after a comma how they take "
                "part, e.g. “(Panellist, online)”."
            )
            % {"details": details}
        )
    if len(parts) == 1:
        try:
            return role_widget.clean(parts[0]), None
        except ValueError:
            try:
                return None, attendance_widget.clean(parts[0])
            except ValueError:
                pass
            raise
    return role_widget.clean(parts[0]), attendance_widget.clean(parts[1])


def parse_speaker(written):
    """One speaker as written in a "Speakers" cell: a ``SpeakerMention``. Raises
    ``ValueError``."""
    name, role, attendance = written, None, None
    match = TRAILING_PARENTHESIS.fullmatch(written)
    if match:
        name = match["name"]
        role, attendance = parse_details(match["details"])
    name = name.strip()
    if name.startswith("[") or name.endswith("]"):
        if not (name.startswith("[") and name.endswith("]")):
            raise ValueError(
                _(
                    "“%(speaker)s”: put a function between square brackets, e.g. "
                    "“[Representative of France]”."
                )
                % {"speaker": written}
            )
        function = " ".join(name[1:-1].split())
        if function.casefold() in to_be_announced_spellings():
            function = ""
        return SpeakerMention(written, function=function, role=role, attendance=attendance)
    if not name:
        raise ValueError(
            _(
                "“%(speaker)s” gives no name. Write the name, “[a function]”, or "
                "“[to be announced]”."
            )
            % {"speaker": written}
        )
    return SpeakerMention(written, name=" ".join(name.split()), role=role, attendance=attendance)


def parse_speakers(text):
    """The speakers a "Speakers" cell (a str) names, in order: a list of ``SpeakerMention``
    (empty for a blank cell; empty parts between separators are ignored). Raises
    ``ValueError`` for the first speaker written wrongly, or for a speaker named twice."""
    mentions = []
    seen = set()
    for written in text.translate(KEYBOARD_PUNCTUATION).split(SPEAKER_SEPARATOR):
        written = written.strip()
        if not written:
            continue
        mention = parse_speaker(written)
        if mention.key in seen:
            raise ValueError(
                _("“%(speaker)s” is named twice in this item; name each speaker once.")
                % {"speaker": written}
            )
        seen.add(mention.key)
        mentions.append(mention)
    return mentions


def speaker_text(place):
    """How a "Speakers" cell writes ``place`` (a ``Panellist``): "Amina Example (Chair)",
    "[Representative of France] (Panellist, Online)", "[to be announced] (Panellist)"; the
    attendance only when not in person. ``parse_speaker`` reads it back."""
    if place.person_id is not None:
        name = place.person.name
    elif place.function:
        name = f"[{place.function}]"
    else:
        name = f"[{str(TO_BE_ANNOUNCED).lower()}]"
    details = [str(Role(place.role).label)] if place.role in Role.values else [place.role]
    if place.attendance != Attendance.IN_PERSON and place.attendance in Attendance.values:
        details.append(str(Attendance(place.attendance).label))
    return f"{name} ({', '.join(details)})"


def speakers_text(places):
    """The "Speakers" cell of ``places`` (``Panellist`` rows, in order)."""
    return f"{SPEAKER_SEPARATOR} ".join(speaker_text(place) for place in places)
