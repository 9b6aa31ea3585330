"""What the dashboards' charts draw, as the JSON the page hands to static/js/dashboard_chart.js (the
CSP allows no inline script). Every chart has its numbers in a table under it too."""

from django.utils.translation import gettext as _

from core.text import reads_persian
from dashboards.flows import Flow
from dashboards.lifetimes import Lifetimes


def _frame(language: str | None, *, kind: str, y_title: str, percent: bool) -> dict:
    persian = reads_persian(language)
    return {
        "type": kind,
        "rtl": persian,
        "locale": "fa-IR" if persian else "en-GB",
        "yTitle": y_title,
        "percent": percent,
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def churn_chart(flows: list[Flow], *, language: str | None) -> dict:
    """Churn, retention and the standard (E - N) / S retention per period, in percent (a gap where
    a period had nobody active at its start)."""
    return _frame(language, kind="line", y_title=_("Percent of the customers active at the start"), percent=True) | {
        "labels": [flow.period.label(language) for flow in flows],
        "series": [
            {"key": "churn", "label": _("Churn rate"), "data": [_percent(flow.churn_rate) for flow in flows]},
            {
                "key": "retention",
                "label": _("Retention rate"),
                "data": [_percent(flow.retention_rate) for flow in flows],
            },
            {
                "key": "standard",
                "label": _("Retention (E − N) / S"),
                "data": [_percent(flow.standard_retention) for flow in flows],
            },
        ],
    }


def lifetimes_chart(found: Lifetimes, *, language: str | None) -> dict:
    return _frame(language, kind="bar", y_title=_("Customers who churned"), percent=False) | {
        "labels": [bucket.label() for bucket in found.buckets],
        "series": [{"key": "events", "label": _("Customers who churned"), "data": [b.events for b in found.buckets]}],
    }


def nps_chart(points, *, language: str | None) -> dict:
    """NPS by month, from -100 to 100 (a gap where nobody answered)."""
    return _frame(language, kind="line", y_title=_("NPS"), percent=False) | {
        "labels": [point.period.label(language) for point in points],
        "series": [
            {"key": "nps", "label": _("NPS"), "data": [None if p.nps is None else round(p.nps, 1) for p in points]}
        ],
        "min": -100,
        "max": 100,
    }


def tier_chart(tiers, *, language: str | None) -> dict:
    return _frame(language, kind="bar", y_title=_("Revenue"), percent=False) | {
        "labels": [row.tier.name() if row.tier else str(_("No tier")) for row in tiers],
        "series": [{"key": "revenue", "label": _("Revenue"), "data": [float(row.revenue) for row in tiers]}],
    }
