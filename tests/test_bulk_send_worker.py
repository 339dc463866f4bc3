"""A bulk send against real Celery workers: a worker is killed (SIGKILL) while it hands an
email to the mail server, a new one is started, and every panellist has exactly one email,
the one in flight marked "interrupted" and not sent again.

Needs Redis and PostgreSQL: run with ``CELERY_TEST_BROKER_URL`` (e.g.
``redis://127.0.0.1:6379/3``) and ``DATABASE_URL`` on PostgreSQL; ``.ci/run`` does. The
workers (``celery -A meeting worker``, solo pool) use the test database, which
``transactional_db`` commits to, and write emails to files (``EMAIL_FILE_PATH``,
``tests.mail_backends.StoppingFileBackend``), which the test reads. Waits poll the database
with a generous limit; nothing is timed.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from panels import services
from panels.models import BulkSend, Progress, RecipientState, Sending
from panels.services import bulk_sends

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not BROKER_URL,
        reason="set CELERY_TEST_BROKER_URL (a Redis URL) to run the real-worker tests",
    ),
]

PANELLISTS = 50
# The worker killed is the one handing this email (1-based) to the mail server.
KILLED_AT = 20
# Seconds after which Redis gives an unacknowledged task to another worker (the first one
# is dead by then); a real deployment keeps the default hour.
VISIBILITY_TIMEOUT = 2
# Longest wait, in seconds, for a worker to reach a state: a limit for a broken run, not a
# measure of speed.
PATIENCE = 180


def database_url():
    """The test database as a URL for a worker (pytest-django's ``test_…`` database)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Workers:
    """Start ``celery -A meeting worker`` processes on one queue, and kill them."""

    def __init__(self, tmp_path, mail_dir):
        self.queue = f"bulk-send-test-{uuid.uuid4().hex}"
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "meeting.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_BACKEND": "tests.mail_backends.StoppingFileBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "SITE_URL": settings.SITE_URL,
            "REMINDER_INTERVAL_DAYS": str(settings.REMINDER_INTERVAL_DAYS),
        }
        self.processes = []

    def start(self, name, **env):
        log = (self.tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "meeting",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--queues={self.queue}",
                f"--hostname={name}-{self.queue}@%h",
            ],
            cwd=settings.BASE_DIR,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self):
        return "\n".join(path.read_text() for path in sorted(self.tmp_path.glob("*.log")))

    def kill(self, process, sig=signal.SIGKILL):
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(timeout=PATIENCE)

    def stop_all(self):
        for process in self.processes:
            self.kill(process, signal.SIGTERM if process.poll() is None else signal.SIGKILL)


def wait_for(condition, workers, what):
    """Poll ``condition()`` until it is true; fail with the workers' log after ``PATIENCE``."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"The workers did not {what} in {PATIENCE} s:\n{workers.log()}")
        time.sleep(0.2)


def mails_to(mail_dir):
    """How many emails each address was sent, from the files the workers wrote."""
    text = "\n".join(path.read_text() for path in mail_dir.iterdir())
    return Counter(re.findall(r"^To: (.+)$", text, re.M))


def unacknowledged_since(broker):
    """When the oldest task taken by a worker and not acknowledged was taken (a UNIX time),
    from kombu's Redis index; ``None`` when there is none."""
    with broker.connection_for_write() as conn:
        client = conn.default_channel.client
        oldest = client.zrange("unacked_index", 0, 0, withscores=True)
    return oldest[0][1] if oldest else None


@pytest.fixture
def workers(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    workers = Workers(tmp_path, mail_dir)
    workers.mail_dir = mail_dir
    yield workers
    workers.stop_all()
    # The broker's records of the test's own queue go with it.
    with Celery(broker=BROKER_URL).connection_for_write() as conn:
        client = conn.default_channel.client
        for key in client.scan_iter(f"*{workers.queue}*"):
            client.delete(key)


@pytest.fixture
def fifty(transactional_db, make_meeting, make_panel, make_person, make_panellist, email_site):
    """A panel answering in 2099 with ``PANELLISTS`` invited panellists, p00@… to p49@…"""
    if connection.vendor != "postgresql":
        pytest.skip("the workers share the test database: run with DATABASE_URL on PostgreSQL")
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    panel = make_panel(meeting, title="Regional dimensions")
    return [
        make_panellist(
            panel, person=make_person(name=f"Panellist {n:02d}", email=f"p{n:02d}@example.org")
        )
        for n in range(PANELLISTS)
    ]


def test_worker_killed_mid_run_resumes_without_sending_anyone_two_copies(
    fifty, workers, monkeypatch
):
    queued = []
    monkeypatch.setattr(bulk_sends, "send_bulk", SimpleNamespace(delay=queued.append))
    [bulk_send] = services.start_bulk_sends(BulkSend.Kind.INVITATION, fifty).bulk_sends
    assert queued == [bulk_send.pk]
    broker = Celery(broker=BROKER_URL)
    broker.send_task("panels.tasks.send_bulk", args=[bulk_send.pk], queue=workers.queue)
    states = bulk_send.recipients.values_list("state", flat=True)

    # The first worker hangs while handing the KILLED_AT-th email over; it is killed there.
    first = workers.start("first", TEST_MAIL_STOP_AFTER=str(KILLED_AT))
    wait_for(
        lambda: sum(mails_to(workers.mail_dir).values()) == KILLED_AT,
        workers,
        f"write {KILLED_AT} emails",
    )
    workers.kill(first)

    assert Counter(states) == {
        RecipientState.SENT: KILLED_AT - 1,
        RecipientState.SENDING: 1,
        RecipientState.PENDING: PANELLISTS - KILLED_AT,
    }
    # Redis gives the task to another worker once it has been unacknowledged for longer than
    # the visibility timeout.
    wait_for(
        lambda: (
            (since := unacknowledged_since(broker)) is not None
            and time.time() - since > VISIBILITY_TIMEOUT
        ),
        workers,
        "leave the task unacknowledged",
    )
    workers.start("second")
    wait_for(
        lambda: BulkSend.objects.filter(pk=bulk_send.pk, finished_at__isnull=False).exists(),
        workers,
        "finish the bulk send",
    )

    # Everyone has exactly one email: the one in flight reached the mail server before the
    # worker died, and was not sent again.
    assert mails_to(workers.mail_dir) == Counter(
        {f"p{n:02d}@example.org": 1 for n in range(PANELLISTS)}
    )
    assert bulk_send.progress() == Progress(sent=PANELLISTS - 1, failed=1, skipped=0, remaining=0)
    interrupted = bulk_send.recipients.get(state=RecipientState.INTERRUPTED)
    assert (interrupted.position, interrupted.panellist.email) == (
        KILLED_AT - 1,
        f"p{KILLED_AT - 1:02d}@example.org",
    )
    # The email in flight was never recorded as sent: the officer sees it as interrupted.
    assert Sending.objects.filter(error="").count() == PANELLISTS - 1
    assert not Sending.objects.filter(panellist=interrupted.panellist).exists()
