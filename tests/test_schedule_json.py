"""A meeting's schedule.json: the c3voc format that schedule apps read.

Every export is checked against the published JSON Schema (draft-06) in
``../shared/schemas/c3voc-schedule.schema.json`` with all of jsonschema's format checks
(uri, date, date-time, uuid). The schema is missing outside the project's checkouts: then the
tests that need it skip, except in CI (``CI`` set), where they fail.
"""

import hashlib
import json
import os
import re
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from jsonschema import Draft6Validator, FormatChecker

from panels import schedule, services
from panels.models import Meeting, Panel, Panellist
from panels.validators import iana_time_zones
from tests.test_views import parse

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "c3voc-schedule.schema.json"
)


def c3voc_validator(path=SCHEMA_PATH):
    """A ``Draft6Validator`` for the c3voc schema at ``path``, checking every format.

    When the file is missing: ``pytest.fail`` in CI (the variable ``CI`` set to anything but
    ""), ``pytest.skip`` elsewhere, both saying where it was looked for.
    """
    if not path.is_file():
        reason = (
            f"The c3voc schedule schema was not found at {path} (it lives in shared/schemas/ "
            "beside the checkout; see its README), so schedule.json cannot be validated."
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} CI must provide it.")
        pytest.skip(reason)
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="session")
def validator():
    return c3voc_validator()


def schema_errors(validator, data):
    """Every way ``data`` breaks the schema, as "<JSON path>: <message>" strings."""
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(data)]


def schema_pattern(validator, definition, field):
    """A field's ``pattern`` in the schema, compiled."""
    return re.compile(validator.schema["definitions"][definition]["properties"][field]["pattern"])


def schedule_url(meeting):
    return reverse("panels:meeting-schedule-json", kwargs={"slug": meeting.slug})


def export(client, meeting):
    """The meeting's schedule.json as the public fetches it, parsed."""
    response = client.get(schedule_url(meeting))
    assert response.status_code == 200
    return json.loads(response.content)


def events_of(data):
    """Every event in the document, day by day and room by room."""
    return [
        event
        for day in data["schedule"]["conference"]["days"]
        for room_events in day["rooms"].values()
        for event in room_events
    ]


def only_event(data):
    (event,) = events_of(data)
    return event


# The schema and the missing-schema rule.


def test_missing_schema_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="was not found at"):
        c3voc_validator(tmp_path / "schema.json")


def test_missing_schema_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        c3voc_validator(tmp_path / "schema.json")


def test_seed_meeting_schedule_validates(client, seed_panel, validator):
    data = export(client, seed_panel.meeting)

    assert schema_errors(validator, data) == []
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "cm15_international_migration_2017"
    assert conference["time_zone_name"] == "America/New_York"
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2017-02-16",
        "2017-02-17",
        2,
    )
    event = only_event(data)
    assert event["guid"] == str(seed_panel.uid)
    # The seed's slot: Thursday 16 February 2017, 3 - 4.30 pm, New York.
    assert (event["date"], event["start"], event["end"], event["duration"]) == (
        "2017-02-16T15:00:00-05:00",
        "15:00",
        "2017-02-16T16:30:00-05:00",
        "01:30",
    )
    assert [(person["name"], person["role"]) for person in event["persons"]] == [
        ("Ms. Marta Exemplar", "Moderator"),
        ("Dr. أمينة المثال (Amina Al-Mithal)", "Panellist"),
        ("Mr. Jean-Loïc Exemple", "Panellist"),
        ("Ms. 李示例 (Li Shili)", "Panellist"),
        ("H.E. Mr. Kwame Sample-Mensah", "Panellist"),
    ]


def test_schedule_json_response_is_public_utf8_json(client, seed_panel):
    response = client.get(schedule_url(seed_panel.meeting))

    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # Names in any script are written as they are, not as \\u escapes.
    assert "李示例".encode() in response.content


def test_schedule_json_refuses_post(client, seed_panel):
    assert client.post(schedule_url(seed_panel.meeting)).status_code == 405


# Time zones and times.

ZONE_CASES = [
    pytest.param("America/New_York", date(2017, 2, 16), "-05:00", id="new-york-winter"),
    pytest.param("America/New_York", date(2017, 7, 13), "-04:00", id="new-york-summer"),
    pytest.param("Europe/Zurich", date(2017, 2, 16), "+01:00", id="geneva-winter"),
    pytest.param("Europe/Zurich", date(2017, 7, 13), "+02:00", id="geneva-summer"),
    pytest.param("Asia/Bangkok", date(2017, 2, 16), "+07:00", id="bangkok-winter"),
    pytest.param("Asia/Bangkok", date(2017, 7, 13), "+07:00", id="bangkok-summer"),
]


@pytest.mark.parametrize(("zone", "day", "offset"), ZONE_CASES)
def test_schedule_times_carry_the_meeting_zone_offset(
    client, make_meeting, make_panel, validator, settings, zone, day, offset
):
    # The server's own zone must play no part.
    settings.TIME_ZONE = "Pacific/Auckland"
    meeting = make_meeting(time_zone=zone, start_date=day, end_date=day)
    panel = make_panel(meeting, start_time=time(15, 0), end_time=time(16, 30))

    data = export(client, meeting)

    assert schema_errors(validator, data) == []
    conference = data["schedule"]["conference"]
    assert conference["time_zone_name"] == zone
    (day_data,) = conference["days"]
    assert (day_data["index"], day_data["date"], day_data["day_start"], day_data["day_end"]) == (
        1,
        day.isoformat(),
        f"{day.isoformat()}T00:00:00{offset}",
        f"{date.fromordinal(day.toordinal() + 1).isoformat()}T00:00:00{offset}",
    )
    event = only_event(data)
    assert (event["guid"], event["date"], event["start"], event["end"], event["duration"]) == (
        str(panel.uid),
        f"{day.isoformat()}T15:00:00{offset}",
        "15:00",
        f"{day.isoformat()}T16:30:00{offset}",
        "01:30",
    )


def test_schedule_on_a_clock_change_day_counts_elapsed_time(
    client, make_meeting, make_panel, validator
):
    # Geneva, 26 March 2017: at 02:00 the clocks go forward to 03:00.
    day = date(2017, 3, 26)
    meeting = make_meeting(time_zone="Europe/Zurich", start_date=day, end_date=day)
    make_panel(meeting, start_time=time(1, 30), end_time=time(3, 30))

    data = export(client, meeting)

    assert schema_errors(validator, data) == []
    (day_data,) = data["schedule"]["conference"]["days"]
    assert (day_data["day_start"], day_data["day_end"]) == (
        "2017-03-26T00:00:00+01:00",
        "2017-03-27T00:00:00+02:00",
    )
    event = only_event(data)
    assert (event["date"], event["end"], event["duration"]) == (
        "2017-03-26T01:30:00+01:00",
        "2017-03-26T03:30:00+02:00",
        "01:00",
    )


def test_schedule_zone_name_fits_the_schema_for_every_venue_zone(validator):
    pattern = schema_pattern(validator, "Conference", "time_zone_name")
    winter, summer = datetime(2017, 1, 15, 12, tzinfo=UTC), datetime(2017, 7, 15, 12, tzinfo=UTC)
    renamed = {}

    for zone in sorted(iana_time_zones()):
        name = schedule.schedule_zone_name(zone)
        assert name is not None and pattern.search(name), zone
        if name != zone:
            renamed[zone] = name
            # A link names a zone with the same clocks.
            for moment in (winter, summer):
                assert (
                    moment.astimezone(ZoneInfo(zone)).utcoffset()
                    == moment.astimezone(ZoneInfo(name)).utcoffset()
                )

    assert renamed == {
        "Australia/ACT": "Australia/Sydney",
        "Australia/LHI": "Australia/Lord_Howe",
        "Australia/NSW": "Australia/Sydney",
    }


def test_schedule_zone_link_is_exported_under_its_schema_name(
    client, make_meeting, make_panel, validator
):
    meeting = make_meeting(time_zone="Australia/ACT")
    make_panel(meeting)

    data = export(client, meeting)

    assert schema_errors(validator, data) == []
    assert data["schedule"]["conference"]["time_zone_name"] == "Australia/Sydney"
    assert only_event(data)["date"] == "2017-02-16T15:00:00+11:00"


# Identity: guids and the version.


def test_schedule_guids_are_stable_across_exports_and_edits(
    client, make_meeting, make_panel, make_panellist, validator
):
    meeting = make_meeting()
    panel = make_panel(meeting, room="Conference Room 4")
    place = make_panellist(panel, status=Panellist.Status.CONFIRMED)
    make_panel(meeting, title="Second panel", start_time=time(17), end_time=time(18))

    first, second = export(client, meeting), export(client, meeting)
    panel.title = "A new title"
    panel.start_time, panel.end_time = time(10), time(11)
    panel.save()
    place.person.name = "A new name"
    place.person.email = "changed@example.org"
    place.person.save()
    edited = export(client, meeting)

    assert first == second
    assert schema_errors(validator, edited) == []
    before = events_of(first)[0]
    after = next(event for event in events_of(edited) if event["id"] == panel.pk)
    assert (after["title"], after["start"]) == ("A new title", "10:00")
    assert after["guid"] == before["guid"] == str(panel.uid)
    assert after["persons"][0]["name"] == "A new name"
    assert after["persons"][0]["guid"] == before["persons"][0]["guid"]
    assert edited["schedule"]["conference"]["rooms"] == first["schedule"]["conference"]["rooms"]


def test_schedule_guids_are_uuids_unique_per_thing(
    client, make_meeting, make_panel, make_panellist, make_person
):
    meeting = make_meeting()
    other_meeting = make_meeting()
    person = make_person(name="On two panels")
    for room in ("Room A", "Room B"):
        make_panellist(make_panel(meeting, room=room), person=person)
    make_panel(other_meeting, room="Room A")

    data = export(client, meeting)
    other = export(client, other_meeting)

    events = events_of(data)
    assert len({event["guid"] for event in events}) == 2
    assert [event["persons"][0]["guid"] for event in events] == [
        events[0]["persons"][0]["guid"]
    ] * 2
    rooms = data["schedule"]["conference"]["rooms"]
    assert [room["name"] for room in rooms] == ["Room A", "Room B"]
    assert rooms[0]["guid"] != rooms[1]["guid"]
    # The same room name in another meeting is another room.
    assert other["schedule"]["conference"]["rooms"][0]["guid"] != rooms[0]["guid"]
    for guid in [room["guid"] for room in rooms] + [events[0]["persons"][0]["guid"]]:
        assert uuid.UUID(guid).version == 5


def test_schedule_version_changes_only_when_the_programme_does(
    client, make_meeting, make_panel, make_panellist
):
    meeting = make_meeting()
    panel = make_panel(meeting)
    later = make_panel(meeting, title="Later panel", start_time=time(17), end_time=time(18))
    place = make_panellist(panel)

    versions = [export(client, meeting)["schedule"]["version"] for _ in range(2)]
    services.record_answer(place, Panellist.Status.CONFIRMED)
    versions.append(export(client, meeting)["schedule"]["version"])
    later.is_published = False
    later.save()
    versions.append(export(client, meeting)["schedule"]["version"])

    assert versions[0] == versions[1]
    assert len(set(versions[1:])) == 3


# Nothing private.


def test_schedule_holds_nothing_private(
    client, make_meeting, make_panel, make_panellist, make_person, make_section
):
    meeting = make_meeting(secretariat_email="secretariat-q7x@example.org")
    panel = make_panel(meeting, panellist_display=Panel.Display.EVERYONE)
    make_section(panel, body="The concept note, public.")
    shown = make_panellist(
        panel,
        person=make_person(name="Shown Speaker", email="shown-q7x@example.org"),
        status=Panellist.Status.CONFIRMED,
        decline_reason="reason-q7x-shown",
        note_to_secretariat="note-q7x-shown",
    )
    declined = make_panellist(
        panel,
        person=make_person(name="Declined Q7x", email="declined-q7x@example.org"),
        status=Panellist.Status.DECLINED,
        decline_reason="reason-q7x-declined",
        note_to_secretariat="note-q7x-declined",
    )
    secrets = [services.issue_link(shown), services.issue_link(declined)]
    shown.refresh_from_db()
    declined.refresh_from_db()

    text = client.get(schedule_url(meeting)).content.decode()

    emails = [
        "shown-q7x@example.org",
        "declined-q7x@example.org",
        "secretariat-q7x@example.org",
    ]
    derived = [
        value
        for email in emails
        for value in (
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"acct:{email}")),
            hashlib.sha256(email.encode()).hexdigest(),
            hashlib.md5(email.encode()).hexdigest(),  # noqa: S324 - what a gravatar would use
        )
    ]
    private = [
        *emails,
        *derived,
        *secrets,
        shown.link_hash,
        declined.link_hash,
        "reason-q7x",
        "note-q7x",
        "Declined Q7x",
        shown.link_issued_at.isoformat(),
    ]
    assert [value for value in private if value in text] == []
    assert "@" not in text
    # The export is not empty: the public person and the concept note are there.
    assert "Shown Speaker" in text
    assert "The concept note, public." in text


# Panellists: roles and the panel's display choice.


@pytest.fixture
def panel_with_every_answer(make_panel, make_panellist, make_person):
    panel = make_panel()
    Status, Role = Panellist.Status, Panellist.Role
    for name, role, status in [
        ("Moderator Confirmed", Role.MODERATOR, Status.CONFIRMED),
        ("Panellist Invited", Role.PANELLIST, Status.INVITED),
        ("Discussant Confirmed", Role.DISCUSSANT, Status.CONFIRMED),
        ("Panellist Declined", Role.PANELLIST, Status.DECLINED),
        ("Rapporteur Withdrawn", Role.RAPPORTEUR, Status.WITHDRAWN),
    ]:
        make_panellist(panel, person=make_person(name=name), role=role, status=status)
    return panel


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        pytest.param(
            Panel.Display.EVERYONE,
            [
                ("Moderator Confirmed", "Moderator", False),
                ("Panellist Invited", "Panellist", True),
                ("Discussant Confirmed", "Discussant", False),
            ],
            id="everyone",
        ),
        pytest.param(
            Panel.Display.CONFIRMED,
            [
                ("Moderator Confirmed", "Moderator", False),
                ("Discussant Confirmed", "Discussant", False),
            ],
            id="confirmed-only",
        ),
    ],
)
def test_schedule_persons_follow_the_panel_display_choice(
    client, panel_with_every_answer, validator, display, expected
):
    panel = panel_with_every_answer
    panel.panellist_display = display
    panel.save()

    data = export(client, panel.meeting)

    assert schema_errors(validator, data) == []
    persons = only_event(data)["persons"]
    assert [(p["name"], p["role"], p["to_be_confirmed"]) for p in persons] == expected


def test_schedule_person_shows_what_the_panel_page_shows(
    client, make_panel, make_panellist, make_person
):
    panel = make_panel()
    person = make_person(
        honorific="H.E. Ms.",
        name="Amina Example",
        position="Ambassador",
        organisation="Example Mission",
        email="amina@example.org",
        bio="A short bio.",
    )
    make_panellist(
        panel,
        person=person,
        role=Panellist.Role.KEYNOTE_SPEAKER,
        status=Panellist.Status.CONFIRMED,
        presentation_title="Why it matters",
    )

    persons = only_event(export(client, panel.meeting))["persons"]

    assert persons == [
        {
            "name": "H.E. Ms. Amina Example",
            "public_name": "H.E. Ms. Amina Example",
            "guid": str(uuid.uuid5(schedule.PERSON_NAMESPACE, str(person.pk))),
            "biography": "A short bio.",
            "role": "Keynote speaker",
            "position": "Ambassador",
            "organisation": "Example Mission",
            "function": "",
            "presentation_title": "Why it matters",
            "attendance": "in_person",
            "to_be_announced": False,
            "to_be_confirmed": False,
        }
    ]


# What is published.


def test_schedule_of_a_draft_meeting_is_not_found(client, staff_client, make_meeting):
    meeting = make_meeting(status=Meeting.Status.DRAFT)

    assert client.get(schedule_url(meeting)).status_code == 404
    # No preview for staff either: apps keep what they fetch.
    assert staff_client.get(schedule_url(meeting)).status_code == 404


def test_schedule_of_an_unknown_meeting_is_not_found(client, db):
    response = client.get(reverse("panels:meeting-schedule-json", kwargs={"slug": "nowhere"}))

    assert response.status_code == 404


def test_schedule_leaves_out_unpublished_panels(client, make_meeting, make_panel):
    meeting = make_meeting()
    published = make_panel(meeting, title="Published")
    make_panel(meeting, title="Unpublished", is_published=False)

    data = export(client, meeting)

    assert [event["guid"] for event in events_of(data)] == [str(published.uid)]


def test_schedule_keeps_a_cancelled_panel_marked_as_cancelled(
    client, make_panel, make_panellist, validator
):
    panel = make_panel(title="Regional dimensions", status=Panel.Status.CANCELLED)
    make_panellist(panel, status=Panellist.Status.CONFIRMED)

    data = export(client, panel.meeting)

    assert schema_errors(validator, data) == []
    event = only_event(data)
    assert (event["guid"], event["title"], event["subtitle"], event["type"]) == (
        str(panel.uid),
        "Cancelled: Regional dimensions",
        "Cancelled",
        "panel",
    )


def test_schedule_of_a_meeting_without_panels_validates(client, make_meeting, validator):
    meeting = make_meeting(start_date=date(2017, 2, 16), end_date=date(2017, 2, 18))

    data = export(client, meeting)

    assert schema_errors(validator, data) == []
    conference = data["schedule"]["conference"]
    assert conference["rooms"] == []
    assert [(day["index"], day["date"], day["rooms"]) for day in conference["days"]] == [
        (1, "2017-02-16", {}),
        (2, "2017-02-17", {}),
        (3, "2017-02-18", {}),
    ]


def test_schedule_groups_events_by_day_and_room(client, make_meeting, make_panel, validator):
    meeting = make_meeting(venue="", start_date=date(2017, 2, 16), end_date=date(2017, 2, 17))
    first = make_panel(meeting, room="Room 2", start_time=time(10), end_time=time(11))
    second = make_panel(meeting, room="", start_time=time(12), end_time=time(13))
    third = make_panel(
        meeting, room="Room 2", date=date(2017, 2, 17), start_time=time(9), end_time=time(10)
    )

    data = export(client, meeting)

    assert schema_errors(validator, data) == []
    conference = data["schedule"]["conference"]
    assert [room["name"] for room in conference["rooms"]] == ["Room 2", "Main room"]
    grouped = [
        {room: [event["id"] for event in events] for room, events in day["rooms"].items()}
        for day in conference["days"]
    ]
    assert grouped == [{"Room 2": [first.pk], "Main room": [second.pk]}, {"Room 2": [third.pk]}]


# Formats the schema constrains.


@pytest.mark.parametrize(
    ("slug", "acronym"),
    [
        ("cm15-international-migration-2017", "cm15_international_migration_2017"),
        ("CM15", "cm15"),
        ("ab", "ab__"),
        ("-x", "_x__"),
        ("a_b-c", "a_b_c"),
    ],
)
def test_conference_acronym_fits_the_schema(validator, slug, acronym):
    pattern = schema_pattern(validator, "Conference", "acronym")

    assert schedule.conference_acronym(slug) == acronym
    assert pattern.search(acronym)


@pytest.mark.parametrize(
    ("title", "slug_title"),
    [
        ("Regional & human rights dimensions!", "-regional-human-rights-dimensions"),
        ("การประชุมระดับภูมิภาค", ""),
        ("¿?", ""),
        ("Migration " * 20, "-" + "-".join(["migration"] * 5)),
    ],
)
def test_event_slug_fits_the_schema(client, make_panel, validator, title, slug_title):
    panel = make_panel(title=title)
    acronym = schedule.conference_acronym(panel.meeting.slug)

    data = export(client, panel.meeting)

    assert schema_errors(validator, data) == []
    assert only_event(data)["slug"] == f"{acronym}-{panel.pk}{slug_title}"


def test_concept_note_becomes_plain_text_with_its_links(
    client, make_panel, make_section, validator
):
    panel = make_panel()
    make_section(
        panel,
        heading="Background",
        body=(
            "First *paragraph* with a [link](https://example.org/a) and A/71/1.\n\n"
            "Fish & chips for <name of country>, line\nwrapped; a hard  \nbreak.\n\n"
            "- one\n- two"
        ),
        order=0,
    )
    make_section(
        panel,
        heading="Organization",
        body=(
            "3. alpha\n4. [beta](https://example.org/a)\n\n"
            "See [the report](https://例え.jp/報告 2017) and <script>x</script>."
        ),
        order=1,
    )

    data = export(client, panel.meeting)

    assert schema_errors(validator, data) == []
    event = only_event(data)
    assert event["abstract"] == "First paragraph with a link and A/71/1."
    assert event["description"] == (
        "Background\n\n"
        "First paragraph with a link and A/71/1.\n\n"
        "Fish & chips for <name of country>, line wrapped; a hard\nbreak.\n\n"
        "- one\n- two\n\n"
        "Organization\n\n"
        "3. alpha\n4. beta\n\n"
        "See the report and <script>x</script>."
    )
    assert event["links"] == [
        {"url": "https://example.org/a", "title": "link", "type": "related"},
        {"url": "https://undocs.org/A/71/1", "title": "A/71/1", "type": "related"},
        {
            "url": "https://%E4%BE%8B%E3%81%88.jp/%E5%A0%B1%E5%91%8A%202017",
            "title": "the report",
            "type": "related",
        },
    ]


# Performance.


@pytest.mark.parametrize("count", [1, 6])
def test_schedule_runs_four_queries_whatever_the_number_of_panels(
    client,
    make_meeting,
    make_panel,
    make_panellist,
    make_section,
    make_segment,
    django_assert_num_queries,
    count,
):
    meeting = make_meeting()
    for number in range(count):
        panel = make_panel(
            meeting,
            title=f"Panel {number}",
            room=f"Room {number % 2}",
            start_time=time(8 + number),
            end_time=time(8 + number, 45),
        )
        moderator = make_panellist(
            panel, role=Panellist.Role.MODERATOR, status=Panellist.Status.CONFIRMED
        )
        make_segment(panel, 45, speakers=[moderator, make_panellist(panel)])
        make_section(panel)

    # The meeting, its programme's latest version, its panels with their rooms, their
    # panellists with their people, their running orders, the items' speakers, their concept
    # notes.
    with django_assert_num_queries(7):
        response = client.get(schedule_url(meeting))

    events = events_of(json.loads(response.content))
    assert [len(event["persons"]) for event in events] == [2] * count


# The meeting page.


def test_meeting_page_links_its_schedule_json(client, make_meeting):
    meeting = make_meeting()

    page = parse(client.get(meeting.get_absolute_url()))

    address = f"{schedule_url(meeting)}?lang=en"
    links = [a for a in page.find_all("a") if a.attrs.get("href") == address]
    assert [a.text for a in links] == ["Schedule for apps (JSON)"]


def test_draft_meeting_page_does_not_link_a_schedule_json(staff_client, make_meeting):
    meeting = make_meeting(status=Meeting.Status.DRAFT)

    page = parse(staff_client.get(meeting.get_absolute_url()))

    assert [a for a in page.find_all("a") if a.attrs.get("href") == schedule_url(meeting)] == []


@pytest.mark.parametrize(
    ("href", "uri"),
    [
        ("https://x.org/a[1]", "https://x.org/a%5B1%5D"),
        ("https://x.org/%", "https://x.org/%25"),
        ("https://x.org/%zz", "https://x.org/%25zz"),
        ("https://x.org/#a#b", "https://x.org/#a%23b"),
        ("https://x.org/a%20b", "https://x.org/a%20b"),
    ],
)
def test_a_mistyped_link_address_still_gives_a_valid_schedule(
    client, make_panel, make_section, validator, href, uri
):
    panel = make_panel()
    make_section(panel, body=f"See [the report]({href}).")

    data = export(client, panel.meeting)

    assert schema_errors(validator, data) == []
    assert [link["url"] for link in only_event(data)["links"]] == [uri]
