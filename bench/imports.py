"""Benchmark: imports of any size from CSV files, customers then purchases (PostgreSQL).

    .venv/bin/python bench/imports.py [--full] [--regenerate] [--files DIR] [--no-reimport] [--no-api] [--api-rows N]

The default size is the one bench/all.py runs (it passes only ``--figures FILE``) and takes a few
minutes: 10,000 customers and 100,000 purchases, 20,000 of them sent to the API. ``--full`` is
100,000 customers and 1,000,000 purchases, every one sent to the API too: over half an hour.

Writes (once; reused afterwards unless --regenerate) a customers CSV (name, mobile, reference,
email, city, segment; phones typed three ways, some in Persian digits, 70% with an email) and a
purchases CSV (reference, date, amount, invoice; dates Jalali and Gregorian mixed, some in Persian
digits; amounts grouped with "," or, in Persian digits, with "٬"), streamed to files in
``--files`` (default: $TMPDIR/peygir_bench_imports).

Empties the shop of its own database (``peygir_bench_imports``, or ``BENCH_DATABASE_URL``), then
imports both files as a manager and the worker do: ``run_start`` with the file (a django ``File``),
``run_check``, the check pass, ``run_import``, the import pass. Each pass runs in a child process
of its own, as the worker's task (``customers.tasks.import_pass_task``) runs it, so the peak RSS it
reports (``getrusage`` maxrss) is that pass's alone; the issue's goal is at most 300 MB whatever
the file's size. Then it imports the purchases file a second time (which must write nothing:
created / updated / unchanged, and the rows each table got per PostgreSQL's statistics), and sends
the same purchases through the REST API's bulk endpoint (POST /api/v1/purchases/bulk/, 1,000 a
request, Django's test client with a Bearer token, in a child process too) on an emptied ledger.

Beside each pass it prints the time its SQL statements took (timed on the connection, in the pass)
and the bare SQL of the same work, timed in the same run just before the pass, on the same tables
(their indexes, constraints and foreign keys) in a transaction rolled back (then VACUUM): COPY of
the file into a staging table, then for a check one join classifying every row, for an import
INSERT ... SELECT of the rows (phones, Jalali dates and grouped amounts converted in SQL; a
calendar table made once beforehand) and one UPDATE of the customers' purchase figures; for the
purchases also with the rhythm and the points brought up to date once for every customer, by the
services' own set-based statements. Each with the ratio pass / bare.

The figures for bench/all.py (``--figures``), each beside the bare SQL of the same rows measured in
the same run, in rows per second (so the ratio is the share of the bare rate reached), met when the
pass's peak RSS stays within 300 MB: the customers' import pass, the purchases' import pass (its
bare SQL with the rhythm and the points, as the pass does them), the API's bulk endpoint, and the
rows the purchases file imported a second time wrote (met when none).

Prints figures; never asserts on timings.
"""

import argparse
import csv
import datetime
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _common import (
    ROOT,
    Figure,
    add_figures_argument,
    execute,
    percentile,
    scalar,
    start,
    step,
    vacuum_analyze,
    write_figures,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peygir_bench_imports"
FILE_VERSION = "v1"  # a change to the generators below must change it, or old files are reused
SIZES = {"full": (100_000, 1_000_000), "small": (10_000, 100_000)}
API_ROWS = {"full": None, "small": 20_000}  # None: the whole purchases file
PEAK_MB = 300  # the bound on a pass's memory, whatever the file's size
GOAL = f"≤ {PEAK_MB} MB peak; ratio shown"
API_BATCH = 1000  # api.views.BATCH_LIMIT
RESULT = "BENCH-RESULT "
CALENDAR = "bench_jalali_calendar"  # not a Django model: migrate never touches it
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)
# What the staging tables call the files' columns (the files' own header names).
CUSTOMER_COLUMNS = ["name", "mobile", "reference", "email", "city", "segment"]
PURCHASE_COLUMNS = ["reference", "date", "amount", "invoice"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        choices=sorted(SIZES),
        default="small",
        help="small (the default): 10,000 customers, 100,000 purchases",
    )
    parser.add_argument(
        "--full", dest="size", action="store_const", const="full", help="--size full: 100,000, 1,000,000"
    )
    parser.add_argument("--small", dest="size", action="store_const", const="small", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, default=Path(tempfile.gettempdir()) / "peygir_bench_imports")
    parser.add_argument("--regenerate", action="store_true", help="write the CSV files again")
    parser.add_argument("--no-reimport", action="store_true", help="skip importing the purchases file again")
    parser.add_argument("--no-api", action="store_true", help="skip the REST API's bulk endpoint")
    parser.add_argument("--api-rows", type=int, default=None, help="send only the first N purchases to the API")
    add_figures_argument(parser)
    parser.add_argument("--child-pass", nargs=2, metavar=("RUN", "TOKEN"), help=argparse.SUPPRESS)
    parser.add_argument("--child-api", nargs=3, metavar=("FILE", "KEY", "ROWS"), help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the files -----------------------------------------------------------------------------

FIRST_NAMES = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "Sara", "David"]
LAST_NAMES = ["احمدی", "رضایی", "کریمی", "حسینی", "موسوی", "محمدی", "جعفری", "نوری", "Karimi", "Smith"]
CITIES = ["تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج", "قم", "اهواز", "رشت", "یزد"]
SEGMENTS = ["عمده", "خرده", "VIP", "آنلاین", "سازمانی"]


def customer_cells(count: int):
    """The customers file's rows: unique phones and customer IDs, so every row is a new customer."""
    rng = random.Random(1403)
    for number in range(1, count + 1):
        national = f"912{number:07d}"
        style = rng.random()
        if style < 0.3:
            mobile = f"0{national[:3]} {national[3:6]} {national[6:]}"
        elif style < 0.6:
            mobile = f"+98{national}"
        else:
            mobile = f"0{national}"
        if rng.random() < 0.1:
            mobile = mobile.translate(TO_PERSIAN)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = f"c{number:06d}@example.com" if rng.random() < 0.7 else ""
        yield [name, mobile, f"C{number:06d}", email, rng.choice(CITIES), rng.choice(SEGMENTS)]


def purchase_cells(customers: int, count: int, today: datetime.date):
    """The purchases file's rows over the last two years; every invoice number once."""
    import jdatetime

    rng = random.Random(1404)
    days = [today - datetime.timedelta(days=offset) for offset in range(1, 731)]
    jalali = {day: jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d") for day in days}
    for number in range(1, count + 1):
        day = rng.choice(days)
        style = rng.random()
        if style < 0.45:
            date_text = day.isoformat()
        elif style < 0.9:
            date_text = jalali[day]
        else:
            date_text = jalali[day].translate(TO_PERSIAN)
        amount = f"{rng.randrange(5, 5000) * 10_000:,}"
        if rng.random() < 0.1:
            amount = amount.replace(",", "٬").translate(TO_PERSIAN)
        yield [f"C{rng.randrange(1, customers + 1):06d}", date_text, amount, f"F{number:08d}"]


def write_csv(path: Path, header: list[str], rows, regenerate: bool) -> None:
    """Streamed to ``<path>.part`` then renamed, so a file cut short is never reused; UTF-8 with
    the BOM and CRLF, as Excel's "CSV UTF-8" saves it."""
    if path.exists() and not regenerate:
        print(f"  {path.name}: reused ({path.stat().st_size / 2**20:.1f} MiB)")
        return
    with step(f"writing {path.name}"):
        part = path.with_name(path.name + ".part")
        with open(part, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        part.replace(path)
    print(f"  {path.name}: {path.stat().st_size / 2**20:.1f} MiB")


# --- the child processes: one pass, or the API ---------------------------------------------------


class SqlTimer:
    """Counts and times every statement on the connection (an ``execute_wrapper``; BEGIN and
    COMMIT are not statements there), and the time of each kind of statement (its text with the
    lists of placeholders and ids folded)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0
        self.kinds: dict[str, list] = {}

    def __call__(self, execute_, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute_(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            self.count += 1
            kind = self.kinds.setdefault(_FOLD.sub("…", sql)[:110], [0, 0.0])
            kind[0] += 1
            kind[1] += elapsed

    def slowest(self, count: int = 4) -> list:
        return sorted(([text, n, s] for text, (n, s) in self.kinds.items()), key=lambda kind: -kind[2])[:count]


_FOLD = re.compile(r"(?:%s|\d+|\(%s(?:, %s)*\))(?:, (?:%s|\d+|\(%s(?:, %s)*\)))+")


def rss_now_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_setup():
    """The parent's environment (database, DEBUG=False, the import directory) is inherited: Django
    is only set up, not migrated, so nothing but the pass adds to the peak."""
    import django

    django.setup()


def child_pass(run_id: str, token: str) -> None:
    """What the worker runs for a pass: the task's body, here in a process of its own."""
    child_setup()
    from django.db import connection

    from customers.tasks import import_pass_task

    timer = SqlTimer()
    baseline = rss_now_mb()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        import_pass_task(run_id, token)
        seconds = time.perf_counter() - started
    result = {"seconds": seconds, "sql_count": timer.count, "sql_seconds": timer.seconds, "slowest": timer.slowest()}
    print(RESULT + json.dumps(result | {"baseline_mb": baseline, "peak_mb": peak_rss_mb()}), flush=True)


def child_api(path: str, key: str, limit: int) -> None:
    """The purchases file sent 1,000 a request to the bulk endpoint. The client's own work (reading
    the file, converting dates and amounts as an integration would) is outside the timed requests."""
    child_setup()
    from django.db import connection
    from django.test import Client

    from core.dates import parse_date
    from core.forms import parse_amount_text

    client = Client()
    headers = {"authorization": f"Bearer {key}", "accept-language": "en"}
    timer = SqlTimer()
    requests, created, already, sent = [], 0, 0, 0
    baseline = rss_now_mb()

    def send(items):
        nonlocal created, already
        body = json.dumps(items)
        started = time.perf_counter()
        response = client.post("/api/v1/purchases/bulk/", data=body, content_type="application/json", headers=headers)
        requests.append(time.perf_counter() - started)
        if response.status_code not in (200, 201):
            raise SystemExit(f"POST /api/v1/purchases/bulk/ answered {response.status_code}: {response.content[:500]}")
        answer = response.json()
        created += answer["created"]
        already += answer["already_there"]

    with connection.execute_wrapper(timer), open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for reference, date_text, amount, invoice in reader:
            if sent >= limit:
                break
            batch.append(
                {
                    "customer_reference": reference,
                    "purchased_on": parse_date(date_text).isoformat(),
                    "amount": int(parse_amount_text(amount)),
                    "invoice_number": invoice,
                }
            )
            sent += 1
            if len(batch) == API_BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
    result = {
        "rows": sent,
        "requests": requests,
        "created": created,
        "already_there": already,
        "sql_count": timer.count,
        "sql_seconds": timer.seconds,
        "slowest": timer.slowest(),
        "baseline_mb": baseline,
        "peak_mb": peak_rss_mb(),
    }
    print(RESULT + json.dumps(result), flush=True)


def run_child(*arguments: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode or not lines:
        print(done.stdout[-3000:], done.stderr[-5000:], sep="\n")
        raise SystemExit(f"child {arguments[0]} failed (exit {done.returncode})")
    return json.loads(lines[-1][len(RESULT) :]) | {"process_seconds": time.perf_counter() - started}


# --- the shop, the runs ------------------------------------------------------------------------


def empty_shop(runs_dir: Path) -> None:
    """Nothing imported yet: every customer (and, by cascade, what hangs off them), segment and run,
    and the files of runs an interrupted benchmark left behind."""
    for leftover in runs_dir.glob("*"):
        leftover.unlink()
    execute(
        "TRUNCATE customers_customer, customers_segment, customers_importrun, customers_importmapping, "
        "customers_rhythmprior RESTART IDENTITY CASCADE"
    )


def empty_purchases() -> None:
    """The customers as the customers file left them: no purchases, figures, rhythm or points."""
    execute(
        "TRUNCATE customers_purchase, loyalty_pointsentry, loyalty_loyaltyaccount, loyalty_tierchange, "
        "customers_rhythmprior, customers_purchaserhythm CASCADE"
    )
    execute(
        "UPDATE customers_customer SET first_purchase_on = NULL, last_purchase_on = NULL, purchase_count = 0, "
        "total_spent = 0"
    )
    vacuum_analyze("customers_customer", "customers_purchase", "loyalty_pointsentry", "loyalty_loyaltyaccount")


def ensure_calendar() -> None:
    """Jalali day (as typed, zero-padded) -> Gregorian date, for the bare SQL: a table a DBA loading
    such files keeps; made once, outside the figures."""
    import jdatetime

    execute(f"CREATE TABLE IF NOT EXISTS {CALENDAR} (jalali text PRIMARY KEY, day date NOT NULL)")
    if scalar(f"SELECT count(*) FROM {CALENDAR}"):
        return
    today = datetime.date.today()
    rows = []
    for offset in range(-400, 3650):
        day = today - datetime.timedelta(days=offset)
        rows.append((jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"), day))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {CALENDAR} (jalali, day) VALUES (%s, %s)", rows)
    execute(f"ANALYZE {CALENDAR}")


def start_run(path: Path, kind: str, manager):
    """The manager's upload: the file kept, its shape read, the columns as its header names them."""
    from django.core.files import File

    from customers import imports
    from customers.models import ImportRun

    started = time.perf_counter()
    with open(path, "rb") as handle:
        run = imports.run_start(upload=File(handle, name=path.name), kind=kind, unit="rial", by=manager, language="en")
    seconds = time.perf_counter() - started
    problems = imports.run_check(run=run, mapping=run.mapping, unit=ImportRun.Unit.RIAL)
    if problems:
        raise SystemExit(f"{path.name}: {problems}")
    print(
        f"{kind} file {path.name}: run_start (keeps the file, reads its shape) {seconds:.2f} s; columns {run.mapping}"
    )
    return run


def table_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted per table since the statistics began (the runs' own tables left out)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
            "WHERE relname NOT LIKE 'customers_import%'"
        )
        return dict(cursor.fetchall())


# --- the bare SQL ----------------------------------------------------------------------------


def _digits(column: str) -> str:
    return f"translate({column}, '{PERSIAN_DIGITS}', '0123456789')"


MOBILE_SQL = (
    f"CASE WHEN s.mobile = '' THEN '' "
    f"ELSE '0' || right(regexp_replace({_digits('s.mobile')}, '[^0-9]', '', 'g'), 10) END"
)
DAY_SQL = f"CASE WHEN left({_digits('s.date')}, 4)::int >= 1700 THEN {_digits('s.date')}::date ELSE j.day END"
AMOUNT_SQL = f"replace(replace({_digits('s.amount')}, ',', ''), '٬', '')::numeric"
PURCHASES_SOURCE = f"bench_stage s LEFT JOIN {CALENDAR} j ON j.jalali = {_digits('s.date')}"


@contextmanager
def rolled_back():
    """The bare work on the real tables, undone: the measured pass then starts from the same state."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def stage(cursor, path: Path, columns: list[str]) -> None:
    """The file as it is, COPY'd into a temporary table of text columns (an empty cell is '')."""
    names = ", ".join(columns)
    cursor.execute(f"CREATE TEMP TABLE bench_stage ({', '.join(f'{c} text' for c in columns)}) ON COMMIT DROP")
    with (
        cursor.copy(
            f"COPY bench_stage ({names}) FROM STDIN (FORMAT csv, HEADER true, FORCE_NOT_NULL ({names}))"
        ) as copy,
        open(path, "rb") as handle,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)


def bare_customers(path: Path, *, write: bool) -> tuple[float, tuple]:
    """The customers file staged, then either each row classified (new or known, by customer ID, phone
    or email) or the rows written with their segments."""
    from django.db import connection

    from core import db
    from customers.models import Customer

    started = time.perf_counter()
    with rolled_back(), connection.cursor() as cursor:
        stage(cursor, path, CUSTOMER_COLUMNS)
        if not write:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE coalesce(r.id, m.id, e.id) IS NULL), "
                "count(*) FILTER (WHERE coalesce(r.id, m.id, e.id) IS NOT NULL) FROM bench_stage s "
                "LEFT JOIN customers_customer r ON s.reference <> '' AND r.reference = s.reference "
                f"LEFT JOIN customers_customer m ON s.mobile <> '' AND m.mobile = {MOBILE_SQL} "
                "LEFT JOIN customers_customer e ON s.email <> '' AND lower(e.email) = lower(s.email)"
            )
            outcome = cursor.fetchone()
        else:
            cursor.execute(
                "INSERT INTO customers_segment (name) SELECT DISTINCT segment FROM bench_stage WHERE segment <> '' "
                "ON CONFLICT DO NOTHING"
            )
            written = db.insert_select(
                prototype=Customer(source=Customer.Source.IMPORT),
                values={
                    "name": "s.name",
                    "mobile": MOBILE_SQL,
                    "reference": "s.reference",
                    "email": "s.email",
                    "city": "s.city",
                    "segment_id": "g.id",
                    "search_text": f"lower(concat_ws(' ', s.name, {MOBILE_SQL}, s.email, s.reference))",
                },
                source="bench_stage s LEFT JOIN customers_segment g ON g.name = s.segment",
                params=[],
            )
            outcome = (written,)
    return time.perf_counter() - started, outcome


FIGURES_SQL = (
    "UPDATE customers_customer c SET first_purchase_on = f.first_on, last_purchase_on = f.last_on, "
    "purchase_count = f.n, total_spent = f.total FROM (SELECT customer_id, min(purchased_on) AS first_on, "
    "max(purchased_on) AS last_on, count(*) AS n, sum(amount) AS total FROM customers_purchase GROUP BY customer_id) f "
    "WHERE c.id = f.customer_id AND (c.first_purchase_on, c.last_purchase_on, c.purchase_count, c.total_spent) "
    "IS DISTINCT FROM (f.first_on, f.last_on, f.n, f.total)"
)


def bare_purchases(path: Path, *, write: bool) -> tuple[float, float, tuple]:
    """The purchases file staged, then either each row classified (no customer / new / changed /
    unchanged) or the rows written (ON CONFLICT DO NOTHING) and the customers' figures updated;
    then, timed apart, the rhythm and the points of every customer with purchases, once.
    Returns (rows' seconds, with the follow-ons, outcome)."""
    from django.db import connection
    from django.utils import timezone

    from core import db
    from customers import services
    from customers.models import Purchase
    from loyalty import services as loyalty

    started = time.perf_counter()
    follow_ons = 0.0
    with rolled_back(), connection.cursor() as cursor:
        stage(cursor, path, PURCHASE_COLUMNS)
        if not write:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE c.id IS NULL), "
                "count(*) FILTER (WHERE c.id IS NOT NULL AND p.id IS NULL), "
                "count(*) FILTER (WHERE p.id IS NOT NULL "
                "AND (p.purchased_on, p.amount) IS DISTINCT FROM (x.day, x.amount)), "
                "count(*) FILTER (WHERE p.id IS NOT NULL AND (p.purchased_on, p.amount) = (x.day, x.amount)) "
                f"FROM (SELECT s.reference, s.invoice, {DAY_SQL} AS day, {AMOUNT_SQL} AS amount "
                f"FROM {PURCHASES_SOURCE}) x "
                "LEFT JOIN customers_customer c ON c.reference = x.reference "
                "LEFT JOIN customers_purchase p "
                "ON p.customer_id = c.id AND p.reference = x.invoice AND p.reference <> ''"
            )
            rejected, create, update, unchanged = cursor.fetchone()
            return time.perf_counter() - started, 0.0, (create, update, unchanged, rejected)
        written = db.insert_select(
            prototype=Purchase(created_at=timezone.now()),
            values={"customer_id": "c.id", "purchased_on": DAY_SQL, "amount": AMOUNT_SQL, "reference": "s.invoice"},
            source=f"{PURCHASES_SOURCE} JOIN customers_customer c ON c.reference = s.reference",
            params=[],
        )
        cursor.execute(FIGURES_SQL)
        figures = cursor.rowcount
        rows_seconds = time.perf_counter() - started
        follow_started = time.perf_counter()
        cursor.execute("SELECT DISTINCT customer_id FROM customers_purchase")
        ids = [row[0] for row in cursor.fetchall()]
        services.customers_refresh_rhythm(customer_ids=ids)
        points = loyalty.purchases_earn()
        follow_ons = time.perf_counter() - follow_started
    return rows_seconds, rows_seconds + follow_ons, (written, figures, points)


# --- the figures -----------------------------------------------------------------------------


def ratio(whole: float, part: float) -> str:
    return f"{whole / part:.1f}×" if part > 0 else "n/a"


def print_pass(label: str, rows: int, result: dict, bare: list[tuple[str, float]], outcome: str) -> None:
    wall = result["seconds"]
    print(f"{label}: {rows:,} rows in {wall:.1f} s, {rows / wall:,.0f} rows/s")
    print(
        f"  peak RSS {result['peak_mb']:.0f} MB (the process after Django's setup {result['baseline_mb']:.0f} MB; "
        f"the pass added {result['peak_mb'] - result['baseline_mb']:.0f} MB)"
    )
    print(f"  {outcome}")
    print(
        f"  its {result['sql_count']:,} SQL statements took {result['sql_seconds']:.1f} s of it; "
        f"ratio {ratio(wall, result['sql_seconds'])}"
    )
    print_slowest(result)
    for what, seconds in bare:
        print(f"  bare SQL of the same work, {what}: {seconds:.1f} s; ratio {ratio(wall, seconds)}")


def print_slowest(result: dict) -> None:
    for text, count, seconds in result["slowest"]:
        print(f"    {seconds:6.1f} s in {count:5,} × {text}")


def run_outcome(run) -> str:
    run.refresh_from_db()
    if run.phase == "checked":
        return (
            f"check: {run.will_create:,} to create, {run.will_update:,} to update, {run.unchanged:,} unchanged, "
            f"{run.rejected:,} rejected"
        )
    return (
        f"import ({run.phase}): {run.created:,} created, {run.updated:,} updated, {run.unchanged:,} unchanged, "
        f"{run.rejected:,} rejected"
    )


def import_file(path: Path, kind: str, rows: int, manager, label: str) -> dict:
    """One file through the import as the page and the worker do it, each pass beside its bare SQL.
    Returns the import pass's rows/s, the bare rows/s of its whole work, its peak RSS and the rows
    it wrote."""
    from customers import imports

    run = start_run(path, kind, manager)
    if kind == "customers":
        check_bare = bare_customers(path, write=False)
        bare_check = [("COPY into staging + one join classifying each row", check_bare[0])]
        check_what = f"bare counts: {check_bare[1][0]:,} new, {check_bare[1][1]:,} known"
    else:
        seconds, _all, (create, update, unchanged, rejected) = bare_purchases(path, write=False)
        bare_check = [("COPY into staging + one join classifying each row", seconds)]
        check_what = (
            f"bare counts: {create:,} new, {update:,} changed, {unchanged:,} unchanged, {rejected:,} without a customer"
        )
    result = run_child("--child-pass", str(run.id), str(run.pass_token))
    check_seconds = result["seconds"]
    print_pass(f"{label}: check pass", rows, result, bare_check, f"{run_outcome(run)} ({check_what})")

    imports.run_import(run=run)
    run.refresh_from_db()
    if kind == "customers":
        seconds, (written,) = bare_customers(path, write=True)
        bare_import = [("COPY into staging + INSERT ... SELECT of the customers and segments", seconds)]
        bare_what = f"bare wrote {written:,} customers"
        vacuum_analyze("customers_customer", "customers_segment")
    else:
        rows_seconds, all_seconds, (written, figures, points) = bare_purchases(path, write=True)
        bare_import = [
            ("COPY into staging + INSERT ... SELECT + one UPDATE of the figures", rows_seconds),
            ("the same + the rhythm and the points once for every customer", all_seconds),
        ]
        bare_what = f"bare wrote {written:,} purchases, {figures:,} customers' figures, {points:,} points entries"
        vacuum_analyze("customers_customer", "customers_purchase", "loyalty_pointsentry", "loyalty_loyaltyaccount")
    before = table_writes()
    result = run_child("--child-pass", str(run.id), str(run.pass_token))
    time.sleep(1.5)  # the child's backend reports its statistics as it exits
    after = table_writes()
    print_pass(f"{label}: import pass", rows, result, bare_import, f"{run_outcome(run)} ({bare_what})")
    writes = {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}
    print(
        "  rows written per table (pg_stat_user_tables, the runs' tables left out): "
        + (", ".join(f"{name} {count:,}" for name, count in sorted(writes.items())) or "none")
    )
    bare_seconds = bare_import[-1][1]
    return {
        "rows_per_s": rows / result["seconds"],
        "bare_rows_per_s": rows / bare_seconds if bare_seconds > 0 else None,
        "peak_mb": result["peak_mb"],
        "written": sum(writes.values()),
        "seconds": check_seconds + result["seconds"],
    }


def measure_api(path: Path, rows: int, manager, limit: int | None) -> dict | None:
    """The same purchases through POST /api/v1/purchases/bulk/, on an emptied ledger. Returns its
    rows/s (of the time in requests), the bare rows/s of the same work and the client's peak RSS."""
    import api.views
    from api.services import token_create

    if not hasattr(api.views.PurchaseViewSet, "bulk"):
        print("API bulk: not available")
        return None
    with step("emptying the purchases (the API starts where the purchases import started)"):
        empty_purchases()
    limit = min(rows, limit or rows)
    _token, key = token_create(user=manager, name="bench imports", by=manager)
    result = run_child("--child-api", str(path), f"key:{key}", str(limit))  # a key may start with "-"
    served = sum(result["requests"])
    requests_ms = [seconds * 1000 for seconds in result["requests"]]
    print(
        f"API bulk (POST /api/v1/purchases/bulk/, {API_BATCH:,} a request, test client): {result['rows']:,} purchases "
        f"in {len(requests_ms):,} requests, {served:.1f} s of requests ({result['rows'] / served:,.0f} rows/s); "
        f"per request median {statistics.median(requests_ms):.0f} ms, p95 {percentile(requests_ms, 0.95):.0f} ms, "
        f"max {max(requests_ms):.0f} ms; the client's whole run {result['process_seconds']:.1f} s"
    )
    print(f"  {result['created']:,} created, {result['already_there']:,} already there")
    print(
        f"  peak RSS {result['peak_mb']:.0f} MB (after Django's setup {result['baseline_mb']:.0f} MB); "
        f"its {result['sql_count']:,} SQL statements took {result['sql_seconds']:.1f} s; "
        f"ratio {ratio(served, result['sql_seconds'])}"
    )
    print_slowest(result)
    # The whole file's bare SQL, as for the import: per row the same work as the requests' rows.
    rows_seconds, all_seconds, _outcome = bare_purchases(path, write=True)
    share = result["rows"] / rows
    print(
        f"  bare SQL of the same work (as for the import, the whole file; {share:.0%} of it was sent): "
        f"{rows_seconds:.1f} s; with the rhythm and the points {all_seconds:.1f} s, "
        f"{rows / all_seconds:,.0f} rows/s; ratio (rows/s) {result['rows'] / served / (rows / all_seconds):.2f}×"
    )
    return {"rows_per_s": result["rows"] / served, "bare_rows_per_s": rows / all_seconds, "peak_mb": result["peak_mb"]}


def main() -> None:
    args = parse_args()
    if args.child_pass:
        child_pass(*args.child_pass)
        return
    if args.child_api:
        path, key, limit = args.child_api
        child_api(path, key.removeprefix("key:"), int(limit))
        return

    began = time.perf_counter()
    customers, purchases = SIZES[args.size]
    args.files.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    runs_dir = args.files / "runs"
    os.environ["PEYGIR_IMPORT_DIR"] = str(runs_dir)  # the worker reads what the page kept
    start("imports benchmark")
    from django.conf import settings
    from silent_customers import ensure_manager

    from customers import imports

    # The page hands each pass to a worker; here the bench runs it, in a child process, as the worker would.
    imports._start_pass = lambda run: None

    print(f"{customers:,} customers, {purchases:,} purchases; CHUNK_ROWS={imports.CHUNK_ROWS}; DEBUG={settings.DEBUG}")
    customers_path = args.files / f"customers-{customers}.{FILE_VERSION}.csv"
    purchases_path = args.files / f"purchases-{customers}-{purchases}.{FILE_VERSION}.csv"
    write_csv(customers_path, CUSTOMER_COLUMNS, customer_cells(customers), args.regenerate)
    write_csv(
        purchases_path, PURCHASE_COLUMNS, purchase_cells(customers, purchases, datetime.date.today()), args.regenerate
    )
    with step("emptying the shop"):
        empty_shop(runs_dir)
        ensure_calendar()
        vacuum_analyze("customers_customer", "customers_purchase")
    manager = ensure_manager()

    figures = []
    for label, path, kind, rows in (
        ("customers", customers_path, "customers", customers),
        ("purchases", purchases_path, "purchases", purchases),
    ):
        measured = import_file(path, kind, rows, manager, label)
        figures.append(throughput(f"{label} import pass, {rows:,} rows", measured))
    if args.no_reimport:
        print("purchases again: skipped (--no-reimport)")
    else:
        again = "purchases again (the same file: writes nothing)"
        measured = import_file(purchases_path, "purchases", purchases, manager, again)
        figures.append(
            Figure(
                f"purchases re-import, {purchases:,} rows, check and import: {measured['written']:,} rows written",
                round(measured["seconds"], 1),
                "s",
                goal="0 rows written",
                met=not measured["written"],
            )
        )
    if args.no_api:
        print("API bulk: skipped (--no-api)")
    else:
        measured = measure_api(purchases_path, purchases, manager, args.api_rows or API_ROWS[args.size])
        if measured:
            figures.append(throughput(f"API bulk purchases, {API_BATCH:,} a request", measured))
    write_figures(args.figures, figures)
    print(f"whole benchmark: {time.perf_counter() - began:.0f} s")


def throughput(path: str, measured: dict) -> Figure:
    return Figure(
        f"{path}, peak {measured['peak_mb']:.0f} MB",
        round(measured["rows_per_s"], 1),
        "rows/s",
        round(measured["bare_rows_per_s"], 1) if measured["bare_rows_per_s"] else None,
        "bare SQL of the same rows, rows/s",
        GOAL,
        measured["peak_mb"] <= PEAK_MB,
    )


if __name__ == "__main__":
    main()
