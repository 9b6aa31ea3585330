"""The demo's loyalty program: points for two years of purchases and the survey answers, a few
adjustments by the manager. Safe to run again: every entry has its source key, and the
adjustments are made once."""

import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Customer
from loyalty import services
from loyalty.models import PointsEntry
from surveys.models import SurveyResponse

_REASONS = ("جبران تأخیر ارسال", "هدیه‌ی سالگرد مشتری", "اصلاح امتیاز خرید حضوری")


def _expire_over_the_past_year() -> None:
    """The nightly expiry as it would have run over the past year, a night a month (the demo's
    history is two years long), each entry on its night."""
    today = timezone.localdate()
    for months_ago in range(12, -1, -1):
        services.points_expire(today=today - relativedelta(months=months_ago))


def seed_demo_points(*, seed: int) -> int:
    """Returns how many entries were written this time."""
    before = PointsEntry.objects.count()
    services.purchases_earn()
    for response in SurveyResponse.objects.select_related("customer").order_by("pk"):
        services.survey_answer_reward(customer=response.customer, response_id=response.pk, at=response.answered_at)
    services.points_release_pending()
    _expire_over_the_past_year()
    manager = get_user_model().objects.filter(username="manager").first()
    if manager and not PointsEntry.objects.filter(kind=PointsEntry.Kind.ADJUSTMENT).exists():
        rng = random.Random(seed)
        customers = list(Customer.objects.filter(source=Customer.Source.DEMO, loyalty__isnull=False).order_by("pk"))
        for customer in rng.sample(customers, min(6, len(customers))):
            services.points_adjust(
                customer=customer, points=rng.choice((50, 100, 150)), reason=rng.choice(_REASONS), by=manager
            )
    return PointsEntry.objects.count() - before
