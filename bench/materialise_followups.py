"""Benchmark: followups.services.materialise_due over 100,000 active plans (PostgreSQL).

    .venv/bin/python bench/materialise_followups.py [--reseed] [--plans N] [--keep-state] [--profile]

Seeds (once; reused afterwards unless --reseed) 100,000 customers, each with one active plan of a
mixed cadence (1/3/6 Jalali months, 1 Gregorian month, 1-2 weeks, 10/14 days) anchored over the
last 60 days, so the first run has to catch up. Before timing, the plans are put back to
"nothing materialised yet" (follow-ups emptied, next_index = 0, next_due_on = occurrence 0), so
every run measures the same work; --keep-state skips that reset.

Tables live in schema "bench_materialise" of the benchmark database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/peygir_bench). Prints figures; never asserts on timings.
"""

import argparse
import cProfile
import datetime
import pstats
import sys
import time

from _common import ensure_reps, execute, marker_get, marker_set, scalar, start, step, vacuum_analyze

SCHEMA = "bench_materialise"
MARKER = "materialise_followups"
REP_PREFIX = "bench_plan_rep"
REPS = 10
ANCHOR_SPREAD_DAYS = 61  # anchors fall on today - 60 ... today

# (weight out of 20, every, unit, calendar)
CADENCES = [
    (8, 1, "months", "jalali"),
    (3, 3, "months", "jalali"),
    (2, 6, "months", "jalali"),
    (1, 1, "months", "gregorian"),
    (3, 1, "weeks", "jalali"),
    (1, 2, "weeks", "jalali"),
    (1, 14, "days", "jalali"),
    (1, 10, "days", "jalali"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this benchmark's schema and seed again")
    parser.add_argument("--plans", type=int, default=100_000, help="active plans to seed (default 100000)")
    parser.add_argument(
        "--keep-state",
        action="store_true",
        help="do not reset follow-ups and plan indexes before timing (default: reset, so runs are comparable)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the first run and print the top functions")
    return parser.parse_args()


def _anchor_values(today: datetime.date):
    """VALUES rows (day_offset, anchor_on, due0): occurrence 0 is the anchor moved to a working day,
    exactly as followups.services computes it."""
    from followups import cadence, services

    days = services.working_days()
    rows = []
    for offset in range(ANCHOR_SPREAD_DAYS):
        anchor = today - datetime.timedelta(days=offset)
        rows.append((offset, anchor, cadence.due_on(anchor, 0, 1, cadence.MONTHS, cadence.JALALI, days)))
    placeholders = ", ".join(["(%s, %s::date, %s::date)"] * len(rows))
    return placeholders, [value for row in rows for value in row]


def seed(plans: int, today: datetime.date) -> None:
    started = time.perf_counter()
    reps = ensure_reps(REP_PREFIX, REPS)
    with step(f"inserting {plans:,} customers"):
        execute(
            "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
            "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
            "purchase_count, total_spent, last_contact_on, search_text) "
            "SELECT 'مشتری پلن ' || g, '091' || lpad(g::text, 8, '0'), '', '', 'تهران', NULL, '', "
            "(%s::bigint[])[1 + mod(g, %s)], 'fa', false, 'bench', now(), NULL, NULL, 0, 0, NULL, "
            "'مشتری پلن ' || g || ' 091' || lpad(g::text, 8, '0') "
            "FROM generate_series(1, %s) AS g",
            [[rep.pk for rep in reps], len(reps), plans],
        )
    # 20 buckets, each cadence taking as many as its weight; customer n gets bucket n mod 20 and
    # anchor today - (37 n mod 61): 20 and 61 are coprime, so every cadence meets every anchor.
    weighted = [(every, unit, calendar) for weight, every, unit, calendar in CADENCES for _ in range(weight)]
    buckets = [(index, *cadence) for index, cadence in enumerate(weighted)]
    cadence_values = ", ".join(["(%s, %s, %s, %s)"] * len(buckets))
    anchor_values, anchor_params = _anchor_values(today)
    with step(f"inserting {plans:,} active plans"):
        execute(
            "INSERT INTO followups_followupplan (customer_id, assignee_id, every, unit, calendar, starts_on, "
            "channel, purpose, count_from, active, anchor_on, next_index, next_due_on, created_at, created_by_id) "
            "SELECT c.id, c.owner_id, k.every, k.unit, k.calendar, a.anchor_on, "
            "CASE mod(c.n, 10) WHEN 0 THEN 'visit' WHEN 1 THEN 'sms' ELSE 'call' END, "
            "'تماس دوره‌ای', CASE WHEN mod(c.n, 25) = 0 THEN 'completion' ELSE 'schedule' END, "
            "true, a.anchor_on, 0, a.due0, now(), NULL "
            "FROM (SELECT id, owner_id, row_number() OVER (ORDER BY id) AS n FROM customers_customer) AS c "
            f"JOIN (VALUES {cadence_values}) AS k(bucket, every, unit, calendar) "
            f"ON k.bucket = mod(c.n, {len(buckets)}) "
            f"JOIN (VALUES {anchor_values}) AS a(day_offset, anchor_on, due0) "
            f"ON a.day_offset = mod(c.n * 37, {ANCHOR_SPREAD_DAYS})",
            [*[value for row in buckets for value in row], *anchor_params],
        )
    with step("VACUUM ANALYZE"):
        vacuum_analyze("customers_customer", "followups_followupplan", "auth_user")
    seconds = time.perf_counter() - started
    marker_set(MARKER, today, seconds)
    print(f"  seeded in {seconds:.1f} s")


def reset_state(today: datetime.date) -> None:
    """Back to "nothing materialised": no follow-ups, every plan at occurrence 0."""
    with step("reset: emptying followups_followup"):
        # This schema holds only this benchmark; CASCADE empties the (empty) survey tables that point here.
        execute("TRUNCATE followups_followup CASCADE")
    anchor_values, anchor_params = _anchor_values(today)
    with step("reset: plans back to next_index = 0, next_due_on = occurrence 0"):
        execute(
            "UPDATE followups_followupplan AS p SET next_index = 0, next_due_on = a.due0, active = true "
            f"FROM (VALUES {anchor_values}) AS a(day_offset, anchor_on, due0) WHERE p.anchor_on = a.anchor_on",
            anchor_params,
        )
    with step("reset: VACUUM ANALYZE"):
        vacuum_analyze("followups_followupplan", "followups_followup")


def timed_materialise(today: datetime.date, profile: bool = False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followups.services import materialise_due

    profiler = cProfile.Profile() if profile else None
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        created = materialise_due(today=today)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    return created, seconds, len(queries), profiler


def main() -> None:
    args = parse_args()
    start("materialise_followups", SCHEMA, reseed=args.reseed)
    from django.conf import settings
    from django.utils import timezone

    from followups.services import horizon_for

    seeded_on = marker_get(MARKER)
    plans = scalar("SELECT count(*) FROM followups_followupplan")
    if seeded_on is None or plans != args.plans:
        if plans:
            raise SystemExit(f"schema {SCHEMA} holds {plans:,} plans, not {args.plans:,}: run again with --reseed")
        today = timezone.localdate()
        print(f"seeding {args.plans:,} plans for day {today} ...")
        seed(args.plans, today)
    else:
        today = seeded_on
        print(f"reusing seeded data: {plans:,} plans seeded for day {today} (--reseed to rebuild)")

    horizon = horizon_for(today)
    first_anchor = today - datetime.timedelta(days=ANCHOR_SPREAD_DAYS - 1)
    print(
        f"today = {today} (the seed day; anchors {first_anchor} .. {today}), "
        f"horizon = {horizon} (+{settings.PEYGIR_FOLLOWUP_HORIZON_DAYS} days)"
    )
    mix = ", ".join(
        f"{weight * 5}% every {every} {unit}{' (' + cal + ')' if unit == 'months' else ''}"
        for weight, every, unit, cal in CADENCES
    )
    print(f"cadence mix: {mix}")

    if args.keep_state:
        print("keeping the current state (--keep-state): the first run may have little to do")
    else:
        reset_state(today)

    due_sql = "SELECT count(*) FROM followups_followupplan WHERE active AND next_due_on <= %s"
    plans_due = scalar(due_sql, [horizon])

    print()
    print("run 1 (catch-up from nothing materialised):")
    created, seconds, queries, profiler = timed_materialise(today, profile=args.profile)
    print(f"  plans (active, due by the horizon): {plans_due:,}")
    print(f"  follow-ups created:                 {created:,}")
    print(f"  seconds:                            {seconds:.2f}{' (under cProfile: inflated)' if profiler else ''}")
    print(f"  rows/s:                             {created / seconds:,.0f}")
    print(f"  plans/s:                            {plans_due / seconds:,.0f}")
    print(f"  SQL statements:                     {queries}")

    print("run 2 (same day again: nothing new is due):")
    created_again, seconds_again, queries_again, _profiler = timed_materialise(today)
    print(f"  follow-ups created:                 {created_again:,} (0 expected)")
    print(f"  seconds:                            {seconds_again:.3f}")
    print(f"  SQL statements:                     {queries_again}")

    print("checks:")
    total, distinct = _row_counts()
    verdict = "equal" if total == distinct else "NOT EQUAL: duplicates!"
    print(f"  SELECT count(*) = {total:,}; count(DISTINCT (plan_id, scheduled_on)) = {distinct:,} -> {verdict}")
    print(f"  active plans still due by the horizon: {scalar(due_sql, [horizon]):,} (0 expected)")
    without = scalar(
        "SELECT count(*) FROM followups_followupplan p "
        "WHERE NOT EXISTS (SELECT 1 FROM followups_followup f WHERE f.plan_id = p.id)"
    )
    print(f"  plans without any follow-up: {without:,} (0 expected: every anchor is on or before today)")
    _print_per_cadence()

    tomorrow = today + datetime.timedelta(days=1)
    print(f"run 3 (steady state: the next day's first run, today = {tomorrow}):")
    plans_next = scalar(due_sql, [horizon_for(tomorrow)])
    created_next, seconds_next, queries_next, _profiler = timed_materialise(tomorrow)
    print(f"  plans due by the new horizon:       {plans_next:,}")
    print(f"  follow-ups created:                 {created_next:,}")
    print(f"  seconds:                            {seconds_next:.2f}")
    print(f"  SQL statements:                     {queries_next}")
    total, distinct = _row_counts()
    verdict = "equal" if total == distinct else "NOT EQUAL: duplicates!"
    print(f"  SELECT count(*) = {total:,}; count(DISTINCT (plan_id, scheduled_on)) = {distinct:,} -> {verdict}")

    if profiler:
        print()
        print("profile of run 1, top 25 by cumulative time:")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        print("profile of run 1, top 15 by own time:")
        stats.sort_stats("tottime").print_stats(15)


def _row_counts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT (plan_id, scheduled_on)) FROM followups_followup")
        return cursor.fetchone()


def _print_per_cadence():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.every, p.unit, p.calendar, count(DISTINCT p.id), count(f.id) "
            "FROM followups_followupplan p LEFT JOIN followups_followup f ON f.plan_id = p.id "
            "GROUP BY 1, 2, 3 ORDER BY 2, 1, 3"
        )
        rows = cursor.fetchall()
    print("  per cadence: plans -> follow-ups created (per plan)")
    for every, unit, calendar, plans, followups in rows:
        print(f"    every {every:>2} {unit:<6} {calendar:<9} {plans:>7,} -> {followups:>8,} ({followups / plans:.2f})")


if __name__ == "__main__":
    main()
