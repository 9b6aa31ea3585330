"""The manager's loyalty page: points by month (a chart and its table, a CSV), what customers hold
and what it is worth, the redemption rate, the tiers and the top members."""

from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import export_recorded
from core import dates
from core.exports import csv_download
from core.numbers import currency_unit
from core.roles import manager_required
from loyalty import program


def _today():
    """The page's today (a test sets it)."""
    return timezone.localdate()


CSV_COLUMNS = ["month", "month_starts_on", "points_issued", "points_redeemed", "points_expired"]


def _chart(months: list[program.Month], rtl: bool) -> dict:
    """What static/js/loyalty_chart.js draws: labels and numbers, the series' names, the direction."""
    return {
        "rtl": rtl,
        "locale": "fa-IR" if rtl else "en-US",
        "labels": [month.label for month in months],
        "series": [
            {"key": "issued", "label": _("Points issued"), "data": [month.issued for month in months]},
            {"key": "redeemed", "label": _("Points redeemed (net)"), "data": [month.redeemed for month in months]},
            {"key": "expired", "label": _("Points expired"), "data": [month.expired for month in months]},
        ],
        "yTitle": _("Points"),
    }


@manager_required
def program_page(request):
    today = _today()
    language = translation.get_language()
    months = program.monthly(today=today, language=language)
    totals = {
        "issued": sum(month.issued for month in months),
        "redeemed": sum(month.redeemed for month in months),
        "expired": sum(month.expired for month in months),
    }
    context = {
        "months": months,
        "totals": totals,
        "chart": _chart(months, translation.get_language_bidi()),
        "rate": program.redemption_rate(months),
        "outstanding": program.outstanding(),
        "tiers": program.tier_distribution(),
        "members": program.top_members(),
        "unit": currency_unit(),
    }
    return render(request, "loyalty/program.html", context)


@manager_required
def program_csv(request):
    """The monthly table as a spreadsheet: months in the reader's calendar, plain whole numbers."""
    today = _today()
    language = translation.get_language()
    months = program.monthly(today=today, language=language)
    export_recorded(by=request.user, export="loyalty_months", filters={}, rows=len(months))
    return csv_download(
        filename=f"loyalty-months-{today.isoformat()}.csv",
        header=CSV_COLUMNS,
        rows=(
            [month.label, dates.input_value(month.starts_on, language), month.issued, month.redeemed, month.expired]
            for month in months
        ),
    )
