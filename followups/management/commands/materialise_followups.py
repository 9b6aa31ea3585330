from django.core.management.base import BaseCommand

from followups import services


class Command(BaseCommand):
    help = "Create the follow-ups that fall due within the horizon (what Celery beat runs hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.materialise_due()} follow-ups created.")
