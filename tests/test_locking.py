"""No lost edits: a save from a stale copy of a panel's page is refused.

Two editors open the same panel; the first saves; the second is refused with what changed
since they opened the page, and the database holds exactly the first edit. A fresh copy then
saves. The panel's own fields, its panellists and its running order are all covered, as are
changes made elsewhere in the admin (a panellist's own page, actions, the meeting's page).
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection

from panels.admin import PanelAdmin, stale
from panels.models import Panel, Panellist, Segment
from tests.admin_helpers import (
    LOADED_AT,
    SAVED_AT,
    SINCE,
    admin_url,
    form_data,
    inline_formset,
    refusal,
    room_id,
    row_index,
    save_at_the_same_moment,
    save_copy,
    stale_copy,
)

INTRO = (
    "This panel was saved again after you opened this page (by someone else, or by you in "
    "another tab), so nothing on this page was saved. Open the panel again to see what is "
    "saved now, then make your changes again."
)
DIFFERENCES = "How the saved panel differs from this page:"


def open_again(panel):
    return f'<a href="{admin_url(Panel, "change", panel.pk)}">Open it again</a>'


@pytest.fixture
def panel(make_panel, make_person, make_panellist, make_segment):
    """A published 90-minute panel with a moderator, a speaker and an 85-minute running order."""
    panel = make_panel(title="Migration and the 2030 Agenda")
    moderator = make_panellist(
        panel, person=make_person(name="Amina Example"), role=Panellist.Role.MODERATOR
    )
    speaker = make_panellist(panel, person=make_person(name="Jorge Example"))
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=moderator)
    make_segment(panel, 20, speaker=speaker)
    make_segment(panel, 60, kind=Segment.Kind.DISCUSSION)
    return panel


@pytest.fixture
def speaker(panel):
    return panel.panellists.get(person__name="Jorge Example")


def test_second_stale_copy_refused_with_what_changed(admin_client, first_editor, panel):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["title_en"] = "Migration and sustainable development"
    second["room"] = room_id(panel, "Trusteeship Council Chamber")

    saved = save_copy(first_editor, panel, first)
    refused = save_copy(admin_client, panel, second)

    assert saved.status_code == 302
    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Title (English).",
        DIFFERENCES,
        "Title (English): saved “Migration and sustainable development”, on this page "
        "“Migration and the 2030 Agenda”.",
        "Room: saved “Conference Room 4”, on this page “Trusteeship Council Chamber”.",
        open_again(panel),
    ]
    panel.refresh_from_db()
    assert (panel.title, str(panel.room)) == (
        "Migration and sustainable development",
        "Conference Room 4",
    )


def test_fresh_copy_after_a_refusal_saves(admin_client, first_editor, panel):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["title_en"] = "Migration and sustainable development"
    save_copy(first_editor, panel, first)
    save_copy(admin_client, panel, second)

    fresh = stale_copy(admin_client, panel)
    fresh["room"] = room_id(panel, "Trusteeship Council Chamber")
    response = save_copy(admin_client, panel, fresh)

    assert response.status_code == 302
    panel.refresh_from_db()
    assert (panel.title, str(panel.room)) == (
        "Migration and sustainable development",
        "Trusteeship Council Chamber",
    )


def test_stale_panellists_refused_after_a_running_order_edit(
    admin_client, first_editor, panel, speaker
):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["segments-1-duration_minutes"] = "25"
    index = row_index(second, "panellists", speaker.pk)
    second[f"panellists-{index}-presentation_title"] = "Remittances"

    save_copy(first_editor, panel, first)
    refused = save_copy(admin_client, panel, second)

    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Duration for item “Presentation”.",
        open_again(panel),
    ]
    speaker.refresh_from_db()
    assert speaker.presentation_title == ""
    assert list(panel.segments.values_list("duration_minutes", flat=True)) == [5, 25, 60]


def test_stale_running_order_refused_after_a_panellist_edit(
    admin_client, first_editor, panel, speaker
):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    index = row_index(first, "panellists", speaker.pk)
    first[f"panellists-{index}-presentation_title"] = "Remittances"
    second["segments-2-DELETE"] = "on"

    save_copy(first_editor, panel, first)
    refused = save_copy(admin_client, panel, second)

    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Presentation title for "
        "panellist “Jorge Example (Panellist)”.",
        open_again(panel),
    ]
    assert panel.segments.count() == 3
    speaker.refresh_from_db()
    assert speaker.presentation_title == "Remittances"


def test_stale_copy_refused_after_the_running_order_was_generated(
    admin_client, first_editor, panel
):
    panel.segments.all().delete()
    stale = stale_copy(admin_client, panel)
    stale["segments-TOTAL_FORMS"] = "1"
    stale |= {"segments-0-kind": "other", "segments-0-duration_minutes": "5"}
    stale["segments-0-order"] = "0"

    first_editor.post(
        admin_url(Panel, "changelist"),
        {"action": "generate_running_order", "_selected_action": [panel.pk]},
    )
    LogEntry.objects.update(action_time=SAVED_AT)
    refused = save_copy(admin_client, panel, stale)

    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Added item “Opening remarks”. "
        "Added item “Presentation”. Added item “Discussion / Q&A”. Added item "
        "“Concluding remarks”.",
        open_again(panel),
    ]
    assert list(panel.segments.values_list("kind", flat=True)) == [
        "opening",
        "presentation",
        "discussion",
        "concluding",
    ]


def test_stale_copy_refused_after_a_panellist_was_changed_on_their_own_page(
    admin_client, first_editor, panel, speaker
):
    stale = stale_copy(admin_client, panel)
    stale[f"panellists-{row_index(stale, 'panellists', speaker.pk)}-answer"] = "declined"
    own_page = form_data(first_editor.get(admin_url(Panellist, "change", speaker.pk)))
    own_page["answer"] = "confirmed"

    first_editor.post(admin_url(Panellist, "change", speaker.pk), own_page)
    LogEntry.objects.update(action_time=SAVED_AT)
    refused = save_copy(admin_client, panel, stale)

    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Panellist Jorge Example "
        "(Panellist): Changed Confirmation status.",
        open_again(panel),
    ]
    speaker.refresh_from_db()
    assert speaker.status == Panellist.Status.CONFIRMED


def test_stale_copy_refused_after_the_panel_was_published_by_the_action(
    admin_client, first_editor, panel
):
    Panel.objects.filter(pk=panel.pk).update(is_published=False)
    stale = stale_copy(admin_client, panel)
    stale["title_en"] = "Migration and sustainable development"

    first_editor.post(
        admin_url(Panel, "changelist"), {"action": "publish", "_selected_action": [panel.pk]}
    )
    LogEntry.objects.update(action_time=SAVED_AT)
    refused = save_copy(admin_client, panel, stale)

    assert refusal(refused) == [
        INTRO,
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Published.",
        DIFFERENCES,
        "Title (English): saved “Migration and the 2030 Agenda”, on this page “Migration and "
        "sustainable development”.",
        "Published: saved “yes”, on this page “no”.",
        open_again(panel),
    ]
    panel.refresh_from_db()
    assert (panel.title, panel.is_published) == ("Migration and the 2030 Agenda", True)


def test_stale_meeting_page_refused_for_a_panel_changed_since(admin_client, first_editor, panel):
    meeting_url = admin_url(panel.meeting, "change", panel.meeting.pk)
    stale_meeting = form_data(admin_client.get(meeting_url))
    stale_meeting["venue"] = "Conference Room 2"
    first = stale_copy(first_editor, panel)
    first["title_en"] = "Migration and sustainable development"

    save_copy(first_editor, panel, first)
    refused = admin_client.post(meeting_url, stale_meeting)

    assert refused.status_code == 200
    (row,) = inline_formset(refused, Panel).forms
    errors = list(row.non_field_errors())
    assert errors[0] == INTRO
    assert errors[-3:] == [
        DIFFERENCES,
        "Title (English): saved “Migration and sustainable development”, on this page "
        "“Migration and the 2030 Agenda”.",
        f'<a href="{meeting_url}">Open it again</a>',
    ]
    panel.refresh_from_db()
    panel.meeting.refresh_from_db()
    assert (panel.title, panel.meeting.venue) == (
        "Migration and sustainable development",
        "Test venue",
    )


def test_version_changed_between_checking_and_saving_is_refused_with_nothing_saved(
    admin_client, panel, monkeypatch
):
    # As if another save committed between this page's check and its own save.
    monkeypatch.setattr(stale.StaleSaveRefusalMixin, "clean", stale.forms.ModelForm.clean)
    data = stale_copy(admin_client, panel)
    data["title_en"] = "Migration and sustainable development"
    data["segments-1-duration_minutes"] = "25"
    Panel.objects.filter(pk=panel.pk).update(version=panel.version + 1)

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Nothing was saved: someone else saved this panel while you were saving it. The page "
        "now shows what is saved; make your changes again."
    ]
    panel.refresh_from_db()
    assert panel.title == "Migration and the 2030 Agenda"
    assert list(panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_page_without_its_version_is_refused(admin_client, panel):
    data = stale_copy(admin_client, panel)
    data["version"] = ""
    data["title_en"] = "Migration and sustainable development"

    response = save_copy(admin_client, panel, data)

    assert refusal(response)[0] == INTRO
    panel.refresh_from_db()
    assert panel.title == "Migration and the 2030 Agenda"


def test_tampered_version_is_a_bad_request(admin_client, panel):
    data = stale_copy(admin_client, panel)
    data["version"] = "7"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_copy_at_the_same_moment_save_one(
    admin_client, first_editor, panel, monkeypatch
):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["title_en"] = "Migration and sustainable development"
    second["room"] = room_id(panel, "Trusteeship Council Chamber")
    url = admin_url(Panel, "change", panel.pk)

    saved, refused = save_at_the_same_moment(
        monkeypatch, PanelAdmin, url, (first_editor, first), (admin_client, second)
    )

    assert saved.status_code == 302
    assert refusal(refused)[0] == INTRO
    panel.refresh_from_db()
    assert (panel.title, str(panel.room)) == (
        "Migration and sustainable development",
        "Conference Room 4",
    )


def test_blank_value_named_in_the_differences(admin_client, first_editor, panel):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["room"] = ""

    save_copy(first_editor, panel, first)
    refused = save_copy(admin_client, panel, second)

    assert refusal(refused)[-2:] == [
        "Room: saved (blank), on this page “Conference Room 4”.",
        open_again(panel),
    ]


def test_stale_copy_refused_after_an_answer_recorded_by_the_panellists_action(
    admin_client, first_editor, panel, speaker
):
    stale = stale_copy(admin_client, panel)
    stale["title_en"] = "Migration and sustainable development"

    first_editor.post(
        admin_url(Panellist, "changelist"),
        {"action": "mark_declined", "_selected_action": [speaker.pk]},
    )
    refused = save_copy(admin_client, panel, stale)

    assert refusal(refused)[0] == INTRO
    panel.refresh_from_db()
    speaker.refresh_from_db()
    assert (panel.title, speaker.status) == (
        "Migration and the 2030 Agenda",
        Panellist.Status.DECLINED,
    )


def test_stale_panellist_page_refused_after_the_panel_page_changed_them(
    admin_client, first_editor, panel, speaker
):
    page_url = admin_url(Panellist, "change", speaker.pk)
    stale = form_data(admin_client.get(page_url))
    stale["loaded_at"] = LOADED_AT
    first = stale_copy(first_editor, panel)
    first[f"panellists-{row_index(first, 'panellists', speaker.pk)}-presentation_title"] = "New"
    save_copy(first_editor, panel, first)
    stale["order"] = "7"

    response = admin_client.post(page_url, stale)

    assert response.status_code == 200
    errors = list(response.context["adminform"].form.non_field_errors())
    assert errors[0].startswith("The panel “Migration and the 2030 Agenda” was saved again")
    assert errors[1:] == [
        SINCE,
        "Nov. 30, 2026, 10:05 (UTC), Fatima Example: Changed Presentation title for "
        "panellist “Jorge Example (Panellist)”.",
    ]
    speaker.refresh_from_db()
    assert (speaker.presentation_title, speaker.order) == ("New", 1)


def test_fresh_panellist_page_saves(admin_client, speaker):
    page_url = admin_url(Panellist, "change", speaker.pk)
    data = form_data(admin_client.get(page_url))
    data["order"] = "7"

    response = admin_client.post(page_url, data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.order == 7


def test_answer_action_is_recorded_in_the_history(admin_client, speaker):
    admin_client.post(
        admin_url(Panellist, "changelist"),
        {"action": "mark_declined", "_selected_action": [speaker.pk]},
    )

    entry = LogEntry.objects.get(object_id=str(speaker.pk))
    assert entry.get_change_message() == "Changed Confirmation status."


@pytest.mark.parametrize(
    "loaded_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "garbage", ""]
)
def test_stale_copy_with_an_unreadable_loaded_at_is_still_refused_cleanly(
    admin_client, first_editor, panel, loaded_at
):
    first, second = stale_copy(first_editor, panel), stale_copy(admin_client, panel)
    first["title_en"] = "Changed first"
    second["loaded_at"] = loaded_at
    save_copy(first_editor, panel, first)

    refused = save_copy(admin_client, panel, second)

    assert refusal(refused)[0] == INTRO
    assert Panel.objects.get(pk=panel.pk).title == "Changed first"
