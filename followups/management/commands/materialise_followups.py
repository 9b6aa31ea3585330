from django.core.management.base import BaseCommand

from followups import hourly


class Command(BaseCommand):
    help = (
        "Bring every call due within the horizon up to date: the default cadence for customers without "
        "a plan, onboarding and renewal calls, the plans' calls (what Celery beat runs hourly)."
    )

    def handle(self, *args, **options):
        run = hourly.calls_due_bring_up_to_date()
        if run.given_default_cadence:
            self.stdout.write(f"{run.given_default_cadence} customers got the default cadence.")
        if run.onboarding_calls or run.renewal_calls:
            self.stdout.write(f"{run.onboarding_calls} onboarding and {run.renewal_calls} renewal calls raised.")
        self.stdout.write(f"{run.plan_calls} follow-ups created.")
