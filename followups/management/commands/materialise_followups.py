from django.core.management.base import BaseCommand

from followups import services


class Command(BaseCommand):
    help = (
        "Give customers without a plan the default cadence, then create the follow-ups that fall due "
        "within the horizon (what Celery beat runs hourly)."
    )

    def handle(self, *args, **options):
        given = services.plans_give_default_cadence()
        if given:
            self.stdout.write(f"{given} customers got the default cadence.")
        self.stdout.write(f"{services.materialise_due()} follow-ups created.")
