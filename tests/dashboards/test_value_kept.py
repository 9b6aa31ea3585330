"""The value page's year from the snapshot equals the same year read from the purchases: the top
tenth and the revenue by tier, for everyone, one rep's book and one segment."""

import datetime
import random
from decimal import Decimal

import pytest

from customers.models import Purchase
from customers.services import customers_refresh_purchase_figures
from dashboards import services, value
from loyalty import tiers
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_the_kept_year_is_the_year_read_from_the_purchases(rep, other_rep):
    rng = random.Random(3)
    segment = SegmentFactory(name="عمده")
    ids = []
    for n in range(80):
        customer = CustomerFactory(owner=rng.choice((rep, other_rep)), segment=segment if n % 3 == 0 else None)
        Purchase.objects.bulk_create(
            Purchase(
                customer=customer,
                purchased_on=TODAY - datetime.timedelta(days=rng.randrange(500)),
                amount=Decimal(rng.randrange(1, 300) * 100_000),
                reference=f"{n}-{k}",
            )
            for k in range(rng.randrange(0, 8))
        )
        ids.append(customer.pk)
    customers_refresh_purchase_figures(customer_ids=ids)
    tiers.tiers_review(today=TODAY)
    services.snapshots_refresh(active_days=90, today=TODAY)
    start = TODAY - datetime.timedelta(days=value.YEAR_DAYS - 1)

    for scope in ({}, {"owner": rep}, {"segment": segment}):
        assert value.top_share_kept(active_days=90, **scope) == value.top_share(start=start, end=TODAY, **scope)
        kept = value.revenue_by_tier_kept(active_days=90, **scope)
        assert kept == value.revenue_by_tier(start=start, end=TODAY, **scope)
        assert sum(row.revenue for row in kept) > 0
