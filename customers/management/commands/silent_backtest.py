import datetime

from django.core.management.base import BaseCommand, CommandError

from core.dates import InvalidDate, parse_date
from customers.backtest import DEFAULT_WINDOW_DAYS, silence_backtest
from customers.rhythm import rule_label
from customers.selectors import silence_rule_in_force


class Command(BaseCommand):
    help = (
        "Flag customers as each silence rule would have on a past day, then check who bought again "
        "within the window: precision, recall and F1 per rule (what the backtest page shows)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="the past day (1403/02/15 or 2024-05-04)")
        parser.add_argument("--window", type=int, default=DEFAULT_WINDOW_DAYS, help="days to wait for a purchase")

    def handle(self, *args, as_of, window, **options):
        try:
            day = parse_date(as_of)
        except InvalidDate as error:
            raise CommandError(error.message) from None
        if day + datetime.timedelta(days=window) > datetime.date.today():
            raise CommandError(f"{day} + {window} days is not over yet: pick an earlier day.")
        rule, _adoption = silence_rule_in_force()
        result = silence_backtest(as_of=day, window_days=window, in_force=rule)
        everyone = result.best.everyone
        self.stdout.write(
            f"As of {day}: {everyone.customers} customers had bought; {everyone.churned} did not buy again "
            f"within {window} days."
        )
        self.stdout.write(f"{'rule':<40} {'flagged':>8} {'precision':>9} {'recall':>7} {'F1':>6} {'F1 repeat':>9}")
        for row in result.results:
            marks = (" *in force*" if row.rule == rule else "") + (" *best*" if row == result.best else "")
            self.stdout.write(
                f"{rule_label(row.rule):<40} {row.everyone.flagged:>8} {_pct(row.everyone.precision):>9} "
                f"{_pct(row.everyone.recall):>7} {_pct(row.everyone.f1):>6} {_pct(row.repeat_buyers.f1):>9}{marks}"
            )
        if result.in_force_worse_than_baseline:
            self.stdout.write("The rule in force does worse here than a flat 90-day rule.")


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
