"""The "Do the calls work?" figures kept for the default window, so the page reads rows instead of
comparing every customer week by week on each visit (seconds at 100,000 customers). A window,
segment or rep the snapshot does not hold is compared when asked, and the page says so."""

import datetime

from dashboards import calls_effect
from dashboards.calls_effect import Effect, Group
from dashboards.models import CallsEffectSnapshot

WINDOW_DAYS = 182  # the reach days of the last 26 weeks


def default_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=WINDOW_DAYS - 1), today


def _row(effect: Effect, **fields) -> CallsEffectSnapshot:
    return CallsEffectSnapshot(
        horizon=effect.horizon,
        treated_n=effect.treated.n,
        treated_buyers=effect.treated.buyers,
        treated_rate=effect.treated.rate,
        comparison_n=effect.comparison.n,
        comparison_buyers=effect.comparison.buyers,
        comparison_rate=effect.comparison.rate,
        difference=effect.difference,
        low=effect.low,
        high=effect.high,
        unmatched=effect.unmatched,
        verdict=effect.verdict,
        **fields,
    )


def _effect(row: CallsEffectSnapshot) -> Effect:
    return Effect(
        horizon=row.horizon,
        treated=Group(row.treated_n, row.treated_buyers, row.treated_rate),
        comparison=Group(row.comparison_n, row.comparison_buyers, row.comparison_rate),
        difference=row.difference,
        low=row.low,
        high=row.high,
        unmatched=row.unmatched,
        verdict=row.verdict,
    )


def snapshot_write(*, active_days: int, today: datetime.date, now) -> int:
    start, end = default_window(today)
    fields = {"active_days": active_days, "starts_on": start, "ends_on": end, "computed_at": now}
    rows = [
        _row(effect, owner=None, **fields) for effect in calls_effect.calls_effect(start=start, end=end, today=today)
    ]
    for rep, effects in calls_effect.calls_effect_by_rep(start=start, end=end, today=today):
        rows += [_row(effect, owner=rep, **fields) for effect in effects]
    CallsEffectSnapshot.objects.filter(active_days=active_days).delete()
    CallsEffectSnapshot.objects.bulk_create(rows)
    return len(rows)


def kept(*, active_days: int, owner=None) -> list[Effect]:
    rows = CallsEffectSnapshot.objects.filter(active_days=active_days, owner=owner).order_by("horizon")
    return [_effect(row) for row in rows]


def kept_by_rep(*, active_days: int) -> list[tuple[object, list[Effect]]]:
    rows = CallsEffectSnapshot.objects.filter(active_days=active_days, owner__isnull=False).select_related("owner")
    by_rep: dict = {}
    for row in rows.order_by("owner__first_name", "owner__username", "horizon"):
        by_rep.setdefault(row.owner, []).append(_effect(row))
    return list(by_rep.items())
