from django.core.management.base import BaseCommand

from loyalty import services


class Command(BaseCommand):
    help = (
        "Earn points for every purchase that has none yet (purchases from before loyalty was switched "
        "on, or from a bulk load that announced nothing), set-based. Safe to run again: nothing twice."
    )

    def handle(self, *args, **options):
        written = services.purchases_earn()
        released = services.points_release_pending()
        self.stdout.write(f"Points entries written: {written}; pending points released: {released}")
