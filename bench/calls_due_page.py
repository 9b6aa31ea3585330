"""Benchmark: server time of the calls-due page (/calls/) for two reps over a large database (PostgreSQL).

    .venv/bin/python bench/calls_due_page.py [--reseed] [--requests N] [--growth-requests N] [--warmups N]
                                             [--show-plans] [--figures FILE]

Seeds (once; reused afterwards unless --reseed, and again by itself when the schema was seeded by
an older version of this script) 20 reps in the "rep" group, 100,000 customers, 250,000 purchases
(with the customers' purchase figures), 400,000 interactions (with last contact) and 1,000,000
follow-ups (about 95% done or skipped in the past, the rest open or rescheduled; periodic calls
and calls raised for a reason: win-back, detractor, referral ..., with their facts). Two reps are
measured:

- bench_rep01 is given exactly 200 pending follow-ups due up to day + 7 (overdue, today and
  upcoming; their other open ones lie further ahead) and 10 closed on the day;
- bench_bulk01 owns 23,570 imported customers that one monthly cadence put on one day: 20,000
  pending calls, 19,000 of them due on the day or overdue (one ranked "due" list of 19,000 rows),
  1,000 over the next 7 days, and 60 closed on the day.

Three more reps (bench_grow100_01, bench_grow1000_01, bench_grow20000_01) have exactly 100, 1,000
and 20,000 calls due and nothing else: their first screen shows how the page grows with the list.

As each rep (django.test.Client + force_login; DEBUG=False), GETs /calls/ a few times to warm up
and N times measured, then the due section's "show more" (GET /calls/more/) the same way. Beside
each figure it prints the SQL statements that request sent, replayed bare on a psycopg connection
N times (alternating with the requests), and the ratio of the two. Then selectors.calls_due_for
alone (with its bare SQL), a side-by-side table of both reps, and EXPLAIN ANALYZE of the
selector's queries. With --figures FILE it adds the headline rows to FILE for bench/all.py: each
rep's first screen and "show more" (server time against its SQL replayed bare, and the KiB of HTML;
the goal: <= 3x its SQL and <= 150 KiB), the growth rows, and the main (ranking) query under
EXPLAIN ANALYZE. The defaults are the full run (a few minutes once seeded).

Tables live in schema "bench_calls" of the benchmark database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/peygir_bench). Prints figures; never asserts on timings.
"""

import argparse
import datetime
import html as html_lib
import json
import re
import statistics
import time
from urllib.parse import urlencode

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

SCHEMA = "bench_calls"
SOURCE = "bench"  # customers.source
MARKER = "calls_due_page"
# 1: FollowUp.kind/priority, one measured rep. 2: reason/facts/source_key, the 20,000-call rep.
# 3: the growth reps (100, 1,000 and 20,000 due calls).
# A schema seeded under another version is dropped and seeded again on start.
SEED_VERSION = 3
MARKER_NAME = f"{MARKER}:v{SEED_VERSION}"
REP_PREFIX = "bench_rep"
REPS = 20
CUSTOMERS = 100_000
PURCHASES = 250_000
INTERACTIONS = 400_000
FOLLOWUPS = 1_000_000
TARGET_PENDING = 200  # bench_rep01's pending follow-ups due up to day + 7
TARGET_CLOSED_TODAY = 10

# The second measured rep: one cadence applied to an imported book put all of it on one day.
BULK_PREFIX = "bench_bulk"
BULK_SOURCE = "bench-import"
BULK_CUSTOMERS = 23_570
BULK_PENDING = 20_000  # customers 1..20,000 of the book: one pending call each
BULK_TODAY_PERCENT, BULK_OVERDUE_PERCENT = 75, 20  # the rest (5%) over the next 7 days
BULK_OVERDUE_MAX_DAYS = 40
BULK_CLOSED_TODAY = 60  # customers 20,001..20,060: their call closed on the day
BULK_PURCHASES = 60_000
BULK_INTERACTIONS = 30_000
BULK_PURPOSE = "تماس دوره‌ای ماهانه"

# The growth reps: one rep each with exactly this many calls due (overdue or today) and nothing else,
# each call on a customer of their own book: how the first screen grows with the rep's list.
GROWTH_DUE = (100, 1_000, 20_000)
GROWTH_PREFIX = "bench_grow"  # bench_grow100_01 ...
GROWTH_SOURCE = "bench-grow-{}"
GROWTH_OVERDUE_PERCENT = 20  # the rest due on the day

# Offsets keep source keys ("detractor:response:<n>") unique across the three inserts.
GENERAL_KEY_OFFSET, BULK_KEY_OFFSET, TARGET_KEY_OFFSET, GROWTH_KEY_OFFSET = 0, 2_000_000, 3_000_000, 4_000_000
ROW_MARKER = 'data-testid="followup-row"'  # one per row in templates/followups/_row.html


def _mix(weights: dict[str, int]) -> list[str]:
    """The reasons in round-robin order, each as often as its weight (the SQL picks one by index)."""
    left, order = dict(weights), []
    while any(left.values()):
        for reason in weights:
            if left[reason]:
                order.append(reason)
                left[reason] -= 1
    return order


# The 1,000,000 follow-ups: 60% periodic, the rest raised for a reason.
GENERAL_REASONS = _mix(
    {
        "periodic": 12,
        "win_back": 2,
        "one_off": 1,
        "detractor": 1,
        "referral": 1,
        "points_expiring": 1,
        "renewal": 1,
        "onboarding": 1,
    }
)
# The imported book: the cadence's periodic calls (78%), and what causes raised meanwhile.
BULK_REASONS = _mix(
    {
        "periodic": 39,
        "detractor": 3,
        "win_back": 3,
        "referral": 1,
        "one_off": 1,
        "points_expiring": 1,
        "renewal": 1,
        "onboarding": 1,
    }
)
# bench_rep01's 200 by number % 10.
TARGET_REASONS = [
    "periodic",
    "detractor",
    "periodic",
    "win_back",
    "periodic",
    "referral",
    "periodic",
    "one_off",
    "periodic",
    "renewal",
]
# "<cause>:<thing>:<n>" as the causes write them; one-off and periodic calls have no key.
KEY_THING = {
    "detractor": "response",
    "referral": "response",
    "win_back": "silence",
    "points_expiring": "points",
    "renewal": "contract",
    "onboarding": "customer",
}

FIRST_NAMES = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "مهدی", "لیلا"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "کاظمی", "نوری"]
COMPANIES = ["فروشگاه آفتاب", "پخش البرز", "بازرگانی پارس", "کالای نور", "هایپر سپهر"]
# The seeding SQL's name arrays and their lengths, in the order its placeholders take them.
NAME_ARRAYS = [FIRST_NAMES, len(FIRST_NAMES), LAST_NAMES, len(LAST_NAMES), COMPANIES, len(COMPANIES)]
CITIES = ["تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "قم", "رشت"]
PURPOSES = ["تماس دوره‌ای", "پیگیری سفارش", "بازگرداندن مشتری", "معرفی محصول جدید", "تمدید قرارداد"]
SUMMARIES = [
    "مشتری از خرید قبلی راضی بود و گفت ماه بعد دوباره سفارش می‌دهد.",
    "جواب نداد؛ پیامک فرستادم.",
    "درباره قیمت‌های جدید پرسید، فهرست قیمت را ایمیل کردم.",
    "گفت فعلاً موجودی دارد، دو هفته دیگر تماس بگیریم.",
    "از تأخیر ارسال گله داشت، با انبار هماهنگ شد.",
]
DETRACTOR_COMMENTS = [
    "ارسال دو هفته طول کشید.",
    "پشتیبانی تلفن را جواب نمی‌دهد.",
    "کیفیت بسته‌بندی بد بود.",
    "قیمت‌ها نسبت به بقیه بالاست.",
    "",
]
REFERRERS = ["مریم احمدی", "رضا کریمی", "زهرا موسوی", "امیر نوری", "لیلا صادقی"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop this benchmark's schema and seed again")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per figure (default 20)")
    parser.add_argument(
        "--growth-requests", type=int, default=10, help="measured first screens per growth rep (default 10)"
    )
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--show-plans", action="store_true", help="print the full EXPLAIN ANALYZE plans")
    add_figures_argument(parser)
    return parser.parse_args()


# --- seeding ------------------------------------------------------------------------------


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _text_array(values: list[str]) -> str:
    """A SQL text[] literal of constants (this file's own word lists)."""
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]::text[]"


def _facts_sql(reason: str, n: str, day: datetime.date) -> str:
    """SQL for the facts ``reason``'s sentence reads (``followups.reasons``), varied by the integer ``n``."""
    today, n = f"DATE '{day.isoformat()}'", f"({n})::int"  # date ± integer (generate_series gives bigint)

    def iso(expression: str) -> str:
        return f"to_char({expression}, 'YYYY-MM-DD')"

    gap = f"(30 + mod({n}, 61))"
    return (
        f"CASE {reason} "
        f"WHEN 'detractor' THEN jsonb_build_object('score', mod({n}, 7), "
        f"  'comment', ({_text_array(DETRACTOR_COMMENTS)})[1 + mod({n}, {len(DETRACTOR_COMMENTS)})]) "
        f"WHEN 'referral' THEN jsonb_build_object("
        f"  'referrer_name', ({_text_array(REFERRERS)})[1 + mod({n}, {len(REFERRERS)})]) "
        f"WHEN 'win_back' THEN jsonb_build_object('typical_gap_days', {gap}, "
        f"  'last_purchase_on', {iso(f'{today} - ({gap} * (15 + mod({n}, 16)) / 10)')}) "
        f"WHEN 'points_expiring' THEN jsonb_build_object('points', 100 * (1 + mod({n}, 40)), "
        f"  'expires_on', {iso(f'{today} + mod({n}, 30)')}) "
        f"WHEN 'renewal' THEN jsonb_build_object('ends_on', {iso(f'{today} + mod({n}, 45) - 15')}) "
        f"WHEN 'onboarding' THEN jsonb_build_object('since', {iso(f'{today} - mod({n}, 20)')}) "
        "ELSE '{}'::jsonb END"
    )


def _source_key_sql(reason: str, n: str, offset: int) -> str:
    things = " ".join(f"WHEN '{cause}' THEN '{thing}'" for cause, thing in KEY_THING.items())
    return (
        f"CASE WHEN {reason} IN ('periodic', 'one_off') THEN NULL "
        f"ELSE {reason} || ':' || CASE {reason} {things} END || ':' || ({n} + {offset}) END"
    )


def _facts(reason: str, n: int, day: datetime.date) -> dict:
    """Python twin of ``_facts_sql`` for the rows bulk_create writes."""
    gap = 30 + n % 61
    if reason == "detractor":
        return {"score": n % 7, "comment": DETRACTOR_COMMENTS[n % len(DETRACTOR_COMMENTS)]}
    if reason == "referral":
        return {"referrer_name": REFERRERS[n % len(REFERRERS)]}
    if reason == "win_back":
        last = day - datetime.timedelta(days=gap * (15 + n % 16) // 10)
        return {"typical_gap_days": gap, "last_purchase_on": last.isoformat()}
    if reason == "points_expiring":
        return {"points": 100 * (1 + n % 40), "expires_on": (day + datetime.timedelta(days=n % 30)).isoformat()}
    if reason == "renewal":
        return {"ends_on": (day + datetime.timedelta(days=n % 45 - 15)).isoformat()}
    if reason == "onboarding":
        return {"since": (day - datetime.timedelta(days=n % 20)).isoformat()}
    return {}


def _source_key(reason: str, n: int) -> str | None:
    return f"{reason}:{KEY_THING[reason]}:{n}" if reason in KEY_THING else None


def _numbered(source: str, *columns: str) -> str:
    """The customers of ``source`` numbered 1, 2, ... by id (``c.r``), for joining to generate_series."""
    extra = "".join(f", {column}" for column in columns)
    return (
        f"(SELECT id, owner_id{extra}, row_number() OVER (ORDER BY id) AS r FROM customers_customer "
        f"WHERE source = '{source}') AS c"
    )


def seed(day: datetime.date) -> None:
    from django.conf import settings

    started = time.perf_counter()
    reps = ensure_reps(REP_PREFIX, REPS)
    rep_ids = [rep.pk for rep in reps]
    target = reps[0]
    bulk = ensure_reps(BULK_PREFIX, 1)[0]
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
                *NAME_ARRAYS,
            ],
        )
    with step(f"inserting {BULK_CUSTOMERS:,} imported customers of {bulk.username}"):
        execute(
            "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
            "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
            "purchase_count, total_spent, last_contact_on, search_text) "
            "SELECT x.name, x.mobile, '', x.company, (%s::text[])[1 + mod(g, %s)], NULL, '', %s, 'fa', false, %s, "
            f"  (%s::date - 30 + time '10:00') AT TIME ZONE '{tz}', NULL, NULL, 0, 0, NULL, "
            "  lower(concat_ws(' ', x.name, x.company, x.mobile)) "
            "FROM generate_series(1, %s) AS g, LATERAL (SELECT "
            "  (%s::text[])[1 + mod(g * 5, %s)] || ' ' || (%s::text[])[1 + mod(g / 3, %s)] || ' ' || g AS name, "
            "  '093' || lpad(g::text, 8, '0') AS mobile, "
            "  CASE WHEN mod(g, 4) = 0 THEN (%s::text[])[1 + mod(g, %s)] ELSE '' END AS company) AS x",
            [
                CITIES,
                len(CITIES),
                bulk.pk,
                BULK_SOURCE,
                day,
                BULK_CUSTOMERS,
                *NAME_ARRAYS,
            ],
        )
    general, book = _numbered(SOURCE), _numbered(BULK_SOURCE)

    with step(f"inserting {PURCHASES:,} purchases (3 in 4 customers buy) and {BULK_PURCHASES:,} imported ones"):
        execute(
            "INSERT INTO customers_purchase (customer_id, purchased_on, amount, reference, note, created_at) "
            "SELECT c.id, %s::date - (1 + mod(g * 17, 1000))::int, (1 + mod(g * 31, 500)) * 1000000, "
            "  'INV-' || g, '', now() "
            f"FROM generate_series(1, %s::bigint) AS g JOIN {general} ON c.r = 1 + mod(g * 7919, %s)",
            [day, PURCHASES, CUSTOMERS * 3 // 4],
        )
        execute(
            "INSERT INTO customers_purchase (customer_id, purchased_on, amount, reference, note, created_at) "
            "SELECT c.id, %s::date - (31 + mod(g * 17, 700))::int, (1 + mod(g * 37, 800)) * 1000000, "
            "  'IMP-' || g, '', now() "
            f"FROM generate_series(1, %s::bigint) AS g JOIN {book} ON c.r = 1 + mod(g * 7919, %s)",
            [day, BULK_PURCHASES, BULK_CUSTOMERS * 3 // 4],
        )
    with step("customers' purchase figures"):
        seed_purchase_figures()

    interaction_sql = (
        "INSERT INTO customers_interaction (customer_id, kind, occurred_at, summary, outcome, created_by_id) "
        "SELECT c.id, (ARRAY['call','call','call','call','call','call','visit','sms','email','note'])"
        "  [1 + mod(g, 10)], "
        "  now() - make_interval(days => 1 + mod(g * 13, %s)::int, mins => mod(g, 600)::int), "
        "  (%s::text[])[1 + mod(g, %s)], "
        "  (ARRAY['reached','reached','no_answer','call_back_later',''])[1 + mod(g / 10, 5)], c.owner_id "
        "FROM generate_series(1, %s::bigint) AS g JOIN {numbered} ON c.r = 1 + mod(g * 7919, %s)"
    )
    with step(f"inserting {INTERACTIONS:,} interactions and {BULK_INTERACTIONS:,} with imported customers"):
        execute(
            interaction_sql.format(numbered=general),
            [700, SUMMARIES, len(SUMMARIES), INTERACTIONS, CUSTOMERS * 9 // 10],
        )
        execute(
            interaction_sql.format(numbered=book),
            [60, SUMMARIES, len(SUMMARIES), BULK_INTERACTIONS, BULK_CUSTOMERS * 2 // 3],
        )
    with step("customers' last contact"):
        execute(
            "UPDATE customers_customer AS cu SET last_contact_on = i.last_on "
            f"FROM (SELECT customer_id, max((occurred_at AT TIME ZONE '{tz}')::date) AS last_on "
            "      FROM customers_interaction WHERE kind <> 'note' GROUP BY customer_id) AS i "
            "WHERE cu.id = i.customer_id"
        )

    # 95% closed in the past two years; 5% pending. bench_rep01's bulk pending ones lie after
    # day + 7, so what that rep sees is exactly the 200 added below (plus 10 closed on the day).
    # The reason is picked by g / 100 and the bucket by g mod 100, so every reason is pending somewhere.
    with step(f"inserting {FOLLOWUPS:,} follow-ups"):
        execute(
            "INSERT INTO followups_followup (plan_id, customer_id, assignee_id, reason, source_key, facts, "
            "  channel, purpose, scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, "
            "  interaction_id, completed_at, completed_by_id, created_at) "
            "SELECT NULL, c.id, c.owner_id, x.reason, "
            f"  {_source_key_sql('x.reason', 'g', GENERAL_KEY_OFFSET)}, {_facts_sql('x.reason', 'g', day)}, "
            "  CASE WHEN mod(g, 15) = 0 THEN 'visit' ELSE 'call' END, "
            "  CASE WHEN x.reason IN ('periodic', 'one_off') THEN (%s::text[])[1 + mod(g, %s)] ELSE '' END, "
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
            f"FROM generate_series(1, %s::bigint) AS g JOIN {general} ON c.r = 1 + mod(g * 7919, %s), "
            "LATERAL (SELECT b < 95 AS closed, (%s::text[])[1 + mod(g / 100, %s)] AS reason, "
            "  CASE WHEN b < 3 THEN 'skipped' WHEN b < 95 THEN 'done' "
            "       WHEN mod(g, 7) = 0 THEN 'rescheduled' ELSE 'open' END AS status, "
            "  CASE WHEN b < 95 THEN %s::date - (1 + mod(g * 13, 730))::int "
            "       WHEN c.owner_id = %s THEN %s::date + (8 + mod(g * 11, 230))::int "
            "       ELSE %s::date - 30 + mod(g * 11, 240)::int END AS due_on "
            "  FROM (SELECT mod(g * 31, 100) AS b) AS bucket) AS x",
            [
                PURPOSES,
                len(PURPOSES),
                FOLLOWUPS,
                CUSTOMERS,
                GENERAL_REASONS,
                len(GENERAL_REASONS),
                day,
                target.pk,
                day,
                day,
            ],
        )
    with step(f"bench_rep01's {TARGET_PENDING} pending follow-ups and {TARGET_CLOSED_TODAY} closed today"):
        _seed_target(target, day)
    with step(
        f"{bulk.username}'s {BULK_PENDING:,} pending calls (with their plans) and {BULK_CLOSED_TODAY} closed today"
    ):
        _seed_bulk(bulk, day, tz)
    for index, due in enumerate(GROWTH_DUE):
        rep = growth_rep(due)
        with step(f"{rep.username}'s book: {due:,} customers, each with one call due"):
            _seed_growth(rep, due, GROWTH_KEY_OFFSET + index * 100_000, day, tz)
    with step("VACUUM ANALYZE"):
        vacuum_analyze(
            "customers_customer",
            "customers_purchase",
            "customers_interaction",
            "followups_followupplan",
            "followups_followup",
            "auth_user",
        )
    seconds = time.perf_counter() - started
    marker_set(MARKER_NAME, day, seconds)
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
        reason = TARGET_REASONS[number % len(TARGET_REASONS)]
        rows.append(
            FollowUp(
                customer=customer,
                assignee=target,
                reason=reason,
                source_key=_source_key(reason, TARGET_KEY_OFFSET + number),
                facts=_facts(reason, number, day),
                channel="visit" if number % 15 == 0 else "call",
                purpose=PURPOSES[number % len(PURPOSES)] if reason in ("periodic", "one_off") else "",
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


def _seed_bulk(bulk, day: datetime.date, tz: str) -> None:
    """The imported book's calls, in one statement: each periodic call gets its monthly plan (anchored
    on the call's scheduled day, occurrence 1 next), the other reasons their facts and source key.

    Customer g of the book (g = 1..20,000) has one pending call: 75% due on the day, 20% overdue by
    1..40 days, 5% over the next 7 days (bucket g / 50 mod 100, reason g mod 50: independent), one in
    11 snoozed by 3 days. Customers 20,001..20,060 have a periodic call closed on the day.
    """
    from followups import cadence, services

    days = services.working_days()
    first, last = day - datetime.timedelta(days=BULK_OVERDUE_MAX_DAYS + 3), day + datetime.timedelta(days=7)
    anchors = [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]
    occurrence_1 = [cadence.due_on(anchor, 1, 1, cadence.MONTHS, cadence.JALALI, days) for anchor in anchors]
    anchor_values = ", ".join(["(%s::date, %s::date)"] * len(anchors))
    today_cut, overdue_cut = BULK_TODAY_PERCENT, BULK_TODAY_PERCENT + BULK_OVERDUE_PERCENT
    execute(
        "WITH calls AS ("
        "  SELECT g, c.id AS customer_id, x.reason, x.due_on, x.status, "
        "    CASE WHEN x.status = 'rescheduled' THEN x.due_on - 3 ELSE x.due_on END AS scheduled_on "
        f"  FROM generate_series(1, %s) AS g JOIN {_numbered(BULK_SOURCE)} ON c.r = g, "
        "  LATERAL (SELECT "
        "    CASE WHEN g > %s THEN 'periodic' ELSE (%s::text[])[1 + mod(g, %s)] END AS reason, "
        "    CASE WHEN g > %s OR b < %s THEN %s::date "
        "         WHEN b < %s THEN %s::date - (1 + mod(g * 7, %s)) "
        "         ELSE %s::date + 1 + mod(g, 7) END AS due_on, "
        "    CASE WHEN g > %s THEN 'done' WHEN mod(g, 11) = 0 THEN 'rescheduled' ELSE 'open' END AS status "
        "    FROM (SELECT mod(g / 50, 100) AS b) AS bucket) AS x"
        "), "
        f"anchors (anchor_on, next_due_on) AS (VALUES {anchor_values}), "
        "plans AS ("
        "  INSERT INTO followups_followupplan (customer_id, assignee_id, every, unit, calendar, starts_on, "
        "    channel, purpose, count_from, active, anchor_on, next_index, next_due_on, created_at, created_by_id, "
        "    is_default) "
        "  SELECT calls.customer_id, %s, 1, 'months', 'jalali', calls.scheduled_on, 'call', %s, 'schedule', "
        f"    true, calls.scheduled_on, 1, anchors.next_due_on, (%s::date - 30 + time '10:05') AT TIME ZONE '{tz}', "
        "    NULL, false "
        "  FROM calls JOIN anchors ON anchors.anchor_on = calls.scheduled_on WHERE calls.reason = 'periodic' "
        "  RETURNING id, customer_id"
        ") "
        "INSERT INTO followups_followup (plan_id, customer_id, assignee_id, reason, source_key, facts, "
        "  channel, purpose, scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, "
        "  interaction_id, completed_at, completed_by_id, created_at) "
        "SELECT plans.id, calls.customer_id, %s, calls.reason, "
        f"  {_source_key_sql('calls.reason', 'calls.g', BULK_KEY_OFFSET)}, "
        f"  {_facts_sql('calls.reason', 'calls.g', day)}, 'call', "
        "  CASE calls.reason WHEN 'periodic' THEN %s WHEN 'one_off' THEN (%s::text[])[1 + mod(calls.g, %s)] "
        "    ELSE '' END, "
        "  calls.scheduled_on, calls.due_on, calls.status, "
        "  CASE WHEN calls.status = 'done' THEN 'reached' ELSE '' END, '', "
        "  CASE WHEN calls.status = 'rescheduled' THEN 1 ELSE 0 END, "
        "  CASE WHEN calls.status = 'rescheduled' THEN 'مشتری در سفر است' ELSE '' END, NULL, "
        "  CASE WHEN calls.status = 'done' "
        f"    THEN (%s::date + time '09:00' + make_interval(mins => (calls.g - %s)::int * 5)) AT TIME ZONE '{tz}' "
        "    END, "
        "  CASE WHEN calls.status = 'done' THEN %s::bigint END, "
        f"  (LEAST(calls.scheduled_on, %s::date) - 7 + time '08:00') AT TIME ZONE '{tz}' "
        "FROM calls LEFT JOIN plans ON plans.customer_id = calls.customer_id",
        [
            BULK_PENDING + BULK_CLOSED_TODAY,
            BULK_PENDING,
            BULK_REASONS,
            len(BULK_REASONS),
            BULK_PENDING,
            today_cut,
            day,
            overdue_cut,
            day,
            BULK_OVERDUE_MAX_DAYS,
            day,
            BULK_PENDING,
            *[value for pair in zip(anchors, occurrence_1, strict=True) for value in pair],
            bulk.pk,
            BULK_PURPOSE,
            day,
            bulk.pk,
            BULK_PURPOSE,
            PURPOSES,
            len(PURPOSES),
            day,
            BULK_PENDING,
            bulk.pk,
            day,
        ],
    )


def growth_rep(due: int):
    return ensure_reps(f"{GROWTH_PREFIX}{due}_", 1)[0]


def _seed_growth(rep, due: int, key_offset: int, day: datetime.date, tz: str) -> None:
    """``due`` customers owned by ``rep``, each with purchase figures, a last contact for two in three
    and one pending call: 80% due on the day, 20% overdue by 1..30 days, one in 11 snoozed."""
    source = GROWTH_SOURCE.format(due)
    execute(
        "INSERT INTO customers_customer (name, mobile, email, company, city, segment_id, notes, owner_id, "
        "preferred_language, email_opt_out, source, created_at, first_purchase_on, last_purchase_on, "
        "purchase_count, total_spent, last_contact_on, search_text) "
        "SELECT x.name, x.mobile, CASE WHEN mod(g, 3) = 0 THEN 'g' || %s || '-' || g || '@example.com' ELSE '' END, "
        "  x.company, (%s::text[])[1 + mod(g, %s)], NULL, '', %s, 'fa', false, %s, "
        "  now() - make_interval(days => 400 + mod(g, 500)::int), "
        "  CASE WHEN mod(g, 8) > 0 THEN %s::date - (300 + mod(g * 7, 400))::int END, "
        "  CASE WHEN mod(g, 8) > 0 THEN %s::date - (10 + mod(g * 13, 200))::int END, "
        "  CASE WHEN mod(g, 8) > 0 THEN 1 + mod(g, 9) ELSE 0 END, "
        "  CASE WHEN mod(g, 8) > 0 THEN (1 + mod(g * 31, 900)) * 1000000 ELSE 0 END, NULL, "
        "  lower(concat_ws(' ', x.name, x.company, x.mobile)) "
        "FROM generate_series(1, %s) AS g, LATERAL (SELECT "
        "  (%s::text[])[1 + mod(g * 3, %s)] || ' ' || (%s::text[])[1 + mod(g / 5, %s)] || ' ' || g AS name, "
        "  '091' || lpad((%s * 100000 + g)::text, 8, '0') AS mobile, "
        "  CASE WHEN mod(g, 5) = 0 THEN (%s::text[])[1 + mod(g, %s)] ELSE '' END AS company) AS x",
        [
            due,
            CITIES,
            len(CITIES),
            rep.pk,
            source,
            day,
            day,
            due,
            *NAME_ARRAYS[:4],
            GROWTH_DUE.index(due) + 1,
            *NAME_ARRAYS[4:],
        ],
    )
    book = _numbered(source)
    execute(
        "INSERT INTO customers_interaction (customer_id, kind, occurred_at, summary, outcome, created_by_id) "
        "SELECT c.id, 'call', now() - make_interval(days => 5 + mod(c.r * 13, 120)::int, mins => mod(c.r, 600)::int), "
        "  (%s::text[])[1 + mod(c.r, %s)], "
        "  (ARRAY['reached','reached','no_answer','call_back_later',''])[1 + mod(c.r / 10, 5)], %s "
        f"FROM {book} WHERE mod(c.r, 3) > 0",
        [SUMMARIES, len(SUMMARIES), rep.pk],
    )
    execute(
        "UPDATE customers_customer AS cu SET last_contact_on = i.last_on "
        f"FROM (SELECT customer_id, max((occurred_at AT TIME ZONE '{tz}')::date) AS last_on "
        "      FROM customers_interaction GROUP BY customer_id) AS i "
        "WHERE cu.id = i.customer_id AND cu.source = %s",
        [source],
    )
    execute(
        "INSERT INTO followups_followup (plan_id, customer_id, assignee_id, reason, source_key, facts, "
        "  channel, purpose, scheduled_on, due_on, status, outcome, note, snooze_count, snooze_reason, "
        "  interaction_id, completed_at, completed_by_id, created_at) "
        "SELECT NULL, c.id, %s, x.reason, "
        f"  {_source_key_sql('x.reason', 'c.r', key_offset)}, {_facts_sql('x.reason', 'c.r', day)}, "
        "  CASE WHEN mod(c.r, 15) = 0 THEN 'visit' ELSE 'call' END, "
        "  CASE WHEN x.reason IN ('periodic', 'one_off') THEN (%s::text[])[1 + mod(c.r, %s)] ELSE '' END, "
        "  CASE WHEN x.snoozed THEN x.due_on - 3 ELSE x.due_on END, x.due_on, "
        "  CASE WHEN x.snoozed THEN 'rescheduled' ELSE 'open' END, '', '', "
        "  CASE WHEN x.snoozed THEN 1 ELSE 0 END, CASE WHEN x.snoozed THEN 'مشتری در سفر است' ELSE '' END, "
        f"  NULL, NULL, NULL, (%s::date - 14 + time '08:00') AT TIME ZONE '{tz}' "
        f"FROM {book}, LATERAL (SELECT (%s::text[])[1 + mod(c.r, %s)] AS reason, mod(c.r, 11) = 0 AS snoozed, "
        "  CASE WHEN mod(c.r * 7, 100) < %s THEN %s::date - (1 + mod(c.r, 30))::int ELSE %s::date END AS due_on) AS x",
        [
            rep.pk,
            PURPOSES,
            len(PURPOSES),
            day,
            BULK_REASONS,
            len(BULK_REASONS),
            GROWTH_OVERDUE_PERCENT,
            day,
            day,
        ],
    )


# --- measuring -----------------------------------------------------------------------------


def _explain(statement: str, show: bool, label: str, runs: int = 5) -> float:
    """EXPLAIN (ANALYZE, BUFFERS) the SQL exactly as the selector sent it; the median of ``runs`` executions (ms)."""
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
    return statistics.median(executions)


class Measured:
    """One kind of request timed N times, each time followed by the bare replay of its SQL statements."""

    def __init__(self, label: str, captured: list[dict], seconds: list[float], bare: list[float], each: list):
        self.label = label
        self.captured = captured
        self.seconds = seconds
        self.bare = bare
        self.each = each  # per replayed statement: its seconds in each replay
        self.html = ""
        self.rows = 0

    @property
    def statements(self) -> int:
        return len(self.captured)

    def print(self, *, with_statements: bool = True) -> None:
        print(f"  {self.label} time: {summary_ms(self.seconds)}")
        print(f"  bare SQL replay:   {summary_ms(self.bare)}")
        print("  " + ratio_line(self.label, self.seconds, len(self.each), self.bare))
        if len(self.each) < self.statements:
            print(f"  ({self.statements - len(self.each)} statements that write were not replayed)")
        if with_statements:
            # Django logs a statement's time to the millisecond ("%.3f" seconds): read it as a rough figure.
            print("  statements (Django's time in the captured request, 1 ms resolution | bare replay median):")
            replayed = iter(self.each)
            for query in self.captured:
                bare = (
                    f"{statistics.median(next(replayed)) * 1000:7.2f} ms"
                    if is_read_only(query["sql"])
                    else "  (not replayed)"
                )
                print(f"    {float(query['time']) * 1000:4.0f} ms | {bare}  {query['sql'][:100]}")


def _timed_with_replay(label: str, send, runs: int, conn) -> Measured:
    """Capture the statements ``send()`` makes once, then alternate ``send()`` and their bare replay
    ``runs`` times (alternating, so a noisy moment of the machine hits both figures alike)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        send()
    captured = list(queries.captured_queries)
    statements = [query["sql"] for query in captured if is_read_only(query["sql"])]
    seconds, bare, each = [], [], [[] for _ in statements]
    for _ in range(runs):
        started = time.perf_counter()
        send()
        seconds.append(time.perf_counter() - started)
        total, per_statement = replay(conn, statements)
        bare.append(total)
        for index, value in enumerate(per_statement):
            each[index].append(value)
    return Measured(label, captured, seconds, bare, each)


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def _show_more_url(html: str, section: str = "due") -> str | None:
    """The "show more" request htmx sends: the button's hx-get plus the page frame's hx-vals (day, rep)."""
    button = re.search(rf'data-testid="show-more-{section}"\s+hx-get="([^"]+)"', html)
    frame = re.search(r"id=\"calls-due\" hx-vals='([^']*)'", html)
    if not button:
        return None
    url = html_lib.unescape(button.group(1))
    if frame:
        url += "&" + urlencode(json.loads(html_lib.unescape(frame.group(1))))
    return url


def measure_rep(rep, day: datetime.date, args, conn) -> dict:
    from django.test import Client
    from django.utils import timezone

    from followups import selectors
    from followups.models import FollowUp
    from followups.services import horizon_for

    horizon = horizon_for(day)
    pending = FollowUp.objects.filter(assignee=rep, status__in=FollowUp.PENDING)
    print()
    print(
        f"=== rep {rep.username} (id {rep.pk}): {FollowUp.objects.filter(assignee=rep).count():,} follow-ups, "
        f"{pending.count():,} pending, {pending.filter(due_on__lte=horizon).count():,} of them due by {horizon} "
        f"({pending.filter(due_on__lt=day).count():,} overdue, {pending.filter(due_on=day).count():,} today)"
    )
    url = "/calls/" if day == timezone.localdate() else f"/calls/?day={day.isoformat()}"
    client = Client()
    client.force_login(rep)
    for _ in range(args.warmups):
        _get(client, url)
    last = {}

    def page():
        last["response"] = _get(client, url)

    print(f"GET {url}: {args.warmups} warm-ups, then {args.requests} measured, each followed by its SQL replayed bare")
    page_figures = _timed_with_replay("page", page, args.requests, conn)
    html = last["response"].content.decode()
    page_figures.html, page_figures.rows = html, html.count(ROW_MARKER)
    page_figures.print()
    print(f"  rows rendered ({ROW_MARKER}): {page_figures.rows}")
    print(f"  HTML size: {len(last['response'].content) / 1024:,.0f} KiB")
    print(f"  SQL queries in one request: {page_figures.statements}")

    more_figures = None
    more_url = _show_more_url(html)
    if more_url:
        print()
        print(
            f'GET {more_url} (htmx, the due section\'s "show more"): {args.warmups} warm-ups, {args.requests} measured'
        )
        for _ in range(args.warmups):
            _get(client, more_url)

        def more():
            last["more"] = _get(client, more_url)

        more_figures = _timed_with_replay("show more", more, args.requests, conn)
        more_html = last["more"].content.decode()
        more_figures.html, more_figures.rows = more_html, more_html.count(ROW_MARKER)
        more_figures.print()
        print(f"  rows rendered: {more_figures.rows}; HTML size: {len(last['more'].content) / 1024:,.0f} KiB")
    else:
        print('  (no "show more" in the due section)')

    print()
    calls = selectors.calls_due_for(day=day, rep=rep)
    selector_figures = _timed_with_replay(
        "calls_due_for", lambda: selectors.calls_due_for(day=day, rep=rep), args.requests, conn
    )
    selector_figures.print(with_statements=False)
    rendering = statistics.median(page_figures.seconds) - statistics.median(selector_figures.seconds)
    print(f"  -> the rest of the page (middleware, session, template rendering): ~{rendering * 1000:.1f} ms median")
    print(
        f"  sections: due {calls.due:,} ({calls.overdue:,} overdue, {calls.today:,} today), upcoming "
        f"{calls.upcoming:,}, closed on the day {calls.done:,}; rows on the page: "
        + ", ".join(f"{name} {len(section.rows)}" for name, section in calls.pages.items())
    )
    return {
        "rep": rep,
        "calls": calls,
        "page": page_figures,
        "more": more_figures,
        "selector": selector_figures,
        "more_cursor": calls.pages["due"].next_cursor,
        "html_kib": len(last["response"].content) / 1024,
        "more_kib": len(last["more"].content) / 1024 if more_figures else None,
    }


def measure_growth(day: datetime.date, args, conn) -> list[dict]:
    """Each growth rep's first screen, timed against its SQL replayed bare (alternating, same run)."""
    from django.test import Client
    from django.utils import timezone

    url = "/calls/" if day == timezone.localdate() else f"/calls/?day={day.isoformat()}"
    print()
    print(f"growth: the first screen ({url}) of a rep with 100, 1,000 and 20,000 due, {args.growth_requests} each")
    rows = []
    for due in GROWTH_DUE:
        rep = growth_rep(due)
        client = Client()
        client.force_login(rep)
        for _ in range(args.warmups):
            _get(client, url)
        last = {}

        def page(client=client, last=last):
            last["response"] = _get(client, url)

        figures = _timed_with_replay(f"{due:,} due", page, args.growth_requests, conn)
        kib = len(last["response"].content) / 1024
        rows.append({"due": due, "figures": figures, "kib": kib})
        whole, bare = statistics.median(figures.seconds) * 1000, statistics.median(figures.bare) * 1000
        print(
            f"  {due:>6,} due: page {whole:6.1f} ms, its {len(figures.each)} SQL statements alone {bare:6.1f} ms, "
            f"ratio {whole / bare:.1f}x; {kib:,.0f} KiB, {last['response'].content.decode().count(ROW_MARKER)} rows"
        )
    return rows


GOAL = "≤ 3× its SQL, ≤ 150 KiB"
MAX_RATIO, MAX_KIB = 3.0, 150.0


def figures_of(results: list[dict], growth: list[dict], main_query: dict[str, float]) -> list[Figure]:
    """The headline rows for bench/all.py: each screen against its bare SQL, its KiB, and the growth."""
    figures = []
    for result in results:
        pending = "200" if result["rep"].username.startswith(REP_PREFIX) else f"{BULK_PENDING:,}"
        for kind, measured, kib in (
            ("first screen (top 50 ranked)", result["page"], result["html_kib"]),
            ('"show more" (next 50)', result["more"], result["more_kib"]),
        ):
            if measured is None:
                continue
            value, limit = statistics.median(measured.seconds) * 1000, statistics.median(measured.bare) * 1000
            path = f"calls-due {kind}, a rep with {pending} pending calls"
            met = value <= MAX_RATIO * limit and kib <= MAX_KIB
            figures.append(Figure(path, round(value, 1), "ms", round(limit, 1), "its SQL replayed bare", GOAL, met))
            figures.append(Figure(f"{path}: HTML", round(kib, 1), "KiB", goal="≤ 150 KiB", met=kib <= MAX_KIB))
    for row in growth:
        measured = row["figures"]
        value, limit = statistics.median(measured.seconds) * 1000, statistics.median(measured.bare) * 1000
        path = f"calls-due first screen, growth: {row['due']:,} due rows for one rep"
        figures.append(Figure(path, round(value, 1), "ms", round(limit, 1), "its SQL replayed bare"))
    for due, ms in main_query.items():
        figures.append(Figure(f"calls-due main query (ranking {due} due calls) under EXPLAIN ANALYZE", ms, "ms"))
    return figures


def _side_by_side(results: list[dict]) -> None:
    def ms(values: list[float], how: str) -> str:
        if how == "median":
            return f"{statistics.median(values) * 1000:.1f} ms"
        if how == "p95":
            return f"{percentile(values, 0.95) * 1000:.1f} ms"
        return f"{(min if how == 'min' else max)(values) * 1000:.1f} ms"

    def ratio(figures) -> str:
        bare = statistics.median(figures.bare)
        return f"{statistics.median(figures.seconds) / bare:.1f}×" if bare else "n/a"

    lines: list[tuple[str, list[str]]] = [
        ("pending due by the horizon", [f"{r['calls'].due + r['calls'].upcoming:,}" for r in results]),
        ("  ranked in 'due' (overdue + today)", [f"{r['calls'].due:,}" for r in results]),
    ]
    for how in ("median", "p95", "min", "max"):
        lines.append((f"page server time, {how}", [ms(r["page"].seconds, how) for r in results]))
    lines += [
        ("page rows rendered", [str(r["page"].rows) for r in results]),
        ("page HTML size", [f"{r['html_kib']:,.0f} KiB" for r in results]),
        ("page SQL queries", [str(r["page"].statements) for r in results]),
        ("page's SQL alone (bare), median", [ms(r["page"].bare, "median") for r in results]),
        ("page / its bare SQL", [ratio(r["page"]) for r in results]),
    ]
    for how in ("median", "p95", "min", "max"):
        lines.append((f"show more, {how}", [ms(r["more"].seconds, how) if r["more"] else "-" for r in results]))
    lines += [
        (
            "show more rows / SQL queries",
            [f"{r['more'].rows} / {r['more'].statements}" if r["more"] else "-" for r in results],
        ),
        ("show more's SQL alone, median", [ms(r["more"].bare, "median") if r["more"] else "-" for r in results]),
        ("show more / its bare SQL", [ratio(r["more"]) if r["more"] else "-" for r in results]),
        ("calls_due_for alone, median", [ms(r["selector"].seconds, "median") for r in results]),
        ("calls_due_for's SQL alone, median", [ms(r["selector"].bare, "median") for r in results]),
        ("calls_due_for / its bare SQL", [ratio(r["selector"]) for r in results]),
    ]
    width = max(len(label) for label, _values in lines) + 2
    print()
    print("side by side (same run; ratios matter more than the absolute figures):")
    print(" " * width + "".join(f"{r['rep'].username:>16}" for r in results))
    for label, values in lines:
        print(f"{label:<{width}}" + "".join(f"{value:>16}" for value in values))


def measure(day: datetime.date, args) -> tuple[list[dict], list[dict], dict[str, float]]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from customers.selectors import typical_customer_value
    from followups import selectors
    from followups.models import FollowUp

    user_model = get_user_model()
    reps = [user_model.objects.get(username=f"{REP_PREFIX}01"), user_model.objects.get(username=f"{BULK_PREFIX}01")]
    print(
        f"database: {FollowUp.objects.count():,} follow-ups, {scalar('SELECT count(*) FROM customers_customer'):,} "
        f"customers, {scalar('SELECT count(*) FROM customers_interaction'):,} interactions"
    )
    if day != timezone.localdate():
        print(f"note: data was seeded for {day}; asking for that day — --reseed to seed for today")
    cache.delete(f"peygir:typical-customer-value:{day.isoformat()}")
    started = time.perf_counter()
    typical = typical_customer_value(day=day)
    print(
        f"typical_customer_value (cached an hour; every figure below is with it cached): "
        f"{typical:,.0f} Rial, {(time.perf_counter() - started) * 1000:.1f} ms when not cached"
    )

    conn = bare_connection(SCHEMA)
    try:
        results = [measure_rep(rep, day, args, conn) for rep in reps]
        growth = measure_growth(day, args, conn)
    finally:
        conn.close()
    _side_by_side(results)

    labels = [
        "counts of the pending calls (one aggregate)",
        "count of the calls closed on the day",
        "due: rank every due call, keep the first page's ids",
        "upcoming: rank, keep the first page's ids",
        "done: the first page's ids",
        "read the rows of the three pages",
    ]
    main_query = {}
    for result in results:
        rep = result["rep"]
        with CaptureQueriesContext(connection) as selector_queries:
            selectors.calls_due_for(day=day, rep=rep)
        print()
        print(f"EXPLAIN ANALYZE of the {len(selector_queries)} queries calls_due_for sends for {rep.username}:")
        for number, query in enumerate(selector_queries.captured_queries):
            label = labels[number] if len(selector_queries) == len(labels) else f"query {number + 1}"
            executed = _explain(query["sql"], args.show_plans, label)
            if label == labels[2]:
                main_query[f"{result['calls'].due:,}"] = round(executed, 2)
        if result["more_cursor"]:
            with CaptureQueriesContext(connection) as more_queries:
                selectors.calls_section_page(section="due", day=day, rep=rep, cursor=result["more_cursor"])
            more_labels = ["due, next page: rank the calls after the cursor", "due, next page: read the rows"]
            for number, query in enumerate(more_queries.captured_queries):
                label = more_labels[number] if number < len(more_labels) else f"query {number + 1}"
                _explain(query["sql"], args.show_plans, label)
    return results, growth, main_query


def main() -> None:
    args = parse_args()
    start("calls_due_page", SCHEMA, reseed=args.reseed)
    from django.utils import timezone

    seeded_on = marker_get(MARKER_NAME)
    followups = scalar("SELECT count(*) FROM followups_followup")
    if seeded_on is None and followups:
        older = [name for name in marker_names(MARKER) if name != MARKER_NAME]
        if not older:
            raise SystemExit(f"schema {SCHEMA} holds a partial seed: run again with --reseed")
        print(f"schema {SCHEMA} was seeded by another version of this script ({', '.join(older)}): seeding again")
        reset_schema(SCHEMA)
    collect_static()
    if seeded_on is None:
        day = timezone.localdate()
        print(f"seeding for day {day} ...")
        seed(day)
    else:
        day = seeded_on
        print(f"reusing seeded data ({followups:,} follow-ups, seeded for {day}; --reseed to rebuild)")
    results, growth, main_query = measure(day, args)
    figures = figures_of(results, growth, main_query)
    print()
    print("figures:")
    for figure in figures:
        ratio = f" ({figure.ratio:.1f}× its limit, {figure.limit} {figure.unit})" if figure.ratio else ""
        met = "" if figure.met is None else ("; met" if figure.met else "; NOT met")
        print(f"  {figure.path}: {figure.value} {figure.unit}{ratio}{met}")
    write_figures(args.figures, figures)


if __name__ == "__main__":
    main()
