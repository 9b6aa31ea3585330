"""Benchmark: what every logged-in page pays before and around its own content (middleware, the
session and user reads, the role check, the base layout), beside the SQL it sends.

    .venv/bin/python bench/page_floor.py [--requests N] [--warmups N] [--figures FILE]

Reads (never seeds) schema "bench_customers": run bench/customer_list.py once first. As a rep
(bench_cl_rep01) and as the manager (bench_cl_manager), django.test.Client + force_login,
DEBUG=False, it GETs, alternating request by request:

- a logged-in page with no content: base.html alone, served by the view of tests/core/floor_urls.py
  (login required), through every middleware and context processor;
- /calls/ for the rep on a day with no call due (that schema has no follow-ups): the calls page's
  own floor;
- /customers/?sort=-total_spent for the manager (100,000 customers).

Each request is followed by the SQL it sent, replayed bare on a psycopg connection (the limit).
It lists the fixed queries of a logged-in page, and measures the empty page again with
SESSION_ENGINE = cached_db (a settings change it only reports). Prints figures; never asserts on
timings.
"""

import argparse
import statistics
import time

from _common import Figure, add_figures_argument, bare_connection, ratio_line, replay, start, write_figures

SCHEMA = "bench_customers"
REP, MANAGER = "bench_cl_rep01", "bench_cl_manager"
EMPTY_URL = "/empty-page/"
# The project's URLs plus a logged-in page with no content, the same the page-floor tests use.
FLOOR_URLS = "tests.core.floor_urls"


def _client(username):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def measure(label, client, url, args, conn):
    """Median seconds of GET ``url`` and of its SQL replayed bare right after each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmups):
        _get(client, url)
    seconds, bare, statements = [], [], []
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _get(client, url)
            seconds.append(time.perf_counter() - started)
        statements = [query["sql"] for query in captured.captured_queries]
        bare.append(replay(conn, statements)[0])
    print(ratio_line(f"{label}:", seconds, len(statements), bare))
    return statistics.median(seconds) * 1000, statistics.median(bare) * 1000, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmups", type=int, default=10)
    add_figures_argument(parser)
    args = parser.parse_args()

    start("page floor", SCHEMA)
    from django.contrib.auth.models import User
    from django.test.utils import override_settings

    if not User.objects.filter(username=MANAGER).exists():
        raise SystemExit(f"schema {SCHEMA} is not seeded: run bench/customer_list.py first")
    conn = bare_connection(SCHEMA)
    with override_settings(ROOT_URLCONF=FLOOR_URLS):
        rep, manager = _client(REP), _client(MANAGER)
        rep_floor = measure("empty page, rep", rep, EMPTY_URL, args, conn)
        manager_floor = measure("empty page, manager", manager, EMPTY_URL, args, conn)
        calls = measure("/calls/ with no call due, rep", rep, "/calls/", args, conn)
        customers = measure(
            "/customers/?sort=-total_spent, manager", manager, "/customers/?sort=-total_spent", args, conn
        )
        print("the fixed queries of a logged-in page:")
        for statement in manager_floor[2]:
            print(f"  {statement[:110]}")
        with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
            measure("empty page, manager, SESSION_ENGINE=cached_db", _client(MANAGER), EMPTY_URL, args, conn)

    floor_goal = "none of its own: the share of every page's 3× budget that is not the page's"
    rows = [
        (f"a logged-in page with no content, {who}", measured, floor_goal, None)
        for who, measured in (("a rep", rep_floor), ("a manager", manager_floor))
    ]
    # Its SQL is two counts (about 1 ms), so its ratio says how big the frame is, not how good: the
    # first screen's rows carry the 3× goal (calls_due_page.py).
    calls_goal = "none of its own: what the calls page pays before its first row"
    rows.append(("calls page with no call due, a rep", calls, calls_goal, None))
    rows.append(
        (
            "customer list by total spent, manager, 100k customers (page floor run)",
            customers,
            "≤ 50 ms",
            customers[0] <= 50,
        )
    )
    figures = [
        Figure(
            path=path,
            value=round(page_ms, 1),
            unit="ms",
            limit=round(sql_ms, 2),
            limit_label=f"its {len(statements)} SQL statements bare",
            goal=goal,
            met=met,
        )
        for path, (page_ms, sql_ms, statements), goal, met in rows
    ]
    write_figures(args.figures, figures)


if __name__ == "__main__":
    main()
