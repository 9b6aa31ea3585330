"""The silence rule tried on the shop's own history: flag as of a past date as a rule would have,
then see who bought again within a window after it.

A flagged customer who did not come back is a true positive (the rule was right to worry); one who
came back is a false positive; a customer who did not come back but was not flagged is a false
negative. Every rule of the grid is scored in one set-based pass over the purchases (the same
rhythm SQL as the nightly job, with the priors as of that date), on all customers and on repeat
buyers apart. On some shops plain recency beats rhythm, on others the reverse: this is how a shop
finds out.
"""

import datetime
from dataclasses import dataclass

from django.db import connection

from core.db import date_literal, days_between
from customers import rhythm
from customers.rhythm import SilenceRule

RHYTHM_KS = (1.5, 2.0, 2.5, 3.0)
FLAT_DAYS = (30, 60, 90, 120, 180)
COMBINED = tuple((k, days) for k in (1.5, 2.0, 3.0) for days in (30, 60, 90))
BASELINE = SilenceRule(k=None, floor_days=90)  # the rule in force should never do worse than this
DEFAULT_WINDOW_DAYS = 180


def rule_grid() -> list[SilenceRule]:
    """Rhythm alone at several k, flat "N days" rules, and their combinations."""
    return [
        *(SilenceRule(k=k, floor_days=0) for k in RHYTHM_KS),
        *(SilenceRule(k=None, floor_days=days) for days in FLAT_DAYS),
        *(SilenceRule(k=k, floor_days=days) for k, days in COMBINED),
    ]


@dataclass(frozen=True)
class Score:
    """How a rule did on one population."""

    customers: int
    churned: int  # did not buy again within the window
    flagged: int
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.churned if self.churned else None

    @property
    def churned_percent(self) -> float | None:
        return 100 * self.churned / self.customers if self.customers else None

    @property
    def precision_percent(self) -> float | None:
        return None if self.precision is None else 100 * self.precision

    @property
    def recall_percent(self) -> float | None:
        return None if self.recall is None else 100 * self.recall

    @property
    def f1_percent(self) -> float | None:
        return None if self.f1 is None else 100 * self.f1

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if not precision or not recall:
            return 0.0 if precision is not None and recall is not None else None
        return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class RuleResult:
    rule: SilenceRule
    everyone: Score
    repeat_buyers: Score

    @property
    def kind(self) -> str:
        if self.rule.k is None:
            return "flat"
        return "rhythm" if self.rule.floor_days == 0 else "combined"


@dataclass(frozen=True)
class Backtest:
    as_of: datetime.date
    window_days: int
    results: list[RuleResult]
    in_force: RuleResult
    baseline: RuleResult

    @property
    def best(self) -> RuleResult:
        """The highest F1 on all customers (ties: the one listed first, the simpler)."""
        return max(self.results, key=lambda result: result.everyone.f1 or 0.0)

    @property
    def in_force_worse_than_baseline(self) -> bool:
        return (self.in_force.everyone.f1 or 0.0) < (self.baseline.everyone.f1 or 0.0)


def silence_backtest(
    *, as_of: datetime.date, in_force: SilenceRule, window_days: int = DEFAULT_WINDOW_DAYS
) -> Backtest:
    """Score the grid (plus the rule in force and the 90-day baseline) as of ``as_of``: one query."""
    rules = rule_grid()
    for extra in (in_force, BASELINE):
        if extra not in rules:
            rules.append(extra)
    cte, params = rhythm.rhythm_with(as_of=as_of, stored_priors=False)
    start, end = date_literal(as_of), date_literal(as_of + datetime.timedelta(days=window_days))
    # Who came back: one pass over the window's purchases. ``outcome`` is MATERIALIZED: inlined, each
    # of the rules below would compute every customer's gap again (ten times slower).
    outcome = (
        "came_back AS (SELECT DISTINCT customer_id FROM customers_purchase "
        f"WHERE purchased_on > {start} AND purchased_on <= {end}),\n"
        "outcome AS MATERIALIZED (SELECT r.gap, r.basis, "
        f"{days_between(start, 'r.last_on')} AS silent_days, "
        "CASE WHEN b.customer_id IS NULL THEN 1 ELSE 0 END AS churned "
        "FROM rhythm AS r LEFT JOIN came_back AS b ON b.customer_id = r.customer_id)"
    )
    columns = []
    for population in ("1 = 1", "basis = 'own'"):
        columns += [f"SUM(CASE WHEN {population} THEN 1 ELSE 0 END)"]
        columns += [f"SUM(CASE WHEN {population} THEN churned ELSE 0 END)"]
        for rule in rules:
            flagged = f"{population} AND silent_days > {rule.threshold_sql(gap='gap', basis='basis')}"
            columns += [
                f"SUM(CASE WHEN {flagged} THEN 1 ELSE 0 END)",
                f"SUM(CASE WHEN {flagged} THEN churned ELSE 0 END)",
            ]
    with connection.cursor() as cursor:
        cursor.execute(f"{cte},\n{outcome}\nSELECT {', '.join(columns)} FROM outcome", params)
        figures = [int(value or 0) for value in cursor.fetchone()]
    per_population = 2 + 2 * len(rules)
    scores = {}
    for index, population in enumerate(("everyone", "repeat_buyers")):
        block = figures[index * per_population : (index + 1) * per_population]
        customers, churned, pairs = block[0], block[1], block[2:]
        scores[population] = [
            Score(customers, churned, pairs[2 * n], pairs[2 * n + 1]) for n in range(len(rules))
        ]
    results = [
        RuleResult(rule, scores["everyone"][n], scores["repeat_buyers"][n]) for n, rule in enumerate(rules)
    ]
    by_rule = {result.rule: result for result in results}
    return Backtest(
        as_of=as_of,
        window_days=window_days,
        results=[by_rule[rule] for rule in rule_grid()],
        in_force=by_rule[in_force],
        baseline=by_rule[BASELINE],
    )
