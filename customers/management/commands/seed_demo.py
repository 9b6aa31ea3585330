from django.core.management.base import BaseCommand

from customers import demo


class Command(BaseCommand):
    help = "Load the demo: a manager, four reps and ~300 customers with two years of purchases. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1403)

    def handle(self, *args, customers, seed, **options):
        summary = demo.seed_demo(customers=customers, seed=seed)
        self.stdout.write(
            f"Demo data: {summary.users} users, {summary.customers} customers, "
            f"{summary.purchases} purchases, {summary.interactions} new timeline entries."
        )
        self.stdout.write("Demo logins (username / password):")
        self.stdout.write(f"  manager / {demo.DEMO_PASSWORD_MANAGER}")
        for username, *_rest in demo.DEMO_USERS[1:]:
            self.stdout.write(f"  {username} / {demo.DEMO_PASSWORD_REP}")
