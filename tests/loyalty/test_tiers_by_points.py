"""Tiers by the points earned in 12 months (``PEYGIR_LOYALTY_TIER_BASIS=points``).

The default ladder in points is what the default rules (1 point per 100,000 Rial) earn on the
spend ladder: bronze from 0, silver from 200, gold from 1,000 points.

Worked by hand for a customer reviewed on 1 Jan 2026 (the window is 2 Jan 2025 - 1 Jan 2026):

    entry                                   day           counts?
    purchase +900                           1 Jan 2025    no (366 days ago: outside)
    purchase +600                           10 Mar 2025   yes
    survey +20, referral +100, birthday +50 in 2025       yes
    reversal -70 of a returned purchase     20 Mar 2025   yes (a return takes its points back)
    adjustment +500 by a manager            1 Jun 2025    no (a gift is not earned)
    redemption -400, expiry -900            2025          no (spending never costs a tier)
                                                          ---
                                            earned: 600 + 20 + 100 + 50 - 70 = 700 -> silver
"""

import datetime

import pytest
from django.urls import reverse

from loyalty import tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Tier
from tests.core.test_persian_digits import shown_text
from tests.factories import CustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = PointsEntry.Kind


@pytest.fixture(autouse=True)
def by_points(settings):
    settings.PEYGIR_LOYALTY_TIER_BASIS = "points"


def _entry(customer, points, kind, on, key, **extra):
    return PointsEntry.objects.create(
        customer=customer, points=points, kind=kind, effective_on=on, source_key=key, **extra
    )


def _account(customer) -> LoyaltyAccount:
    return LoyaltyAccount.objects.get(customer=customer)


def _page_text(response) -> str:
    return " ".join(readable(shown_text(response.content.decode())).split())


def test_the_default_ladder_is_in_points():
    assert [(tier.rank, int(tier.threshold)) for tier in tiers.tiers()] == [(1, 0), (2, 200), (3, 1_000)]


def test_only_points_earned_in_the_window_count(customer):
    _entry(customer, 900, Kind.PURCHASE, D(2025, 1, 1), "purchase:1")
    _entry(customer, 600, Kind.PURCHASE, D(2025, 3, 10), "purchase:2")
    _entry(customer, 20, Kind.SURVEY, D(2025, 4, 1), "survey:1")
    _entry(customer, 100, Kind.REFERRAL, D(2025, 5, 1), "referral:1")
    _entry(customer, 50, Kind.BIRTHDAY, D(2025, 6, 1), "birthday:1")
    _entry(customer, -70, Kind.REVERSAL, D(2025, 3, 20), "purchase:2:settle:1")
    _entry(customer, 500, Kind.ADJUSTMENT, D(2025, 6, 1), "adjustment:1")
    _entry(customer, -400, Kind.REDEMPTION, D(2025, 7, 1), "redemption:1")
    _entry(customer, 400, Kind.REVERSAL, D(2025, 7, 2), "redemption:1:cancelled")
    _entry(customer, -900, Kind.EXPIRY, D(2025, 12, 1), "expiry:1")

    tiers.tiers_review(today=D(2026, 1, 1))

    account = _account(customer)
    assert account.points_12m == 700
    assert account.tier_rank == 2


@pytest.mark.parametrize(("points", "rank"), [(1, 1), (199, 1), (200, 2), (999, 2), (1_000, 3)])
def test_the_point_thresholds_are_inclusive(customer, points, rank):
    _entry(customer, points, Kind.PURCHASE, D(2026, 1, 1), "purchase:1")
    tiers.tiers_review(today=D(2026, 1, 2))
    assert _account(customer).tier_rank == rank == tiers.rank_for(points)


def test_more_returned_than_earned_counts_as_none(customer):
    _entry(customer, 300, Kind.PURCHASE, D(2024, 6, 1), "purchase:1")
    _entry(customer, -300, Kind.REVERSAL, D(2025, 6, 1), "purchase:1:settle:1")
    tiers.tiers_review(today=D(2025, 6, 2))
    assert _account(customer).points_12m == 0


def test_the_grace_period_holds_for_points_too(customer):
    _entry(customer, 1_200, Kind.PURCHASE, D(2025, 1, 1), "purchase:1")
    tiers.tiers_review(today=D(2025, 1, 2))
    assert _account(customer).tier_rank == 3
    tiers.tiers_review(today=D(2026, 1, 2))  # the points fall out of the window: under gold from today
    tiers.tiers_review(today=D(2026, 1, 31))
    assert _account(customer).tier_rank == 3
    tiers.tiers_review(today=D(2026, 2, 1))
    assert _account(customer).tier_rank == 2  # one tier, not straight to bronze


def test_the_customer_panel_speaks_in_points(manager_client, rep):
    customer = CustomerFactory(owner=rep)
    _entry(customer, 240, Kind.PURCHASE, D.today(), "purchase:1")
    tiers.tiers_review()
    manager_client.cookies["django_language"] = "en"
    text = _page_text(manager_client.get(reverse("customers:detail", args=[customer.pk])))
    assert "240 points earned in the last 12 months" in text
    assert "760 more points in 12 months to Gold" in text


def test_the_rules_page_asks_for_points_and_says_so(manager_client):
    tiers.tiers()
    manager_client.cookies["django_language"] = "en"
    text = _page_text(manager_client.get(reverse("loyalty:rules")))
    assert "from points earned in 12 months" in text
    assert "as soon as the points they earned in the last 12 months reach a tier" in text
    ladder = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "tiers": "1",
    }
    for n, tier in enumerate(Tier.objects.order_by("rank")):
        ladder |= {
            f"form-{n}-id": str(tier.pk),
            f"form-{n}-name_fa": tier.name_fa,
            f"form-{n}-name_en": tier.name_en,
            f"form-{n}-threshold": ["0", "۳۰۰", "1,500"][n],
        }
    assert manager_client.post(reverse("loyalty:rules"), ladder).status_code == 302
    assert [int(tier.threshold) for tier in Tier.objects.order_by("rank")] == [0, 300, 1_500]


def test_an_unknown_basis_is_refused_by_name(settings):
    settings.PEYGIR_LOYALTY_TIER_BASIS = "visits"
    with pytest.raises(Exception, match="PEYGIR_LOYALTY_TIER_BASIS"):
        tiers.basis()
