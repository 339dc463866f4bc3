"""Meetings in the admin: adding one, saving its page with its panels' rows, the panels' running
order totals, and the time zone: a select of IANA zones, a zone that is not one refused with an
explanation, and a stored zone that is not valid shown as it is.
"""

from panels.models import Meeting
from panels.validators import iana_time_zones
from tests.admin_helpers import admin_url, column, form_data, parse_form, room_id, row_index


def test_meeting_add_saves_valid_post(admin_client):
    data = {
        "title_en": "Fifteenth Coordination Meeting on International Migration",
        "slug": "cm15-migration-2017",
        "organiser": "UN DESA Population Division",
        "venue": "United Nations Headquarters, New York",
        "start_date": "2017-02-16",
        "end_date": "2017-02-17",
        "time_zone": "America/New_York",
        "status": Meeting.Status.DRAFT,
    }

    response = admin_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.slug, meeting.time_zone, meeting.status) == (
        "cm15-migration-2017",
        "America/New_York",
        Meeting.Status.DRAFT,
    )


def test_meeting_add_page_has_no_panels_inline(admin_client, db):
    response = admin_client.get(admin_url(Meeting, "add"))

    assert response.context["inline_admin_formsets"] == []


def test_meeting_change_saves_rendered_form_with_panels(admin_client, full_panel):
    meeting = full_panel.meeting
    page = admin_client.get(admin_url(Meeting, "change", meeting.pk))
    data = form_data(page)
    data["venue"] = "Conference Room 2"
    index = row_index(data, "panels", full_panel.pk)
    data[f"panels-{index}-room"] = room_id(full_panel, "Trusteeship Council Chamber")

    response = admin_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    full_panel.refresh_from_db()
    assert (meeting.venue, str(full_panel.room)) == (
        "Conference Room 2",
        "Trusteeship Council Chamber",
    )


def test_meeting_panels_inline_shows_running_order_total(admin_client, full_panel):
    response = admin_client.get(admin_url(Meeting, "change", full_panel.meeting.pk))

    assert column(response, "total") == ["85 of 90 minutes"]


def test_meeting_time_zone_select_lists_sorted_iana_zones(admin_client, db):
    response = admin_client.get(admin_url(Meeting, "add"))

    values = [value for value, _label in parse_form(response).options["time_zone"]]
    assert values == ["", *sorted(iana_time_zones())]


def test_meeting_time_zone_not_iana_rejected_with_explanation(admin_client, make_meeting):
    meeting = make_meeting()
    data = form_data(admin_client.get(admin_url(Meeting, "change", meeting.pk)))
    data["time_zone"] = "Europe/Geneva"

    response = admin_client.post(admin_url(Meeting, "change", meeting.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "“Europe/Geneva” is not an IANA time zone. Use the zone of the city whose clocks the "
        "venue follows, for example Europe/Zurich for Geneva or America/New_York for New York."
    ]
    meeting.refresh_from_db()
    assert meeting.time_zone == "America/New_York"


def test_meeting_time_zone_stored_invalid_is_shown_selected(admin_client, make_meeting):
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(time_zone="Europe/Geneva")

    response = admin_client.get(admin_url(Meeting, "change", meeting.pk))

    assert form_data(response)["time_zone"] == "Europe/Geneva"
