"""``manage.py send_reminders``: reminders from a scheduler, its dry run and its exit status.

Who is due is tested in ``test_mail``; here the command's choice of panels, its output, and
that a failure makes it exit non-zero (``CommandError``) after the rest were sent.
"""

import smtplib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from panels import services
from panels.models import Panel, Panellist, Sending

pytestmark = pytest.mark.usefixtures("email_site")


@pytest.fixture
def invite_long_ago(make_meeting, make_panel, make_panellist, make_person):
    """Create a panellist, invited successfully ten days ago, on a panel in 2099 of the meeting
    ``slug`` (created on first use)."""

    def make(name, slug="cm99", **fields):
        panel = Panel.objects.filter(meeting__slug=slug).first() or make_panel(
            make_meeting(slug=slug, start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
        )
        person = make_person(name=name, email=f"{name.lower()}@example.org")
        place = make_panellist(panel, person=person, **fields)
        services.issue_link(place)
        Sending.objects.create(
            panellist=place,
            kind=Sending.Kind.INVITATION,
            to_address=person.email,
            sent_at=timezone.now() - timedelta(days=10),
        )
        return place

    return make


def run(*args):
    """Run the command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_reminds_those_due_and_says_how_many(invite_long_ago):
    invite_long_ago("Amina")
    invite_long_ago("Kwame")
    invite_long_ago("Marta", status=Panellist.Status.CONFIRMED)

    out, err = run()

    assert (out, err) == ("2 reminder(s) sent.\n", "")
    assert sorted(message.to[0] for message in outbox.outbox) == [
        "amina@example.org",
        "kwame@example.org",
    ]


def test_command_run_again_sends_nothing(invite_long_ago):
    invite_long_ago("Amina")
    run()

    out, _ = run()

    assert out == "0 reminder(s) sent.\n"
    assert len(outbox.outbox) == 1


def test_command_skips_panels_past_their_deadline(invite_long_ago):
    place = invite_long_ago("Amina")
    Panel.objects.filter(pk=place.panel_id).update(
        answer_deadline=timezone.now() - timedelta(minutes=1)
    )

    out, _ = run()

    assert out == "0 reminder(s) sent.\n"
    assert outbox.outbox == []


def test_command_limits_to_one_meeting(invite_long_ago):
    invite_long_ago("Amina", slug="cm99")
    invite_long_ago("Kwame", slug="cm98")

    out, _ = run("--meeting", "cm98")

    assert out == "1 reminder(s) sent.\n"
    assert [message.to for message in outbox.outbox] == [["kwame@example.org"]]


def test_command_refuses_an_unknown_meeting(invite_long_ago):
    invite_long_ago("Amina")

    with pytest.raises(CommandError, match="There is no meeting with the short name “cm1”"):
        run("--meeting", "cm1")

    assert outbox.outbox == []


def test_command_dry_run_lists_who_and_sends_nothing(invite_long_ago):
    place = invite_long_ago("Amina")
    invite_long_ago("Kwame", status=Panellist.Status.DECLINED)
    before = Panellist.objects.get(pk=place.pk).link_hash

    out, err = run("--dry-run")

    assert out == (
        "Would remind Amina <amina@example.org>, Test panel (cm99)\n"
        "1 reminder(s) would be sent (dry run: none sent).\n"
    )
    assert err == ""
    assert outbox.outbox == []
    assert Sending.objects.filter(kind=Sending.Kind.REMINDER).count() == 0
    assert Panellist.objects.get(pk=place.pk).link_hash == before


def test_command_reports_failures_and_exits_non_zero_after_sending_the_rest(
    invite_long_ago, monkeypatch
):
    invite_long_ago("Amina")
    invite_long_ago("Kwame")
    take = EmailBackend.send_messages

    def refuse_amina(self, messages):
        if any("amina@example.org" in message.recipients() for message in messages):
            raise smtplib.SMTPException("mailbox unavailable")
        return take(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_amina)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"^1 reminder\(s\) could not be sent\.$"):
        call_command("send_reminders", stdout=out, stderr=err)

    assert out.getvalue() == "1 reminder(s) sent.\n"
    assert err.getvalue() == (
        "Not sent to Amina <amina@example.org>, Test panel (cm99): "
        "the mail server refused it: mailbox unavailable\n"
    )
    assert [message.to for message in outbox.outbox] == [["kwame@example.org"]]


def test_command_refuses_without_site_url(settings, invite_long_ago):
    invite_long_ago("Amina")
    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="SITE_URL is not set"):
        run()

    assert outbox.outbox == []


def test_command_fails_as_a_process_would(invite_long_ago):
    """A ``CommandError`` is what makes ``manage.py`` exit with status 1."""
    place = invite_long_ago("Amina")
    place.person.email = "not an address"
    place.person.save()

    with pytest.raises(CommandError) as failure:
        run()

    assert failure.value.returncode == 1
    assert list(
        Sending.objects.filter(kind=Sending.Kind.REMINDER).values_list("error", flat=True)
    ) == ["the email address is not valid"]
