from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers import demo
from customers.models import Customer
from customers.services import customers_refresh_rhythm
from followups.demo import seed_demo_call_history, seed_demo_plans
from followups.hourly import calls_due_bring_up_to_date
from loyalty.demo import seed_demo_points
from surveys.demo import seed_demo_surveys


class Command(BaseCommand):
    help = (
        "Load the demo: a manager, four reps, ~300 customers with two years of purchases, "
        "their follow-up plans and survey answers. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1403)

    @transaction.atomic
    def handle(self, *args, customers, seed, **options):
        summary = demo.seed_demo(customers=customers, seed=seed)
        followups = seed_demo_plans(
            customers=Customer.objects.filter(source=Customer.Source.DEMO), today=timezone.localdate(), seed=seed
        )
        seed_demo_call_history(today=timezone.localdate())
        answers = seed_demo_surveys(seed=seed)
        points = seed_demo_points(seed=seed)
        customers_refresh_rhythm()  # the nightly job: rhythms, silent flags, their win-back calls
        hourly = calls_due_bring_up_to_date()  # the hourly job: onboarding and renewal calls
        silent = Customer.objects.filter(source=Customer.Source.DEMO, rhythm__silent_since__isnull=False).count()
        self.stdout.write(
            f"Demo data: {summary.users} users, {summary.customers} customers, "
            f"{summary.purchases} purchases, {summary.interactions} new timeline entries, "
            f"{followups} new follow-ups, {answers} new survey answers, {points} new points entries, "
            f"{silent} silent customers, "
            f"{hourly.onboarding_calls} onboarding and {hourly.renewal_calls} renewal calls."
        )
        self.stdout.write("Demo logins (username / password):")
        self.stdout.write(f"  manager / {demo.DEMO_PASSWORD_MANAGER}")
        for username, *_rest in demo.DEMO_USERS[1:]:
            self.stdout.write(f"  {username} / {demo.DEMO_PASSWORD_REP}")
