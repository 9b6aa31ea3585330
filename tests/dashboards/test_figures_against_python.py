"""The dashboards' SQL against a plain-Python reading of the same definitions, on a few hundred
customers from a seeded generator (steady buyers, lapsing ones, one-timers, returners), in both
calendars and every grain, with two N."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from customers.models import Purchase
from customers.services import customers_refresh_purchase_figures
from dashboards import cohorts, flows, lifetimes, periods, services
from dashboards.definitions import COHORT_MONTHS, bucket_of
from dashboards.periods import Calendar, Grain
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
START = datetime.date(2024, 6, 1)


def _generate(rng: random.Random, rep) -> dict[int, list[tuple[datetime.date, Decimal]]]:
    bought = {}
    for n in range(300):
        customer = CustomerFactory(name=f"c{n}", owner=rep)
        day = START + datetime.timedelta(days=rng.randrange(800))
        gap = rng.choice((7, 20, 35, 60, 120))
        purchases = []
        while day <= TODAY and len(purchases) < 40:
            purchases.append((day, Decimal(rng.randrange(1, 50) * 100_000)))
            if rng.random() < 0.15:  # stops buying
                break
            day += datetime.timedelta(days=max(1, int(rng.gauss(gap, gap / 3))))
        Purchase.objects.bulk_create(
            Purchase(customer=customer, purchased_on=on, amount=amount, reference=f"{n}-{i}")
            for i, (on, amount) in enumerate(purchases)
        )
        bought[customer.pk] = purchases
    customers_refresh_purchase_figures(customer_ids=list(bought))
    return bought


def _active(days: list[datetime.date], on: datetime.date, n: int) -> bool:
    return any(on - datetime.timedelta(days=n - 1) <= day <= on for day in days)


def _expected_flow(bought, period, n):
    figures = dict.fromkeys(("start", "end", "new", "new_kept", "churned", "reactivated"), 0)
    money = dict.fromkeys(("revenue", "revenue_at_start", "revenue_lost"), Decimal(0))
    before = period.starts_on - datetime.timedelta(days=1)
    for purchases in bought.values():
        days = [day for day, _amount in purchases]
        if not days:
            continue
        s, e = _active(days, before, n), _active(days, period.ends_on, n)
        new = period.starts_on <= min(days) <= period.ends_on
        spent_before = sum(
            (a for d, a in purchases if before - datetime.timedelta(days=n - 1) <= d <= before), Decimal(0)
        )
        figures["start"] += s
        figures["end"] += e
        figures["new"] += new
        figures["new_kept"] += new and e
        figures["churned"] += s and not e
        figures["reactivated"] += e and not s and not new
        money["revenue"] += sum((a for d, a in purchases if period.starts_on <= d <= period.ends_on), Decimal(0))
        money["revenue_at_start"] += spent_before if s else 0
        money["revenue_lost"] += spent_before if s and not e else 0
    return figures | money


@pytest.mark.parametrize("n", [30, 90])
def test_the_flows_of_every_period_in_both_calendars(rep, n):
    bought = _generate(random.Random(n), rep)
    services.snapshots_refresh(active_days=n, today=TODAY)
    for calendar in Calendar.values:
        for grain in Grain.values:
            for flow in flows.flows(calendar=calendar, grain=grain, active_days=n, as_of=TODAY):
                got = {name: getattr(flow, name) for name in _expected_flow(bought, flow.period, n)}
                assert got == _expected_flow(bought, flow.period, n), (calendar, grain, flow.period)


def test_the_cohorts_in_both_calendars(rep):
    bought = _generate(random.Random(7), rep)
    services.snapshots_refresh(active_days=90, today=TODAY)
    for calendar in Calendar.values:
        month = lambda day, calendar=calendar: periods.index_of(day, calendar, Grain.MONTH)  # noqa: E731
        buyers, revenue = defaultdict(set), defaultdict(Decimal)
        for pk, purchases in bought.items():
            first = month(min(day for day, _amount in purchases))
            for day, amount in purchases:
                offset = month(day) - first
                if offset <= COHORT_MONTHS:
                    buyers[first, offset].add(pk)
                    revenue[first, offset] += amount
        for cohort in cohorts.cohort_table(calendar=calendar, active_days=90, as_of=TODAY):
            assert cohort.size == len(buyers[cohort.month.index, 0])
            for cell in cohort.cells:
                key = (cohort.month.index, cell.offset)
                assert (cell.customers, cell.revenue) == (len(buyers[key]), revenue[key]), (calendar, key)


def test_the_churn_events(rep):
    n = 60
    bought = _generate(random.Random(11), rep)
    services.snapshots_refresh(active_days=n, today=TODAY)
    calendar = Calendar.JALALI
    last = periods.index_of(TODAY, calendar, Grain.MONTH)
    expected, once = [0] * 6, 0
    for purchases in bought.values():
        days = sorted(day for day, _amount in purchases)
        for i, day in enumerate(days):
            churn_on = day + datetime.timedelta(days=n)
            following = days[i + 1] if i + 1 < len(days) else None
            churned = (following is None or following > churn_on) and churn_on <= TODAY
            if churned and periods.index_of(churn_on, calendar, Grain.MONTH) >= last - 11:
                expected[bucket_of((day - days[0]).days)] += 1
                once += i == 0
    found = lifetimes.lifetimes(calendar=calendar, active_days=n, first_month=last - 11, last_month=last)
    assert [bucket.events for bucket in found.buckets] == expected
    assert found.one_and_done == once
    assert found.events == sum(expected) > 0
