from django.core.management.base import BaseCommand

from dashboards import services


class Command(BaseCommand):
    help = "Count the dashboards' figures afresh (the nightly job does it too)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="the N of 'active' (default: PEYGIR_ACTIVE_DAYS)")

    def handle(self, *args, days, **options):
        run = services.snapshots_refresh(active_days=days)
        self.stdout.write(f"dashboards counted for N={run.active_days} in {run.seconds:.1f} s")
