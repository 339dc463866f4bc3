"""Benchmark of the public pages: time, SQL queries and memory per request.

Run it from the project folder (after ``bin/test`` or ``bin/run`` made ``.venv``):

    DEBUG=1 .venv/bin/python bench/pages.py [--panels 40] [--people 6] [--segments 8] \
        [--days 5] [--rooms 3] [--runs 20]

It builds a meeting over ``--days`` days with the given numbers of sessions (in ``--rooms``
rooms, so that some run in parallel), participants per session and items per session (each
item with two speakers; every fourth item without a time) in a throw-away SQLite database in
memory, then requests the home page, the meeting's programme, one session's page, the
meeting's calendar and its schedule.json ``--runs`` times each and prints, per page: the median
and worst time in milliseconds, the number of SQL queries, and the peak Python memory of one
request in KiB.
Numbers are for comparing two versions on the same machine, not absolute targets.
"""

import argparse
import os
import statistics
import sys
import time as clock
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meeting.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
# The pages as the views render them: the page cache (panels/caching.py) is off here;
# bench/serve.py measures it through the production server.
os.environ["PAGE_CACHE_SECONDS"] = "0"

from data import build  # noqa: E402 - after the settings' environment


def measure(client, url, runs):
    """Request ``url`` ``runs`` times; return (median ms, worst ms, queries, peak KiB)."""
    from django.db import connection

    timings = []
    for _ in range(runs):
        started = clock.perf_counter()
        response = client.get(url)
        timings.append((clock.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    queries = []
    # Django clears its query log when a request starts, so count at the cursor instead.
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(timings), max(timings), len(queries), peak / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=40)
    parser.add_argument("--people", type=int, default=6)
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--rooms", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    meeting, panel = build(args.panels, args.people, args.segments, args.days, args.rooms)
    client = Client()
    print(
        f"{args.panels} sessions x {args.people} participants x {args.segments} items "
        f"(2 speakers each), {args.days} days, {args.rooms} rooms, {args.runs} runs"
    )
    print(f"{'page':<12} {'median ms':>10} {'worst ms':>10} {'queries':>8} {'peak KiB':>9}")
    from django.urls import reverse
    from django.utils import translation

    # The English pages, at their addresses under /en/.
    with translation.override("en"):
        pages = [
            ("home", reverse("panels:meeting-list")),
            ("programme", meeting.get_absolute_url()),
            ("panel", panel.get_absolute_url()),
            ("calendar", f"{meeting.get_absolute_url()}calendar.ics"),
            ("schedule", f"{meeting.get_absolute_url()}schedule.json"),
        ]
    for name, url in pages:
        median, worst, queries, peak = measure(client, url, args.runs)
        print(f"{name:<12} {median:>10.1f} {worst:>10.1f} {queries:>8} {peak:>9.0f}")


if __name__ == "__main__":
    main()
