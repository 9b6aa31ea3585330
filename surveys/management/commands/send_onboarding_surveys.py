from django.core.management.base import BaseCommand

from surveys import services


class Command(BaseCommand):
    help = "Send the relationship survey to new customers on their onboarding survey day (Celery beat: 09:40)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.onboarding_surveys_send()} new customers invited.")
