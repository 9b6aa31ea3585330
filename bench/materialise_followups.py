"""Benchmark: followups.services.materialise_due catching up 10k, 100k and 1M active plans (PostgreSQL),
each beside the bare SQL of the same rows, measured alternately in the same run.

    .venv/bin/python bench/materialise_followups.py [--plans N ...] [--million] [--rounds R]
        [--reseed] [--keep-state] [--profile] [--figures FILE]

Per size, seeds (once; reused afterwards unless --reseed) N customers, each with one active plan of
a mixed cadence (1/3/6 Jalali months, 1 Gregorian month, 1-2 weeks, 10/14 days) anchored over the
last 60 days, so the first run has to catch up. Each size has its own schema of the benchmark
database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/peygir_bench):
bench_materialise_10k, bench_materialise (100k) and bench_materialise_1m.

Before every timed run the plans are put back to "nothing materialised yet" (follow-ups emptied,
next_index = 0, next_due_on = occurrence 0, VACUUM ANALYZE). The rounds then alternate:

- materialise_due(today) itself;
- the bare SQL: after the same reset, one INSERT ... SELECT of exactly the rows the first
  materialisation wrote (kept in a temporary table) into the same follow-up table, with its
  indexes, unique constraints and foreign keys, then one UPDATE ... FROM of the plans' next_index
  and next_due_on. That is the database's own work; the ratio is what materialisation adds to it.

Default sizes: 10k and 100k (bench/all.py's run); 1M only with --million: seeding it took 5 minutes
and each of its runs and resets minutes more on the shared 2-core machine, beyond the budget of the
whole table. Prints figures; never asserts on timings.
"""

import argparse
import cProfile
import datetime
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from _common import (
    Figure,
    add_figures_argument,
    bare_connection,
    database_url,
    ensure_database,
    ensure_reps,
    execute,
    marker_get,
    marker_set,
    migrate,
    scalar,
    start,
    step,
    vacuum_analyze,
    write_figures,
)

# One schema per size, each seeded once; 100k keeps the schema name it always had.
SCHEMAS = {10_000: "bench_materialise_10k", 100_000: "bench_materialise", 1_000_000: "bench_materialise_1m"}
MARKER = "materialise_followups"
GOAL_RATIO = 1.5
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
    parser.add_argument("--reseed", action="store_true", help="drop the schemas of the sizes run and seed again")
    parser.add_argument(
        "--plans",
        type=int,
        nargs="+",
        choices=sorted(SCHEMAS),
        help="sizes to run (default 10000 100000, with --million also 1000000)",
    )
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 plans (long: see above)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of materialise / bare SQL (2)")
    parser.add_argument(
        "--keep-state",
        action="store_true",
        help="time one materialisation from the current state, without the reset or the bare SQL",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the first run and print the top functions")
    add_figures_argument(parser)
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
    from core import db
    from customers.models import Customer
    from followups.models import FollowUpPlan

    started = time.perf_counter()
    reps = ensure_reps(REP_PREFIX, REPS)
    rep_ids = ", ".join(str(int(rep.pk)) for rep in reps)  # integers of our own, safe to inline
    with step(f"inserting {plans:,} customers"):
        # Columns not named here take the model's defaults (core.db.insert_select): a new field needs no change.
        db.insert_select(
            prototype=Customer(city="تهران", source="bench"),
            values={
                "name": "'مشتری پلن ' || g",
                "mobile": "'091' || lpad(g::text, 8, '0')",
                "owner_id": f"(ARRAY[{rep_ids}]::bigint[])[1 + mod(g, {len(reps)})]",
                "search_text": "'مشتری پلن ' || g || ' 091' || lpad(g::text, 8, '0')",
            },
            source=f"generate_series(1, {int(plans)}) AS g",
            params=[],
        )
    # 20 buckets, each cadence taking as many as its weight; customer n gets bucket n mod 20 and
    # anchor today - (37 n mod 61): 20 and 61 are coprime, so every cadence meets every anchor.
    weighted = [(every, unit, calendar) for weight, every, unit, calendar in CADENCES for _ in range(weight)]
    buckets = [(index, *cadence) for index, cadence in enumerate(weighted)]
    cadence_values = ", ".join(["(%s, %s, %s, %s)"] * len(buckets))
    anchor_values, anchor_params = _anchor_values(today)
    with step(f"inserting {plans:,} active plans"):
        db.insert_select(
            prototype=FollowUpPlan(purpose="تماس دوره‌ای", active=True, next_index=0),
            values={
                "customer_id": "c.id",
                "assignee_id": "c.owner_id",
                "every": "k.every",
                "unit": "k.unit",
                "calendar": "k.calendar",
                "starts_on": "a.anchor_on",
                "channel": "CASE mod(c.n, 10) WHEN 0 THEN 'visit' WHEN 1 THEN 'sms' ELSE 'call' END",
                "count_from": "CASE WHEN mod(c.n, 25) = 0 THEN 'completion' ELSE 'schedule' END",
                "anchor_on": "a.anchor_on",
                "next_due_on": "a.due0",
            },
            source=(
                "(SELECT id, owner_id, row_number() OVER (ORDER BY id) AS n FROM customers_customer) AS c "
                f"JOIN (VALUES {cadence_values}) AS k(bucket, every, unit, calendar) "
                f"ON k.bucket = mod(c.n, {len(buckets)}) "
                f"JOIN (VALUES {anchor_values}) AS a(day_offset, anchor_on, due0) "
                f"ON a.day_offset = mod(c.n * 37, {ANCHOR_SPREAD_DAYS})"
            ),
            params=[*[value for row in buckets for value in row], *anchor_params],
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


def use_schema(schema: str, *, reseed: bool) -> None:
    """Point Django's connection at ``schema`` (created, or dropped first on --reseed) and migrate it."""
    from django.db import connection

    connection.close()
    ensure_database(database_url(), schema, drop_schema=reseed)
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = f"-c search_path={schema}"
    migrate()
    print(f"schema {scalar('SELECT current_schema()')}")


def seeded_day(plans: int, reseed: bool) -> datetime.date:
    """The day this size was seeded for (seeding it now when it is missing)."""
    from django.utils import timezone

    seeded_on = marker_get(MARKER)
    existing = scalar("SELECT count(*) FROM followups_followupplan")
    if seeded_on is not None and existing == plans:
        print(f"reusing seeded data: {existing:,} plans seeded for day {seeded_on} (--reseed to rebuild)")
        return seeded_on
    if existing:
        raise SystemExit(f"this schema holds {existing:,} plans, not {plans:,}: run again with --reseed")
    today = timezone.localdate()
    print(f"seeding {plans:,} plans for day {today} ...")
    seed(plans, today)
    return today


@contextmanager
def statements_counted():
    """Count the statements Django sends (cheaper than CaptureQueriesContext, which keeps every SQL text
    and would be measured with the run)."""
    from django.db import connection

    sent = []

    def count(execute, sql, params, many, context):
        sent.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield sent


def timed_materialise(today: datetime.date, profile: bool = False):
    from followups.services import materialise_due

    profiler = cProfile.Profile() if profile else None
    with statements_counted() as sent:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        created = materialise_due(today=today)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    return created, seconds, len(sent), profiler


def _followup_columns() -> str:
    from followups.models import FollowUp

    return ", ".join(f'"{field.column}"' for field in FollowUp._meta.concrete_fields if not field.primary_key)


def keep_written(bare) -> None:
    """The rows the materialisation just wrote, and the plans it advanced, in temporary tables of the
    bare connection: the bare SQL writes exactly these again."""
    columns = _followup_columns()
    for statement in (
        "DROP TABLE IF EXISTS bench_written",
        "DROP TABLE IF EXISTS bench_advanced",
        f"CREATE TEMPORARY TABLE bench_written AS SELECT {columns} FROM followups_followup ORDER BY id",
        # Every plan starts at next_index 0 after the reset: those above 0 are the ones advanced.
        "CREATE TEMPORARY TABLE bench_advanced AS "
        "SELECT id, next_index, next_due_on FROM followups_followupplan WHERE next_index > 0 ORDER BY id",
        "ANALYZE bench_written",
        "ANALYZE bench_advanced",
    ):
        bare.execute(statement)


def timed_bare_sql(bare) -> tuple[float, float, int]:
    """The database's own work: the same rows inserted (same table, indexes, constraints, foreign keys,
    ON CONFLICT DO NOTHING like materialisation) and the same plans updated. Returns (insert s, update s, rows)."""
    columns = _followup_columns()
    started = time.perf_counter()
    inserted = bare.execute(
        f"INSERT INTO followups_followup ({columns}) SELECT {columns} FROM bench_written ON CONFLICT DO NOTHING"
    ).rowcount
    between = time.perf_counter()
    bare.execute(
        "UPDATE followups_followupplan AS p SET next_index = a.next_index, next_due_on = a.next_due_on "
        "FROM bench_advanced AS a WHERE p.id = a.id"
    )
    return between - started, time.perf_counter() - between, inserted


@dataclass
class SizeResult:
    plans: int
    plans_due: int
    created: int
    statements: int
    materialise: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(self.materialise)

    @property
    def bare_seconds(self) -> float:
        return statistics.median(self.bare)

    @property
    def ratio(self) -> float:
        return self.seconds / self.bare_seconds


def measure(plans: int, args) -> SizeResult | None:
    from django.conf import settings

    from followups.services import horizon_for

    today = seeded_day(plans, args.reseed)
    horizon = horizon_for(today)
    first_anchor = today - datetime.timedelta(days=ANCHOR_SPREAD_DAYS - 1)
    print(
        f"today = {today} (the seed day; anchors {first_anchor} .. {today}), "
        f"horizon = {horizon} (+{settings.PEYGIR_FOLLOWUP_HORIZON_DAYS} days)"
    )
    due_sql = "SELECT count(*) FROM followups_followupplan WHERE active AND next_due_on <= %s"
    if args.keep_state:
        print("keeping the current state (--keep-state): one run, no bare SQL; it may have little to do")
        created, seconds, statements, profiler = timed_materialise(today, profile=args.profile)
        print(f"  follow-ups created: {created:,}; seconds: {seconds:.2f}; SQL statements: {statements}")
        _print_profile(profiler)
        return None

    bare = bare_connection(scalar("SELECT current_schema()"))
    reset_state(today)
    plans_due = scalar(due_sql, [horizon])
    result, profiler = None, None
    for round_number in range(1, args.rounds + 1):
        if round_number > 1:
            reset_state(today)
        created, seconds, statements, run_profiler = timed_materialise(
            today, profile=args.profile and round_number == 1
        )
        profiler = profiler or run_profiler
        note = " (under cProfile: inflated)" if run_profiler else ""
        print(
            f"round {round_number}, materialise_due: {created:,} follow-ups in {seconds:.2f} s{note}, {statements} SQL"
        )
        if result is None:
            result = SizeResult(plans=plans, plans_due=plans_due, created=created, statements=statements)
            keep_written(bare)
            _check_first_run(today, horizon, due_sql)
        elif created != result.created:
            print(f"  NOT THE SAME WORK: {created:,} follow-ups, the first run wrote {result.created:,}")
        if not run_profiler:
            result.materialise.append(seconds)

        reset_state(today)
        insert_s, update_s, inserted = timed_bare_sql(bare)
        result.bare.append(insert_s + update_s)
        print(
            f"round {round_number}, bare SQL: INSERT ... SELECT of {inserted:,} rows {insert_s:.2f} s "
            f"+ UPDATE of {scalar('SELECT count(*) FROM followups_followupplan WHERE next_index > 0'):,} plans "
            f"{update_s:.2f} s = {insert_s + update_s:.2f} s"
        )
    if not result.materialise:  # one round under the profiler: its time is all there is
        result.materialise.append(seconds)
    _steady_state(today, due_sql)
    bare.close()
    print(
        f"{plans:,} plans: materialise_due {result.seconds:.2f} s (median of {len(result.materialise)}), "
        f"bare SQL {result.bare_seconds:.2f} s (median of {len(result.bare)}): ratio {result.ratio:.2f}× "
        f"(goal ≤ {GOAL_RATIO}×)"
    )
    _print_profile(profiler)
    return result


def _check_first_run(today: datetime.date, horizon: datetime.date, due_sql: str) -> None:
    print("  same day again (nothing new is due):")
    created_again, seconds_again, statements_again, _profiler = timed_materialise(today)
    print(f"    follow-ups created: {created_again:,} (0 expected) in {seconds_again:.3f} s, {statements_again} SQL")
    total, distinct = _row_counts()
    verdict = "equal" if total == distinct else "NOT EQUAL: duplicates!"
    print(f"    count(*) = {total:,}; count(DISTINCT (plan_id, scheduled_on)) = {distinct:,} -> {verdict}")
    print(f"    active plans still due by the horizon: {scalar(due_sql, [horizon]):,} (0 expected)")
    without = scalar(
        "SELECT count(*) FROM followups_followupplan p "
        "WHERE NOT EXISTS (SELECT 1 FROM followups_followup f WHERE f.plan_id = p.id)"
    )
    print(f"    plans without any follow-up: {without:,} (0 expected: every anchor is on or before today)")
    _print_per_cadence()


def _steady_state(today: datetime.date, due_sql: str) -> None:
    """The next day's first run, from the materialised state the last round left."""
    from followups.services import horizon_for

    tomorrow = today + datetime.timedelta(days=1)
    plans_next = scalar(due_sql, [horizon_for(tomorrow)])
    created, seconds, statements, _profiler = timed_materialise(tomorrow)
    total, distinct = _row_counts()
    verdict = "no duplicates" if total == distinct else "DUPLICATES!"
    print(
        f"steady state (the next day, {tomorrow}): {plans_next:,} plans due, {created:,} follow-ups "
        f"in {seconds:.2f} s, {statements} SQL; {verdict}"
    )


def _print_profile(profiler) -> None:
    if not profiler:
        return
    print("profile of the first run, top 25 by cumulative time:")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(25)
    print("profile of the first run, top 15 by own time:")
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
    print("    per cadence: plans -> follow-ups created (per plan)")
    for every, unit, calendar, plans, followups in rows:
        print(
            f"      every {every:>2} {unit:<6} {calendar:<9} {plans:>7,} -> {followups:>8,} ({followups / plans:.2f})"
        )


def print_growth(results: list[SizeResult]) -> None:
    print()
    print("growth (medians; time per plan should stay flat as the plans grow):")
    print("     plans   follow-ups  materialise       bare SQL    ratio   µs/plan  bare µs/plan")
    for result in results:
        print(
            f"{result.plans:>10,} {result.created:>12,} {result.seconds:>10.2f} s {result.bare_seconds:>12.2f} s "
            f"{result.ratio:>7.2f}× {result.seconds / result.plans * 1e6:>9.1f} "
            f"{result.bare_seconds / result.plans * 1e6:>13.1f}"
        )


def figures_of(results: list[SizeResult]) -> list[Figure]:
    label = "INSERT ... SELECT of the same rows + UPDATE of the plans"
    figures = []
    for result in results:
        if result.plans == 100_000:
            figures.append(
                Figure(
                    path=f"materialisation, 100k plans catching up {result.created:,} follow-ups",
                    value=round(result.seconds, 3),
                    unit="s",
                    limit=round(result.bare_seconds, 3),
                    limit_label=label,
                    goal=f"≤ {GOAL_RATIO}× the bare SQL",
                    met=result.ratio <= GOAL_RATIO,
                )
            )
    for result in results:
        figures.append(
            Figure(
                path=f"materialisation growth: {result.plans:,} plans ({result.created:,} follow-ups), per plan",
                value=round(result.seconds / result.plans * 1e6, 2),
                unit="µs/plan",
                limit=round(result.bare_seconds / result.plans * 1e6, 2),
                limit_label=label,
                goal=f"≤ {GOAL_RATIO}× the bare SQL at every size",
                met=result.ratio <= GOAL_RATIO,
            )
        )
    return figures


def main() -> None:
    args = parse_args()
    sizes = args.plans or [10_000, 100_000, *([1_000_000] if args.million else [])]
    start("materialise_followups", SCHEMAS[sizes[0]], reseed=args.reseed)
    mix = ", ".join(
        f"{weight * 5}% every {every} {unit}{' (' + cal + ')' if unit == 'months' else ''}"
        for weight, every, unit, cal in CADENCES
    )
    print(f"cadence mix: {mix}")
    results = []
    for number, plans in enumerate(sizes):
        print()
        print(f"=== {plans:,} plans ===")
        if number:
            use_schema(SCHEMAS[plans], reseed=args.reseed)
        result = measure(plans, args)
        if result:
            results.append(result)
    if results:
        print_growth(results)
        write_figures(args.figures, figures_of(results))


if __name__ == "__main__":
    main()
