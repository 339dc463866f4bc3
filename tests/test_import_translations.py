"""Content in other languages kept through a spreadsheet's export and re-import: the
programme's item and session titles (``ProgrammeResource``), the panellists' positions
(``PanellistResource``). The spreadsheets are in English; the other languages are entered in
the admin's language tabs and must survive an import that leaves their English alone.
"""

import csv
import io

import pytest
from django.utils import translation
from django.utils.html import escape
from tablib import Dataset

from panels.demo.programme import load_programme_demo
from panels.models import Meeting, Panel, Panellist, Person, Segment
from panels.resources import PanellistResource, ProgrammeResource
from tests.admin_helpers import admin_url, messages_of
from tests.test_csv import csv_file, row_errors
from tests.test_programme_import import confirm, preview

ITEM = 7  # the column of an item's title in a programme export


@pytest.fixture
def meeting(db):
    """The demo regional review, its first item and its session given French and Arabic
    titles."""
    demo, _written = load_programme_demo()
    item = first_item(demo.meeting)
    Segment.objects.filter(pk=item.pk).update(title_fr="Ouverture", title_ar="الافتتاح")
    Panel.objects.filter(pk=item.panel_id).update(title_fr="Séance d'ouverture")
    return demo.meeting


def first_item(meeting):
    return (
        Segment.objects.filter(panel__meeting=meeting)
        .exclude(title_en="")
        .order_by("panel__date", "panel__start_time", "panel__pk", "order", "pk")
        .first()
    )


def export_rows(client, meeting):
    """The meeting's programme export (CSV), as lists of cells, the header first."""
    data = client.get(admin_url(Meeting, "programme_export", meeting.pk, "csv")).content
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def items(meeting):
    return list(
        Segment.objects.filter(panel__meeting=meeting)
        .order_by("pk")
        .values_list("pk", "title_en", "title_fr", "title_ar")
    )


def test_reimported_export_keeps_titles_in_other_languages_and_items(admin_client, meeting):
    item = first_item(meeting)
    before, exported = items(meeting), export_rows(admin_client, meeting)

    previewed = preview(admin_client, csv_file(exported), meeting)
    done = confirm(admin_client, previewed)

    assert previewed.context["result"].programme.warnings == []
    assert items(meeting) == before
    assert Segment.objects.values_list("title_fr", "title_ar").get(pk=item.pk) == (
        "Ouverture",
        "الافتتاح",
    )
    assert Panel.objects.get(pk=item.panel_id).title_fr == "Séance d'ouverture"
    assert [message for message in messages_of(done) if "other languages" in message] == []
    assert export_rows(admin_client, meeting) == exported


def test_reimport_in_another_order_keeps_items_and_gives_the_files_speakers(admin_client, meeting):
    item = first_item(meeting)
    exported = export_rows(admin_client, meeting)
    header, *lines = exported
    session = [line for line in lines if line[1] == item.panel.title_en]
    others = [line for line in lines if line not in session]
    moved = [*session[1:], session[0]]
    with_speakers = next(line for line in moved if ";" in line[12])
    with_speakers[12] = "; ".join(reversed(with_speakers[12].split("; ")))
    before = items(meeting)

    result = ProgrammeResource(meeting=meeting).import_data(
        Dataset(*moved, *others, headers=header), dry_run=False
    )

    assert (result.has_errors(), result.has_validation_errors()) == (False, False)
    assert items(meeting) == before
    assert Segment.objects.get(pk=item.pk).order == len(session) - 1
    rows = export_rows(admin_client, meeting)[1:]
    assert [row for row in rows if row[1] == item.panel.title_en] == moved


def test_changed_english_title_drops_other_languages_and_says_so(admin_client, meeting):
    item = first_item(meeting)
    header, *lines = export_rows(admin_client, meeting)
    line = next(line for line in lines if line[ITEM] == item.title_en)
    line[ITEM] = "Opening of the ninth session"

    previewed = preview(admin_client, csv_file([header, *lines]), meeting)
    done = confirm(admin_client, previewed)

    warning = (
        f"“{item.panel.title_en}” ({item.panel.date:%Y-%m-%d}): the file has no item "
        f"“{item.title_en}”, so it is removed with its titles in other languages (Arabic, "
        "French). If its English title changed, enter them again on the session's page."
    )
    assert row_errors(previewed) == []
    assert previewed.context["result"].programme.warnings == [warning]
    assert escape(warning) in " ".join(previewed.content.decode().split())
    assert warning in messages_of(done)
    renamed = Segment.objects.get(panel=item.panel, title_en="Opening of the ninth session")
    assert (renamed.title_fr, renamed.title_ar) == (None, None)
    assert not Segment.objects.filter(pk=item.pk).exists()


def test_english_title_in_other_capitals_keeps_other_languages(admin_client, meeting):
    item = first_item(meeting)
    header, *lines = export_rows(admin_client, meeting)
    line = next(line for line in lines if line[ITEM] == item.title_en)
    line[ITEM] = item.title_en.upper()

    previewed = preview(admin_client, csv_file([header, *lines]), meeting)
    confirm(admin_client, previewed)

    assert previewed.context["result"].programme.warnings == []
    assert Segment.objects.values_list("title_en", "title_fr", "title_ar").get(pk=item.pk) == (
        item.title_en.upper(),
        "Ouverture",
        "الافتتاح",
    )


# ---------------------------------------------------------------------------------------------
# The panellists' spreadsheet


@pytest.fixture
def director(make_panel, make_meeting):
    panel = make_panel(make_meeting(title="Coordination meeting", slug="cm"), title="Data")
    person = Person.objects.create(name="Amina Example", email="amina@example.org")
    Person.objects.filter(pk=person.pk).update(position_en="Director", position_fr="Directrice")
    return Panellist.objects.create(panel=panel, person=person, order=0)


def test_panellists_position_column_is_english_and_keeps_other_languages(director):
    with translation.override("fr"):
        resource = PanellistResource()
        exported = resource.export(Panellist.objects.all())
        column = resource.fields["position"].column_name
        cells = exported[column]
        exported[0] = tuple(
            "Head of Division" if header == column else value
            for header, value in zip(exported.headers, exported[0], strict=True)
        )
        result = PanellistResource().import_data(exported, dry_run=False)

    assert (result.has_errors(), result.has_validation_errors()) == (False, False)
    assert cells == ["Director"]
    assert Person.objects.values_list("position_en", "position_fr").get() == (
        "Head of Division",
        "Directrice",
    )
