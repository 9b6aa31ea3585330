import datetime

from django.core.management.base import BaseCommand

from outbox import delivery


class Command(BaseCommand):
    help = "Send the outbox's waiting emails now (the sweep Celery beat runs every 5 minutes)."

    def handle(self, *args, **options):
        sent = 0
        for email_id in delivery.emails_waiting(older_than=datetime.timedelta(0)):
            try:
                sent += delivery.email_send(email_id=email_id)
            except Exception as error:  # reported, and left waiting for the next run
                self.stderr.write(f"Email {email_id} not sent: {error}")
        self.stdout.write(f"{sent} emails sent.")
