from django.core.management.base import BaseCommand

from outbox import delivery


class Command(BaseCommand):
    help = "Send the outbox's due emails now, in this process (the sweep Celery beat runs every minute)."

    def handle(self, *args, **options):
        claimed = delivery.outbox_sweep()
        sent = sum(delivery.email_send(email_id=email_id) for email_id in claimed)
        self.stdout.write(f"{sent} of {len(claimed)} due emails sent; the others wait for their next attempt.")
