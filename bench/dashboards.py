"""Benchmark: the managers' dashboards over 100,000 customers and 1,000,000 purchases (PostgreSQL).

    .venv/bin/python bench/dashboards.py [--growth] [--customers N] [--seed-only] [--reseed] [--runs N] [--requests N]

Seeds (once; reused afterwards unless --reseed) the shop of ``silent_customers.py`` (20 reps,
100,000 customers of mixed purchase rhythms, 1,000,000 purchases over two years), in a schema of
its own ("bench_dashboards"), plus 20,000 calls of the last 26 weeks that reached their customer
(for "do the calls work?") and 30,000 survey invitations of the last year, 40% answered (for NPS).

Measures, each beside the bare SQL of the same work replayed on a plain psycopg connection in the
same run (the statements Django sent, captured with CaptureQueriesContext), and the ratio:

- the snapshot job (``dashboards.services.snapshots_refresh``: churn and retention of every kept
  month, quarter and year in both calendars, the cohorts, the churn events and the calls' effect),
  as the nightly beat job and the manager's "count again" run it;
- each dashboard page's server time (GET through Django's test client with DEBUG off, after a
  warm-up) for the manager (every customer), and the overview for one rep (their book); the
  issue's goal is at most 500 ms a page.

``--growth`` (bench/all.py --growth) adds the snapshot job at 1,000,000 customers and 10,000,000
purchases (schema "bench_dashboards_1m", seeded once), one captured run beside its SQL replayed once,
and the time per customer at each scale; it is not in the default run because one run of the job
at that size takes over ten minutes on two cores, and its replay as long again.
``--customers N`` measures another scale alone (schema bench_dashboards_<N>).

Prints figures; never asserts on timings. With ``--figures FILE`` it writes the snapshot job (at both
scales with --growth) and the slowest page.
"""

import argparse
import datetime
import json
import statistics
import time
from pathlib import Path

import silent_customers  # the same shop, seeded in this script's schema
from _common import (
    Figure,
    add_figures_argument,
    bare_connection,
    collect_static,
    execute,
    marker_get,
    marker_set,
    replay,
    scalar,
    start,
    step,
    vacuum_analyze,
    write_figures,
)
from silent_customers import (
    CUSTOMERS,
    growth_step,
    job_figure,
    print_growth,
    scale_label,
    schema_for,
)

SCHEMA = "bench_dashboards"  # the default scale's; another scale's is schema_for(customers, SCHEMA)
MARKER_NAME = "dashboards:v1"  # the calls and survey answers are in (after silent_customers' shop)
SNAPSHOT_JOB = "dashboard snapshot job"  # its rows' name in bench/all.py's table
GROWTH_CUSTOMERS = 1_000_000  # --growth: the snapshot job at ten times the data
REACHED_CALLS_PER_CUSTOMER = 0.2  # 20,000 reached calls at 100,000 customers
INVITATIONS_PER_CUSTOMER = 0.3  # 30,000 survey invitations at 100,000 customers
PAGE_GOAL_MS = 500
SLOWEST_SHOWN = 8  # statements of the snapshot job listed by their bare time
PAGES = [
    ("overview", "/dashboards/"),
    ("churn, months", "/dashboards/churn/"),
    ("churn, quarters", "/dashboards/churn/?grain=quarter"),
    ("cohorts", "/dashboards/cohorts/"),
    ("when churn happens", "/dashboards/when-churn-happens/"),
    ("value", "/dashboards/value/"),
    ("NPS", "/dashboards/nps/"),
    ("team", "/dashboards/team/"),
    ("do the calls work", "/dashboards/calls/"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop this scale's schema and seed again")
    parser.add_argument(
        "--customers",
        type=int,
        default=CUSTOMERS,
        help=f"customers to seed and measure, 10 purchases each (default {CUSTOMERS:,}; another scale gets a "
        "schema of its own, bench_dashboards_1m for 1,000,000)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help=f"add the growth step: the snapshot job at {GROWTH_CUSTOMERS:,} customers (seeded once; long)",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed this scale's schema (when missing) and stop")
    parser.add_argument("--job-only", action="store_true", help=argparse.SUPPRESS)  # the growth step's process
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)  # where --job-only writes its figures
    add_figures_argument(parser)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the snapshot job (default 3)")
    parser.add_argument("--requests", type=int, default=10, help="timed requests of each page (default 10)")
    parser.add_argument("--pages-only", dest="skip_job", action="store_true", help="time the pages, not the job")
    return parser.parse_args()


def capture(call) -> tuple[object, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [query["sql"] for query in queries.captured_queries]


def seed_calls_and_surveys(day: datetime.date, customers: int) -> None:
    """Reached calls and survey answers, written set-based from the customers already there."""
    reached_calls = round(customers * REACHED_CALLS_PER_CUSTOMER)
    invitations = round(customers * INVITATIONS_PER_CUSTOMER)
    with step(f"{reached_calls:,} reached calls of the last 26 weeks"):
        execute(
            "INSERT INTO followups_followup (customer_id, assignee_id, completed_by_id, reason, source_key, facts, "
            "  channel, purpose, scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, "
            "  reached_at, completed_at, created_at) "
            "SELECT c.id, c.owner_id, c.owner_id, 'one_off', 'bench-reached:' || c.id, '{}', 'call', '', "
            "  d.day, d.day, 'done', 'reached', '', 0, '', d.day + time '10:00', d.day + time '10:00', now() "
            "FROM (SELECT id, owner_id, row_number() OVER (ORDER BY md5(id::text)) AS n FROM customers_customer) AS c "
            "CROSS JOIN LATERAL (SELECT %s::date - (mod(c.n * 37, 182))::int AS day) AS d "
            "WHERE c.n <= %s",
            [day, reached_calls],
        )
    with step(f"{invitations:,} survey invitations of the last year, 40% answered"):
        from surveys.models import Survey
        from surveys.services import survey_for

        survey = survey_for(Survey.Kind.RELATIONSHIP)
        execute(
            "INSERT INTO surveys_surveyinvitation (survey_id, customer_id, token_salt, token_hash, occasion, language, "
            "  sent_at, expires_at, created_at) "
            "SELECT %s, c.id, md5(c.id::text), md5('h' || c.id), '', 'fa', d.at, d.at + interval '30 days', d.at "
            "FROM (SELECT id, row_number() OVER (ORDER BY md5('s' || id)) AS n FROM customers_customer) AS c "
            "CROSS JOIN LATERAL (SELECT %s::timestamptz - make_interval(days => mod(c.n * 13, 365)::int) AS at) AS d "
            "WHERE c.n <= %s",
            [survey.pk, day, invitations],
        )
        execute(
            "INSERT INTO surveys_surveyresponse (invitation_id, survey_id, customer_id, score, category, reason, "
            "  intent, improvement_1, improvement_2, improvement_3, would_refer, referral_name, referral_mobile, "
            "  answered_at, updated_at) "
            "SELECT i.id, i.survey_id, i.customer_id, s.score, CASE WHEN s.score >= 9 THEN 'promoter' "
            "  WHEN s.score >= 7 THEN 'passive' ELSE 'detractor' END, '', '', '', '', '', false, '', '', "
            "  i.sent_at + interval '1 day', i.sent_at + interval '1 day' "
            "FROM surveys_surveyinvitation AS i CROSS JOIN LATERAL (SELECT mod(i.id * 7, 11) AS score) AS s "
            "WHERE mod(i.id, 5) < 2"
        )
        execute(
            "UPDATE surveys_surveyinvitation AS i SET answered_at = r.answered_at "
            "FROM surveys_surveyresponse AS r WHERE r.invitation_id = i.id"
        )
    vacuum_analyze("followups_followup", "surveys_surveyinvitation", "surveys_surveyresponse")


def measure_snapshots(day: datetime.date, runs: int, conn) -> dict:
    """The snapshot job ``runs`` times, each run after its SQL replayed bare (alternating, so a noisy
    moment of the machine sways both alike); the first, captured run also warms the caches. With
    ``runs`` 0 (a long growth step) the captured run is the one measured."""
    from django.utils import timezone

    from dashboards import definitions, services
    from dashboards.models import SnapshotRun

    # A night after the first: the run's row is there to update (a replayed INSERT of it would collide).
    SnapshotRun.objects.get_or_create(
        active_days=definitions.active_days(),
        defaults={"computed_on": day, "computed_at": timezone.now(), "seconds": 0},
    )
    started = time.perf_counter()
    _run, statements = capture(lambda: services.snapshots_refresh(today=day))
    captured = time.perf_counter() - started
    seconds, bare, each = [], [], []
    for _ in range(max(runs, 1)):
        total, per_statement = replay(conn, statements)
        bare.append(total)
        each.append(per_statement)
        if runs:
            started = time.perf_counter()
            services.snapshots_refresh(today=day)
            seconds.append(time.perf_counter() - started)
    if not runs:
        seconds = [captured]
    whole, sql_only = statistics.median(seconds), statistics.median(bare)
    print(
        f"snapshot job (snapshots_refresh, N=90): {whole:.2f} s median "
        f"(runs {', '.join(f'{s:.2f}' for s in seconds)}); "
        f"its {len(statements)} SQL statements alone {sql_only:.2f} s "
        f"(runs {', '.join(f'{s:.2f}' for s in bare)}); ratio {whole / sql_only:.2f}×"
    )
    slowest = sorted(
        ((statistics.median(times), text) for *times, text in zip(*each, statements, strict=True)), reverse=True
    )[:SLOWEST_SHOWN]
    print("  its slowest statements, replayed bare (median):")
    for value, text in slowest:
        print(f"  {value:8.2f} s  {' '.join(text.split())[:110]}")
    return {
        "job": whole,
        "bare": sql_only,
        "statements": len(statements),
        "slowest": [(value, " ".join(text.split())[:110]) for value, text in slowest],
    }


def _plain(statement: str) -> str:
    """A statement Django sent through a named (server-side) cursor, as the SELECT it declares."""
    if statement.startswith("DECLARE "):
        return statement.split(" FOR ", 1)[1]
    return statement


def measure_page(client, label: str, url: str, requests: int, conn) -> tuple[float, float]:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    get()
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        seconds.append(time.perf_counter() - started)
    _response, statements = capture(get)
    reads = [_plain(text) for text in statements if not text.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    bare = [replay(conn, reads)[0] for _ in range(requests)]
    whole, sql_only = statistics.median(seconds) * 1000, statistics.median(bare) * 1000
    print(
        f"  {label}: {whole:.1f} ms median (max {max(seconds) * 1000:.1f} ms); its {len(reads)} SQL statements "
        f"alone {sql_only:.1f} ms; ratio {whole / sql_only:.1f}×"
    )
    return whole, sql_only


def prepare(customers: int, *, reseed: bool) -> datetime.date:
    """Django on this scale's schema, seeded once: silent_customers' shop, then the calls and answers."""
    schema = schema_for(customers, SCHEMA)
    start(f"dashboards benchmark at {customers:,} customers", schema, reseed=reseed)
    day = marker_get(MARKER_NAME)
    if day is None:
        started = time.perf_counter()
        day = marker_get(silent_customers.MARKER_NAME)
        if day is None:
            day = datetime.date.today()
            silent_customers.seed(day, customers)
        seed_calls_and_surveys(day, customers)
        marker_set(MARKER_NAME, day, time.perf_counter() - started)
        print(f"  calls and survey answers seeded in {time.perf_counter() - started:.1f} s (the shop included)")
    else:
        print(f"reusing seeded data (seeded for {day}; --reseed to rebuild)")
    from django.conf import settings

    customers_in = scalar("SELECT count(*) FROM customers_customer")
    purchases = scalar("SELECT count(*) FROM customers_purchase")
    reached = scalar("SELECT count(*) FROM followups_followup WHERE outcome = 'reached'")
    answers = scalar("SELECT count(*) FROM surveys_surveyresponse")
    print(
        f"{customers_in:,} customers, {purchases:,} purchases, {reached:,} reached calls, "
        f"{answers:,} survey answers; DEBUG={settings.DEBUG}"
    )
    return day


def main() -> None:
    args = parse_args()
    day = prepare(args.customers, reseed=args.reseed)
    if args.seed_only:
        return
    from django.contrib.auth import get_user_model
    from django.test import Client

    conn = bare_connection(schema_for(args.customers, SCHEMA))
    if args.job_only:
        result = measure_snapshots(day, 0 if args.customers > CUSTOMERS else args.runs, conn)
        result.update(customers=args.customers, purchases=scalar("SELECT count(*) FROM customers_purchase"))
        if args.result:
            args.result.write_text(json.dumps(result))
        return
    job = None
    if args.skip_job:
        from dashboards import services

        services.snapshots_refresh(today=day)  # the pages read the snapshots of today's code
    else:
        job = measure_snapshots(day, args.runs, conn)
        job.update(customers=args.customers, purchases=scalar("SELECT count(*) FROM customers_purchase"))

    collect_static()
    manager = Client()
    manager.force_login(silent_customers.ensure_manager())
    print("pages for the manager (every customer):")
    pages = {label: measure_page(manager, label, url, args.requests, conn) for label, url in PAGES}
    rep = get_user_model().objects.filter(username__startswith=silent_customers.REP_PREFIX).order_by("pk").first()
    mine = Client()
    mine.force_login(rep)
    print(f"pages for one rep ({rep.username}, their book):")
    for label, url in PAGES[:2]:
        measure_page(mine, label, url, args.requests, conn)

    slowest = max(pages, key=lambda label: pages[label][0])
    page_ms, page_sql_ms = pages[slowest]
    figures = [
        Figure(
            path=f"slowest dashboard page ({slowest}), a manager, {scale_label(args.customers)} customers",
            value=page_ms,
            unit="ms",
            limit=page_sql_ms,
            limit_label="its SQL replayed",
            goal=f"≤ {PAGE_GOAL_MS} ms",
            met=page_ms <= PAGE_GOAL_MS,
        )
    ]
    if job is not None:
        figures.insert(0, job_figure(job, job=SNAPSHOT_JOB))
        if args.growth and args.customers == CUSTOMERS:
            grown = growth_step(GROWTH_CUSTOMERS, script=__file__, job="the snapshot job")
            if grown is not None:
                print_growth([job, grown], job="the snapshot job")
                figures.insert(1, job_figure(grown, baseline=job, job=SNAPSHOT_JOB))
    write_figures(args.figures, figures)


if __name__ == "__main__":
    main()
