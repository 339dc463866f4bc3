"""The rows of a programme spreadsheet as plain values: the rows a meeting's programme exports
as (``programme_rows``), what an import remembers of each session (``SessionInFile``) and
what it did (``ProgrammeImported``)."""

from dataclasses import dataclass, field

from ..models import Panel, Segment
from ..translation import english_column, english_value


@dataclass
class ProgrammeRow:
    """One row of a programme spreadsheet: a session's day (``date``), title (``session``),
    kind, local start and end (``time`` or ``None``) and room name, and its item's number,
    title (``item``), kind, fixed start and end, duration (whole minutes or ``None``) and
    ``speakers`` (``Panellist`` rows, in order). A row of a session without items has
    ``item_kind`` ``None`` and blank item cells."""

    date: object
    session: str
    session_kind: str
    session_start: object = None
    session_end: object = None
    room: str = ""
    number: str = ""
    item: str = ""
    item_kind: str | None = None
    start: object = None
    end: object = None
    duration: int | None = None
    speakers: list = field(default_factory=list)


def programme_rows(meeting):
    """``meeting``'s programme as ``ProgrammeRow`` values, in programme order: one row per
    item of each session's running order, one row for a session without items. Re-imported,
    these rows give the same programme."""
    panels = (
        Panel.objects.filter(meeting=meeting)
        .select_related("room")
        .with_running_order()
        .in_programme_order()
    )
    rows = []
    for panel in panels:
        session = {
            "date": panel.date,
            "session": english_value(panel, "title"),
            "session_kind": panel.kind,
            "session_start": panel.start_time,
            "session_end": panel.end_time,
            "room": panel.room.name if panel.room else "",
        }
        items = list(panel.segments.all())
        if not items:
            rows.append(ProgrammeRow(**session))
        for item in items:
            rows.append(
                ProgrammeRow(
                    **session,
                    number=item.number,
                    # The English column itself, blank when English is: a title of another
                    # language written here would come back as the item's English title.
                    item=getattr(item, english_column(Segment, "title")) or "",
                    item_kind=item.kind,
                    start=item.fixed_start,
                    end=item.fixed_end,
                    duration=item.duration_minutes,
                    speakers=item.speaker_places(),
                )
            )
    return rows


@dataclass
class SessionInFile:
    """What an import knows of a session the file names: the ``Panel`` saved from its first
    row (``None`` when that row was refused), that row's number (``first_row``) and session
    ``details`` (cleaned cells by field name), its ``stored`` items not yet matched by a row
    (``Segment`` rows, in running order: those left are removed at the end), the items
    ``saved`` so far (in the file's order) and the minutes their known durations add up to
    (``planned``), and ``places``: for each speaker's key
    (``SpeakerMention.key``), the role and attendance the file gave them, each with the row
    that first gave it (a dict ``{"role": (row, value), "attendance": (row, value)}``)."""

    panel: Panel | None
    first_row: int
    details: dict = field(default_factory=dict)
    stored: list = field(default_factory=list)
    saved: list = field(default_factory=list)
    planned: int = 0
    places: dict = field(default_factory=dict)


@dataclass
class ProgrammeImported:
    """What an import of a programme did: the ``meeting``, the keys of the ``sessions`` it
    named (each with its running order replaced), the number of ``items`` saved, and
    ``warnings`` for the officer (texts: the titles in other languages removed with an item
    whose English title is no longer in the file)."""

    meeting: object
    sessions: list
    items: int
    warnings: list = field(default_factory=list)
