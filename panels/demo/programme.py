"""A second demo meeting, invented, with every shape of a real programme the app holds.

Beside the seed's one panel (``panels.demo.load_demo``), a two-day regional review in Geneva:
an arrival day before the meeting, a morning session of numbered agenda items without times,
a shared lunch, two working groups in parallel in two rooms, an item shared by several
speakers, a speaker to be announced, a speaker known by function only, one online and one by
video message, items at fixed times, a session whose time is not published yet and a
debate that ends after midnight. Every person and organisation here is an example.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from panels.models import (
    ConceptNoteSection,
    Document,
    Meeting,
    Panel,
    Panellist,
    Person,
    Room,
    Segment,
    SegmentSpeaker,
)
from panels.services import save_meeting, save_panel

SLUG = "demo-regional-review"
# Days ahead of the first load: the demo stays an upcoming meeting for a while.
DAYS_AHEAD = 60
EXAMPLE_BIO = "Invented for the demo data: an example, not a real person."

# (key, honorific, name, position, organisation, email)
PEOPLE = [
    (
        "chair",
        "H.E. Ms.",
        "Nadia Exemplar",
        "Ambassador",
        "Permanent Mission of Examplia",
        "nadia.exemplar@example.org",
    ),
    (
        "vice",
        "Mr.",
        "Tomás Muestra",
        "Counsellor",
        "Permanent Mission of Muestrania",
        "tomas.muestra@example.org",
    ),
    (
        "amara",
        "Dr.",
        "Amara Sample",
        "Head of Migration Statistics",
        "Example Statistical Office",
        "amara.sample@example.org",
    ),
    (
        "wei",
        "Ms.",
        "王示例 (Wang Shili)",
        "Researcher",
        "Example University",
        "wang.shili@example.org",
    ),
    (
        "olga",
        "Ms.",
        "Ольга Пример (Olga Primer)",
        "Programme Officer",
        "Example Agency",
        "olga.primer@example.org",
    ),
    (
        "youssef",
        "Mr.",
        "يوسف المثال (Youssef Al-Mithal)",
        "Director",
        "Example Migrants' Association",
        "youssef.almithal@example.org",
    ),
]


@dataclass
class ProgrammeDemo:
    """What ``load_programme_demo`` made: the ``meeting``."""

    meeting: Meeting


def _room(meeting, name, order):
    return Room.objects.update_or_create(meeting=meeting, name=name, defaults={"order": order})[0]


def _session(meeting, title, **fields):
    panel = Panel.objects.filter(meeting=meeting, title=title).first() or Panel(
        meeting=meeting, title=title
    )
    for name, value in {"is_published": True, **fields}.items():
        setattr(panel, name, value)
    panel.full_clean()
    save_panel(panel)
    return panel


def _place(panel, person=None, **fields):
    place = Panellist(panel=panel, person=person, **fields)
    place.full_clean()
    place.save()
    return place


def _items(panel, rows):
    """Make ``panel``'s running order from ``rows``: dicts of ``Segment`` fields, with
    ``speakers`` (a list of ``Panellist``) for those who speak."""
    for order, row in enumerate(rows):
        speakers = row.pop("speakers", [])
        item = Segment(panel=panel, order=order, **row)
        item.full_clean()
        item.save()
        bulk_create_with_history(
            [
                SegmentSpeaker(segment=item, panellist=place, order=position)
                for position, place in enumerate(speakers)
            ],
            SegmentSpeaker,
        )


def first_day(today=None):
    """The demo's first day: the first Tuesday ``DAYS_AHEAD`` days or more after ``today``
    (default: today in the server's zone), so that a new demo is an upcoming meeting."""
    start = (today or timezone.localdate()) + timedelta(days=DAYS_AHEAD)
    return start + timedelta(days=(1 - start.weekday()) % 7)


@transaction.atomic
def load_programme_demo(*, reset=False, today=None):
    """Create the demo regional review (``SLUG``), its first day ``first_day(today)``;
    running it again changes nothing unless ``reset``, which makes it anew. Returns
    ``(ProgrammeDemo, written)``."""
    existing = Meeting.objects.filter(slug=SLUG).first()
    if existing and not reset:
        return ProgrammeDemo(meeting=existing), False
    if existing:
        Panel.objects.filter(meeting=existing).delete()
        existing.delete()
    first = first_day(today)
    second = first + timedelta(days=1)
    meeting = Meeting(
        slug=SLUG,
        title="Regional Review of Migration Data (demo)",
        body="Example Commission on Population",
        body_session="Ninth session",
        organiser="Example Secretariat",
        venue="Palais des Nations, Geneva",
        start_date=first,
        end_date=second,
        time_zone="Europe/Zurich",
        format=Meeting.Format.HYBRID,
        webcast_url="https://webtv.un.org/",
        interpretation_languages=["ar", "zh", "en", "fr", "ru", "es"],
        status=Meeting.Status.PUBLIC,
        secretariat_email="secretariat@example.org",
    )
    meeting.full_clean()
    save_meeting(meeting)
    ConceptNoteSection.objects.create(
        meeting=meeting,
        heading="Background",
        body=(
            "An invented meeting, to show how a two-day programme reads: plenary sessions of "
            "numbered agenda items, two working groups in parallel, and speakers known by "
            "function or still to be announced. See the report A/71/1 for a real UN symbol."
        ),
    )
    Document.objects.create(
        meeting=meeting, title="Provisional agenda (example)", symbol="A/71/1", order=0
    )
    salle_xx = _room(meeting, "Room XX", 0)
    salle_xxi = _room(meeting, "Room XXI", 1)
    people = {}
    for key, honorific, name, position, organisation, email in PEOPLE:
        people[key] = Person.objects.update_or_create(
            email=email,
            defaults={
                "honorific": honorific,
                "name": name,
                "position": position,
                "organisation": organisation,
                "bio": EXAMPLE_BIO,
            },
        )[0]

    _session(
        meeting,
        "Registration and welcome",
        kind="other",
        date=first - timedelta(days=1),
        start_time=time(18),
        end_time=time(20),
    )

    morning = _session(
        meeting,
        "Opening plenary",
        kind="plenary",
        date=first,
        start_time=time(10),
        end_time=time(13),
        room=salle_xx,
    )
    chair = _place(morning, people["chair"], role=Panellist.Role.CHAIR, order=0)
    host = _place(
        morning,
        function="Representative of the host country",
        role=Panellist.Role.OPENING,
        order=1,
    )
    # A keynote speaker to be announced: a place without a person yet.
    keynote = _place(morning, role=Panellist.Role.KEYNOTE_SPEAKER, order=2)
    _items(
        morning,
        [
            {
                "number": "I",
                "kind": "agenda_item",
                "title": "Opening of the session",
                "speakers": [chair, host],
            },
            {
                "number": "II",
                "kind": "agenda_item",
                "title": "Adoption of the agenda",
                "speakers": [chair],
            },
            {
                "number": "III",
                "kind": "agenda_item",
                "title": "Keynote address",
                "speakers": [keynote],
            },
            {"number": "IV", "kind": "agenda_item", "title": "General discussion"},
        ],
    )

    _session(meeting, "Lunch", kind="break", date=first, start_time=time(13), end_time=time(15))

    group_a = _session(
        meeting,
        "Working group A: census and surveys",
        kind="working_group",
        date=first,
        start_time=time(15),
        end_time=time(18),
        room=salle_xx,
    )
    moderator = _place(group_a, people["vice"], role=Panellist.Role.MODERATOR, order=0)
    amara = _place(group_a, people["amara"], order=1)
    wei = _place(group_a, people["wei"], order=2, attendance=Panellist.Attendance.ONLINE)
    olga = _place(group_a, people["olga"], order=3, attendance=Panellist.Attendance.VIDEO)
    _items(
        group_a,
        [
            {"kind": "opening", "duration_minutes": 10, "speakers": [moderator]},
            {"kind": "video", "title": "Video message", "duration_minutes": 5, "speakers": [olga]},
            {
                "kind": "presentation",
                "title": "Presentations by the panellists",
                "duration_minutes": 45,
                "speakers": [amara, wei],
            },
            {"kind": "discussion", "duration_minutes": 100},
            {
                "kind": "concluding",
                "fixed_start": time(17, 40),
                "fixed_end": time(18),
                "speakers": [moderator],
            },
        ],
    )

    group_b = _session(
        meeting,
        "Working group B: administrative data",
        kind="working_group",
        date=first,
        start_time=time(15),
        end_time=time(18),
        room=salle_xxi,
    )
    youssef = _place(group_b, people["youssef"], role=Panellist.Role.CHAIR, order=0)
    _place(group_b, function="Representative of Examplia", role=Panellist.Role.DISCUSSANT, order=1)
    _items(
        group_b,
        [
            {"kind": "opening", "duration_minutes": 10, "speakers": [youssef]},
            {"kind": "tour_de_table", "duration_minutes": 95},
            {"kind": "break", "fixed_start": time(16, 45), "fixed_end": time(17)},
            {"kind": "open_floor"},
        ],
    )

    _session(
        meeting,
        "Informal consultations on the outcome",
        kind="other",
        date=first,
        room=salle_xxi,
    )

    closing = _session(
        meeting,
        "Closing plenary",
        kind="plenary",
        date=second,
        start_time=time(10),
        end_time=time(12),
        room=salle_xx,
    )
    closing_chair = _place(closing, people["chair"], role=Panellist.Role.CHAIR, order=0)
    rapporteur = _place(closing, people["amara"], role=Panellist.Role.RAPPORTEUR, order=1)
    _items(
        closing,
        [
            {
                "number": "V",
                "kind": "agenda_item",
                "title": "Reports of the working groups",
                "duration_minutes": 60,
                "speakers": [rapporteur],
            },
            {
                "number": "VI",
                "kind": "agenda_item",
                "title": "Adoption of the report",
                "duration_minutes": 45,
            },
            {
                "number": "VII",
                "kind": "agenda_item",
                "title": "Closing of the session",
                "duration_minutes": 15,
                "speakers": [closing_chair],
            },
        ],
    )

    _session(
        meeting,
        "Evening debate",
        kind="side_event",
        date=second,
        start_time=time(21),
        end_time=time(0, 30),
        ends_after_midnight=True,
        room=salle_xxi,
    )
    return ProgrammeDemo(meeting=meeting), True
