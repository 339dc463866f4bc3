"""Two app servers agree: two gunicorn processes started as ``bin/serve`` starts them, sharing
PostgreSQL and Redis. A change made through one drops the page the other serves from the
cache (within ``PAGE_CACHE_RECHECK_SECONDS``), and the answer page's rate limit counts the
requests made to both.

Needs PostgreSQL (the servers read the test database) and a Redis: set
``TWO_SERVERS_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/5``; the test empties that
database). ``.ci/run`` does; elsewhere the test is skipped.
"""

import http.client
import os
import socket
import subprocess
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from panels import services

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "")

pytestmark = [
    pytest.mark.servers,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="TWO_SERVERS_REDIS_URL is not set"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, *, body=None, headers=None):
    """(status, headers as a dict with lower-case names, body text) of one request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode()
        found = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, text
    finally:
        conn.close()


@pytest.fixture
def servers(db):
    """Two servers on the test database and the Redis at ``TWO_SERVERS_REDIS_URL``; yields
    their ports."""
    if connection.vendor != "postgresql":
        pytest.skip("the servers must reach the test database: PostgreSQL only")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = os.environ.copy() | {
        "DEBUG": "0",
        "SECRET_KEY": "two-servers-test-" + "k" * 40,
        "SITE_URL": "https://panels.example.org",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env | {"PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            for _ in range(150):
                try:
                    request(port, "GET", "/en/")
                    break
                except OSError:
                    assert process.poll() is None, process.stderr.read().decode()
                    time.sleep(0.2)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


class FormFields(HTMLParser):
    """The names and values of a page's inputs (the answer form's hidden fields)."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value", "")


def test_a_change_through_one_server_drops_the_page_the_other_serves(
    servers, make_meeting, make_panel, make_panellist, make_person
):
    # A meeting to come, so that the personal link still works.
    meeting = make_meeting(start_date=date(2099, 2, 16), end_date=date(2099, 2, 17))
    full_panel = make_panel(meeting=meeting, title="Migration and the 2030 Agenda")
    speaker = make_panellist(full_panel, person=make_person(name="Jorge Example"))
    one, other = servers
    page = f"/en/meetings/{full_panel.meeting.slug}/panels/{full_panel.pk}/"
    secret = services.issue_link(speaker)
    first = request(other, "GET", page)
    again = request(other, "GET", page, headers={"If-None-Match": first[1]["etag"][0]})
    assert first[0] == 200 and "Jorge Example" in first[2]
    assert again[0] == 304

    # Jorge declines through his personal link, on the first server.
    status, headers, text = request(one, "GET", f"/en/answer/{secret}/")
    assert status == 200
    cookie = next(c for c in headers["set-cookie"] if c.startswith("csrftoken="))
    fields = FormFields()
    fields.feed(text)
    fields.values["answer"] = "declined"
    status, headers, _ = request(
        one,
        "POST",
        f"/en/answer/{secret}/",
        body=urlencode(fields.values),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";")[0],
        },
    )
    assert status == 302, status
    speaker.refresh_from_db()
    assert speaker.status == speaker.Status.DECLINED

    # The other server trusts the generation it read for PAGE_CACHE_RECHECK_SECONDS (1).
    deadline = time.monotonic() + 5
    while True:
        after = request(other, "GET", page, headers={"If-None-Match": first[1]["etag"][0]})
        if after[0] != 304 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert after[0] == 200
    assert after[1]["etag"] != first[1]["etag"]
    assert "Jorge Example" not in after[2]


def test_the_rate_limit_counts_the_requests_to_both_servers(servers):
    # 20 a minute from one client (views.ANSWER_RATE), counted in a window that may end
    # during a run: a second client starts a new run in the next window.
    for client in ("203.0.113.7", "203.0.113.8"):
        statuses = [
            request(
                servers[n % 2],
                "GET",
                f"/en/answer/not-a-link-{n}/",
                headers={"X-Real-IP": client},
            )[0]
            for n in range(21)
        ]
        if statuses == [404] * 20 + [429]:
            break
    assert statuses == [404] * 20 + [429]
