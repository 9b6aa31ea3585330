"""Do the calls work? (dashboards.calls_effect), on a shop worked out by hand and on a seeded random one.

The hand-worked shop. Window 1-7 Mar 2025 (Saturday to Friday: one week, its first day 1 Mar),
today 1 Jul 2025, so both horizons are over for every call (7 Mar + 90 = 5 Jun). Every customer
was added in 2024. Retail customers have a typical gap of 30 days and last bought on 20 Feb;
customers with no segment a gap of 20 and last bought on 20 Oct 2024, but v4, who has no gap of
their own and takes the shop's median: the gaps are ten 30s (x1's too) and five 20s, the 8th is 30.

    stratum                 customer      reached call     anchor  days / gap   bought after the anchor
    retail, under 1         t1 t2 t3 t4   3 Mar (t2 again  3 Mar   11 / 30      t1 10 Mar, t2 20 Mar, t3 2 Apr
                                          on 6 Mar)                             (day 30), t4 17 Apr (day 45)
                            k1 .. k5      none (k5: a "no  1 Mar   9 / 30       k1 15 Mar, k2 31 Mar (day 30),
                                          answer" 2 Mar)           (k4: 0 / 30) k3 30 Apr (day 60); k4 bought on
                                                                                1 Mar, the anchor: not after it
    no segment, 4 and over  u1 u2         5 Mar            5 Mar   136 / 20     u1 25 Mar
                            v1 .. v4      none             1 Mar   132 / 20     v1 20 Mar
                                                                   (v4 132/30)
    no segment, never       t7            4 Mar            4 Mar   -            (no comparison: unmatched)
    retail, under 1         x1            1 Apr: within [1 Mar - h, 7 Mar + h]: not a comparison customer

30 days: retail treated 3/4 (t4 bought on day 45), comparison 2/5; no segment treated 1/2, comparison
1/4. Matched treated 6 (t7 unmatched), buyers 4, rate 2/3; comparison 9 customers, 3 buyers. The
weights are 4/6 and 2/6: standardised comparison 4/6 x 2/5 + 2/6 x 1/4 = 4/15 + 1/12 = 7/20;
difference 2/3 - 7/20 = 19/60. Variance (4/6)^2 (3/4 x 1/4 / 4 + 2/5 x 3/5 / 5) + (2/6)^2 (1/2 x
1/2 / 2 + 1/4 x 3/4 / 4) = 4/9 x 759/8000 + 1/9 x 11/64 = 253/6000 + 11/576 = 4411/72000, so the
interval is 19/60 +/- 1.96 sqrt(4411/72000) = 0.3167 +/- 0.4851: too few customers to tell.

90 days: retail treated 4/4, comparison 3/5; treated 5 buyers of 6, 5/6; comparison 4 buyers;
standardised 4/6 x 3/5 + 2/6 x 1/4 = 29/60; difference 5/6 - 29/60 = 7/20; variance 4/9 x 6/125 +
1/9 x 11/64 = 8/375 + 11/576 = 2911/72000.
"""

import datetime
import math
import random
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer, Purchase, PurchaseRhythm
from customers.services import customers_refresh_purchase_figures
from dashboards import calls_effect as ce
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory, SegmentFactory

pytestmark = pytest.mark.django_db

START, END, TODAY = datetime.date(2025, 3, 1), datetime.date(2025, 3, 7), datetime.date(2025, 7, 1)
ADDED = timezone.make_aware(datetime.datetime(2024, 1, 1, 12, 0))


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _customer(name, *, owner, segment=None, gap=None, bought=()):
    customer = CustomerFactory(name=name, owner=owner, segment=segment, created_at=ADDED)
    Purchase.objects.bulk_create(
        Purchase(customer=customer, purchased_on=_day(on), amount=Decimal(1_000_000), reference=f"{name}-{i}")
        for i, on in enumerate(bought)
    )
    customers_refresh_purchase_figures(customer_ids=[customer.pk])
    if gap is not None:
        PurchaseRhythm.objects.create(customer=customer, gap_days=gap, basis=PurchaseRhythm.Basis.OWN)
    return customer


def _call(customer, on: str, *, by, outcome=FollowUp.Outcome.REACHED, hour=10, assignee=None):
    moment = timezone.make_aware(datetime.datetime.combine(_day(on), datetime.time(hour, 0)))
    return FollowUpFactory(
        customer=customer,
        assignee=assignee or by,
        scheduled_on=_day(on),
        status=FollowUp.Status.DONE,
        outcome=outcome,
        reached_at=None if outcome in FollowUp.UNREACHED_OUTCOMES else moment,
        completed_at=moment,
        completed_by=by,
    )


def _hand_worked_shop(rep):
    retail = SegmentFactory(name="retail")
    last_retail, last_other = "2025-02-20", "2024-10-20"
    for name, later in (("t1", "2025-03-10"), ("t2", "2025-03-20"), ("t3", "2025-04-02"), ("t4", "2025-04-17")):
        called = _customer(name, owner=rep, segment=retail, gap=30, bought=(last_retail, later))
        _call(called, "2025-03-03", by=rep)
        if name == "t2":
            _call(called, "2025-03-06", by=rep)
    for name, later in (("k1", ("2025-03-15",)), ("k2", ("2025-03-31",)), ("k3", ("2025-04-30",))):
        _customer(name, owner=rep, segment=retail, gap=30, bought=(last_retail, *later))
    _customer("k4", owner=rep, segment=retail, gap=30, bought=(last_retail, "2025-03-01"))
    k5 = _customer("k5", owner=rep, segment=retail, gap=30, bought=(last_retail,))
    _call(k5, "2025-03-02", by=rep, outcome=FollowUp.Outcome.NO_ANSWER)
    x1 = _customer("x1", owner=rep, segment=retail, gap=30, bought=(last_retail, "2025-03-10"))
    _call(x1, "2025-04-01", by=rep)
    for name, later in (("u1", ("2025-03-25",)), ("u2", ())):
        _call(_customer(name, owner=rep, gap=20, bought=(last_other, *later)), "2025-03-05", by=rep)
    for name, later, gap in (("v1", ("2025-03-20",), 20), ("v2", (), 20), ("v3", (), 20), ("v4", (), None)):
        _customer(name, owner=rep, gap=gap, bought=(last_other, *later))
    _call(_customer("t7", owner=rep, bought=("2025-03-10",)), "2025-03-04", by=rep)


def test_the_hand_worked_shop(rep):
    _hand_worked_shop(rep)
    assert ce.shop_median_gap() == 30
    month, quarter = ce.calls_effect(start=START, end=END, today=TODAY)

    assert (month.horizon, month.treated, month.unmatched) == (30, ce.Group(6, 4, 4 / 6), 1)
    assert (month.comparison.n, month.comparison.buyers) == (9, 3)
    assert month.comparison.rate == pytest.approx(7 / 20)
    assert month.difference == pytest.approx(19 / 60)
    margin = 1.96 * math.sqrt(4411 / 72000)
    assert (month.low, month.high) == (pytest.approx(19 / 60 - margin), pytest.approx(19 / 60 + margin))
    assert month.verdict == ce.TOO_FEW

    assert (quarter.horizon, quarter.treated, quarter.unmatched) == (90, ce.Group(6, 5, 5 / 6), 1)
    assert (quarter.comparison.n, quarter.comparison.buyers) == (9, 4)
    assert quarter.comparison.rate == pytest.approx(29 / 60)
    assert quarter.difference == pytest.approx(7 / 20)
    margin = 1.96 * math.sqrt(2911 / 72000)
    assert (quarter.low, quarter.high) == (pytest.approx(7 / 20 - margin), pytest.approx(7 / 20 + margin))
    assert quarter.verdict == ce.TOO_FEW


def test_one_owners_book_and_one_segment(rep, other_rep):
    _hand_worked_shop(rep)
    assert ce.calls_effect(start=START, end=END, today=TODAY, owner=other_rep, horizons=(30,))[0].treated.n == 0
    (retail,) = ce.calls_effect(
        start=START, end=END, today=TODAY, segment=Customer.objects.get(name="t1").segment, horizons=(30,)
    )
    assert (retail.treated, retail.comparison, retail.unmatched) == (ce.Group(4, 3, 3 / 4), ce.Group(5, 2, 2 / 5), 0)


def _pair(rep, *, bought_after=()):
    """A called customer and one alike who was not: both last bought on 20 Feb, gap 30."""
    called = _customer("called", owner=rep, gap=30, bought=("2025-02-20", *bought_after))
    _customer("alike", owner=rep, gap=30, bought=("2025-02-20",))
    return called


def test_a_call_counts_only_once_its_horizon_is_over(rep):
    _call(_pair(rep), "2025-03-03", by=rep)
    twenty, thirty = ce.calls_effect(start=START, end=END, today=_day("2025-03-23"), horizons=(20, 30))
    assert twenty.treated.n + twenty.unmatched == 1
    assert thirty.treated.n + thirty.unmatched == 0
    assert thirty.comparison.n == 0


def test_a_customer_called_twice_counts_once_from_the_first_call(rep):
    called = _pair(rep, bought_after=("2025-03-04",))
    _call(called, "2025-03-02", by=rep)
    _call(called, "2025-03-06", by=rep)
    (effect,) = ce.calls_effect(start=START, end=END, today=TODAY, horizons=(30,))
    assert (effect.treated, effect.unmatched) == (ce.Group(1, 1, 1.0), 0)


def test_the_reach_day_is_the_local_date(rep):
    """Reached at midnight in Tehran on 8 Mar (20:30 UTC on 7 Mar): after the window."""
    called = _pair(rep)
    _call(called, "2025-03-08", by=rep, hour=0)
    (effect,) = ce.calls_effect(start=START, end=END, today=TODAY, horizons=(30,))
    assert effect.treated.n + effect.unmatched == 0


def test_a_reached_call_by_another_rep_is_not_in_this_reps_figures(rep, other_rep, manager):
    mine = _customer("mine", owner=rep, gap=30, bought=("2025-02-20", "2025-03-10"))
    theirs = _customer("theirs", owner=rep, gap=30, bought=("2025-02-20",))
    first_theirs = _customer("first theirs", owner=rep, gap=30, bought=("2025-02-20",))
    unanswered = _customer("unanswered", owner=rep, gap=30, bought=("2025-02-20",))
    _customer("alike", owner=rep, gap=30, bought=("2025-02-20",))
    _call(mine, "2025-03-03", by=rep)
    _call(theirs, "2025-03-03", by=other_rep, assignee=rep)  # other_rep made the call on rep's list
    _call(first_theirs, "2025-03-02", by=other_rep)
    _call(first_theirs, "2025-03-05", by=rep)
    _call(unanswered, "2025-03-03", by=manager, outcome=FollowUp.Outcome.NO_ANSWER)

    by_rep = {who.username: effects for who, effects in ce.calls_effect_by_rep(start=START, end=END, today=TODAY)}
    assert set(by_rep) == {rep.username, other_rep.username}
    (mine_30, _mine_90), (theirs_30, _theirs_90) = by_rep[rep.username], by_rep[other_rep.username]
    alike = ce.Group(2, 0, 0.0)  # "alike" and "unanswered": a call that did not reach them is no call
    assert (mine_30.treated, mine_30.comparison) == (ce.Group(1, 1, 1.0), alike)
    assert (theirs_30.treated, theirs_30.comparison) == (ce.Group(2, 0, 0.0), alike)


def test_too_few_customers_to_tell_and_thirty_on_each_side(rep):
    def shop(size):
        for n in range(size):
            called = _customer(f"called {n}", owner=rep, gap=30, bought=("2025-02-20", "2025-03-10"))
            _call(called, "2025-03-03", by=rep)
            _customer(f"alike {n}", owner=rep, gap=30, bought=("2025-02-20", *(("2025-03-10",) if n < 3 else ())))

    shop(29)
    (few,) = ce.calls_effect(start=START, end=END, today=TODAY, horizons=(30,))
    assert (few.treated.n, few.comparison.n, few.verdict) == (29, 29, ce.TOO_FEW)
    assert few.low > 0  # a clear difference, but on too few customers
    Customer.objects.all().delete()
    shop(30)
    (enough,) = ce.calls_effect(start=START, end=END, today=TODAY, horizons=(30,))
    assert (enough.treated.n, enough.comparison.n, enough.verdict) == (30, 30, ce.CALLS_HELP)


@pytest.mark.parametrize(
    ("treated", "comparison", "low", "high", "verdict"),
    [
        (29, 500, 0.1, 0.3, ce.TOO_FEW),
        (500, 29, 0.1, 0.3, ce.TOO_FEW),
        (30, 30, None, None, ce.TOO_FEW),
        (30, 30, -0.1, 0.3, ce.NO_CLEAR_DIFFERENCE),
        (30, 30, 0.0, 0.3, ce.NO_CLEAR_DIFFERENCE),
        (30, 30, 0.01, 0.3, ce.CALLS_HELP),
        (30, 30, -0.3, -0.01, ce.CALLS_HURT),
    ],
)
def test_the_verdict(treated, comparison, low, high, verdict):
    assert ce.verdict_of(treated=treated, comparison=comparison, low=low, high=high) == verdict


def test_no_typical_gap_anywhere_is_the_unknown_band(rep):
    """With no gap kept for anyone, the called and the alike customer share the "unknown" band."""
    called = _customer("called", owner=rep, bought=("2025-02-20", "2025-03-10"))
    _customer("alike", owner=rep, bought=("2025-01-01",))
    _call(called, "2025-03-03", by=rep)
    (effect,) = ce.calls_effect(start=START, end=END, today=TODAY, horizons=(30,))
    assert (effect.treated, effect.comparison, effect.unmatched) == (ce.Group(1, 1, 1.0), ce.Group(1, 0, 0.0), 0)


# --- a seeded random shop against a plain-Python reading of the definitions --------------------

R_START, R_END, R_TODAY = datetime.date(2025, 3, 1), datetime.date(2025, 4, 30), datetime.date(2025, 7, 15)


def _random_shop(rng: random.Random, reps, segments):
    customers, rhythms = [], []
    for n in range(300):
        added = R_START + datetime.timedelta(days=rng.randrange(-400, 60))
        customer = CustomerFactory(
            name=f"c{n}",
            owner=rng.choice(reps),
            segment=rng.choice(segments),
            created_at=timezone.make_aware(datetime.datetime.combine(added, datetime.time(rng.randrange(24), 0))),
        )
        typical = rng.choice((None, None, 7, 14, 20, 30, 30, 45, 60, 90))
        if typical is not None:
            rhythms.append(PurchaseRhythm(customer=customer, gap_days=typical, basis=PurchaseRhythm.Basis.OWN))
        customers.append(customer)
        day, gap = added, rng.choice((5, 15, 30, 60, 120))
        purchases, buys = [], rng.random() > 0.15
        while buys and day <= R_TODAY and rng.random() > 0.03:
            if rng.random() < 0.8:
                purchases.append(Purchase(customer=customer, purchased_on=day, amount=Decimal(100_000)))
            day += datetime.timedelta(days=max(1, int(rng.gauss(gap, gap / 2))))
        Purchase.objects.bulk_create(purchases)
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            moment = timezone.make_aware(
                datetime.datetime.combine(
                    R_START + datetime.timedelta(days=rng.randrange(-100, 130)),
                    datetime.time(rng.randrange(24), rng.randrange(60)),
                ),
                datetime.UTC,
            )
            status, outcome = rng.choice(
                (("done", "reached"),) * 4 + (("done", "no_answer"), ("done", "not_interested"), ("open", ""))
            )
            by = rng.choice([*reps, None])
            FollowUpFactory(
                customer=customer,
                assignee=rng.choice(reps),
                status=status,
                outcome=outcome,
                reached_at=None if outcome in ("no_answer", "") else moment,
                completed_at=moment if status == "done" else None,
                completed_by=by,
            )
    PurchaseRhythm.objects.bulk_create(rhythms)
    customers_refresh_purchase_figures(customer_ids=[customer.pk for customer in customers])
    alone = CustomerFactory(name="alone", owner=reps[0], segment=SegmentFactory(name="a segment of one"))
    _call(alone, "2025-03-10", by=reps[0])  # nobody alike: unmatched


def _band(days_since: int | None, gap) -> str:
    if days_since is None:
        return "never_bought"
    if gap is None:
        return "unknown"
    ratio = days_since / gap
    return "under_1" if ratio < 1 else "1_to_2" if ratio < 2 else "2_to_4" if ratio < 4 else "4_and_over"


def _expected(h, *, owner=None, segment=None, rep=None):
    """The definitions read plainly, one customer at a time."""
    gap_of = dict(PurchaseRhythm.objects.values_list("customer_id", "gap_days"))
    gaps = [gap for gap in gap_of.values() if gap is not None]
    median = statistics.median(gaps) if gaps else None
    bought = defaultdict(list)
    for customer_id, on in Purchase.objects.values_list("customer_id", "purchased_on"):
        bought[customer_id].append(on)
    reached = defaultdict(list)
    for call in FollowUp.objects.filter(status="done", outcome="reached"):
        reached[call.customer_id].append(
            (call.reached_at, call.pk, timezone.localdate(call.reached_at), call.completed_by_id or call.assignee_id)
        )
    book = [
        customer
        for customer in Customer.objects.all()
        if (owner is None or customer.owner_id == owner.pk) and (segment is None or customer.segment_id == segment.pk)
    ]

    def stratum(customer, anchor):
        before = [on for on in bought[customer.pk] if on <= anchor]
        gap = gap_of.get(customer.pk) if gap_of.get(customer.pk) is not None else median
        return customer.segment_id, _band((anchor - max(before)).days if before else None, gap)

    def buys(customer, anchor):
        return any(anchor < on <= anchor + datetime.timedelta(days=h) for on in bought[customer.pk])

    treated = defaultdict(lambda: [0, 0])
    for customer in book:
        calls = sorted(call for call in reached[customer.pk] if R_START <= call[2] <= R_END)
        if not calls:
            continue
        _moment, _pk, anchor, by = calls[0]
        if anchor + datetime.timedelta(days=h) > R_TODAY or (rep is not None and by != rep.pk):
            continue
        week = (anchor - R_START).days // 7
        cell = treated[(week, *stratum(customer, anchor))]
        cell[0] += 1
        cell[1] += buys(customer, anchor)
    comparison = defaultdict(lambda: [0, 0])
    for week in {cell[0] for cell in treated}:
        starts = R_START + datetime.timedelta(days=7 * week)
        ends = min(starts + datetime.timedelta(days=6), R_END)
        for customer in book:
            known = timezone.localdate(customer.created_at) <= starts or any(on <= starts for on in bought[customer.pk])
            span = datetime.timedelta(days=h)
            called = any(starts - span <= call[2] <= ends + span for call in reached[customer.pk])
            if known and not called:
                cell = comparison[(week, *stratum(customer, starts))]
                cell[0] += 1
                cell[1] += buys(customer, starts)
    matched = {cell: counts for cell, counts in treated.items() if cell in comparison}
    n_t = sum(n for n, _b in matched.values())
    figures = {
        "treated": (n_t, sum(b for _n, b in matched.values())),
        "comparison": (sum(comparison[cell][0] for cell in matched), sum(comparison[cell][1] for cell in matched)),
        "unmatched": sum(n for cell, (n, _b) in treated.items() if cell not in matched),
    }
    if n_t:
        standardised = sum(n / n_t * comparison[cell][1] / comparison[cell][0] for cell, (n, _b) in matched.items())
        variance = 0.0
        for cell, (n, b) in matched.items():
            p_t, (n_c, b_c) = b / n, comparison[cell]
            p_c = b_c / n_c
            variance += (n / n_t) ** 2 * (p_t * (1 - p_t) / n + p_c * (1 - p_c) / n_c)
        figures |= {"standardised": standardised, "difference": figures["treated"][1] / n_t - standardised}
        figures |= {"se": math.sqrt(variance)}
    return figures


def _assert_like(effect, expected):
    assert (effect.treated.n, effect.treated.buyers) == expected["treated"]
    assert (effect.comparison.n, effect.comparison.buyers) == expected["comparison"]
    assert effect.unmatched == expected["unmatched"]
    if not expected["treated"][0]:
        assert effect.difference is None
        return
    assert effect.comparison.rate == pytest.approx(expected["standardised"])
    assert effect.difference == pytest.approx(expected["difference"])
    assert effect.low == pytest.approx(expected["difference"] - 1.96 * expected["se"])
    assert effect.high == pytest.approx(expected["difference"] + 1.96 * expected["se"])


def test_the_sql_reads_the_definitions_as_python_does(rep, other_rep):
    segments = [SegmentFactory(name="retail"), SegmentFactory(name="wholesale"), None]
    _random_shop(random.Random(7), [rep, other_rep], segments)
    window = {"start": R_START, "end": R_END, "today": R_TODAY}

    effects = ce.calls_effect(**window)
    assert [effect.horizon for effect in effects] == [30, 90]
    for effect in effects:
        _assert_like(effect, _expected(effect.horizon))
    assert effects[0].treated.n >= ce.MIN_GROUP
    assert effects[0].unmatched >= 1

    for effect in ce.calls_effect(**window, owner=other_rep, horizons=(30,)):
        _assert_like(effect, _expected(30, owner=other_rep))
    for effect in ce.calls_effect(**window, segment=segments[0], horizons=(45,)):
        _assert_like(effect, _expected(45, segment=segments[0]))

    by_rep = ce.calls_effect_by_rep(**window)
    assert {who.pk for who, _effects in by_rep} == {rep.pk, other_rep.pk}
    for who, rep_effects in by_rep:
        for effect in rep_effects:
            _assert_like(effect, _expected(effect.horizon, rep=who))
    shop = effects[0]
    assert sum(mine[0].treated.n + mine[0].unmatched for _who, mine in by_rep) == shop.treated.n + shop.unmatched
