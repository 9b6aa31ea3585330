"""Demo follow-up plans: every demo customer on a cadence that fits how often they buy.

Due dates are spread from a few days overdue to three weeks ahead, so the calls-due
page of every demo rep has something in each section. Idempotent like the rest of the
demo: one active plan per customer and cadence (a database constraint).
"""

import datetime
import random

from followups import services
from followups.models import FollowUpPlan

PURPOSES = {
    1: "تماس ماهانه: پیگیری سفارش بعدی و رضایت از ارسال",
    3: "تماس فصلی: معرفی محصولات جدید و پیشنهاد ویژه",
    6: "بازدید شش‌ماهه: بررسی نیازها و تمدید قرارداد",
}


def seed_demo_plans(*, customers, today: datetime.date, seed: int) -> int:
    rng = random.Random(seed)
    plans = []
    for customer in sorted(customers, key=lambda c: c.mobile):
        months = 1 if customer.purchase_count >= 20 else 3 if customer.purchase_count >= 6 else 6
        plans.append(
            services._new_plan(
                customer=customer,
                every=months,
                unit=FollowUpPlan.Unit.MONTHS,
                starts_on=today + datetime.timedelta(days=rng.randint(-6, 21)),
                calendar=FollowUpPlan.Calendar.JALALI,
                channel="visit" if months == 6 else "call",
                purpose=PURPOSES[months],
                assignee_id=customer.owner_id,
            )
        )
    FollowUpPlan.objects.bulk_create(plans, ignore_conflicts=True)
    written = services.materialise_due(today=today)
    services.customers_refresh_next_call(customers)
    return written
