"""Win-back calls: one per silence episode, raised for the owner; a purchase ends the episode.

A customer's silence episode is named by their last purchase before it: ``win_back:customer:
<id>:since:<last purchase day>``. The nightly rhythm refresh (``customers.services``) marks who is
silent; this raises their calls through the pipeline, so running it twice, or in two workers at
once, still gives one call per episode. A later purchase closes an open win-back with the outcome
"bought again"; if the rep had reached the customer on that win-back in the
``PEYGIR_SAVE_WINDOW_DAYS`` (90) before the purchase, it is a **save**, credited to that rep.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.db import as_text, json_object
from customers.models import Customer
from followups.models import FollowUp
from followups.services import (
    customers_next_call_brought_forward,
    customers_refresh_next_call,
    followups_insert_select,
    working_days,
)


def save_window_days() -> int:
    """A purchase this many days or fewer after the win-back reached the customer counts as a save."""
    return settings.PEYGIR_SAVE_WINDOW_DAYS


# The key is written by Python here and by the database in ``win_backs_raise``: one wording for both.
_KEY_PREFIX, _KEY_SINCE = "win_back:customer:", ":since:"


def source_key(customer_id: int, last_purchase_on: datetime.date) -> str:
    return f"{_KEY_PREFIX}{customer_id}{_KEY_SINCE}{last_purchase_on.isoformat()}"


def win_backs_raise(*, as_of: datetime.date) -> int:
    """A win-back call for every silent customer whose episode has none; returns how many were new.

    One INSERT ... SELECT over the silent customers (the first night after an import may flag tens
    of thousands); the source key's uniqueness skips the episodes that already have their call.
    """
    due = working_days().on_or_after(as_of)
    last_on = as_text("c.last_purchase_on")
    raised = followups_insert_select(
        prototype=FollowUp(reason=FollowUp.Reason.WIN_BACK, scheduled_on=due, due_on=due),
        values={
            "customer_id": "c.id",
            "assignee_id": "c.owner_id",
            "source_key": f"'{_KEY_PREFIX}' || c.id || '{_KEY_SINCE}' || {last_on}",
            "facts": json_object(
                {"typical_gap_days": "r.gap_days", "basis": "r.basis", "last_purchase_on": last_on}
            ),
        },
        source=(
            "customers_purchaserhythm AS r JOIN customers_customer AS c ON c.id = r.customer_id "
            "WHERE r.silent_since IS NOT NULL AND c.last_purchase_on IS NOT NULL"
        ),
        params=[],
    )
    if raised:
        # Only the customers given a call now, and of those only the ones whose next call it is sooner
        # than: a night rewrites nobody else (every silent customer's row, before).
        raised_today = FollowUp.objects.filter(
            customer=OuterRef("pk"), reason=FollowUp.Reason.WIN_BACK, due_on=due, status__in=FollowUp.PENDING
        )
        customers_next_call_brought_forward(Customer.objects.filter(Exists(raised_today)), due)
    return raised


@transaction.atomic
def win_backs_end_on_purchase(*, purchases: Iterable[tuple[int, datetime.date]]) -> int:
    """Purchases end their customers' silence: open win-backs close as "bought again"; a win-back
    that had reached the customer before the purchase becomes a save. Returns the saves credited."""
    bought_on: dict[int, datetime.date] = {}
    for customer_id, day in purchases:
        bought_on[customer_id] = max(day, bought_on.get(customer_id, day))
    if not bought_on:
        return 0
    calls = FollowUp.objects.select_for_update().filter(
        customer_id__in=list(bought_on), reason=FollowUp.Reason.WIN_BACK, saved_on__isnull=True
    )
    now, window, changed = timezone.now(), save_window_days(), []
    for call in calls.exclude(status=FollowUp.Status.SKIPPED):
        day = bought_on[call.customer_id]
        if not _ends_episode(call, day):
            continue
        saved = call.reached_at is not None and 0 <= (day - timezone.localdate(call.reached_at)).days <= window
        closing = call.is_pending
        if saved:
            call.saved_on, call.saved_by_id = day, call.completed_by_id or call.assignee_id
        if closing:
            call.status, call.outcome, call.completed_at = FollowUp.Status.DONE, FollowUp.Outcome.BOUGHT_AGAIN, now
        if saved or closing:
            changed.append(call)
    FollowUp.objects.bulk_update(changed, _ENDING_FIELDS, batch_size=1000)  # one statement a batch, not a row
    customers_refresh_next_call({call.customer_id for call in changed if call.status == FollowUp.Status.DONE})
    return sum(1 for call in changed if call.saved_on is not None)


_ENDING_FIELDS = ["saved_on", "saved_by", "status", "outcome", "completed_at"]


def _ends_episode(call: FollowUp, day: datetime.date) -> bool:
    """A purchase after the last one before the silence (an imported older purchase does not count)."""
    try:
        return day > datetime.date.fromisoformat(call.facts.get("last_purchase_on", ""))
    except ValueError:
        return day >= timezone.localdate(call.created_at)
