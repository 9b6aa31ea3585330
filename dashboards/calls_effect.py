"""Do the calls work? The purchase rate after a call that reached the customer, beside the rate of
customers alike who were not called, within 30 and 90 days (a manager may ask for other horizons).

- **Reached call**: a follow-up done with the outcome "reached". Its **reach day** is the local
  date (Tehran) of the moment it reached the customer; the **rep** who made it is the one who
  logged it (``completed_by``), or its assignee when nobody is recorded.
- **Window**: the calls whose reach day is in [start, end]; only calls whose horizon is over (reach
  day + h <= today) count for horizon h, so no group is judged on a future it has not had.
- **Treated**: each customer's first reached call in the window (one per customer), anchor = its
  reach day. Outcome: a purchase in (anchor, anchor + h]. By rep, a customer counts for the rep
  who made that first call (so the reps' treated add up to the shop's).
- **Strata**: the customer's segment (no segment is its own stratum) and a silence band on the
  anchor day: the days since the customer's last purchase on or before the anchor, divided by their
  typical gap (``PurchaseRhythm.gap_days``, as the nightly refresh keeps it now; when it is empty the
  shop's median of those gaps, and when that is empty too the band is "unknown"). The bands:
  "never bought" (no purchase on or before the anchor), under 1, 1 to under 2, 2 to under 4, 4 and
  over (``SILENCE_BANDS``).
- **Weeks**: 7-day blocks counted from ``start`` (start to start + 6, start + 7 to start + 13, ...;
  the last block ends on ``end``); a treated customer falls in the block that holds their anchor.
- **Comparison group**: for each week and stratum, the customers in that stratum on the week's
  first day (on the books by then: added on or before it, or bought on or before it) who had NO
  reached call in [week start - h, week end + h]; their anchor is the week's first day; outcome the
  same (a purchase in (anchor, anchor + h]). A customer may be counted in several weeks, so the
  comparison's n counts customer-weeks.
- **Combining**: treated and comparison rates are compared within each (week, stratum) cell. Cells
  with no comparison customers are dropped; their treated customers are counted as **unmatched**
  and left out of the treated figures. The comparison rate is standardised to the treated mix:
  each cell weighs w = its treated customers / all matched treated. **Difference**: the treated
  rate minus the standardised comparison rate, with a 95% interval from the normal approximation:
  the difference plus or minus 1.96 times the square root of the sum over the cells of
  w^2 x (p_t (1 - p_t) / n_t + p_c (1 - p_c) / n_c).
- **Verdict**: "too_few" when fewer than 30 treated or 30 comparison customers are counted (too
  small to tell); else "no_clear_difference" when the interval includes 0; else "calls_help" (the
  interval is above 0) or "calls_hurt" (below 0).

A few statements per horizon, whatever the number of customers: one counts the treated customers
and buyers per rep and cell, one the comparison customers and buyers per cell (each week, from a
VALUES list, paired with every customer's last purchase on or before its first day), and one the
shop's median gap. Only the combining of the cells' counts happens in Python.
"""

import datetime
import math
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core import db
from customers.models import Customer, Purchase, PurchaseRhythm
from dashboards.definitions import rate
from followups.models import FollowUp

HORIZONS = (30, 90)
WEEK_DAYS = 7
MIN_GROUP = 30  # fewer treated or comparison customers than this: too small to tell
Z_95 = 1.96
# (band, lowest ratio, the ratio it stays under); ratio = days since the last purchase / typical gap
SILENCE_BANDS = (("under_1", 0, 1), ("1_to_2", 1, 2), ("2_to_4", 2, 4), ("4_and_over", 4, None))
NEVER_BOUGHT, UNKNOWN = "never_bought", "unknown"

TOO_FEW, NO_CLEAR_DIFFERENCE, CALLS_HELP, CALLS_HURT = "too_few", "no_clear_difference", "calls_help", "calls_hurt"


@dataclass(frozen=True)
class Group:
    n: int  # customers (comparison: customer-weeks over the matched cells)
    buyers: int  # bought within the horizon after their anchor
    rate: float | None  # treated: buyers / n; comparison: standardised to the treated mix


@dataclass(frozen=True)
class Effect:
    horizon: int  # days
    treated: Group  # the matched treated customers
    comparison: Group
    difference: float | None  # treated rate - standardised comparison rate
    low: float | None  # the 95% interval of the difference
    high: float | None
    unmatched: int  # treated customers in cells with no comparison customer (left out above)
    verdict: str  # TOO_FEW, NO_CLEAR_DIFFERENCE, CALLS_HELP or CALLS_HURT


@dataclass(frozen=True)
class _Week:
    index: int
    starts_on: datetime.date
    ends_on: datetime.date


def calls_effect(*, start, end, today, owner=None, segment=None, horizons=HORIZONS) -> list[Effect]:
    """One Effect per horizon for the whole shop, one owner's book or one segment."""
    book = _book(owner=owner, segment=segment)
    median = shop_median_gap()
    effects = []
    for horizon in horizons:
        treated, comparison = _cells(book, start=start, end=end, today=today, horizon=horizon, median=median)
        effects.append(_effect(horizon, _summed_over_reps(treated), comparison))
    return effects


def calls_effect_by_rep(*, start, end, today, horizons=HORIZONS) -> list[tuple[object, list[Effect]]]:
    """(rep, one Effect per horizon) for each rep who made a reached call in the window: the treated
    are the customers whose first reached call in the window was theirs; the comparison is the shop's."""
    return calls_effect_with_reps(start=start, end=end, today=today, horizons=horizons)[1]


def calls_effect_with_reps(*, start, end, today, horizons=HORIZONS) -> tuple[list[Effect], list[tuple[object, list]]]:
    """The shop's Effects and each rep's, from one count of the cells per horizon (the shop's
    treated are the reps' summed: each customer counts for the rep of their first reached call)."""
    reps = _reps_who_reached(start, end)
    book, median = _book(), shop_median_gap()
    shop, by_rep = [], {rep.pk: [] for rep in reps}
    for horizon in horizons:
        treated, comparison = _cells(book, start=start, end=end, today=today, horizon=horizon, median=median)
        shop.append(_effect(horizon, _summed_over_reps(treated), comparison))
        for rep_id, effects in by_rep.items():
            theirs = {cell: counts for (who, cell), counts in treated.items() if who == rep_id}
            effects.append(_effect(horizon, theirs, comparison))
    return shop, [(rep, by_rep[rep.pk]) for rep in reps]


def verdict_of(*, treated: int, comparison: int, low: float | None, high: float | None) -> str:
    if treated < MIN_GROUP or comparison < MIN_GROUP or low is None or high is None:
        return TOO_FEW
    if low <= 0 <= high:
        return NO_CLEAR_DIFFERENCE
    return CALLS_HELP if low > 0 else CALLS_HURT


def shop_median_gap() -> float | None:
    """The median of every customer's typical gap (the mean of the two middle ones for an even count)."""
    rhythms = connection.ops.quote_name(PurchaseRhythm._meta.db_table)
    sql = f"""
        SELECT AVG(v) FROM (
            SELECT gap_days AS v, ROW_NUMBER() OVER (ORDER BY gap_days) AS rn, COUNT(*) OVER () AS n
            FROM {rhythms} WHERE gap_days IS NOT NULL
        ) AS ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        median = cursor.fetchone()[0]
    return None if median is None else float(median)


def _weeks_of(start: datetime.date, end: datetime.date) -> list[_Week]:
    """The 7-day blocks from ``start``; the last one ends on ``end``."""
    weeks, index = [], 0
    while start + datetime.timedelta(days=WEEK_DAYS * index) <= end:
        first = start + datetime.timedelta(days=WEEK_DAYS * index)
        weeks.append(_Week(index, first, min(first + datetime.timedelta(days=WEEK_DAYS - 1), end)))
        index += 1
    return weeks


# --- the statements ---------------------------------------------------------------------------


def _book(*, owner=None, segment=None):
    customers = Customer.objects.order_by()
    if owner is not None:
        customers = customers.filter(owner=owner)
    if segment is not None:
        customers = customers.filter(segment=segment)
    customers = customers.annotate(added_on=TruncDate("created_at"), rhythm_gap_days=F("rhythm__gap_days"))
    return customers.values("id", "segment_id", "rhythm_gap_days", "added_on")


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _reached(first_day: datetime.date, last_day: datetime.date):
    """The reached calls whose reach day is in [first_day, last_day] (a range an index can serve)."""
    return (
        FollowUp.objects.order_by()
        .filter(
            status=FollowUp.Status.DONE,
            outcome=FollowUp.Outcome.REACHED,
            reached_at__gte=_midnight(first_day),
            reached_at__lt=_midnight(last_day + datetime.timedelta(days=1)),
        )
        .annotate(reach_day=TruncDate("reached_at"), rep_id=Coalesce(F("completed_by"), F("assignee")))
    )


def _reps_who_reached(start, end) -> list:
    rep_ids = _reached(start, end).filter(rep_id__isnull=False).values("rep_id").distinct()
    return list(get_user_model().objects.filter(pk__in=rep_ids).order_by("first_name", "username", "pk"))


def _band_sql(median: float | None) -> str:
    """The silence band (``SILENCE_BANDS``) of a row of ``x`` on its anchor, from its last purchase by then
    and its typical gap (the shop's median when it has none)."""
    last_on, days = "x.last_on", db.days_between("x.anchor", "x.last_on")
    gap = "x.gap" if median is None else f"COALESCE(x.gap, CAST({float(median)!r} AS DOUBLE PRECISION))"
    bands = " ".join(f"WHEN {days} < {high} * {gap} THEN '{name}'" for name, _low, high in SILENCE_BANDS if high)
    return (
        f"CASE WHEN {last_on} IS NULL THEN '{NEVER_BOUGHT}' WHEN {gap} IS NULL THEN '{UNKNOWN}' "
        f"{bands} ELSE '{SILENCE_BANDS[-1][0]}' END"
    )


def _weeks_sql(weeks: list[_Week], horizon: int) -> str:
    """w (idx, ws, we, calls_from, calls_to, until): a week, the days a call would take a customer out
    of its comparison, and the last day of its outcome."""
    day, span = db.date_literal, datetime.timedelta(days=horizon)
    rows = ", ".join(
        f"({week.index}, {day(week.starts_on)}, {day(week.ends_on)}, {day(week.starts_on - span)}, "
        f"{day(week.ends_on + span)}, {day(week.starts_on + span)})"
        for week in weeks
    )
    return f"w (idx, ws, we, calls_from, calls_to, until) AS (VALUES {rows})"


def _cells(book, *, start, end, today, horizon: int, median: float | None):
    """({(rep_id, cell): (treated, buyers)}, {cell: (comparison, buyers)}), a cell being (week index,
    segment id, band); the comparison only in the weeks that have treated customers."""
    weeks = [week for week in _weeks_of(start, end) if week.starts_on + datetime.timedelta(days=horizon) <= today]
    if not weeks:
        return {}, {}
    treated = _treated_cells(book, weeks, start=start, end=end, today=today, horizon=horizon, median=median)
    having = {cell[0] for _rep, cell in treated}
    comparison = _comparison_cells(book, [week for week in weeks if week.index in having], horizon, median)
    return treated, comparison


def _visits_sql() -> str:
    """``visits``: each purchase with the customer's next purchase day, and for each customer of the book
    a row with no day whose next day is their first purchase (none if they never bought). On any day
    D exactly one row of a customer spans it (``_spans``): its day is their last purchase on or
    before D (none before the first), its next day their first purchase after D. Of several
    purchases on one day only the last spans anything (the others' next day is that same day)."""
    purchase = connection.ops.quote_name(Purchase._meta.db_table)
    return f"""
        visits AS (
            SELECT customer_id, purchased_on,
                   LEAD(purchased_on) OVER (PARTITION BY customer_id ORDER BY purchased_on) AS next_on
            FROM {purchase}
            UNION ALL
            SELECT c.id, NULL, f.first_on FROM book AS c
            LEFT JOIN (SELECT customer_id, MIN(purchased_on) AS first_on FROM {purchase} GROUP BY customer_id) AS f
                   ON f.customer_id = c.id
        )"""


def _spans(day: str) -> str:
    return _spans_between(day, day)


def _spans_between(first: str, last: str) -> str:
    return f"(v.purchased_on IS NULL OR v.purchased_on <= {last}) AND (v.next_on IS NULL OR v.next_on > {first})"


def _spans_some_day(first: datetime.date, last: datetime.date) -> str:
    """The visits that span a day of [first, last] (a filter the planner applies before pairing them with weeks)."""
    return _spans_between(db.date_literal(first), db.date_literal(last))


def _treated_cells(book, weeks, *, start, end, today, horizon, median) -> dict:
    calls_sql, calls_params = (
        _reached(start, end).values("id", "customer_id", "rep_id", "reached_at", "reach_day").query.sql_with_params()
    )
    book_sql, book_params = book.query.sql_with_params()
    until = db.add_days("f.reach_day", str(int(horizon)))
    sql = f"""
        WITH calls AS ({calls_sql}), book AS ({book_sql}), {_weeks_sql(weeks, horizon)}, {_visits_sql()},
        firsts AS (
            SELECT r.customer_id, r.rep_id, r.reach_day,
                   ROW_NUMBER() OVER (PARTITION BY r.customer_id ORDER BY r.reached_at, r.id) AS nth
            FROM calls AS r JOIN book AS c ON c.id = r.customer_id
        ),
        x AS (
            SELECT w.idx, f.rep_id, c.segment_id, c.rhythm_gap_days AS gap, f.reach_day AS anchor,
                   v.purchased_on AS last_on, CASE WHEN v.next_on <= {until} THEN 1 ELSE 0 END AS bought
            FROM firsts AS f JOIN book AS c ON c.id = f.customer_id
            JOIN w ON f.reach_day BETWEEN w.ws AND w.we
            JOIN visits AS v ON v.customer_id = f.customer_id AND {_spans("f.reach_day")}
            WHERE f.nth = 1 AND {until} <= {db.date_literal(today)}
        )
        SELECT b.rep_id, b.idx, b.segment_id, b.band, COUNT(*), SUM(b.bought)
        FROM (SELECT x.rep_id, x.idx, x.segment_id, x.bought, {_band_sql(median)} AS band FROM x) AS b
        GROUP BY b.rep_id, b.idx, b.segment_id, b.band
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*calls_params, *book_params])
        rows = cursor.fetchall()
    return {(rep_id, (idx, segment_id, band)): (n, int(buyers)) for rep_id, idx, segment_id, band, n, buyers in rows}


def _comparison_cells(book, weeks, horizon, median) -> dict:
    if not weeks:
        return {}
    first, last = weeks[0].starts_on, weeks[-1].ends_on
    span = datetime.timedelta(days=horizon)
    calls_sql, calls_params = (
        _reached(first - span, last + span).values("customer_id", "reach_day").query.sql_with_params()
    )
    book_sql, book_params = book.query.sql_with_params()
    sql = f"""
        WITH calls AS ({calls_sql}), book AS ({book_sql}), {_weeks_sql(weeks, horizon)}, {_visits_sql()},
        x AS (
            SELECT w.idx, w.ws AS anchor, c.segment_id, c.rhythm_gap_days AS gap, c.added_on,
                   v.purchased_on AS last_on, CASE WHEN v.next_on <= w.until THEN 1 ELSE 0 END AS bought
            FROM w JOIN visits AS v ON {_spans("w.ws")} AND {_spans_some_day(weeks[0].starts_on, weeks[-1].starts_on)}
            JOIN book AS c ON c.id = v.customer_id
            WHERE NOT EXISTS (SELECT 1 FROM calls AS r WHERE r.customer_id = c.id
                              AND r.reach_day BETWEEN w.calls_from AND w.calls_to)
        )
        SELECT b.idx, b.segment_id, b.band, COUNT(*), SUM(b.bought)
        FROM (
            SELECT x.idx, x.segment_id, x.bought, {_band_sql(median)} AS band FROM x
            WHERE x.last_on IS NOT NULL OR x.added_on <= x.anchor
        ) AS b
        GROUP BY b.idx, b.segment_id, b.band
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*calls_params, *book_params])
        rows = cursor.fetchall()
    return {(idx, segment_id, band): (n, int(buyers)) for idx, segment_id, band, n, buyers in rows}


# --- combining the cells ----------------------------------------------------------------------


def _summed_over_reps(treated: dict) -> dict:
    summed: dict = {}
    for (_rep, cell), (n, buyers) in treated.items():
        had_n, had_buyers = summed.get(cell, (0, 0))
        summed[cell] = (had_n + n, had_buyers + buyers)
    return summed


def _effect(horizon: int, treated: dict, comparison: dict) -> Effect:
    """The standardised comparison, the difference and its interval from the cells' counts."""
    matched = {cell: counts for cell, counts in treated.items() if comparison.get(cell, (0, 0))[0] > 0}
    unmatched = sum(n for cell, (n, _buyers) in treated.items() if cell not in matched)
    n_treated = sum(n for n, _buyers in matched.values())
    n_comparison = sum(comparison[cell][0] for cell in matched)
    buyers_treated = sum(buyers for _n, buyers in matched.values())
    buyers_comparison = sum(comparison[cell][1] for cell in matched)
    if not n_treated:
        standardised = difference = low = high = None
    else:
        standardised, variance = 0.0, 0.0
        for cell, (n_t, buyers_t) in matched.items():
            n_c, buyers_c = comparison[cell]
            weight, p_t, p_c = n_t / n_treated, buyers_t / n_t, buyers_c / n_c
            standardised += weight * p_c
            variance += weight**2 * (p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
        difference = buyers_treated / n_treated - standardised
        margin = Z_95 * math.sqrt(variance)
        low, high = difference - margin, difference + margin
    return Effect(
        horizon=horizon,
        treated=Group(n_treated, buyers_treated, rate(buyers_treated, n_treated)),
        comparison=Group(n_comparison, buyers_comparison, standardised),
        difference=difference,
        low=low,
        high=high,
        unmatched=unmatched,
        verdict=verdict_of(treated=n_treated, comparison=n_comparison, low=low, high=high),
    )
