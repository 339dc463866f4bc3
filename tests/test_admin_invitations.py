"""The secretariat's side of invitations and answers in the admin: actions that invite, remind
and revoke links, the panellist's page with their answer and the emails sent, the panel list's
answer counts and filter, and new-time notices after a save.

The officer is a staff member with the permissions a secretariat has (``secretariat``), not a
superuser. Emails go to Django's locmem backend (``mail.outbox``).
"""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.caching import NewGenerationAfterCommit
from panels.models import Meeting, Panel, Panellist, Sending
from panels.services.versions import VersionsAfterCommit
from tests.admin_helpers import (
    admin_url,
    column,
    form_data,
    messages_of,
    readonly_value,
    run_action,
)

NOW = datetime(2099, 2, 1, 12, 0, tzinfo=UTC)
NOT_REMINDED = (
    "had answered, had never been invited, had been invited or reminded in the last 3 days, "
    "or the deadline for answers had passed."
)


pytestmark = pytest.mark.usefixtures("email_site")


@pytest.fixture
def secretariat(staff_client, staff_user):
    """``staff_client`` with what a secretariat officer may do: see and change meetings,
    panels, their sections, running orders and panellists; see people. Not the sent emails
    (they are shown with the panellist)."""
    codenames = [
        f"{action}_{model}"
        for model in ["meeting", "panel", "panellist", "segment", "conceptnotesection"]
        for action in ["view", "change", "add"]
    ] + ["view_person"]
    staff_user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return staff_client


@pytest.fixture
def panel(make_meeting, make_panel):
    """ "Regional dimensions", 15:00-16:30 New York time on 16 February 2099."""
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    return make_panel(meeting, title="Regional dimensions")


@pytest.fixture
def place(panel, make_person, make_panellist):
    """Make a panellist on ``panel`` with an email address from their name."""

    def make(name, status=Panellist.Status.INVITED, on=None, **person):
        person.setdefault("email", f"{name.split()[0].lower()}@example.org")
        panellist = make_panellist(on or panel, person=make_person(name=name, **person))
        if status != Panellist.Status.INVITED:
            services.record_answer(panellist, status)
        return panellist

    return make


def recipients():
    return sorted(address for message in outbox.outbox for address in message.to)


# ---------------------------------------------------------------------------------------------
# Invitations


def test_invitation_action_sends_one_email_per_selected_panellist(secretariat, place):
    amina, jorge, li = place("Amina Example"), place("Jorge Example"), place("Li Example")

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    assert recipients() == ["amina@example.org", "jorge@example.org"]
    assert messages_of(response) == ["Sent 2 invitations, each with a new personal link."]
    assert [
        (sending.panellist, sending.kind, sending.error)
        for sending in Sending.objects.order_by("panellist__pk")
    ] == [(amina, Sending.Kind.INVITATION, ""), (jorge, Sending.Kind.INVITATION, "")]
    li.refresh_from_db()
    assert li.link_hash == ""


@pytest.mark.parametrize(
    ("address", "reason"),
    [("", "no email address"), ("amina@", "the email address is not valid")],
    ids=["no-address", "invalid-address"],
)
def test_invitation_failure_is_named_and_the_others_are_sent(secretariat, place, address, reason):
    amina = place("Amina <b>Example</b>", email=address)
    jorge = place("Jorge Example")

    response = run_action(secretariat, Panellist, "send_invitations", [amina, jorge])

    assert recipients() == ["jorge@example.org"]
    assert [str(message) for message in response.context["messages"]] == [
        "Sent 1 invitation, with a new personal link.",
        f"The invitation to Amina <b>Example</b> for “Regional dimensions” was not sent: "
        f"{reason}.",
    ]
    # The name is shown as text, never as markup.
    assert "Amina &lt;b&gt;Example&lt;/b&gt;" in response.content.decode()
    amina.refresh_from_db()
    assert (amina.link_hash, amina.sendings.get().error) == ("", reason)


def test_panel_action_invites_only_panellists_who_have_not_answered(
    secretariat, panel, place, make_panel
):
    place("Amina Example", Panellist.Status.CONFIRMED)
    place("Jorge Example", Panellist.Status.DECLINED)
    place("Li Example", Panellist.Status.WITHDRAWN)
    place("Maria Example")
    place("Nadia Example")
    place("Omar Example", on=make_panel(panel.meeting, title="Another panel"))

    response = run_action(secretariat, Panel, "invite_unanswered", [panel])

    assert recipients() == ["maria@example.org", "nadia@example.org"]
    assert messages_of(response) == ["Sent 2 invitations, each with a new personal link."]


def test_panel_action_with_everyone_answered_invites_nobody_and_says_so(secretariat, panel, place):
    place("Amina Example", Panellist.Status.CONFIRMED)

    response = run_action(secretariat, Panel, "invite_unanswered", [panel])

    assert outbox.outbox == []
    assert messages_of(response) == [
        "Nobody was invited: every panellist of the selected panels has answered or withdrawn."
    ]


@pytest.mark.parametrize(
    ("model", "action"),
    [(Panellist, "send_reminders"), (Panel, "send_reminders")],
    ids=["panellists", "panel"],
)
def test_reminder_action_skips_those_who_answered_or_were_never_invited(
    secretariat, panel, place, model, action
):
    waiting, answered = place("Amina Example"), place("Jorge Example")
    never_invited = place("Li Example")
    services.invite([waiting, answered], now=timezone.now() - timedelta(days=10))
    services.record_answer(answered, Panellist.Status.CONFIRMED)
    outbox.outbox.clear()
    selected = [waiting, answered, never_invited] if model is Panellist else [panel]

    response = run_action(secretariat, model, action, selected)

    assert recipients() == ["amina@example.org"]
    reminded = Sending.objects.filter(kind=Sending.Kind.REMINDER, error="")
    assert list(reminded.values_list("panellist", flat=True)) == [waiting.pk]
    assert messages_of(response) == [
        "Sent 1 reminder, with a new personal link.",
        f"2 panellists were not reminded: they {NOT_REMINDED}",
    ]


def test_reminder_action_does_not_remind_twice_within_the_interval(secretariat, place):
    amina = place("Amina Example")
    services.invite([amina], now=timezone.now() - timedelta(days=10))
    outbox.outbox.clear()
    run_action(secretariat, Panellist, "send_reminders", [amina])
    assert recipients() == ["amina@example.org"]
    outbox.outbox.clear()

    response = run_action(secretariat, Panellist, "send_reminders", [amina])

    assert outbox.outbox == []
    assert messages_of(response) == [f"1 panellist was not reminded: they {NOT_REMINDED}"]


# ---------------------------------------------------------------------------------------------
# Revoking personal links


def test_revoke_action_makes_the_old_link_show_the_invalid_link_page(
    secretariat, client, place, staff_user
):
    amina, jorge = place("Amina Example"), place("Jorge Example")
    secret = services.issue_link(amina)
    link = reverse("panels:panellist-answer", kwargs={"secret": secret})
    assert client.get(link).status_code == 200

    response = run_action(secretariat, Panellist, "revoke_links", [amina, jorge])

    assert messages_of(response) == [
        "Revoked the personal link of 1 panellist: it no longer opens their answer page.",
        "1 panellist had no personal link to revoke.",
    ]
    secretariat.logout()
    invalid = client.get(link)
    assert invalid.status_code == 404
    assert [template.name for template in invalid.templates][0] == "panels/link_invalid.html"
    entry = LogEntry.objects.get(object_id=str(amina.pk))
    assert (entry.user, entry.get_change_message()) == (
        staff_user,
        "Changed Personal link (hash).",
    )


def test_email_and_link_actions_need_the_change_permission(client, django_user_model, place):
    place("Amina Example")
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_panellist"))
    client.force_login(viewer)

    page = client.get(admin_url(Panellist, "changelist")).content.decode()

    assert re.findall(r'<option value="([a-z_]+)"', page) == []


# ---------------------------------------------------------------------------------------------
# The panellist's page and list


@pytest.fixture
def declined(place):
    """Amina Example, who declined with a reason and a note, after an invitation that failed
    and one that was sent; her current link was issued on 5 January 2099, 9:00 UTC."""
    amina = place("Amina Example")
    Sending.objects.create(
        panellist=amina,
        kind=Sending.Kind.INVITATION,
        to_address="amina@exmaple.org",
        sent_at=datetime(2099, 1, 4, 8, 0, tzinfo=UTC),
        error="the mail server refused the address: 550 no such user",
    )
    Sending.objects.create(
        panellist=amina,
        kind=Sending.Kind.INVITATION,
        to_address="amina@example.org",
        sent_at=datetime(2099, 1, 5, 9, 0, tzinfo=UTC),
    )
    services.issue_link(amina, now=datetime(2099, 1, 5, 9, 0, tzinfo=UTC))
    services.answer(
        amina,
        Panellist.Status.DECLINED,
        fingerprint=services.slot_fingerprint(amina),
        reason="Travel <b>clash</b>:\nI chair a meeting in Geneva that day.",
        note="Please invite my deputy.",
    )
    return amina


def test_panellist_page_shows_their_words_as_text(secretariat, declined):
    response = secretariat.get(admin_url(Panellist, "change", declined.pk))

    assert readonly_value(response, "decline_reason") == (
        "Travel <b>clash</b>:I chair a meeting in Geneva that day."
    )
    assert readonly_value(response, "note_to_secretariat") == "Please invite my deputy."
    page = response.content.decode()
    assert "Travel &lt;b&gt;clash&lt;/b&gt;:<br>I chair a meeting" in page
    assert 'name="decline_reason"' not in page
    assert 'name="note_to_secretariat"' not in page


def test_panellist_page_lists_the_emails_sent_read_only(secretariat, declined):
    response = secretariat.get(admin_url(Panellist, "change", declined.pk))

    assert list(
        zip(
            column(response, "kind"),
            column(response, "to_address"),
            column(response, "sent"),
            column(response, "result"),
            strict=True,
        )
    ) == [
        ("Invitation", "amina@example.org", "Jan. 5, 2099, 09:00 (UTC)", "Sent"),
        (
            "Invitation",
            "amina@exmaple.org",
            "Jan. 4, 2099, 08:00 (UTC)",
            "Not sent: the mail server refused the address: 550 no such user",
        ),
    ]
    (history,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Sending
    ]
    assert (
        history.has_add_permission,
        history.has_change_permission,
        history.has_delete_permission,
    ) == (False, False, False)


@pytest.mark.parametrize(
    ("change", "state"),
    [
        (
            None,
            "Valid, issued Jan. 5, 2099, 09:00 (UTC); it works until Feb. 16, 2099, 15:00 "
            "(America/New_York).",
        ),
        (
            services.revoke_link,
            "No valid link. Sending the invitation gives them a new one.",
        ),
        (
            lambda amina: services.record_answer(amina, Panellist.Status.WITHDRAWN),
            "No valid link: the panellist has withdrawn.",
        ),
        (
            lambda amina: Panel.objects.filter(pk=amina.panel_id).update(
                answer_deadline=datetime(2099, 1, 6, 17, 0, tzinfo=UTC)
            ),
            "Issued Jan. 5, 2099, 09:00 (UTC); it stopped working at the answer deadline, "
            "Jan. 6, 2099, 12:00 (America/New_York).",
        ),
    ],
    ids=["valid", "revoked", "withdrawn", "expired"],
)
def test_panellist_page_shows_the_state_of_the_personal_link(
    secretariat, declined, change, state, monkeypatch
):
    if change is not None:
        change(declined)
    monkeypatch.setattr("panels.admin.panellists.timezone", SimpleNamespace(now=lambda: NOW))

    response = secretariat.get(admin_url(Panellist, "change", declined.pk))

    assert readonly_value(response, "link_state") == state


def test_panellist_page_saves_with_its_history_and_keeps_the_answer(secretariat, declined):
    data = form_data(secretariat.get(admin_url(Panellist, "change", declined.pk)))
    data["presentation_title"] = "Regional corridors"

    response = secretariat.post(admin_url(Panellist, "change", declined.pk), data)

    assert response.status_code == 302
    declined.refresh_from_db()
    assert (
        declined.presentation_title,
        declined.status,
        declined.decline_reason,
        declined.link_hash != "",
        declined.sendings.count(),
    ) == (
        "Regional corridors",
        Panellist.Status.DECLINED,
        "Travel <b>clash</b>:\nI chair a meeting in Geneva that day.",
        True,
        2,
    )


def test_panellist_list_shows_answer_reason_note_and_last_email(secretariat, declined, place):
    place("Jorge Example")
    url = admin_url(Panellist, "changelist") + "?o=1"

    response = secretariat.get(url)

    assert column(response, "status") == ["Declined", "Invited"]
    assert column(response, "reason") == [
        "Travel <b>clash</b>:\nI chair a meeting in Geneva that day.",
        "-",
    ]
    assert column(response, "note") == ["Please invite my deputy.", "-"]
    assert column(response, "last_email") == ["Invitation, Jan. 5, 2099, 09:00 (UTC)", "-"]


def test_panellist_list_last_email_says_when_it_failed(secretariat, place):
    amina = place("Amina Example", email="")
    services.invite([amina], now=NOW)

    response = secretariat.get(admin_url(Panellist, "changelist"))

    assert column(response, "last_email") == [
        "Invitation, Feb. 1, 2099, 12:00 (UTC): not sent (no email address)"
    ]


@pytest.mark.parametrize("size", [2, 6])
def test_panellist_list_queries_do_not_grow_with_panellists_and_emails(
    secretariat, panel, place, size, django_assert_num_queries
):
    for number in range(size):
        amina = place(f"Person{number} Example")
        services.invite([amina], now=NOW)

    # Session, user, permissions (2), meeting filter, 2 counts, the page.
    with django_assert_num_queries(8):
        response = secretariat.get(admin_url(Panellist, "changelist"))

    assert len(column(response, "last_email")) == size


# ---------------------------------------------------------------------------------------------
# The panel list: answers counted and filtered


def test_answers_column_counts_confirmed_and_declined(secretariat, panel, place):
    """As with the demo's five people: the declined one is no longer expected to speak."""
    place("Amina Example", Panellist.Status.CONFIRMED)
    place("Jorge Example", Panellist.Status.DECLINED)
    place("Li Example")
    place("Maria Example")
    place("Sam Example")

    response = secretariat.get(admin_url(Panel, "changelist"))
    page = secretariat.get(admin_url(Panel, "change", panel.pk))

    assert column(response, "answers") == ["1 of 4 confirmed, 1 declined"]
    assert readonly_value(page, "answers") == "1 of 4 confirmed, 1 declined"


@pytest.mark.parametrize(
    ("statuses", "text"),
    [
        ([], "No panellists"),
        (["withdrawn"], "No panellists"),
        (["confirmed", "confirmed", "withdrawn"], "2 of 2 confirmed"),
        (["invited", "declined", "declined"], "0 of 1 confirmed, 2 declined"),
        (["declined", "withdrawn"], "1 declined, nobody left to confirm"),
    ],
    ids=["none", "all-withdrawn", "withdrawn-not-counted", "no-one-confirmed", "all-declined"],
)
def test_answers_column_wording(secretariat, place, panel, statuses, text):
    for number, status in enumerate(statuses):
        place(f"Person{number} Example", status)

    response = secretariat.get(admin_url(Panel, "changelist"))

    assert column(response, "answers") == [text]


def test_answers_counts_leave_the_running_order_total_alone(
    secretariat, panel, place, make_segment
):
    """The counts must not join the panellists into the sum of the running order."""
    for number in range(3):
        place(f"Person{number} Example", Panellist.Status.CONFIRMED)
    make_segment(panel, 30)
    make_segment(panel, 55)

    response = secretariat.get(admin_url(Panel, "changelist"))

    assert (column(response, "answers"), column(response, "total")) == (
        ["3 of 3 confirmed"],
        ["85 of 90 minutes"],
    )


@pytest.fixture
def panels_by_answers(panel, place, make_panel):
    """Five panels of one meeting, titled by how their panellists answered."""
    meeting = panel.meeting
    made = {}
    for title, statuses in [
        ("All confirmed", ["confirmed", "confirmed", "withdrawn"]),
        ("Waiting", ["confirmed", "invited"]),
        ("Declined", ["declined", "confirmed"]),
        ("Waiting and declined", ["invited", "declined"]),
        ("Empty", []),
    ]:
        made[title] = make_panel(meeting, title=title)
        for number, status in enumerate(statuses):
            place(f"{title} {number}", status, on=made[title])
    panel.delete()
    return made


@pytest.mark.parametrize(
    ("choice", "titles"),
    [
        ("confirmed", ["All confirmed", "Declined"]),
        ("waiting", ["Waiting", "Waiting and declined"]),
        ("declined", ["Declined", "Waiting and declined"]),
        ("none", ["Empty"]),
    ],
)
def test_answers_filter(secretariat, panels_by_answers, choice, titles):
    response = secretariat.get(admin_url(Panel, "changelist") + f"?answers={choice}&o=1")

    assert column(response, "title") == titles


def test_answers_filter_counts(secretariat, panels_by_answers):
    response = secretariat.get(admin_url(Panel, "changelist") + "?_facets=True")

    page = response.content.decode()
    assert re.findall(r'href="\?_facets=True&amp;answers=\w+">([^<]+)</a>', page) == [
        "All confirmed (2)",
        "Waiting for answers (2)",
        "Someone declined (2)",
        "No panellists expected (1)",
    ]


def panel_list_queries(client, meeting, make_panel, place, make_segment, count):
    """The queries of the panel list with ``count`` panels, each with answers of every kind
    and a running order."""
    for number in range(count):
        panel = make_panel(meeting, title=f"Panel {number}")
        for status in ["confirmed", "declined", "invited", "withdrawn"]:
            speaker = place(f"{status} {number} Example", status, on=panel)
        make_segment(panel, 10, speaker=speaker)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(Panel, "changelist"))
    assert column(response, "answers") == ["1 of 2 confirmed, 1 declined"] * count
    return len(queries)


def test_panel_list_queries_do_not_grow_with_panels(
    secretariat, make_meeting, make_panel, place, make_segment
):
    Panel.objects.all().delete()  # the ``place`` fixture's own panel
    first, second = make_meeting(slug="first"), make_meeting(slug="second")

    two = panel_list_queries(secretariat, first, make_panel, place, make_segment, 2)
    Panel.objects.filter(meeting=first).delete()
    six = panel_list_queries(secretariat, second, make_panel, place, make_segment, 6)

    assert six == two


# ---------------------------------------------------------------------------------------------
# The panel's page: answer deadline in the meeting's time and the public display choice


def test_answer_deadline_shown_and_entered_in_the_meeting_time(secretariat, panel):
    Panel.objects.filter(pk=panel.pk).update(
        answer_deadline=datetime(2099, 2, 10, 17, 0, tzinfo=UTC)
    )
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    shown = (data["answer_deadline_0"], data["answer_deadline_1"])
    data["answer_deadline_0"], data["answer_deadline_1"] = "2099-02-12", "18:00"
    data["panellist_display"] = Panel.Display.CONFIRMED

    response = secretariat.post(admin_url(Panel, "change", panel.pk), data)

    assert response.status_code == 302
    panel.refresh_from_db()
    assert (shown, panel.answer_deadline, panel.panellist_display) == (
        ("2099-02-10", "12:00"),
        datetime(2099, 2, 12, 23, 0, tzinfo=UTC),
        Panel.Display.CONFIRMED,
    )


def test_answer_deadline_unchanged_is_not_a_change(secretariat, panel, staff_user):
    Panel.objects.filter(pk=panel.pk).update(
        answer_deadline=datetime(2099, 2, 10, 17, 0, tzinfo=UTC)
    )
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))

    secretariat.post(admin_url(Panel, "change", panel.pk), data)

    entry = LogEntry.objects.get(user=staff_user)
    assert entry.get_change_message() == "No fields changed."
    panel.refresh_from_db()
    assert panel.answer_deadline == datetime(2099, 2, 10, 17, 0, tzinfo=UTC)


def test_answer_deadline_in_the_skipped_hour_is_explained(secretariat, panel):
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    data["answer_deadline_0"], data["answer_deadline_1"] = "2099-03-08", "02:30"

    response = secretariat.post(admin_url(Panel, "change", panel.pk), data)

    assert response.context["adminform"].form.errors == {
        "answer_deadline": [
            "02:30 does not exist on that day in America/New_York: the clocks go forward. "
            "Choose a time outside the skipped hour."
        ]
    }


# ---------------------------------------------------------------------------------------------
# New times after a save (committed: the notices go out once the save is)


@pytest.fixture
def answered(panel, place):
    """Panellists of ``panel`` who confirmed, declined and have not answered."""
    return {
        status: place(f"{status.title()} Example", status)
        for status in ["confirmed", "declined", "invited"]
    }


@pytest.mark.django_db(transaction=True)
def test_panel_time_changed_in_the_admin_is_sent_to_the_confirmed_only(
    secretariat, panel, answered
):
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    data["start_time"], data["end_time"] = "15:30", "17:00"

    response = secretariat.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert recipients() == ["confirmed@example.org"]
    assert messages_of(response)[-1] == "New time sent to 1 confirmed panellist."
    confirmed = answered["confirmed"]
    assert list(confirmed.sendings.values_list("kind", "error")) == [
        (Sending.Kind.TIME_CHANGE, "")
    ]


@pytest.mark.django_db(transaction=True)
def test_panel_saved_without_a_change_of_time_sends_nothing(secretariat, panel, answered):
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    data["title_en"] = "Regional dimensions of migration"

    response = secretariat.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    assert outbox.outbox == []
    assert not any("New time" in message for message in messages_of(response))


@pytest.mark.django_db(transaction=True)
def test_meeting_time_zone_changed_in_the_admin_sends_the_new_time(
    secretariat, panel, answered, place
):
    place("Nadia Example", Panellist.Status.CONFIRMED, email="")
    data = form_data(secretariat.get(admin_url(Meeting, "change", panel.meeting.pk)))
    data["time_zone"] = "Europe/Zurich"

    response = secretariat.post(admin_url(Meeting, "change", panel.meeting.pk), data, follow=True)

    assert recipients() == ["confirmed@example.org"]
    assert messages_of(response)[-2:] == [
        "New time sent to 1 confirmed panellist.",
        "The new time was not sent to Nadia Example for “Regional dimensions”: no email address.",
    ]


def test_panel_time_change_waits_for_the_commit(
    secretariat, panel, answered, django_capture_on_commit_callbacks
):
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    data["start_time"], data["end_time"] = "15:30", "17:00"

    with django_capture_on_commit_callbacks() as callbacks:
        secretariat.post(admin_url(Panel, "change", panel.pk), data)
        assert outbox.outbox == []

    # Beside the notices, the changelog's recording (services.versions) and the page cache's
    # new generation (caching) wait for the commit.
    bookkeeping = (VersionsAfterCommit, NewGenerationAfterCommit)
    notices = [callback for callback in callbacks if not isinstance(callback, bookkeeping)]
    assert len(notices) == 1
    notices[0]()
    assert recipients() == ["confirmed@example.org"]


@pytest.mark.django_db(transaction=True)
def test_running_order_generated_sends_confirmed_panellists_their_segment_time(
    secretariat, panel, answered
):
    response = run_action(secretariat, Panel, "generate_running_order", [panel])

    assert panel.segments.spoken_by([answered["confirmed"]]).exists()
    assert recipients() == ["confirmed@example.org"]
    assert messages_of(response)[-1] == "New time sent to 1 confirmed panellist."


@pytest.mark.django_db(transaction=True)
def test_new_time_notices_failing_unexpectedly_keep_the_save_and_say_so(
    secretariat, panel, answered, monkeypatch
):
    def broken(panels):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "notify_time_changes", broken)
    data = form_data(secretariat.get(admin_url(Panel, "change", panel.pk)))
    data["start_time"], data["end_time"] = "15:30", "17:00"

    response = secretariat.post(admin_url(Panel, "change", panel.pk), data, follow=True)

    panel.refresh_from_db()
    assert panel.start_time.isoformat() == "15:30:00"
    assert messages_of(response)[-1] == (
        "The changes were saved, but an unexpected error stopped the panellists from being "
        "told of them by email (it is in the server's log). Save the page again to try again."
    )
