"""gunicorn's settings for ``bin/serve`` (gunicorn reads this file from the working folder).

Each can be changed from the environment:

- ``PORT`` (default 8000) and ``BIND_HOST`` (default 127.0.0.1; ``0.0.0.0`` to listen on
  every interface), or ``GUNICORN_BIND`` for any address gunicorn takes;
- ``WEB_CONCURRENCY``: worker processes. Default: two per CPU core plus one when
  ``REDIS_URL`` is set; one otherwise, because without a shared cache each process would keep
  its own page cache and count its own requests against the rate limit;
- ``GUNICORN_THREADS`` (default 4): threads per worker, each serving one request at a time;
- ``GUNICORN_TIMEOUT`` (default 30): seconds before a silent worker is restarted;
- ``GUNICORN_CERTFILE`` and ``GUNICORN_KEYFILE``: serve HTTPS itself, with that certificate
  and key (PEM files), where no proxy terminates TLS.
"""

import multiprocessing
import os


def whole_number(name, default):
    """The environment variable ``name`` as a whole number of at least 1 (``default`` when it
    is not set); stops gunicorn with a sentence naming it otherwise."""
    value = os.environ.get(name, "") or str(default)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


bind = os.environ.get(
    "GUNICORN_BIND",
    f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
)
workers = whole_number(
    "WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1 if os.environ.get("REDIS_URL") else 1
)
worker_class = "gthread"
threads = whole_number("GUNICORN_THREADS", 4)
timeout = whole_number("GUNICORN_TIMEOUT", 30)
# Keep-alive connections from a proxy (or a load generator) are reused for this many seconds.
keepalive = 5
# The access log on standard output, personal links masked (meeting.serving.AccessLogger);
# GUNICORN_ACCESS_LOG names a file instead, or is empty for none.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
logger_class = "meeting.serving.AccessLogger"
# The application and its settings are loaded before the workers start, once.
preload_app = True
wsgi_app = "meeting.wsgi:application"
# HTTPS without a proxy (a small site, or trying the production settings on one's machine).
certfile = os.environ.get("GUNICORN_CERTFILE") or None
keyfile = os.environ.get("GUNICORN_KEYFILE") or None
