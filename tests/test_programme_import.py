"""A meeting's programme imported from one spreadsheet, one row per item, and exported with the
same columns (``panels.resources.ProgrammeResource``, ``panels.admin.programme``).

Imports go through the admin's two steps (preview, then "Confirm import") as an officer would,
with the meeting chosen in the import form; the database is counted before and after.
"""

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from panels.models import Meeting, Panel, Panellist, Person, Room, Segment
from tests.admin_helpers import admin_url, messages_of, staff_with
from tests.test_csv import csv_file, row_errors, xlsx_file

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "programme-example.csv"
HEADER = [
    "Date",
    "Session",
    "Session kind",
    "Session start",
    "Session end",
    "Room",
    "No.",
    "Item",
    "Item kind",
    "Start",
    "End",
    "Duration",
    "Speakers",
]
GENEVA = ZoneInfo("Europe/Zurich")


# ---------------------------------------------------------------------------------------------
# Helpers and fixtures


@pytest.fixture
def meeting(make_meeting):
    """A two-day meeting in Geneva, 20-21 March 2025 (UTC+1), with its rooms and without
    sessions."""
    meeting = make_meeting(
        title="Global forum on migration",
        slug="gfm-2025",
        start_date=date(2025, 3, 20),
        end_date=date(2025, 3, 21),
        time_zone="Europe/Zurich",
    )
    for order, name in enumerate(["Assembly Hall", "Room XVII", "Room XVIII", "Salle XX"]):
        Room.objects.create(meeting=meeting, name=name, order=order)
    return meeting


def preview(client, data, meeting, name="programme.csv"):
    """Upload ``data`` for ``meeting`` on the meetings' "Import programme" page."""
    file_format = "1" if name.endswith(".xlsx") else "0"  # the page's choices: CSV, XLSX
    return client.post(
        admin_url(Meeting, "import"),
        {
            "meeting": str(meeting.pk),
            "format": file_format,
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def confirm(client, previewed):
    """Press "Confirm import" on the preview page ``previewed``."""
    form = previewed.context["confirm_form"]
    return client.post(admin_url(Meeting, "process_import"), form.initial, follow=True)


def import_file(client, data, meeting, name="programme.csv"):
    """Preview ``data`` and confirm it; the preview must have no errors."""
    previewed = preview(client, data, meeting, name)
    assert row_errors(previewed) == []
    return confirm(client, previewed)


def file_errors(response):
    """The errors of the file as a whole (not of a row), as text."""
    return [str(error.error) for error in response.context["result"].base_errors]


def database_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Panel, Segment, Room, Person, Panellist)
    }


def rows(*lines):
    """A CSV file of the header and ``lines`` (each a dict of header to cell)."""
    return csv_file([HEADER, *([line.get(column, "") for column in HEADER] for line in lines)])


def item_row(**cells):
    """A row of an item of "Working group 1" (20 March, 15:00-16:30, Room XVII)."""
    return {
        "Date": "2025-03-20",
        "Session": "Working group 1",
        "Session kind": "Working group",
        "Session start": "15:00",
        "Session end": "16:30",
        "Room": "Room XVII",
        "Item": "Data sources",
        "Item kind": "Presentation",
    } | cells


def running_order(panel):
    """``panel``'s items in order: (number, title, kind, duration, start, end, speakers)."""
    return [
        (
            item.number,
            item.display_title,
            item.kind,
            item.duration_minutes,
            item.fixed_start,
            item.fixed_end,
            [
                (place.display_name, place.role, place.attendance)
                for place in item.speaker_places()
            ],
        )
        for item in Segment.objects.filter(panel=panel)
        .in_running_order()
        .prefetch_related("speaking__panellist__person")
    ]


def sessions(meeting):
    return [
        (p.date, p.title, p.kind, p.start_time, p.end_time, p.ends_after_midnight, str(p.room))
        for p in Panel.objects.filter(meeting=meeting).select_related("room").in_programme_order()
    ]


# ---------------------------------------------------------------------------------------------
# The example file


def test_example_file_imports_a_two_day_programme(admin_client, meeting):
    done = import_file(admin_client, EXAMPLE.read_bytes(), meeting)

    assert done.redirect_chain == [(admin_url(Meeting, "change", meeting.pk), 302)]
    assert messages_of(done) == [
        "Programme imported into “Global forum on migration”: 5 sessions and 11 items. The "
        "running order of each of these sessions is now the file's."
    ]
    day1, day2 = date(2025, 3, 20), date(2025, 3, 21)
    assert sessions(meeting) == [
        (day1, "Opening plenary", "plenary", time(10), time(13), False, "Assembly Hall"),
        (day1, "Lunch", "break", time(13), time(15), False, "None"),
        (
            *(day1, "Working group 1: Data on migration", "working_group"),
            *(time(15), time(16, 30), False, "Room XVII"),
        ),
        (
            *(day1, "Working group 2: Remittances", "working_group"),
            *(time(15), time(16, 30), False, "Room XVIII"),
        ),
        (day2, "Closing plenary", "plenary", time(10), time(12), False, "Assembly Hall"),
    ]
    assert list(meeting.rooms.values_list("name", "order")) == [
        ("Assembly Hall", 0),
        ("Room XVII", 1),
        ("Room XVIII", 2),
        ("Salle XX", 3),
    ]
    plenary, lunch, group1, group2, closing = Panel.objects.filter(
        meeting=meeting
    ).in_programme_order()
    in_person, online, video = "in_person", "online", "video"
    assert running_order(plenary) == [
        (
            *("I", "Opening of the session", "agenda_item", None, None, None),
            [("Amina Example", "chair", in_person)],
        ),
        ("II", "Adoption of the agenda", "agenda_item", None, None, None, []),
        ("III", "Election of officers", "agenda_item", None, None, None, []),
        (
            *("IV", "General debate", "agenda_item", None, None, None),
            [
                ("Representative of France", "panellist", in_person),
                ("Jorge Ejemplo", "panellist", online),
            ],
        ),
    ]
    assert running_order(lunch) == []
    assert running_order(group1) == [
        ("", "Opening remarks", "opening", 10, None, None, [("Li Wei", "moderator", in_person)]),
        (
            *("", "Data sources and gaps", "presentation", 20, None, None),
            [("Sara Muster", "panellist", in_person)],
        ),
        ("", "Discussion / Q&A", "discussion", 60, None, None, []),
    ]
    assert running_order(group2) == [
        (
            *("", "Remittance costs", "presentation", 30, None, None),
            [("Ana Exemplo", "keynote", video)],
        ),
        (
            "",
            "Discussion / Q&A",
            "discussion",
            60,
            None,
            None,
            [("To be announced", "respondent", in_person)],
        ),
    ]
    assert running_order(closing) == [
        (
            *("V", "Reports of the working groups", "statements", 45, None, None),
            [("Li Wei", "rapporteur", in_person), ("Sara Muster", "rapporteur", in_person)],
        ),
        (
            *("", "Wrap-up", "concluding", 30, time(11, 30), time(12)),
            [("Amina Example", "chair", in_person)],
        ),
    ]
    # Amina Example speaks in two sessions: one person, a place in each.
    assert Person.objects.filter(name="Amina Example").count() == 1
    wrap_up = closing.placed_items()[0][-1]
    assert (wrap_up.start, wrap_up.end) == (
        datetime(2025, 3, 21, 11, 30, tzinfo=GENEVA),
        datetime(2025, 3, 21, 12, tzinfo=GENEVA),
    )
    assert wrap_up.start.astimezone(UTC) == datetime(2025, 3, 21, 10, 30, tzinfo=UTC)
    assert [panel.is_published for panel in (plenary, lunch, group1, group2, closing)] == [
        False
    ] * 5


def test_preview_says_the_running_orders_are_replaced(admin_client, meeting):
    previewed = preview(admin_client, EXAMPLE.read_bytes(), meeting)

    page = " ".join(previewed.content.decode().split())
    assert (
        "Confirming replaces the running order of each of the 5 sessions this file names in "
        "“<bdi>Global forum on migration</bdi>” with the file's items; the meeting's other "
        "sessions are "
        "not changed."
    ) in page
    assert previewed.context["confirm_form"].initial["meeting"] == meeting.pk
    assert Panel.objects.filter(meeting=meeting).count() == 0


def test_exported_programme_reimports_without_loss(admin_client, meeting):
    import_file(admin_client, EXAMPLE.read_bytes(), meeting)
    exported = admin_client.get(admin_url(Meeting, "programme_export", meeting.pk, "csv")).content
    counts, orders = (
        database_counts(),
        [running_order(panel) for panel in Panel.objects.filter(meeting=meeting)],
    )

    import_file(admin_client, exported, meeting)

    assert exported.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(exported.decode("utf-8-sig")))) == HEADER
    assert database_counts() == counts
    assert [running_order(panel) for panel in Panel.objects.filter(meeting=meeting)] == orders
    assert (
        admin_client.get(admin_url(Meeting, "programme_export", meeting.pk, "csv")).content
        == exported
    )


def test_export_neutralises_formulae_and_reimports_them(admin_client, meeting):
    rows_in = rows(item_row(Session="=1+1", Item="@SUM(A1)", Speakers="-Amina"))
    import_file(admin_client, rows_in, meeting)

    exported = admin_client.get(admin_url(Meeting, "programme_export", meeting.pk, "csv"))
    (_header, row) = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    import_file(admin_client, exported.content, meeting)

    assert (row[1], row[7], row[12]) == ("'=1+1", "'@SUM(A1)", "'-Amina (Panellist)")
    assert Panel.objects.get(meeting=meeting).title == "=1+1"
    assert Person.objects.get().name == "-Amina"


# ---------------------------------------------------------------------------------------------
# Re-importing, and what a row may say


def test_reimport_replaces_the_running_order_of_the_sessions_it_names(admin_client, meeting):
    import_file(admin_client, EXAMPLE.read_bytes(), meeting)
    group1 = Panel.objects.get(title="Working group 1: Data on migration")
    closing = Panel.objects.get(title="Closing plenary")
    before = running_order(closing)
    version, places = group1.version, group1.panellists.count()

    import_file(
        admin_client,
        rows(
            item_row(
                Session="working group 1: data on migration",
                **{"Session start": "15:30", "Room": "room xvii"},
                Item="Only item",
                Duration="45",
                Speakers="li wei",
            )
        ),
        meeting,
    )

    group1.refresh_from_db()
    assert running_order(group1) == [
        ("", "Only item", "presentation", 45, None, None, [("Li Wei", "moderator", "in_person")])
    ]
    assert (group1.start_time, group1.room.name, group1.sequence) == (time(15, 30), "Room XVII", 1)
    assert group1.version > version
    assert group1.panellists.count() == places  # places no longer speaking stay
    assert running_order(closing) == before
    assert Room.objects.filter(meeting=meeting).count() == 4


def test_session_rows_and_times_after_midnight_and_unpublished(admin_client, meeting):
    import_file(
        admin_client,
        rows(
            {"Date": "2025-03-20", "Session": "Reception", "Session kind": "other"},
            {
                "Date": "2025-03-21",
                "Session": "Night session",
                "Session start": "22:00",
                "Session end": "01:00",
                "Room": "Salle XX",
            },
            {"Date": "2025-03-21", "Session": "Night session", "Item": "Votes", "End": "00:30"},
        ),
        meeting,
    )

    reception, night = Panel.objects.filter(meeting=meeting).in_programme_order()
    assert (reception.kind, reception.start_time, reception.room) == ("other", None, None)
    assert (night.kind, night.ends_after_midnight, night.room.name) == ("panel", True, "Salle XX")
    assert running_order(night) == [("", "Votes", "other", None, None, time(0, 30), [])]
    assert night.moment(time(0, 30)) == datetime(2025, 3, 22, 0, 30, tzinfo=GENEVA)


def test_speakers_places_without_a_person_and_headers_in_any_case(admin_client, meeting):
    data = csv_file(
        [
            [header.upper() for header in HEADER],
            [
                *("2025-03-20", "Panel", "", "", "", "", "", "Debate", "", "", "", ""),
                "[](respondent); [ Chair of the Second Committee ] (online);",
            ],
            [
                *("2025-03-20", "Panel", "", "", "", "", "", "Reply", "", "", "", ""),
                "[TO BE ANNOUNCED]; [to be announced]",
            ],
        ]
    )

    previewed = preview(admin_client, data, meeting)
    assert row_errors(previewed) == [
        (
            2,
            {
                "Speakers": [
                    "“[to be announced]” is named twice in this item; name each speaker once."
                ]
            },
        )
    ]
    import_file(admin_client, b"\r\n".join(data.splitlines()[:2]), meeting)

    panel = Panel.objects.get()
    assert running_order(panel) == [
        (
            *("", "Debate", "other", None, None, None),
            [
                ("To be announced", "respondent", "in_person"),
                ("Chair of the Second Committee", "panellist", "online"),
            ],
        )
    ]


def test_xlsx_with_date_and_time_cells(admin_client, meeting):
    data = xlsx_file(
        [
            HEADER,
            [
                *(datetime(2025, 3, 20), "Side event", "Side event", time(8), time(9)),
                *("Salle XX", "1", "Breakfast talk", "Keynote address", time(8), time(8, 20)),
                *(None, "Amina Example (Keynote speaker, Recorded video message)"),
            ],
        ]
    )

    import_file(admin_client, data, meeting, name="programme.xlsx")

    (panel,) = Panel.objects.filter(meeting=meeting)
    assert (panel.date, panel.kind, panel.start_time) == (date(2025, 3, 20), "side_event", time(8))
    assert running_order(panel) == [
        (
            *("1", "Breakfast talk", "keynote", 20, time(8), time(8, 20)),
            [("Amina Example", "keynote", "video")],
        )
    ]


# ---------------------------------------------------------------------------------------------
# Bad rows are explained beside their column, and a rejected file saves nothing

ROLES = (
    "Chair, Co-chair, Moderator, Keynote speaker, Opening statement, Panellist, Discussant, "
    "Respondent, Rapporteur, Closing remarks"
)


@pytest.mark.parametrize(
    ("cells", "errors"),
    [
        (
            {"Speakers": "Sam Muster (Speaker)"},
            {"Speakers": [f"“Speaker” is not a role. Use one of {ROLES}."]},
        ),
        (
            {"Speakers": "Sam Muster (Panellist, by phone)"},
            {
                "Speakers": [
                    "“by phone” is not a way of taking part. Use one of In person, Online, "
                    "Recorded video message."
                ]
            },
        ),
        (
            {"Session kind": "Seminar"},
            {
                "Session kind": [
                    "“Seminar” is not a kind of session. Use one of Panel discussion, Plenary "
                    "session, Working group, Side event, Briefing, Break, Other, or leave it "
                    "blank."
                ]
            },
        ),
        (
            {"Item kind": "Speech"},
            {
                "Item kind": [
                    "“Speech” is not a kind of item. Use one of Opening remarks, Keynote "
                    "address, Agenda item, Presentation, Statements, Discussion / Q&A, Open "
                    "floor, Tour de table, Video screening, Concluding remarks, Break, Lunch, "
                    "Other, or leave it blank."
                ]
            },
        ),
        (
            {"Start": "25:00"},
            {
                "Start": [
                    "“25:00” is not a time. Write it as HH:MM on a 24-hour clock, e.g. 09:30 or "
                    "15:00."
                ]
            },
        ),
        (
            {"Duration": "abc"},
            {
                "Duration": [
                    "“abc” is not a number of minutes. Write whole minutes, e.g. 45, or leave it "
                    "blank."
                ]
            },
        ),
        (
            {"Speakers": "Sam Muster; sam muster (Chair)"},
            {
                "Speakers": [
                    "“sam muster (Chair)” is named twice in this item; name each speaker once."
                ]
            },
        ),
        (
            {"Speakers": "[Representative of France"},
            {
                "Speakers": [
                    "“[Representative of France”: put a function between square brackets, e.g. "
                    "“[Representative of France]”."
                ]
            },
        ),
        (
            {"Date": "20/03/2025"},
            {"Date": ["“20/03/2025” is not a date. Write it as YYYY-MM-DD, e.g. 2017-02-16."]},
        ),
        (
            {"Date": "2025-04-20", "Session": "Field visit"},
            {
                "Date": [
                    "The meeting runs from March 20, 2025 to March 21, 2025; choose a day in "
                    "between, or up to 7 days before or after (an arrival day, a briefing)."
                ]
            },
        ),
        (
            {"Session": "Evening", "Session start": "", "Session end": "18:00"},
            {"Session start": ["Give the start time too, or leave both times blank."]},
        ),
        (
            {"Session start": "16:00"},
            {
                "Session start": [
                    "This session's first row (row 1 of the file) gives “15:00” here. Give a "
                    "session's details in its first row; later rows leave them blank or repeat "
                    "them."
                ]
            },
        ),
        (
            {"Start": "15:00", "End": "15:30", "Duration": "20"},
            {
                "Duration": [
                    "From 15:00 to 15:30 is 30 minutes: correct the duration, or leave it blank."
                ]
            },
        ),
        (
            {"Item": "", "Item kind": "", "Duration": "10"},
            {
                "Item": [
                    "Give the item's title or kind, or leave Duration blank in a row that only "
                    "gives its session."
                ]
            },
        ),
        (
            {"Item": "", "Item kind": "", "No.": "2"},
            {"Item": ["Give the item's title, or its kind."]},
        ),
        (
            {"Speakers": "Sam Muster (Moderator)"},
            {
                "Speakers": [
                    "“Sam Muster (Moderator)”: This panel already has a moderator. Change that "
                    "person's role first."
                ]
            },
        ),
        (
            {"Speakers": "Amina Example (Chair)"},
            {
                "Speakers": [
                    "“Amina Example (Chair)”: row 1 of the file gives them as “Moderator”; a "
                    "participant has one role and one way of taking part in a session."
                ]
            },
        ),
        (
            {"Session": ""},
            {"Session": ["Give the session's title."]},
        ),
    ],
    ids=[
        "unknown-role",
        "unknown-attendance",
        "unknown-session-kind",
        "unknown-item-kind",
        "hour-25",
        "duration-not-a-number",
        "speaker-twice",
        "unclosed-bracket",
        "date-not-iso",
        "date-outside-meeting",
        "end-without-start",
        "session-details-contradict-first-row",
        "duration-contradicts-times",
        "item-cells-without-item",
        "number-without-title-or-kind",
        "second-moderator",
        "other-role-than-earlier-row",
        "no-session",
    ],
)
def test_bad_row_is_explained_and_nothing_is_saved(admin_client, meeting, cells, errors):
    good = item_row(Speakers="Amina Example (Moderator)")
    counts = database_counts()

    previewed = preview(admin_client, rows(good, item_row(**cells)), meeting)

    assert row_errors(previewed) == [(2, errors)]
    assert "confirm_form" not in previewed.context
    assert database_counts() == counts


def test_a_row_of_a_refused_session_points_to_its_first_row(admin_client, meeting):
    previewed = preview(
        admin_client, rows(item_row(Duration="abc"), item_row(Item="Next")), meeting
    )

    assert [number for number, _errors in row_errors(previewed)] == [1, 2]
    assert row_errors(previewed)[1][1] == {
        "Session": ["This session's first row (row 1 of the file) has errors: correct them first."]
    }


def test_unknown_room_is_refused_and_the_meetings_rooms_named(admin_client, meeting):
    previewed = preview(admin_client, rows(item_row(Room="Salle des Pas Perdus")), meeting)

    assert row_errors(previewed)[0][1]["Room"] == [
        "This meeting has no room “Salle des Pas Perdus”. Use one of “Assembly Hall”, "
        "“Room XVII”, “Room XVIII”, “Salle XX”, or add the room on the meeting's page first."
    ]
    assert not Panel.objects.exists()


def test_file_in_another_encoding_gets_the_utf8_message(admin_client, meeting):
    data = "Date,Session,Item\r\n2025-03-20,Débat,Zoë\r\n".encode("cp1252")

    previewed = preview(admin_client, data, meeting)

    assert previewed.context["form"].errors["import_file"] == [
        "This file is not in UTF-8, so names in other scripts would be garbled. In Excel, save "
        "it as “CSV UTF-8 (Comma delimited)”, or import the .xlsx file itself."
    ]


def test_file_without_the_programme_columns_is_refused(admin_client, meeting):
    previewed = preview(
        admin_client, csv_file([["Name", "Email"], ["Sam", "s@example.org"]]), meeting
    )

    assert file_errors(previewed) == [
        "This file has no “Date”, “Session” column. A programme has the columns Date, Session, "
        "Session kind, Session start, Session end, Room, No., Item, Item kind, Start, End, "
        "Duration, Speakers, with their headers in the first row."
    ]
    assert "confirm_form" not in previewed.context


def test_file_of_ten_thousand_rows_is_refused_whole(admin_client, meeting):
    lines = [item_row(Item=f"Item {number}") for number in range(10_000)]
    counts = database_counts()

    previewed = preview(admin_client, rows(*lines), meeting)

    assert file_errors(previewed) == [
        "This file has 10000 rows; an import takes at most 1000. Split it into smaller files."
    ]
    assert "confirm_form" not in previewed.context
    assert database_counts() == counts


def test_blank_rows_are_skipped(admin_client, meeting):
    import_file(admin_client, rows(item_row(), {}, item_row(Item="Second")), meeting)

    assert [item[1] for item in running_order(Panel.objects.get())] == ["Data sources", "Second"]


def test_import_needs_a_meeting(admin_client, meeting):
    response = admin_client.post(
        admin_url(Meeting, "import"),
        {"format": "0", "import_file": SimpleUploadedFile("p.csv", rows(item_row()))},
    )

    assert response.context["form"].errors["meeting"] == ["This field is required."]


# ---------------------------------------------------------------------------------------------
# Permissions and links


# What a programme import takes: it adds and changes sessions, items, places and people, and
# replaces running orders.
ALL_NEEDED = [
    "view_meeting",
    "add_panel",
    "change_panel",
    "add_segment",
    "change_segment",
    "delete_segment",
    "add_panellist",
    "change_panellist",
    "add_person",
    "change_person",
]


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        ([*ALL_NEEDED], True),
        ([name for name in ALL_NEEDED if name != "add_panel"], False),
        ([name for name in ALL_NEEDED if name != "delete_segment"], False),
        ([name for name in ALL_NEEDED if name != "add_person"], False),
        (["view_meeting", "add_panel", "change_panel", "add_segment", "change_segment"], False),
    ],
)
def test_import_needs_permission_to_add_and_change_panels_and_segments(
    client, django_user_model, meeting, codenames, allowed
):
    officer = staff_with(client, django_user_model, *codenames)

    page = officer.get(admin_url(Meeting, "import") + f"?meeting={meeting.pk}")
    previewed = preview(officer, rows(item_row()), meeting)
    meeting_page = officer.get(admin_url(Meeting, "change", meeting.pk)).content.decode()
    list_page = officer.get(admin_url(Meeting, "changelist")).content.decode()

    assert page.status_code == previewed.status_code == (200 if allowed else 403)
    link = f'{admin_url(Meeting, "import")}?meeting={meeting.pk}" class="import_link"'
    assert (link in meeting_page) is allowed
    assert ("Import programme" in list_page) is allowed
    assert Panel.objects.count() == 0
    if allowed:
        assert page.context["form"].initial["meeting"] == str(meeting.pk)


def test_confirming_twice_imports_once(admin_client, meeting):
    previewed = preview(admin_client, rows(item_row()), meeting)

    confirm(admin_client, previewed)
    again = confirm(admin_client, previewed)

    assert messages_of(again) == [
        "This import was already processed (or its preview has expired): check the list "
        "below, and start a new import if something is missing."
    ]
    assert Segment.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# From the attack on the import


def test_a_confirmation_tampered_with_saves_nothing_and_says_so(admin_client, meeting):
    previewed = preview(admin_client, rows(item_row()), meeting)
    data = {**previewed.context["confirm_form"].initial, "format": "7"}

    response = admin_client.post(admin_url(Meeting, "process_import"), data, follow=True)

    assert response.status_code == 200
    assert messages_of(response) == [
        "This confirmation does not match its preview, so nothing was imported. Start the "
        "import again."
    ]
    assert Segment.objects.count() == 0


def test_a_column_given_twice_is_refused(admin_client, meeting):
    data = csv_file(
        [
            [*HEADER, "date"],
            [item_row().get(column, "") for column in HEADER] + ["2025-03-21"],
        ]
    )

    previewed = preview(admin_client, data, meeting)

    assert file_errors(previewed) == ["This file has the column “Date” more than once: keep one."]
    assert Panel.objects.count() == 0


def test_names_in_other_scripts_match_whatever_their_case(admin_client, meeting):
    first = rows(item_row(Session="Débat élargi", Speakers="Zoë Ünal"))
    again = rows(item_row(Session="DÉBAT ÉLARGI", Speakers="ZOË ÜNAL"))

    import_file(admin_client, first, meeting)
    import_file(admin_client, again, meeting)

    assert (Panel.objects.count(), Person.objects.count()) == (1, 1)


def test_an_item_fixed_before_the_previous_one_ends_is_refused(admin_client, meeting):
    data = rows(
        item_row(Item="First", Start="15:00", End="15:40", Duration=""),
        item_row(Item="Second", Start="15:20", End="15:50", Duration=""),
    )

    previewed = preview(admin_client, data, meeting)

    assert row_errors(previewed)[0][1]["Start"] == [
        "The item before it runs until 15:40: start this one then or later."
    ]
    assert Segment.objects.count() == 0
