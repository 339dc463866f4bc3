"""Meetings, their panels, the people on them and each panel's running order.

Times: a panel's date and start and end times are wall-clock values in its meeting's IANA time
zone, the way a programme announces them ("Thursday 16 February 2017, 3 - 4.30 pm", New York).
Aware datetimes are computed from them with ``zoneinfo`` (see ``running_order``), so a change
of a zone's rules after the programme is published keeps the announced local time, as an
RFC 5545 ``TZID`` does. Audit timestamps (``responded_at``) are stored aware, in UTC.

The package's modules, each importing only those before it in this list: ``choices`` (field
choices, limits and defaults), ``errors`` (validation messages), ``history`` (who made a
recorded change), ``querysets`` (every model's QuerySet), ``meetings`` (with rooms), ``panels``
(sessions), ``notes`` (concept-note sections and documents of meetings and sessions),
``people`` (people and panellists), ``proposals`` (panellists' corrections waiting for the
secretariat), ``segments`` (running orders), ``sendings`` (emails sent), ``versions`` (the
public programme's versions) and ``bulk_sends`` (invitations and reminders sent by the task
queue, with their progress). Import the names from ``panels.models``. Each model a
secretariat edits keeps its history (``Model.history``, django-simple-history): every change
with the values before and after, and who made it.
"""

from .bulk_sends import BulkSend, BulkSendRecipient, Progress
from .choices import (
    ANSWER_CLEARED,
    DATE_RANGE_VALIDATORS,
    DEFAULT_PRESENTATION_LIMIT,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_BIO_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_SECTION_LENGTH,
    MAX_SEGMENT_MINUTES,
    OFF_PROGRAMME,
    OUTSIDE_DAYS,
    AnswerStatus,
    Attendance,
    BulkSendKind,
    Honorific,
    Language,
    MeetingFormat,
    MeetingStatus,
    PanellistDisplay,
    PanelStatus,
    ProposalField,
    ProposalStatus,
    RecipientState,
    Role,
    SegmentKind,
    SendingKind,
    SessionKind,
    SiteLanguage,
    VacatedItems,
)
from .errors import clock_change_message, errors_beside_fields
from .history import ActorKind
from .meetings import Meeting, Room
from .notes import ConceptNoteSection, Document
from .panels import Panel
from .people import Panellist, Person
from .proposals import ProposedChange
from .querysets import (
    MeetingQuerySet,
    PanellistQuerySet,
    PanelQuerySet,
    ProposedChangeQuerySet,
    SegmentQuerySet,
    anywhere_on_earth_today,
)
from .segments import Segment, SegmentSpeaker
from .sendings import Sending
from .versions import ProgrammeVersion

__all__ = [
    "ANSWER_CLEARED",
    "DATE_RANGE_VALIDATORS",
    "DEFAULT_PRESENTATION_LIMIT",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_BIO_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_SECTION_LENGTH",
    "MAX_SEGMENT_MINUTES",
    "OFF_PROGRAMME",
    "OUTSIDE_DAYS",
    "ActorKind",
    "AnswerStatus",
    "Attendance",
    "BulkSend",
    "BulkSendKind",
    "BulkSendRecipient",
    "ConceptNoteSection",
    "Document",
    "Honorific",
    "Language",
    "Meeting",
    "MeetingQuerySet",
    "MeetingFormat",
    "MeetingStatus",
    "Panel",
    "PanelQuerySet",
    "ProposedChangeQuerySet",
    "PanelStatus",
    "ProposalField",
    "ProposalStatus",
    "Panellist",
    "PanellistDisplay",
    "VacatedItems",
    "PanellistQuerySet",
    "Person",
    "ProgrammeVersion",
    "Progress",
    "ProposedChange",
    "RecipientState",
    "Room",
    "Role",
    "Segment",
    "SegmentKind",
    "SegmentSpeaker",
    "SessionKind",
    "SiteLanguage",
    "SegmentQuerySet",
    "Sending",
    "SendingKind",
    "anywhere_on_earth_today",
    "clock_change_message",
    "errors_beside_fields",
]
