"""The secretariat's operations as services: their result objects, the admin's history they
write, the lock order they keep and the versions they raise. No admin, no request."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panels import services
from panels.models import Panel, Panellist, Room, Segment


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("officer", is_staff=True)


def history(obj):
    """The admin's history of ``obj``: (action, message) pairs, oldest first."""
    entries = LogEntry.objects.filter(object_id=str(obj.pk)).order_by("pk")
    return [(entry.action_flag, entry.get_change_message()) for entry in entries]


def versions(*panels):
    return [Panel.objects.get(pk=panel.pk).version for panel in panels]


def test_publish_sorts_the_panels_into_the_result(make_panel, make_segment, officer):
    fits = make_panel(title="Fits", is_published=False, start_time=time(9))
    over = make_panel(title="Over", is_published=False, start_time=time(11), end_time=time(12))
    make_segment(over, 61)
    already = make_panel(title="Already", start_time=time(13))

    result = services.publish(Panel.objects.all(), actor=officer)

    assert result == services.Published(
        published=[fits], already=[already], overrunning=[over], unknown_zone=[]
    )
    assert result.overrunning[0].slot_usage().overrun == 1
    assert list(Panel.objects.filter(is_published=True).order_by("pk")) == [fits, already]
    assert history(fits) == [(CHANGE, "Changed Published.")]
    assert history(over) == []


def test_publish_refuses_a_panel_whose_meetings_zone_is_not_valid(make_panel):
    panel = make_panel(is_published=False)
    type(panel.meeting).objects.filter(pk=panel.meeting_id).update(time_zone="Mars/Base")

    result = services.publish([panel.pk])

    assert (result.published, result.unknown_zone) == ([], [panel])


def test_publish_raises_the_version_of_the_panels_it_publishes_only(make_panel, make_segment):
    published, refused = make_panel(is_published=False), make_panel(is_published=False)
    make_segment(refused, 100)
    before = versions(published, refused)

    services.publish([published, refused])

    assert versions(published, refused) == [before[0] + 1, before[1]]


def test_cancel_and_reinstate_revise_the_calendar_entry_and_say_what_changed(make_panel, officer):
    panel, other = make_panel(title="A"), make_panel(title="B", status=Panel.Status.CANCELLED)

    cancelled = services.cancel([panel, other], actor=officer)

    assert cancelled == services.StatusChanged(
        status=Panel.Status.CANCELLED, changed=[panel], unchanged=[other]
    )
    panel.refresh_from_db()
    assert (panel.status, panel.sequence) == (Panel.Status.CANCELLED, 1)
    assert history(panel) == [(CHANGE, "Changed Status.")]

    reinstated = services.reinstate([panel, other])

    assert (reinstated.changed, reinstated.unchanged) == ([panel, other], [])
    panel.refresh_from_db()
    assert (panel.status, panel.sequence) == (Panel.Status.SCHEDULED, 2)


def test_cancel_raises_the_version_of_the_panels_it_changes_only(make_panel):
    scheduled = make_panel(title="Scheduled")
    cancelled = make_panel(title="Cancelled", status=Panel.Status.CANCELLED)
    before = versions(scheduled, cancelled)

    services.cancel([scheduled, cancelled])

    assert versions(scheduled, cancelled) == [before[0] + 1, before[1]]
    assert (sequence_of(scheduled), sequence_of(cancelled)) == (1, 0)


def test_reinstate_leaves_a_scheduled_panel_as_it_was(make_panel, officer):
    panel = make_panel()
    before = versions(panel)

    result = services.reinstate([panel], actor=officer)

    assert result == services.StatusChanged(
        status=Panel.Status.SCHEDULED, changed=[], unchanged=[panel]
    )
    assert (Panel.objects.get(pk=panel.pk).status, sequence_of(panel)) == ("scheduled", 0)
    assert (versions(panel), history(panel)) == (before, [])


def test_record_answers_locks_the_panels_in_key_order_before_any_panellist(
    make_panel, make_panellist, officer
):
    first, second = make_panel(), make_panel()
    late = make_panellist(second)
    early = make_panellist(first)

    with CaptureQueriesContext(connection) as queries:
        result = services.record_answers([late, early], Panellist.Status.CONFIRMED, actor=officer)

    assert (result.changed, result.unchanged) == ([late, early], [])
    panel_table = Panel._meta.db_table
    touching = [
        query["sql"]
        for query in queries.captured_queries
        if panel_table in query["sql"] and query["sql"].lstrip().startswith("SELECT")
    ]
    # The first read of the panels takes both, in key order (``SELECT … FOR UPDATE`` on
    # PostgreSQL), before any panellist's row.
    assert f"IN ({first.pk}, {second.pk})" in touching[0]
    assert touching[0].rstrip().removesuffix(" FOR UPDATE").endswith("ORDER BY 1 ASC")
    assert history(late) == [(CHANGE, "Changed Confirmation status.")]


def test_record_answers_stamps_the_time_of_those_it_changes(
    make_panel, make_panellist, monkeypatch
):
    panel = make_panel()
    earlier, now = (
        datetime(2017, 1, 19, 9, 0, tzinfo=UTC),
        datetime(2017, 1, 20, 14, 30, tzinfo=UTC),
    )
    confirmed, invited = make_panellist(panel), make_panellist(panel)
    services.record_answer(confirmed, Panellist.Status.CONFIRMED, at=earlier)
    monkeypatch.setattr(services.answers, "timezone", SimpleNamespace(now=lambda: now))

    result = services.record_answers([confirmed, invited], Panellist.Status.CONFIRMED)

    assert (result.changed, result.unchanged) == ([invited], [confirmed])
    stored = Panellist.objects.values_list("pk", "status", "responded_at")
    assert {pk: (status, at) for pk, status, at in stored} == {
        confirmed.pk: ("confirmed", earlier),
        invited.pk: ("confirmed", now),
    }


def test_record_answers_reports_those_who_had_the_status_already(make_panel, make_panellist):
    panel = make_panel()
    confirmed = make_panellist(panel, status=Panellist.Status.CONFIRMED)
    invited = make_panellist(panel)

    result = services.record_answers([confirmed, invited], Panellist.Status.CONFIRMED)

    assert result == services.AnswersRecorded(
        status=Panellist.Status.CONFIRMED, changed=[invited], unchanged=[confirmed]
    )


def test_changing_panels_raises_versions_and_moves_modified_at(make_panel):
    panel = make_panel()
    before = Panel.objects.get(pk=panel.pk)

    with services.changing_panels([panel.pk, panel.pk, None]) as keys:
        pass

    after = Panel.objects.get(pk=panel.pk)
    assert keys == [panel.pk]
    assert after.version == before.version + 1
    assert after.modified_at > before.modified_at


def test_revoke_links_says_whose_link_stopped(make_panel, make_panellist, officer):
    panel = make_panel()
    holder, without = make_panellist(panel), make_panellist(panel)
    services.issue_link(holder)

    result = services.revoke_links([holder, without], actor=officer)

    assert (result.revoked, result.without_link) == ([holder], [without])
    holder.refresh_from_db()
    assert holder.link_hash == ""
    assert history(holder) == [(CHANGE, "Changed Personal link (hash).")]


def test_generate_running_orders_reports_each_panel(make_panel, make_panellist, make_segment):
    fresh = make_panel(title="Fresh")
    make_panellist(fresh, role=Panellist.Role.MODERATOR)
    existing = make_panel(title="Existing")
    make_segment(existing, 10)
    crowded = make_panel(title="Crowded", end_time=time(15, 20))
    for _ in range(4):
        make_panellist(crowded)

    result = services.generate_running_orders([fresh, existing, crowded])

    [(panel, timed)] = result.generated
    assert panel == fresh
    assert [(f"{t.start:%H:%M}", f"{t.end:%H:%M}") for t in (timed[0], timed[-1])] == [
        ("15:00", "15:05"),
        ("16:25", "16:30"),
    ]
    assert result.existing == [existing]
    assert result.too_short == [(crowded, 4)]
    assert Segment.objects.filter(panel=existing).count() == 1


def test_generate_running_orders_records_the_segments_added_and_raises_the_version(
    make_panel, make_panellist, officer
):
    panel = make_panel()
    make_panellist(panel, role=Panellist.Role.MODERATOR)
    make_panellist(panel, presentation_title="Remittances")
    before = versions(panel)[0]

    result = services.generate_running_orders([panel], actor=officer)

    [(generated, timed)] = result.generated
    assert (generated, len(timed)) == (panel, 4)
    assert versions(panel) == [before + 1]
    assert history(panel) == [
        (
            CHANGE,
            "Added item “Opening remarks”. Added item “Remittances”. "
            "Added item “Discussion / Q&A”. Added item “Concluding remarks”.",
        )
    ]


def test_generate_running_orders_reports_a_slot_longer_than_a_day(make_meeting, make_panel):
    meeting = make_meeting(start_date=date(2026, 10, 31), end_date=date(2026, 11, 2))
    # New York, 1 November 2026: clocks go back, so 00:00-23:59 lasts 1,499 minutes.
    panel = make_panel(meeting, date=date(2026, 11, 1), start_time=time(0), end_time=time(23, 59))

    result = services.generate_running_orders([panel])

    assert (result.generated, result.slot_too_long, result.too_short) == ([], [panel], [])
    assert not Segment.objects.exists()


# Saving panels and meetings: a SEQUENCE that grows with each change of a panel's time, place
# or status (RFC 5545 §3.8.7.4).


def sequence_of(panel):
    return Panel.objects.values_list("sequence", flat=True).get(pk=panel.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", time(14, 0)),
        ("end_time", time(17, 0)),
        ("date", date(2017, 2, 17)),
        ("room", "Conference Room 1"),
        ("ends_after_midnight", True),
        ("status", Panel.Status.CANCELLED),
    ],
)
def test_panel_sequence_grows_when_its_time_place_or_status_changes(make_panel, field, value):
    panel = make_panel()
    uid = panel.uid

    if field == "room":
        value = Room.objects.create(meeting=panel.meeting, name=value)
    if field == "ends_after_midnight":
        panel.end_time = time(1, 0)
    setattr(panel, field, value)
    services.save_panel(panel)

    assert (sequence_of(panel), panel.uid) == (1, uid)


def test_panel_sequence_stays_when_only_its_title_changes(make_panel):
    panel = make_panel()

    panel.title = "A new title"
    services.save_panel(panel)
    panel.title = "Another title"
    services.save_panel(panel, update_fields=["title"])

    assert sequence_of(panel) == 0


def test_panel_sequence_grows_with_update_fields_too(make_panel):
    panel = make_panel()

    panel.status = Panel.Status.CANCELLED
    services.save_panel(panel, update_fields=["status"])

    assert sequence_of(panel) == 1


@pytest.mark.parametrize(
    ("field", "value"), [("time_zone", "Europe/Zurich"), ("venue", "Palais des Nations")]
)
def test_meeting_zone_or_venue_change_revises_its_panels(make_meeting, make_panel, field, value):
    meeting = make_meeting()
    panels = [make_panel(meeting), make_panel(meeting)]

    setattr(meeting, field, value)
    services.save_meeting(meeting)
    meeting.title = "Renamed"
    services.save_meeting(meeting)

    assert [sequence_of(panel) for panel in panels] == [1, 1]


def test_save_panellist_handed_to_another_person_drops_the_answer_and_link(
    make_panel, make_panellist, make_person
):
    place = make_panellist(make_panel(), status=Panellist.Status.CONFIRMED)
    services.issue_link(place)
    before = versions(place.panel)[0]

    place.person = make_person(name="Someone else")
    services.save_panellist(place, update_fields=["person"])

    place.refresh_from_db()
    assert (place.status, place.link_hash, place.responded_at) == ("invited", "", None)
    assert versions(place.panel) == [before + 1]


def test_record_answers_skips_a_panellist_deleted_before_the_lock(make_panel, make_panellist):
    panel = make_panel()
    gone, kept = make_panellist(panel), make_panellist(panel)
    selection = Panellist.objects.filter(pk__in=[gone.pk, kept.pk])
    Panellist.objects.filter(pk=gone.pk).delete()

    result = services.record_answers(selection, Panellist.Status.CONFIRMED)

    assert (result.changed, result.unchanged) == ([kept], [])


def test_record_answer_for_a_deleted_panellist_changes_nothing(make_panel, make_panellist):
    place = make_panellist(make_panel())
    Panellist.objects.filter(pk=place.pk).delete()

    assert services.record_answer(place, Panellist.Status.CONFIRMED) is False


def test_record_answer_raises_the_version_of_the_panel_the_place_is_on_now(
    make_panel, make_panellist
):
    old, new = make_panel(), make_panel()
    place = make_panellist(old)
    Panellist.objects.filter(pk=place.pk).update(panel=new)  # moved after it was read
    before = versions(old, new)

    services.record_answer(place, Panellist.Status.CONFIRMED)

    assert versions(old, new) == [before[0], before[1] + 1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FOR UPDATE needs PostgreSQL")
def test_an_answer_locks_the_panellists_row_only_not_the_meeting_or_person(
    make_panel, make_panellist
):
    place = make_panellist(make_panel())

    with CaptureQueriesContext(connection) as queries:
        services.record_answer(place, Panellist.Status.CONFIRMED)

    locking = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    table = Panellist._meta.db_table
    assert [sql.rsplit("FOR UPDATE", 1)[1].strip() for sql in locking if table in sql] == [
        f'OF "{table}"'
    ]


def test_save_panel_keeps_a_revision_made_since_the_panel_was_read(make_panel):
    panel = make_panel()
    meeting = panel.meeting
    meeting.venue = "Palais des Nations"
    services.save_meeting(meeting)  # revises every panel of the meeting

    panel.title = "Renamed on the meeting's page, from a copy read before"
    services.save_panel(panel)

    assert sequence_of(panel) == 1
