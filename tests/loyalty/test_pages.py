"""The loyalty pages: the customer page's points, every entry (paged), a manager's adjustment with
its errors kept, the earning rules typed in Toman; reps see their own customers' points only."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import dates
from core.dates import format_date
from customers.services import purchase_add
from loyalty import services, tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Tier, TierChange
from tests.factories import CustomerFactory, FollowUpFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _buy(customer, amount, days_ago=30):
    return purchase_add(customer=customer, purchased_on=timezone.localdate() - days_ago * DAY, amount=Decimal(amount))


def _text(response) -> str:
    return readable(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_customer_page_shows_points_to_spend_their_worth_and_the_pending_ones(rep_client, customer):
    _buy(customer, 2_500_000)  # 25 points, available
    _buy(customer, 700_000, days_ago=2)  # 7 points, pending
    text = _text(rep_client.get(reverse("customers:detail", args=[customer.pk])))
    assert "امتیاز قابل خرج ۲۵ به ارزش ۱۲٬۵۰۰ تومان" in text  # a point is worth 5,000 Rial (500 Toman)
    assert "در انتظار (مهلت مرجوعی) ۷" in text
    assert "+۷ خرید ۷۰٬۰۰۰ تومان ·" in text
    assert "تغییر دستی امتیاز" not in text  # a rep does not adjust


def test_a_rep_cannot_see_another_reps_customers_points(rep_client, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    assert rep_client.get(reverse("loyalty:customer_points", args=[theirs.pk])).status_code == 404


def test_every_entry_is_paged_newest_first(rep_client, customer, manager):
    for n in range(55):
        services.points_adjust(customer=customer, points=n + 1, reason=f"دلیل {n}", by=manager)
    url = reverse("loyalty:customer_points", args=[customer.pk])
    first, last = rep_client.get(url), rep_client.get(url, {"page": 2})
    assert len(first.context["entries"]) == 50 and len(last.context["entries"]) == 5
    assert first.context["entries"][0][0].points == 55


def test_a_managers_adjustment_is_saved_and_said(manager_client, customer):
    response = manager_client.post(
        reverse("loyalty:adjust", args=[customer.pk]), {"points": "۱۵۰", "reason": "جبران تأخیر"}, follow=True
    )
    assert PointsEntry.objects.get(customer=customer).points == 150
    assert "+۱۵۰ امتیاز برای مینا طاهری: جبران تأخیر" in _text(response)


def test_a_refused_adjustment_shows_the_error_and_keeps_what_was_typed(manager_client, customer):
    response = manager_client.post(reverse("loyalty:adjust", args=[customer.pk]), {"points": "-۵۰", "reason": "برداشت"})
    assert response.status_code == 400
    text = _text(response)
    assert "فقط ۰ امتیاز برای برداشتن هست." in text
    assert 'value="-۵۰"' in response.content.decode() or 'value="-50"' in response.content.decode()
    assert "برداشت" in response.content.decode()
    assert not PointsEntry.objects.exists()


def test_a_rep_cannot_adjust_points(rep_client, customer):
    response = rep_client.post(reverse("loyalty:adjust", args=[customer.pk]), {"points": "10", "reason": "x"})
    assert response.status_code == 403
    assert not PointsEntry.objects.exists()


def test_the_earning_rules_are_typed_in_toman_and_stored_in_rial(manager_client):
    response = manager_client.post(
        reverse("loyalty:rules"),
        {"points_per_step": "۲", "step": "۵۰٬۰۰۰", "survey_bonus": "۱۰", "referral_bonus": "۰", "birthday_bonus": "۵۰"},
    )
    assert response.status_code == 302
    rules = services.earning_rules()
    assert (rules.points_per_step, rules.step, rules.survey_bonus, rules.referral_bonus) == (2, 500_000, 10, 0)
    page = _text(manager_client.get(reverse("loyalty:rules")))
    assert "۲ امتیاز به ازای هر ۵۰٬۰۰۰ تومان" in page


def test_a_zero_step_is_refused_with_a_message(manager_client):
    response = manager_client.post(
        reverse("loyalty:rules"),
        {"points_per_step": "1", "step": "0", "survey_bonus": "0", "referral_bonus": "0", "birthday_bonus": "0"},
    )
    assert response.status_code == 400
    assert "مبلغی بیش از صفر بنویسید." in _text(response)


def test_the_customer_page_says_what_expires_next_and_when(rep_client, customer):
    _buy(customer, 2_500_000, days_ago=40)
    text = _text(rep_client.get(reverse("customers:detail", args=[customer.pk])))
    expires = services.next_expiry(customer)
    assert f"۲۵ امتیاز در {dates.format_date(expires.on, 'fa')} منقضی می‌شود." in text


def test_an_expiry_entry_says_why_in_the_readers_language(rep_client, customer):
    _buy(customer, 2_500_000, days_ago=400)
    services.points_expire()
    text = _text(rep_client.get(reverse("loyalty:customer_points", args=[customer.pk])))
    assert "-۲۵ منقضی شد: بیش از ۱۲ ماه از کسب آن گذشته بود" in text
    rep_client.cookies["django_language"] = "en"
    text = _text(rep_client.get(reverse("loyalty:customer_points", args=[customer.pk])))
    assert "-25 expired: earned more than 12 months ago" in text


def _tier_post(silver="۲٬۰۰۰٬۰۰۰", gold="۱۰٬۰۰۰٬۰۰۰", gold_name="طلایی") -> dict:
    tiers.tiers()  # the three defaults
    data = {"tiers": "1", "form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3"}
    for index, (tier, name_fa, name_en, threshold) in enumerate(
        zip(
            Tier.objects.order_by("rank"),
            ("برنزی", "نقره‌ای", gold_name),
            ("Bronze", "Silver", "Gold"),
            ("۰", silver, gold),
            strict=True,
        )
    ):
        data |= {
            f"form-{index}-id": tier.pk,
            f"form-{index}-name_fa": name_fa,
            f"form-{index}-name_en": name_en,
            f"form-{index}-threshold": threshold,
        }
    return data


def test_a_manager_renames_a_tier_and_moves_its_threshold_in_toman(manager_client):
    response = manager_client.post(reverse("loyalty:rules"), _tier_post(gold="۵٬۰۰۰٬۰۰۰", gold_name="الماس"))
    assert response.status_code == 302
    gold = Tier.objects.get(rank=3)
    assert (gold.name_fa, gold.threshold) == ("الماس", 50_000_000)


def test_tiers_out_of_order_are_refused_and_nothing_is_saved(manager_client):
    response = manager_client.post(reverse("loyalty:rules"), _tier_post(silver="۲۰٬۰۰۰٬۰۰۰", gold="۱۰٬۰۰۰٬۰۰۰"))
    assert response.status_code == 400
    assert "هر سطح باید از سطح پایین‌تر خود بالاتر شروع شود." in _text(response)
    assert Tier.objects.get(rank=3).threshold == 100_000_000


def test_the_customer_page_shows_the_tier_and_what_is_left_to_the_next(rep_client, customer):
    _buy(customer, 30_000_000, days_ago=40)  # 3,000,000 Toman: silver
    tiers.tiers_review()
    text = _text(rep_client.get(reverse("customers:detail", args=[customer.pk])))
    assert "نقره‌ای" in text
    assert "۷٬۰۰۰٬۰۰۰ تومان خرید دیگر در ۱۲ ماه تا طلایی" in text
    assert "ارتقا به سطح نقره‌ای" in text  # on the timeline


def test_a_calls_due_row_shows_the_customers_tier_and_points_in_the_rows_one_query(rep_client, customer, rep):
    _buy(customer, 30_000_000, days_ago=40)  # 300 points; silver after the review
    tiers.tiers_review()
    today = timezone.localdate()
    FollowUpFactory(customer=customer, due_on=today, scheduled_on=today)
    FollowUpFactory(customer=CustomerFactory(owner=rep), due_on=today, scheduled_on=today)  # no points: nothing said
    response = rep_client.get(reverse("followups:calls_due"))
    html = response.content.decode()
    assert html.count('data-testid="row-fact"') == 1
    assert "نقره‌ای · ۳۰۰ امتیاز (۱۵۰٬۰۰۰ تومان)" in _text(response)
    rep_client.cookies["django_language"] = "en"
    assert "Silver · 300 points (150,000 Toman)" in _text(rep_client.get(reverse("followups:calls_due")))


def test_a_calls_due_row_says_when_the_customer_moved_tier_in_the_last_30_days(rep_client, customer, rep):
    today = timezone.localdate()
    _buy(customer, 30_000_000, days_ago=40)
    tiers.tiers_review(today=today - datetime.timedelta(days=10))  # up from no tier to silver, 10 days ago
    FollowUpFactory(customer=customer, due_on=today, scheduled_on=today)
    rep_client.cookies["django_language"] = "en"
    day = format_date(today - datetime.timedelta(days=10), "en")
    assert f"Silver · 300 points (150,000 Toman) · up from no tier on {day}" in _text(
        rep_client.get(reverse("followups:calls_due"))
    )

    TierChange.objects.update(changed_on=today - datetime.timedelta(days=31))
    assert " · up from" not in _text(rep_client.get(reverse("followups:calls_due")))


def test_a_calls_due_row_names_the_tier_a_customer_moved_down_from(rep_client, customer, rep):
    today = timezone.localdate()
    tiers.tiers()
    LoyaltyAccount.objects.create(customer=customer, available=40, tier_rank=1)
    TierChange.objects.create(customer=customer, from_rank=2, to_rank=1, changed_on=today)
    FollowUpFactory(customer=customer, due_on=today, scheduled_on=today)
    assert f"برنزی · ۴۰ امتیاز (۲۰٬۰۰۰ تومان) · تنزل از نقره‌ای در {format_date(today, 'fa')}" in _text(
        rep_client.get(reverse("followups:calls_due"))
    )
