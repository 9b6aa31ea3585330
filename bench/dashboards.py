"""Benchmark: the managers' dashboards over 100,000 customers and 1,000,000 purchases (PostgreSQL).

    .venv/bin/python bench/dashboards.py [--reseed] [--runs N] [--requests N]

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

Prints figures; never asserts on timings.
"""

import argparse
import datetime
import statistics
import time

from _common import bare_connection, collect_static, execute, marker_get, replay, scalar, start, step, vacuum_analyze

SCHEMA = "bench_dashboards"
REACHED_CALLS = 20_000
INVITATIONS = 30_000
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
    parser.add_argument("--reseed", action="store_true", help="drop the schema and seed again")
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


def seed_calls_and_surveys(day: datetime.date) -> None:
    """Reached calls and survey answers, written set-based from the customers already there."""
    with step(f"{REACHED_CALLS:,} reached calls of the last 26 weeks"):
        execute(
            "INSERT INTO followups_followup (customer_id, assignee_id, completed_by_id, reason, source_key, facts, "
            "  channel, purpose, scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, "
            "  reached_at, completed_at, created_at) "
            "SELECT c.id, c.owner_id, c.owner_id, 'one_off', 'bench-reached:' || c.id, '{}', 'call', '', "
            "  d.day, d.day, 'done', 'reached', '', 0, '', d.day + time '10:00', d.day + time '10:00', now() "
            "FROM (SELECT id, owner_id, row_number() OVER (ORDER BY md5(id::text)) AS n FROM customers_customer) AS c "
            "CROSS JOIN LATERAL (SELECT %s::date - (mod(c.n * 37, 182))::int AS day) AS d "
            "WHERE c.n <= %s",
            [day, REACHED_CALLS],
        )
    with step(f"{INVITATIONS:,} survey invitations of the last year, 40% answered"):
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
            [survey.pk, day, INVITATIONS],
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


def measure_snapshots(day: datetime.date, runs: int, conn) -> None:
    from dashboards import services

    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        services.snapshots_refresh(today=day)
        seconds.append(time.perf_counter() - started)
    _run, statements = capture(lambda: services.snapshots_refresh(today=day))
    bare = [replay(conn, statements)[0] for _ in range(runs)]
    whole, sql_only = statistics.median(seconds), statistics.median(bare)
    print(
        f"snapshot job (snapshots_refresh, N=90): {whole:.2f} s median "
        f"(runs {', '.join(f'{s:.2f}' for s in seconds)}); "
        f"its {len(statements)} SQL statements alone {sql_only:.2f} s; ratio {whole / sql_only:.2f}×"
    )


def _plain(statement: str) -> str:
    """A statement Django sent through a named (server-side) cursor, as the SELECT it declares."""
    if statement.startswith("DECLARE "):
        return statement.split(" FOR ", 1)[1]
    return statement


def measure_page(client, label: str, url: str, requests: int, conn) -> None:
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


def main() -> None:
    args = parse_args()
    start("dashboards benchmark", SCHEMA, reseed=args.reseed)
    import silent_customers  # the same shop, seeded in this script's schema

    day = datetime.date.today()
    if marker_get(silent_customers.MARKER_NAME) is None:
        silent_customers.seed(day)
        seed_calls_and_surveys(day)
    parser_args_skip = args.skip_job
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    customers = scalar("SELECT count(*) FROM customers_customer")
    purchases = scalar("SELECT count(*) FROM customers_purchase")
    reached = scalar("SELECT count(*) FROM followups_followup WHERE outcome = 'reached'")
    answers = scalar("SELECT count(*) FROM surveys_surveyresponse")
    print(
        f"{customers:,} customers, {purchases:,} purchases, {reached:,} reached calls, "
        f"{answers:,} survey answers; DEBUG={settings.DEBUG}"
    )
    conn = bare_connection(SCHEMA)
    if parser_args_skip:
        from dashboards import services

        services.snapshots_refresh(today=day)  # the pages read the snapshots of today's code
    else:
        measure_snapshots(day, args.runs, conn)

    collect_static()
    manager = Client()
    manager.force_login(silent_customers.ensure_manager())
    print("pages for the manager (every customer):")
    for label, url in PAGES:
        measure_page(manager, label, url, args.requests, conn)
    rep = get_user_model().objects.filter(username__startswith=silent_customers.REP_PREFIX).order_by("pk").first()
    mine = Client()
    mine.force_login(rep)
    print(f"pages for one rep ({rep.username}, their book):")
    for label, url in PAGES[:2]:
        measure_page(mine, label, url, args.requests, conn)


if __name__ == "__main__":
    main()
