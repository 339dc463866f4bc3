"""The panel page's rows (``panels.admin.formsets``): the running order's segments (the speakers'
boxes, durations, rows left empty) and the panellists (one moderator, one place per person,
and a save the database refuses told as a message), and what the officer is told of the
segments of a panellist removed or replaced.
"""

import pytest
from django.utils.html import escape

from panels.models import Panel, Panellist, Segment, SegmentSpeaker
from tests.admin_helpers import (
    add_row,
    admin_url,
    form_data,
    inline_formset,
    messages_of,
    parse_form,
    public_running_order,
    row_index,
    running_order_rows,
)

# ---------------------------------------------------------------------------------------------
# The running order's rows: the speakers' boxes, durations, empty rows


def test_segment_speaker_choices_are_this_panels_panellists(
    admin_client, full_panel, moderator, speaker, make_panel, make_panellist
):
    make_panellist(make_panel(full_panel.meeting, title="Another panel"))

    response = admin_client.get(admin_url(Panel, "change", full_panel.pk))

    form = parse_form(response)
    expected = [str(moderator.pk), str(speaker.pk)]
    assert (form.boxes["segments-0-item_speakers"], form.boxes["segments-2-item_speakers"]) == (
        expected,
        expected,
    )
    # The opening remarks are ticked for the moderator, the discussion for nobody.
    assert form.data["segments-0-item_speakers"] == str(moderator.pk)
    assert "segments-2-item_speakers" not in form.data
    labels = inline_formset(response, Segment).forms[0].fields["item_speakers"].choices
    assert [label for _value, label in labels] == [
        "Amina Example (Moderator)",
        "Jorge Example (Panellist)",
    ]


def test_segment_speaker_choices_empty_on_add_page(admin_client, full_panel):
    response = admin_client.get(admin_url(Panel, "add"))

    formset = inline_formset(response, Segment)
    assert list(formset.empty_form.fields["item_speakers"].choices) == []


def test_segment_speaker_from_another_panel_rejected(
    admin_client, full_panel, make_panel, make_panellist
):
    stranger = make_panellist(make_panel(full_panel.meeting, title="Another panel"))
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-2-item_speakers"] = str(stranger.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    errors = inline_formset(response, Segment).forms[2].errors
    assert errors == {"item_speakers": ["The speaker must be a panellist of this panel."]}
    assert SegmentSpeaker.objects.filter(panellist=stranger).exists() is False


def test_an_item_takes_several_speakers_in_order_and_keeps_them(
    admin_client, full_panel, moderator, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-2-item_speakers"] = [str(speaker.pk), str(moderator.pk)]

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    discussion = full_panel.segments.get(order=2)
    assert discussion.speaker_places() == [moderator, speaker]
    # Saving the page again as it is changes nothing.
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    assert data["segments-2-item_speakers"] == [str(moderator.pk), str(speaker.pk)]
    admin_client.post(admin_url(Panel, "change", full_panel.pk), data)
    assert list(discussion.speaking.values_list("panellist", "order")) == [
        (moderator.pk, 0),
        (speaker.pk, 1),
    ]


def test_unticking_a_speaker_keeps_the_others(admin_client, full_panel, moderator, speaker):
    discussion = full_panel.segments.get(order=2)
    SegmentSpeaker.objects.create(segment=discussion, panellist=speaker, order=0)
    SegmentSpeaker.objects.create(segment=discussion, panellist=moderator, order=1)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-2-item_speakers"] = str(moderator.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert discussion.speaker_places() == [moderator]


@pytest.mark.parametrize("minutes", ["0", "1441"])
def test_segment_duration_out_of_range_shown_beside_field(admin_client, full_panel, minutes):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data["segments-1-duration_minutes"] = minutes

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 200
    errors = inline_formset(response, Segment).forms[1].errors
    assert errors == {"duration_minutes": ["An item lasts at least one minute and at most a day."]}
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_segment_row_added_but_left_empty_is_ignored(admin_client, full_panel):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    # The page numbers a row as it is added: its position alone does not fill it in.
    add_row(data, "segments", kind=Segment.Kind.PRESENTATION, order="3")

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    assert list(full_panel.segments.values_list("duration_minutes", flat=True)) == [5, 20, 60]


def test_panellist_removed_while_editing_their_segment_leaves_it_without_speaker(
    admin_client, full_panel, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"
    data["segments-1-title_en"] = "Keynote"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data)

    assert response.status_code == 302
    segment = full_panel.segments.get(order=1)
    assert (segment.title, segment.speaker_places()) == ("Keynote", [])


# ---------------------------------------------------------------------------------------------
# The panellists' rows: one moderator, one place per person


def moderator_error(*names):
    return (
        f"A panel has only one moderator, but {' and '.join(names)} are each marked as "
        "moderator. Keep one and change the others’ roles."
    )


def test_panellists_two_new_moderators_rejected(admin_client, panel, make_person):
    first, second = make_person(name="Amina Example"), make_person(name="Jorge Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    for person in (first, second):
        add_row(
            data, "panellists", person=person.pk, role="moderator", order="0", answer="invited"
        )

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert [form.errors.get("role") for form in formset.forms] == [
        ["Only one panellist can be the moderator."],
        ["Only one panellist can be the moderator."],
    ]
    assert escape(moderator_error("Amina Example", "Jorge Example")) in response.content.decode()
    assert Panellist.objects.count() == 0


def test_panel_add_two_moderators_rejected(admin_client, make_meeting, make_person):
    meeting = make_meeting()
    first, second = make_person(name="Amina Example"), make_person(name="Jorge Example")
    data = {
        "meeting": meeting.pk,
        "title_en": "New panel",
        "date": "2017-02-16",
        "start_time": "10:00",
        "end_time": "11:00",
        "presentation_limit_minutes": "10",
        "panellist_display": "everyone",
    }
    for prefix in ("sections", "documents", "panellists", "segments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    for person in (first, second):
        add_row(
            data, "panellists", person=person.pk, role="moderator", order="0", answer="invited"
        )

    response = admin_client.post(admin_url(Panel, "add"), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert (Panel.objects.count(), Panellist.objects.count()) == (0, 0)


def test_panellists_new_moderator_beside_existing_one_rejected(
    admin_client, panel, moderator, make_person
):
    newcomer = make_person(name="Jorge Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(data, "panellists", person=newcomer.pk, role="moderator", order="1", answer="invited")

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [moderator_error("Amina Example", "Jorge Example")]
    assert list(panel.panellists.values_list("person__name", flat=True)) == ["Amina Example"]


@pytest.mark.parametrize("moderator_order", [0, 1], ids=["demoted-first", "promoted-first"])
def test_panellists_moderator_swap_saves(admin_client, panel, moderator, speaker, moderator_order):
    Panellist.objects.filter(pk=moderator.pk).update(order=moderator_order)
    Panellist.objects.filter(pk=speaker.pk).update(order=1 - moderator_order)
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-role"] = "panellist"
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    roles = dict(panel.panellists.values_list("person__name", "role"))
    assert roles == {"Amina Example": "panellist", "Jorge Example": "moderator"}


def test_panellists_moderator_replaced_by_deleting_old_row_saves(
    admin_client, panel, moderator, speaker
):
    Panellist.objects.filter(pk=speaker.pk).update(order=0)
    Panellist.objects.filter(pk=moderator.pk).update(order=1)
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-DELETE"] = "on"
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    assert list(panel.panellists.values_list("person__name", "role")) == [
        ("Jorge Example", "moderator")
    ]


def test_panellists_same_person_twice_rejected(admin_client, panel, speaker):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    add_row(
        data, "panellists", person=speaker.person.pk, role="panellist", order="1", answer="invited"
    )

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 200
    formset = inline_formset(response, Panellist)
    assert formset.non_form_errors() == [
        "The same person is listed more than once. A person can have only one place on a "
        "panel: remove the extra row."
    ]
    assert formset.forms[1].non_field_errors() == ["This person is already listed above."]
    assert panel.panellists.count() == 1


def test_panellists_person_swap_between_rows_is_refused_with_a_message_not_an_error(
    admin_client, panel, moderator, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', moderator.pk)}-person"] = str(
        speaker.person_id
    )
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-person"] = str(
        moderator.person_id
    )
    data["title_en"] = "A title typed in the same save"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith("Nothing was saved:")
    panel.refresh_from_db()
    assert panel.title == "Migration and the 2030 Agenda"
    assert dict(panel.panellists.values_list("pk", "person__name")) == {
        moderator.pk: "Amina Example",
        speaker.pk: "Jorge Example",
    }


def test_panellists_moderator_added_by_someone_else_meanwhile_is_refused_with_a_message(
    admin_client, panel, speaker, make_panellist, make_person
):
    data = form_data(admin_client.get(admin_url(Panel, "change", panel.pk)))
    make_panellist(panel, person=make_person(name="Added Meanwhile"), role="moderator")
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-role"] = "moderator"

    response = admin_client.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith("Nothing was saved:")
    assert panel.panellists.get(pk=speaker.pk).role == "panellist"


# ---------------------------------------------------------------------------------------------
# Removing or replacing a panellist: what becomes of their segments


def test_removing_a_panellist_keeps_their_segments_without_speaker_and_says_so(
    admin_client, client, full_panel, speaker, make_segment
):
    make_segment(full_panel, 5, kind=Segment.Kind.CONCLUDING, speaker=speaker)
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "The running order keeps 2 segments of Jorge Example without a speaker: “Presentation” "
        "and “Concluding remarks”. Choose another speaker for them, or delete them.",
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
    ]
    assert running_order_rows(full_panel) == [
        ("15:00–15:05", "Opening remarks", "Amina Example"),
        ("15:05–15:25", "Presentation", ""),
        ("15:25–16:25", "Discussion / Q&A", ""),
        ("16:25–16:30", "Concluding remarks", ""),
    ]
    page = client.get(full_panel.get_absolute_url()).content.decode()
    assert "Jorge Example" not in page


def test_removing_a_panellist_whose_segment_gets_another_speaker_says_nothing_of_it(
    admin_client, full_panel, moderator, speaker
):
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-DELETE"] = "on"
    data["segments-1-item_speakers"] = str(moderator.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "The panel “Migration and the 2030 Agenda” was changed successfully."
    ]
    assert full_panel.segments.get(order=1).speaker_places() == [moderator]


def test_replacing_a_panellists_person_hands_over_their_segments(
    admin_client, client, full_panel, speaker, make_person
):
    replacement = make_person(name="Fatima Example")
    data = form_data(admin_client.get(admin_url(Panel, "change", full_panel.pk)))
    data[f"panellists-{row_index(data, 'panellists', speaker.pk)}-person"] = str(replacement.pk)

    response = admin_client.post(admin_url(Panel, "change", full_panel.pk), data, follow=True)

    assert messages_of(response) == [
        "Fatima Example replaces Jorge Example and takes over their 1 segment in the running "
        "order: “Presentation”.",
        "The panel “Migration and the 2030 Agenda” was changed successfully.",
    ]
    assert public_running_order(client, full_panel) == [
        ("15:00–15:05", "5", "Opening remarks", "Amina Example to be confirmed"),
        ("15:05–15:25", "20", "Presentation", "Fatima Example to be confirmed"),
        ("15:25–16:25", "60", "Discussion / Q&A", ""),
    ]
    assert "Jorge Example" not in client.get(full_panel.get_absolute_url()).content.decode()
