"""The "Do the calls work?" figures kept for the default window, so the page reads rows instead of
comparing every customer week by week on each visit (seconds at 100,000 customers). A window,
segment or rep the snapshot does not hold is compared when asked, and the page says so."""

import datetime

from django.core.cache import cache

from dashboards import calls_effect
from dashboards.calls_effect import Effect, Group
from dashboards.definitions import counted_in_the_request
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
    shop, by_rep = calls_effect.calls_effect_with_reps(start=start, end=end, today=today)
    rows = [_row(effect, owner=None, **fields) for effect in shop]
    for rep, effects in by_rep:
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


ASKED_SECONDS = 60 * 60  # a comparison a reader asked for is kept this long
QUEUED_SECONDS = 15 * 60


def _asked_key(start, end, owner_id, segment_id, with_reps) -> str:
    return f"dashboards-calls:{start.isoformat()}:{end.isoformat()}:{owner_id}:{segment_id}:{int(with_reps)}"


def asked_compare(*, start, end, today, owner_id=None, segment_id=None, with_reps=True) -> tuple[list, list]:
    """Compares the calls of the range now and keeps the answer (the worker's task runs this)."""
    from django.contrib.auth import get_user_model

    from customers.models import Segment

    owner = get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
    segment = Segment.objects.filter(pk=segment_id).first() if segment_id else None
    effects = calls_effect.calls_effect(start=start, end=end, today=today, owner=owner, segment=segment)
    by_rep = calls_effect.calls_effect_by_rep(start=start, end=end, today=today) if with_reps else []
    cache.set(_asked_key(start, end, owner_id, segment_id, with_reps), (effects, by_rep), ASKED_SECONDS)
    return effects, by_rep


def asked(*, start, end, today, owner=None, segment=None, with_reps=True) -> tuple[list, list] | None:
    """The comparison a reader asked for (a range, a segment): kept, counted now for a small shop,
    or queued once for the worker (None: being counted)."""
    owner_id, segment_id = getattr(owner, "pk", None), getattr(segment, "pk", None)
    key = _asked_key(start, end, owner_id, segment_id, with_reps)
    found = cache.get(key)
    if found is not None:
        return found
    arguments = {"start": start, "end": end, "today": today, "owner_id": owner_id, "segment_id": segment_id}
    if counted_in_the_request():
        return asked_compare(**arguments, with_reps=with_reps)
    if cache.add(f"{key}:queued", True, timeout=QUEUED_SECONDS):
        from dashboards.tasks import calls_compare_soon  # the tasks call this module

        calls_compare_soon(**arguments, with_reps=with_reps)
    return None
