"""Meeting teams (issue 12, item 3): staff see and edit drafts, tools, answers and exports only
of the meetings whose team they are on; superusers see everything.

Two draft meetings: "ours", whose team holds Olga directly, and "theirs", whose team holds the
group "Geneva desk" (Tomás is in it). Both are in the "Secretariat" group that migration 0015
makes. Each meeting has an unpublished session with a participant (a person only there) and
an item. One table of every page of "theirs" is tried as Olga (refused), as Tomás and as a
superuser (allowed); the lists, the autocomplete boxes and the exports are read for the names
of the other meeting.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from panels import services
from panels.models import Meeting, Panel, Panellist, Person, ProposedChange
from panels.rules import SECRETARIAT_GROUP
from panels.wording import when_and_zone
from tests import test_programme_import as programme_import
from tests.admin_helpers import admin_url, form_data, messages_of, run_action
from tests.test_csv import csv_file, csv_rows, export_list, export_panels, preview, row_errors

pytestmark = pytest.mark.own_teams

OURS, THEIRS = "ours", "theirs"


@pytest.fixture
def meetings(make_meeting, make_panel, make_person, make_panellist, make_segment):
    """``{"ours": {...}, "theirs": {...}}``, each with its meeting, panel, place, person and
    item; every meeting a draft, every session unpublished."""
    made = {}
    for key, person_name in ((OURS, "Olivia Ours"), (THEIRS, "Theo Theirs")):
        meeting = make_meeting(
            title=f"Meeting {key}", slug=f"meeting-{key}", status=Meeting.Status.DRAFT
        )
        panel = make_panel(meeting, title=f"Session {key}", is_published=False)
        person = make_person(name=person_name, email=f"{key}@example.org")
        place = make_panellist(panel, person)
        item = make_segment(panel, 10, title=f"Item {key}", speaker=place)
        made[key] = {
            "meeting": meeting,
            "panel": panel,
            "place": place,
            "person": person,
            "item": item,
        }
    return made


@pytest.fixture
def secretariat(db):
    """The group migration 0015 made (made again by the migration's own function when a
    transactional test before this one emptied the tables)."""
    group = Group.objects.filter(name=SECRETARIAT_GROUP).first()
    if group is None:
        migration = importlib.import_module("panels.migrations.0015_meeting_teams")
        migration.make_secretariat_and_teams(django_apps, None)
        group = Group.objects.get(name=SECRETARIAT_GROUP)
    return group


@pytest.fixture
def olga(django_user_model, secretariat, meetings):
    """On the team of "ours", by name."""
    user = django_user_model.objects.create_user("olga", is_staff=True)
    user.groups.add(secretariat)
    meetings[OURS]["meeting"].team_users.add(user)
    return user


@pytest.fixture
def tomas(django_user_model, secretariat, meetings):
    """On the team of "theirs", through the group "Geneva desk"."""
    user = django_user_model.objects.create_user("tomas", is_staff=True)
    desk = Group.objects.create(name="Geneva desk")
    user.groups.add(secretariat, desk)
    meetings[THEIRS]["meeting"].team_groups.add(desk)
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def urls_of(made):
    """Every address of one meeting's records: the public pages (drafts previewed), the
    secretariat's tools, and the admin's pages of its meeting, session, place and person."""
    meeting, panel, place, person = (made[key] for key in ("meeting", "panel", "place", "person"))
    panel_kwargs = {"meeting_slug": meeting.slug, "pk": panel.pk}
    return {
        "programme": reverse("panels:meeting-detail", kwargs={"slug": meeting.slug}),
        "panel page": reverse("panels:panel-detail", kwargs=panel_kwargs),
        "run sheet": reverse("panels:panel-runsheet", kwargs=panel_kwargs),
        "timekeeper": reverse("panels:panel-timekeeper", kwargs=panel_kwargs),
        "meeting page": admin_url(Meeting, "change", meeting.pk),
        "meeting history": admin_url(Meeting, "history", meeting.pk),
        "meeting deletion": admin_url(Meeting, "delete", meeting.pk),
        "programme export": reverse(
            "admin:panels_meeting_programme_export", args=[meeting.pk, "csv"]
        ),
        "session page": admin_url(Panel, "change", panel.pk),
        "session history": admin_url(Panel, "history", panel.pk),
        "session deletion": admin_url(Panel, "delete", panel.pk),
        "place page": admin_url(Panellist, "change", place.pk),
        "place history": admin_url(Panellist, "history", place.pk),
        "place deletion": admin_url(Panellist, "delete", place.pk),
        "place's items": reverse("admin:panels_panellist_give_items", args=[place.pk]),
        "person page": admin_url(Person, "change", person.pk),
        "person history": admin_url(Person, "history", person.pk),
        "person deletion": admin_url(Person, "delete", person.pk),
    }


def test_every_page_of_another_teams_meeting_is_refused(client, meetings, olga):
    client = signed_in(client, olga)
    answers = {
        name: client.get(url).status_code for name, url in urls_of(meetings[THEIRS]).items()
    }

    assert {name: status for name, status in answers.items() if status not in (403, 404)} == {}


def test_every_page_of_ones_own_meeting_opens(client, meetings, olga):
    client = signed_in(client, olga)
    answers = {name: client.get(url).status_code for name, url in urls_of(meetings[OURS]).items()}

    assert {name: status for name, status in answers.items() if status != 200} == {}


@pytest.mark.parametrize("who", ["tomas", "superuser"])
def test_the_team_through_a_group_and_a_superuser_open_every_page(
    client, meetings, tomas, admin_user, who
):
    client = signed_in(client, tomas if who == "tomas" else admin_user)
    answers = {
        name: client.get(url).status_code for name, url in urls_of(meetings[THEIRS]).items()
    }

    assert {name: status for name, status in answers.items() if status != 200} == {}


def test_staff_on_no_team_reads_no_draft(client, meetings, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    client = signed_in(client, nobody)

    for made in meetings.values():
        urls = urls_of(made)
        for name in ("programme", "panel page", "run sheet", "timekeeper"):
            assert client.get(urls[name]).status_code == 404, name
    home = client.get(reverse("panels:meeting-list")).content.decode()
    assert "Meeting ours" not in home
    assert "Meeting theirs" not in home


def test_a_published_session_of_a_public_meeting_stays_public_to_everyone(client, meetings, olga):
    theirs = meetings[THEIRS]
    Meeting.objects.filter(pk=theirs["meeting"].pk).update(status=Meeting.Status.PUBLIC)
    Panel.objects.filter(pk=theirs["panel"].pk).update(is_published=True)
    client = signed_in(client, olga)
    urls = urls_of(theirs)

    assert client.get(urls["panel page"]).status_code == 200
    page = client.get(urls["panel page"]).content.decode()
    # The secretariat's tools of another team's session are not offered, nor open.
    assert urls["run sheet"] not in page
    assert client.get(urls["run sheet"]).status_code == 404


LISTS = [
    (Meeting, "Meeting"),
    (Panel, "Session"),
    (Panellist, "Theo Theirs"),
    (Person, "Theirs"),
]


@pytest.mark.parametrize(("model", "name"), LISTS)
def test_lists_hold_only_the_teams_records(client, meetings, olga, model, name):
    client = signed_in(client, olga)

    page = client.get(admin_url(model, "changelist")).content.decode()

    assert "theirs" not in page.casefold()
    assert "ours" in page.casefold()


def test_list_filters_name_only_the_teams_meetings(
    client, meetings, olga, make_panel, make_panellist
):
    session = make_panel(title="Session two", is_published=False)
    make_panellist(session)
    second = session.meeting
    Meeting.objects.filter(pk=second.pk).update(title="Meeting ours too")
    second.team_users.add(olga)
    client = signed_in(client, olga)

    for model in (Panel, Panellist):
        page = client.get(admin_url(model, "changelist")).content.decode()
        assert "Meeting ours" in page
        assert "Meeting theirs" not in page


@pytest.mark.parametrize(
    ("model_name", "field_name", "term"),
    [("panellist", "person", "Theo"), ("panellist", "panel", "Session"), ("panel", "meeting", "")],
)
def test_autocomplete_offers_only_the_teams_records(
    client, meetings, olga, model_name, field_name, term
):
    client = signed_in(client, olga)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "panels", "model_name": model_name, "field_name": field_name, "term": term},
    )
    if response.status_code == 403:
        # The field has no autocomplete box (a select whose choices are narrowed instead).
        pytest.skip("no autocomplete for this field")
    texts = [result["text"] for result in response.json()["results"]]

    assert not [text for text in texts if "heirs" in text]


def test_person_autocomplete_finds_people_of_ones_meetings(client, meetings, olga):
    client = signed_in(client, olga)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "panels", "model_name": "panellist", "field_name": "person", "term": "O"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Olivia Ours"]


def test_new_sessions_can_be_added_to_the_teams_meetings_only(client, meetings, olga):
    client = signed_in(client, olga)
    page = client.get(admin_url(Panel, "add"))
    choices = [label for _value, label in page.context["adminform"].form.fields["meeting"].choices]

    assert choices == ["---------", "Meeting ours"]
    data = form_data(page) | {
        "meeting": str(meetings[THEIRS]["meeting"].pk),
        "kind": Panel.Kind.PANEL,
        "title_en": "Smuggled",
        "date": "16/02/2017",
    }
    response = client.post(admin_url(Panel, "add"), data)
    assert response.status_code == 200
    assert "meeting" in response.context["adminform"].form.errors
    assert not Panel.objects.filter(title="Smuggled").exists()


def test_a_place_cannot_be_put_on_another_teams_session_by_a_tampered_key(client, meetings, olga):
    client = signed_in(client, olga)
    url = admin_url(Panellist, "change", meetings[OURS]["place"].pk)
    data = form_data(client.get(url)) | {"panel": str(meetings[THEIRS]["panel"].pk)}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "panel" in response.context["adminform"].form.errors
    assert Panellist.objects.get(pk=meetings[OURS]["place"].pk).panel == meetings[OURS]["panel"]


def test_actions_leave_another_teams_sessions_alone(client, meetings, olga):
    client = signed_in(client, olga)
    theirs = meetings[THEIRS]["panel"]

    response = run_action(client, Panel, "publish", [theirs])

    assert response.status_code == 200
    assert not Panel.objects.get(pk=theirs.pk).is_published


def test_exports_carry_only_the_teams_records(client, meetings, olga):
    client = signed_in(client, olga)

    listed = csv_rows(export_list(client).content)
    selected = csv_rows(
        export_panels(client, meetings[OURS]["panel"], meetings[THEIRS]["panel"]).content
    )

    for rows in (listed, selected):
        text = repr(rows)
        assert "Olivia Ours" in text
        assert "Theo Theirs" not in text
        assert "theirs@example.org" not in text


def test_an_import_finds_no_session_of_another_team(client, meetings, olga):
    client = signed_in(client, olga)
    theirs = meetings[THEIRS]["panel"]
    data = csv_file([["Panel ID", "Name", "Email"], [str(theirs.pk), "Smuggled In", "s@x.org"]])

    previewed = preview(client, data)

    assert row_errors(previewed)
    assert not Person.objects.filter(name="Smuggled In").exists()


def test_a_person_on_another_teams_draft_only_is_out_of_sight_and_one_on_both_is_editable(
    client, meetings, olga, make_panellist
):
    theirs, ours = meetings[THEIRS], meetings[OURS]
    shared = ours["person"]
    make_panellist(theirs["panel"], shared)
    client = signed_in(client, olga)

    page = client.get(admin_url(Person, "change", shared.pk))

    assert page.status_code == 200
    assert page.context["adminform"].form.fields  # editable, not read-only
    # Their place in the other team's meeting is not listed on the person's page.
    assert "Session theirs" not in page.content.decode()
    assert "Session ours" in page.content.decode()


def test_a_new_meeting_puts_its_author_on_its_team(client, olga):
    client = signed_in(client, olga)
    page = client.get(admin_url(Meeting, "add"))
    data = form_data(page) | {
        "title_en": "Regional review",
        "slug": "regional-review",
        "start_date": "2027-03-01",
        "end_date": "2027-03-02",
        "time_zone": "Asia/Bangkok",
        "status": Meeting.Status.DRAFT,
        "format": Meeting._meta.get_field("format").default,
    }

    response = client.post(admin_url(Meeting, "add"), data, follow=True)

    assert "adminform" not in response.context or response.context["adminform"].form.errors == {}
    meeting = Meeting.objects.get(slug="regional-review")
    assert response.status_code == 200
    assert olga in meeting.team_users.all()
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_join_team_leaves_superusers_and_members_as_they_are(meetings, olga, admin_user):
    meeting = meetings[OURS]["meeting"]

    assert services.join_team(meeting, olga).added is False
    assert services.join_team(meeting, admin_user).added is False
    assert not meeting.team_users.filter(pk=admin_user.pk).exists()


def test_the_secretariat_group_holds_the_permissions_of_the_job(db, secretariat):
    codenames = set(secretariat.permissions.values_list("codename", flat=True))

    assert {"change_meeting", "add_panel", "delete_segment", "change_person"} <= codenames
    assert "change_proposedchange" in codenames
    assert "add_sending" not in codenames
    assert not {"change_user", "add_group"} & codenames


def test_a_programme_is_imported_into_the_teams_meetings_only(client, meetings, olga):
    client = signed_in(client, olga)
    data = programme_import.rows(
        programme_import.item_row(
            **{"Date": "2017-02-16", "Room": "Conference Room 4", "Speakers": "Theo Theirs"}
        )
    )

    into_theirs = programme_import.preview(client, data, meetings[THEIRS]["meeting"])
    assert "meeting" in into_theirs.context["form"].errors

    previewed = programme_import.preview(client, data, meetings[OURS]["meeting"])
    programme_import.confirm(client, previewed)
    # The speaker named is not the person of the other team's draft: a new person is made.
    session = Panel.objects.get(meeting=meetings[OURS]["meeting"], title="Working group 1")
    (place,) = session.panellists.all()
    assert place.person.name == "Theo Theirs"
    assert place.person != meetings[THEIRS]["person"]


def test_another_teams_record_cannot_be_put_back(client, meetings, olga):
    theirs = meetings[THEIRS]["person"]
    added = theirs.history.latest()
    theirs.bio = "Written by their team."
    theirs.save()
    client = signed_in(client, olga)

    response = client.post(
        admin_url(Person, "revert", theirs.pk, added.history_id),
        {"newest_seen": theirs.history.latest().history_id},
    )

    assert response.status_code == 403
    assert Person.objects.get(pk=theirs.pk).bio == "Written by their team."


# ---------------------------------------------------------------------------------------------
# Found by an attack on the teams (each failed before its fix)

SECRETS = ("Meeting theirs", "Session theirs", "Theo Theirs", "theirs@example.org", "Item theirs")


def test_the_session_add_page_offers_only_the_teams_rooms(client, meetings, olga):
    client = signed_in(client, olga)
    page = client.get(admin_url(Panel, "add"))
    assert page.status_code == 200
    rooms = [label for _v, label in page.context["adminform"].form.fields["room"].choices]

    assert not [label for label in rooms if "theirs" in label], rooms


def test_the_meeting_add_page_names_nothing_of_another_team(client, meetings, olga):
    client = signed_in(client, olga)
    page = client.get(admin_url(Meeting, "add"))
    assert page.status_code == 200

    assert [secret for secret in SECRETS if secret in page.content.decode()] == []


@pytest.fixture
def shared(meetings, make_panellist):
    """Olivia Ours also takes a place in "theirs"' draft session, and proposes (through that
    place's personal link) a new organisation and a new presentation title."""
    person = meetings[OURS]["person"]
    place = make_panellist(meetings[THEIRS]["panel"], person)
    services.propose_changes(
        place,
        {
            ProposedChange.Field.ORGANISATION: "New org",
            ProposedChange.Field.PRESENTATION_TITLE: "Secret talk of theirs",
        },
    )
    return place


def test_a_shared_persons_page_hides_what_they_proposed_through_another_teams_place(
    client, meetings, olga, shared
):
    client = signed_in(client, olga)
    page = client.get(admin_url(Person, "change", meetings[OURS]["person"].pk))
    assert page.status_code == 200
    text = page.content.decode()

    assert "Session theirs" not in text
    assert "Secret talk of theirs" not in text


def test_a_shared_persons_page_cannot_decide_another_teams_proposals(
    client, meetings, olga, shared
):
    client = signed_in(client, olga)
    url = admin_url(Person, "change", meetings[OURS]["person"].pk)
    page = client.get(url)
    data = form_data(page)
    for index in range(int(data["proposed_changes-TOTAL_FORMS"])):
        data[f"proposed_changes-{index}-decision"] = "accept"

    response = client.post(url, data)
    assert response.status_code in (200, 302, 403)

    shared.refresh_from_db()
    assert shared.presentation_title != "Secret talk of theirs"
    assert not LogEntry.objects.filter(
        user=olga, object_id=str(meetings[THEIRS]["panel"].pk)
    ).exists()


def test_a_place_row_with_another_sessions_key_is_no_server_error(client, meetings, olga):
    """A deleted row whose hidden key names another session's place is not one of the
    page's rows: nothing is deleted, and no server error."""
    client.raise_request_exception = False
    client = signed_in(client, olga)
    url = admin_url(Panel, "change", meetings[OURS]["panel"].pk)
    data = form_data(client.get(url))
    data["panellists-0-id"] = str(meetings[THEIRS]["place"].pk)
    data["panellists-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert Panellist.objects.filter(pk=meetings[THEIRS]["place"].pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/panels/panel/{big}/change/",
        "/admin/panels/panel/abc/change/",
        "/admin/panels/panel/abc/history/",
        "/admin/panels/panel/{big}/delete/",
        "/admin/panels/panellist/{big}/items/",
        "/admin/panels/panellist/-1/items/",
        "/admin/panels/meeting/abc/programme/csv/",
        "/admin/panels/meeting/{big}/programme/csv/",
        "/admin/panels/person/{big}/change/",
        "/admin/panels/panel/?date__year={big}",
        "/admin/panels/panellist/?panel__meeting__id__exact=abc",
        "/admin/panels/panellist/?panel__meeting__id__exact={big}",
        "/admin/panels/panel/?meeting__id__exact={big}",
    ],
)
def test_odd_keys_answer_no_500(client, meetings, olga, path):
    client.raise_request_exception = False
    client = signed_in(client, olga)
    response = client.get(path.format(big="99999999999999999999"))
    assert response.status_code < 500, response.status_code


def test_a_places_items_page_with_a_key_that_is_no_number_is_not_found(client, meetings, olga):
    client.raise_request_exception = False
    client = signed_in(client, olga)
    response = client.get("/admin/panels/panellist/abc/items/")
    assert response.status_code == 404, response.status_code


def test_a_shared_persons_page_says_a_change_shows_in_other_teams_meetings(
    client, meetings, olga, make_panellist, admin_user
):
    shared = meetings[OURS]["person"]
    make_panellist(meetings[THEIRS]["panel"], shared)
    url = admin_url(Person, "change", shared.pk)

    said = messages_of(signed_in(client, olga).get(url))
    said_to_superuser = messages_of(signed_in(client, admin_user).get(url))

    assert said == [
        "Olivia Ours also has a place in 1 meeting of another team: a change of their details "
        "shows there too."
    ]
    assert said_to_superuser == []


def test_a_person_public_on_another_teams_programme_can_be_chosen_but_not_read(
    client, meetings, olga, make_meeting, make_panel, make_panellist, make_person
):
    other = make_meeting(title="Public meeting of another team", slug="public-other")
    star = make_person(name="Public Star", email="star@example.org")
    make_panellist(make_panel(other, title="Public session"), star)
    client = signed_in(client, olga)

    listed = client.get(admin_url(Person, "changelist")).content.decode()
    page = client.get(admin_url(Person, "change", star.pk))
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "panels", "model_name": "panellist", "field_name": "person", "term": "Star"},
    )

    assert "star@example.org" not in listed
    assert "Public Star" not in listed
    assert page.status_code == 403
    assert [result["text"] for result in found.json()["results"]] == ["Public Star"]


# ---------------------------------------------------------------------------------------------
# Putting back a record that points into another team's meeting (attack 2, F2; each failed
# before its fix)

REFUSED_IN_ANOTHER_TEAM = (
    "Its {relation} then belongs to a meeting whose team you are not on, so it cannot be put "
    "back as it was."
)
REFUSED_ANOTHER_TEAMS_MEETING = (
    "Its meeting then is a meeting whose team you are not on, so it cannot be put back as it was."
)


def put_back(client, obj, record):
    """Post the "Put back" button of ``record`` on ``obj``'s History page; the page shown
    after."""
    newest_seen = type(obj).history.filter(id=obj.pk).latest().history_id
    address = admin_url(type(obj), "revert", obj.pk, record.history_id)
    return client.post(address, {"newest_seen": newest_seen}, follow=True)


@pytest.fixture
def moved_session(meetings):
    """The session of "theirs", moved by a superuser to "ours"; its record from before."""
    panel = meetings[THEIRS]["panel"]
    panel.meeting = meetings[OURS]["meeting"]
    panel.room = None
    services.save_panel(panel)
    before = panel.history.filter(meeting_id=meetings[THEIRS]["meeting"].pk).latest()
    return panel, before


def test_a_session_is_not_put_back_into_another_teams_meeting(
    client, meetings, olga, moved_session
):
    panel, before = moved_session
    client = signed_in(client, olga)

    page = put_back(client, panel, before)

    panel.refresh_from_db()
    assert panel.meeting == meetings[OURS]["meeting"]
    assert messages_of(page) == [
        f"Nothing was put back as it was on {when_and_zone(before.history_date)}"
        ". "
        + REFUSED_ANOTHER_TEAMS_MEETING
        + " "
        + REFUSED_IN_ANOTHER_TEAM.format(relation="room")
    ]


def test_a_sessions_history_names_no_meeting_of_another_team(
    client, meetings, olga, moved_session
):
    panel, _before = moved_session

    page = signed_in(client, olga).get(admin_url(Panel, "history", panel.pk))

    moved, *_older = page.context["entries"]
    assert [
        (change.label, change.before, change.after)
        for change in moved.changes
        if change.label == "Meeting"
    ] == [("Meeting", "(another team's meeting)", "“Meeting ours”")]
    assert "Meeting theirs" not in page.content.decode()


def test_a_superuser_puts_a_session_back_into_any_meeting(
    client, meetings, admin_user, moved_session
):
    panel, before = moved_session

    put_back(signed_in(client, admin_user), panel, before)

    panel.refresh_from_db()
    assert panel.meeting == meetings[THEIRS]["meeting"]


def test_a_place_is_not_put_back_onto_another_teams_session(client, meetings, olga):
    place = meetings[THEIRS]["place"]
    place.speaking.all().delete()
    place.panel = meetings[OURS]["panel"]
    place.order = 5
    services.save_panellist(place)
    before = place.history.filter(panel_id=meetings[THEIRS]["panel"].pk).latest()
    client = signed_in(client, olga)

    page = put_back(client, place, before)

    place.refresh_from_db()
    assert place.panel == meetings[OURS]["panel"]
    assert messages_of(page)[0].endswith(REFUSED_IN_ANOTHER_TEAM.format(relation="panel"))
    history = client.get(admin_url(Panellist, "history", place.pk))
    moved, _added = history.context["entries"]
    assert [(change.label, change.before, change.after) for change in moved.changes][0] == (
        "Panel",
        "(another team's panel)",
        "“Session ours”",
    )
    assert "Session theirs" not in history.content.decode()


def test_an_item_and_a_room_are_not_put_back_into_another_teams_meeting(meetings, olga):
    item = meetings[THEIRS]["item"]
    item.speaking.all().delete()
    item.panel = meetings[OURS]["panel"]
    item.save()
    room = meetings[THEIRS]["panel"].room
    room.meeting = meetings[OURS]["meeting"]
    room.name = "Moved room"
    room.save()
    item_before = item.history.filter(panel_id=meetings[THEIRS]["panel"].pk).latest()
    room_before = room.history.filter(meeting_id=meetings[THEIRS]["meeting"].pk).latest()

    refused = [
        services.history.revert(item_before, olga).refused,
        services.history.revert(room_before, olga).refused,
    ]

    item.refresh_from_db()
    room.refresh_from_db()
    assert (item.panel, room.meeting) == (meetings[OURS]["panel"], meetings[OURS]["meeting"])
    assert refused == [
        (REFUSED_IN_ANOTHER_TEAM.format(relation="panel"),),
        (REFUSED_ANOTHER_TEAMS_MEETING,),
    ]


def test_a_place_is_not_put_back_to_a_person_only_another_team_may_choose(
    meetings, olga, make_person, make_panellist
):
    zed = make_person(name="Zed Theirs")
    make_panellist(meetings[THEIRS]["panel"], zed, order=3)
    place = meetings[OURS]["place"]
    place.person = zed
    services.save_panellist(place)
    with_zed = place.history.latest()
    place.person = meetings[OURS]["person"]
    services.save_panellist(place)

    result = services.history.revert(with_zed, olga)

    place.refresh_from_db()
    assert place.person == meetings[OURS]["person"]
    assert result.refused == (
        "Its person then has a place only in meetings whose teams you are not on, so it "
        "cannot be put back as it was.",
    )
