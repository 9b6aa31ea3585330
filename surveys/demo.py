"""Demo survey history: invitations sent over the last two months, most of them answered.

Answers go through the real services, so detractors get their call and the outbox holds
the emails. Idempotent: customers already invited are left alone (the throttle).
"""

import datetime
import random

from django.utils import timezone

from customers.models import Customer
from surveys import nps, services
from surveys.models import Survey, SurveyInvitation

REASONS = {
    "promoter": ["کیفیت عالی و ارسال سریع", "برخورد خوب کارشناس", "قیمت مناسب"],
    "passive": ["خوب بود ولی ارسال کمی دیر رسید", "قیمت‌ها کمی بالاست"],
    "detractor": ["بسته آسیب‌دیده رسید و کسی پیگیری نکرد", "پاسخگویی تلفنی ضعیف است"],
}


def seed_demo_surveys(*, seed: int, share: float = 0.4) -> int:
    rng = random.Random(seed)
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    candidates = [
        customer
        for customer in Customer.objects.filter(source=Customer.Source.DEMO).exclude(email="").order_by("mobile")
        if rng.random() < share
    ]
    if SurveyInvitation.objects.filter(customer__in=candidates).exists():
        return 0
    report = services.invitations_send(
        survey=survey, customers=Customer.objects.filter(pk__in=[c.pk for c in candidates])
    )
    answered = 0
    for invitation in SurveyInvitation.objects.filter(customer__in=report.sent).select_related("survey", "customer"):
        sent_at = timezone.now() - datetime.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 8))
        SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=sent_at, created_at=sent_at)
        if rng.random() < 0.3:
            continue
        score = rng.choices(range(11), weights=[1, 1, 1, 1, 2, 2, 3, 6, 8, 10, 9])[0]
        category = nps.category_for(score)
        response = services.response_submit(
            invitation=invitation, answers={"score": score, "reason": rng.choice(REASONS[category])}
        )
        response.answered_at = sent_at + datetime.timedelta(hours=rng.randint(1, 48))
        response.save(update_fields=["answered_at"])
        answered += 1
    return answered
