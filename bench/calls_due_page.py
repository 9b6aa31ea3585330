"""Benchmark: server time of one rep's calls-due page (/calls/) over a large database (PostgreSQL).

    .venv/bin/python bench/calls_due_page.py [--reseed] [--requests N] [--warmups N] [--show-plans]

Seeds (once; reused afterwards unless --reseed) 20 reps in the "rep" group, 100,000 customers,
250,000 purchases (with the customers' purchase figures), 400,000 interactions (with last contact)
and 1,000,000 follow-ups (about 95% done or skipped in the past, the rest open or rescheduled).
The first rep (bench_rep01) is given exactly 200 pending follow-ups due up to day + 7 (overdue,
today and upcoming; their other open ones lie further ahead) and 10 closed on the day.

Then, as that rep (django.test.Client + force_login), GETs /calls/ a few times to warm up and N
times measured, and prints median/p95/min milliseconds, the rows rendered, the SQL queries of one
request, the selector alone, and EXPLAIN ANALYZE of the selector's two queries.

Tables live in schema "bench_calls" of the benchmark database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/peygir_bench). Prints figures; never asserts on timings.
"""

import argparse
import datetime
import re
import statistics
import time

from _common import (
    ensure_reps,
    execute,
    marker_get,
    marker_set,
    scalar,
    start,
    step,
    summary_ms,
    vacuum_analyze,
)

SCHEMA = "bench_calls"
SOURCE = "bench"  # customers.source
MARKER = "calls_due_page"
REP_PREFIX = "bench_rep"
REPS = 20
CUSTOMERS = 100_000
PURCHASES = 250_000
INTERACTIONS = 400_000
FOLLOWUPS = 1_000_000
TARGET_PENDING = 200  # the measured rep's pending follow-ups due up to day + 7
TARGET_CLOSED_TODAY = 10
ROW_MARKER = 'data-testid="followup-row"'  # one per row in templates/followups/_row.html

FIRST_NAMES = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "مهدی", "لیلا"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "کاظمی", "نوری"]
COMPANIES = ["فروشگاه آفتاب", "پخش البرز", "بازرگانی پارس", "کالای نور", "هایپر سپهر"]
CITIES = ["تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "قم", "رشت"]
PURPOSES = ["تماس دوره‌ای", "پیگیری سفارش", "بازگرداندن مشتری", "معرفی محصول جدید", "تمدید قرارداد"]
SUMMARIES = [
    "مشتری از خرید قبلی راضی بود و گفت ماه بعد دوباره سفارش می‌دهد.",
    "جواب نداد؛ پیامک فرستادم.",
    "درباره قیمت‌های جدید پرسید، فهرست قیمت را ایمیل کردم.",
    "گفت فعلاً موجودی دارد، دو هفته دیگر تماس بگیریم.",
    "از تأخیر ارسال گله داشت، با انبار هماهنگ شد.",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this benchmark's schema and seed again")
    parser.add_argument("--requests", type=int, default=30, help="measured requests (default 30)")
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--show-plans", action="store_true", help="print the full EXPLAIN ANALYZE plans")
    return parser.parse_args()


# --- seeding ------------------------------------------------------------------------------


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed(day: datetime.date) -> None:
    from django.conf import settings

    started = time.perf_counter()
    reps = ensure_reps(REP_PREFIX, REPS)
    rep_ids = [rep.pk for rep in reps]
    target = reps[0]
    tz = settings.TIME_ZONE

    with step(f"inserting {CUSTOMERS:,} customers"):
        execute(
            "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
            "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
            "purchase_count, total_spent, last_contact_on, search_text) "
            "SELECT x.name, x.mobile, CASE WHEN mod(g, 3) = 0 THEN 'c' || g || '@example.com' ELSE '' END, "
            "  x.company, (%s::text[])[1 + mod(g, %s)], NULL, '', (%s::bigint[])[1 + mod(g, %s)], 'fa', false, %s, "
            "  now() - make_interval(days => mod(g, 900)::int), NULL, NULL, 0, 0, NULL, "
            "  lower(concat_ws(' ', x.name, x.company, x.mobile)) "
            "FROM generate_series(1, %s) AS g, LATERAL (SELECT "
            "  (%s::text[])[1 + mod(g, %s)] || ' ' || (%s::text[])[1 + mod(g / 7, %s)] || ' ' || g AS name, "
            "  '092' || lpad(g::text, 8, '0') AS mobile, "
            "  CASE WHEN mod(g, 10) < 3 THEN (%s::text[])[1 + mod(g, %s)] ELSE '' END AS company) AS x",
            [
                CITIES,
                len(CITIES),
                rep_ids,
                len(rep_ids),
                SOURCE,
                CUSTOMERS,
                FIRST_NAMES,
                len(FIRST_NAMES),
                LAST_NAMES,
                len(LAST_NAMES),
                COMPANIES,
                len(COMPANIES),
            ],
        )
    ranked = "(SELECT id, owner_id, row_number() OVER (ORDER BY id) AS r FROM customers_customer) AS c"

    with step(f"inserting {PURCHASES:,} purchases (3 in 4 customers buy)"):
        execute(
            "INSERT INTO customers_purchase (customer_id, purchased_on, amount, reference, note, created_at) "
            "SELECT c.id, %s::date - (1 + mod(g * 17, 1000))::int, (1 + mod(g * 31, 500)) * 1000000, "
            "  'INV-' || g, '', now() "
            f"FROM generate_series(1, %s::bigint) AS g JOIN {ranked} ON c.r = 1 + mod(g * 7919, %s)",
            [day, PURCHASES, CUSTOMERS * 3 // 4],
        )
    with step("customers' purchase figures"):
        execute(
            "UPDATE customers_customer AS cu SET first_purchase_on = p.first_on, last_purchase_on = p.last_on, "
            "  purchase_count = p.n, total_spent = p.total "
            "FROM (SELECT customer_id, min(purchased_on) AS first_on, max(purchased_on) AS last_on, count(*) AS n, "
            "      sum(amount) AS total FROM customers_purchase GROUP BY customer_id) AS p "
            "WHERE cu.id = p.customer_id"
        )

    with step(f"inserting {INTERACTIONS:,} interactions"):
        execute(
            "INSERT INTO customers_interaction (customer_id, kind, occurred_at, summary, outcome, created_by_id) "
            "SELECT c.id, (ARRAY['call','call','call','call','call','call','visit','sms','email','note'])"
            "  [1 + mod(g, 10)], "
            "  now() - make_interval(days => 1 + mod(g * 13, 700)::int, mins => mod(g, 600)::int), "
            "  (%s::text[])[1 + mod(g, %s)], "
            "  (ARRAY['reached','reached','no_answer','call_back_later',''])[1 + mod(g / 10, 5)], c.owner_id "
            f"FROM generate_series(1, %s::bigint) AS g JOIN {ranked} ON c.r = 1 + mod(g * 7919, %s)",
            [SUMMARIES, len(SUMMARIES), INTERACTIONS, CUSTOMERS * 9 // 10],
        )
    with step("customers' last contact"):
        execute(
            "UPDATE customers_customer AS cu SET last_contact_on = i.last_on "
            f"FROM (SELECT customer_id, max((occurred_at AT TIME ZONE '{tz}')::date) AS last_on "
            "      FROM customers_interaction WHERE kind <> 'note' GROUP BY customer_id) AS i "
            "WHERE cu.id = i.customer_id"
        )

    # 95% closed in the past two years; 5% pending. The measured rep's bulk pending ones lie after
    # day + 7, so what that rep sees is exactly the 200 added below (plus 10 closed on the day).
    with step(f"inserting {FOLLOWUPS:,} follow-ups"):
        execute(
            "INSERT INTO followups_followup (plan_id, customer_id, assignee_id, kind, channel, purpose, priority, "
            "  scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, interaction_id, "
            "  completed_at, completed_by_id, created_at) "
            "SELECT NULL, c.id, c.owner_id, "
            "  CASE mod(g, 10) WHEN 0 THEN 'win_back' WHEN 1 THEN 'one_off' ELSE 'periodic' END, "
            "  CASE WHEN mod(g, 15) = 0 THEN 'visit' ELSE 'call' END, "
            "  (%s::text[])[1 + mod(g, %s)], "
            "  CASE WHEN mod(g, 20) = 0 THEN 3 WHEN mod(g, 20) < 3 THEN 2 WHEN mod(g, 20) < 6 THEN 0 ELSE 1 END, "
            "  x.due_on, x.due_on, x.status, "
            "  CASE WHEN x.status = 'done' "
            "    THEN (ARRAY['reached','reached','reached','no_answer','not_interested'])[1 + mod(g / 3, 5)] "
            "    ELSE '' END, "
            "  CASE WHEN x.status = 'done' AND mod(g, 4) = 0 THEN 'قرار شد پیش‌فاکتور بفرستیم.' ELSE '' END, "
            "  CASE WHEN x.status = 'rescheduled' THEN 1 ELSE 0 END, "
            "  CASE WHEN x.status = 'rescheduled' THEN 'مشتری در سفر است' ELSE '' END, NULL, "
            f"  CASE WHEN x.closed THEN (x.due_on + time '09:00' + make_interval(mins => mod(g, 540)::int)) "
            f"    AT TIME ZONE '{tz}' END, "
            "  CASE WHEN x.closed THEN c.owner_id END, "
            f"  (x.due_on - 7 + time '08:00') AT TIME ZONE '{tz}' "
            f"FROM generate_series(1, %s::bigint) AS g JOIN {ranked} ON c.r = 1 + mod(g * 7919, %s), "
            "LATERAL (SELECT b < 95 AS closed, "
            "  CASE WHEN b < 3 THEN 'skipped' WHEN b < 95 THEN 'done' "
            "       WHEN mod(g, 7) = 0 THEN 'rescheduled' ELSE 'open' END AS status, "
            "  CASE WHEN b < 95 THEN %s::date - (1 + mod(g * 13, 730))::int "
            "       WHEN c.owner_id = %s THEN %s::date + (8 + mod(g * 11, 230))::int "
            "       ELSE %s::date - 30 + mod(g * 11, 240)::int END AS due_on "
            "  FROM (SELECT mod(g * 31, 100) AS b) AS bucket) AS x",
            [PURPOSES, len(PURPOSES), FOLLOWUPS, CUSTOMERS, day, target.pk, day, day],
        )
    with step(f"the measured rep's {TARGET_PENDING} pending follow-ups and {TARGET_CLOSED_TODAY} closed today"):
        _seed_target(target, day)
    with step("VACUUM ANALYZE"):
        vacuum_analyze(
            "customers_customer", "customers_purchase", "customers_interaction", "followups_followup", "auth_user"
        )
    seconds = time.perf_counter() - started
    marker_set(MARKER, day, seconds)
    print(f"  seeded in {seconds:.1f} s")


def _seed_target(target, day: datetime.date) -> None:
    """200 pending up to day + 7: 40 overdue (1-12 days), 30 today, 130 over the next 7 days."""
    from customers.models import Customer
    from followups.models import FollowUp

    customers = list(
        Customer.objects.filter(source=SOURCE, owner=target).order_by("id")[: TARGET_PENDING + TARGET_CLOSED_TODAY]
    )
    rows = []
    for number, customer in enumerate(customers[:TARGET_PENDING]):
        if number < 40:
            due = day - datetime.timedelta(days=1 + number % 12)
        elif number < 70:
            due = day
        else:
            due = day + datetime.timedelta(days=1 + number % 7)
        rescheduled = number % 9 == 0
        rows.append(
            FollowUp(
                customer=customer,
                assignee=target,
                kind=FollowUp.Kind.WIN_BACK if number % 10 == 0 else FollowUp.Kind.PERIODIC,
                channel="visit" if number % 15 == 0 else "call",
                purpose=PURPOSES[number % len(PURPOSES)],
                priority=(3, 2, 1, 1, 1, 0)[number % 6],
                scheduled_on=due - datetime.timedelta(days=3) if rescheduled else due,
                due_on=due,
                status=FollowUp.Status.RESCHEDULED if rescheduled else FollowUp.Status.OPEN,
                snooze_count=1 if rescheduled else 0,
                snooze_reason="مشتری در سفر است" if rescheduled else "",
                created_at=_local(day - datetime.timedelta(days=14), 8),
            )
        )
    for number, customer in enumerate(customers[TARGET_PENDING:]):
        rows.append(
            FollowUp(
                customer=customer,
                assignee=target,
                purpose=PURPOSES[0],
                scheduled_on=day,
                due_on=day,
                status=FollowUp.Status.DONE,
                outcome=FollowUp.Outcome.REACHED,
                note="سفارش جدید ثبت شد.",
                completed_at=_local(day, 9) + datetime.timedelta(minutes=10 * number),
                completed_by=target,
                created_at=_local(day - datetime.timedelta(days=7), 8),
            )
        )
    FollowUp.objects.bulk_create(rows)


# --- measuring -----------------------------------------------------------------------------


def _explain(statement: str, show: bool, label: str, runs: int = 5) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) the SQL exactly as the selector sent it; median of ``runs`` executions."""
    from django.db import connection

    executions, plan = [], ""
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            executions.append(float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))
    planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
    print(
        f"  {label}: execution median {statistics.median(executions):.2f} ms "
        f"(min {min(executions):.2f}, max {max(executions):.2f}, n={runs}), "
        f"planning {planning.group(1) if planning else '?'} ms"
    )
    if show:
        print("    " + plan.replace("\n", "\n    "))


def measure(day: datetime.date, args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from followups import selectors
    from followups.models import FollowUp

    rep = get_user_model().objects.get(username=f"{REP_PREFIX}01")
    url = "/calls/" if day == timezone.localdate() else f"/calls/?day={day.isoformat()}"
    horizon = day + datetime.timedelta(days=selectors.UPCOMING_DAYS)
    pending = FollowUp.objects.filter(assignee=rep, status__in=FollowUp.PENDING)
    print(
        f"database: {FollowUp.objects.count():,} follow-ups, {scalar('SELECT count(*) FROM customers_customer'):,} "
        f"customers, {scalar('SELECT count(*) FROM customers_interaction'):,} interactions"
    )
    print(
        f"rep {rep.username} (id {rep.pk}): {FollowUp.objects.filter(assignee=rep).count():,} follow-ups, "
        f"{pending.count():,} pending, {pending.filter(due_on__lte=horizon).count():,} of them due by {horizon} "
        f"({pending.filter(due_on__lt=day).count()} overdue, {pending.filter(due_on=day).count()} today)"
    )
    if day != timezone.localdate():
        print(f"note: data was seeded for {day}; asking for that day ({url}) — --reseed to seed for today")

    client = Client()
    client.force_login(rep)
    for _ in range(args.warmups):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")

    timings = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    html = response.content.decode()

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    print()
    print(f"GET {url} as {rep.username}: {args.warmups} warm-ups, then {args.requests} measured")
    print(f"  server time: {summary_ms(timings)}")
    print(f"  rows rendered ({ROW_MARKER}): {html.count(ROW_MARKER)}")
    print(f"  HTML size: {len(response.content) / 1024:,.0f} KiB")
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    print(f"  SQL queries in one request: {len(queries)} ({sql_ms:.1f} ms of SQL as seen by Django)")
    for query in queries.captured_queries:
        print(f"    {float(query['time']) * 1000:7.2f} ms  {query['sql'][:110]}")

    selector_timings = []
    for _ in range(args.requests):
        started = time.perf_counter()
        calls = selectors.calls_due_for(day=day, rep=rep)
        selector_timings.append(time.perf_counter() - started)
    print(f"  selectors.calls_due_for alone: {summary_ms(selector_timings)}")
    rendering = statistics.median(timings) - statistics.median(selector_timings)
    print(f"  -> the rest (middleware, session, template rendering): ~{rendering * 1000:.1f} ms median")
    print(
        f"  sections: {len(calls.overdue)} overdue, {len(calls.today)} today, {len(calls.upcoming)} upcoming, "
        f"{len(calls.done)} closed on the day"
    )

    with CaptureQueriesContext(connection) as selector_queries:
        selectors.calls_due_for(day=day, rep=rep)
    print()
    print(f"EXPLAIN ANALYZE of the {len(selector_queries)} queries calls_due_for sends (PostgreSQL):")
    labels = ["main query (followups_due_for: pending up to day + 7)", "closed-on-the-day query"]
    for number, query in enumerate(selector_queries.captured_queries):
        label = labels[number] if number < len(labels) else f"query {number + 1}"
        _explain(query["sql"], args.show_plans, label)


def main() -> None:
    args = parse_args()
    start("calls_due_page", SCHEMA, reseed=args.reseed)
    from django.utils import timezone

    seeded_on = marker_get(MARKER)
    followups = scalar("SELECT count(*) FROM followups_followup")
    if seeded_on is None:
        if followups:
            raise SystemExit(f"schema {SCHEMA} holds a partial seed: run again with --reseed")
        day = timezone.localdate()
        print(f"seeding for day {day} ...")
        seed(day)
    else:
        day = seeded_on
        print(f"reusing seeded data ({followups:,} follow-ups, seeded for {day}; --reseed to rebuild)")
    measure(day, args)


if __name__ == "__main__":
    main()
