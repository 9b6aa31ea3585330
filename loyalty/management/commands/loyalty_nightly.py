from django.core.management.base import BaseCommand

from loyalty.tasks import nightly_loyalty_task


class Command(BaseCommand):
    help = "Run the loyalty program's nightly job now (release, expire, warn, review tiers, birthdays, check)."

    def handle(self, *args, **options):
        figures = nightly_loyalty_task()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in figures.items()))
