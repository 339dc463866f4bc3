"""Settings for the panel-session app.

Everything that differs between a laptop and production comes from the environment:

- ``DEBUG``: "1"/"true" turns on debug mode. Off unless set.
- ``SECRET_KEY``: required unless ``DEBUG`` is on.
- ``ALLOWED_HOSTS``: comma-separated host names (default: the loopback names).
- ``DATABASE_URL``: any URL dj-database-url understands (default: SQLite in ``db.sqlite3``).
- ``EMAIL_URL``-style settings are not used; ``EMAIL_HOST`` and friends are read directly.
- ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_SECONDS``: production hardening, on unless ``DEBUG``.
- ``REDIS_URL``: a Redis shared by all processes (``redis://host:6379/0``), for the public
  page cache, the answer page's rate limit and signed-in sessions. Default: a per-process
  memory cache.
- ``CSP_REPORT_URI``: where browsers report what the Content-Security-Policy refused (the
  policy's ``report-uri``; default: no reports).
- ``CELERY_BROKER_URL`` (else ``REDIS_URL``): the task queue's broker for bulk email, e.g.
  ``redis://127.0.0.1:6379/0``; without one, tasks run in the request. ``REMINDER_TIME``
  (HH:MM, UTC) is when celery beat sends the day's reminders. See "Task queue (Celery)".
- ``EMAIL_HOST`` (SMTP), ``EMAIL_FILE_PATH`` (emails written to files) or ``EMAIL_BACKEND``
  choose where email goes (default: the console).
- ``RATELIMIT_IP_META_KEY``: the request header that holds the client's address behind a
  proxy, e.g. ``HTTP_X_REAL_IP`` (default: the connection's address, ``REMOTE_ADDR``; a
  request without the header is counted by that too: ``panels.clients``).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.management.utils import get_random_secret_key
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a boolean from the environment: "1", "true", "yes", "on" (any case) are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated list from the environment, dropping empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Locally a fixed development key; elsewhere a random one for this process only, so that
    # one-off commands (makemigrations, collectstatic) run without secrets. A deployment must
    # set SECRET_KEY: `manage.py check --deploy` fails without it (panels.E001).
    SECRET_KEY = (
        "django-insecure-local-development-only"  # noqa: S105 - debug only
        if DEBUG
        else get_random_secret_key()
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks (panels/translation.py registers).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "concurrency",
    "django_ratelimit",
    # Its system checks flag settings of django-csp 3 left behind.
    "csp",
    "crispy_forms",
    "import_export",
    # Loads panels/rules.py: the meeting teams' object permissions.
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "panels",
]

# Django's permissions from groups, narrowed to a meeting's team for each record (``rules``:
# see panels/rules.py).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    # First, so that its header is on every response: static files, the redirects and
    # refusals of the middleware below, error pages (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for readers without a session, from the "pages" cache (panels/page_cache.py).
    "panels.page_cache.PublicPageCacheMiddleware",
    "panels.middleware.refuse_nul_in_address",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "panels.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who is signed in with each change the request makes (Model.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "meeting.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "meeting.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two editors saving at once: take the write lock when a transaction starts and wait for
    # it, rather than failing with "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# A meeting's admin page lists every panel as a row of fields; allow large programmes.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in the six languages (django-modeltranslation; the fields are in
# panels/translation.py): each translated field has a column per language ("title_fr"). A
# page in a language the content lacks shows the English value, else the first other language
# that has one (the order of LANGUAGES); templates mark it (panels/templatetags/content.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", *(code for code, name in LANGUAGES if code != "en"))
}
# The English value is required where the field is (a meeting's title), optional elsewhere.
MODELTRANSLATION_REQUIRED_LANGUAGES = ("en",)
# Each language's field is labelled with the language's name: "title (French)".
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, language: format_lazy(  # noqa: E731
    "{} ({})", verbose_name, get_language_info(language)["name_translated"]
)
# A meeting's short name in addresses is proposed from its English title.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
# A new object given "title" alone (a test, an import, the demo) has it in English too, so that
# the default language, the fallback of every page, is never empty.
MODELTRANSLATION_AUTO_POPULATE = "default"
USE_I18N = True
# English input formats without the month-first "10/06/2026" (meeting/formats/en/formats.py).
FORMAT_MODULE_PATH = ["meeting.formats"]

# Stored datetimes are aware (UTC in the database). Panel times are shown in each meeting's
# own IANA zone, never in this one.
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-crispy-forms lays out the public forms in the site's own template pack
# (templates/site_forms/): the markup static/css/site.css styles, as the site does not use
# Bootstrap. A layout naming a field the form lacks, or a field twice, is an error, not a
# field silently left off the page.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("site_forms",)
CRISPY_TEMPLATE_PACK = "site_forms"
CRISPY_FAIL_SILENTLY = False

# Two caches: "default" holds the answer page's rate-limit counters (django-ratelimit) and
# the cached sessions of signed-in users; "pages" holds the public pages served to anonymous
# readers and their content generation (panels/caching.py), and may drop entries whenever it
# is full without weakening the rate limit. With REDIS_URL both live in that Redis (Django's
# own backend), shared by every process and server; without it, in each process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "panels",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "panels-pages",
            "TIMEOUT": None,
        },
    }
    # django-ratelimit lists Django's Redis backend as "not officially supported" (W001); it
    # counts with the backend's add() and incr(), which Redis does atomically, across all
    # processes and servers (tests/test_two_servers.py).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    # LocMemCache is per process: each process would count its own requests (a client could
    # make (number of processes) x the limit) and drop only its own pages after an edit. It
    # suits the demo, the tests and one server process with threads, which is what bin/serve
    # starts without REDIS_URL (gunicorn.conf.py); several processes must share a Redis.
    # django-ratelimit reports this backend as "not shared" (E003) and "not officially
    # supported" (W001): silenced here only, so that a shared cache is still checked.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# Public pages (home, programmes, panels, calendars, schedule.json) are kept in the "pages"
# cache at most this many seconds (0 turns the page cache off); any change ends them sooner.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "900"))
# Each server process keeps the pages it served (at most this many bytes, 64 MB by default)
# and trusts the content generation it read for this many seconds: a change made through
# another process or server reaches this one's pages within that time (its own changes at once).
PAGE_CACHE_PROCESS_BYTES = int(os.environ.get("PAGE_CACHE_PROCESS_BYTES", str(64 * 2**20)))
PAGE_CACHE_RECHECK_SECONDS = float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "1"))
# The parts of pages the same for every reader (a programme's body and its rows, a session
# page's article) are kept in the "pages" cache at most this many seconds (0: rendered for
# every page), and never after a change (panels/fragments.py). They serve the pages the page
# cache does not keep: signed-in staff's, and every page while the page cache is off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "900"))
# A proxy or CDN may keep a public page this many seconds (Cache-Control: s-maxage); browsers
# ask again each time, and get a 304 when the page has not changed.
PUBLIC_PAGE_SHARED_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_SHARED_MAX_AGE", "60"))
# Behind a proxy every request comes from the proxy's address; name the header it sets.
CLIENT_ADDRESS_HEADER = os.environ.get("RATELIMIT_IP_META_KEY") or None
# The client's address from that header, else the connection's (panels/clients.py): a request
# that comes without the header is counted, not refused with a server error.
RATELIMIT_IP_META_KEY = "panels.clients.client_address"
# While the cache is out of reach, the answer page answers rather than failing with a server
# error: a panellist can still confirm, and guessing a link's 256-bit secret stays hopeless.
RATELIMIT_FAIL_OPEN = True

# Email: printed to the console unless an SMTP host is configured.
# EMAIL_FILE_PATH instead writes each connection's emails to a file in that folder (a staging
# site, the real-worker tests); EMAIL_BACKEND names any other backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
    if EMAIL_FILE_PATH
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "secretariat@localhost")

# The public address of the site, for links in emails sent outside a request (reminders from
# a scheduler). `check --deploy` insists on it when DEBUG is off (panels.E002).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# Days between two reminders to a panellist who has not answered (issue 4).
REMINDER_INTERVAL_DAYS = int(os.environ.get("REMINDER_INTERVAL_DAYS", "3"))

# django-import-export: the secretariat's spreadsheets of panellists (panels.resources).
# An import runs in one transaction (the resource rolls it back when any row is refused).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Left off on purpose: it strips one leading "=" only ("==1+1" stays a formula, + - @ are left
# alone), alters the data and writes empty cells as "None". PanellistResource neutralises
# formulae itself (resources.neutralise_formula), reversibly.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Without these, any staff member could import or export through an admin that forgets to
# check; the panellist admin asks for more (view people too; add and change both models).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Content-Security-Policy (django-csp), on every response: scripts, styles and images come
# from this site's own files only, so that markup slipping past the Markdown sanitiser
# (panels/text.py) could run no script and load nothing from elsewhere. Templates hold no
# inline script, style element or style attribute; a page's data for its script comes in a
# JSON data block (Django's json_script), which the policy does not govern. The admin and the
# timekeeper run under it unchanged; the one exception, django-import-export's export page,
# is allowed its two inline attributes by hash on that page only
# (panels.admin.imports.LIBRARY_INLINE_ATTRIBUTES). "data:" images: the site's empty icon
# (templates/base.html), which spares every page a request for /favicon.ico.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Read straight into the policy: a setting named CSP_REPORT_URI is django-csp 3's, which
# django-csp 4 refuses at start (csp.E001).
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = os.environ["CSP_REPORT_URI"]

if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ---------------------------------------------------------------------------------------------
# Task queue (Celery): bulk invitations and reminders (panels/tasks.py), the application in
# meeting/celery.py. The broker is CELERY_BROKER_URL, else REDIS_URL; with neither, tasks run
# in the process that queues them (the demo, the tests) and their errors propagate.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Progress is kept in the database (panels.BulkSend), not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, and given back to the queue when its worker is lost,
# so that a worker killed mid-run has its bulk send finished by another (the task is
# idempotent: services.run_bulk_send). One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after this many seconds: longer than
# the longest bulk send, so that a running one is not started twice (a second run would still
# send nobody twice, but would mark the email the first is sending as interrupted).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# celery beat: reminders once a day at REMINDER_TIME (HH:MM, UTC), as `manage.py
# send_reminders` from cron would (README, "Reminders on a schedule").
REMINDER_TIME = os.environ.get("REMINDER_TIME", "07:00")
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "panels.tasks.send_reminders",
        "schedule": crontab(
            hour=REMINDER_TIME.partition(":")[0], minute=REMINDER_TIME.partition(":")[2] or "0"
        ),
    },
}
# ---------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal links' secrets are masked in every record (panels.logs).
    "filters": {"personal_links": {"()": "panels.logs.MaskPersonalLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_links"]}},
    # Django's loggers through the same handler only: Django's own console handler for them
    # (DEBUG) would print each record a second time, unmasked. The development server's
    # access log at INFO.
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
