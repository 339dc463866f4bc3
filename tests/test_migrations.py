"""Migrations keep what is there: data made with an earlier schema survives each migration
that changes the shape of running orders and places (issue 11: real programmes fit)."""

import uuid
from datetime import date, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_SPEAKERS = [("panels", "0006_panel_status_and_calendar_identity")]
AFTER_SPEAKERS = [("panels", "0007_speakers_and_places")]
AFTER_STRUCTURE = [("panels", "0008_programme_structure")]


def migrate(targets):
    """Migrate the test database to ``targets``; returns the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("panels")


@pytest.fixture
def at_0006(transactional_db):
    """The database at migration 0006, put back to the latest schema afterwards."""
    apps = migrate(BEFORE_SPEAKERS)
    yield apps
    migrate(latest())


def make_seed_shape(apps):
    """A meeting with one panel as the seed has it: a moderator who answered through a link,
    a panellist, and a running order whose segments each had one speaker."""
    Meeting = apps.get_model("panels", "Meeting")
    Panel = apps.get_model("panels", "Panel")
    Person = apps.get_model("panels", "Person")
    Panellist = apps.get_model("panels", "Panellist")
    Segment = apps.get_model("panels", "Segment")
    meeting = Meeting.objects.create(
        title="Fifteenth Coordination Meeting on International Migration",
        slug="cm15",
        start_date=date(2017, 2, 16),
        end_date=date(2017, 2, 17),
        time_zone="America/New_York",
        status="public",
    )
    uid = uuid.uuid4()
    panel = Panel.objects.create(
        meeting=meeting,
        title="Panel",
        date=date(2017, 2, 16),
        start_time=time(15, 0),
        end_time=time(16, 30),
        room="Conference Room 4",
        is_published=True,
        uid=uid,
        sequence=3,
    )
    amina = Person.objects.create(name="Amina Example", email="amina@example.org")
    jorge = Person.objects.create(name="Jorge Example")
    moderator = Panellist.objects.create(
        panel=panel,
        person=amina,
        role="moderator",
        status="confirmed",
        link_hash="a" * 64,
        note_to_secretariat="Arriving at 14:30.",
    )
    panellist = Panellist.objects.create(panel=panel, person=jorge, role="panellist", order=1)
    opening = Segment.objects.create(
        panel=panel, kind="opening", duration_minutes=5, speaker=moderator, order=0
    )
    talk = Segment.objects.create(
        panel=panel, kind="presentation", duration_minutes=10, speaker=panellist, order=1
    )
    discussion = Segment.objects.create(
        panel=panel, kind="discussion", duration_minutes=75, order=2
    )
    return {
        "uid": uid,
        "moderator": moderator.pk,
        "panellist": panellist.pk,
        "segments": [opening.pk, talk.pk, discussion.pk],
    }


def test_each_segments_speaker_becomes_its_only_speaker_and_answers_and_links_stay(at_0006):
    made = make_seed_shape(at_0006)

    apps = migrate(AFTER_SPEAKERS)

    Panel = apps.get_model("panels", "Panel")
    Panellist = apps.get_model("panels", "Panellist")
    SegmentSpeaker = apps.get_model("panels", "SegmentSpeaker")
    panel = Panel.objects.get()
    assert (panel.uid, panel.sequence) == (made["uid"], 3)
    moderator = Panellist.objects.get(pk=made["moderator"])
    assert (moderator.status, moderator.link_hash, moderator.note_to_secretariat) == (
        "confirmed",
        "a" * 64,
        "Arriving at 14:30.",
    )
    assert (moderator.attendance, moderator.function) == ("in_person", "")
    rows = list(SegmentSpeaker.objects.order_by("segment").values_list("segment", "panellist"))
    opening, talk, _discussion = made["segments"]
    assert rows == [(opening, made["moderator"]), (talk, made["panellist"])]


def test_going_back_gives_each_segment_its_first_speaker(at_0006):
    made = make_seed_shape(at_0006)
    apps = migrate(AFTER_SPEAKERS)
    SegmentSpeaker = apps.get_model("panels", "SegmentSpeaker")
    Panellist = apps.get_model("panels", "Panellist")
    opening, talk, _discussion = made["segments"]
    SegmentSpeaker.objects.create(segment_id=talk, panellist_id=made["moderator"], order=5)
    Panellist.objects.create(panel_id=Panellist.objects.get(pk=made["moderator"]).panel_id)

    apps = migrate(BEFORE_SPEAKERS)

    Segment = apps.get_model("panels", "Segment")
    assert dict(Segment.objects.values_list("pk", "speaker")) == {
        opening: made["moderator"],
        talk: made["panellist"],
        made["segments"][2]: None,
    }
    # The place without a person has no shape in the old schema.
    assert apps.get_model("panels", "Panellist").objects.count() == 2


def test_room_names_become_the_meetings_rooms_and_times_stay(at_0006):
    made = make_seed_shape(at_0006)
    Panel = at_0006.get_model("panels", "Panel")
    panel = Panel.objects.get()
    for title, room in [
        ("Second", "conference  room 4"),
        ("Third", "Trusteeship Council"),
        ("Spaces", "   "),
    ]:
        Panel.objects.create(
            meeting_id=panel.meeting_id,
            title=title,
            date=panel.date,
            start_time=panel.start_time,
            end_time=panel.end_time,
            room=room,
        )
    Panel.objects.create(
        meeting_id=panel.meeting_id,
        title="No room",
        date=panel.date,
        start_time=panel.start_time,
        end_time=panel.end_time,
    )

    apps = migrate(AFTER_STRUCTURE)

    Panel = apps.get_model("panels", "Panel")
    Room = apps.get_model("panels", "Room")
    assert list(Room.objects.order_by("order").values_list("name", "order")) == [
        ("Conference Room 4", 0),
        ("Trusteeship Council", 1),
    ]
    rooms = dict(Panel.objects.values_list("title", "room__name"))
    # Names that differ only in spaces or capitals are one room; spaces alone are no room.
    assert rooms == {
        "Panel": "Conference Room 4",
        "Second": "Conference Room 4",
        "Third": "Trusteeship Council",
        "Spaces": None,
        "No room": None,
    }
    seed = Panel.objects.get(title="Panel")
    assert (seed.uid, seed.start_time, seed.end_time, seed.kind) == (
        made["uid"],
        panel.start_time,
        panel.end_time,
        "panel",
    )
    assert seed.ends_after_midnight is False
    Segment = apps.get_model("panels", "Segment")
    assert sorted(Segment.objects.values_list("duration_minutes", flat=True)) == [5, 10, 75]
    assert set(Segment.objects.values_list("number", "fixed_start", "fixed_end")) == {
        ("", None, None)
    }


def test_going_back_from_the_structure_is_refused_while_a_session_has_no_time(at_0006):
    make_seed_shape(at_0006)
    apps = migrate(AFTER_STRUCTURE)
    Panel = apps.get_model("panels", "Panel")
    Panel.objects.update(start_time=None, end_time=None)

    with pytest.raises(RuntimeError, match="1 session"):
        migrate(AFTER_SPEAKERS)

    Panel.objects.update(start_time="15:00", end_time="16:30")
    apps = migrate(AFTER_SPEAKERS)
    assert apps.get_model("panels", "Panel").objects.get().room == "Conference Room 4"


BEFORE_CANCELLATIONS = [("panels", "0010_restrict_rooms_and_day_long_sessions")]
AFTER_CANCELLATIONS = [("panels", "0011_cancellations")]


def test_a_panel_cancelled_before_the_moment_was_kept_stays_cancelled(at_0006):
    make_seed_shape(at_0006)
    at_0006.get_model("panels", "Panel").objects.update(status="cancelled")
    migrate(BEFORE_CANCELLATIONS)

    apps = migrate(AFTER_CANCELLATIONS)

    panel = apps.get_model("panels", "Panel").objects.get()
    assert (panel.status, panel.cancelled_at, panel.sequence) == ("cancelled", None, 3)
    apps = migrate(BEFORE_CANCELLATIONS)
    assert apps.get_model("panels", "Panel").objects.get().status == "cancelled"


BEFORE_TEAMS = [("panels", "0014_vacated_items_reinstatements_and_proposers")]
AFTER_TEAMS = [("panels", "0015_meeting_teams")]


def test_officers_keep_the_meetings_they_had_when_teams_arrive(at_0006, django_user_model):
    make_seed_shape(at_0006)
    apps = migrate(BEFORE_TEAMS)
    User = apps.get_model("auth", "User")
    Permission = apps.get_model("auth", "Permission")
    officer = User.objects.create(username="officer", is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="panels", codename="change_panel")
    )
    User.objects.create(username="reader", is_staff=True)  # staff with no permission
    User.objects.create(username="root", is_staff=True, is_superuser=True)

    apps = migrate(AFTER_TEAMS)

    meeting = apps.get_model("panels", "Meeting").objects.get()
    assert [user.username for user in meeting.team_users.all()] == ["officer"]
    secretariat = apps.get_model("auth", "Group").objects.get(name="Secretariat")
    assert secretariat.permissions.filter(codename="change_meeting").exists()
    apps = migrate(BEFORE_TEAMS)
    assert not apps.get_model("auth", "Group").objects.filter(name="Secretariat").exists()


BEFORE_HISTORY = AFTER_TEAMS
AFTER_HISTORY = [("panels", "0016_history")]


def test_rows_there_when_history_begins_get_one_record_each_with_their_values(at_0006):
    make_seed_shape(at_0006)
    apps = migrate(BEFORE_HISTORY)
    apps.get_model("panels", "Person").objects.filter(name="Amina Example").update(bio="Old.")

    apps = migrate(AFTER_HISTORY)

    Person = apps.get_model("panels", "Person")
    records = apps.get_model("panels", "HistoricalPerson").objects.order_by("id")
    assert [(r.id, r.name, r.history_type, r.history_actor) for r in records] == [
        (person.pk, person.name, "+", "other") for person in Person.objects.order_by("pk")
    ]
    amina = records.get(name="Amina Example")
    assert (amina.bio, amina.history_change_reason) == ("Old.", "As found when history began")
    for name in ("Meeting", "Panel", "Panellist", "Segment", "SegmentSpeaker", "Room"):
        rows = apps.get_model("panels", name).objects.count()
        assert apps.get_model("panels", f"Historical{name}").objects.count() == rows > 0
    apps = migrate(BEFORE_HISTORY)
    assert apps.get_model("panels", "Person").objects.get(name="Amina Example").bio == "Old."
