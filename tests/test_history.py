"""History with values (issue 12, item 5): every change of meetings, sessions, places, people
and running-order items is recorded with its values and who made it (an officer, a panellist
through their personal link, an import, a command), shown on the object's History page, and
an officer can put a record back as it was (``services.history.revert``)."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from panels import services
from panels.admin.history import Change
from panels.models import (
    ActorKind,
    ConceptNoteSection,
    Meeting,
    Panel,
    Panellist,
    Person,
    ProposedChange,
    Segment,
    SegmentSpeaker,
)
from panels.services.history import actor_text, reason_text, revert
from tests.admin_helpers import (
    admin_url,
    form_data,
    messages_of,
    run_action,
    staff_with,
)
from tests.test_answer import answer_data, fresh_rate_limit, place, url  # noqa: F401
from tests.test_csv import csv_file, import_file
from tests.test_views import parse


def history_page(client, obj):
    return client.get(admin_url(type(obj), "history", obj.pk))


def newest(obj):
    """The newest record of ``obj``'s history."""
    return type(obj).history.filter(id=obj.pk).latest()


def revert_to(client, record, newest_seen):
    """Post the History page's "Put back" button of ``record``; the page shown after."""
    obj = record.instance
    address = admin_url(type(obj), "revert", obj.pk, record.history_id)
    return client.post(address, {"newest_seen": newest_seen}, follow=True)


@pytest.fixture
def person(make_person):
    return make_person(name="Amina Diallo", bio="Works on migration.")


def test_officer_edit_shows_bio_before_and_after_and_the_officer(first_editor, person):
    data = form_data(first_editor.get(admin_url(Person, "change", person.pk)))
    data["bio_en"] = "Directs the regional migration office."

    assert first_editor.post(admin_url(Person, "change", person.pk), data).status_code == 302

    response = history_page(first_editor, person)
    assert response.status_code == 200
    changed, added = response.context["entries"]
    assert (changed.who, changed.kind, changed.changes) == (
        "Fatima Example",
        "Changed",
        [
            Change(
                "Short bio (English)",
                "“Works on migration.”",
                "“Directs the regional migration office.”",
            )
        ],
    )
    assert changed.when.endswith("(UTC)")
    assert added.kind == "Added" and added.revertible
    assert not changed.revertible  # the newest: nothing to put back
    # The admin's own log is kept and listed below, for the stale-page refusals.
    assert [entry["what"] for entry in response.context["log"]] == ["Changed Short bio (English)."]
    page = parse(response)
    assert "Directs the regional migration office." in page.find("ins").text
    assert "Works on migration." in page.find("del").text


def test_choice_is_shown_by_its_label_and_a_session_page_lists_its_changes(
    admin_client, make_panel
):
    panel = make_panel(title="Regional dimensions")
    panel.kind = Panel.Kind.WORKING_GROUP
    panel.save()

    (changed, _added) = history_page(admin_client, panel).context["entries"]

    assert changed.changes == [Change("Kind of session", "“Panel discussion”", "“Working group”")]
    assert changed.who == "someone without an account (a script or the shell)"


def test_answer_through_the_link_is_recorded_as_the_panellists(client, url, place):  # noqa: F811
    client.post(url, answer_data(parse(client.get(url)), answer="confirmed"))

    record = newest(place)
    assert (record.history_actor, record.history_user, actor_text(record)) == (
        ActorKind.LINK,
        None,
        "Dr. Amina Example through their personal link",
    )
    changes = {
        change.field: (change.old, change.new)
        for change in record.diff_against(record.prev_record).changes
    }
    assert changes["status"] == ("invited", "confirmed")


def test_correction_through_the_link_is_recorded_when_an_officer_accepts_it(
    client,
    url,  # noqa: F811
    place,  # noqa: F811
    admin_user,
):
    client.post(url, answer_data(parse(client.get(url)), answer="confirmed", bio="Leads reviews."))
    proposal = ProposedChange.objects.get(field="bio")
    assert newest(place.person).bio == "Works on migration."  # a proposal changes nothing yet

    services.decide_proposed_changes([proposal], accept=True, actor=admin_user)

    record = newest(place.person)
    assert (record.bio, record.history_user, record.history_actor) == (
        "Leads reviews.",
        admin_user,
        ActorKind.OFFICER,
    )
    assert record.prev_record.bio == "Works on migration."


def test_import_row_is_recorded_as_an_import_by_the_officer(admin_client, admin_user, panel):
    rows = [
        ["panel id", "name", "email", "role", "organisation"],
        [str(panel.pk), "Sara Muster", "sara@example.org", "Rapporteur", "UNHCR"],
    ]

    import_file(admin_client, csv_file(rows))

    sara = Person.objects.get(email="sara@example.org")
    sara_place = Panellist.objects.get(person=sara)
    for record in (newest(sara), newest(sara_place)):
        assert (record.history_actor, record.history_user, record.history_type) == (
            ActorKind.IMPORT,
            admin_user,
            "+",
        )
    assert actor_text(newest(sara)) == "import by admin"


@pytest.fixture
def panel(make_panel, make_panellist, make_person):
    panel = make_panel(title="Migration and the 2030 Agenda")
    make_panellist(panel, person=make_person(name="Amina Diallo"), role="moderator")
    return panel


def test_command_is_recorded_as_the_command(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    meeting = Meeting.objects.order_by("pk").first()
    record = newest(meeting)
    assert (record.history_actor, record.history_actor_name, actor_text(record)) == (
        ActorKind.COMMAND,
        "load_demo",
        "command load_demo",
    )
    assert SegmentSpeaker.history.filter(history_actor=ActorKind.COMMAND).exists()


def test_changes_saved_in_bulk_are_recorded(admin_client, admin_user, make_panel, panel):
    draft = make_panel(title="Draft", is_published=False)

    run_action(admin_client, Panel, "publish", [draft])
    services.generate_running_order(panel)

    record = newest(draft)
    assert (record.is_published, record.history_user, record.prev_record.is_published) == (
        True,
        admin_user,
        False,
    )
    assert Segment.history.filter(panel_id=panel.pk, history_type="+").count() == (
        panel.segments.count()
    )
    assert SegmentSpeaker.history.filter(segment__panel=panel).count() > 0


def test_revert_puts_the_values_back_and_is_itself_recorded(first_editor, person):
    added = newest(person)
    person.bio = "A wrong bio."
    person.save()
    before = Person.objects.get(pk=person.pk).version

    response = revert_to(first_editor, added, newest(person).history_id)

    person.refresh_from_db()
    assert person.bio == "Works on migration."
    assert person.version > before  # saved over the current version, not a stale one
    assert messages_of(response) == [
        f"Amina Diallo was put back as it was on {response.context['entries'][-1].when}: "
        "short bio (English)."
    ]
    record = newest(person)
    assert (record.history_user.username, record.bio) == ("fatima", "Works on migration.")
    assert reason_text(record).startswith("Put back as it was on ")
    assert response.context["entries"][0].changes == [
        Change("Short bio (English)", "“A wrong bio.”", "“Works on migration.”")
    ]
    assert LogEntry.objects.filter(object_id=str(person.pk)).count() == 1


def test_revert_from_a_stale_history_page_is_refused_in_words(first_editor, person):
    added = newest(person)
    person.bio = "A wrong bio."
    person.save()
    seen = newest(person).history_id
    person.bio = "Corrected meanwhile by someone else."
    person.save()

    response = revert_to(first_editor, added, seen)

    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith("Nothing was put back as it was on ")
    assert "It was changed after you opened its history" in message
    person.refresh_from_db()
    assert person.bio == "Corrected meanwhile by someone else."


def test_revert_needs_the_change_permission(client, django_user_model, person):
    added = newest(person)
    person.bio = "A wrong bio."
    person.save()
    viewer = staff_with(client, django_user_model, "view_person")

    page = history_page(viewer, person)
    response = revert_to(viewer, added, newest(person).history_id)

    assert page.status_code == 200
    assert not any(entry.revertible for entry in page.context["entries"])
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.bio == "A wrong bio."


def test_revert_only_by_post(admin_client, person):
    address = admin_url(Person, "revert", person.pk, newest(person).history_id)

    assert admin_client.get(address).status_code == 405


def test_revert_refuses_a_value_that_now_breaks_a_rule(admin_user, panel, make_panellist):
    first = panel.panellists.get(role="moderator")
    was_moderator = newest(first)
    first.role = Panellist.Role.PANELLIST
    first.save()
    make_panellist(panel, role=Panellist.Role.MODERATOR)

    result = revert(was_moderator, admin_user)

    assert result.refused == (
        "This panel already has a moderator. Change that person's role first.",
    )
    first.refresh_from_db()
    assert first.role == Panellist.Role.PANELLIST


def test_revert_refuses_a_record_whose_object_was_deleted(admin_user, make_meeting, make_panel):
    meeting = make_meeting()
    panel = make_panel(meeting)
    record = newest(panel)
    meeting.delete()

    result = revert(record, admin_user)

    assert result.refused == ("It has been deleted since, so it cannot be put back.",)
    assert not Panel.objects.filter(pk=panel.pk).exists()


def test_revert_of_a_panel_saves_over_its_version_and_revises_its_calendar_entry(
    admin_client, make_panel
):
    panel = make_panel(title="Regional dimensions")
    first = newest(panel)
    panel.date = date(2017, 2, 17)
    panel.title = "Moved"
    panel.save()
    stored = Panel.objects.get(pk=panel.pk)

    response = revert_to(admin_client, first, newest(panel).history_id)

    assert response.status_code == 200
    panel.refresh_from_db()
    assert (panel.title, panel.date) == ("Regional dimensions", date(2017, 2, 16))
    assert panel.sequence == stored.sequence + 1
    assert panel.version > stored.version


def test_history_page_without_permission_is_refused(client, django_user_model, person):
    staff_with(client, django_user_model)

    assert history_page(client, person).status_code == 403


def test_revert_url_names_the_record(person):
    record = newest(person)

    assert reverse("admin:panels_person_revert", args=[person.pk, record.history_id]).endswith(
        f"/person/{person.pk}/history/{record.history_id}/revert/"
    )


def test_revert_of_a_place_raises_its_panels_version(admin_client, panel):
    moderator = panel.panellists.get()
    first = newest(moderator)
    moderator.presentation_title = "A title set by mistake"
    moderator.save()
    version = Panel.objects.get(pk=panel.pk).version

    response = revert_to(admin_client, first, newest(moderator).history_id)

    assert response.status_code == 200
    moderator.refresh_from_db()
    assert moderator.presentation_title == ""
    assert Panel.objects.get(pk=panel.pk).version == version + 1


def test_a_save_that_changes_no_recorded_value_makes_no_record(panel):
    moderator = panel.panellists.get()
    records = moderator.history.count()

    services.issue_link(moderator)  # the link's hash and date are not recorded
    moderator.save()  # nothing changed

    assert moderator.history.count() == records


def test_session_history_lists_the_changes_of_its_rows(admin_client, panel, make_segment):
    moderator = panel.panellists.get()
    item = make_segment(panel, 10, title="Opening", speaker=moderator)
    item.duration_minutes = 15
    item.save()

    rows = history_page(admin_client, panel).context["rows"]

    assert [(row.row, row.entry.kind) for row in rows[:3]] == [
        ("Item “Opening”", "Changed"),
        ("Speaker “Amina Diallo”", "Added"),
        ("Item “Opening”", "Added"),
    ]
    assert rows[0].entry.changes == [Change("Duration", "“10”", "“15”")]


# Putting back a row of a session's or a meeting's page, from that page's History page -------


def revert_row(client, parent, record, newest_seen):
    """Post the "Put back" button of ``record`` (of a row of ``parent``'s page) on
    ``parent``'s History page; the response, not followed."""
    model_name = record.instance_type._meta.model_name
    address = admin_url(type(parent), "revert_row", parent.pk, model_name, record.history_id)
    return client.post(address, {"newest_seen": newest_seen})


def row_of(page, record):
    """The ``RowEntry`` of ``record`` on a History page."""
    (row,) = [row for row in page.context["rows"] if row.entry.record == record]
    return row


@pytest.fixture
def item(panel, make_segment):
    """An item of ``panel``'s running order, changed by mistake after it was added."""
    item = make_segment(panel, 10, title="Opening")
    item.duration_minutes = 25
    item.title = "Opening by mistake"
    item.save()
    return item


def test_item_is_put_back_from_its_sessions_history_page(first_editor, panel, item):
    changed = newest(item)
    added = changed.prev_record
    page = history_page(first_editor, panel)
    row = row_of(page, added)
    version = Panel.objects.get(pk=panel.pk).version

    response = revert_row(first_editor, panel, added, row.newest_seen)

    assert row.entry.revertible and not row_of(page, changed).entry.revertible
    buttons = [
        (form.attrs["action"], form.find("button").text)
        for form in parse(page).find_all("form")
        if "/history/rows/" in form.attrs["action"]
    ]
    assert buttons == [
        (
            admin_url(Panel, "revert_row", panel.pk, "segment", added.history_id),
            f"Put back as it was on {row.entry.when}",
        )
    ]
    assert response.status_code == 302
    assert response.url == admin_url(Panel, "history", panel.pk)
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Opening", 10)
    assert Panel.objects.get(pk=panel.pk).version == version + 1
    record = newest(item)
    assert (record.history_user.username, record.title, record.duration_minutes) == (
        "fatima",
        "Opening",
        10,
    )
    assert reason_text(record).startswith("Put back as it was on ")
    shown = first_editor.get(response.url)
    assert messages_of(shown) == [
        f"Item “Opening” was put back as it was on {row.entry.when}: title (English) and duration."
    ]
    assert shown.context["rows"][0].entry.changes == [
        Change("Title (English)", "“Opening by mistake”", "“Opening”"),
        Change("Duration", "“25”", "“10”"),
    ]


def test_concept_note_section_is_put_back_from_its_sessions_history_page(admin_client, panel):
    section = panel.sections.create(heading="Background", body="The first text.")
    added = newest(section)
    section.body = "A wrong text."
    section.save()
    row = row_of(history_page(admin_client, panel), added)

    revert_row(admin_client, panel, added, row.newest_seen)

    section.refresh_from_db()
    assert section.body == "The first text."


def test_room_is_put_back_from_its_meetings_history_page(admin_client, panel):
    room = panel.room
    added = newest(room)
    room.name = "A wrong room"
    room.save()
    row = row_of(history_page(admin_client, panel.meeting), added)
    version = Meeting.objects.get(pk=panel.meeting_id).version

    response = revert_row(admin_client, panel.meeting, added, row.newest_seen)

    assert response.url == admin_url(Meeting, "history", panel.meeting.pk)
    room.refresh_from_db()
    assert room.name == "Conference Room 4"
    # A page of the meeting opened before refuses to save the wrong name back.
    assert Meeting.objects.get(pk=panel.meeting_id).version == version + 1


def test_a_place_is_put_back_from_its_own_history_page(admin_client, panel):
    moderator = panel.panellists.get()
    added = newest(moderator)
    moderator.presentation_title = "A title set by mistake"
    moderator.save()

    row = row_of(history_page(admin_client, panel), added)

    assert row.entry.revertible
    assert row.history_url == admin_url(Panellist, "history", moderator.pk)


@pytest.mark.parametrize("moved", [False, True], ids=["another session's", "moved since"])
def test_record_of_an_item_of_another_session_is_not_found(
    admin_client, panel, make_panel, make_segment, moved
):
    other = make_panel(panel.meeting, title="Another session")
    theirs = make_segment(panel if moved else other, 10, title="Theirs")
    added = newest(theirs)
    theirs.panel = other
    theirs.duration_minutes = 25
    theirs.save()

    response = revert_row(admin_client, panel, added, newest(theirs).history_id)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.panel, theirs.duration_minutes) == (other, 25)


@pytest.mark.parametrize(
    "codenames",
    [("view_panel", "view_segment"), ("view_panel", "change_panel", "view_segment")],
    ids=["may not change the session", "may not change its items"],
)
def test_putting_back_a_row_needs_the_change_permissions(
    client, django_user_model, panel, item, codenames
):
    officer = staff_with(client, django_user_model, *codenames)
    panel.meeting.team_users.add(django_user_model.objects.get(username="officer"))
    added = newest(item).prev_record

    page = history_page(officer, panel)
    response = revert_row(officer, panel, added, newest(item).history_id)

    assert page.status_code == 200
    assert not any(row.entry.revertible for row in page.context["rows"])
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.duration_minutes == 25


def test_putting_back_a_row_from_a_stale_history_page_is_refused_in_words(
    admin_client, panel, item
):
    added = newest(item).prev_record
    row = row_of(history_page(admin_client, panel), added)
    item.duration_minutes = 30
    item.save()

    response = revert_row(admin_client, panel, added, row.newest_seen)

    (message,) = messages_of(admin_client.get(response.url))
    assert message.startswith(f"Nothing was put back as it was on {row.entry.when}. ")
    assert "It was changed after you opened its history" in message
    item.refresh_from_db()
    assert item.duration_minutes == 30


def test_a_deleted_row_has_no_button_and_is_not_put_back(admin_client, panel, item):
    added = newest(item).prev_record
    seen = newest(item).history_id
    item.delete()

    page = history_page(admin_client, panel)
    response = revert_row(admin_client, panel, added, seen)

    assert not any(row.entry.revertible for row in page.context["rows"])
    assert messages_of(admin_client.get(response.url)) == [
        f"Nothing was put back as it was on {row_of(page, added).entry.when}. "
        "It has been deleted since, so it cannot be put back."
    ]
    assert not Segment.objects.filter(pk=item.pk).exists()


def test_putting_back_a_row_only_by_post(admin_client, panel, item):
    added = newest(item).prev_record
    address = admin_url(Panel, "revert_row", panel.pk, "segment", added.history_id)

    assert admin_client.get(address).status_code == 405
    item.refresh_from_db()
    assert item.duration_minutes == 25


def test_texts_sent_back_unchanged_by_a_browser_make_no_record(
    admin_client, panel, make_section, make_person, make_panellist
):
    """Browsers send a text area's line breaks as CR LF; a page saved without touching its
    texts changes nothing, so its history records nothing."""
    section = make_section(panel, body="First paragraph.\n\nSecond paragraph.")
    person = make_person(name="Amina Diallo", bio="Line one.\nLine two.")
    make_panellist(panel, person)
    sections, people = (ConceptNoteSection.history.count(), Person.history.count())

    for obj in (panel, person):
        page = admin_url(type(obj), "change", obj.pk)
        data = form_data(admin_client.get(page))
        sent = {key: value.replace("\n", "\r\n") for key, value in data.items() if "\n" in value}
        assert sent  # the page has a multi-line text to send back
        response = admin_client.post(page, data | sent)
        assert response.status_code == 302

    section.refresh_from_db()
    person.refresh_from_db()
    assert (section.body, person.bio) == (
        "First paragraph.\n\nSecond paragraph.",
        "Line one.\nLine two.",
    )
    assert (ConceptNoteSection.history.count(), Person.history.count()) == (sections, people)


def test_history_page_breadcrumbs_take_the_admins_style(admin_client, panel):
    """Django's admin wraps the breadcrumbs block in its own <nav> and styles a
    ``div.breadcrumbs`` within it."""
    page = parse(history_page(admin_client, panel))

    assert len(page.find_all("div", "breadcrumbs")) == 1
    assert page.find_all("nav", "breadcrumbs") == []


# ---------------------------------------------------------------------------------------------
# Notices sent by a put back (attack 2, F3; each failed before its fix): a put back that
# cancels, reinstates or re-times a panel tells its panellists as the panel's page and the
# cancel and reinstate actions do, once, after the change is committed.


@pytest.fixture
def confirmed_panel(make_meeting, make_panel, make_person, make_panellist, email_site):
    """ "Regional", 15:00-16:30 on 16 February 2099, with Amina, confirmed, and an item of
    10 minutes before Amina's (of 20)."""
    meeting = make_meeting(
        title="99th",
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
        secretariat_email="sec@example.org",
    )
    panel = make_panel(meeting, title="Regional")
    amina = make_panellist(panel, person=make_person(name="Amina", email="amina@example.org"))
    panel.segments.create(kind=Segment.Kind.PRESENTATION, order=0, duration_minutes=10)
    spoken = panel.segments.create(kind=Segment.Kind.PRESENTATION, order=1, duration_minutes=20)
    spoken.speaking.create(panellist=amina, order=0)
    services.record_answer(amina, Panellist.Status.CONFIRMED)
    return panel


@pytest.fixture
def officer(transactional_db, admin_client):
    """A superuser's client, on a database that commits (the notices are sent once the
    change is committed)."""
    return admin_client


def put_back_told(client, record, parent=None):
    """Put ``record`` back from its object's History page (from ``parent``'s, for a row of
    ``parent``'s page); return the messages of the History page shown after and the
    subjects of the emails sent, in order."""
    obj = record.instance
    mail.outbox.clear()
    if parent is None:
        page = revert_to(client, record, newest(obj).history_id)
    else:
        response = revert_row(client, parent, record, newest(obj).history_id)
        page = client.get(response.url)
    return messages_of(page), [message.subject for message in mail.outbox]


def test_a_panel_put_back_as_cancelled_tells_its_panellists_once(officer, confirmed_panel):
    panel = confirmed_panel
    services.cancel([panel])
    services.notify_cancellations([panel.pk])
    services.reinstate([panel])
    services.notify_reinstatements([panel.pk])
    cancelled = panel.history.filter(status=Panel.Status.CANCELLED).latest()

    said, sent = put_back_told(officer, cancelled)
    _again, sent_again = put_back_told(officer, cancelled)

    panel.refresh_from_db()
    assert panel.status == Panel.Status.CANCELLED
    assert said[1:] == ["Told 1 panellist by email that the panel is cancelled."]
    assert len(sent) == 1 and "cancelled" in sent[0].lower(), sent
    assert sent_again == []


def test_a_panel_put_back_as_scheduled_tells_its_panellists_it_takes_place(
    officer, confirmed_panel
):
    panel = confirmed_panel
    scheduled = newest(panel)
    services.cancel([panel])
    services.notify_cancellations([panel.pk])

    said, sent = put_back_told(officer, scheduled)

    panel.refresh_from_db()
    assert panel.status == Panel.Status.SCHEDULED
    assert said[1:] == ["Told 1 panellist by email that the panel takes place after all."]
    assert len(sent) == 1


def test_a_panel_put_back_to_its_old_time_sends_the_confirmed_panellists_their_new_time(
    officer, confirmed_panel
):
    panel = confirmed_panel
    at_three = newest(panel)
    data = form_data(officer.get(admin_url(Panel, "change", panel.pk)))
    data["start_time"], data["end_time"] = "10:00", "11:30"
    told_by_page = messages_of(
        officer.post(admin_url(Panel, "change", panel.pk), data, follow=True)
    )
    mail.outbox.clear()

    said, sent = put_back_told(officer, at_three)

    panel.refresh_from_db()
    assert panel.start_time.hour == 15
    assert told_by_page[1:] == said[1:] == ["New time sent to 1 confirmed panellist."]
    assert len(sent) == 1


def test_an_item_put_back_sends_the_new_time_of_the_confirmed_panellists_after_it(
    officer, confirmed_panel
):
    panel = confirmed_panel
    first = panel.segments.get(order=0)
    ten_minutes = newest(first)
    first.duration_minutes = 30
    first.save()
    services.notify_time_changes([panel.pk])

    said, sent = put_back_told(officer, ten_minutes, parent=panel)

    first.refresh_from_db()
    assert first.duration_minutes == 10
    assert said[1:] == ["New time sent to 1 confirmed panellist."]
    assert len(sent) == 1


def test_a_refused_put_back_sends_no_notice(officer, confirmed_panel):
    panel = confirmed_panel
    scheduled = newest(panel)
    services.cancel([panel])
    services.notify_cancellations([panel.pk])
    stale = scheduled.history_id
    mail.outbox.clear()

    said = messages_of(revert_to(officer, scheduled, stale))

    panel.refresh_from_db()
    assert said[0].startswith("Nothing was put back")
    assert (panel.status, mail.outbox) == (Panel.Status.CANCELLED, [])


@pytest.mark.parametrize("officer_language", ["en", "fr", "ar"])
def test_each_language_of_a_title_is_shown_and_put_back_on_its_own(
    first_editor, make_panel, officer_language
):
    """Whatever the language of the officer's admin, the History page lists each language's
    title that changed under its own label, and putting back restores every language as it
    was, never writing the English fallback into a language that had no title."""
    panel = make_panel(title="Migration and the 2030 Agenda")
    Panel.objects.filter(pk=panel.pk).update(title_fr="La migration et le Programme 2030")
    panel.refresh_from_db()
    panel.save()
    first = newest(panel)
    panel.title_fr = "Titre changé"
    panel.title_ar = "عنوان جديد"
    panel.save()
    headers = {"HTTP_ACCEPT_LANGUAGE": officer_language}

    page = first_editor.get(admin_url(Panel, "history", panel.pk), **headers)
    address = admin_url(Panel, "revert", panel.pk, first.history_id)
    first_editor.post(address, {"newest_seen": newest(panel).history_id}, **headers)

    changed = page.context["entries"][0].changes
    with translation.override("en"):
        labels = [str(change.label) for change in changed]
    assert len(labels) == 2 and all("(" in label for label in labels)
    panel.refresh_from_db()
    assert (panel.title_en, panel.title_fr, panel.title_ar or "") == (
        "Migration and the 2030 Agenda",
        "La migration et le Programme 2030",
        "",
    )
