"""The demo's loyalty program: points for two years of purchases and the survey answers, a rewards
catalogue and a year of redemptions (a few cancelled), the nightly expiry of that year, and a few
adjustments by the manager. Everything goes through the real services and is then dated on its
day of the past year. Safe to run again: every entry has its source key, and the catalogue, the
redemptions and the adjustments are made once."""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from loyalty import rewards, services, tiers
from loyalty.models import LoyaltyAccount, PointsEntry, Redemption, Reward
from surveys.models import SurveyResponse

_REASONS = ("جبران تأخیر ارسال", "هدیه‌ی سالگرد مشتری", "اصلاح امتیاز خرید حضوری")
_CATALOGUE = (
    ("ارسال رایگان", "Free delivery", 300, Reward.Kind.SERVICE, None),
    ("ماگ فروشگاه", "Shop mug", 600, Reward.Kind.GIFT, 40),
    ("کد تخفیف ۱۰٪", "10% off code", 1_000, Reward.Kind.DISCOUNT_CODE, None),
    ("کارت هدیه ۵۰۰ هزار تومانی", "500,000 Toman gift card", 5_000, Reward.Kind.GIFT, 15),
)
_REDEMPTIONS_A_MONTH = 6
_CANCELLED_ONE_IN = 8


def _on(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _catalogue() -> list[Reward]:
    if not Reward.objects.exists():
        Reward.objects.bulk_create(
            Reward(name_fa=fa, name_en=en, cost=cost, kind=kind, stock=stock)
            for fa, en, cost, kind, stock in _CATALOGUE
        )
    return list(Reward.objects.order_by("cost"))


def _redeem_in_the_month_after(night: datetime.date, rng: random.Random, catalogue: list[Reward]) -> None:
    """A few customers spend points on a reward in the month after ``night`` (the owner redeems
    during a call); one in eight is cancelled a day later."""
    accounts = LoyaltyAccount.objects.filter(
        customer__source=Customer.Source.DEMO, available__gte=catalogue[0].cost
    ).order_by("customer_id")
    chosen = rng.sample(
        list(accounts.values_list("customer_id", flat=True)), min(_REDEMPTIONS_A_MONTH, accounts.count())
    )
    for customer in Customer.objects.filter(pk__in=chosen).select_related("owner").order_by("pk"):
        available = LoyaltyAccount.objects.get(customer=customer).available
        reward = rng.choice([each for each in catalogue if each.cost <= available])
        try:
            redemption = rewards.redeem(customer=customer, reward=reward, by=customer.owner)
        except ValidationError:  # the stock ran out: the customer takes nothing this time
            continue
        day = night + datetime.timedelta(days=rng.randint(1, 26))
        PointsEntry.objects.filter(pk=redemption.entry_id).update(effective_on=day, created_at=_on(day, 11))
        Redemption.objects.filter(pk=redemption.pk).update(created_at=_on(day, 11))
        if rng.randrange(_CANCELLED_ONE_IN) == 0:
            cancelled = rewards.redemption_cancel(redemption=redemption, by=customer.owner)
            later = day + datetime.timedelta(days=1)
            PointsEntry.objects.filter(pk=cancelled.refund_entry_id).update(
                effective_on=later, created_at=_on(later, 10)
            )
            Redemption.objects.filter(pk=redemption.pk).update(cancelled_at=_on(later, 10))


def _a_year_of_redemptions_and_expiry(rng: random.Random) -> None:
    """The year as the nightly jobs would have lived it, a night a month (the demo's history is two
    years long): that night's expiry, then the redemptions of the month up to the next night."""
    today = timezone.localdate()
    catalogue = _catalogue()
    redeem = not Redemption.objects.exists()
    for months_ago in range(12, -1, -1):
        night = today - relativedelta(months=months_ago)
        services.points_expire(today=night)
        if redeem and months_ago:
            _redeem_in_the_month_after(night, rng, catalogue)


def _survey_points_on_their_answer_day() -> None:
    """An answer earns its points when it is submitted; the demo dates its answers afterwards."""
    for response in SurveyResponse.objects.filter(customer__source=Customer.Source.DEMO).only("pk", "answered_at"):
        PointsEntry.objects.filter(source_key=f"survey:{response.pk}").update(
            effective_on=timezone.localdate(response.answered_at)
        )


def seed_demo_points(*, seed: int) -> int:
    """Returns how many entries were written this time."""
    before = PointsEntry.objects.count()
    rng = random.Random(seed)
    services.purchases_earn()
    for response in SurveyResponse.objects.select_related("customer").order_by("pk"):
        services.survey_answer_reward(customer=response.customer, response_id=response.pk, at=response.answered_at)
    _survey_points_on_their_answer_day()
    services.points_release_pending()
    with transaction.atomic():
        _a_year_of_redemptions_and_expiry(rng)
    manager = get_user_model().objects.filter(username="manager").first()
    if manager and not PointsEntry.objects.filter(kind=PointsEntry.Kind.ADJUSTMENT).exists():
        customers = list(Customer.objects.filter(source=Customer.Source.DEMO, loyalty__isnull=False).order_by("pk"))
        for customer in rng.sample(customers, min(6, len(customers))):
            services.points_adjust(
                customer=customer, points=rng.choice((50, 100, 150)), reason=rng.choice(_REASONS), by=manager
            )
    tiers.tiers_review()  # everyone in the tier their year of purchases earns, with its move on the timeline
    return PointsEntry.objects.count() - before
