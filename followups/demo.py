"""Demo follow-up plans: every demo customer on a cadence that fits how often they buy.

Due dates are spread from a few days overdue to three weeks ahead, so the calls-due
page of every demo rep has something in each section. Idempotent like the rest of the
demo: one active plan per customer and cadence (a database constraint).
"""

import datetime
import random

from django.utils import timezone

from followups import services
from followups.models import FollowUp, FollowUpPlan

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


HISTORY_DAYS = 182


def seed_demo_call_history(*, today: datetime.date) -> int:
    """The last 26 weeks of the demo's calls and visits as the done calls of each customer's plan,
    so the team's weeks and "do the calls work?" have a history to show. One done call per plan and
    day (the plan's own constraint), so a second run writes nothing."""
    from customers.models import Customer, Interaction

    plans = dict(
        FollowUpPlan.objects.filter(customer__source=Customer.Source.DEMO, active=True).values_list("customer_id", "pk")
    )
    contacts = Interaction.objects.filter(
        customer_id__in=list(plans),
        kind__in=(Interaction.Kind.CALL, Interaction.Kind.VISIT),
        occurred_at__date__gte=today - datetime.timedelta(days=HISTORY_DAYS),
        occurred_at__date__lt=today,
    ).select_related("customer")
    done = []
    for contact in contacts.order_by("occurred_at", "pk"):
        day = timezone.localdate(contact.occurred_at)
        reached = contact.outcome == FollowUp.Outcome.REACHED
        done.append(
            FollowUp(
                plan_id=plans[contact.customer_id],
                customer_id=contact.customer_id,
                assignee_id=contact.created_by_id or contact.customer.owner_id,
                completed_by_id=contact.created_by_id or contact.customer.owner_id,
                reason=FollowUp.Reason.PERIODIC,
                channel=contact.kind,
                scheduled_on=day,
                due_on=day,
                status=FollowUp.Status.DONE,
                outcome=contact.outcome,
                interaction=contact,
                reached_at=contact.occurred_at if reached else None,
                completed_at=contact.occurred_at,
            )
        )
    return len(FollowUp.objects.bulk_create(done, ignore_conflicts=True, batch_size=1000))
