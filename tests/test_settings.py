"""Production settings: secrets from the environment, and a clean deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SITE_URL", "DEFAULT_FROM_EMAIL"}
    } | env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


# A deployment's environment, but for the address mail comes from.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "x9Y" * 20,
    "ALLOWED_HOSTS": "panels.example.org",
    "SITE_URL": "https://panels.example.org",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DEFAULT_FROM_EMAIL="Secretariat <secretariat@example.org>",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_of_emails_sent_from_localhost():
    result = run_manage(
        "check",
        "--deploy",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert "(panels.W003)" in result.stderr
    assert "secretariat@localhost" in result.stderr


def test_check_deploy_fails_without_a_secret_key_in_the_environment():
    result = run_manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="panels.example.org")

    assert result.returncode == 1
    assert "(panels.E001) The SECRET_KEY environment variable is not set." in result.stderr


def test_check_deploy_fails_without_the_site_address_for_links_in_emails():
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x9Y" * 20,
        ALLOWED_HOSTS="panels.example.org",
        SITE_URL="http://panels.example.org",
    )

    assert result.returncode == 1
    assert "(panels.E002)" in result.stderr


def test_makemigrations_check_runs_without_any_environment():
    result = run_manage("makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No changes detected"


def test_signed_in_sessions_stay_in_the_database_beside_a_shared_cache():
    # The admin must keep working while Redis is down (a cached_db session fails then).
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_ENGINE)",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"
