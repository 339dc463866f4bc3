"""Demo data built from the seed concept note (``concept-note.txt`` beside this file).

The file is a copy of ``shared/seed/concept-note.txt``, a real concept note of the 15th
Coordination Meeting on International Migration. The meeting, the panel, its date and time and
its concept note come from it; the people are invented and marked as examples; the running order
is generated from them as the note's "Organization" section says.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from panels.models import (
    ConceptNoteSection,
    Meeting,
    Panel,
    Panellist,
    Person,
)
from panels.services import generate_running_order, save_meeting, save_panel
from panels.text import is_un_symbol

from . import french

SEED_PATH = Path(__file__).with_name("concept-note.txt")

MEETING_SLUG = "cm15-international-migration-2017"
MEETING_ZONE = "America/New_York"
MEETING_VENUE = "United Nations Headquarters, New York"
MEETING_ORGANISER = (
    "United Nations, Department of Economic and Social Affairs, Population Division"
)
# Where panellists' answers are sent (an example address: in the demo, emails are printed to
# the console).
MEETING_SECRETARIAT_EMAIL = "secretariat@example.org"

# The seed's links point nowhere ("#"). A link on a UN document symbol becomes the bare symbol,
# which the Markdown renderer links to the document; the other three get the public addresses
# of what they name.
PLACEHOLDER_LINKS = {
    "campaign": "https://refugeesmigrants.un.org/together",
    "Global Alliance of National Human Rights Institutions": "https://ganhri.org/",
    "regional consultative processes on migration": (
        "https://www.iom.int/regional-consultative-processes-migration"
    ),
}

EXAMPLE_BIO = "Invented for the demo data: an example, not a real person."

# (honorific, name, position, organisation, email, role, presentation title)
PEOPLE = [
    (
        "Ms.",
        "Marta Exemplar",
        "Chief, Migration Section (example)",
        "Example Division for Population",
        "marta.exemplar@example.org",
        Panellist.Role.MODERATOR,
        "",
    ),
    (
        "Dr.",
        "أمينة المثال (Amina Al-Mithal)",
        "Director, Social Development Division (example)",
        "Example Regional Economic Commission",
        "amina.al-mithal@example.org",
        Panellist.Role.PANELLIST,
        "Regional and sub-regional dimensions of the global compact",
    ),
    (
        "Mr.",
        "Jean-Loïc Exemple",
        "Adviser on the human rights of migrants (example)",
        "Example Office for Human Rights",
        "jean-loic.exemple@example.org",
        Panellist.Role.PANELLIST,
        "A human rights perspective in developing the global compact",
    ),
    (
        "Ms.",
        "李示例 (Li Shili)",
        "Chair (example)",
        "Example Network of National Human Rights Institutions",
        "li.shili@example.org",
        Panellist.Role.PANELLIST,
        "National human rights institutions in the preparatory process",
    ),
    (
        "H.E. Mr.",
        "Kwame Sample-Mensah",
        "Ambassador (example)",
        "Example Regional Consultative Process on Migration",
        "kwame.sample-mensah@example.org",
        Panellist.Role.PANELLIST,
        "What regional consultative processes can contribute",
    ),
]


@dataclass(frozen=True)
class SeedNote:
    """What the seed concept note says: titles, the slot, and (heading, Markdown body) pairs."""

    meeting_title: str
    panel_title: str
    day: date
    start: time
    end: time
    sections: list


@dataclass(frozen=True)
class DemoData:
    meeting: Meeting
    panel: Panel


_SLOT = re.compile(
    r"^\w+day (?P<day>\d{1,2}) (?P<month>\w+) (?P<year>\d{4}), "
    r"(?P<start>\d{1,2}(?:[.:]\d{2})?)\s*(?P<start_half>am|pm)?\s*[-–]\s*"
    r"(?P<end>\d{1,2}(?:[.:]\d{2})?)\s*(?P<end_half>am|pm)$"
)
_SECTION = re.compile(r"^\([a-z]\) (?P<heading>.+)$")


def _clock(text, half):
    hours, _, minutes = text.replace(".", ":").partition(":")
    hours = int(hours) % 12 + (12 if half == "pm" else 0)
    return time(hours, int(minutes or 0))


def parse_seed(text):
    """Parse a concept note laid out like the seed into a ``SeedNote``.

    Expected shape (the seed's): the meeting's title; "Concept note for the panel:"; the panel's
    title; a line such as "Thursday 16 February 2017, 3 - 4.30 pm" (the start takes the end's
    am/pm when it has none); then sections headed "(a) Background", "(b) Organization"… whose
    bodies are Markdown. Raises ``ValueError`` when a part is missing.
    """
    lines = [line.strip() for line in text.splitlines()]
    filled = [line for line in lines if line]
    try:
        marker = filled.index("Concept note for the panel:")
    except ValueError as error:
        raise ValueError("no 'Concept note for the panel:' line") from error
    meeting_title, panel_title, slot_line = filled[0], filled[marker + 1], filled[marker + 2]
    slot = _SLOT.match(slot_line)
    if not slot:
        raise ValueError(f"cannot read the panel's date and time from {slot_line!r}")
    day = datetime.strptime(f"{slot['day']} {slot['month']} {slot['year']}", "%d %B %Y").date()
    end_half = slot["end_half"]
    start = _clock(slot["start"], slot["start_half"] or end_half)
    end = _clock(slot["end"], end_half)

    sections = []
    for line in lines[lines.index(slot_line) + 1 :]:
        heading = _SECTION.match(line)
        if heading:
            sections.append((heading["heading"], []))
        elif sections:
            sections[-1][1].append(line)
    if not sections:
        raise ValueError("no sections such as '(a) Background'")
    return SeedNote(
        meeting_title=meeting_title,
        panel_title=panel_title,
        day=day,
        start=start,
        end=end,
        sections=[(heading, "\n".join(body).strip()) for heading, body in sections],
    )


def _fill_placeholder_links(markdown_text):
    markdown_text = re.sub(
        r"\[(?P<symbol>[^\]]+)\]\(#\)",
        lambda link: link["symbol"] if is_un_symbol(link["symbol"]) else link[0],
        markdown_text,
    )
    for label, url in PLACEHOLDER_LINKS.items():
        markdown_text = markdown_text.replace(f"[{label}](#)", f"[{label}]({url})")
    return markdown_text


# The seed's panel took place in 2017, so its personal links would have expired at its start
# (the default deadline): the demo keeps them open for this many days after loading.
DEMO_ANSWER_DAYS = 30


def demo_answer_deadline(now=None):
    """The demo panel's answer deadline: an aware datetime, the end of the day (23:59 in the
    meeting's zone) ``DEMO_ANSWER_DAYS`` days after ``now`` (default: now).

    Without it the demo could not show invitations and answers for a panel held in 2017.
    """
    zone = ZoneInfo(MEETING_ZONE)
    day = (now or timezone.now()).astimezone(zone).date() + timedelta(days=DEMO_ANSWER_DAYS)
    return datetime.combine(day, time(23, 59), tzinfo=zone)


@transaction.atomic
def _assign(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)


@transaction.atomic
def load_demo(seed_path=SEED_PATH, *, reset=False):
    """Create the seed's meeting and panel; running it again changes nothing.

    In one transaction: the meeting's public changelog then records the demo as one version
    ("Programme published"), not one per row saved, and a failure leaves no half demo.

    When the demo meeting exists already, it is left as the secretariat last edited it, unless
    ``reset`` is true: then every demo row is set back to the seed's values. Rows are found by
    natural keys (the meeting's slug, the panel's title, section headings, people's example
    email addresses); the running order is generated anew from the people. Returns
    ``(DemoData(meeting, panel), written)``.
    """
    note = parse_seed(Path(seed_path).read_text(encoding="utf-8"))
    existing = Panel.objects.filter(meeting__slug=MEETING_SLUG, title=note.panel_title).first()
    if existing and not reset:
        return DemoData(meeting=existing.meeting, panel=existing), False
    # Through the services, so that calendars that imported an edited demo panel take the
    # seed's values back as a revision.
    meeting = Meeting.objects.filter(slug=MEETING_SLUG).first() or Meeting(slug=MEETING_SLUG)
    _assign(
        meeting,
        title=note.meeting_title,
        organiser=MEETING_ORGANISER,
        venue=MEETING_VENUE,
        # The 15th Coordination Meeting ran on 16 and 17 February 2017.
        start_date=note.day,
        end_date=note.day + timedelta(days=1),
        time_zone=MEETING_ZONE,
        status=Meeting.Status.PUBLIC,
        secretariat_email=MEETING_SECRETARIAT_EMAIL,
    )
    save_meeting(meeting)
    panel = Panel.objects.filter(meeting=meeting, title=note.panel_title).first()
    panel = panel or Panel(meeting=meeting, title=note.panel_title)
    _assign(
        panel,
        date=note.day,
        start_time=note.start,
        end_time=note.end,
        is_published=True,
        presentation_limit_minutes=10,  # "max. 10 minutes"
        answer_deadline=demo_answer_deadline(),
        title_fr=french.PANEL_TITLE,
    )
    save_panel(panel)
    for order, (heading, body) in enumerate(note.sections):
        heading_fr, body_fr = french.SECTIONS.get(heading, ("", ""))
        ConceptNoteSection.objects.update_or_create(
            panel=panel,
            heading=heading,
            defaults={
                "body": _fill_placeholder_links(body),
                "order": order,
                "heading_fr": heading_fr,
                "body_fr": _fill_placeholder_links(body_fr),
            },
        )

    for order, (honorific, name, position, organisation, email, role, title) in enumerate(PEOPLE):
        person, _ = Person.objects.update_or_create(
            email=email,
            defaults={
                "honorific": honorific,
                "name": name,
                "position": position,
                "organisation": organisation,
                "bio": EXAMPLE_BIO,
            },
        )
        Panellist.objects.update_or_create(
            panel=panel,
            person=person,
            defaults={"role": role, "order": order, "presentation_title": title},
        )

    # The running order follows the seed's "Organization" (services.generate_running_order).
    panel.segments.all().delete()
    generate_running_order(panel)
    return DemoData(meeting=meeting, panel=panel), True
