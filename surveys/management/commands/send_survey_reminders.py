from django.core.management.base import BaseCommand

from surveys import services


class Command(BaseCommand):
    help = "Queue today's survey reminders (what Celery beat runs at 09:30 on working days)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.reminders_send()} reminders queued.")
