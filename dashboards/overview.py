"""The overview's figures: the snapshot's periods (this one so far and the one before, for each
grain) and a few live counts the other apps already keep (customers at risk, NPS, this week's calls)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from customers.selectors import customers_at_risk
from dashboards import flows
from dashboards.flows import Flow
from dashboards.forms import Scope
from dashboards.periods import Grain
from dashboards.team import weeks_back
from followups.models import FollowUp
from surveys.selectors import NpsSummary, nps_summary

NPS_DAYS = 90


@dataclass(frozen=True)
class Overview:
    pairs: list[tuple[Flow, Flow]]  # (this period so far, the one before) per grain
    nps: NpsSummary
    nps_before: NpsSummary
    at_risk: int
    at_risk_value: float
    week_starts_on: datetime.date
    calls_due: int
    calls_done: int

    @property
    def month(self) -> Flow:
        return self.pairs[0][0]


def overview(*, user, scope: Scope, as_of: datetime.date, today: datetime.date, first_weekday: int) -> Overview:
    pairs = []
    for grain in Grain.values:
        kept = flows.flows(
            calendar=scope.calendar,
            grain=grain,
            active_days=scope.active_days,
            as_of=as_of,
            owner=scope.owner,
            segment=scope.segment,
        )
        pairs.append((kept[-1], kept[-2]))
    since = today - datetime.timedelta(days=NPS_DAYS)
    nps_now = nps_summary(segment=scope.segment, rep=scope.owner, start=since, end=today + datetime.timedelta(days=1))
    nps_before = nps_summary(
        segment=scope.segment, rep=scope.owner, start=since - datetime.timedelta(days=NPS_DAYS), end=since
    )
    risk = customers_at_risk(
        user=user,
        owner_id=scope.owner.pk if scope.owner else None,
        segment_id=scope.segment.pk if scope.segment else None,
    ).aggregate(customers=Count("pk"), value=Sum("yearly_value"))
    starts_on, _last = weeks_back(today, 1, first_weekday)[0]
    calls = FollowUp.objects.all()
    if scope.owner is not None:
        calls = calls.filter(assignee=scope.owner)
    if scope.segment is not None:
        calls = calls.filter(customer__segment=scope.segment)
    week = calls.filter(due_on__range=(starts_on, starts_on + datetime.timedelta(days=6))).aggregate(
        due=Count("pk", filter=~Q(status=FollowUp.Status.SKIPPED)),
        done=Count("pk", filter=Q(status=FollowUp.Status.DONE)),
    )
    return Overview(
        pairs=pairs,
        nps=nps_now,
        nps_before=nps_before,
        at_risk=risk["customers"] or 0,
        at_risk_value=risk["value"] or 0.0,
        week_starts_on=starts_on,
        calls_due=week["due"],
        calls_done=week["done"],
    )
