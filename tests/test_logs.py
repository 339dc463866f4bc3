"""Personal links kept out of the logs (``panels.logs``, ``meeting.serving``), and the
commands' port option."""

import logging
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from meeting.serving import AccessLogger
from panels.logs import MaskPersonalLinks, mask_personal_links

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /answer/s3cr3t-_x/ HTTP/1.1", "GET /answer/[hidden]/ HTTP/1.1"),
        ("GET /fr/answer/s3cr3t/?x=1 HTTP/1.1", "GET /fr/answer/[hidden]/?x=1 HTTP/1.1"),
        (
            "https://panels.example.org/zh-hans/answer/abc",
            "https://panels.example.org/zh-hans/answer/[hidden]",
        ),
        ("GET /en/meetings/cm15/ HTTP/1.1", "GET /en/meetings/cm15/ HTTP/1.1"),
        ("/answer/", "/answer/"),
        ("GET /%61nswer/s3cr3t/ HTTP/1.1", "GET /%61nswer/[hidden]/ HTTP/1.1"),
        ("GET /en/%2Fanswer%2Fs3cr%65t/ HTTP/1.1", "GET /en/%2Fanswer%2F[hidden]/ HTTP/1.1"),
    ],
)
def test_the_secret_of_a_personal_link_is_masked(text, masked):
    assert mask_personal_links(text) == masked


def test_django_records_are_masked(caplog, client, db):
    logger = logging.getLogger("django.request")
    logger.addFilter(MaskPersonalLinks())
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            client.get("/en/answer/not-a-real-secret-but-long-enough/")
    finally:
        logger.filters.clear()

    assert "not-a-real-secret" not in caplog.text
    assert "/en/answer/[hidden]/" in caplog.text


def test_the_settings_mask_the_console_handler(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["personal_links"]
    assert settings.LOGGING["filters"]["personal_links"]["()"] == "panels.logs.MaskPersonalLinks"


def test_gunicorns_access_log_masks_the_request_line_and_the_referer():
    logger = AccessLogger(SimpleNamespace(**_gunicorn_config()))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/es/answer/abcdef123/",
        "PATH_INFO": "/es/answer/abcdef123/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://panels.example.org/answer/abcdef123/",
        "HTTP_USER_AGENT": "test",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(
        headers=[],
        method="GET",
        path="/es/answer/abcdef123/",
        query="",
        version=(1, 1),
        uri="/es/answer/abcdef123/",
    )
    response = SimpleNamespace(
        status="200 OK", response_length=10, sent=10, headers=[], status_code=200
    )

    atoms = logger.atoms(response, request, environ, _duration())

    line = logger.cfg.access_log_format % atoms
    assert "abcdef123" not in line
    assert '"GET /es/answer/[hidden]/ HTTP/1.1"' in line
    assert '"https://panels.example.org/answer/[hidden]/"' in line


def _gunicorn_config():
    from gunicorn.config import Config

    config = Config()
    return {name: setting.get() for name, setting in config.settings.items()}


def _duration():
    from datetime import timedelta

    return timedelta(milliseconds=5)


@pytest.mark.parametrize(
    "arguments", [["--port", "abc"], ["--port"], ["--port", "70000"], ["--x"]]
)
def test_bin_run_refuses_a_port_that_is_not_one(arguments):
    result = subprocess.run(
        ["sh", str(ROOT / "bin/run"), *arguments], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "port must be a number" in result.stderr or "Usage: bin/run" in result.stderr


def test_django_records_are_printed_once_and_masked_with_debug_on(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: %s', '/answer/s3cr3t-x/')"
    )
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", script],
        cwd=ROOT,
        env={"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "meeting.settings", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "s3cr3t" not in result.stderr
    assert result.stderr.count("Not Found: /answer/[hidden]/") == 1


def test_gunicorns_error_log_masks_a_request_line_it_could_not_read():
    logger = AccessLogger(SimpleNamespace(**_gunicorn_config()))
    records = []
    logger.error_log.addHandler(logging.Handler())
    logger.error_log.handlers[-1].emit = records.append

    logger.error_log.warning("Invalid HTTP request line: %r", "GET /answer/s3cr3t/\x01 HTTP/1.1")

    assert "s3cr3t" not in records[0].getMessage()
    assert "/answer/[hidden]/" in records[0].getMessage()


@pytest.mark.parametrize("name", ["WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"])
def test_the_production_server_refuses_a_number_of_workers_or_threads_below_one(name):
    result = subprocess.run(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", name: "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert f"{name} must be a whole number of at least 1, not '0'." in result.stderr


def test_bin_serve_refuses_a_port_that_is_not_a_number():
    result = subprocess.run(
        ["sh", str(ROOT / "bin/serve")],
        env={"PATH": "/usr/bin:/bin", "PORT": "abc"},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "PORT must be a number from 1 to 65535, not 'abc'." in result.stderr
