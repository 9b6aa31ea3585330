from django.core.management.base import BaseCommand

from customers import services


class Command(BaseCommand):
    help = (
        "Refresh every customer's purchase rhythm and silent flag, and raise the win-back calls "
        "(what Celery beat runs nightly)."
    )

    def handle(self, *args, **options):
        changed = services.customers_refresh_rhythm()
        self.stdout.write(f"The rhythm of {changed} customers changed.")
