"""A customer's purchase rhythm, computed in SQL in one pass: the typical gap, when the next
purchase is expected, and whether they have gone silent.

- A customer's **own gap** is the median of the days between their purchase days (several
  purchases on one day are one visit).
- With few gaps the own gap is **shrunk toward the segment's median** (all customers' when the
  segment has fewer than ``MIN_SEGMENT_CUSTOMERS`` repeat buyers, or none):
  ``typical = (n × own + W × prior) / (n + W)`` for n gaps, ``W = PRIOR_WEIGHT``, so one odd gap
  does not decide.
- A customer with **one purchase day** is judged against the shop's first-to-second gaps: the
  day by which ``FIRST_RETURN_SHARE`` (80%) of those who came back had come back. Their next
  purchase is expected after the median first-to-second gap.
- **Silent** when the days since the last purchase exceed the rule's threshold (``SilenceRule``).

The statements serve the nightly refresh of every customer, the refresh of the customers a batch
of purchases touched, and the backtest, which runs them as of a past date. PostgreSQL and SQLite
get the same SQL but for date arithmetic.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date
from core.db import days_between, greatest
from core.numbers import format_number, format_percent

PRIOR_WEIGHT = 2
MIN_SEGMENT_CUSTOMERS = 5
FIRST_RETURN_SHARE = 0.8


@dataclass(frozen=True)
class SilenceRule:
    """Silent when the days since the last purchase exceed ``max(floor, k × typical gap)`` for a
    repeat buyer and ``max(floor, first-return day)`` for a one-time buyer; with ``k`` None, the
    floor alone (a flat "silent for more than N days" rule)."""

    k: float | None
    floor_days: int

    def threshold_sql(self, gap: str = "r.gap", basis: str = "r.basis") -> str:
        """SQL for the days after the last purchase beyond which a customer is silent."""
        floor = str(int(self.floor_days))
        if self.k is None:
            return floor
        times = f"CAST({float(self.k)} AS DOUBLE PRECISION)"  # not numeric: 10x faster per row on PostgreSQL
        return (
            f"CASE WHEN {gap} IS NULL THEN {floor} "
            f"WHEN {basis} = 'own' THEN {greatest(floor, f'{times} * {gap}')} "
            f"ELSE {greatest(floor, gap)} END"
        )


def _median(value: str, table: str, partition: str = "") -> str:
    """The median of ``value`` per ``partition`` (or over ``table``), and how many it was taken of."""
    over = f"PARTITION BY {partition} " if partition else ""
    keys = f"{partition}, " if partition else ""
    group = f" GROUP BY {partition}" if partition else ""
    return (
        f"SELECT {keys}AVG(v) AS median, MAX(n) AS n FROM ("
        f"SELECT {keys}{value} AS v, ROW_NUMBER() OVER ({over}ORDER BY {value}) AS rn, "
        f"COUNT(*) OVER ({over.strip()}) AS n FROM {table}) AS ranked "
        f"WHERE rn IN ((n + 1) / 2, (n + 2) / 2){group}"
    )


def _gap_ctes(customer_filter: str = "") -> list[str]:
    """Purchase days up to the date (the one parameter), their gaps, and each buyer's own median gap."""
    lag = "LAG(purchased_on) OVER (PARTITION BY customer_id ORDER BY purchased_on)"
    only = f" AND {customer_filter}" if customer_filter else ""
    return [
        f"days AS (SELECT DISTINCT customer_id, purchased_on FROM customers_purchase WHERE purchased_on <= %s{only})",
        "visits AS (SELECT customer_id, purchased_on, "
        "ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY purchased_on) AS visit, "
        f"{days_between('purchased_on', lag)} AS gap FROM days)",
        "gaps AS (SELECT customer_id, visit, gap FROM visits WHERE gap IS NOT NULL)",
        f"own AS ({_median('gap', 'gaps', 'customer_id')})",
    ]


def _computed_prior_ctes() -> list[str]:
    """The segments' and the shop's priors, from everyone's gaps: ``segment_prior`` and ``shop``."""
    return [
        "own_segment AS (SELECT o.customer_id, o.median AS own_gap, c.segment_id FROM own AS o "
        "JOIN customers_customer AS c ON c.id = o.customer_id)",
        f"segment_medians AS ({_median('own_gap', 'own_segment', 'segment_id')})",
        "segment_prior AS (SELECT segment_id, median FROM segment_medians "
        f"WHERE segment_id IS NOT NULL AND n >= {MIN_SEGMENT_CUSTOMERS})",
        f"all_median AS ({_median('own_gap', 'own_segment')})",
        "first_returns AS (SELECT gap, ROW_NUMBER() OVER (ORDER BY gap) AS rn, COUNT(*) OVER () AS n "
        "FROM gaps WHERE visit = 2)",
        f"first_median AS ({_median('gap', 'first_returns')})",
        "shop AS (SELECT (SELECT median FROM all_median) AS all_median, "
        f"(SELECT MIN(gap) FROM first_returns WHERE rn >= {FIRST_RETURN_SHARE} * n) AS first_return_days, "
        "(SELECT median FROM first_median) AS first_return_median)",
    ]


def _stored_prior_ctes() -> list[str]:
    """The priors the last nightly refresh stored (``customers_rhythmprior``)."""
    return [
        "segment_prior AS (SELECT segment_id, prior_gap AS median FROM customers_rhythmprior "
        "WHERE segment_id IS NOT NULL)",
        "shop AS (SELECT MAX(prior_gap) AS all_median, MAX(first_return_days) AS first_return_days, "
        "MAX(first_return_median) AS first_return_median FROM customers_rhythmprior WHERE segment_id IS NULL)",
    ]


def _rhythm_cte(customer_filter: str) -> str:
    """``rhythm``: one row per buyer (up to the date): last_on, gap (judged), basis, expected_gap."""
    where = f" WHERE {customer_filter}" if customer_filter else ""
    typical = (
        f"CAST(ROUND((o.n * o.median + {PRIOR_WEIGHT} * COALESCE(sp.median, s.all_median, o.median)) "
        f"/ (o.n + {PRIOR_WEIGHT})) AS INTEGER)"
    )
    return (
        "last AS (SELECT customer_id, MAX(purchased_on) AS last_on FROM days"
        f"{where} GROUP BY customer_id),\n"
        # MATERIALIZED: the statements that read ``rhythm`` use a customer's gap several times over.
        "rhythm AS MATERIALIZED (SELECT l.customer_id, l.last_on, "
        f"CASE WHEN o.n IS NULL THEN s.first_return_days ELSE {typical} END AS gap, "
        "CASE WHEN o.n IS NULL THEN 'first_return' ELSE 'own' END AS basis, "
        f"CASE WHEN o.n IS NULL THEN CAST(ROUND(s.first_return_median) AS INTEGER) ELSE {typical} END "
        "AS expected_gap "
        "FROM last AS l LEFT JOIN own AS o ON o.customer_id = l.customer_id "
        "JOIN customers_customer AS c ON c.id = l.customer_id "
        "LEFT JOIN segment_prior AS sp ON sp.segment_id = c.segment_id CROSS JOIN shop AS s)"
    )


def rhythm_with(*, as_of: datetime.date, stored_priors: bool, customer_filter: str = "") -> tuple[str, list]:
    """``WITH ... rhythm AS (...)`` as of ``as_of``, to be followed by a statement reading ``rhythm``.

    ``customer_filter`` (SQL on ``customer_id``) limits whose rows are computed; the priors always
    describe every customer. With the stored priors only those customers' purchases are read (a
    purchase refreshes its customer in milliseconds); computed priors need everyone's.
    """
    if stored_priors:
        ctes = [*_gap_ctes(customer_filter), *_stored_prior_ctes()]
    else:
        ctes = [*_gap_ctes(), *_computed_prior_ctes()]
    return "WITH " + ",\n".join([*ctes, _rhythm_cte(customer_filter)]), [as_of]


def priors_select(*, as_of: datetime.date) -> tuple[str, list]:
    """(segment_id or NULL for the shop, prior gap, first-return day, first-return median) as of ``as_of``."""
    ctes = "WITH " + ",\n".join([*_gap_ctes(), *_computed_prior_ctes()])
    return (
        f"{ctes}\nSELECT segment_id, median, NULL, NULL FROM segment_prior "
        "UNION ALL SELECT NULL, all_median, first_return_days, first_return_median FROM shop",
        [as_of],
    )


# --- in words ----------------------------------------------------------------------------------


def silence_sentence(*, gap: int | None, basis: str, last_purchase_on: datetime.date, day: datetime.date) -> str:
    """Why a customer counts as silent: "usually buys every 42 days; silent for 97 days (2.3×)"."""
    silent = (day - last_purchase_on).days
    if not gap:
        return ngettext("silent for %(silent)s day", "silent for %(silent)s days", silent) % {
            "silent": format_number(silent)
        }
    if basis == "first_return":
        return ngettext(
            "one purchase, on %(day)s; %(share)s of returning customers are back within %(gap)s days; "
            "silent for %(silent)s day",
            "one purchase, on %(day)s; %(share)s of returning customers are back within %(gap)s days; "
            "silent for %(silent)s days",
            silent,
        ) % {
            "day": format_date(last_purchase_on),
            "share": format_percent(FIRST_RETURN_SHARE * 100),
            "gap": format_number(gap),
            "silent": format_number(silent),
        }
    return ngettext(
        "usually buys every %(gap)s days; silent for %(silent)s day (%(ratio)s×)",
        "usually buys every %(gap)s days; silent for %(silent)s days (%(ratio)s×)",
        silent,
    ) % {
        "gap": format_number(gap),
        "silent": format_number(silent),
        "ratio": format_number(silent / gap, places=1),
    }


def customer_silence_sentence(customer, *, day: datetime.date) -> str:
    """``silence_sentence`` from a customer's stored rhythm (empty for one who never bought)."""
    if customer.last_purchase_on is None:
        return ""
    stored = customer.purchase_rhythm
    return silence_sentence(
        gap=stored.gap_days,
        basis=stored.basis,
        last_purchase_on=customer.last_purchase_on,
        day=day,
    )


def rhythm_sentence(customer, *, day: datetime.date) -> str:
    """The customer page's rhythm: "usually every 42 days; next expected 1405/10/12; silent 2.3×"."""
    stored = customer.purchase_rhythm
    if stored.gap_days is None or customer.last_purchase_on is None:
        return ""
    parts = []
    if stored.basis == stored.Basis.OWN:
        parts.append(_("usually every %(gap)s days") % {"gap": format_number(stored.gap_days)})
    else:
        parts.append(_("one purchase so far"))
    if stored.expected_purchase_on:
        parts.append(_("next expected %(day)s") % {"day": format_date(stored.expected_purchase_on)})
    if stored.silent_since:
        ratio = (day - customer.last_purchase_on).days / stored.gap_days
        parts.append(_("silent %(ratio)s×") % {"ratio": format_number(ratio, places=1)})
    return "; ".join(parts)


def rule_label(rule: SilenceRule) -> str:
    """A rule in a few words: "2× the usual gap, at least 30 days"."""
    if rule.k is None:
        return ngettext("silent more than %(days)s day", "silent more than %(days)s days", rule.floor_days) % {
            "days": format_number(rule.floor_days)
        }
    times = _("%(k)s× the usual gap") % {"k": format_number(float(rule.k), places=1)}
    if not rule.floor_days:
        return times
    return ngettext("%(times)s, at least %(days)s day", "%(times)s, at least %(days)s days", rule.floor_days) % {
        "times": times,
        "days": format_number(rule.floor_days),
    }


def rule_sentence(rule: SilenceRule) -> str:
    """The rule in force, stated in words on the at-risk page."""
    floor = format_number(rule.floor_days)
    if rule.k is None:
        return _("A customer is silent when they have not bought for more than %(floor)s days.") % {"floor": floor}
    return _(
        "A customer is silent when the days since their last purchase exceed %(k)s times their usual gap "
        "between purchases, and %(floor)s days at least. The usual gap is the median of their own gaps, "
        "drawn toward their segment's while they have few. A customer who has bought once is silent past "
        "the day by which %(share)s of the customers who came back had come back (and %(floor)s days at least)."
    ) % {"k": format_number(float(rule.k), places=1), "floor": floor, "share": format_percent(FIRST_RETURN_SHARE * 100)}
