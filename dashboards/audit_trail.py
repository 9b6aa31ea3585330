"""The dashboards' CSV exports, in the audit log like every export."""

from django.utils.translation import gettext_lazy as _

from audit.registry import Fact, Shown, track_export
from customers.models import Customer, Segment
from dashboards.periods import Calendar, Grain


def register() -> None:
    filters = {
        "calendar": Fact(_("Calendar"), choices=dict(Calendar.choices)),
        "grain": Fact(_("Periods"), choices=dict(Grain.choices)),
        "active_days": Fact(_("Active: bought within (days)")),
        "owner_id": Fact(_("Rep"), Shown.PERSON),
        "segment_id": Fact(_("Segment"), model=Segment),
    }
    track_export(key="dashboard_churn", label=_("churn and retention by period"), model=Customer, filters=filters)
    track_export(key="dashboard_cohorts", label=_("the cohort table"), model=Customer, filters=filters)
    track_export(key="dashboard_lifetimes", label=_("when churn happens"), model=Customer, filters=filters)
    track_export(key="dashboard_value", label=_("the value by segment"), model=Customer, filters=filters)
    track_export(key="dashboard_nps", label=_("the NPS by month"), model=Customer, filters=filters)
    track_export(key="dashboard_team", label=_("the team by week"), model=Customer, filters=filters)
    track_export(key="dashboard_calls", label=_("whether the calls work"), model=Customer, filters=filters)
