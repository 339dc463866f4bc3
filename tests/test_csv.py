"""The secretariat's spreadsheet of panellists: exporting panels' people from the admin's lists,
and importing a spreadsheet of them back (``panels.resources``, ``panels.admin.imports``).

Exports are read back with the ``csv`` module and ``openpyxl``, as a spreadsheet would read
them; imports go through the admin's two steps (preview, then "Confirm import"), as an officer
would, and the database is counted before and after.
"""

import csv
import io
from datetime import UTC, datetime, time
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from panels import resources, services
from panels.models import Panel, Panellist, Person
from tests.admin_helpers import admin_url, form_data, messages_of, staff_with

ANSWERED_AT = datetime(2017, 1, 20, 14, 30, tzinfo=UTC)  # 09:30 in New York (UTC−5)

HEADER = [
    "Meeting",
    "Panel",
    "Panel ID",
    "Name",
    "Honorific",
    "Position",
    "Organisation",
    "Email",
    "Language",
    "Role",
    "Status",
    "Answered at",
    "Order",
    "Presentation title",
]

BOM = b"\xef\xbb\xbf"


# ---------------------------------------------------------------------------------------------
# Helpers


def csv_rows(data):
    """The rows of CSV ``data`` (bytes in UTF-8, with or without a byte order mark)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_file(rows, delimiter=","):
    """``rows`` (lists of str, the header first) as the bytes of a CSV file in UTF-8."""
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter).writerows(rows)
    return stream.getvalue().encode()


def xlsx_file(rows):
    """``rows`` (lists of values, the header first) as the bytes of an Excel workbook."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def export_panels(client, *panels):
    """Run the panel list's "Export panellists of selected panels (CSV)" action."""
    return client.post(
        admin_url(Panel, "changelist"),
        {"action": "export_panellists", "_selected_action": [panel.pk for panel in panels]},
    )


def export_list(client, query="", file_format="0"):
    """Press "Export" on the panellist list (filtered by ``query``), every column ticked."""
    names = resources.PanellistResource.Meta.fields
    data = {f"panellistresource_{name}": "on" for name in names} | {"format": file_format}
    return client.post(admin_url(Panellist, "export") + query, data)


def preview(client, data, name="panellists.csv"):
    """Upload ``data`` on the panellist list's import page: the preview step."""
    file_format = "1" if name.endswith(".xlsx") else "0"  # the page's choices: CSV, XLSX
    return client.post(
        admin_url(Panellist, "import"),
        {"format": file_format, "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, previewed):
    """Press "Confirm import" on the preview page ``previewed``."""
    form = previewed.context["confirm_form"]
    return client.post(admin_url(Panellist, "process_import"), form.initial, follow=True)


def import_file(client, data, name="panellists.csv"):
    """Preview ``data`` and confirm it; the preview must have no errors."""
    previewed = preview(client, data, name)
    assert row_errors(previewed) == []
    return confirm(client, previewed)


def row_errors(response):
    """The rows the import refused: ``(row number, {column: [messages]})``."""
    result = response.context["result"]
    assert not result.has_errors(), [error.error for error in result.base_errors]
    return [(row.number, row.error_dict) for row in result.invalid_rows]


def totals(response):
    """How many rows the import adds, updates and skips."""
    result = response.context["result"]
    return {kind: result.totals[kind] for kind in ("new", "update", "skip")}


def database_counts():
    return (Person.objects.count(), Panellist.objects.count())


def panel_version(panel):
    return Panel.objects.values_list("version", flat=True).get(pk=panel.pk)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(title="Coordination meeting on migration", slug="cm15")


@pytest.fixture
def panel(meeting, make_panel):
    """15:00-16:30 in New York, with a moderator, a confirmed speaker and a speaker without
    an email address."""
    panel = make_panel(meeting, title="Migration and the 2030 Agenda")
    make_panel_people(panel)
    return panel


def make_panel_people(panel):
    moderator = Person.objects.create(
        honorific="H.E. Ms.",
        name="Amina Example",
        position="Permanent Representative",
        organisation="Mission of Examplia",
        email="amina@example.org",
    )
    speaker = Person.objects.create(
        honorific="Dr.", name="Jorge Ejemplo", organisation="IOM", email="Jorge@Example.org"
    )
    quiet = Person.objects.create(name="Li Wei", organisation="UN DESA")
    Panellist.objects.create(panel=panel, person=moderator, role="moderator", order=0)
    Panellist.objects.create(
        panel=panel,
        person=speaker,
        order=1,
        presentation_title="Data on migration, 2015–2030",
        status=Panellist.Status.CONFIRMED,
        responded_at=ANSWERED_AT,
    )
    Panellist.objects.create(panel=panel, person=quiet, order=2, role="discussant")


@pytest.fixture
def later_panel(meeting, make_panel):
    """A second panel of the meeting, the next morning, with one panellist."""
    panel = make_panel(
        meeting,
        title="Remittances",
        date=meeting.end_date,
        start_time=time(10),
        end_time=time(11),
    )
    person = Person.objects.create(name="Ana Exemplo", email="ana@example.org")
    Panellist.objects.create(panel=panel, person=person, role="chair")
    return panel


def expected_rows(panel, later_panel):
    meeting = "Coordination meeting on migration"
    first, second = str(panel.pk), str(later_panel.pk)
    return [
        HEADER,
        [
            *(meeting, "Migration and the 2030 Agenda", first, "Amina Example", "H.E. Ms."),
            *("Permanent Representative", "Mission of Examplia", "amina@example.org", ""),
            *("Moderator", "Invited", "", "0", ""),
        ],
        [
            *(meeting, "Migration and the 2030 Agenda", first, "Jorge Ejemplo", "Dr."),
            *("", "IOM", "Jorge@Example.org", "", "Panellist", "Confirmed"),
            *("2017-01-20T09:30:00-05:00", "1", "Data on migration, 2015–2030"),
        ],
        [
            *(meeting, "Migration and the 2030 Agenda", first, "Li Wei", "", "", "UN DESA"),
            *("", "", "Discussant", "Invited", "", "2", ""),
        ],
        [
            *(meeting, "Remittances", second, "Ana Exemplo", "", "", "", "ana@example.org"),
            *("", "Chair", "Invited", "", "0", ""),
        ],
    ]


# ---------------------------------------------------------------------------------------------
# Export


def test_export_of_selected_panels_gives_a_row_per_panellist(
    admin_client, panel, later_panel, make_panel, make_panellist
):
    other = make_panel(title="Not selected")
    make_panellist(other)

    response = export_panels(admin_client, later_panel, panel)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="panellists-cm15-')
    assert response.content.startswith(BOM)
    assert csv_rows(response.content) == expected_rows(panel, later_panel)


def test_export_keeps_names_in_every_script(admin_client, panel):
    Person.objects.filter(name="Li Wei").update(name="李伟", organisation="Département (DAES)")

    rows = csv_rows(export_panels(admin_client, panel).content)

    assert rows[3][3:7] == ["李伟", "", "", "Département (DAES)"]


@pytest.mark.parametrize(
    ("name", "exported"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("'=1", "''=1"),
        ("'t Hooft", "'t Hooft"),
        ("Amina = Example", "Amina = Example"),
    ],
)
def test_export_neutralises_cells_that_start_a_formula(admin_client, panel, name, exported):
    Person.objects.filter(name="Li Wei").update(name=name, organisation=name)

    rows = csv_rows(export_panels(admin_client, panel).content)

    assert (rows[3][3], rows[3][6]) == (exported, exported)


def test_export_quotes_every_cell_so_a_semicolon_cannot_start_a_formula(admin_client, panel):
    """Excel in French or German splits an unquoted line at semicolons: the text after one
    would be a cell of its own, here a formula."""
    Person.objects.filter(name="Li Wei").update(organisation="Org;=2+3")

    content = export_panels(admin_client, panel).content.decode("utf-8-sig")

    lines = content.splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert any(',"Org;=2+3",' in line for line in lines)
    assert csv_rows(content.encode())[3][6] == "Org;=2+3"


def test_export_from_panellist_list_as_xlsx_holds_no_formula(admin_client, panel):
    Person.objects.filter(name="Li Wei").update(organisation="=1+1")

    response = export_list(admin_client, file_format="1")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in next(sheet.iter_rows())] == HEADER
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert "'=1+1" in [cell.value for cell in cells]


def test_export_from_panellist_list_as_csv_follows_its_filters(admin_client, panel, later_panel):
    response = export_list(admin_client, f"?panel__id__exact={later_panel.pk}")

    assert response.content.startswith(BOM)
    assert csv_rows(response.content) == [HEADER, expected_rows(panel, later_panel)[4]]


# ---------------------------------------------------------------------------------------------
# Export, import: no loss


def test_export_imported_unchanged_changes_nothing(admin_client, panel, later_panel):
    exported = export_panels(admin_client, panel, later_panel).content
    counts, versions = database_counts(), [panel_version(panel), panel_version(later_panel)]

    previewed = preview(admin_client, exported)
    done = confirm(admin_client, previewed)

    assert (row_errors(previewed), totals(previewed)) == ([], {"new": 0, "update": 0, "skip": 4})
    assert messages_of(done) == [
        "Import finished: 0 new, 0 updated, 0 deleted and 4 skipped panellists."
    ]
    assert database_counts() == counts
    assert [panel_version(panel), panel_version(later_panel)] == versions
    assert export_panels(admin_client, panel, later_panel).content == exported


def test_deleted_panellist_comes_back_identical_from_an_export(admin_client, panel, later_panel):
    exported = export_panels(admin_client, panel, later_panel).content
    speaker = Panellist.objects.get(person__name="Jorge Ejemplo")
    speaker.delete()
    version = panel_version(panel)

    previewed = preview(admin_client, exported)
    import_totals = totals(previewed)
    confirm(admin_client, previewed)

    assert import_totals == {"new": 1, "update": 0, "skip": 3}
    restored = Panellist.objects.get(person__name="Jorge Ejemplo")
    assert (restored.status, restored.responded_at) == (Panellist.Status.CONFIRMED, ANSWERED_AT)
    assert export_panels(admin_client, panel, later_panel).content == exported
    assert panel_version(panel) > version


def test_export_with_formula_cells_reimports_unchanged(admin_client, panel):
    Person.objects.filter(name="Li Wei").update(name="=Li Wei", organisation="'=UN DESA")
    exported = export_panels(admin_client, panel).content

    previewed = preview(admin_client, exported)

    assert totals(previewed) == {"new": 0, "update": 0, "skip": 3}


# ---------------------------------------------------------------------------------------------
# Import: changes, as a secretariat's spreadsheet has them


def test_import_adds_people_and_places_and_updates_by_email(admin_client, panel):
    rows = [
        ["panel id", "name", "email", "ROLE", "organisation", "status"],
        [str(panel.pk), "Jorge Ejemplo", "jorge@example.org", "keynote", "IOM", ""],
        [str(panel.pk), "Sara Muster", "sara@example.org", "Rapporteur", "UNHCR", "confirmed"],
    ]
    counts = database_counts()

    done = import_file(admin_client, csv_file(rows))

    assert messages_of(done) == [
        "Import finished: 1 new, 1 updated, 0 deleted and 0 skipped panellists."
    ]
    assert database_counts() == (counts[0] + 1, counts[1] + 1)
    jorge = Panellist.objects.select_related("person").get(person__name="Jorge Ejemplo")
    assert (jorge.role, jorge.status, jorge.responded_at, jorge.person.email) == (
        "keynote",
        Panellist.Status.CONFIRMED,
        ANSWERED_AT,
        "jorge@example.org",
    )
    sara = Panellist.objects.select_related("person").get(person__email="sara@example.org")
    assert (sara.role, sara.order, sara.person.name, sara.person.organisation) == (
        "rapporteur",
        3,
        "Sara Muster",
        "UNHCR",
    )
    assert sara.status == Panellist.Status.CONFIRMED and sara.responded_at is not None


def test_import_records_a_new_status_and_keeps_a_blank_one(admin_client, panel, monkeypatch):
    monkeypatch.setattr(services.answers, "timezone", SimpleNamespace(now=lambda: ANSWERED_AT))
    rows = [
        ["Panel ID", "Email", "Status", "Answered at"],
        [str(panel.pk), "amina@example.org", "declined", ""],
        [str(panel.pk), "jorge@example.org", "", ""],
        [str(panel.pk), "ana@example.org", "Withdrawn", "2017-01-21 10:00"],
    ]
    Person.objects.create(name="Ana Exemplo", email="ana@example.org")

    import_file(admin_client, csv_file(rows))

    answers = Panellist.objects.filter(panel=panel).values_list(
        "person__name", "status", "responded_at"
    )
    assert sorted(answers) == [
        ("Amina Example", "declined", ANSWERED_AT),
        ("Ana Exemplo", "withdrawn", datetime(2017, 1, 21, 15, tzinfo=UTC)),
        ("Jorge Ejemplo", "confirmed", ANSWERED_AT),
        ("Li Wei", "invited", None),
    ]


def test_import_finds_person_without_email_by_name_on_the_panel(admin_client, panel):
    rows = [["Panel ID", "Name", "Email", "Role"], [str(panel.pk), "Li Wei", "", "Panellist"]]
    counts = database_counts()

    import_file(admin_client, csv_file(rows))

    assert database_counts() == counts
    place = Panellist.objects.get(panel=panel, person__name="Li Wei")
    assert (place.role, place.person.email) == ("panellist", "")


def test_import_blank_email_keeps_the_stored_one(admin_client, panel):
    rows = [["Panel ID", "Name", "Email"], [str(panel.pk), "Amina Example", ""]]

    import_file(admin_client, csv_file(rows))

    assert Person.objects.get(name="Amina Example").email == "amina@example.org"


def test_import_finds_panel_by_title_and_meeting(admin_client, panel, later_panel):
    rows = [
        ["Meeting", "Panel", "Name", "Email"],
        ["coordination meeting on migration", "REMITTANCES", "Sara Muster", "sara@example.org"],
    ]

    import_file(admin_client, csv_file(rows))

    assert Panellist.objects.get(person__email="sara@example.org").panel == later_panel


def test_import_reads_semicolon_separated_csv(admin_client, panel):
    rows = [["Panel ID", "Name", "Email"], [str(panel.pk), "Sara Muster", "sara@example.org"]]

    import_file(admin_client, csv_file(rows, delimiter=";"))

    assert Panellist.objects.get(person__email="sara@example.org").panel == panel


def test_import_xlsx_adds_panellists(admin_client, panel):
    rows = [
        HEADER,
        [
            *("Coordination meeting on migration", "Migration and the 2030 Agenda", panel.pk),
            *("Sara Muster", "Ms.", "Director", "UNHCR", "Sara@Example.org", "French", "Chair"),
            *("Declined", datetime(2017, 1, 20, 9, 30), 5, "Protection at sea"),
        ],
    ]

    import_file(admin_client, xlsx_file(rows), name="panellists.xlsx")

    sara = Panellist.objects.select_related("person").get(person__name="Sara Muster")
    assert (sara.panel, sara.role, sara.order, sara.presentation_title) == (
        panel,
        "chair",
        5,
        "Protection at sea",
    )
    assert (sara.status, sara.responded_at) == (Panellist.Status.DECLINED, ANSWERED_AT)
    assert (sara.person.honorific, sara.person.position, sara.person.email) == (
        "Ms.",
        "Director",
        "Sara@Example.org",
    )
    assert sara.person.preferred_language == "fr"


def test_import_changing_a_panel_refuses_a_stale_save_of_its_page(admin_client, panel):
    page = admin_client.get(admin_url(Panel, "change", panel.pk))
    rows = [["Panel ID", "Email", "Role"], [str(panel.pk), "jorge@example.org", "Discussant"]]
    import_file(admin_client, csv_file(rows))

    response = admin_client.post(admin_url(Panel, "change", panel.pk), form_data(page))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()[0] == (
        "This panel was saved again after you opened this page (by someone else, or by you in "
        "another tab), so nothing on this page was saved. Open the panel again to see what is "
        "saved now, then make your changes again."
    )
    assert Panellist.objects.get(person__name="Jorge Ejemplo").role == "discussant"


# ---------------------------------------------------------------------------------------------
# Import: bad rows are explained, and a rejected file saves nothing


def good_row(panel):
    return [str(panel.pk), "Sara Muster", "sara@example.org", "Panellist"]


@pytest.mark.parametrize(
    ("bad_row", "errors"),
    [
        (
            ["{panel}", "Sam Muster", "sam@example.org", "Speaker"],
            {
                "Role": [
                    "“Speaker” is not a role. Use one of Chair, Co-chair, Moderator, Keynote "
                    "speaker, Opening statement, Panellist, Discussant, Respondent, Rapporteur, "
                    "Closing remarks."
                ]
            },
        ),
        (
            ["999999", "Sam Muster", "sam@example.org", "Panellist"],
            {
                "Panel": [
                    "No panel has the ID 999999. Check the panel ID, or leave it blank and "
                    "give the panel's title."
                ]
            },
        ),
        (
            ["{panel}", "Sam Muster", "sam(at)example.org", "Panellist"],
            {"Email": ["Enter a valid email address."]},
        ),
        (
            ["{panel}", "Sam Muster", "sam@example.org", "moderator"],
            {"Role": ["This panel already has a moderator. Change that person's role first."]},
        ),
        (
            ["{panel}", "Sara Muster", "SARA@example.org", "Discussant"],
            {
                "Name": [
                    "This person is already on this panel in row 1 of the file; a person has "
                    "one place on a panel."
                ]
            },
        ),
        (
            ["{panel}", "", "sam@example.org", "Panellist"],
            {"Name": ["This field cannot be blank."]},
        ),
        (
            ["abc", "Sam Muster", "sam@example.org", "Panellist"],
            {
                "Panel ID": [
                    "“abc” is not a panel ID. Give the number from an export, or leave it "
                    "blank and give the panel's title."
                ]
            },
        ),
    ],
    ids=[
        "unknown-role",
        "unknown-panel",
        "bad-email",
        "second-moderator",
        "twice-on-panel",
        "no-name",
        "bad-panel-id",
    ],
)
def test_import_preview_explains_bad_row_and_offers_no_confirmation(
    admin_client, panel, bad_row, errors
):
    bad_row = [cell.format(panel=panel.pk) for cell in bad_row]
    rows = [["Panel ID", "Name", "Email", "Role"], good_row(panel), bad_row]
    counts = database_counts()

    previewed = preview(admin_client, csv_file(rows))

    assert row_errors(previewed) == [(2, errors)]
    assert "confirm_form" not in previewed.context
    assert database_counts() == counts


def test_import_preview_reports_every_error_of_a_row(admin_client, panel):
    rows = [
        ["Panel ID", "Name", "Email", "Role", "Status"],
        ["999999", "Sam Muster", "sam(at)example.org", "Speaker", "Confirmd"],
    ]

    previewed = preview(admin_client, csv_file(rows))

    (number, errors) = row_errors(previewed)[0]
    assert sorted(errors) == ["Email", "Panel", "Role", "Status"]
    assert errors["Status"] == [
        "“Confirmd” is not a status. Use one of Invited, Confirmed, Declined, Withdrawn, or "
        "leave it blank."
    ]


def test_import_confirmed_after_a_clash_saves_nothing(admin_client, panel):
    Panellist.objects.filter(role="moderator").update(role="panellist")
    rows = [
        ["Panel ID", "Name", "Email", "Role"],
        good_row(panel),
        [str(panel.pk), "Sam Muster", "sam@example.org", "Moderator"],
    ]
    previewed = preview(admin_client, csv_file(rows))
    assert row_errors(previewed) == []
    # Meanwhile, someone else gives the panel its moderator back.
    Panellist.objects.filter(person__name="Amina Example").update(role="moderator")
    counts = database_counts()

    done = confirm(admin_client, previewed)

    assert database_counts() == counts
    assert row_errors(done) == [
        (2, {"Role": ["This panel already has a moderator. Change that person's role first."]})
    ]
    assert messages_of(done) == [
        "Nothing was imported: some rows can no longer be saved, because panels or people "
        "changed after the preview. Correct the rows listed below and import the file again."
    ]
    assert not Person.objects.filter(email="sara@example.org").exists()


def test_import_database_refusal_is_a_row_error_not_a_server_error(
    admin_client, panel, monkeypatch
):
    # As if another officer saved a second moderator between the row's check and its save.
    monkeypatch.setattr(Panellist, "validate_constraints", lambda self, exclude=None: None)
    rows = [
        ["Panel ID", "Name", "Email", "Role"],
        [str(panel.pk), "Sam", "s@example.org", "Moderator"],
    ]
    counts = database_counts()

    previewed = preview(admin_client, csv_file(rows))

    assert row_errors(previewed) == [
        (
            1,
            {
                "__all__": [
                    "This row clashes with a change saved at the same moment (a panel has one "
                    "moderator, and each person one place on it). Import the file again."
                ]
            },
        )
    ]
    assert database_counts() == counts


def test_import_of_a_person_saved_meanwhile_is_a_row_error_not_a_server_error(
    admin_client, panel, monkeypatch
):
    # As if an officer saved Amina's page between the row's reading her and its saving her.
    find_person = resources.PanellistResource.find_person

    def find_person_saved_meanwhile(self, row, panel):
        person = find_person(self, row, panel)
        Person.objects.filter(pk=person.pk).update(version=F("version") + 1, position="Chief")
        return person

    monkeypatch.setattr(resources.PanellistResource, "find_person", find_person_saved_meanwhile)
    rows = [["Panel ID", "Email", "Position"], [str(panel.pk), "amina@example.org", "Director"]]

    previewed = preview(admin_client, csv_file(rows))

    assert row_errors(previewed) == [
        (
            1,
            {
                "__all__": [
                    "Someone else saved this person's details while the file was being "
                    "imported, so this row was not saved. Import the file again."
                ]
            },
        )
    ]
    # The preview saves nothing: neither the row nor, here, the simulated save.
    assert Person.objects.get(email="amina@example.org").position == "Permanent Representative"


def test_import_refuses_a_file_that_is_not_utf8(admin_client, panel):
    data = f"Panel ID,Name\r\n{panel.pk},Zoë Müller\r\n".encode("cp1252")

    previewed = preview(admin_client, data)

    assert previewed.context["form"].errors["import_file"] == [
        "This file is not in UTF-8, so names in other scripts would be garbled. In Excel, save "
        "it as “CSV UTF-8 (Comma delimited)”, or import the .xlsx file itself."
    ]


# ---------------------------------------------------------------------------------------------
# Permissions: exports carry email addresses


def export_offered(client):
    page = client.get(admin_url(Panel, "changelist")).content.decode()
    return 'value="export_panellists"' in page


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        (["view_panel", "view_panellist", "view_person"], True),
        (["view_panel", "change_panellist", "change_person"], True),
        (["view_panel", "view_panellist"], False),
        (["view_panel", "view_person"], False),
    ],
)
def test_export_needs_permission_to_view_panellists_and_people(
    client, django_user_model, panel, codenames, allowed
):
    officer = staff_with(client, django_user_model, *codenames)

    action = export_panels(officer, panel)
    button = export_list(officer)

    assert export_offered(officer) is allowed
    assert (action.get("Content-Type") == "text/csv; charset=utf-8") is allowed
    assert button.status_code == (200 if allowed else 403)
    assert button.content.startswith(BOM) is allowed


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        (["add_panellist", "change_panellist", "add_person", "change_person"], True),
        (["add_panellist", "change_panellist", "view_person"], False),
        (["view_panellist", "add_person", "change_person"], False),
    ],
)
def test_import_needs_permission_to_add_and_change_panellists_and_people(
    client, django_user_model, panel, codenames, allowed
):
    officer = staff_with(client, django_user_model, *codenames)
    rows = [["Panel ID", "Name", "Email"], good_row(panel)[:3]]
    counts = database_counts()

    page = officer.get(admin_url(Panellist, "import"))
    previewed = preview(officer, csv_file(rows))

    assert page.status_code == previewed.status_code == (200 if allowed else 403)
    list_page = officer.get(admin_url(Panellist, "changelist")).content.decode()
    assert ('class="import_link"' in list_page) is allowed
    assert database_counts() == counts


def test_process_import_refused_without_permission(client, django_user_model, panel):
    officer = staff_with(client, django_user_model, "view_panellist")

    response = officer.post(
        admin_url(Panellist, "process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )

    assert response.status_code == 403


def test_neutralise_formula_and_restore_are_inverse():
    values = ["=1", "==1", "+", "-x", "@a", "\tb", "\rc", "'=d", "''=e", "'f", "g", ""]

    assert [resources.restore_formula_text(resources.neutralise_formula(v)) for v in values] == (
        values
    )


def test_confirming_an_import_twice_says_it_was_done_and_imports_once(admin_client, panel):
    rows = [
        ["panel id", "name", "email", "role"],
        [str(panel.pk), "Sara Muster", "sara@example.org", "Rapporteur"],
    ]
    previewed = preview(admin_client, csv_file(rows))
    counts = database_counts()

    first = confirm(admin_client, previewed)
    again = confirm(admin_client, previewed)

    assert messages_of(first) == [
        "Import finished: 1 new, 0 updated, 0 deleted and 0 skipped panellists."
    ]
    assert again.status_code == 200
    assert messages_of(again) == [
        "This import was already processed (or its preview has expired): check the list "
        "below, and start a new import if something is missing."
    ]
    assert database_counts() == (counts[0] + 1, counts[1] + 1)


def test_import_of_too_many_rows_is_refused_whole(admin_client, panel, monkeypatch):
    monkeypatch.setattr(resources.spreadsheet, "MAX_IMPORT_ROWS", 2)
    rows = [["panel id", "name", "email", "role"]] + [
        [str(panel.pk), f"Person {number}", f"p{number}@example.org", "Panellist"]
        for number in range(3)
    ]
    counts = database_counts()

    previewed = preview(admin_client, csv_file(rows))

    page = " ".join(previewed.content.decode().split())
    refusal = "This file has 3 rows; an import takes at most 2. Split it into smaller files."
    assert f"<li> {refusal}" in page
    assert "confirm_form" not in previewed.context or not previewed.context["confirm_form"]
    assert database_counts() == counts
