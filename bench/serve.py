"""Benchmark of the shipped server: public pages against static files of the same bytes.

Run it from the project folder (after ``bin/test`` or ``bin/run`` made ``.venv``), with
Debian's ``wrk`` installed (``apt-get install wrk``):

    .venv/bin/python bench/serve.py [--duration 5] [--rounds 3] [--connections 16] \
        [--threads 2] [--workers 2] [--redis-url redis://127.0.0.1:6379/15] [--soak 0]

It builds, in a throw-away SQLite database, a meeting of 8 sessions and one of 200 (6
participants and 8 items each, over 5 days in 3 rooms), then starts three servers with the
shipped command's settings (gunicorn with ``gunicorn.conf.py``, DEBUG off, ``--workers``
processes sharing the Redis at ``--redis-url``): one with the page cache, one without
(``PAGE_CACHE_SECONDS=0``: "uncached", the pages rendered around the programme bodies, rows
and session articles that panels/fragments.py keeps, as for signed-in staff) and one that
renders everything (``FRAGMENT_CACHE_SECONDS=0`` too: "rendered", as the first reader after a
change). Before they start, it saves each page's bytes as a static file, which the cached
server then serves through WhiteNoise, the same way as the site's CSS.

For each page (a session's page, the programmes of 8 and 200 sessions, schedule.json and the
calendar of the 8-session meeting) it runs wrk (``--threads`` threads, ``--connections``
connections, ``--duration`` seconds) against the static file, the cached, uncached and
rendered page in turn, ``--rounds`` times, and prints the median requests per second and the
ratios: cached / static (target at least 0.8), uncached / static, and the uncached programme
of 200 sessions / the uncached session page (target at least 0.5). Any error, timeout or
non-2xx answer is counted and printed.

``--compare URL`` adds another server's page to each round (pretalx's talk page, say, served
the same way) and prints the session page's rates against it. ``--soak N`` then runs wrk for
N seconds at 64 connections against the cached server's session page and 200-session
programme, and prints their errors and timeouts (target: none).
Numbers are for comparing on one machine: run it on a quiet one.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = [
    # (name, meeting slug, address builder, static file suffix)
    ("panel page", "p8", "panel", ".html"),
    ("programme, 8 sessions", "p8", "programme", ".html"),
    ("programme, 200 sessions", "p200", "programme", ".html"),
    ("schedule.json", "p8", "schedule.json", ".json"),
    ("calendar.ics", "p8", "calendar.ics", ".ics"),
]


def free_port():
    """A TCP port free on the loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_reachable(url):
    """Whether the Redis at ``url`` answers a PING."""
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def prepare(env):
    """Migrate the database named by ``env`` and build the two meetings; return the pages'
    addresses ({page kind: {slug: address}})."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "meeting.settings"
    import django

    django.setup()
    from data import build
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import translation

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    addresses = {}
    for slug, panels in (("p8", 8), ("p200", 200)):
        # One transaction: the programme's version is recorded once, at its commit.
        with transaction.atomic():
            meeting, panel = build(panels, 6, 8, 5, 3, slug=slug)
        with translation.override("en"):
            programme = meeting.get_absolute_url()
            addresses[slug] = {
                "programme": programme,
                "panel": panel.get_absolute_url(),
                "schedule.json": f"{programme}schedule.json",
                "calendar.ics": f"{programme}calendar.ics",
            }
    return addresses


def start_server(env, port):
    """Start gunicorn with the shipped settings on ``port``; wait until it answers."""
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env | {"PORT": str(port), "GUNICORN_ACCESS_LOG": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"The server on port {port} did not start.")


def fetch(url):
    """The body of ``url`` (a 200 is required)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk(url, *, threads, connections, duration):
    """Run wrk against ``url`` (as a browser asks for a page: ``Accept: text/html``); return
    (requests per second, errors, timeouts)."""
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-H",
            "Accept: text/html,*/*",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(WRK_RATE.search(output).group(1))
    errors = timeouts = 0
    if match := WRK_SOCKET.search(output):
        connect, read, write, timeouts = (int(n) for n in match.groups())
        errors += connect + read + write
    if match := WRK_NON2XX.search(output):
        errors += int(match.group(1))
    return rate, errors, timeouts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--soak", type=int, default=0, help="seconds at 64 connections")
    parser.add_argument(
        "--compare",
        metavar="URL",
        help="another server's session page (pretalx's talk page), measured in each round",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="panels-bench-"))
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "SITE_URL": "https://bench.invalid",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "WEB_CONCURRENCY": str(args.workers),
    }
    if redis_reachable(args.redis_url):
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
        cache = f"Redis at {args.redis_url}"
    else:
        env["WEB_CONCURRENCY"] = "1"
        cache = "local memory (no Redis reachable: one worker process)"
    addresses = prepare(env)
    server_env = os.environ.copy() | env
    servers = []
    try:
        # The pages' bytes as static files, before the servers start (WhiteNoise lists the
        # files when it starts).
        port = free_port()
        probe = start_server(server_env | {"PAGE_CACHE_SECONDS": "0"}, port)
        copies = {}
        (workdir / "static" / "bench").mkdir(parents=True, exist_ok=True)
        for index, (name, slug, kind, suffix) in enumerate(PAGES):
            body = fetch(f"http://127.0.0.1:{port}{addresses[slug][kind]}")
            (workdir / "static" / "bench" / f"page{index}{suffix}").write_bytes(body)
            copies[name] = (f"/static/bench/page{index}{suffix}", len(body))
        probe.terminate()
        probe.wait()
        cached_port, uncached_port, rendered_port = free_port(), free_port(), free_port()
        uncached_env = server_env | {"PAGE_CACHE_SECONDS": "0"}
        servers.append(start_server(server_env, cached_port))
        servers.append(start_server(uncached_env, uncached_port))
        servers.append(start_server(uncached_env | {"FRAGMENT_CACHE_SECONDS": "0"}, rendered_port))
        variants = ("static", "cached", "uncached", "rendered")
        rates = {name: {variant: [] for variant in variants} for name, *_ in PAGES}
        compared = []
        problems = []
        for _round in range(args.rounds):
            if args.compare:
                rate, errors, timeouts = wrk(
                    args.compare,
                    threads=args.threads,
                    connections=args.connections,
                    duration=args.duration,
                )
                compared.append(rate)
                if errors or timeouts:
                    problems.append(f"{args.compare}: {errors} errors, {timeouts} timeouts")
            for name, slug, kind, _suffix in PAGES:
                address = addresses[slug][kind]
                fetch(f"http://127.0.0.1:{cached_port}{address}")
                for variant, url in (
                    ("static", f"http://127.0.0.1:{cached_port}{copies[name][0]}"),
                    ("cached", f"http://127.0.0.1:{cached_port}{address}"),
                    ("uncached", f"http://127.0.0.1:{uncached_port}{address}"),
                    ("rendered", f"http://127.0.0.1:{rendered_port}{address}"),
                ):
                    rate, errors, timeouts = wrk(
                        url,
                        threads=args.threads,
                        connections=args.connections,
                        duration=args.duration,
                    )
                    rates[name][variant].append(rate)
                    if errors or timeouts:
                        problems.append(f"{name}, {variant}: {errors} errors, {timeouts} timeouts")
        print(
            f"gunicorn ({args.workers} workers x gthread), cache: {cache}; wrk -t{args.threads} "
            f"-c{args.connections} -d{args.duration}s, median of {args.rounds} rounds"
        )
        print(
            f"{'page':<24} {'bytes':>8} {'static/s':>9} {'cached/s':>9} {'ratio':>6} "
            f"{'uncached/s':>10} {'ratio':>6} {'rendered/s':>10}"
        )
        medians = {}
        for name, *_ in PAGES:
            static, cached, uncached, rendered = (
                statistics.median(rates[name][v]) for v in variants
            )
            medians[name] = (static, cached, uncached, rendered)
            print(
                f"{name:<24} {copies[name][1]:>8} {static:>9.0f} {cached:>9.0f} "
                f"{cached / static:>6.2f} {uncached:>10.1f} {uncached / static:>6.3f} "
                f"{rendered:>10.1f}"
            )
        ratio = medians["programme, 200 sessions"][2] / medians["panel page"][2]
        print(f"uncached programme (200 sessions) / uncached panel page: {ratio:.2f}")
        if compared:
            other = statistics.median(compared)
            print(
                f"{args.compare}: {other:.1f} requests/s; panel page / it: cached "
                f"{medians['panel page'][1] / other:.1f}, uncached "
                f"{medians['panel page'][2] / other:.1f}, rendered "
                f"{medians['panel page'][3] / other:.1f}"
            )
        print("errors and timeouts: " + ("; ".join(problems) if problems else "none"))
        if args.soak:
            for name, slug, kind, _suffix in (PAGES[0], PAGES[2]):
                rate, errors, timeouts = wrk(
                    f"http://127.0.0.1:{cached_port}{addresses[slug][kind]}",
                    threads=args.threads,
                    connections=64,
                    duration=args.soak,
                )
                print(
                    f"soak, {name}: {args.soak} s at 64 connections, {rate:.0f} requests/s, "
                    f"{errors} errors, {timeouts} timeouts"
                )
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
