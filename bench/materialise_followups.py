"""Benchmark: followups.services.materialise_due over 100,000 active plans (PostgreSQL).

    .venv/bin/python bench/materialise_followups.py [--reseed] [--plans N] [--keep-state] [--profile]

Seeds (once; reused afterwards unless --reseed) 100,000 customers, each with one active plan of a
mixed cadence (1/3/6 Jalali months, 1 Gregorian month, 1-2 weeks, 10/14 days) anchored over the
last 60 days, so the first run has to catch up. Before timing, the plans are put back to
"nothing materialised yet" (their follow-ups deleted, next_index = 0, next_due_on = occurrence 0),
so every run measures the same work; --keep-state skips that reset.

Prints figures only; it never asserts on timings.
"""

import argparse
import cProfile
import datetime
import pstats
import sys
import time

from _common import ensure_reps, execute, marker_clear, marker_get, marker_set, scalar, start, step, vacuum_analyze

SOURCE = "bench-materialise"  # customers.source of this benchmark's customers
MARKER = "materialise_followups"
REP_PREFIX = "bench_plan_rep"
REPS = 10
ANCHOR_SPREAD_DAYS = 61  # anchors fall on today - 0 ... today - 60

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

BENCH_PLANS = (
    "SELECT p.id FROM followups_followupplan p JOIN customers_customer c ON c.id = p.customer_id "
    f"WHERE c.source = '{SOURCE}'"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this benchmark's customers/plans and seed again")
    parser.add_argument("--plans", type=int, default=100_000, help="active plans to seed (default 100000)")
    parser.add_argument(
        "--keep-state",
        action="store_true",
        help="do not reset follow-ups and plan indexes before timing (default: reset, so runs are comparable)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the first run and print the top functions")
    return parser.parse_args()


def occurrence_zero(anchors):
    """Occurrence 0 of a plan anchored on each day: the anchor moved to a working day, as the service does."""
    from followups import cadence, services

    days = services.working_days()
    return {anchor: cadence.due_on(anchor, 0, 1, cadence.MONTHS, cadence.JALALI, days) for anchor in anchors}


def _anchor_values(today):
    anchors = [today - datetime.timedelta(days=offset) for offset in range(ANCHOR_SPREAD_DAYS)]
    due = occurrence_zero(anchors)
    rows = [(offset, anchor, due[anchor]) for offset, anchor in enumerate(anchors)]
    placeholders = ", ".join(["(%s, %s::date, %s::date)"] * len(rows))
    return placeholders, [value for row in rows for value in row]


def drop_seed():
    with step("deleting this benchmark's follow-ups, plans and customers"):
        execute(f"DELETE FROM followups_followup WHERE plan_id IN ({BENCH_PLANS})")
        execute(f"DELETE FROM followups_followupplan WHERE id IN ({BENCH_PLANS})")
        execute("DELETE FROM customers_customer WHERE source = %s", [SOURCE])
    marker_clear(MARKER)


def seed(plans: int, today: datetime.date) -> None:
    from customers.models import Customer

    started = time.perf_counter()
    if Customer.objects.filter(source=SOURCE).exists():
        drop_seed()
    reps = ensure_reps(REP_PREFIX, REPS)
    with step(f"inserting {plans:,} customers"):
        execute(
            "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
            "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
            "purchase_count, total_spent, last_contact_on, search_text) "
            "SELECT 'مشتری پلن ' || g, '091' || lpad(g::text, 8, '0'), '', '', 'تهران', NULL, '', "
            "(%s::bigint[])[1 + mod(g, %s)], 'fa', false, %s, now(), NULL, NULL, 0, 0, NULL, "
            "'مشتری پلن ' || g || ' 091' || lpad(g::text, 8, '0') "
            "FROM generate_series(1, %s) AS g",
            [[rep.pk for rep in reps], len(reps), SOURCE, plans],
        )
    # 20 buckets, each cadence taking as many as its weight; plan n falls in bucket n mod 20.
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
            "FROM (SELECT id, owner_id, row_number() OVER (ORDER BY id) AS n "
            "      FROM customers_customer WHERE source = %s) AS c "
            f"JOIN (VALUES {cadence_values}) AS k(bucket, every, unit, calendar) "
            f"ON k.bucket = mod(c.n, {len(buckets)}) "
            f"JOIN (VALUES {anchor_values}) AS a(day_offset, anchor_on, due0) "
            f"ON a.day_offset = mod(c.n * 37, {ANCHOR_SPREAD_DAYS})",
            [SOURCE, *[value for row in buckets for value in row], *anchor_params],
        )
    with step("VACUUM ANALYZE"):
        vacuum_analyze("customers_customer", "followups_followupplan", "followups_followup")
    seconds = time.perf_counter() - started
    marker_set(MARKER, today, seconds)
    print(f"  seeded in {seconds:.1f} s")


def reset_state(today: datetime.date) -> None:
    """Back to "nothing materialised": follow-ups gone, every plan at occurrence 0."""
    with step("reset: deleting this benchmark's follow-ups"):
        deleted = execute(f"DELETE FROM followups_followup WHERE plan_id IN ({BENCH_PLANS})")
    print(f"    ({deleted:,} follow-ups deleted)")
    anchor_values, anchor_params = _anchor_values(today)
    with step("reset: plans back to next_index = 0, next_due_on = occurrence 0"):
        execute(
            "UPDATE followups_followupplan AS p SET next_index = 0, next_due_on = a.due0, active = true "
            f"FROM (VALUES {anchor_values}) AS a(day_offset, anchor_on, due0) "
            f"WHERE p.anchor_on = a.anchor_on AND p.id IN ({BENCH_PLANS})",
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
    start("materialise_followups")
    from django.conf import settings
    from django.utils import timezone

    from followups.services import horizon_for

    seeded_on = marker_get(MARKER)
    bench_plans = scalar(f"SELECT count(*) FROM ({BENCH_PLANS}) AS b")
    if args.reseed or seeded_on is None or bench_plans != args.plans:
        today = timezone.localdate()
        print(f"seeding {args.plans:,} plans for day {today} ...")
        seed(args.plans, today)
    else:
        today = seeded_on
        print(f"reusing seeded data: {bench_plans:,} plans seeded for day {today} (use --reseed to rebuild)")

    horizon = horizon_for(today)
    all_active = scalar("SELECT count(*) FROM followups_followupplan WHERE active")
    first_anchor = today - datetime.timedelta(days=ANCHOR_SPREAD_DAYS - 1)
    print(
        f"today = {today} (the seed day; anchors {first_anchor} .. {today}), "
        f"horizon = {horizon} (+{settings.PEYGIR_FOLLOWUP_HORIZON_DAYS} days)"
    )
    if all_active != args.plans:
        print(f"note: {all_active:,} active plans in the database, {args.plans:,} of them this benchmark's")

    if args.keep_state:
        print("keeping the current state (--keep-state): the first run may have little to do")
    else:
        reset_state(today)

    plans_due = scalar(
        f"SELECT count(*) FROM followups_followupplan WHERE active AND next_due_on <= %s AND id IN ({BENCH_PLANS})",
        [horizon],
    )
    mix = ", ".join(
        f"{weight * 5}% every {every} {unit}{' (' + cal + ')' if unit == 'months' else ''}"
        for weight, every, unit, cal in CADENCES
    )
    print(f"cadence mix: {mix}")

    print()
    print("run 1 (catch-up from empty):")
    created, seconds, queries, profiler = timed_materialise(today, profile=args.profile)
    print(f"  plans (active, due by the horizon): {plans_due:,}")
    print(f"  follow-ups created:                 {created:,}")
    print(f"  seconds:                            {seconds:.2f}")
    print(f"  rows/s:                             {created / seconds:,.0f}")
    print(f"  plans/s:                            {plans_due / seconds:,.0f}")
    print(f"  SQL statements:                     {queries}")

    print("run 2 (nothing new due):")
    created_again, seconds_again, queries_again, _p = timed_materialise(today)
    print(f"  follow-ups created:                 {created_again:,} (0 expected)")
    print(f"  seconds:                            {seconds_again:.3f}")
    print(f"  SQL statements:                     {queries_again}")

    print("checks:")
    total, distinct = _row_counts()
    print(
        f"  follow-ups: count(*) = {total:,}, count(DISTINCT (plan_id, scheduled_on)) = {distinct:,}"
        f" -> {'equal' if total == distinct else 'NOT EQUAL'}"
    )
    behind = scalar(
        f"SELECT count(*) FROM followups_followupplan WHERE active AND next_due_on <= %s AND id IN ({BENCH_PLANS})",
        [horizon],
    )
    print(f"  active plans still due by the horizon after the runs: {behind:,} (0 expected)")
    without = scalar(
        f"SELECT count(*) FROM ({BENCH_PLANS}) AS b "
        "WHERE NOT EXISTS (SELECT 1 FROM followups_followup f WHERE f.plan_id = b.id)"
    )
    print(f"  plans without any follow-up: {without:,} (0 expected: every anchor is on or before today)")
    _print_per_cadence()

    if profiler:
        print()
        print("profile of run 1 (top 25 by cumulative time):")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        print("profile of run 1 (top 15 by own time):")
        stats.sort_stats("tottime").print_stats(15)


def _row_counts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT (f.plan_id, f.scheduled_on)) FROM followups_followup f "
            f"WHERE f.plan_id IN ({BENCH_PLANS})"
        )
        return cursor.fetchone()


def _print_per_cadence():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.every, p.unit, p.calendar, count(DISTINCT p.id), count(f.id) "
            "FROM followups_followupplan p JOIN customers_customer c ON c.id = p.customer_id "
            "LEFT JOIN followups_followup f ON f.plan_id = p.id "
            "WHERE c.source = %s GROUP BY 1, 2, 3 ORDER BY 2, 1, 3",
            [SOURCE],
        )
        rows = cursor.fetchall()
    print("  per cadence: plans -> follow-ups (avg)")
    for every, unit, calendar, plans, followups in rows:
        print(f"    every {every:>2} {unit:<6} {calendar:<9} {plans:>7,} -> {followups:>8,} ({followups / plans:.2f})")


if __name__ == "__main__":
    main()
