"""A meeting whose stored time zone name is not valid (set wrongly in the database, or dropped
from the IANA database since; issue 12): its pages still render, with the wall-clock times
marked as not verified; its exports are refused in words (503) rather than given in a guessed
zone; the admin flags the meeting."""

from datetime import date

import pytest
from django.urls import reverse

from panels import services
from panels.models import Meeting
from panels.validators import UNVERIFIED_ZONE
from panels.wording import zone_label
from tests.admin_helpers import admin_url, column, messages_of
from tests.test_views import parse

BAD_ZONE = "Europe/Atlantis"


@pytest.fixture
def panel(make_meeting, make_panel, make_panellist, make_segment):
    """A published panel, 15:00-16:30 on 16 February 2099, with one speaker's 10-minute
    item, in a meeting whose zone is then made invalid in the database."""
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 16))
    panel = make_panel(meeting, title="Regional dimensions")
    place = make_panellist(panel)
    make_segment(panel, 10, title="Regional reviews", speaker=place)
    Meeting.objects.filter(pk=meeting.pk).update(time_zone=BAD_ZONE)
    panel.meeting.refresh_from_db()
    return panel


def test_the_meeting_reads_its_times_in_the_stand_in_zone(panel):
    assert panel.meeting.zone is UNVERIFIED_ZONE
    assert panel.starts_at.strftime("%H:%M") == "15:00"


def test_the_label_says_the_zone_is_not_verified():
    assert zone_label(UNVERIFIED_ZONE, date(2099, 2, 16)) == (
        '<strong class="zone-unverified">local time (time zone not verified)</strong>'
    )


@pytest.mark.parametrize("page", ["meeting", "panel", "answer", "run sheet"])
def test_the_pages_show_the_times_marked_as_not_verified(client, admin_client, panel, page):
    urls = {
        "meeting": (client, panel.meeting.get_absolute_url()),
        "panel": (client, panel.get_absolute_url()),
        "answer": (
            client,
            reverse(
                "panels:panellist-answer",
                kwargs={"secret": services.issue_link(panel.panellists.get())},
            ),
        ),
        "run sheet": (
            admin_client,
            reverse(
                "panels:panel-runsheet",
                kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk},
            ),
        ),
    }
    browser, url = urls[page]

    response = browser.get(url)

    assert response.status_code == 200
    page = parse(response)
    assert page.find("p", "zone-unverified-notice").find("strong").text == "Times not verified."
    assert page.find("strong", "zone-unverified").text == "local time (time zone not verified)"
    assert "15:00" in page.find("main").text


@pytest.mark.parametrize(
    "export", ["meeting-calendar", "panel-calendar", "schedule-json", "changes-feed"]
)
def test_the_exports_are_refused_in_words(client, panel, export):
    urls = {
        "meeting-calendar": reverse("panels:meeting-calendar", args=[panel.meeting.slug]),
        "panel-calendar": reverse(
            "panels:panel-calendar", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
        ),
        "schedule-json": reverse("panels:meeting-schedule-json", args=[panel.meeting.slug]),
        "changes-feed": reverse("panels:meeting-changes-feed", args=[panel.meeting.slug]),
    }

    response = client.get(urls[export])

    assert (response.status_code, response["Retry-After"]) == (503, "3600")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"its time zone (“{BAD_ZONE}”) is not a valid IANA time zone name" in (
        response.content.decode()
    )


def with_a_version(panel):
    """Record the programme's first version with the zone valid, then break the zone again."""
    meeting = panel.meeting
    Meeting.objects.filter(pk=meeting.pk).update(time_zone="America/New_York")
    assert services.record_programme_version(meeting.pk).recorded
    Meeting.objects.filter(pk=meeting.pk).update(time_zone=BAD_ZONE)


def test_the_changes_page_marks_the_times_as_not_verified_and_claims_no_zone(client, panel):
    with_a_version(panel)

    response = client.get(reverse("panels:meeting-changes", args=[panel.meeting.slug]))

    assert response.status_code == 200
    page = parse(response)
    assert page.find("p", "zone-unverified-notice").find("strong").text == "Times not verified."
    assert page.find("p", "zone-note").find("strong", "zone-unverified").text == (
        "local time (time zone not verified)"
    )
    text = response.content.decode()
    assert BAD_ZONE not in text
    assert "changes.atom" not in text
    assert [node.text for node in page.find_all("li", "change")] == ["Programme published."]


def test_no_version_is_recorded_while_the_zone_is_not_valid(panel):
    panel.title = "Regional dimensions of migration"
    panel.save()

    outcome = services.record_programme_version(panel.meeting.pk)

    assert (outcome.recorded, outcome.version) == (False, None)
    assert panel.meeting.programme_versions.count() == 0


def test_the_timekeeper_says_why_it_cannot_time_the_session(admin_client, panel):
    url = reverse(
        "panels:panel-timekeeper", kwargs={"meeting_slug": panel.meeting.slug, "pk": panel.pk}
    )

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "The meeting’s time zone is not valid" in response.content.decode()
    assert 'id="timekeeper-plan"' not in response.content.decode()


def test_the_admin_flags_the_meeting_in_its_list_and_on_its_page(admin_client, panel):
    listing = admin_client.get(admin_url(Meeting, "changelist"))
    page = admin_client.get(admin_url(Meeting, "change", panel.meeting.pk))

    assert column(listing, "zone_column") == [f"{BAD_ZONE} (not valid: times not verified)"]
    assert messages_of(page) == [
        f"The time zone “{BAD_ZONE}” of this meeting is not a valid IANA time zone name. Until "
        "it is corrected, its public pages mark every time as not verified, its calendar and "
        "schedule.json are refused, and its sessions cannot be published. Choose the zone "
        "below and save."
    ]


def test_the_pages_offer_no_calendar_while_the_zone_is_not_valid(client, panel):
    meeting_page = client.get(panel.meeting.get_absolute_url()).content.decode()
    panel_page = client.get(panel.get_absolute_url()).content.decode()

    assert "calendar.ics" not in meeting_page + panel_page
    assert "schedule.json" not in meeting_page
