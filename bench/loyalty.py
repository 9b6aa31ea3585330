"""Benchmark: loyalty points over 100,000 customers and 1,000,000 purchases (PostgreSQL).

    .venv/bin/python bench/loyalty.py [--reseed] [--runs N]

Seeds (once; reused afterwards unless --reseed) the same shop as ``silent_customers.py`` (20 reps,
100,000 customers of mixed purchase rhythms, 1,000,000 purchases over two years), in a schema of
its own ("bench_loyalty"), so its figures never sway the silent-customers ones.

Measures, each beside the bare SQL of the same work replayed on a plain psycopg connection in the
same run (the statements the job sent, captured with CaptureQueriesContext, after the same reset),
and the ratio (the issue's goal: at most 2):

- the backfill: ``loyalty.services.purchases_earn()`` over every purchase (one INSERT ... SELECT
  of the points of 1,000,000 purchases, the referral bonuses, the 100,000 balances);
- the nightly expiry: ``loyalty.services.points_expire()`` (FIFO, one INSERT ... SELECT);
- the nightly tier review: ``loyalty.tiers.tiers_review()`` (12-month spend of every customer,
  the moves, the new tiers), and again with the tiers on points earned
  (``PEYGIR_LOYALTY_TIER_BASIS=points``: the 12-month sum over the ledger instead of the purchases);
- the customer loyalty panel's reads for one customer (balance, next expiry, standing, ledger);
- the manager's loyalty page (GET /loyalty/: twelve months of the ledger, balances, tiers, top
  members) over the whole ledger, its server time beside its SQL.

Prints figures; never asserts on timings.
"""

import argparse
import datetime
import statistics
import time

from _common import (
    Figure,
    add_figures_argument,
    bare_connection,
    collect_static,
    execute,
    marker_get,
    replay,
    scalar,
    start,
    step,
    vacuum_analyze,
    write_figures,
)

SCHEMA = "bench_loyalty"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the schema and seed again")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each job (default 3)")
    add_figures_argument(parser)
    return parser.parse_args()


def capture(call) -> tuple[object, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    texts = [query["sql"] for query in queries.captured_queries]
    if not texts or texts[0] != "BEGIN":
        texts = ["BEGIN", *texts, "COMMIT"]
    return result, texts


def reset_ledger() -> None:
    """No points at all: the day loyalty is switched on."""
    execute("TRUNCATE loyalty_pointsentry, loyalty_loyaltyaccount, loyalty_tierchange, loyalty_redemption")
    for table in ("loyalty_pointsentry", "loyalty_loyaltyaccount", "loyalty_tierchange"):
        execute(f"VACUUM {table}")


def reset_nightly() -> None:
    """The ledger as the backfill left it: no expiry entries, no tiers yet."""
    execute("DELETE FROM loyalty_pointsentry WHERE kind = 'expiry'")
    execute("TRUNCATE loyalty_tierchange")
    execute(
        "UPDATE loyalty_loyaltyaccount SET tier_rank = 0, tier_since = NULL, below_tier_since = NULL, spend_12m = 0, "
        "points_12m = 0"
    )
    for table in ("loyalty_pointsentry", "loyalty_loyaltyaccount", "loyalty_tierchange"):
        execute(f"VACUUM {table}")


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


JOB_GOAL = "≤ 2× its SQL"  # loyalty's own goal, for its jobs and its page alike


def job_figure(path: str, seconds: tuple[float, float]) -> Figure:
    whole, sql_only = seconds
    return Figure(path, whole, "s", sql_only, "its SQL replayed bare", JOB_GOAL, whole <= 2 * sql_only)


def measure(label: str, call, reset, runs: int, conn) -> tuple[float, float]:
    """``runs`` timed runs of ``call`` after ``reset``, then its captured SQL replayed bare after the same reset."""
    seconds = []
    for _ in range(runs):
        reset()
        elapsed, result = timed(call)
        seconds.append(elapsed)
    reset()
    result, statements = capture(call)
    bare = []
    for _ in range(runs):
        reset()
        total, _each = replay(conn, statements)
        bare.append(total)
    whole, sql_only = statistics.median(seconds), statistics.median(bare)
    print(
        f"{label}: {whole:.2f} s median (runs {', '.join(f'{s:.2f}' for s in seconds)}); "
        f"its {len(statements)} SQL statements alone {sql_only:.2f} s; ratio {whole / sql_only:.2f}× "
        f"(result {result})"
    )
    return whole, sql_only


def main() -> None:
    args = parse_args()
    start("loyalty benchmark", SCHEMA, reseed=args.reseed)
    import silent_customers  # the same shop, seeded in this script's schema

    day = datetime.date.today()
    if marker_get(silent_customers.MARKER_NAME) is None:
        silent_customers.seed(day)
    from django.conf import settings

    from customers.models import Customer
    from loyalty import selectors, services, tiers

    customers = scalar("SELECT count(*) FROM customers_customer")
    purchases = scalar("SELECT count(*) FROM customers_purchase")
    print(f"{customers:,} customers, {purchases:,} purchases; DEBUG={settings.DEBUG}")
    services.earning_rules()
    tiers.tiers()
    conn = bare_connection(SCHEMA)

    figures = [
        job_figure(
            "loyalty backfill, 1M purchases",
            measure(
                "backfill (purchases_earn over every purchase)", services.purchases_earn, reset_ledger, args.runs, conn
            ),
        )
    ]
    with step("backfill once more, to measure the nightly jobs on its ledger"):
        reset_ledger()
        services.purchases_earn()
        vacuum_analyze("loyalty_pointsentry", "loyalty_loyaltyaccount")
    entries = scalar("SELECT count(*) FROM loyalty_pointsentry")
    print(f"ledger: {entries:,} entries")
    expiry = measure(
        "nightly expiry (points_expire)", lambda: services.points_expire(today=day), reset_nightly, args.runs, conn
    )
    review = measure(
        "nightly tier review (tiers_review)", lambda: tiers.tiers_review(today=day), reset_nightly, args.runs, conn
    )
    figures += [
        job_figure("loyalty nightly expiry, 100k customers", expiry),
        job_figure("loyalty nightly tier review, 100k customers", review),
        job_figure("loyalty tier review on points, 100k customers", measure_points_review(day, args.runs, conn)),
    ]

    customer = Customer.objects.filter(purchase_count__gt=20).order_by("pk").first()
    reads = []
    for _ in range(10):
        elapsed, _balance = timed(
            lambda: (selectors.balance_of(customer), selectors.entry_sentences(list(selectors.ledger_of(customer)[:5])))
        )
        reads.append(elapsed)
    _result, statements = capture(
        lambda: (selectors.balance_of(customer), selectors.entry_sentences(list(selectors.ledger_of(customer)[:5])))
    )
    bare = [replay(conn, statements)[0] for _ in range(10)]
    print(
        f"customer panel reads: {statistics.median(reads) * 1000:.1f} ms median; "
        f"its {len(statements)} SQL statements alone {statistics.median(bare) * 1000:.1f} ms; "
        f"ratio {statistics.median(reads) / statistics.median(bare):.1f}×"
    )

    page_ms, page_sql_ms = measure_program_page(conn)
    figures.append(
        Figure(
            "manager's loyalty page (whole ledger)",
            page_ms,
            "ms",
            page_sql_ms,
            "its SQL replayed bare",
            JOB_GOAL,
            page_ms <= 2 * page_sql_ms,
        )
    )
    write_figures(args.figures, figures)


def measure_points_review(day: datetime.date, runs: int, conn) -> tuple[float, float]:
    """The tier review with the tiers on points earned, on the default point thresholds; the spend
    thresholds are put back afterwards."""
    from django.test import override_settings

    from loyalty import tiers
    from loyalty.models import Tier

    kept = dict(Tier.objects.values_list("rank", "threshold"))
    with override_settings(PEYGIR_LOYALTY_TIER_BASIS="points"):
        for rank, _fa, _en, rial in tiers.DEFAULT_TIERS:
            Tier.objects.filter(rank=rank).update(threshold=rial // tiers.DEFAULT_POINTS_PER_RIAL)
        seconds = measure(
            "nightly tier review on points earned (tiers_review, basis points)",
            lambda: tiers.tiers_review(today=day),
            reset_nightly,
            runs,
            conn,
        )
    for rank, threshold in kept.items():
        Tier.objects.filter(rank=rank).update(threshold=threshold)
    return seconds


def measure_program_page(conn) -> tuple[float, float]:
    """GET /loyalty/ as the manager: ten timed requests after a warm-up, then its SQL replayed bare."""
    from django.test import Client
    from silent_customers import ensure_manager

    collect_static()
    client = Client()
    client.force_login(ensure_manager())

    def get():
        response = client.get("/loyalty/")
        assert response.status_code == 200, response.status_code
        return response

    get()
    seconds = [timed(get)[0] for _ in range(10)]
    _response, statements = capture(get)
    statements = [text for text in statements if text not in ("BEGIN", "COMMIT")]
    bare = [replay(conn, statements)[0] for _ in range(10)]
    print(
        f"manager loyalty page GET /loyalty/: {statistics.median(seconds) * 1000:.1f} ms median "
        f"(p max {max(seconds) * 1000:.1f} ms); its {len(statements)} SQL statements alone "
        f"{statistics.median(bare) * 1000:.1f} ms; ratio {statistics.median(seconds) / statistics.median(bare):.1f}×"
    )
    return statistics.median(seconds) * 1000, statistics.median(bare) * 1000


if __name__ == "__main__":
    main()
