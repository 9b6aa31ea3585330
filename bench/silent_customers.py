"""Benchmark: the nightly purchase-rhythm refresh and the at-risk page over 100,000 customers and
1,000,000 purchases (PostgreSQL).

    .venv/bin/python bench/silent_customers.py [--customers N] [--growth] [--seed-only] [--reseed] [--runs N]
        [--requests N] [--warmups N] [--explain]

Seeds (once; reused afterwards unless --reseed, and again by itself when the schema was seeded by
an older version of this script) 20 reps in the "rep" group and a manager, 4 segments, 100,000
customers of mixed purchase rhythms (weekly, monthly, quarterly and irregular buyers, one-time
buyers, some who have never bought; 15% of the repeat buyers stopped buying months ago) and
1,000,000 purchases (a few same-day doubles), with the customers' purchase figures.

Measures:

- the nightly job, ``customers.services.customers_refresh_rhythm(as_of=<seed day>)``, as a whole
  (it stores the segments' and the shop's priors, writes every buyer's rhythm in one INSERT ... ON CONFLICT DO UPDATE,
  then raises the win-back calls through the ``customers_rhythm_refreshed`` signal). Before each
  run the state is reset (rhythm rows, win-back calls and priors deleted, VACUUM), so
  every run does the same work: the first night after the feature is switched on;
- the same work split into its pieces (priors, rhythm write, win-back raise), by calling the
  job's private functions in the same order in one transaction;
- the bare SQL: the statements the job sent (captured with CaptureQueriesContext) replayed on a
  plain psycopg connection in one transaction after the same reset, and the ratio job / bare SQL
  (the issue's goal: at most 2);
- a second run right after (nothing changed since: it should write nothing), with the rows it wrote;
- GET /customers/at-risk/ for the manager (every customer) and for one rep, beside the bare SQL
  of its statements.

Growth (--growth, as ``bench/all.py --growth`` passes it; on a loaded 2-core machine one run and its
replay took 38 minutes, the first seed 10 more, so the default run leaves it out): the nightly job again
at 1,000,000 customers and
10,000,000 purchases, in a process of its own on schema "bench_silent_1m" (seeded once, about ten
minutes on two cores: INSERT ... SELECT over generate_series, the secondary indexes built after),
one captured run beside its SQL replayed once, and the time per customer at each scale. A path whose
time per customer grows more than ``GROWTH_TOLERANCE`` times is growing faster than its data.
``--customers N`` measures another scale alone (10 purchases a customer, schema bench_silent_<N>).

The job takes a database-wide advisory lock ("rhythm-priors"): two scales measured at the same time
in one database wait for each other, so they run one after the other.

Tables live in schema "bench_silent" of the benchmark database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/peygir_bench). Prints figures; never asserts on timings.
With ``--figures FILE`` (bench/all.py) it writes the job at both scales and the manager's at-risk page.
"""

import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import _common
from _common import (
    Figure,
    add_figures_argument,
    bare_connection,
    collect_static,
    ensure_reps,
    execute,
    is_read_only,
    marker_get,
    marker_names,
    marker_set,
    percentile,
    ratio_line,
    replay,
    reset_schema,
    scalar,
    seed_purchase_figures,
    start,
    step,
    summary_ms,
    vacuum_analyze,
    write_figures,
)

SCHEMA = "bench_silent"  # the default scale's; another scale's is schema_for(customers)
SOURCE = "bench-silent"  # customers.source
MARKER = "silent_customers"
SEED_VERSION = 1  # a schema seeded under another version is dropped and seeded again on start
MARKER_NAME = f"{MARKER}:v{SEED_VERSION}"
REP_PREFIX = "bench_rep"
REPS = 20
MANAGER_USERNAME = "bench_manager"
CUSTOMERS = 100_000  # the default scale; --customers N seeds and measures another, in a schema of its own
PURCHASES_PER_CUSTOMER = 10  # the seeded histories hold a little more: the oldest visits are cut to this
GROWTH_CUSTOMERS = 1_000_000  # --growth: the nightly job at ten times the data
GROWTH_TOLERANCE = 1.5  # per customer, the larger run may take this much more (sorts grow as n log n) and no more
PROFILE_TABLE = "bench_profile"  # not a Django model: each customer's seeded rhythm, for the composition table
ROW_MARKER = 'data-testid="at-risk-row"'  # one per row in templates/customers/at_risk.html

# (slot, name); a customer's segment slot 0 means no segment (the shop's prior then applies).
SEGMENTS = [(1, "عمده‌فروشی"), (2, "خرده‌فروشی"), (3, "سازمانی"), (4, "فروشگاه اینترنتی")]

# The customer mix, by a hash of the customer's number into 0..99 (cumulative upper bounds):
# kind, share %, gap (days), jitter (± days), purchases (min, max), segment slot of most of them.
# Irregular buyers get a gap of 20..120 days each and a jitter of half of it.
KINDS = [
    ("weekly", 14, 7, 2, (10, 52), 1),
    ("monthly", 30, 30, 5, (3, 24), 2),
    ("quarterly", 18, 91, 12, (2, 9), 3),
    ("irregular", 6, None, None, (2, 12), 4),
    ("one_time", 24, 0, 0, (1, 1), 4),
    ("never", 8, 0, 0, (0, 0), 2),
]
STOPPED_PERCENT = 15  # of the repeat buyers: their last purchase lies months back
# Days from the last purchase to the seed day, for those who stopped (by kind) and for one-time buyers.
STOPPED_BACK_SQL = {
    "weekly": "60 + mod(h_back, 240)",
    "monthly": "75 + mod(h_back, 240)",
    "quarterly": "280 + mod(h_back, 300)",
    "irregular": "3 * gap + mod(h_back, 200)",
}
ONE_TIME_BACK_DAYS = 240  # one-time buyers bought once over the last 240 days
DOUBLE_ONE_IN = 150  # about one visit in 150 has a second purchase on the same day
SEGMENT_NONE_PERCENT, SEGMENT_PRIMARY_PERCENT = 7, 60  # the rest spread over the four segments

FIRST_NAMES = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "مهدی", "لیلا"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "کاظمی", "نوری"]
COMPANIES = ["فروشگاه آفتاب", "پخش البرز", "بازرگانی پارس", "کالای نور", "هایپر سپهر"]
CITIES = ["تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "قم", "رشت"]

# The job's statements, by the piece of the job that sends them (matched in order, first hit wins).
PIECES = ["priors", "silence rule", "rhythm write", "clear (no purchase)", "win-back raise", "transaction"]
PIECE_PATTERNS = [
    ("transaction", re.compile(r"^(BEGIN|COMMIT)\b")),
    ("priors", re.compile(r'^(DELETE FROM|INSERT INTO) "customers_rhythmprior"')),
    ("silence rule", re.compile(r"\"customers_silenceruleadoption\"")),
    ("rhythm write", re.compile(r"\bINSERT INTO customers_purchaserhythm \(customer_id, gap_days")),
    ("priors", re.compile(r"^WITH days AS .* UNION ALL SELECT NULL, all_median", re.S)),
    ("clear (no purchase)", re.compile(r'^DELETE FROM "customers_purchaserhythm"')),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this scale's schema and seed again")
    parser.add_argument(
        "--customers",
        type=int,
        default=CUSTOMERS,
        help=f"customers to seed and measure, {PURCHASES_PER_CUSTOMER} purchases each (default {CUSTOMERS:,}; "
        "another scale gets a schema of its own, bench_silent_1m for 1,000,000)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help=f"add the growth step, the nightly job at {GROWTH_CUSTOMERS:,} customers "
        "(38 minutes measured on a loaded 2-core machine, plus a first seed of 10)",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed this scale's schema (when missing) and stop")
    parser.add_argument("--job-only", action="store_true", help=argparse.SUPPRESS)  # the growth step's process
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)  # where --job-only writes its figures
    add_figures_argument(parser)
    parser.add_argument("--runs", type=int, default=3, help="measured runs of the nightly job (default 3)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the job's statements that take 100 ms or more",
    )
    return parser.parse_args()


# --- seeding ------------------------------------------------------------------------------


def _pick(expression: str, seed: int, modulus: str | int) -> str:
    """SQL: a well-spread integer in 0 .. modulus - 1 from ``expression`` (deterministic, no random())."""
    return f"mod(mod(hashint8extended(({expression})::bigint, {seed}), {modulus}) + {modulus}, {modulus})"


def _profile_sql(customers: int) -> str:
    """Each customer's seeded rhythm: kind, stopped or not, gap, jitter, purchases, days since the last."""
    bounds, upper = [], 0
    for kind, share, *_rest in KINDS:
        upper += share
        bounds.append(f"WHEN b < {upper} THEN '{kind}'")
    if upper != 100:
        raise ValueError("KINDS shares must add up to 100")

    def per_kind(column: int, irregular: str) -> str:
        cases = " ".join(f"WHEN '{row[0]}' THEN {irregular if row[column] is None else row[column]}" for row in KINDS)
        return f"CASE kind {cases} END"

    counts = " ".join(
        f"WHEN '{kind}' THEN {low} + mod(h_n, {high - low + 1})" for kind, _s, _g, _j, (low, high), _p in KINDS
    )
    primary = " ".join(f"WHEN '{kind}' THEN {slot}" for kind, *_rest, slot in KINDS)
    stopped_back = " ".join(f"WHEN '{kind}' THEN {sql}" for kind, sql in STOPPED_BACK_SQL.items())
    repeat = ", ".join(f"'{kind}'" for kind in STOPPED_BACK_SQL)
    irregular_gap = f"20 + {_pick('g', 6, 101)}"
    return (
        f"CREATE TABLE {PROFILE_TABLE} AS "
        "SELECT g, kind, stopped, gap::int AS gap, jitter::int AS jitter, n::int AS n, "
        f"  (CASE WHEN n = 0 THEN NULL WHEN kind = 'one_time' THEN mod(h_back, {ONE_TIME_BACK_DAYS}) "
        f"       WHEN NOT stopped THEN mod(h_back, gap) ELSE CASE kind {stopped_back} END END)::int AS back, "
        f"  CASE WHEN sb < {SEGMENT_NONE_PERCENT} THEN 0 "
        f"       WHEN sb < {SEGMENT_NONE_PERCENT + SEGMENT_PRIMARY_PERCENT} THEN CASE kind {primary} END "
        f"       ELSE 1 + mod(sb, {len(SEGMENTS)}) END AS segment_slot, "
        "  NULL::bigint AS customer_id "
        "FROM (SELECT g, kind, h_back, sb, "
        f"  kind IN ({repeat}) AND s < {STOPPED_PERCENT} AS stopped, gap, "
        f"  {per_kind(3, 'gap / 2')} AS jitter, CASE kind {counts} END AS n "
        "  FROM (SELECT g, kind, s, h_n, h_back, sb, "
        f"    {per_kind(2, irregular_gap)} AS gap "
        "    FROM (SELECT g, "
        f"      CASE {' '.join(bounds)} END AS kind, {_pick('g', 2, 100)} AS s, "
        f"      {_pick('g', 3, 1000)} AS h_n, {_pick('g', 4, 100000)} AS h_back, {_pick('g', 5, 100)} AS sb "
        f"      FROM (SELECT g, {_pick('g', 1, 100)} AS b FROM generate_series(1, {customers}) AS g) AS hashed"
        "    ) AS kinds) AS gaps) AS profile"
    )


def _text_array(values: list[str]) -> str:
    """A SQL text[] literal of constants (this file's own word lists)."""
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]::text[]"


def scale_label(customers: int) -> str:
    """``100k``, ``1m``: the scale in a schema's name and the figures' paths."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if customers % size == 0:
            return f"{customers // size}{suffix}"
    return str(customers)


def schema_for(customers: int, base: str = SCHEMA) -> str:
    """The default scale keeps ``base`` (bench_silent); another has its own (bench_silent_1m), seeded once."""
    return base if customers == CUSTOMERS else f"{base}_{scale_label(customers)}"


@contextmanager
def indexes_built_after(*tables: str):
    """Drop ``tables``' indexes that back no constraint, and build them again afterwards.

    Ten million rows go in several times faster without secondary indexes to keep up (each index
    is then built in one sorted pass); the definitions come back exactly as migrate made them
    (``pg_indexes.indexdef``). Primary keys and constraint-backed indexes stay.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes AS i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint AS k WHERE k.conindid = "
            "  (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [list(tables)],
        )
        dropped = cursor.fetchall()
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with step(f"building {len(dropped)} indexes of {', '.join(tables)} again"):
            execute("SET maintenance_work_mem = '256MB'")  # one sorted pass per index; memory stays bounded
            for _name, definition in dropped:
                execute(definition)
            execute("RESET maintenance_work_mem")


def seed(day: datetime.date, customers: int = CUSTOMERS) -> float:
    """Seed ``customers`` customers and about ten purchases each, set-based in SQL (INSERT ... SELECT
    over generate_series: no row passes through Python); returns the seconds it took."""
    from customers.models import Segment

    purchases = customers * PURCHASES_PER_CUSTOMER

    started = time.perf_counter()
    execute("SET jit = off")  # generate_series' guessed row counts make JIT compile for seconds; reset at the end
    reps = ensure_reps(REP_PREFIX, REPS)
    rep_ids = [rep.pk for rep in reps]
    ensure_manager()
    segment_ids = [Segment.objects.get_or_create(name=name)[0].pk for _slot, name in SEGMENTS]

    with step(f"each customer's rhythm ({PROFILE_TABLE})"):
        execute(f"DROP TABLE IF EXISTS {PROFILE_TABLE}")
        execute(_profile_sql(customers))
    with indexes_built_after("customers_customer", "customers_purchase"):
        with step(f"inserting {customers:,} customers"):
            execute(
                "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
                "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
                "purchase_count, total_spent, last_contact_on, last_nps_score, last_nps_at, search_text) "
                "SELECT x.name, x.mobile, CASE WHEN mod(p.g, 3) = 0 THEN 'c' || p.g || '@example.com' ELSE '' END, "
                f"  x.company, ({_text_array(CITIES)})[1 + mod(p.g, {len(CITIES)})], "
                "  (%s::bigint[])[NULLIF(p.segment_slot, 0)], '', (%s::bigint[])[1 + mod(p.g, %s)], 'fa', false, %s, "
                "  now() - make_interval(days => (COALESCE(p.back + (p.n - 1) * p.gap, 0) + 30 + mod(p.g, 60))::int), "
                "  NULL, NULL, 0, 0, NULL, NULL, NULL, "
                "  lower(concat_ws(' ', x.name, x.company, x.mobile)) "
                f"FROM {PROFILE_TABLE} AS p, LATERAL (SELECT "
                f"  ({_text_array(FIRST_NAMES)})[1 + mod(p.g, {len(FIRST_NAMES)})] || ' ' "
                f"  || ({_text_array(LAST_NAMES)})[1 + mod(p.g / 7, {len(LAST_NAMES)})] || ' ' || p.g AS name, "
                "  '091' || lpad(p.g::text, 8, '0') AS mobile, "
                f"  CASE WHEN mod(p.g, 10) < 3 THEN ({_text_array(COMPANIES)})[1 + mod(p.g, {len(COMPANIES)})] "
                "    ELSE '' END AS company) AS x ORDER BY p.g",
                [segment_ids, rep_ids, len(rep_ids), SOURCE],
            )
            execute(
                f"UPDATE {PROFILE_TABLE} AS p SET customer_id = c.id FROM customers_customer AS c "
                "WHERE c.mobile = '091' || lpad(p.g::text, 8, '0')"
            )
        visit = "p.g * 1000 + k"
        jitter = f"CASE WHEN k = 0 THEN 0 ELSE {_pick(visit, 11, '(2 * p.jitter + 1)')}::int - p.jitter END"
        scale = "CASE p.kind WHEN 'weekly' THEN 2 WHEN 'monthly' THEN 5 WHEN 'quarterly' THEN 15 ELSE 6 END"
        with step(f"inserting {purchases:,} purchases (the oldest visits beyond that cut)"):
            inserted = execute(
                "INSERT INTO customers_purchase (customer_id, purchased_on, amount, reference, note, created_at) "
                "SELECT customer_id, purchased_on, amount, reference, '', now() FROM ("
                "  SELECT p.customer_id, k, copy, "
                f"    %s::date - p.back - k * p.gap + {jitter} AS purchased_on, "
                f"    (5 + {_pick(visit, 12, 96)}) * 100000 * {scale} AS amount, "
                "    'INV-' || p.g || '-' || k || CASE WHEN copy = 2 THEN '-2' ELSE '' END AS reference "
                f"  FROM {PROFILE_TABLE} AS p "
                "  CROSS JOIN LATERAL generate_series(0, p.n - 1) AS k "
                f"  CROSS JOIN LATERAL generate_series(1, CASE WHEN {_pick(visit, 13, DOUBLE_ONE_IN)} = 0 "
                "    THEN 2 ELSE 1 END) AS copy "
                "  WHERE p.n > 0"
                ") AS visits ORDER BY k, customer_id, copy LIMIT %s",
                [day, purchases],
            )
        print(f"    {inserted:,} purchases")
        with step("customers' purchase figures"):
            seed_purchase_figures()
    with step("VACUUM ANALYZE"):
        vacuum_analyze(
            "customers_customer",
            "customers_purchase",
            "customers_segment",
            "customers_rhythmprior",
            "customers_purchaserhythm",
            "followups_followup",
            "auth_user",
            PROFILE_TABLE,
        )
    execute("RESET jit")
    seconds = time.perf_counter() - started
    marker_set(MARKER_NAME, day, seconds)
    print(f"  seeded {customers:,} customers and {inserted:,} purchases in {seconds:.1f} s")
    return seconds


def ensure_manager():
    """``bench_manager`` in the "manager" group: the at-risk page shows them every customer."""
    return _common.ensure_manager(MANAGER_USERNAME)


def reset_state() -> None:
    """Back to "the rhythm was never computed": no rhythm rows, no win-back calls (and so no next
    call: this data set has no plans and no other calls), no priors.

    VACUUM (without ANALYZE: the planner keeps the statistics it had) so the dead rows the reset
    leaves do not pile up from one run to the next.
    """
    execute("DELETE FROM customers_purchaserhythm")
    execute("DELETE FROM followups_followup WHERE reason = 'win_back'")
    execute("UPDATE customers_customer SET next_call_on = NULL WHERE next_call_on IS NOT NULL")
    execute("DELETE FROM customers_rhythmprior")
    for table in ("customers_purchaserhythm", "customers_customer", "followups_followup", "customers_rhythmprior"):
        execute(f"VACUUM {table}")


def run_job(day: datetime.date) -> tuple[float, int]:
    """The nightly job as the task calls it; its seconds (transaction and commit included) and its return."""
    from customers.services import customers_refresh_rhythm

    started = time.perf_counter()
    changed = customers_refresh_rhythm(as_of=day)
    return time.perf_counter() - started, changed


def run_pieces(day: datetime.date) -> dict[str, float]:
    """The job's work, piece by piece: what ``customers_refresh_rhythm`` (customer_ids=None) does,
    in its order and in one transaction, and ``followups.receivers.raise_win_backs``' call."""
    from django.db import transaction

    from customers import services
    from customers.models import Customer
    from customers.selectors import silence_rule_in_force
    from followups import win_backs

    seconds: dict[str, float] = {}

    def timed(piece: str, call):
        started = time.perf_counter()
        result = call()
        seconds[piece] = seconds.get(piece, 0.0) + time.perf_counter() - started
        return result

    started = time.perf_counter()
    with transaction.atomic():
        timed("priors", lambda: services._store_rhythm_priors(day))
        rule, _adoption = timed("silence rule", silence_rule_in_force)
        timed("rhythm write", lambda: services._update_rhythm(day, rule, customer_filter=""))
        timed("clear (no purchase)", lambda: services._clear_rhythm(Customer.objects.all()))
        timed("win-back raise", lambda: win_backs.win_backs_raise(as_of=day))
        committing = time.perf_counter()
    seconds["transaction"] = time.perf_counter() - committing
    seconds["whole"] = time.perf_counter() - started
    return seconds


def capture(call) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return list(queries.captured_queries)


_DECLARE = re.compile(r'^DECLARE\s+"?[\w]+"?\s+.*?CURSOR\s+(WITH(OUT)?\s+HOLD\s+)?FOR\s+', re.I | re.S)


def replayable(statement: str) -> str:
    """A server-side cursor's statement (``.iterator()``) is captured as its DECLARE: replay the query
    itself, every row fetched (the job fetches them all, 2,000 at a time)."""
    return _DECLARE.sub("", statement, count=1)


def piece_of(statement: str, previous: str | None) -> str:
    for piece, pattern in PIECE_PATTERNS:
        if pattern.search(statement):
            return piece
    # What follows the clearing UPDATE is the win-back raise (its SELECT, counts and INSERTs).
    if previous in ("clear (no purchase)", "win-back raise"):
        return "win-back raise"
    return previous or "priors"


def pieces_of(statements: list[str]) -> list[str]:
    labels, previous = [], None
    for statement in statements:
        previous = piece_of(statement, previous)
        labels.append(previous)
    return labels


def job_statements(captured: list[dict]) -> tuple[list[str], list[str], list[float | None]]:
    """The job's statements in one transaction, as it sent them: (replayable SQL, SQL as captured,
    Django's seconds). Django logs its BEGIN and COMMIT too; they are added (untimed) when missing."""
    texts = [query["sql"] for query in captured]
    times: list[float | None] = [float(query["time"]) for query in captured]
    if not texts or texts[0] != "BEGIN":
        texts, times = ["BEGIN", *texts, "COMMIT"], [None, *times, None]
    return [replayable(text) for text in texts], texts, times


def state_figures() -> dict[str, int]:
    return {
        "silent": scalar("SELECT count(*) FROM customers_purchaserhythm WHERE silent_since IS NOT NULL"),
        "win_backs": scalar("SELECT count(*) FROM followups_followup WHERE reason = 'win_back'"),
        "with_rhythm": scalar("SELECT count(*) FROM customers_purchaserhythm"),
        "priors": scalar("SELECT count(*) FROM customers_rhythmprior"),
    }


def rows_written(call) -> tuple[object, dict[str, tuple[int, int, int]]]:
    """``call()`` inside an outer transaction, and the rows it inserted, updated and deleted per table
    (``pg_stat_xact_user_tables``, read before the commit)."""
    from django.db import connection, transaction

    with transaction.atomic():
        result = call()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
                "WHERE schemaname = current_schema() AND (n_tup_ins + n_tup_upd + n_tup_del) > 0 ORDER BY relname"
            )
            written = {name: (ins, upd, dele) for name, ins, upd, dele in cursor.fetchall()}
    return result, written


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _ratio(whole: float, bare: float) -> str:
    return f"{whole / bare:.1f}×" if bare > 0 else "n/a"


def measure_job(day: datetime.date, args, conn, *, split: bool = True) -> dict:
    """The nightly job over ``args.runs`` runs, each beside its bare SQL after the same reset; with
    ``split``, also its pieces and a second run. Returns the medians (seconds) for the figures."""
    from django.conf import settings

    print()
    print(f"=== the nightly job: customers_refresh_rhythm(as_of={day}) ===")
    rule = f"k = {settings.PEYGIR_SILENT_K}, floor {settings.PEYGIR_SILENT_FLOOR_DAYS} days"
    print(f"silence rule in force: the settings' ({rule}) unless a manager adopted another")
    first: list[tuple[float, int]] = []
    measured = "the one measured" if not args.runs else "also warms the caches"
    with step(f"reset, then one run with its SQL captured ({measured})"):
        reset_state()
        captured = capture(lambda: first.append(run_job(day)))
        if args.runs:
            # statistics as the next night finds them
            vacuum_analyze("customers_purchaserhythm", "customers_customer", "followups_followup")
    statements, texts, django_times = job_statements(captured)
    labels = pieces_of(statements)
    figures = state_figures()
    buyers = scalar("SELECT count(*) FROM customers_customer WHERE purchase_count > 0")
    print(
        f"  {len(captured)} SQL statements; {figures['with_rhythm']:,} customers got a rhythm, "
        f"{figures['silent']:,} flagged silent ({figures['silent'] / buyers:.1%} of the {buyers:,} buyers), "
        f"{figures['win_backs']:,} win-back calls raised, {figures['priors']} priors stored"
    )
    _print_priors()
    _print_composition()

    jobs, bares, bare_each, pieces, returned = [], [], [[] for _ in statements], [], set()
    if not args.runs:  # a long growth step: the captured run is the job's figure, its SQL replayed after a reset
        print(f"  the job, captured: {_s(first[0][0])}; now its SQL bare, after the same reset")
        reset_state()
        total, each = replay(conn, statements)
        jobs, bares, returned = [first[0][0]], [total], {first[0][1]}
        for index, value in enumerate(each):
            bare_each[index].append(value)
    print()
    print(f"{args.runs} measured runs; before each of the job, its bare SQL and its pieces: the same reset")
    for number in range(1, args.runs + 1):
        reset_state()
        total, each = replay(conn, statements)
        bares.append(total)
        for index, value in enumerate(each):
            bare_each[index].append(value)
        if split:
            reset_state()
            pieces.append(run_pieces(day))
        reset_state()
        seconds, changed = run_job(day)
        jobs.append(seconds)
        returned.add(changed)
        split_text = f"; pieces {_s(pieces[-1]['whole'])}" if split else ""
        print(f"  run {number}: job {_s(seconds)} (returned {changed:,} changed); bare SQL {_s(total)}{split_text}")
    after = state_figures()

    job_median, bare_median = statistics.median(jobs), statistics.median(bares)
    print()
    print(
        f"nightly job: min {_s(min(jobs))}, median {_s(job_median)}, max {_s(max(jobs))} (n={len(jobs)}); "
        f"returned {', '.join(f'{value:,}' for value in sorted(returned))} customers changed"
    )
    print(f"  flagged silent: {after['silent']:,}; win-back calls raised: {after['win_backs']:,}")
    print(f"  bare SQL replay: min {_s(min(bares))}, median {_s(bare_median)}, max {_s(max(bares))}")
    print(
        f"  job {_s(job_median)} median; its {len(statements)} SQL statements (BEGIN, COMMIT included) alone "
        f"{_s(bare_median)}; "
        f"ratio {_ratio(job_median, bare_median)} (goal: at most 2×)"
    )

    result = {"job": job_median, "bare": bare_median, "statements": len(statements), "silent": after["silent"]}
    if not split:
        medians = [statistics.median(values) for values in bare_each]
        ranked = sorted(zip(medians, texts, strict=True), reverse=True)
        print("  its slowest statements, replayed bare:")
        for value, text in ranked[:5]:
            print(f"  {value * 1000:9.0f} ms  {' '.join(text.split())[:110]}")
        return result

    # Per piece: the private functions' time (median over the runs) beside its statements' replay.
    per_statement = [statistics.median(values) for values in bare_each]
    bare_by_piece = dict.fromkeys(PIECES, 0.0)
    count_by_piece = dict.fromkeys(PIECES, 0)
    for label, value in zip(labels, per_statement, strict=True):
        bare_by_piece[label] += value
        count_by_piece[label] += 1
    print()
    print("split (pieces: the job's own functions called in turn, median of the runs | their SQL replayed bare):")
    print(f"  {'piece':<22}{'job':>11}{'bare SQL':>11}{'ratio':>8}{'statements':>12}")
    for piece in PIECES:
        django = statistics.median(run[piece] for run in pieces)
        print(
            f"  {piece:<22}{_s(django):>11}{_s(bare_by_piece[piece]):>11}"
            f"{_ratio(django, bare_by_piece[piece]):>8}{count_by_piece[piece]:>12}"
        )
    whole = statistics.median(run["whole"] for run in pieces)
    print(
        f"  {'all pieces':<22}{_s(whole):>11}{_s(sum(per_statement)):>11}{_ratio(whole, sum(per_statement)):>8}"
        f"{len(statements):>12}   (the job as a whole: {_s(job_median)})"
    )

    print()
    print(
        "statements by bare replay time (median), slowest first; Django's time in the captured run (1 ms resolution):"
    )
    ranked = sorted(
        zip(per_statement, texts, django_times, labels, strict=True), key=lambda item: item[0], reverse=True
    )
    for value, text, django, label in ranked[:8]:
        django_text = f"{django * 1000:7.0f} ms" if django is not None else "      - ms"
        print(f"  {value * 1000:9.1f} ms | {django_text}  [{label}] {' '.join(text.split())[:90]}")
    rest = ranked[8:]
    if rest:
        print(f"  {sum(item[0] for item in rest) * 1000:9.1f} ms   the other {len(rest)} statements together")

    if args.explain:
        explain_job(conn, statements, per_statement)

    measure_second_run(day, args, conn)
    return result


def _print_priors() -> None:
    from customers.models import RhythmPrior

    parts = []
    for prior in RhythmPrior.objects.select_related("segment").order_by("segment__name"):
        if prior.segment is None:
            parts.append(
                f"shop: median gap {prior.prior_gap:g} d, {prior.first_return_days} d for 80% to come back "
                f"(median first return {prior.first_return_median:g} d)"
            )
        else:
            parts.append(f"{prior.segment.name} {prior.prior_gap:g} d")
    print("  priors: " + "; ".join(parts))


def _print_composition() -> None:
    """Who was seeded and who came out silent, by seeded rhythm (the profile table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.kind, p.stopped, count(*), count(r.silent_since), sum(c.purchase_count), "
            "  round(avg(r.gap_days)), count(*) FILTER (WHERE c.segment_id IS NULL) "
            f"FROM {PROFILE_TABLE} AS p JOIN customers_customer AS c ON c.id = p.customer_id "
            "LEFT JOIN customers_purchaserhythm AS r ON r.customer_id = c.id "
            "GROUP BY p.kind, p.stopped ORDER BY min(p.g)"
        )
        rows = cursor.fetchall()
    order = {kind: index for index, (kind, *_rest) in enumerate(KINDS)}
    print("  by seeded rhythm:        customers    silent   purchases   avg gap  no segment")
    for kind, stopped, customers, silent, purchases, gap, unsegmented in sorted(
        rows, key=lambda row: (order[row[0]], row[1])
    ):
        label = f"{kind}{' (stopped)' if stopped else ''}"
        gap_text = f"{gap:.0f} d" if gap is not None else "-"
        print(f"    {label:<22}{customers:>10,}{silent:>10,}{purchases or 0:>12,}{gap_text:>10}{unsegmented:>12,}")
    doubles = scalar(
        "SELECT count(*) FROM (SELECT 1 FROM customers_purchase GROUP BY customer_id, purchased_on "
        "HAVING count(*) > 1) AS d"
    )
    print(f"  same-day double purchases (customer and day with 2 purchases): {doubles:,}")


def explain_job(conn, statements: list[str], per_statement: list[float], slow_ms: float = 100) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the slow statements, in one transaction rolled back after a reset:
    every statement runs in its order (the slow ones under EXPLAIN ANALYZE, which executes them), so
    each sees the state the job's earlier statements left."""
    print()
    print(f"EXPLAIN (ANALYZE, BUFFERS) of the statements of {slow_ms:.0f} ms or more (in order; rolled back):")
    reset_state()
    with conn.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            for statement, seconds in zip(statements, per_statement, strict=True):
                if statement in ("BEGIN", "COMMIT"):
                    continue
                if seconds * 1000 < slow_ms:
                    cursor.execute(statement)
                    if cursor.description is not None:
                        cursor.fetchall()
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print()
                print(f"  --- {seconds * 1000:.0f} ms replayed: {' '.join(statement.split())[:110]}")
                print("    " + plan.replace("\n", "\n    "))
        finally:
            cursor.execute("ROLLBACK")


def measure_second_run(day: datetime.date, args, conn) -> None:
    print()
    print("=== a second run right after (nothing changed since: it should write nothing) ===")
    statements, _texts, _times = job_statements(capture(lambda: run_job(day)))
    (_seconds, changed), written = rows_written(lambda: run_job(day))
    before = state_figures()
    seconds, bare = [], []
    for _ in range(args.runs):
        took, changed_again = run_job(day)
        seconds.append(took)
        bare.append(replay(conn, statements)[0])
        changed = max(changed, changed_again)
    after = state_figures()
    print(
        f"  second run: min {_s(min(seconds))}, median {_s(statistics.median(seconds))} (n={len(seconds)}); "
        f"returned {changed:,} customers changed; win-back calls {before['win_backs']:,} -> {after['win_backs']:,}"
    )
    written_text = "; ".join(
        f"{name}: {ins:,} inserted, {upd:,} updated, {dele:,} deleted" for name, (ins, upd, dele) in written.items()
    )
    print(f"  rows written by one second run (pg_stat_xact_user_tables): {written_text or 'none'}")
    print(
        f"  job {_s(statistics.median(seconds))} median; its {len(statements)} SQL statements alone "
        f"{_s(statistics.median(bare))}; ratio {_ratio(statistics.median(seconds), statistics.median(bare))}"
    )


# --- the at-risk page ------------------------------------------------------------------------


def measure_page(user, label: str, args, conn) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    url = "/customers/at-risk/"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} as {user.username} answered {response.status_code}")
        return response

    for _ in range(args.warmups):
        get()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    captured = list(queries.captured_queries)
    statements = [replayable(query["sql"]) for query in captured if is_read_only(replayable(query["sql"]))]
    seconds, bare, each = [], [], [[] for _ in statements]
    for _ in range(args.requests):
        started = time.perf_counter()
        response = get()
        seconds.append(time.perf_counter() - started)
        total, per_statement = replay(conn, statements)
        bare.append(total)
        for index, value in enumerate(per_statement):
            each[index].append(value)
    html = response.content.decode()
    badge = re.search(r'data-testid="at-risk-count">([^<]*)<', html)
    print()
    print(
        f"GET {url} as {label}: {args.warmups} warm-ups, then {args.requests} measured, each followed by its SQL bare"
    )
    print(f"  page time: {summary_ms(seconds)}")
    print(f"  bare SQL replay: {summary_ms(bare)}")
    print("  " + ratio_line("page", seconds, len(statements), bare))
    if len(statements) < len(captured):
        print(f"  ({len(captured) - len(statements)} statements that write were not replayed)")
    print(
        f"  rows shown ({ROW_MARKER}): {html.count(ROW_MARKER)}; silent customers counted on the page: "
        f"{badge.group(1).strip() if badge else '?'}; HTML {len(response.content) / 1024:,.0f} KiB; "
        f"SQL queries: {len(captured)}"
    )
    print("  statements (Django's time in the captured request, 1 ms resolution | bare replay median):")
    replayed = iter(each)
    for query in captured:
        text = " ".join(query["sql"].split())
        value = (
            f"{statistics.median(next(replayed)) * 1000:7.2f} ms"
            if is_read_only(replayable(query["sql"]))
            else "  (not replayed)"
        )
        print(f"    {float(query['time']) * 1000:4.0f} ms | {value}  {text[:100]}")
    return {"label": label, "seconds": seconds, "bare": bare, "queries": len(captured), "rows": html.count(ROW_MARKER)}


def measure_pages(args, conn) -> list[dict]:
    from django.contrib.auth import get_user_model

    from customers.models import Customer

    print()
    print("=== the at-risk page (/customers/at-risk/), after the job ===")
    manager = ensure_manager()
    rep = get_user_model().objects.get(username=f"{REP_PREFIX}01")
    own, silent = Customer.objects.filter(owner=rep), Customer.objects.filter(rhythm__silent_since__isnull=False)
    print(
        f"{rep.username} owns {own.count():,} customers, {silent.filter(owner=rep).count():,} silent; "
        f"the manager sees all {silent.count():,} silent customers"
    )
    results = [
        measure_page(manager, f"the manager ({manager.username})", args, conn),
        measure_page(rep, f"a rep ({rep.username})", args, conn),
    ]
    print()
    print(f"  {'':<34}{'median':>10}{'p95':>10}{'bare SQL':>10}{'ratio':>8}{'rows':>6}{'queries':>9}")
    for result in results:
        median = statistics.median(result["seconds"]) * 1000
        bare = statistics.median(result["bare"]) * 1000
        print(
            f"  {result['label']:<34}{median:>7.1f} ms{percentile(result['seconds'], 0.95) * 1000:>7.1f} ms"
            f"{bare:>7.1f} ms{median / bare:>7.1f}×{result['rows']:>6}{result['queries']:>9}"
        )
    return results


def measure_backtest(day: datetime.date, args, conn) -> None:
    """The backtest page's work: every rule of the grid scored over the purchases as of a past day."""
    from customers.backtest import DEFAULT_WINDOW_DAYS, silence_backtest
    from customers.selectors import silence_rule_in_force

    as_of = day - datetime.timedelta(days=DEFAULT_WINDOW_DAYS + 20)
    rule, _adoption = silence_rule_in_force()
    print()
    print(f"=== the backtest: silence_backtest(as_of={as_of}, window {DEFAULT_WINDOW_DAYS} days), {args.runs} runs ===")
    statements = [replayable(query["sql"]) for query in capture(lambda: silence_backtest(as_of=as_of, in_force=rule))]
    timings, bare = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = silence_backtest(as_of=as_of, in_force=rule)
        timings.append(time.perf_counter() - started)
        bare.append(replay(conn, statements)[0])
    print(f"  {len(result.results)} rules scored on {result.best.everyone.customers:,} customers who had bought")
    print(
        f"  backtest: median {_s(statistics.median(timings))}; its {len(statements)} SQL statements alone "
        f"{_s(statistics.median(bare))}; ratio {_ratio(statistics.median(timings), statistics.median(bare))}"
    )


def prepare(customers: int, *, reseed: bool) -> datetime.date:
    """Django on this scale's schema, seeded once (again when an older version of this script seeded
    it); the day the data was seeded for."""
    from django.utils import timezone

    schema = schema_for(customers)
    start(f"silent_customers at {customers:,} customers", schema, reseed=reseed)
    seeded_on = marker_get(MARKER_NAME)
    if seeded_on is None and scalar("SELECT count(*) FROM customers_customer"):
        older = [name for name in marker_names(MARKER) if name != MARKER_NAME]
        if not older:
            raise SystemExit(f"schema {schema} holds a partial seed: run again with --reseed")
        print(f"schema {schema} was seeded by another version of this script ({', '.join(older)}): seeding again")
        reset_schema(schema)
    if seeded_on is None:
        day = timezone.localdate()
        print(f"seeding {customers:,} customers for day {day} ...")
        seed(day, customers)
    else:
        day = seeded_on
        print(f"reusing seeded data (seeded for {day}; --reseed to rebuild)")
    print(
        f"database: {scalar('SELECT count(*) FROM customers_customer'):,} customers, "
        f"{scalar('SELECT count(*) FROM customers_purchase'):,} purchases, "
        f"{scalar('SELECT count(*) FROM customers_segment'):,} segments; "
        f"work_mem {scalar('SHOW work_mem')}, shared_buffers {scalar('SHOW shared_buffers')}"
    )
    if day != timezone.localdate():
        print(f"note: data was seeded for {day}; the job runs as of that day (the page counts from today)")
    return day


def growth_step(customers: int, *, script: str = __file__, job: str = "the nightly job") -> dict | None:
    """``job`` at ``customers`` in a process of its own (``script --job-only``: Django set up on that
    scale's schema), one run beside its bare SQL; its figures, or None when it failed. The dashboards'
    snapshot job goes through here too."""
    with tempfile.TemporaryDirectory() as scratch:
        result = Path(scratch) / "growth.json"
        command = [sys.executable, "-u", script, "--customers", str(customers), "--job-only", "--result", str(result)]
        print()
        print(f"=== growth: {job} at {customers:,} customers ({' '.join(command[2:-2])}) ===", flush=True)
        if subprocess.run(command, check=False).returncode != 0 or not result.exists():
            print(f"the growth step at {customers:,} customers failed: no figures for it")
            return None
        return json.loads(result.read_text())


def per_customer_us(seconds: float, customers: int) -> float:
    return seconds / customers * 1e6


def print_growth(steps: list[dict], job: str = "the nightly job") -> None:
    """How ``job``'s time grew from one scale to the next (also the dashboards' snapshot job's)."""
    print()
    print(f"growth of {job} (same code, same rule; one data set per scale):")
    print(
        f"  {'customers':>10}{'purchases':>12}{'job':>10}{'bare SQL':>10}{'ratio':>8}"
        f"{'job/customer':>14}{'SQL/customer':>14}"
    )
    for one in steps:
        print(
            f"  {one['customers']:>10,}{one['purchases']:>12,}{_s(one['job']):>10}{_s(one['bare']):>10}"
            f"{_ratio(one['job'], one['bare']):>8}{per_customer_us(one['job'], one['customers']):>11.1f} µs"
            f"{per_customer_us(one['bare'], one['customers']):>11.1f} µs"
        )
    first, last = steps[0], steps[-1]
    data = last["customers"] / first["customers"]
    print(
        f"  ×{data:g} the customers: the job took ×{last['job'] / first['job']:.1f}, "
        f"its SQL ×{last['bare'] / first['bare']:.1f} "
        f"(per customer ×{last['job'] / first['job'] / data:.2f} and ×{last['bare'] / first['bare'] / data:.2f}; "
        f"above ×{GROWTH_TOLERANCE:g} per customer is growing faster than the data)"
    )


def job_figure(one: dict, baseline: dict | None = None, *, job: str = "silent-customer nightly job") -> Figure:
    """``job`` at one scale; at a larger one, also whether it grew no faster than its data (the
    dashboards' snapshot job's rows too)."""
    growth_met = baseline is None or per_customer_us(one["job"], one["customers"]) <= (
        GROWTH_TOLERANCE * per_customer_us(baseline["job"], baseline["customers"])
    )
    return Figure(
        path=f"{job}, {scale_label(one['customers'])} customers, {scale_label(one['purchases'])} purchases",
        value=one["job"],
        unit="s",
        limit=one["bare"],
        limit_label="its SQL replayed",
        goal=f"≤ 2× its SQL; grows no faster than its data (per customer ≤ {GROWTH_TOLERANCE:g}× the 100k run's)",
        met=one["job"] <= 2 * one["bare"] and growth_met,
    )


def main() -> None:
    args = parse_args()
    customers = args.customers
    day = prepare(customers, reseed=args.reseed)
    if args.seed_only:
        return
    conn = bare_connection(schema_for(customers))
    try:
        if args.job_only:
            args.runs = 0 if customers > CUSTOMERS else args.runs  # at 1M: the captured run is the measured one
            result = measure_job(day, args, conn, split=False)
            result.update(customers=customers, purchases=scalar("SELECT count(*) FROM customers_purchase"))
            if args.result:
                args.result.write_text(json.dumps(result))
            return
        collect_static()
        job = measure_job(day, args, conn)
        job.update(customers=customers, purchases=scalar("SELECT count(*) FROM customers_purchase"))
        measure_backtest(day, args, conn)
        pages = measure_pages(args, conn)
    finally:
        conn.close()

    manager = pages[0]
    page_ms, page_sql_ms = (statistics.median(manager[key]) * 1000 for key in ("seconds", "bare"))
    figures = [
        job_figure(job),
        Figure(
            path=f"at-risk page, a manager ({job['silent']:,} silent customers, {manager['rows']} shown)",
            value=page_ms,
            unit="ms",
            limit=page_sql_ms,
            limit_label="its SQL replayed",
            goal="≤ 3× its SQL",
            met=page_ms <= 3 * page_sql_ms,
        ),
    ]
    if customers == CUSTOMERS and args.growth:
        grown = growth_step(GROWTH_CUSTOMERS)
        if grown is not None:
            print_growth([job, grown])
            figures.insert(1, job_figure(grown, baseline=job))
    write_figures(args.figures, figures)


if __name__ == "__main__":
    main()
