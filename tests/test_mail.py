"""Emails about a panellist's place (panels.mail): invitations, reminders, answer
notices to the secretariat and new-time notices, and the services hooks they rely on.

Emails go to Django's locmem backend (``mail.outbox``), which pytest-django sets up.
"""

import email
import re
import socket
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import translation

from panels import services
from panels.models import Panel, Panellist, Room, Segment, Sending
from tests.conftest import SITE, run_in_parallel
from tests.test_views import parse, parse_html

# The batch's clock: two weeks before the panel, before its answer deadline.
NOW = datetime(2099, 2, 1, 12, 0, tzinfo=UTC)
# The personal link, under the prefix of the reader's language (English unless they chose one).
LINK = re.compile(re.escape(SITE) + r"/en/answer/[A-Za-z0-9_-]+/")


pytestmark = pytest.mark.usefixtures("email_site")


@pytest.fixture
def panel(make_meeting, make_panel):
    """ "Regional dimensions", 15:00-16:30 New York time on Monday 16 February 2099, answers
    by Saturday 14 February 17:00 New York time."""
    meeting = make_meeting(
        title="99th Coordination Meeting",
        venue="United Nations Headquarters, New York",
        start_date=date(2099, 2, 16),
        end_date=date(2099, 2, 17),
        secretariat_email="secretariat@example.org",
    )
    return make_panel(
        meeting,
        title="Regional dimensions",
        answer_deadline=datetime(2099, 2, 14, 22, 0, tzinfo=UTC),
    )


@pytest.fixture
def moderator(panel, make_panellist, make_person, make_segment):
    """Marta Exemplar, moderator, with the 5-minute opening."""
    place = make_panellist(
        panel,
        person=make_person(name="Marta Exemplar", email="marta@example.org"),
        role=Panellist.Role.MODERATOR,
    )
    make_segment(panel, 5, kind=Segment.Kind.OPENING, speaker=place)
    return place


@pytest.fixture
def amina(panel, moderator, make_panellist, make_person, make_segment):
    """Dr. Amina Example, panellist, with a 10-minute presentation after the opening."""
    place = make_panellist(
        panel,
        person=make_person(honorific="Dr.", name="Amina Example", email="amina@example.org"),
        presentation_title="Regional reviews",
    )
    make_segment(panel, 10, title="Regional reviews", speaker=place)
    return place


def sent_to(address):
    """The emails in the outbox addressed to ``address``."""
    return [message for message in outbox.outbox if message.to == [address]]


def html_of(message):
    """The HTML alternative of ``message``, parsed."""
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return parse_html(content)


def link_path(message):
    """The path of the personal link in ``message``'s text."""
    [url] = set(LINK.findall(message.body))
    return urlsplit(url).path


def facts(page):
    """The facts table of an email's HTML as {label: text}."""
    return {row.find("th").text: row.find("td").text for row in page.find_all("tr")}


def invite(*panellists):
    return services.invite(panellists, now=NOW).outcomes


def invited_long_ago(panellist):
    """Record that ``panellist`` was invited (successfully) ten days before ``NOW``, with a
    personal link."""
    services.issue_link(panellist, now=NOW - timedelta(days=10))
    Sending.objects.create(
        panellist=panellist,
        kind=Sending.Kind.INVITATION,
        to_address=panellist.person.email,
        sent_at=NOW - timedelta(days=10),
    )


def sendings(panellist):
    return list(
        Sending.objects.filter(panellist=panellist)
        .order_by("pk")
        .values_list("kind", "to_address", "error")
    )


# Invitations


def test_invitation_subject_says_an_answer_is_needed(amina):
    [outcome] = invite(amina)

    assert outcome == services.Outcome(panellist=amina, address="amina@example.org")
    [message] = outbox.outbox
    assert message.subject == "Please answer by 14 February: Regional dimensions"
    assert message.to == ["amina@example.org"]
    assert message.reply_to == ["secretariat@example.org"]


def test_invitation_text_gives_the_slot_the_deadline_and_the_link(amina):
    invite(amina)

    [message] = outbox.outbox
    assert LINK.sub("<link>", message.body) == (
        "Dear Dr. Amina Example,\n"
        "\n"
        "You are invited to speak on the panel below. Please let the secretariat know whether "
        "you will take part, through your personal link.\n"
        "\n"
        "Meeting: 99th Coordination Meeting\n"
        "Panel: Regional dimensions\n"
        "Date: Monday 16 February 2099\n"
        "Time: 15:00–16:30 New York time (America/New_York, EST, UTC−05:00)\n"
        "Place: Conference Room 4, United Nations Headquarters, New York\n"
        "Your role: Panellist\n"
        "You speak:\n"
        "- 15:05–15:15: Regional reviews (10 minutes)\n"
        "\n"
        f"Concept note and programme: {SITE}{amina.panel.get_absolute_url()}\n"
        "\n"
        "Please answer by Saturday 14 February 2099, 17:00 New York time "
        "(America/New_York, EST, UTC−05:00).\n"
        "\n"
        "Your personal link, to confirm or decline:\n"
        "<link>\n"
        "\n"
        "Opening the link changes nothing: you answer on the page, where you can also correct "
        "your details for the programme and leave a note for the secretariat. The link is for "
        "you alone: please do not pass it on.\n"
        "\n"
        "Questions? Reply to this email, or write to secretariat@example.org.\n"
    )


def test_invitation_html_gives_the_same_facts(amina):
    invite(amina)

    [message] = outbox.outbox
    page = html_of(message)
    assert facts(page) == {
        "Meeting": "99th Coordination Meeting",
        "Panel": "Regional dimensions",
        "Date": "Monday 16 February 2099",
        "Time": "15:00–16:30 New York time (America/New_York, EST, UTC−05:00)",
        "Place": "Conference Room 4, United Nations Headquarters, New York",
        "Your role": "Panellist",
        "You speak": "15:05–15:15: Regional reviews (10 minutes)",
    }
    assert page.find("strong").text == (
        "Please answer by Saturday 14 February 2099, 17:00 New York time "
        "(America/New_York, EST, UTC−05:00)."
    )
    [url] = set(LINK.findall(message.body))
    assert [(a.attrs["href"], a.text) for a in page.find_all("a")] == [
        (f"{SITE}{amina.panel.get_absolute_url()}", f"{SITE}{amina.panel.get_absolute_url()}"),
        (url, "Confirm or decline"),
    ]
    assert page.find("html").attrs["lang"] == "en"


def test_invitation_link_opens_that_panellists_answer_page(client, amina):
    invite(amina)

    response = client.get(link_path(outbox.outbox[0]))

    assert response.status_code == 200
    assert parse(response).find("bdi", "person-name").text == "Dr. Amina Example"
    assert Sending.objects.get(panellist=amina).sent_at == NOW


def test_invitation_for_an_unpublished_panel_points_to_the_personal_page(amina):
    Panel.objects.filter(pk=amina.panel_id).update(is_published=False)

    invite(amina)

    [message] = outbox.outbox
    assert "/meetings/" not in message.body
    assert (
        "The panel is not on the public programme yet: the page behind your personal link "
        "shows your slot."
    ) in message.body


def test_invitation_without_a_running_order_says_so(amina):
    Segment.objects.all().delete()

    invite(amina)

    assert (
        "You speak: No part of the running order is given to you yet.\n" in outbox.outbox[0].body
    )


def test_invitation_sent_again_kills_the_old_link(client, amina):
    invite(amina)
    old_path = link_path(outbox.outbox[0])

    invite(amina)

    new_message = outbox.outbox[1]
    assert client.get(old_path).status_code == 404
    assert client.get(link_path(new_message)).status_code == 200
    assert (
        "This link replaces the one in earlier emails, which no longer works." in new_message.body
    )
    assert "replaces" not in outbox.outbox[0].body


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("confirmed", "You have already confirmed. Your answer stands"),
        ("declined", "You have already declined. Your answer stands"),
    ],
)
def test_invitation_sent_again_after_an_answer_says_the_answer_stands(amina, status, says):
    services.record_answer(amina, status)

    invite(amina)

    [message] = outbox.outbox
    assert says in message.body
    assert says in html_of(message).text


def test_first_invitation_says_nothing_of_an_answer(amina):
    invite(amina)

    assert "already" not in outbox.outbox[0].body


def test_invitation_is_written_in_the_site_language_outside_a_request(amina):
    with translation.override(None):
        invite(amina)

    assert html_of(outbox.outbox[0]).find("html").attrs["lang"] == "en"
    assert outbox.outbox[0].body.startswith("Dear Dr. Amina Example,")


def test_name_with_a_line_break_and_markup_stays_text_and_the_batch_goes_on(
    amina, moderator, make_person
):
    evil = "Eve\r\nBcc: evil@example.com <b>x</b>"
    amina.person.name = evil
    amina.person.save()
    Panel.objects.filter(pk=amina.panel_id).update(
        title="Regional\r\nBcc: evil@example.com <i>&</i>"
    )

    outcomes = invite(amina, moderator)

    assert [outcome.sent for outcome in outcomes] == [True, True]
    message = sent_to("amina@example.org")[0]
    raw = message.message().as_bytes()
    parsed = email.message_from_bytes(raw)
    assert parsed.get_all("Bcc") is None
    assert message.recipients() == ["amina@example.org"]
    assert message.subject == (
        "Please answer by 14 February: Regional Bcc: evil@example.com <i>&</i>"
    )
    headers = raw.split(b"\n\n", 1)[0]
    assert not re.search(rb"^Bcc:", headers, flags=re.MULTILINE | re.IGNORECASE)
    assert message.body.startswith("Dear Dr. Eve\nBcc: evil@example.com <b>x</b>,\n")
    assert "Panel: Regional\nBcc: evil@example.com <i>&</i>\n" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "&lt;i&gt;&amp;&lt;/i&gt;" in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert [a.text for a in html_of(message).find_all("a")] == [
        f"{SITE}{amina.panel.get_absolute_url()}",
        "Confirm or decline",
    ]
    assert len(sent_to("marta@example.org")) == 1


def test_bad_or_missing_address_is_reported_and_the_batch_goes_on(amina, moderator):
    amina.person.email = "amina at example.org"
    amina.person.save()
    moderator.person.email = ""
    moderator.person.save()
    other = amina.panel.panellists.create(
        person=type(amina.person).objects.create(name="Kwame Sample", email="kwame@example.org"),
        order=5,
    )

    outcomes = invite(amina, moderator, other)

    assert [(outcome.address, outcome.error) for outcome in outcomes] == [
        ("amina at example.org", "the email address is not valid"),
        ("", "no email address"),
        ("kwame@example.org", ""),
    ]
    assert sendings(amina) == [
        ("invitation", "amina at example.org", "the email address is not valid")
    ]
    assert sendings(moderator) == [("invitation", "", "no email address")]
    assert [message.to for message in outbox.outbox] == [["kwame@example.org"]]


def test_mail_server_error_is_reported_and_the_old_link_kept(amina, moderator, refuse_amina):
    old_secret = services.issue_link(amina)

    outcomes = invite(amina, moderator)

    assert [(outcome.panellist, outcome.error) for outcome in outcomes] == [
        (amina, "the mail server refused it: mailbox unavailable"),
        (moderator, ""),
    ]
    assert outcomes[0].panellist.link_hash == services.link_hash(old_secret)
    assert services.panellist_for_link(old_secret) == amina
    assert sendings(amina) == [
        ("invitation", "amina@example.org", "the mail server refused it: mailbox unavailable")
    ]
    assert [message.to for message in outbox.outbox] == [["marta@example.org"]]


def test_mail_server_out_of_reach_fails_each_email_and_keeps_links(settings, amina, moderator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    old_secret = services.issue_link(amina)

    outcomes = invite(amina, moderator)

    assert [outcome.error.split(":")[0] for outcome in outcomes] == [
        "the mail server could not be reached",
        "the mail server could not be reached",
    ]
    assert services.panellist_for_link(old_secret) == amina
    assert Sending.objects.filter(error="").count() == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"status": Panellist.Status.WITHDRAWN}, "withdrawn from the panel"),
        ({"panel_deadline": datetime(2099, 1, 1, tzinfo=UTC)}, "the time to answer is over"),
    ],
)
def test_withdrawn_or_past_deadline_get_an_error_and_keep_their_link(amina, change, error):
    old_secret = services.issue_link(amina)
    if "status" in change:
        Panellist.objects.filter(pk=amina.pk).update(status=change["status"])
    else:
        Panel.objects.filter(pk=amina.panel_id).update(answer_deadline=change["panel_deadline"])

    [outcome] = invite(amina)

    assert outcome.error == error
    assert Panellist.objects.get(pk=amina.pk).link_hash == services.link_hash(old_secret)
    assert outbox.outbox == []


def test_missing_site_url_sends_nothing(settings, amina):
    settings.SITE_URL = ""

    [outcome] = invite(amina)

    assert outcome.error == (
        "the site's public address (SITE_URL) is not set, so links cannot work"
    )
    assert outbox.outbox == []
    assert Panellist.objects.get(pk=amina.pk).link_hash == ""


def test_one_connection_for_a_batch(amina, moderator, monkeypatch):
    opened = []
    monkeypatch.setattr(EmailBackend, "open", lambda self: opened.append(self))

    invite(amina, moderator)

    assert len(opened) == 1
    assert len(outbox.outbox) == 2


# Reminders


@pytest.fixture
def people(panel, make_panellist, make_person):
    """One panellist per reason to skip a reminder, and one who is due, by name."""

    def place(name, **fields):
        person = make_person(name=name, email=f"{name.lower()}@example.org")
        return make_panellist(panel, person=person, **fields)

    people = {
        "due": place("Due"),
        "confirmed": place("Confirmed", status=Panellist.Status.CONFIRMED),
        "declined": place("Declined", status=Panellist.Status.DECLINED),
        "withdrawn": place("Withdrawn", status=Panellist.Status.WITHDRAWN),
        "never": place("Never"),
        "failed": place("Failed"),
        "recent": place("Recent"),
        "revoked": place("Revoked"),
    }
    for name, panellist in people.items():
        if name != "never":
            invited_long_ago(panellist)
    Sending.objects.filter(panellist=people["failed"]).update(error="no email address")
    services.revoke_link(people["revoked"])
    Sending.objects.create(
        panellist=people["recent"],
        kind=Sending.Kind.REMINDER,
        to_address="recent@example.org",
        sent_at=NOW - timedelta(days=2),
    )
    return people


def test_reminders_go_only_to_those_invited_who_have_not_answered(people):
    outcomes = services.remind(people.values(), now=NOW).outcomes

    assert [(outcome.panellist, outcome.error) for outcome in outcomes] == [(people["due"], "")]
    [message] = outbox.outbox
    assert message.to == ["due@example.org"]
    assert message.subject == "Reminder: please answer by 14 February: Regional dimensions"
    assert message.body.startswith(
        "Dear Due,\n\nA reminder: you are invited to speak on the panel below, and the "
        "secretariat has not had your answer yet."
    )
    assert "This link replaces the one in earlier emails, which no longer works." in message.body
    assert sendings(people["due"])[-1] == ("reminder", "due@example.org", "")


def test_reminder_goes_again_after_the_interval(people):
    later = NOW + timedelta(days=1, minutes=1)  # the reminder of two days ago is 3 days old

    outcomes = services.remind([people["recent"]], now=later).outcomes

    assert [outcome.panellist for outcome in outcomes] == [people["recent"]]
    assert services.remind([people["recent"]], now=later + timedelta(days=2)).outcomes == []
    assert len(outbox.outbox) == 1


def test_reminder_interval_can_be_given(people):
    outcomes = services.remind([people["recent"]], now=NOW, interval=timedelta(days=1)).outcomes

    assert [outcome.panellist for outcome in outcomes] == [people["recent"]]


def test_reminder_skips_a_panel_past_its_deadline(people):
    Panel.objects.update(answer_deadline=NOW - timedelta(minutes=1))

    assert services.remind([people["due"]], now=NOW).outcomes == []
    assert outbox.outbox == []


def test_reminder_replaces_the_link_only_when_sent(amina, refuse_amina):
    invited_long_ago(amina)
    invitation_secret = services.issue_link(amina)

    [outcome] = services.remind([amina], now=NOW).outcomes

    assert outcome.error == "the mail server refused it: mailbox unavailable"
    assert services.panellist_for_link(invitation_secret) == amina
    assert sendings(amina)[-1] == (
        "reminder",
        "amina@example.org",
        "the mail server refused it: mailbox unavailable",
    )


def test_refused_invitation_does_not_count_as_invited(amina, refuse_amina):
    invite(amina)

    assert services.due_for_reminder([amina], now=NOW + timedelta(days=10)) == []


def test_reminder_kills_the_invitations_link(client, amina):
    invite(amina)
    invite_path = link_path(outbox.outbox[0])

    services.remind([amina], now=NOW + timedelta(days=4))

    assert client.get(invite_path).status_code == 404
    assert client.get(link_path(outbox.outbox[1])).status_code == 200


# Notices to the secretariat


def test_answer_notifies_the_secretariat_once(amina, django_capture_on_commit_callbacks):
    fingerprint = services.slot_fingerprint(amina)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.answer(
            amina, Panellist.Status.DECLINED, fingerprint=fingerprint, reason="Travel."
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.answer(
            amina, Panellist.Status.DECLINED, fingerprint=fingerprint, reason="Travel."
        )

    assert (first, again) == (True, False)
    [message] = outbox.outbox
    assert message.to == ["secretariat@example.org"]
    assert message.subject == "Declined: Dr. Amina Example, Regional dimensions"
    assert sendings(amina) == [("answer_notice", "secretariat@example.org", "")]


def test_double_post_on_the_answer_page_makes_one_notice(
    client, amina, django_capture_on_commit_callbacks
):
    path = reverse("panels:panellist-answer", kwargs={"secret": services.issue_link(amina)})
    data = {"answer": "confirmed", "fingerprint": services.slot_fingerprint(amina), "note": ""}

    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.post(path, data), client.post(path, data)]

    assert [response.status_code for response in responses] == [302, 302]
    assert [message.subject for message in outbox.outbox] == [
        "Confirmed: Dr. Amina Example, Regional dimensions"
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks it all)"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_confirmations_make_one_notice(amina):
    fingerprint = services.slot_fingerprint(amina)

    def confirm():
        place = Panellist.objects.get(pk=amina.pk)
        return services.answer(place, Panellist.Status.CONFIRMED, fingerprint=fingerprint)

    assert sorted(run_in_parallel(confirm)) == [False, False, False, True]
    assert [message.to for message in outbox.outbox] == [["secretariat@example.org"]]
    assert sendings(amina) == [("answer_notice", "secretariat@example.org", "")]


def test_secretariat_notice_gives_the_answer(amina):
    Panellist.objects.filter(pk=amina.pk).update(
        status=Panellist.Status.DECLINED,
        responded_at=datetime(2099, 2, 3, 14, 30, tzinfo=UTC),
        decline_reason="I travel that week.",
        note_to_secretariat="Please ask my deputy <Ms. Deputy>.",
    )

    outcome = services.notify_secretariat(amina)

    assert (outcome.address, outcome.error) == ("secretariat@example.org", "")
    [message] = outbox.outbox
    assert message.reply_to == ["amina@example.org"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    admin_url = f"{SITE}/admin/panels/panellist/{amina.pk}/change/"
    assert message.body == (
        "Dr. Amina Example has answered through their personal link.\n"
        "\n"
        "Answer: Declined\n"
        "Answered: Tuesday 3 February 2099, 09:30 New York time "
        "(America/New_York, EST, UTC−05:00)\n"
        "Panellist: Dr. Amina Example\n"
        "Role: Panellist\n"
        "Panel: Regional dimensions\n"
        "Meeting: 99th Coordination Meeting\n"
        "When: Monday 16 February 2099, 15:00–16:30 New York time "
        "(America/New_York, EST, UTC−05:00)\n"
        "\n"
        "Reason for declining:\n"
        "I travel that week.\n"
        "\n"
        "Note to the secretariat:\n"
        "Please ask my deputy <Ms. Deputy>.\n"
        "\n"
        "The panellist in the administration:\n"
        f"{admin_url}\n"
    )
    page = html_of(message)
    assert facts(page)["Note to the secretariat"] == "Please ask my deputy <Ms. Deputy>."
    assert [a.attrs["href"] for a in page.find_all("a")] == [admin_url]
    assert sendings(amina) == [("answer_notice", "secretariat@example.org", "")]


def test_secretariat_notice_with_a_line_break_in_the_name_is_one_header(amina):
    amina.person.name = "Eve\r\nBcc: evil@example.com"
    amina.person.save()
    Panellist.objects.filter(pk=amina.pk).update(
        status=Panellist.Status.CONFIRMED, responded_at=NOW
    )

    services.notify_secretariat(amina)

    [message] = outbox.outbox
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert message.subject == "Confirmed: Dr. Eve Bcc: evil@example.com, Regional dimensions"
    assert parsed.get_all("Bcc") is None
    assert message.recipients() == ["secretariat@example.org"]


def test_no_secretariat_address_no_notice(amina, django_capture_on_commit_callbacks):
    amina.panel.meeting.secretariat_email = ""
    amina.panel.meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.answer(
            amina, Panellist.Status.CONFIRMED, fingerprint=services.slot_fingerprint(amina)
        )

    assert services.notify_secretariat(amina) is None
    assert outbox.outbox == []
    assert sendings(amina) == []


# New times


@pytest.fixture
def confirmed(amina):
    """Amina, confirmed for the slot as it is."""
    services.record_answer(amina, Panellist.Status.CONFIRMED)
    return amina


def test_panel_time_change_is_announced_once(confirmed, moderator):
    Panel.objects.filter(pk=confirmed.panel_id).update(
        start_time=time(16, 0), end_time=time(17, 30)
    )

    outcomes = services.notify_time_changes([confirmed.panel], now=NOW).outcomes
    again = services.notify_time_changes([confirmed.panel], now=NOW).outcomes

    assert [(outcome.panellist, outcome.error) for outcome in outcomes] == [(confirmed, "")]
    assert again == []
    [message] = outbox.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "New time for your panel: Regional dimensions"
    assert (
        "The time of a panel you confirmed has changed. Here is your slot as it is now.\n"
        "\n"
        "Meeting: 99th Coordination Meeting\n"
        "Panel: Regional dimensions\n"
        "Date: Monday 16 February 2099\n"
        "Time: 16:00–17:30 New York time (America/New_York, EST, UTC−05:00)\n"
        "Place: Conference Room 4, United Nations Headquarters, New York\n"
        "Your role: Panellist\n"
        "You speak:\n"
        "- 16:05–16:15: Regional reviews (10 minutes)\n"
    ) in message.body
    assert sendings(confirmed) == [("time_change", "amina@example.org", "")]
    stored = Panellist.objects.get(pk=confirmed.pk)
    assert stored.confirmed_times == services.slot_times(stored)


def test_segment_time_change_alone_is_announced(confirmed, moderator):
    Segment.objects.spoken_by([moderator]).update(duration_minutes=20)

    services.notify_time_changes([confirmed.panel], now=NOW)

    [message] = outbox.outbox
    assert "- 15:20–15:30: Regional reviews (10 minutes)\n" in message.body


def test_no_time_change_no_notice(confirmed):
    room = Room.objects.create(meeting=confirmed.panel.meeting, name="Conference Room 1")
    Panel.objects.filter(pk=confirmed.panel_id).update(room=room)

    assert services.notify_time_changes([confirmed.panel], now=NOW).outcomes == []
    assert outbox.outbox == []


def test_time_change_is_not_sent_to_those_who_have_not_confirmed(amina, moderator):
    Panellist.objects.filter(pk=moderator.pk).update(status=Panellist.Status.DECLINED)
    Panel.objects.filter(pk=amina.panel_id).update(start_time=time(16, 0), end_time=time(17, 30))

    assert services.notify_time_changes([amina.panel], now=NOW).outcomes == []
    assert outbox.outbox == []


def test_confirmed_before_times_were_recorded_gets_them_stored_silently(confirmed):
    Panellist.objects.filter(pk=confirmed.pk).update(confirmed_times=None)
    Panel.objects.filter(pk=confirmed.panel_id).update(start_time=time(16, 0))

    assert services.notify_time_changes([confirmed.panel], now=NOW).outcomes == []
    assert outbox.outbox == []
    stored = Panellist.objects.get(pk=confirmed.pk)
    assert stored.confirmed_times == services.slot_times(stored)
    assert stored.confirmed_times["panel"]["start"] == "2099-02-16T21:00:00+00:00"


def test_failed_time_change_notice_is_tried_again(confirmed, refuse_amina, monkeypatch):
    told = confirmed.confirmed_times
    Panel.objects.filter(pk=confirmed.panel_id).update(start_time=time(16, 0))

    [failed] = services.notify_time_changes([confirmed.panel], now=NOW).outcomes
    assert Panellist.objects.get(pk=confirmed.pk).confirmed_times == told
    monkeypatch.undo()
    [retried] = services.notify_time_changes([confirmed.panel], now=NOW).outcomes

    assert (failed.error, retried.error) == ("the mail server refused it: mailbox unavailable", "")
    assert len(outbox.outbox) == 1


# The services hooks


def test_slot_times_are_the_panel_and_own_segments_in_utc(amina):
    assert services.slot_times(amina) == {
        "zone": "America/New_York",
        "panel": {"start": "2099-02-16T20:00:00+00:00", "end": "2099-02-16T21:30:00+00:00"},
        "segments": [{"start": "2099-02-16T20:05:00+00:00", "end": "2099-02-16T20:15:00+00:00"}],
    }


def test_record_answer_keeps_the_times_confirmed_and_clears_them_otherwise(amina):
    services.record_answer(amina, Panellist.Status.CONFIRMED)
    stored_on_confirm = Panellist.objects.get(pk=amina.pk).confirmed_times

    services.record_answer(amina, Panellist.Status.DECLINED)

    assert stored_on_confirm == services.slot_times(amina)
    assert Panellist.objects.get(pk=amina.pk).confirmed_times is None


def test_confirming_again_on_the_page_records_the_times_shown(confirmed, moderator):
    Segment.objects.spoken_by([moderator]).update(duration_minutes=20)

    changed = services.answer(
        confirmed, Panellist.Status.CONFIRMED, fingerprint=services.slot_fingerprint(confirmed)
    )

    assert changed is False
    assert services.notify_time_changes([confirmed.panel], now=NOW).outcomes == []


def test_an_invitation_for_an_item_without_a_duration_is_sent(amina):
    amina.panel.segments.filter(title="Regional reviews").update(duration_minutes=None)

    [outcome] = invite(amina)

    assert outcome.sent
    [message] = outbox.outbox
    assert "Regional reviews\n" in message.body
