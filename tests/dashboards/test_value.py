"""What customers are worth (dashboards.value), on seven customers worked out by hand.

    customer  owner      segment    purchases (Rial)                          tier now
    v1        rep        retail     10 Jan 2025 4,000,000; 10 Jan 2026 2,000,000   Gold (3)
    v2        rep        retail     1 Mar 2025 1,000,000                      no account
    v3        other rep  retail     1 Jan 2025 1,000,000; 31 Dec 2025 2,000,000    account at rank 0
    v4        other rep  wholesale  1 Jun 2025 10,000,000; 30 Jun 2025 5,000,000  Silver (2)
    v5        rep        wholesale  1 Jan 2024 1,000,000; 30 Jun 2025 4,000,000    Bronze (1)
    v6        rep        -          15 May 2025 2,000,000                     Gold (3)
    v7        other rep  retail     never bought                              Silver (2)

Active days (last - first + 1, at least 365.25 / 12 = 30.4375): v1 366, v2 1 -> 30.4375, v3 365,
v4 30 -> 30.4375, v5 547 (2024 has 366 days), v6 30.4375.

CLV by segment (all purchases; v7 never bought, so is not counted):

    segment    customers  revenue     CLV          active days  revenue per active year
    retail     3          10,000,000  10M / 3      761.4375     10M x 365.25 / 761.4375 = 4,796,848.07
    wholesale  2          20,000,000  10,000,000   577.4375     20M x 365.25 / 577.4375 = 12,650,719.77
    none       1          2,000,000   2,000,000    30.4375      2M x 12 = 24,000,000 (1/12 of a year)

The rep's book: retail v1 v2 2 customers 7,000,000, CLV 3,500,000, 396.4375 days (6,449,314.20 a
year); wholesale v5 5,000,000 over 547 days (3,338,665.45 a year); none v6.

2025 (1 Jan to 31 Dec): v1 4M, v2 1M, v3 3M, v4 15M (two purchases), v5 4M, v6 2M: 6 buyers,
29,000,000. Top ceil(6 / 10) = 1: v4, share 15/29. The rep's book: v1 4M, v2 1M, v5 4M, v6 2M, 11M;
top 1 of 4 is v1 or v5 (a tie: the share is 4/11 either way). Retail: v1 v2 v3, 8M, top v1: 4/8.
Eleven buyers of 1M to 11M: top 2, (11 + 10) / 66.

Revenue by tier in 2025: no tier v2 v3: 2 customers 4M (4/29); Bronze v5 4M (4/29); Silver v4 15M
(15/29); Gold v1 v6 6M (6/29). The rep's: no tier v2 1M, Bronze v5 4M, Silver 0, Gold v1 v6 6M, of
11M. Wholesale: Bronze v5 4M, Silver v4 15M, of 19M.
"""

import datetime
from decimal import Decimal

import pytest

from customers.models import Purchase
from customers.services import customers_refresh_purchase_figures
from dashboards.value import clv_by_segment, revenue_by_tier, top_customers, top_share
from loyalty.models import LoyaltyAccount, Tier
from loyalty.tiers import DEFAULT_TIERS
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2025 = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}
M = 1_000_000
BOUGHT = {
    "v1": [(D(2025, 1, 10), 4), (D(2026, 1, 10), 2)],
    "v2": [(D(2025, 3, 1), 1)],
    "v3": [(D(2025, 1, 1), 1), (D(2025, 12, 31), 2)],
    "v4": [(D(2025, 6, 1), 10), (D(2025, 6, 30), 5)],
    "v5": [(D(2024, 1, 1), 1), (D(2025, 6, 30), 4)],
    "v6": [(D(2025, 5, 15), 2)],
    "v7": [],
}
TIER = {"v1": 3, "v3": 0, "v4": 2, "v5": 1, "v6": 3, "v7": 2}


def _buy(customers: dict, bought: dict) -> None:
    Purchase.objects.bulk_create(
        Purchase(customer=customers[name], purchased_on=day, amount=Decimal(millions * M), reference=f"{name}-{n}")
        for name, purchases in bought.items()
        for n, (day, millions) in enumerate(purchases)
    )
    customers_refresh_purchase_figures(customer_ids=[customer.pk for customer in customers.values()])


@pytest.fixture
def shop(rep, other_rep):
    retail, wholesale = SegmentFactory(name="retail"), SegmentFactory(name="wholesale")
    books = {
        "v1": (rep, retail), "v2": (rep, retail), "v3": (other_rep, retail), "v4": (other_rep, wholesale),
        "v5": (rep, wholesale), "v6": (rep, None), "v7": (other_rep, retail),
    }  # fmt: skip
    customers = {
        name: CustomerFactory(name=name, owner=owner, segment=segment) for name, (owner, segment) in books.items()
    }
    _buy(customers, BOUGHT)
    Tier.objects.all().delete()
    Tier.objects.bulk_create(
        Tier(rank=rank, name_fa=fa, name_en=en, threshold=threshold) for rank, fa, en, threshold in DEFAULT_TIERS
    )
    LoyaltyAccount.objects.bulk_create(
        LoyaltyAccount(customer=customers[name], tier_rank=rank) for name, rank in TIER.items()
    )
    return {"retail": retail, "wholesale": wholesale, **customers}


def _per_year(revenue: int, days: str) -> Decimal:
    return Decimal(revenue) * Decimal("365.25") / Decimal(days)


def test_clv_by_segment(shop, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = clv_by_segment()
    table = [(row.segment and row.segment.name, row.customers, row.revenue, row.active_days) for row in rows]
    assert table == [
        ("retail", 3, 10 * M, Decimal("761.4375")),
        ("wholesale", 2, 20 * M, Decimal("577.4375")),
        (None, 1, 2 * M, Decimal("30.4375")),
    ]
    assert [row.clv for row in rows] == [Decimal(10 * M) / 3, 10 * M, 2 * M]
    assert [row.revenue_per_active_year for row in rows] == [
        _per_year(10 * M, "761.4375"),
        _per_year(20 * M, "577.4375"),
        24 * M,
    ]
    assert [round(row.revenue_per_active_year, 2) for row in rows] == [
        Decimal("4796848.07"),
        Decimal("12650719.77"),
        Decimal("24000000.00"),
    ]
    assert rows[2].active_years == Decimal(1) / 12


def test_clv_of_a_reps_book(shop, rep):
    rows = clv_by_segment(owner=rep)
    assert [(row.segment and row.segment.name, row.customers, row.revenue, row.clv) for row in rows] == [
        ("retail", 2, 7 * M, Decimal("3500000")),
        ("wholesale", 1, 5 * M, 5 * M),
        (None, 1, 2 * M, 2 * M),
    ]
    assert [row.active_days for row in rows] == [Decimal("396.4375"), 547, Decimal("30.4375")]
    assert round(rows[0].revenue_per_active_year, 2) == Decimal("6449314.20")
    assert round(rows[1].revenue_per_active_year, 2) == Decimal("3338665.45")


def test_the_top_tenth(shop, rep, django_assert_num_queries):
    with django_assert_num_queries(1):
        share = top_share(**YEAR_2025)
    assert (share.customers, share.top_customers, share.revenue, share.top_revenue) == (6, 1, 29 * M, 15 * M)
    assert share.share == pytest.approx(15 / 29)
    mine = top_share(**YEAR_2025, owner=rep)
    assert (mine.customers, mine.top_customers, mine.revenue, mine.top_revenue) == (4, 1, 11 * M, 4 * M)
    assert mine.share == pytest.approx(4 / 11)
    retail = top_share(**YEAR_2025, segment=shop["retail"])
    assert (retail.customers, retail.revenue, retail.top_revenue, retail.share) == (3, 8 * M, 4 * M, 0.5)


def test_the_top_tenth_rounds_up(rep):
    customers = {f"b{n}": CustomerFactory(name=f"b{n}", owner=rep) for n in range(1, 12)}
    _buy(customers, {f"b{n}": [(D(2025, 4, n), n)] for n in range(1, 12)})
    share = top_share(**YEAR_2025)
    assert (share.customers, share.top_customers, share.revenue, share.top_revenue) == (11, 2, 66 * M, 21 * M)
    assert share.share == pytest.approx(21 / 66)
    assert [top_customers(n) for n in (0, 1, 9, 10, 11, 20, 21)] == [0, 1, 1, 1, 2, 2, 3]


def test_revenue_by_tier(shop, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = revenue_by_tier(**YEAR_2025)
    assert [(row.rank, row.tier and row.tier.name_en, row.customers, row.revenue) for row in rows] == [
        (0, None, 2, 4 * M),
        (1, "Bronze", 1, 4 * M),
        (2, "Silver", 1, 15 * M),
        (3, "Gold", 2, 6 * M),
    ]
    assert [row.share for row in rows] == [pytest.approx(n / 29) for n in (4, 4, 15, 6)]


def test_revenue_by_tier_in_a_book_and_a_segment(shop, rep):
    mine = revenue_by_tier(**YEAR_2025, owner=rep)
    assert [(row.rank, row.customers, row.revenue) for row in mine] == [
        (0, 1, M),
        (1, 1, 4 * M),
        (2, 0, 0),
        (3, 2, 6 * M),
    ]
    assert [row.share for row in mine] == [pytest.approx(n / 11) for n in (1, 4, 0, 6)]
    wholesale = revenue_by_tier(**YEAR_2025, segment=shop["wholesale"])
    assert [(row.rank, row.revenue) for row in wholesale] == [(0, 0), (1, 4 * M), (2, 15 * M), (3, 0)]
    assert [row.share for row in wholesale] == [0, pytest.approx(4 / 19), pytest.approx(15 / 19), 0]


def test_a_rank_whose_tier_was_removed_is_shown_by_its_rank(shop):
    Tier.objects.filter(rank=3).delete()
    rows = revenue_by_tier(**YEAR_2025)
    assert [(row.rank, row.tier and row.tier.name_en, row.revenue) for row in rows][-1] == (3, None, 6 * M)


def test_nothing_bought(db, rep):
    assert clv_by_segment() == []
    empty = top_share(**YEAR_2025)
    assert (empty.customers, empty.top_customers, empty.revenue, empty.top_revenue, empty.share) == (0, 0, 0, 0, None)
    Tier.objects.all().delete()
    assert [(row.rank, row.customers, row.revenue, row.share) for row in revenue_by_tier(**YEAR_2025)] == [
        (0, 0, 0, None)
    ]


def test_a_quiet_year_in_a_busy_shop(shop):
    quiet = {"start": D(2030, 1, 1), "end": D(2030, 12, 31)}
    assert top_share(**quiet).share is None
    assert {row.share for row in revenue_by_tier(**quiet)} == {None}
