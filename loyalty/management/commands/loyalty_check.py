import sys

from django.core.management.base import BaseCommand

from loyalty import services


class Command(BaseCommand):
    help = (
        "Compare every customer's kept points balance with the sum of their ledger entries. "
        "Exits with 1 when any differs (listing up to 100); --repair rewrites them from the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rewrite the kept balances from the ledger")

    def handle(self, *args, repair, **options):
        if repair:
            services.accounts_refresh()
        count, rows = services.accounts_drift()
        self.stdout.write(f"Balances that differ from the ledger: {count}")
        for customer_id, kept, ledger, kept_pending, ledger_pending in rows:
            self.stdout.write(
                f"  customer {customer_id}: available {kept} (ledger {ledger}), "
                f"pending {kept_pending} (ledger {ledger_pending})"
            )
        if count:
            sys.exit(1)
