"""Benchmark: the customer list (/customers/) at 100,000 customers, every sort and search, and the CSV
export of one rep's 23,570 customers (PostgreSQL).

    .venv/bin/python bench/customer_list.py [--reseed] [--requests N] [--warmups N] [--show-plans]

Seeds (once; reused afterwards unless --reseed) 20 reps in the "rep" group and one manager, six
segments and 100,000 customers with Persian names, unique mobiles, shop customer IDs, emails,
companies, cities, owners spread over the reps (bench_cl_rep01 holds exactly 23,570 of them) and
purchase, contact and next-call figures.

As the manager (all customers) and as bench_cl_rep01 (django.test.Client + force_login;
DEBUG=False) it GETs /customers/ with every sort the page offers and with four searches (a name
prefix, a phone fragment, a shop customer ID, a fragment from the middle of a Persian name): the
median of N requests, each followed by the SQL that request sent replayed bare on a psycopg
connection, and EXPLAIN ANALYZE of the list's main query and its count. Then the rep's CSV export:
the time to the last byte of the response, its SQL statements (one reads the rows), beside that
SELECT fetched bare by psycopg and sent as COPY ... TO STDOUT.

Tables live in schema "bench_customers" of the benchmark database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/peygir_bench). Prints figures; never asserts on timings.
"""

import argparse
import datetime
import random
import re
import statistics
import time
from decimal import Decimal
from urllib.parse import urlencode

from _common import (
    Figure,
    add_figures_argument,
    bare_connection,
    collect_static,
    ensure_manager,
    ensure_reps,
    is_read_only,
    marker_get,
    marker_set,
    ratio_line,
    replay,
    scalar,
    start,
    step,
    summary_ms,
    vacuum_analyze,
    write_figures,
)

SCHEMA = "bench_customers"
MARKER = "customer_list:v1"
REP_PREFIX = "bench_cl_rep"
MANAGER = "bench_cl_manager"
REPS = 20
CUSTOMERS = 100_000
EXPORT_CUSTOMERS = 23_570  # bench_cl_rep01's book: the export issue 14 measured
LIST_GOAL_MS = 50.0
LAYOUT_URL = "/customers/new/"
EXPORT_GOAL_S = 0.5

FIRST_NAMES = [
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "محمدرضا", "حمید", "سعید", "مجید", "کاظم", "جواد", "بهرام",
    "پرویز", "داریوش", "کوروش", "فرهاد", "بابک", "سیاوش", "مریم", "زهرا", "فاطمه", "سارا", "نرگس", "لیلا",
    "الهام", "مهسا", "نیلوفر", "شیرین", "پریسا", "آزاده", "سمیرا", "رویا", "فرشته", "مینا", "ژاله", "هانیه",
]  # fmt: skip
LAST_NAMES = [
    "احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "کاظمی", "نوری", "قاسمی",
    "حیدری", "مرادی", "اکبری", "عباسی", "طاهری", "شریفی", "یزدانی", "کرمانی", "تهرانی", "شیرازی", "اصفهانی",
    "فرهادی", "بهرامی", "نجفی", "سلیمانی", "ملکی", "امینی", "زارعی", "خسروی", "پورمحمدی", "میرزایی", "دلاوری",
]  # fmt: skip
COMPANIES = ["فروشگاه آفتاب", "پخش البرز", "بازرگانی پارس", "کالای نور", "هایپر سپهر", "صنایع غذایی مهر"]
CITIES = ["تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "قم", "رشت", "اهواز", "کرمان", "یزد", "ارومیه"]
SEGMENTS = ["عمده‌فروش", "خرده‌فروش", "ویژه", "سازمانی", "آنلاین", "نمایندگی"]
LATIN = ["ali", "maryam", "reza", "sara", "hossein", "zahra", "amir", "leila", "mehdi", "narges"]

# The searches a person types: (label, text). Filled in from the seed (a real customer's mobile and ID).
SEARCH_LABELS = ["name prefix", "phone fragment", "customer ID", "name fragment in the middle"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this benchmark's schema and seed again")
    parser.add_argument("--requests", type=int, default=15, help="measured requests per URL (default 15)")
    parser.add_argument("--warmups", type=int, default=2, help="unmeasured requests first (default 2)")
    parser.add_argument("--export-requests", type=int, default=5, help="measured exports (default 5)")
    parser.add_argument("--show-plans", action="store_true", help="print the full EXPLAIN ANALYZE plans")
    add_figures_argument(parser)
    return parser.parse_args()


# --- seeding ------------------------------------------------------------------------------


def _owner_of(number: int, rep_ids: list[int]) -> int:
    """Customers 1..23,570 belong to rep 1; the rest go round the other 19."""
    if number <= EXPORT_CUSTOMERS:
        return rep_ids[0]
    return rep_ids[1 + number % (len(rep_ids) - 1)]


def seed(day: datetime.date) -> None:
    from django.db import connection
    from django.utils import timezone

    from customers.models import Segment, customer_search_text

    started = time.perf_counter()
    reps = ensure_reps(REP_PREFIX, REPS)
    ensure_manager(MANAGER)
    rep_ids = [rep.pk for rep in reps]
    segment_ids = [Segment.objects.get_or_create(name=name)[0].pk for name in SEGMENTS]
    randomness = random.Random(14)
    now = timezone.now()
    columns = (
        "name, mobile, reference, email, company, city, segment_id, notes, owner_id, preferred_language, "
        "email_opt_out, source, created_at, first_purchase_on, last_purchase_on, purchase_count, total_spent, "
        "last_contact_on, next_call_on, search_text"
    )
    with (
        step(f"inserting {CUSTOMERS:,} customers (COPY)"),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY customers_customer ({columns}) FROM STDIN") as copy,
    ):
        for number in range(1, CUSTOMERS + 1):
            name = f"{randomness.choice(FIRST_NAMES)} {randomness.choice(LAST_NAMES)}"
            mobile = f"09{randomness.choice('0123459')}{number * 7919 % 100_000_000:08d}"
            reference = f"SH-{100_000 + number}" if number % 5 else ""
            email = f"{randomness.choice(LATIN)}.{number}@example.ir" if number % 5 < 2 else ""
            company = randomness.choice(COMPANIES) if number % 4 == 0 else ""
            created = now - datetime.timedelta(days=randomness.randrange(1, 1500), minutes=number % 600)
            bought = number % 5 != 4
            count = randomness.randrange(1, 40) if bought else 0
            first = day - datetime.timedelta(days=randomness.randrange(30, 1500)) if bought else None
            last = first + datetime.timedelta(days=randomness.randrange(0, (day - first).days)) if bought else None
            spent = Decimal(count * randomness.randrange(1, 300) * 1_000_000)
            contact = day - datetime.timedelta(days=randomness.randrange(0, 400)) if number % 10 < 7 else None
            call = day + datetime.timedelta(days=randomness.randrange(-30, 180)) if number % 2 else None
            copy.write_row(
                (
                    name,
                    mobile,
                    reference,
                    email,
                    company,
                    randomness.choice(CITIES) if number % 7 else "",
                    segment_ids[number % len(segment_ids)] if number % 8 else None,
                    "",
                    _owner_of(number, rep_ids),
                    "fa" if number % 9 else "en",
                    False,
                    "import",
                    created,
                    first,
                    last,
                    count,
                    spent,
                    contact,
                    call,
                    customer_search_text(name, company, mobile, email, reference),
                )
            )
    with step("VACUUM ANALYZE"):
        vacuum_analyze("customers_customer")
    marker_set(MARKER, day, time.perf_counter() - started)


# --- measuring -----------------------------------------------------------------------------


class Measured:
    """One request timed N times, each followed by the bare replay of its read statements."""

    def __init__(self, label, captured, seconds, bare):
        self.label, self.captured, self.seconds, self.bare = label, captured, seconds, bare

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def bare_ms(self) -> float:
        return statistics.median(self.bare) * 1000

    def main_query(self) -> str | None:
        """The statement that finds the page's customers (``selectors.customer_page``: their ids, in order)."""
        for query in self.captured:
            if query["sql"].startswith('SELECT "customers_customer"."id" AS "pk"') and " LIMIT " in query["sql"]:
                return query["sql"]
        return None

    def count_query(self) -> str | None:
        for query in self.captured:
            if 'FROM "customers_customer"' in query["sql"] and "COUNT(" in query["sql"]:
                return query["sql"]
        return None


def _timed_with_replay(label: str, send, runs: int, conn) -> Measured:
    """Capture ``send()``'s statements once, then alternate ``send()`` and their bare replay."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        send()
    captured = list(queries.captured_queries)
    statements = [query["sql"] for query in captured if is_read_only(query["sql"])]
    seconds, bare = [], []
    for _ in range(runs):
        started = time.perf_counter()
        send()
        seconds.append(time.perf_counter() - started)
        bare.append(replay(conn, statements)[0])
    return Measured(label, captured, seconds, bare)


def _explain(statement: str | None, label: str, show: bool) -> None:
    from django.db import connection

    if statement is None:
        return
    with connection.cursor() as cursor:
        times = []
        for _ in range(3):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            times.append(float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))
    nodes = [line.strip() for line in plan.splitlines() if "Scan" in line or "Sort" in line]
    print(f"      EXPLAIN ANALYZE {label}: {statistics.median(times):.2f} ms; {nodes[0][:110] if nodes else ''}")
    if show:
        print("        " + plan.replace("\n", "\n        "))


def _drain(response) -> int:
    if response.status_code != 200:
        raise SystemExit(f"answered {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure_list(user, urls: list[tuple[str, str]], args, conn) -> list[tuple[str, Measured]]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    results = []
    # The floor every page pays (middleware, session, the layout): a form page with no list.
    layout = _timed_with_replay("layout", lambda: _drain(client.get(LAYOUT_URL)), args.requests, conn)
    print(f"  {'a page without the list (' + LAYOUT_URL + ')':<42} {layout.median_ms:7.1f} ms median")
    for label, url in urls:
        for _ in range(args.warmups):
            _drain(client.get(url))
        figures = _timed_with_replay(label, lambda url=url: _drain(client.get(url)), args.requests, conn)
        print(
            f"  {label:<42} {figures.median_ms:7.1f} ms median (max {max(figures.seconds) * 1000:6.1f}); "
            f"{len(figures.captured)} queries, bare {figures.bare_ms:6.1f} ms"
        )
        _explain(figures.main_query(), "rows ", args.show_plans)
        _explain(figures.count_query(), "count", args.show_plans)
        results.append((label, figures))
    return results


def measure_export(rep, args, conn) -> tuple[Measured, float, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(rep)
    url = "/customers/export.csv"
    sizes = []
    _drain(client.get(url))  # warm-up
    with CaptureQueriesContext(connection) as queries:
        sizes.append(_drain(client.get(url)))
    captured = list(queries.captured_queries)
    reads = [q["sql"] for q in captured if 'FROM "customers_customer"' in q["sql"] and "COUNT(" not in q["sql"]]
    # .iterator() on PostgreSQL sends its SELECT as a server-side cursor: DECLARE ... FOR <the SELECT>.
    rows_sql = re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", reads[0])
    seconds, fetched, copied = [], [], []
    for _ in range(args.export_requests):
        started = time.perf_counter()
        sizes.append(_drain(client.get(url)))  # to the last byte
        seconds.append(time.perf_counter() - started)
        fetched.append(replay(conn, [rows_sql])[0])
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(f"COPY ({rows_sql}) TO STDOUT") as copy:
            for _block in copy:
                pass
        copied.append(time.perf_counter() - started)
    rows = scalar("SELECT count(*) FROM customers_customer WHERE owner_id = %s", [rep.pk])
    print(f"GET {url} as {rep.username} ({rows:,} customers), to the last byte ({sizes[-1] / 1024:,.0f} KiB):")
    print(f"  export:                 {summary_ms(seconds)}")
    print(f"  its rows' SELECT bare:  {summary_ms(fetched)}")
    print(f"  the same as COPY:       {summary_ms(copied)}")
    print("  " + ratio_line("export", seconds, 1, fetched))
    print(f"  {len(captured)} queries in one export:")
    for query in captured:
        print(f"    {query['sql'][:150]}")
    print(f"  queries reading customers' rows: {len(reads)}")
    return Measured("export", captured, seconds, fetched), statistics.median(copied), len(reads)


def list_urls(searches: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from customers.forms import CustomerFilterForm

    sorts = [value for value, _label in CustomerFilterForm.base_fields["sort"].choices]
    urls = [(f"sort={sort}", "/customers/?" + urlencode({"sort": sort})) for sort in sorts]
    urls += [(f"search {label} '{text}'", "/customers/?" + urlencode({"q": text})) for label, text in searches]
    urls += [
        (f"search {label} '{text}', sort=-total_spent", "/customers/?" + urlencode({"q": text, "sort": "-total_spent"}))
        for label, text in searches[:1]
    ]
    urls.append(("page 100, sort=-total_spent", "/customers/?" + urlencode({"sort": "-total_spent", "page": 100})))
    return urls


def searches_from_seed() -> list[tuple[str, str]]:
    from customers.models import Customer

    someone = Customer.objects.exclude(reference="").order_by("id")[5000]
    return [
        (SEARCH_LABELS[0], "محم"),
        (SEARCH_LABELS[1], someone.mobile[4:9]),
        (SEARCH_LABELS[2], someone.reference),
        (SEARCH_LABELS[3], "ضای"),
    ]


def main() -> None:
    args = parse_args()
    start("customer_list", SCHEMA, reseed=args.reseed)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    collect_static()
    seeded_on = marker_get(MARKER)
    customers = scalar("SELECT count(*) FROM customers_customer")
    if seeded_on is None:
        if customers:
            raise SystemExit(f"schema {SCHEMA} holds a partial seed: run again with --reseed")
        print("seeding ...")
        seed(timezone.localdate())
    else:
        print(f"reusing seeded data ({customers:,} customers, seeded for {seeded_on}; --reseed to rebuild)")
    users = get_user_model().objects
    manager, rep = users.get(username=MANAGER), users.get(username=f"{REP_PREFIX}01")
    urls = list_urls(searches_from_seed())
    conn = bare_connection(SCHEMA)
    figures = []
    results = {}
    for who, user in (("manager (all 100,000)", manager), (f"rep {rep.username} (23,570)", rep)):
        print(f"\n=== GET /customers/ as {who}: {args.warmups} warm-ups, {args.requests} measured per URL")
        results[who] = measure_list(user, urls, args, conn)
    every = [item for rows in results.values() for item in rows]
    for kind in ("sort", "search"):
        chosen = [(label, m) for label, m in every if ("search" in label) == (kind == "search")]
        label, slowest = max(chosen, key=lambda item: item[1].median_ms)
        figures.append(
            Figure(
                path=f"customer list at 100k, slowest {kind} ({label})",
                value=round(slowest.median_ms, 1),
                unit="ms",
                limit=round(slowest.bare_ms, 1),
                limit_label="its SQL replayed bare",
                goal=f"≤ {LIST_GOAL_MS:.0f} ms at 100k, any {kind}",
                met=slowest.median_ms <= LIST_GOAL_MS,
            )
        )
    print()
    export, copied, reads = measure_export(rep, args, conn)
    value = statistics.median(export.seconds)
    figures.append(
        Figure(
            path=f"customer CSV export, {EXPORT_CUSTOMERS:,} customers, to the last byte",
            value=round(value * 1000, 1),
            unit="ms",
            limit=round(export.bare_ms, 1),
            limit_label=f"its SELECT fetched by psycopg (COPY: {copied * 1000:.0f} ms)",
            goal=f"≤ {EXPORT_GOAL_S * 1000:.0f} ms, one query for the rows",
            met=value <= EXPORT_GOAL_S and reads == 1,
        )
    )
    print("\nFigures:")
    for figure in figures:
        print(
            f"  {figure.path}: {figure.value} {figure.unit} (limit {figure.limit} {figure.unit}, "
            f"{figure.ratio:.1f}×; goal {figure.goal}; met {figure.met})"
        )
    write_figures(args.figures, figures)


if __name__ == "__main__":
    main()
