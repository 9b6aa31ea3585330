"""The dashboards on a shop brought in through the CSV import, as a real shop arrives: customers,
then their purchases (several per customer, some on the same day), through the same preview and
confirm the import page uses. The figures must equal a plain-Python reading of the imported rows."""

import datetime
import random
from collections import defaultdict

import pytest

from customers import csv_io
from customers.models import Purchase
from dashboards import flows, services
from dashboards.periods import Calendar, Grain
from tests.dashboards.test_figures_against_python import _expected_flow

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def _import(kind: str, lines: list[str]) -> None:
    preview = csv_io.preview_import(kind=kind, text="\n".join(lines) + "\n")
    assert not [row for row in preview.rows if row.errors], [row.errors for row in preview.rows if row.errors][:3]
    csv_io.apply_import(preview)


def test_figures_on_an_imported_shop_match_the_imported_rows(rep):
    rng = random.Random(5)
    customers = ["name,mobile"] + [f"مشتری {n},0912{n:07d}" for n in range(150)]
    purchases = ["mobile,date,amount,invoice"]
    for n in range(150):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        for k in range(rng.randrange(1, 12)):
            if day > TODAY:
                break
            purchases.append(f"0912{n:07d},{day.isoformat()},{rng.randrange(1, 40) * 100_000},F-{n}-{k}")
            day += datetime.timedelta(days=rng.choice((0, 12, 30, 45, 120)))
    _import("customers", customers)
    _import("purchases", purchases)

    bought = defaultdict(list)
    for customer_id, day, amount in Purchase.objects.values_list("customer_id", "purchased_on", "amount"):
        bought[customer_id].append((day, amount))
    assert sum(len(rows) for rows in bought.values()) == len(purchases) - 1

    services.snapshots_refresh(active_days=90, today=TODAY)
    for calendar in Calendar.values:
        for grain in Grain.values:
            for flow in flows.flows(calendar=calendar, grain=grain, active_days=90, as_of=TODAY):
                expected = _expected_flow(bought, flow.period, 90)
                assert {name: getattr(flow, name) for name in expected} == expected, (calendar, grain, flow.period)
