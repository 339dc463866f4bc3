"""The demo data built from the seed concept note, and the demo command."""

import os
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from panels.changelog import changes
from panels.demo import SEED_PATH, load_demo, parse_seed
from panels.models import ConceptNoteSection, Meeting, Panel, Panellist, Person, Segment
from panels.services import invite

SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "concept-note.txt"


def test_demo_seed_copy_matches_the_shared_seed():
    if not SHARED_SEED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_SEED} is missing in CI")
        pytest.skip(f"{SHARED_SEED} is not beside this checkout")

    assert SEED_PATH.read_bytes() == SHARED_SEED.read_bytes()


def test_parse_seed_reads_titles_slot_and_sections():
    note = parse_seed(SEED_PATH.read_text(encoding="utf-8"))

    assert note.meeting_title == "15th Coordination Meeting on International Migration"
    assert note.panel_title == (
        "The global compact on migration: Regional and human rights dimensions"
    )
    assert (note.day, note.start, note.end) == (date(2017, 2, 16), time(15, 0), time(16, 30))
    assert [heading for heading, _ in note.sections] == ["Background", "Organization"]
    assert note.sections[0][1].startswith("The New York Declaration for Refugees and Migrants")
    assert note.sections[1][1].endswith("make a few concluding remarks.")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Meeting\n\nA panel\n", "no 'Concept note for the panel:' line"),
        ("M\nConcept note for the panel:\nP\nSometime soon\n", "cannot read the panel's date"),
        ("M\nConcept note for the panel:\nP\nMonday 1 May 2017, 9 - 10 am\n", "no sections"),
    ],
)
def test_parse_seed_explains_what_is_missing(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_seed(text)


@pytest.mark.django_db
def test_load_demo_builds_the_seed_panel():
    demo, created = load_demo()

    panel = demo.panel
    assert created
    assert demo.meeting.time_zone == "America/New_York"
    assert demo.meeting.venue == "United Nations Headquarters, New York"
    assert (panel.starts_at.isoformat(), panel.ends_at.isoformat()) == (
        "2017-02-16T15:00:00-05:00",
        "2017-02-16T16:30:00-05:00",
    )
    roles = list(panel.panellists.values_list("role", flat=True))
    assert roles == ["moderator", "panellist", "panellist", "panellist", "panellist"]
    background = panel.sections.get(heading="Background").body
    assert background.startswith(
        "The New York Declaration for Refugees and Migrants (A/71/1) affirms"
    )
    assert "[campaign](https://refugeesmigrants.un.org/together)" in background
    assert "(#)" not in background


@pytest.mark.django_db
def test_load_demo_running_order_follows_the_seed_organization():
    panel = load_demo()[0].panel

    timed = panel.timed_segments()

    moderator = panel.panellists.get(role=Panellist.Role.MODERATOR)
    assert [t.item.kind for t in timed] == [
        "opening",
        "presentation",
        "presentation",
        "presentation",
        "presentation",
        "discussion",
        "concluding",
    ]
    assert (timed[0].item.speaker_places(), timed[-1].item.speaker_places()) == (
        [moderator],
        [moderator],
    )
    assert all(t.duration <= 10 for t in timed if t.item.kind == "presentation")
    assert (f"{timed[0].start:%H:%M}", f"{timed[-1].end:%H:%M}") == ("15:00", "16:30")
    assert panel.slot_usage().planned == panel.slot_minutes == 90


@pytest.mark.django_db
def test_load_demo_people_are_marked_as_examples():
    load_demo()

    assert set(Person.objects.values_list("bio", flat=True)) == {
        "Invented for the demo data: an example, not a real person."
    }
    assert all(
        email.endswith("@example.org") for email in Person.objects.values_list("email", flat=True)
    )


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    def snapshot():
        return {
            model.__name__: [model_to_dict(row) | {"pk": row.pk} for row in model.objects.all()]
            for model in (Meeting, Panel, ConceptNoteSection, Person, Panellist, Segment)
        }

    load_demo()
    first = snapshot()
    _, created = load_demo()

    assert not created
    assert snapshot() == first


@pytest.mark.django_db
def test_load_demo_again_keeps_the_secretariats_edits():
    demo, _ = load_demo()
    Segment.objects.filter(panel=demo.panel, kind="discussion").update(duration_minutes=35)

    load_demo()

    assert Segment.objects.get(kind="discussion").duration_minutes == 35


@pytest.mark.django_db
def test_load_demo_reset_restores_the_seed():
    def snapshot():
        return [model_to_dict(row, exclude=["id"]) for row in Segment.objects.all()]

    demo, _ = load_demo()
    first = snapshot()
    Segment.objects.filter(panel=demo.panel, kind="discussion").update(duration_minutes=35)

    _, written = load_demo(reset=True)

    assert written
    assert snapshot() == first


@pytest.mark.django_db
def test_load_demo_reset_revises_the_calendar_entries_it_moves_back():
    demo, _ = load_demo()
    Panel.objects.filter(pk=demo.panel.pk).update(start_time=time(15, 30))
    Meeting.objects.filter(pk=demo.meeting.pk).update(venue="Somewhere else")

    load_demo(reset=True)

    panel = Panel.objects.get(pk=demo.panel.pk)
    # One revision for the venue put back (the meeting's), one for the time (the panel's).
    assert (panel.start_time, panel.sequence) == (time(15, 0), 2)


@pytest.mark.django_db
def test_load_demo_command_refuses_a_demo_login_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("load_demo", "--demo-login")

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_load_demo_command_creates_a_staff_login_that_can_edit_panels(settings, capsys):
    settings.DEBUG = True

    call_command("load_demo", "--demo-login")

    user = get_user_model().objects.get(username="secretariat")
    password = capsys.readouterr().out.split("password: ")[1].split()[0]
    assert user.is_staff and not user.is_superuser
    assert user.check_password(password)
    assert user.has_perms(["panels.change_panel", "panels.add_segment", "panels.change_meeting"])


@pytest.mark.django_db
def test_demo_panel_takes_answers_although_it_was_held_in_2017(mailoutbox):
    demo, _ = load_demo()
    deadline = demo.panel.answer_deadline.astimezone(demo.meeting.zone)

    outcomes = invite(demo.panel.panellists.all()).outcomes

    assert demo.panel.date == date(2017, 2, 16)
    assert deadline > timezone.now() + timedelta(days=29)
    assert deadline.time() == time(23, 59)
    # The moderator and the four panellists.
    assert [outcome.error for outcome in outcomes] == [""] * 5
    assert len(mailoutbox) == 5


# The invented two-day programme: every shape of a real programme


def test_programme_demo_holds_every_shape_and_loads_once(client, db):
    from panels.demo.programme import load_programme_demo

    demo, written = load_programme_demo()
    again, written_again = load_programme_demo()

    assert (written, written_again, again.meeting) == (True, False, demo.meeting)
    meeting = demo.meeting
    panels = {panel.title: panel for panel in meeting.panels.all()}
    assert panels["Registration and welcome"].date < meeting.start_date
    assert panels["Informal consultations on the outcome"].is_timed is False
    assert panels["Evening debate"].ends_after_midnight is True
    morning = panels["Opening plenary"]
    assert [placed.start for placed in morning.timed_segments()] == [None] * 4
    places = {place.display_name: place for place in Panellist.objects.filter(panel=morning)}
    assert {"Representative of the host country", "To be announced"} <= set(places)
    shared = Segment.objects.get(title="Presentations by the panellists")
    assert len(shared.speaker_places()) == 2
    assert Panellist.objects.filter(
        panel__meeting=meeting, attendance=Panellist.Attendance.VIDEO
    ).exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count('class="parallel"') == 1
    assert "Time to be announced" in page


@pytest.mark.django_db(transaction=True)
def test_load_demo_records_one_version_per_demo_meeting(capsys):
    """Each demo meeting is built in one transaction, so that its public Changes page starts
    with one version, "Programme published", not one per row saved."""
    call_command("load_demo")

    versions = {
        meeting.slug: [
            (version.number, [change.text for change in changes(None, version.snapshot)])
            for version in meeting.programme_versions.order_by("number")
        ]
        for meeting in Meeting.objects.order_by("slug")
    }
    assert versions == {slug: [(1, ["Programme published."])] for slug in versions}
    assert len(versions) == 2
