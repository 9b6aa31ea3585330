import datetime

from django.core.management.base import BaseCommand

from retention_crm import outbox


class Command(BaseCommand):
    help = "Send the outbox's waiting emails now (the sweep Celery beat runs every 5 minutes)."

    def handle(self, *args, **options):
        sent = 0
        for email_id in outbox.emails_waiting(older_than=datetime.timedelta(0)):
            try:
                sent += outbox.email_send(email_id=email_id)
            except Exception as error:  # reported, and left waiting for the next run
                self.stderr.write(f"Email {email_id} not sent: {error}")
        self.stdout.write(f"{sent} emails sent.")
