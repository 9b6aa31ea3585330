from django.core.management.base import BaseCommand

from followups import digest


class Command(BaseCommand):
    help = "Send today's morning digests (what Celery beat runs at 08:00 Asia/Tehran); each person gets one a day."

    def handle(self, *args, **options):
        self.stdout.write(f"{digest.send_morning_digests()} digests queued for sending.")
