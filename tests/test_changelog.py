"""The public changelog: versions of a meeting's programme, what changed between them in plain
words (``panels.changelog``), when they are recorded (``services.versions``), the "Changes"
page and its Atom feed, and the version in schedule.json."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

import pytest
from django.core import mail
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from panels import services
from panels.changelog import Change, changes
from panels.feeds import ChangelogEntry, MeetingChangesFeed
from panels.models import (
    Meeting,
    Panel,
    Panellist,
    PanellistDisplay,
    ProgrammeVersion,
    Room,
    Segment,
    SegmentSpeaker,
)
from panels.services import versions
from tests.admin_helpers import change_url, form_data, run_action
from tests.conftest import run_in_parallel
from tests.test_views import parse

ATOM = "{http://www.w3.org/2005/Atom}"


# ---------------------------------------------------------------------------------------------
# The differences in words (pure)


def session(**fields):
    """A session as a snapshot holds it: "Migration and trade", Thursday 16 February 2017,
    15:00-16:30 in Room A, with no one and no item; ``fields`` override."""
    return {
        "id": 1,
        "title": "Migration and trade",
        "kind": "panel",
        "cancelled": False,
        "date": "2017-02-16",
        "start": "15:00",
        "end": "16:30",
        "room": "Room A",
        "people": [],
        "items": [],
    } | fields


def person(place_id=10, name="Amina Example", *, person_id=100, role="panellist", tba=False):
    return {"id": place_id, "person": person_id, "name": name, "role": role, "tba": tba}


def item(item_id=20, title="Opening", *, number="", start="15:00", end="15:10", **fields):
    values = {"speakers": ["Amina Example"], "tba": False} | fields
    return {"id": item_id, "number": number, "title": title, "start": start, "end": end} | values


def programme(*sessions, zone="America/New_York"):
    return {"zone": zone, "sessions": list(sessions)}


TRADE = "“Migration and trade”"

DIFFERENCES = [
    pytest.param(programme(), programme(), [], id="nothing"),
    pytest.param(
        programme(),
        programme(session()),
        [
            (
                "added",
                f"{TRADE} added to the programme: Thursday 16 February 15:00–16:30, Room A.",
            )
        ],
        id="session added",
    ),
    pytest.param(
        programme(),
        programme(session(start=None, end=None, room="", cancelled=True)),
        [
            (
                "added",
                f"{TRADE} added to the programme: Thursday 16 February (time to be announced)."
                " It is cancelled.",
            )
        ],
        id="session added without time or room, cancelled",
    ),
    pytest.param(
        programme(session()),
        programme(),
        [("removed", f"{TRADE} was removed from the programme.")],
        id="session removed",
    ),
    pytest.param(
        programme(session()),
        programme(session(cancelled=True)),
        [("cancelled", f"{TRADE} was cancelled.")],
        id="cancelled",
    ),
    pytest.param(
        programme(session(cancelled=True)),
        programme(session()),
        [("reinstated", f"{TRADE} was reinstated.")],
        id="reinstated",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(
            session(
                date="2017-02-17",
                start="10:00",
                end="11:30",
                items=[item(start="10:00", end="10:10")],
            )
        ),
        [
            (
                "moved",
                f"{TRADE} moved from Thursday 16 February 15:00–16:30 to "
                "Friday 17 February 10:00–11:30.",
            )
        ],
        id="moved to another day, its items along",
    ),
    pytest.param(
        programme(session(start=None, end=None)),
        programme(session()),
        [
            (
                "moved",
                f"{TRADE} moved from Thursday 16 February (time to be announced) to "
                "Thursday 16 February 15:00–16:30.",
            )
        ],
        id="time published",
    ),
    pytest.param(
        programme(session()),
        programme(session(end="17:00")),
        [
            (
                "retimed",
                f"{TRADE} now runs Thursday 16 February 15:00–17:00 "
                "(was Thursday 16 February 15:00–16:30).",
            )
        ],
        id="ends later",
    ),
    pytest.param(
        programme(session()),
        programme(session(room="Room B")),
        [("room", f"{TRADE} moved from Room A to Room B.")],
        id="room changed",
    ),
    pytest.param(
        programme(session(room="")),
        programme(session()),
        [("room", f"{TRADE} is now in Room A.")],
        id="room given",
    ),
    pytest.param(
        programme(session()),
        programme(session(room="")),
        [("room", f"{TRADE} no longer has a room (was Room A).")],
        id="room taken away",
    ),
    pytest.param(
        programme(session()),
        programme(session(title="Migration, trade and remittances")),
        [("renamed", f"{TRADE} was renamed “Migration, trade and remittances”.")],
        id="renamed",
    ),
    pytest.param(
        programme(session()),
        programme(session(kind="working_group")),
        [("kind", f"{TRADE} is now a Working group (was a Panel discussion).")],
        id="kind changed",
    ),
    pytest.param(
        programme(session()),
        programme(session(people=[person(role="moderator")])),
        [("person-added", f"{TRADE}: Amina Example (Moderator) added.")],
        id="speaker added",
    ),
    pytest.param(
        programme(session(people=[person()])),
        programme(session()),
        [("person-removed", f"Amina Example is no longer on the programme of {TRADE}.")],
        id="speaker removed",
    ),
    pytest.param(
        programme(session(people=[person(name="To be announced", person_id=None, tba=True)])),
        programme(session(people=[person()])),
        [
            (
                "person-named",
                f"{TRADE}: Amina Example announced as Panellist (was to be announced).",
            )
        ],
        id="to be announced named",
    ),
    pytest.param(
        programme(session(people=[person()])),
        programme(session(people=[person(name="Jorge Ejemplo", person_id=101)])),
        [("person-replaced", f"{TRADE}: Jorge Ejemplo replaces Amina Example (Panellist).")],
        id="speaker replaced",
    ),
    pytest.param(
        programme(session(people=[person()])),
        programme(session(people=[person(name="Dr. Amina Example")])),
        [("person-renamed", f"{TRADE}: Amina Example is now listed as Dr. Amina Example.")],
        id="name corrected",
    ),
    pytest.param(
        programme(session(people=[person()])),
        programme(session(people=[person(role="moderator")])),
        [("person-role", f"{TRADE}: Amina Example is now Moderator (was Panellist).")],
        id="role changed",
    ),
    pytest.param(
        programme(session()),
        programme(session(items=[item(number="I")])),
        [("item-added", f"{TRADE}: item “I. Opening” added (15:00–15:10).")],
        id="item added",
    ),
    pytest.param(
        programme(session()),
        programme(session(items=[item(start=None, end=None)])),
        [("item-added", f"{TRADE}: item “Opening” added.")],
        id="item added without time",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(session()),
        [("item-removed", f"{TRADE}: item “Opening” removed.")],
        id="item removed",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(session(items=[item(start="15:05", end="15:15")])),
        [("item-retimed", f"{TRADE}: item “Opening” now 15:05–15:15 (was 15:00–15:10).")],
        id="item retimed",
    ),
    pytest.param(
        programme(session(items=[item(title="Break", start="16:15", end="16:30")])),
        programme(
            session(
                start="16:00", end="17:30", items=[item(title="Break", start="16:15", end="16:30")]
            )
        ),
        [
            (
                "moved",
                f"{TRADE} moved from Thursday 16 February 15:00–16:30 to "
                "Thursday 16 February 16:00–17:30.",
            )
        ],
        id="session moved, an item at fixed times stays put: not retimed",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(session(items=[item(title="Welcome")])),
        [("item-renamed", f"{TRADE}: item “Opening” renamed “Welcome”.")],
        id="item renamed",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(session(items=[item(speakers=["Amina Example", "Jorge Ejemplo"])])),
        [
            (
                "item-speakers",
                f"{TRADE}: item “Opening” is now given by Amina Example and Jorge Ejemplo "
                "(was Amina Example).",
            )
        ],
        id="item speaker added",
    ),
    pytest.param(
        programme(session(items=[item()])),
        programme(session(items=[item(speakers=[], tba=True)])),
        [
            (
                "item-speakers",
                f"{TRADE}: item “Opening” is now given by a speaker to be announced "
                "(was Amina Example).",
            )
        ],
        id="item's speaker declined",
    ),
    pytest.param(
        programme(session()),
        programme(session(), zone="Europe/Zurich"),
        [
            (
                "zone",
                "The programme's times are now in Europe/Zurich (were in America/New_York).",
            )
        ],
        id="time zone changed",
    ),
    pytest.param(
        programme(session(), session(id=2, title="Closing", start="17:00", end="18:00")),
        programme(session(id=2, title="Closing", cancelled=True, start="17:00", end="18:00")),
        [
            ("cancelled", "“Closing” was cancelled."),
            ("removed", f"{TRADE} was removed from the programme."),
        ],
        id="removed sessions come last",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), DIFFERENCES)
def test_changes_between_two_snapshots_in_words(old, new, expected):
    assert [(change.kind, change.text) for change in changes(old, new)] == expected


def test_first_version_reads_programme_published():
    assert changes(None, programme(session())) == [Change("published", "Programme published.")]


# ---------------------------------------------------------------------------------------------
# Recording versions


@pytest.fixture
def panel(make_panel, make_panellist, make_person, make_segment):
    """ "Migration and trade", published, 15:00-16:30 on Thursday 16 February 2017 (New York)
    in Conference Room 4: Amina Example (confirmed) opens it (10 minutes), Jorge Ejemplo
    (confirmed) follows (20 minutes)."""
    panel = make_panel(title="Migration and trade")
    amina = make_panellist(
        panel, person=make_person(name="Amina Example"), status=Panellist.Status.CONFIRMED
    )
    jorge = make_panellist(
        panel, person=make_person(name="Jorge Ejemplo"), status=Panellist.Status.CONFIRMED
    )
    make_segment(panel, 10, title="Opening", speaker=amina)
    make_segment(panel, 20, title="Remittances", speaker=jorge)
    return panel


@pytest.fixture
def recorded(panel):
    """``panel``'s meeting with its programme's first version recorded."""
    result = services.record_programme_version(panel.meeting)
    assert (result.recorded, result.version.number) == (True, 1)
    return panel.meeting


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the block as if its transaction committed: the callbacks it
    registers run at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def numbers(meeting):
    return list(meeting.programme_versions.order_by("number").values_list("number", flat=True))


def latest_changes(meeting):
    """What the meeting's latest version changed, as (kind, text) pairs."""
    latest, *earlier = meeting.programme_versions.order_by("-number")[:2]
    previous = earlier[0].snapshot if earlier else None
    return [(change.kind, change.text) for change in changes(previous, latest.snapshot)]


def place(panel, name):
    return panel.panellists.get(person__name=name)


def test_snapshot_holds_the_public_programme(recorded, panel, make_panel):
    make_panel(recorded, title="Not published yet", is_published=False)
    amina, jorge = place(panel, "Amina Example"), place(panel, "Jorge Ejemplo")
    opening, remittances = panel.segments.order_by("order")

    assert services.programme_snapshot(recorded) == {
        "zone": "America/New_York",
        "sessions": [
            {
                "id": panel.pk,
                "title": "Migration and trade",
                "kind": "panel",
                "cancelled": False,
                "date": "2017-02-16",
                "start": "15:00",
                "end": "16:30",
                "room": "Conference Room 4",
                "people": [
                    {
                        "id": amina.pk,
                        "person": amina.person_id,
                        "name": "Amina Example",
                        "role": "panellist",
                        "tba": False,
                    },
                    {
                        "id": jorge.pk,
                        "person": jorge.person_id,
                        "name": "Jorge Ejemplo",
                        "role": "panellist",
                        "tba": False,
                    },
                ],
                "items": [
                    {
                        "id": opening.pk,
                        "number": "",
                        "title": "Opening",
                        "start": "15:00",
                        "end": "15:10",
                        "speakers": ["Amina Example"],
                        "tba": False,
                    },
                    {
                        "id": remittances.pk,
                        "number": "",
                        "title": "Remittances",
                        "start": "15:10",
                        "end": "15:30",
                        "speakers": ["Jorge Ejemplo"],
                        "tba": False,
                    },
                ],
            }
        ],
    }


def test_record_only_when_the_public_programme_differs(recorded, panel):
    unchanged = services.record_programme_version(recorded)
    panel.title = "Migration, trade and remittances"
    panel.save()
    changed = services.record_programme_version(recorded)
    again = services.record_programme_version(recorded)

    assert (unchanged.recorded, unchanged.version.number) == (False, 1)
    assert (changed.recorded, changed.version.number) == (True, 2)
    assert (again.recorded, again.version.number) == (False, 2)
    assert numbers(recorded) == [1, 2]


def test_nothing_recorded_for_a_draft_or_before_anything_is_published(make_meeting, make_panel):
    draft = make_meeting(status=Meeting.Status.DRAFT)
    make_panel(draft)
    empty = make_meeting()
    make_panel(empty, is_published=False)

    results = [services.record_programme_version(meeting) for meeting in (draft, empty)]

    assert [(result.recorded, result.version) for result in results] == [(False, None)] * 2
    assert ProgrammeVersion.objects.count() == 0


def test_version_numbers_are_unique_per_meeting(recorded):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeVersion.objects.create(meeting=recorded, number=1, snapshot={})


def test_versions_are_recorded_once_per_transaction_after_commit(
    recorded, panel, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks() as callbacks:
        panel.title = "Migration, trade and remittances"
        panel.save()
        Room.objects.create(meeting=recorded, name="Room B")
        jorge = place(panel, "Jorge Ejemplo")
        jorge.role = Panellist.Role.MODERATOR
        jorge.save()
        Segment.objects.filter(title="Opening").get().save()

    before_commit = numbers(recorded)
    # The page cache's own callback (caching.NewGenerationAfterCommit) runs no query.
    first, *others = [c for c in callbacks if isinstance(c, versions.VersionsAfterCommit)]
    first()
    with django_assert_num_queries(0):
        for callback in others:
            callback()

    assert before_commit == [1]
    assert len(others) >= 3
    assert numbers(recorded) == [1, 2]
    assert [kind for kind, _text in latest_changes(recorded)] == ["renamed", "person-role"]


def test_a_change_after_a_rolled_back_savepoint_is_still_recorded(recorded, panel, committed):
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            Room.objects.create(meeting=recorded, name="Room B")
            raise RuntimeError
        panel.title = "Migration, trade and remittances"
        panel.save()

    assert latest_changes(recorded) == [
        ("renamed", "“Migration and trade” was renamed “Migration, trade and remittances”.")
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
def test_recordings_at_the_same_moment_take_turns(make_panel):
    # Outside a transaction (autocommit), a save records at once.
    panel = make_panel(title="Migration and trade")
    at_once = numbers(panel.meeting)
    Panel.objects.filter(pk=panel.pk).update(title="Migration, trade and remittances")

    results = run_in_parallel(lambda: services.record_programme_version(panel.meeting_id))

    assert at_once == [1]
    assert sorted(result.recorded for result in results) == [False, False, False, True]
    assert numbers(panel.meeting) == [1, 2]


# Each way the public programme changes records a version.


def test_publishing_records_a_version(recorded, make_panel, committed):
    later = make_panel(
        recorded, title="Closing", start_time=time(17), end_time=time(18), is_published=False
    )
    with committed():
        result = services.publish([later])

    assert result.published == [later]
    assert latest_changes(recorded) == [
        (
            "added",
            "“Closing” added to the programme: Thursday 16 February 17:00–18:00, "
            "Conference Room 4.",
        )
    ]


def test_cancelling_and_reinstating_record_versions(recorded, panel, committed):
    with committed():
        services.cancel([panel])
    cancelled = latest_changes(recorded)
    with committed():
        services.reinstate([panel])

    assert cancelled == [("cancelled", "“Migration and trade” was cancelled.")]
    assert latest_changes(recorded) == [("reinstated", "“Migration and trade” was reinstated.")]
    assert numbers(recorded) == [1, 2, 3]


def test_a_meeting_made_draft_and_public_again_records_what_changed_meanwhile(
    recorded, panel, committed
):
    with committed():
        recorded.status = Meeting.Status.DRAFT
        services.save_meeting(recorded)
    with committed():
        panel.title = "Migration, trade and remittances"
        panel.save()
    while_draft = numbers(recorded)
    with committed():
        recorded.status = Meeting.Status.PUBLIC
        services.save_meeting(recorded)

    assert while_draft == [1]
    assert numbers(recorded) == [1, 2]
    assert [kind for kind, _text in latest_changes(recorded)] == ["renamed"]


def test_unpublishing_a_session_in_the_admin_records_a_version(
    recorded, panel, admin_client, committed
):
    data = form_data(admin_client.get(change_url(panel)))
    del data["is_published"]
    with committed():
        response = admin_client.post(change_url(panel), data)

    assert response.status_code == 302
    assert latest_changes(recorded) == [
        ("removed", "“Migration and trade” was removed from the programme.")
    ]


def test_a_place_changed_in_the_admin_records_a_version(recorded, panel, admin_client, committed):
    jorge = place(panel, "Jorge Ejemplo")
    data = form_data(admin_client.get(change_url(jorge)))
    data["role"] = Panellist.Role.MODERATOR
    with committed():
        response = admin_client.post(change_url(jorge), data)

    assert response.status_code == 302
    assert latest_changes(recorded) == [
        ("person-role", "“Migration and trade”: Jorge Ejemplo is now Moderator (was Panellist).")
    ]


def test_a_persons_name_changed_in_the_admin_records_a_version(
    recorded, panel, admin_client, committed
):
    amina = place(panel, "Amina Example").person
    data = form_data(admin_client.get(change_url(amina)))
    data["name"] = "Amina Exemplo"
    with committed():
        response = admin_client.post(change_url(amina), data)

    assert response.status_code == 302
    assert latest_changes(recorded) == [
        ("person-renamed", "“Migration and trade”: Amina Example is now listed as Amina Exemplo."),
        (
            "item-speakers",
            "“Migration and trade”: item “Opening” is now given by Amina Exemplo "
            "(was Amina Example).",
        ),
    ]


def test_items_and_their_speakers_saved_record_a_version(recorded, panel, committed):
    jorge = place(panel, "Jorge Ejemplo")
    with committed():
        closing = Segment.objects.create(panel=panel, title="Closing", duration_minutes=5, order=9)
        SegmentSpeaker.objects.create(segment=closing, panellist=jorge)

    assert latest_changes(recorded) == [
        ("item-added", "“Migration and trade”: item “Closing” added (15:30–15:35).")
    ]


def test_a_decline_and_its_items_given_to_another_record_versions(recorded, panel, committed):
    amina, jorge = place(panel, "Amina Example"), place(panel, "Jorge Ejemplo")
    with committed():
        services.record_answer(amina, Panellist.Status.DECLINED)
    declined = latest_changes(recorded)
    with committed():
        services.give_items(amina, to=jorge)

    assert declined == [
        # The public is not told that she declined.
        (
            "person-removed",
            "Amina Example is no longer on the programme of “Migration and trade”.",
        ),
        (
            "item-speakers",
            "“Migration and trade”: item “Opening” is now given by a speaker to be announced "
            "(was Amina Example).",
        ),
    ]
    assert latest_changes(recorded) == [
        (
            "item-speakers",
            "“Migration and trade”: item “Opening” is now given by Jorge Ejemplo "
            "(was a speaker to be announced).",
        )
    ]


def test_a_confirmation_that_changes_nothing_shown_records_nothing(
    recorded, panel, make_panellist, make_person, committed
):
    with committed():
        invited = make_panellist(panel, person=make_person(name="Nadia Example"))
    added = latest_changes(recorded)
    with committed():
        services.record_answer(invited, Panellist.Status.CONFIRMED)

    # The panel shows everyone invited: Nadia appears at once ("to be confirmed", which the
    # changelog leaves out), and her confirmation changes no one shown.
    assert added == [("person-added", "“Migration and trade”: Nadia Example (Panellist) added.")]
    assert numbers(recorded) == [1, 2]


def test_a_confirmation_shown_only_once_confirmed_records_a_version(
    recorded, panel, make_panellist, make_person, committed
):
    with committed():
        panel.panellist_display = PanellistDisplay.CONFIRMED
        panel.save()
        invited = make_panellist(panel, person=make_person(name="Nadia Example"))
    before = numbers(recorded)
    with committed():
        services.record_answer(invited, Panellist.Status.CONFIRMED)

    assert before == [1]
    assert latest_changes(recorded) == [
        ("person-added", "“Migration and trade”: Nadia Example (Panellist) added.")
    ]


def test_a_programme_import_records_a_version(recorded, panel, admin_client, committed):
    from tests.test_programme_import import import_file, rows

    data = rows(
        {
            "Date": "2017-02-16",
            "Session": "Migration and trade",
            "Session start": "15:00",
            "Session end": "16:30",
            "Room": "Conference Room 4",
            "Item": "Data sources",
            "Item kind": "Presentation",
            "Duration": "30",
            "Speakers": "Jorge Ejemplo",
        }
    )
    with committed():
        response = import_file(admin_client, data, recorded)

    assert response.status_code == 200
    assert numbers(recorded) == [1, 2]
    assert latest_changes(recorded) == [
        ("item-added", "“Migration and trade”: item “Data sources” added (15:00–15:30)."),
        ("item-removed", "“Migration and trade”: item “Opening” removed."),
        ("item-removed", "“Migration and trade”: item “Remittances” removed."),
    ]


# ---------------------------------------------------------------------------------------------
# The "Changes" page, its feed and schedule.json


def changes_url(meeting):
    return reverse("panels:meeting-changes", kwargs={"slug": meeting.slug})


def feed_url(meeting):
    return reverse("panels:meeting-changes-feed", kwargs={"slug": meeting.slug})


def page_versions(response):
    """Each version on the page: (heading, time, [change, ...]), in page order."""
    page = parse(response)
    return [
        (
            section.find("h2").text,
            section.find("time").text,
            [item.text for item in section.find_all("li")],
        )
        for section in page.find_all("section", "programme-version")
    ]


@pytest.fixture
def two_versions(recorded, panel, committed):
    """``recorded`` with a second version: the panel moved to Friday 10:00-11:30. Versions
    recorded at 14:00 and 16:00 UTC on 1 February 2017 (09:00 and 11:00 in New York)."""
    with committed():
        panel.date, panel.start_time, panel.end_time = date(2017, 2, 17), time(10), time(11, 30)
        panel.save()
    first, second = recorded.programme_versions.order_by("number")
    ProgrammeVersion.objects.filter(pk=first.pk).update(
        recorded_at=datetime(2017, 2, 1, 14, tzinfo=UTC)
    )
    ProgrammeVersion.objects.filter(pk=second.pk).update(
        recorded_at=datetime(2017, 2, 1, 16, tzinfo=UTC)
    )
    return recorded


MOVED = (
    "“Migration and trade” moved from Thursday 16 February 15:00–16:30 to "
    "Friday 17 February 10:00–11:30."
)


def isolated(moved):
    """A "moved" change's HTML (the feed's): the session's quoted title in a ``<bdi>``."""
    title, rest = moved.split("” ", 1)
    return f"<bdi>{title}”</bdi> {rest}"


def test_changes_page_lists_versions_newest_first_in_words(client, two_versions):
    response = client.get(changes_url(two_versions))

    assert response.status_code == 200
    assert page_versions(response) == [
        ("Version 2", "Feb. 1, 2017, 11:00 (America/New_York)", [MOVED]),
        ("Version 1", "Feb. 1, 2017, 09:00 (America/New_York)", ["Programme published."]),
    ]
    page = parse(response)
    assert page.find("h1").text == "Changes to the programme"
    assert [element.attrs["datetime"] for element in page.find_all("time")] == [
        "2017-02-01T11:00:00-05:00",
        "2017-02-01T09:00:00-05:00",
    ]
    assert "America/New_York" in page.find("p", "zone-note").text


def test_changes_page_and_programme_link_the_feed(client, two_versions):
    for url in (changes_url(two_versions), two_versions.get_absolute_url()):
        page = parse(client.get(url))
        alternates = [
            (link.attrs["type"], link.attrs["href"])
            for link in page.find_all("link")
            if link.attrs.get("rel") == "alternate" and "type" in link.attrs
        ]
        assert alternates == [("application/atom+xml", feed_url(two_versions))]
    programme = parse(client.get(two_versions.get_absolute_url()))
    assert [a.attrs["href"] for a in programme.find("p", "changes-link").find_all("a")] == [
        changes_url(two_versions)
    ]


def test_changes_page_of_a_meeting_not_yet_published(client, make_meeting):
    meeting = make_meeting()

    page = parse(client.get(changes_url(meeting)))

    assert page_versions_empty(page) == "The programme has not been published yet."


def page_versions_empty(page):
    return page.find("main").find_all("p")[-1].text


@pytest.fixture
def many_versions(make_meeting):
    """A meeting with 45 versions, the session renamed "Title <n>" in version n."""
    meeting = make_meeting()
    ProgrammeVersion.objects.bulk_create(
        ProgrammeVersion(
            meeting=meeting, number=number, snapshot=programme(session(title=f"Title {number}"))
        )
        for number in range(1, 46)
    )
    return meeting


def renamed(number):
    return [f"“Title {number - 1}” was renamed “Title {number}”."]


@pytest.mark.parametrize(
    ("query", "numbers", "links"),
    [
        ("", range(45, 25, -1), [("next", "?page=2", "Older versions")]),
        (
            "?page=2",
            range(25, 5, -1),
            [("prev", "?page=1", "Newer versions"), ("next", "?page=3", "Older versions")],
        ),
        ("?page=3", range(5, 0, -1), [("prev", "?page=2", "Newer versions")]),
        ("?page=99", range(5, 0, -1), [("prev", "?page=2", "Newer versions")]),
    ],
    ids=["first page", "middle page", "last page", "past the last page"],
)
def test_changes_page_shows_twenty_versions_a_page_newest_first(
    client, many_versions, query, numbers, links
):
    response = client.get(changes_url(many_versions) + query)

    versions = [(heading, changes) for heading, _when, changes in page_versions(response)]
    # The oldest version of a page is compared with the one before it, on the next page.
    assert versions == [
        (f"Version {n}", renamed(n) if n > 1 else ["Programme published."]) for n in numbers
    ]
    nav = parse(response).find("nav", "pagination")
    assert nav.attrs["aria-label"] == "Pages of versions"
    assert [(a.attrs["rel"], a.attrs["href"], a.text) for a in nav.find_all("a")] == links


def test_changes_page_reads_only_its_page_of_versions(
    client, many_versions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(changes_url(many_versions) + "?page=2")

    assert response.status_code == 200


def test_changes_page_of_one_page_has_no_pagination(client, two_versions):
    page = parse(client.get(changes_url(two_versions)))

    assert page.find_all("nav", "pagination") == []


def test_feed_links_each_entry_to_its_page_and_keeps_its_id(client, many_versions):
    feed = ET.fromstring(client.get(feed_url(many_versions)).content)

    entries = {
        entry.find(f"{ATOM}title").text.split(":")[0]: entry
        for entry in feed.findall(f"{ATOM}entry")
    }
    page = f"http://testserver{changes_url(many_versions)}"
    assert len(entries) == 45
    assert [
        (entries[name].find(f"{ATOM}link").get("href"), entries[name].find(f"{ATOM}id").text)
        for name in ("Version 45", "Version 25", "Version 1")
    ] == [
        (f"{page}#version-45", f"{page}#version-45"),
        (f"{page}?page=2#version-25", f"{page}#version-25"),
        (f"{page}?page=3#version-1", f"{page}#version-1"),
    ]


def test_changes_of_a_draft_meeting_are_not_public(staff_client, two_versions):
    two_versions.status = Meeting.Status.DRAFT
    two_versions.save()
    public = Client()

    anonymous = public.get(changes_url(two_versions))
    feed = public.get(feed_url(two_versions))
    staff = staff_client.get(changes_url(two_versions))
    staff_feed = staff_client.get(feed_url(two_versions))

    assert (anonymous.status_code, feed.status_code, staff_feed.status_code) == (404, 404, 404)
    assert staff.status_code == 200
    assert (
        "This meeting is a draft; only its team in the secretariat can see it."
        in parse(staff).text
    )


def feed_entry(*texts):
    return ChangelogEntry(
        number=3,
        recorded_at=datetime(2017, 2, 1, 16, tzinfo=UTC),
        when="Feb. 1, 2017, 11:00 (America/New_York)",
        changes=[Change("cancelled", text) for text in texts],
        anchor="version-3",
        url="/meetings/m/changes/#version-3",
        permalink="/meetings/m/changes/#version-3",
        zone="America/New_York",
    )


@pytest.mark.parametrize(
    ("texts", "title"),
    [
        ((), "Version 3, Feb. 1, 2017, 11:00 (America/New_York)"),
        ((f"{TRADE} was cancelled.",), f"Version 3: {TRADE} was cancelled"),
        (
            (f"{TRADE} was cancelled.", f"{TRADE} is now in Room A."),
            f"Version 3: {TRADE} was cancelled (and 1 more change)",
        ),
        (
            (f"{TRADE} was cancelled.", "b.", "c."),
            f"Version 3: {TRADE} was cancelled (and 2 more changes)",
        ),
    ],
    ids=["no change", "one change", "two changes", "three changes"],
)
def test_feed_entry_title_names_the_first_change_and_counts_the_rest(texts, title):
    assert MeetingChangesFeed().item_title(feed_entry(*texts)) == title


def test_feed_is_atom_with_one_entry_per_version(client, two_versions):
    response = client.get(feed_url(two_versions))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Changes to the programme of Test meeting"
    assert feed.find(f"{ATOM}updated").text == "2017-02-01T11:00:00-05:00"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        f"Version 2: {MOVED.removesuffix('.')}",
        "Version 1: Programme published",
    ]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"http://testserver{changes_url(two_versions)}#version-2",
        f"http://testserver{changes_url(two_versions)}#version-1",
    ]
    assert [entry.find(f"{ATOM}summary").text for entry in entries] == [
        f"<ul><li>{isolated(MOVED)}</li></ul><p>Times are local times in America/New_York.</p>",
        "<ul><li>Programme published.</li></ul><p>Times are local times in America/New_York.</p>",
    ]
    assert [entry.find(f"{ATOM}updated").text for entry in entries] == [
        "2017-02-01T11:00:00-05:00",
        "2017-02-01T09:00:00-05:00",
    ]


def test_schedule_json_carries_the_programme_version(client, two_versions):
    from tests.test_schedule_json import c3voc_validator, schema_errors

    response = client.get(
        reverse("panels:meeting-schedule-json", kwargs={"slug": two_versions.slug})
    )

    data = json.loads(response.content)
    number, _dot, digest = data["schedule"]["version"].partition(".")
    assert (number, len(digest)) == ("2", 16)
    assert schema_errors(c3voc_validator(), data) == []


# Done when: the seed meeting's changelog after an officer moves a panel and publishes again.

SEED_MOVED = (
    "“The global compact on migration: Regional and human rights dimensions” moved from "
    "Thursday 16 February 15:00–16:30 to Friday 17 February 10:00–11:30."
)


@pytest.fixture
def seed(committed):
    """The seed meeting and panel as ``load_demo`` builds them, committed: version 1."""
    from panels.demo import load_demo

    with committed():
        demo, _written = load_demo()
    return demo


def test_seed_changelog_after_an_officer_moves_a_panel_and_publishes_again(
    admin_client, seed, committed
):
    data = form_data(admin_client.get(change_url(seed.panel)))
    data["date"], data["start_time"], data["end_time"] = "2017-02-17", "10:00", "11:30"
    with committed():
        moved = admin_client.post(change_url(seed.panel), data)
    with committed():
        published = run_action(admin_client, Panel, "publish", [seed.panel])
    public = Client()
    page = page_versions(public.get(changes_url(seed.meeting)))
    feed = ET.fromstring(public.get(feed_url(seed.meeting)).content)

    assert moved.status_code == 302
    assert published.status_code == 200
    # The panel was public all along: the move was published at once, and publishing again
    # changes nothing the public sees, so it records no third version.
    assert [(heading, changes) for heading, _when, changes in page] == [
        ("Version 2", [SEED_MOVED]),
        ("Version 1", ["Programme published."]),
    ]
    assert [entry.find(f"{ATOM}summary").text for entry in feed.findall(f"{ATOM}entry")] == [
        f"<ul><li>{isolated(SEED_MOVED)}</li></ul>"
        "<p>Times are local times in America/New_York.</p>",
        "<ul><li>Programme published.</li></ul><p>Times are local times in America/New_York.</p>",
    ]


def test_a_session_moved_on_the_meetings_admin_page_records_a_version(
    admin_client, seed, committed
):
    data = form_data(admin_client.get(change_url(seed.meeting)))
    data["panels-0-date"] = "2017-02-17"
    data["panels-0-start_time"], data["panels-0-end_time"] = "10:00", "11:30"
    with committed():
        response = admin_client.post(change_url(seed.meeting), data)

    assert response.status_code == 302
    assert latest_changes(seed.meeting) == [("moved", SEED_MOVED)]


def test_command_records_the_first_version_of_programmes_published_before(panel, capsys):
    from django.core.management import call_command

    ProgrammeVersion.objects.all().delete()
    call_command("record_programme_versions")
    call_command("record_programme_versions")

    assert numbers(panel.meeting) == [1]
    assert capsys.readouterr().out == f"{panel.meeting.slug}: version 1 recorded.\n"


def test_an_answer_is_answered_and_notified_when_its_version_cannot_be_recorded(
    make_meeting,
    make_panel,
    make_person,
    make_panellist,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
    caplog,
):
    """The database gone between the answer's commit and the recording of the programme's
    version (seen once in 318 answers during a restart): the panellist is thanked, the
    secretariat told, the failure logged."""
    settings.SITE_URL = "https://panels.example.org"
    meeting = make_meeting(secretariat_email="secretariat@example.org")
    panel = make_panel(meeting, answer_deadline=datetime(2099, 1, 1, tzinfo=UTC))
    place = make_panellist(panel, person=make_person(name="Amina", email="amina@example.org"))
    secret = services.issue_link(place)

    def database_gone(meeting):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(versions, "record_programme_version", database_gone)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(raise_request_exception=False).post(
            reverse("panels:panellist-answer", args=[secret]),
            {"answer": "declined", "fingerprint": services.slot_fingerprint(place)},
        )

    place.refresh_from_db()
    assert response.status_code == 302  # on to the page that thanks them
    assert place.status == Panellist.Status.DECLINED
    assert [message.to for message in mail.outbox] == [["secretariat@example.org"]]
    assert "Could not record the programme's new version" in caplog.text


def test_command_records_nothing_for_a_meeting_whose_zone_is_not_valid(panel, capsys):
    from django.core.management import call_command

    ProgrammeVersion.objects.all().delete()
    Meeting.objects.filter(pk=panel.meeting.pk).update(time_zone="Europe/Atlantis")

    call_command("record_programme_versions")

    assert numbers(panel.meeting) == []
    assert capsys.readouterr().out == (
        f"{panel.meeting.slug}: nothing recorded: its time zone ('Europe/Atlantis') is not a "
        "valid IANA name; correct it on the meeting's page.\n"
    )
