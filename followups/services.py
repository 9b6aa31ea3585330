"""Follow-up rules: plans, materialising due calls, completing, rescheduling, reassigning.

Idempotency lives in the database: a follow-up is unique per (plan, scheduled_on) and
every insert ignores conflicts, so repeated or concurrent runs never duplicate a call.
"""

import datetime
import functools
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import change_recorded
from core.db import insert_select
from customers.models import Customer
from customers.services import interaction_log
from followups import cadence
from followups.models import Channel, FollowUp, FollowUpPlan
from followups.signals import followup_completed

logger = logging.getLogger(__name__)


def working_days() -> cadence.WorkingDays:
    return cadence.WorkingDays.from_settings()


def horizon_for(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.PEYGIR_FOLLOWUP_HORIZON_DAYS)


def escalation_cutoff(today: datetime.date) -> datetime.date:
    """Pending follow-ups due before this day are overdue by more than the allowed working days.

    Counted back from the last working day on or before ``today`` (the first step of the
    subtraction from tomorrow): on a Friday, the Friday itself is not an overdue working day.
    """
    tomorrow = today + datetime.timedelta(days=1)
    return working_days().subtract(tomorrow, escalate_after_working_days() + 1)


def escalate_after_working_days() -> int:
    """A call overdue by more working days than this is escalated to the managers."""
    return settings.PEYGIR_ESCALATE_AFTER_WORKING_DAYS


# --- plans -----------------------------------------------------------------


def customers_refresh_next_call(customers: QuerySet[Customer] | Iterable[int]) -> int:
    """``Customer.next_call_on``: the earliest pending call, else the earliest next date of an
    active plan (a call not yet written out). Kept here, where calls and plans change, so the
    customer list shows and sorts by it from an indexed column. One UPDATE for the batch."""
    if not isinstance(customers, QuerySet):
        customers = Customer.objects.filter(pk__in=list(customers))

    def earliest(model, field, **where):
        rows = model.objects.filter(customer=OuterRef("pk"), **where).order_by().values("customer")
        return Subquery(rows.annotate(day=Min(field)).values("day")[:1])

    pending = earliest(FollowUp, "due_on", status__in=FollowUp.PENDING)
    planned = earliest(FollowUpPlan, "next_due_on", active=True)
    # Least of two possibly-null days, the same on every database (SQLite's MIN() is null if either is).
    return customers.update(next_call_on=Least(Coalesce(pending, planned), Coalesce(planned, pending)))


def _plan_due(plan: FollowUpPlan, index: int, days: cadence.WorkingDays) -> datetime.date:
    return cadence.due_on(plan.anchor_on, index, plan.every, plan.unit, plan.calendar, days)


@transaction.atomic
def plan_create(
    *,
    customer: Customer,
    every: int,
    unit: str = FollowUpPlan.Unit.MONTHS,
    starts_on: datetime.date,
    calendar: str = FollowUpPlan.Calendar.JALALI,
    channel: str = Channel.CALL,
    purpose: str = "",
    count_from: str = FollowUpPlan.CountFrom.SCHEDULE,
    assignee: AbstractBaseUser | None = None,
    by: AbstractBaseUser | None = None,
) -> FollowUpPlan:
    """A new recurring plan; its follow-ups within the horizon appear at once.

    Started in the past, it begins with the latest missed occurrence (overdue), the
    rhythm still counted from ``starts_on``.
    """
    plan = _new_plan(
        customer=customer,
        every=every,
        unit=unit,
        starts_on=starts_on,
        calendar=calendar,
        channel=channel,
        purpose=purpose,
        count_from=count_from,
        assignee=assignee or customer.owner,
        by=by,
    )
    _skip_to_latest_missed(plan, today=timezone.localdate())
    plan.full_clean()
    plan.save()
    materialise_plans(plan_ids=[plan.pk], until=max(horizon_for(timezone.localdate()), plan.next_due_on))
    plan.refresh_from_db(fields=["next_index", "next_due_on"])
    customers_refresh_next_call([plan.customer_id])
    return plan


def _skip_to_latest_missed(
    plan: FollowUpPlan, *, today: datetime.date, days: cadence.WorkingDays | None = None
) -> None:
    """A new plan dated in the past owes one overdue call (the latest missed), not one per missed interval."""
    days = days or working_days()
    while _plan_due(plan, plan.next_index + 1, days) < today:
        plan.next_index += 1
    plan.next_due_on = _plan_due(plan, plan.next_index, days)


def _new_plan(*, starts_on, by=None, days: cadence.WorkingDays | None = None, **fields) -> FollowUpPlan:
    """``fields``: the plan's own, with ``customer`` (or ``customer_id``)."""
    plan = FollowUpPlan(starts_on=starts_on, anchor_on=starts_on, next_index=0, created_by=by, **fields)
    plan.next_due_on = _plan_due(plan, 0, days or working_days())
    return plan


def first_call_days(
    *,
    count: int,
    every: int,
    unit: str,
    starts_on: datetime.date,
    calendar: str = cadence.JALALI,
    spread: bool = True,
) -> list[datetime.date]:
    """The first call of each of ``count`` new plans: spread evenly over the working days of the
    first cycle (from ``starts_on`` up to one interval later), or all on ``starts_on``.

    Spread, no working day gets more than one call above the average: a 3-month cadence for
    3,000 customers makes about 50 calls a day, not 3,000 on one. Each plan then keeps its own
    day's rhythm, so later cycles stay spread too.
    """
    if not spread or count == 0:
        return [starts_on] * count
    days = working_days()
    cycle_end = cadence.occurrence_on(starts_on, 1, every, unit, calendar)
    window, day = [], days.on_or_after(starts_on)
    while day < cycle_end or not window:
        window.append(day)
        day = days.next_after(day)
    return [window[index * len(window) // count] for index in range(count)]


def customers_without_cadence(
    customers: QuerySet[Customer], *, every: int, unit: str, channel: str = Channel.CALL
) -> QuerySet[Customer]:
    """The customers a bulk cadence would give a new plan: those without that active cadence yet."""
    same = FollowUpPlan.objects.filter(every=every, unit=unit, channel=channel, active=True)
    return customers.exclude(pk__in=same.values("customer_id"))


@dataclass(frozen=True)
class CadencePreview:
    """What applying a cadence to a list will do: who gets the plan and how their first calls fall."""

    newcomers: int
    already: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    working_days: int
    most_in_a_day: int

    @property
    def per_working_day(self) -> float:
        return self.newcomers / self.working_days if self.working_days else 0.0


def plans_apply_cadence_preview(
    *, customers: QuerySet[Customer], every: int, unit: str, starts_on: datetime.date, spread: bool = True, **details
) -> CadencePreview:
    """The confirmation page's figures, from the same ``first_call_days`` the apply uses."""
    channel = details.get("channel", Channel.CALL)
    newcomers = customers_without_cadence(customers, every=every, unit=unit, channel=channel).count()
    starts = first_call_days(
        count=newcomers,
        every=every,
        unit=unit,
        starts_on=starts_on,
        calendar=details.get("calendar", cadence.JALALI),
        spread=spread,
    )
    per_day = Counter(starts)
    return CadencePreview(
        newcomers=newcomers,
        already=customers.count() - newcomers,
        first_day=min(starts, default=None),
        last_day=max(starts, default=None),
        working_days=len(per_day),
        most_in_a_day=max(per_day.values(), default=0),
    )


@transaction.atomic
def plans_apply_cadence(
    *,
    customers: QuerySet[Customer],
    every: int,
    unit: str,
    starts_on: datetime.date,
    spread: bool = True,
    by: AbstractBaseUser | None = None,
    **details,
) -> int:
    """Give each customer the same plan in one action; customers who have it already are left alone.

    First calls are spread over the first cycle (``first_call_days``), those not contacted for
    longest first, or all fall on ``starts_on``. ``details`` are the plan's other fields
    (calendar, channel, purpose). Returns how many customers got a new plan; their calls within
    the horizon are created at once.
    """
    channel = details.get("channel", Channel.CALL)
    newcomers = list(
        customers_without_cadence(customers, every=every, unit=unit, channel=channel)
        .select_related(None)  # lists come with select_related
        .order_by(F("last_contact_on").asc(nulls_first=True), "id")
        .values_list("pk", "owner_id")
    )
    starts = first_call_days(
        count=len(newcomers),
        every=every,
        unit=unit,
        starts_on=starts_on,
        calendar=details.get("calendar", cadence.JALALI),
        spread=spread,
    )
    today, days = timezone.localdate(), working_days()
    plans = []
    for (customer_id, owner_id), first_day in zip(newcomers, starts, strict=True):
        plan = _new_plan(
            customer_id=customer_id,
            every=every,
            unit=unit,
            starts_on=first_day,
            assignee_id=owner_id,
            by=by,
            days=days,
            **details,
        )
        _skip_to_latest_missed(plan, today=today, days=days)
        plans.append(plan)
    FollowUpPlan.objects.bulk_create(plans, batch_size=2000, ignore_conflicts=True)  # a concurrent apply may race
    created = 0
    for start in range(0, len(newcomers), PLANS_PER_TRANSACTION):
        ids = [customer_id for customer_id, _owner in newcomers[start : start + PLANS_PER_TRANSACTION]]
        given = FollowUpPlan.objects.filter(customer_id__in=ids, every=every, unit=unit, channel=channel, active=True)
        created += given.count()
        materialise_plans(plan_ids=given.values_list("pk", flat=True), until=horizon_for(today))
        customers_refresh_next_call(ids)
    return created


def default_cadence_months() -> int:
    """Months of the cadence a customer without any plan is given; 0: none."""
    return settings.PEYGIR_DEFAULT_CADENCE_MONTHS


def plans_give_default_cadence(*, today: datetime.date | None = None) -> int:
    """Every customer without any plan (not even a paused one) gets the shop's default cadence, its
    first calls spread over the first cycle. Run hourly: after an import or a deleted plan, nobody
    stays on no list for long. Returns how many customers got it."""
    months = default_cadence_months()
    if not months:
        return 0
    planless = Customer.objects.exclude(Exists(FollowUpPlan.objects.filter(customer=OuterRef("pk"))))
    if not planless.exists():
        return 0
    return plans_apply_cadence(
        customers=planless,
        every=months,
        unit=FollowUpPlan.Unit.MONTHS,
        starts_on=today or timezone.localdate(),
        spread=True,
        is_default=True,
    )


@transaction.atomic
def plan_pause(*, plan: FollowUpPlan) -> FollowUpPlan:
    """Stop the rhythm; pending follow-ups go, completed ones stay on record.

    The removed occurrences count as not materialised again, so resuming before their
    day brings them back instead of skipping to the occurrence after them.
    """
    first_removed = plan.followups.filter(status__in=FollowUp.PENDING).aggregate(day=Min("scheduled_on"))["day"]
    _remove_pending(plan)
    if first_removed is not None:
        days = working_days()
        while plan.next_index > 0 and _plan_due(plan, plan.next_index - 1, days) >= first_removed:
            plan.next_index -= 1
        plan.next_due_on = _plan_due(plan, plan.next_index, days)
    plan.active = False
    plan.save(update_fields=["active", "next_index", "next_due_on"])
    customers_refresh_next_call([plan.customer_id])
    return plan


@transaction.atomic
def plan_resume(*, plan: FollowUpPlan, today: datetime.date | None = None) -> FollowUpPlan:
    """Start again from the next occurrence on or after today (no burst of missed calls)."""
    today = today or timezone.localdate()
    days = working_days()
    index = plan.next_index
    while _plan_due(plan, index, days) < today:
        index += 1
    plan.active = True
    plan.next_index, plan.next_due_on = index, _plan_due(plan, index, days)
    plan.full_clean()
    plan.save(update_fields=["active", "next_index", "next_due_on"])
    materialise_plans(plan_ids=[plan.pk], until=max(horizon_for(today), plan.next_due_on))
    plan.refresh_from_db(fields=["next_index", "next_due_on"])
    customers_refresh_next_call([plan.customer_id])
    return plan


@transaction.atomic
def plan_delete(*, plan: FollowUpPlan) -> None:
    _remove_pending(plan)
    customer_id = plan.customer_id
    plan.delete()  # completed follow-ups keep their history (plan set to NULL)
    customers_refresh_next_call([customer_id])


def _remove_pending(plan: FollowUpPlan) -> int:
    deleted, _detail = plan.followups.filter(status__in=FollowUp.PENDING).delete()
    return deleted


# --- materialisation ----------------------------------------------------------


def materialise_due(*, today: datetime.date | None = None) -> int:
    """Create every follow-up that falls due up to today + the horizon, for all active plans.

    Missed runs are caught up (every occurrence since a plan's next index is created,
    once). Returns how many follow-ups were written.
    """
    return materialise_plans(until=horizon_for(today or timezone.localdate()))


# Plans per transaction (one SELECT, one INSERT, one UPDATE each): the bound on a run's memory and on
# how long a plan stays locked; the rows a chunk writes are a few per plan.
PLANS_PER_TRANSACTION = 5000
# The rhythms a run has computed, kept for the next chunks while fewer than this many.
_RHYTHMS_KEPT = 50_000

# A plan's rhythm and where it stands: plans alike in these have the same due dates from here on.
_RHYTHM_FIELDS = ("anchor_on", "every", "unit", "calendar", "next_index")


def materialise_plans(*, until: datetime.date, plan_ids: Iterable[int] | None = None) -> int:
    """Set-based, in chunks of plans in id order: per chunk one SELECT ... FOR UPDATE SKIP LOCKED,
    one INSERT ... SELECT ... ON CONFLICT DO NOTHING and one UPDATE, each chunk its own short
    transaction.

    Two workers therefore share the work instead of repeating it, a rep saving a call
    never waits long for a plan's lock, and the unique (plan, scheduled_on) constraint
    is the last word either way. The due dates are computed once per distinct rhythm (a
    run has few: anchors times cadences), not per plan; the database copies each plan's
    customer, assignee, channel and purpose into its rows itself.
    """
    if plan_ids is not None and not isinstance(plan_ids, QuerySet):
        plan_ids = list(plan_ids)  # a queryset stays a subquery: a bulk cadence may name 10^5 plans
    rhythms = _Rhythms(until=until, days=working_days())
    created, after = 0, 0
    while True:
        with transaction.atomic():
            plans = FollowUpPlan.objects.filter(active=True, next_due_on__lte=until, pk__gt=after).order_by("pk")
            if plan_ids is not None:
                plans = plans.filter(pk__in=plan_ids)
            if connection.features.has_select_for_update_skip_locked:
                plans = plans.select_for_update(skip_locked=True)
            rows = list(plans.values_list("pk", *_RHYTHM_FIELDS)[:PLANS_PER_TRANSACTION])
            if rows:
                created += _write_due_calls(rows, rhythms)
                after = rows[-1][0]
        if len(rows) < PLANS_PER_TRANSACTION:
            break
    logger.info("Materialised %s follow-ups (until %s).", created, until)
    return created


class _Rhythms:
    """The due dates up to ``until`` of each distinct rhythm (``_RHYTHM_FIELDS``), computed once."""

    def __init__(self, *, until: datetime.date, days: cadence.WorkingDays):
        self.until, self.days, self.known = until, days, {}

    def due_dates(self, rhythm: tuple) -> tuple[list[datetime.date], int, datetime.date]:
        """(the due dates up to ``until``, the next index after them, its due date)."""
        if rhythm not in self.known:
            if len(self.known) >= _RHYTHMS_KEPT:
                self.known.clear()
            anchor_on, every, unit, calendar, index = rhythm
            dates = []
            while (day := cadence.due_on(anchor_on, index, every, unit, calendar, self.days)) <= self.until:
                dates.append(day)
                index += 1
            self.known[rhythm] = (dates, index, day)
        return self.known[rhythm]


def _write_due_calls(rows: list[tuple], rhythms: _Rhythms) -> int:
    """One chunk: the follow-ups of ``rows`` (plan id, then ``_RHYTHM_FIELDS``) written and the plans
    advanced past them. Sent as three small tables: which rhythm each plan has, each rhythm's due
    dates, each rhythm's next index and date. Returns the follow-ups really written."""
    groups: dict[tuple, int] = {}
    plans = []
    for plan_id, *rhythm in rows:
        plans.append((plan_id, groups.setdefault(tuple(rhythm), len(groups))))
    dates, advances = [], []
    for rhythm, group in groups.items():
        due, next_index, next_due_on = rhythms.due_dates(rhythm)
        dates.extend((group, day.isoformat()) for day in due)
        advances.append((group, next_index, next_due_on.isoformat()))
    plan_table = _json_table("c", {"plan_id": "bigint", "g": "integer"})
    written = 0
    if dates:
        written = followups_insert_select(
            prototype=FollowUp(reason=FollowUp.Reason.PERIODIC),
            values={
                "plan_id": "p.id",
                "customer_id": "p.customer_id",
                "assignee_id": "p.assignee_id",
                "channel": "p.channel",
                "purpose": "p.purpose",
                "scheduled_on": "d.day",
                "due_on": "d.day",
            },
            source=(
                f"{plan_table} JOIN {FollowUpPlan._meta.db_table} p ON p.id = c.plan_id "
                f"JOIN {_json_table('d', {'g': 'integer', 'day': 'date'})} ON d.g = c.g"
            ),
            params=[_json(plans), _json(dates)],
        )
    table = connection.ops.quote_name(FollowUpPlan._meta.db_table)
    advance_table = _json_table("a", {"g": "integer", "next_index": "integer", "next_due_on": "date"})
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_index = a.next_index, next_due_on = a.next_due_on "
            f"FROM {plan_table} JOIN {advance_table} ON a.g = c.g WHERE {table}.id = c.plan_id",
            [_json(plans), _json(advances)],
        )
    return written


def _json(rows: list[tuple]) -> str:
    return json.dumps(rows, separators=(",", ":"))


def _json_table(alias: str, columns: dict[str, str]) -> str:
    """A table ``alias(columns)`` read from one JSON parameter holding its rows as lists: one parameter
    whatever the chunk's size (no 999-parameter limit, no per-value quoting in the driver), the same
    on PostgreSQL and SQLite (JSON1, which Django's JSONField needs anyway). ``columns``: name to SQL type."""
    if connection.vendor == "postgresql":
        picked = ", ".join(
            f"CAST(r.value ->> {position} AS {sql_type}) AS {name}"
            for position, (name, sql_type) in enumerate(columns.items())
        )
        return f"(SELECT {picked} FROM json_array_elements(CAST(%s AS json)) AS r(value)) AS {alias}"
    picked = ", ".join(f"json_extract(r.value, '$[{position}]') AS {name}" for position, name in enumerate(columns))
    return f"(SELECT {picked} FROM json_each(%s) AS r) AS {alias}"


def followups_insert_select(*, prototype: FollowUp, values: dict[str, str], source: str, params: list) -> int:
    """Follow-ups written in one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (``core.db.insert_select``);
    a conflict on either unique key (plan and day, source key) skips the row. Returns the rows written."""
    return insert_select(prototype=prototype, values=values, source=source, params=params)


# --- working a follow-up -------------------------------------------------------


def _locked_pending(followup: FollowUp) -> FollowUp:
    # of=("self",): PostgreSQL cannot lock the nullable side (plan) of the outer join.
    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("plan", "customer").get(pk=followup.pk)
    if not locked.is_pending:
        raise ValidationError(_("This follow-up was already closed."), code="closed")
    return locked


def _log_on_timeline(followup: FollowUp, *, outcome: str, note: str, by) -> None:
    """The attempt on the customer's timeline; the first attempt that reached them is remembered
    (a win-back that reached the customer and is followed by a purchase is a save)."""
    reached = outcome not in FollowUp.UNREACHED_OUTCOMES
    # Only what the rep typed: the outcome is kept as its code and named in the reader's language.
    followup.interaction = interaction_log(
        customer=followup.customer,
        kind=followup.channel,
        summary=note,
        outcome=outcome,
        by=by,
        reached=reached,
    )
    if reached and followup.reached_at is None:
        followup.reached_at = followup.interaction.occurred_at


@transaction.atomic
def followup_complete(*, followup: FollowUp, outcome: str, note: str = "", by: AbstractBaseUser) -> FollowUp:
    """Done: on the timeline, last contact moved, and the plan's next occurrence exists."""
    followup = _locked_pending(followup)
    if outcome not in FollowUp.LOGGED_OUTCOMES:
        raise ValidationError(_("Choose what happened."), code="outcome")
    _log_on_timeline(followup, outcome=outcome, note=note, by=by)
    followup.status = FollowUp.Status.DONE
    followup.outcome, followup.note = outcome, note
    followup.completed_at, followup.completed_by = timezone.now(), by
    followup.save()
    if followup.plan_id:
        _schedule_after(followup, done_on=timezone.localdate(followup.completed_at))
    customers_refresh_next_call([followup.customer_id])
    followup_completed.send(sender=FollowUp, followup=followup, by=by)
    return followup


@transaction.atomic
def followup_skip(*, followup: FollowUp, note: str = "", by: AbstractBaseUser) -> FollowUp:
    """Not needed this time; the rhythm goes on."""
    followup = _locked_pending(followup)
    followup.status, followup.note = FollowUp.Status.SKIPPED, note
    followup.completed_at, followup.completed_by = timezone.now(), by
    followup.save()
    if followup.plan_id:
        _schedule_after(followup, done_on=timezone.localdate(followup.completed_at))
    customers_refresh_next_call([followup.customer_id])
    return followup


def _schedule_after(followup: FollowUp, *, done_on: datetime.date) -> None:
    plan = FollowUpPlan.objects.select_for_update().get(pk=followup.plan_id)
    if not plan.active:
        return
    if plan.count_from == FollowUpPlan.CountFrom.COMPLETION:
        _remove_pending(plan)
        plan.anchor_on, plan.next_index = done_on, 1
        plan.next_due_on = _plan_due(plan, 1, working_days())
        plan.save(update_fields=["anchor_on", "next_index", "next_due_on"])
    elif plan.followups.filter(status__in=FollowUp.PENDING, scheduled_on__gt=followup.scheduled_on).exists():
        return
    materialise_plans(plan_ids=[plan.pk], until=max(horizon_for(done_on), plan.next_due_on))


@transaction.atomic
def followup_reschedule(
    *,
    followup: FollowUp,
    to: datetime.date,
    reason: str = "",
    outcome: str = "",
    note: str = "",
    by: AbstractBaseUser,
) -> FollowUp:
    """Snooze, or try again after no answer: the due date moves, the plan's rhythm does not.

    An attempt with an outcome (no answer, call back later) is kept on the timeline.
    """
    followup = _locked_pending(followup)
    today = timezone.localdate()
    if to <= today:
        raise ValidationError(_("Pick a day after today."), code="past")
    if outcome:
        if outcome not in FollowUp.RETRY_OUTCOMES:
            raise ValidationError(_("Only “no answer” and “call back later” can be tried again."), code="outcome")
        _log_on_timeline(followup, outcome=outcome, note=note, by=by)
    followup.due_on = working_days().on_or_after(to)
    followup.status = FollowUp.Status.RESCHEDULED
    followup.snooze_count += 1
    followup.snooze_reason = reason  # what the rep typed; an attempt's outcome is on the timeline
    followup.save()
    customers_refresh_next_call([followup.customer_id])
    return followup


@transaction.atomic
def followup_reassign(*, followup: FollowUp, assignee: AbstractBaseUser) -> FollowUp:
    """A manager gives one call to another rep; the audit trail keeps who moved it from whom."""
    before = followup.assignee_id
    followup.assignee = assignee
    followup.save(update_fields=["assignee"])
    change_recorded(
        instance=followup, field="assignee", before=before, after=assignee.pk, customer_id=followup.customer_id
    )
    return followup


@transaction.atomic
def followups_move_to_owner(*, customer: Customer) -> int:
    """After a customer changes hands: their plans and pending follow-ups follow the owner."""
    FollowUpPlan.objects.filter(customer=customer).update(assignee=customer.owner)
    return FollowUp.objects.filter(customer=customer, status__in=FollowUp.PENDING).update(assignee=customer.owner)


def followups_move_to_owner_many(*, customer_ids: list[int], owner: AbstractBaseUser | None) -> int:
    """``followups_move_to_owner`` for a chunk of customers that moved together (a hand-over)."""
    FollowUpPlan.objects.filter(customer_id__in=customer_ids).update(assignee=owner)
    return FollowUp.objects.filter(customer_id__in=customer_ids, status__in=FollowUp.PENDING).update(assignee=owner)


@transaction.atomic
def followups_hand_over(*, from_assignee: AbstractBaseUser, to_assignee: AbstractBaseUser) -> int:
    """A colleague who left: the plans and pending calls still in their name (of customers someone
    else owns: a manager gave them one call) go to their successor too. Returns the calls moved."""
    FollowUpPlan.objects.filter(assignee=from_assignee).update(assignee=to_assignee)
    return FollowUp.objects.filter(assignee=from_assignee, status__in=FollowUp.PENDING).update(assignee=to_assignee)


# --- other reasons to call: one pipeline ------------------------------------------------


@dataclass(frozen=True)
class RaisedCall:
    """One call a cause raises in bulk (``followups_raise_many``): the arguments of ``followup_raise``.

    ``skipped``: the cause records its step as not needed (an onboarding call when the rep had
    already reached the customer); the facts say why.
    """

    customer_id: int
    assignee_id: int | None
    reason: str
    source_key: str
    due_on: datetime.date
    facts: dict
    skipped: bool = False
    purpose: str = ""


def followups_raise_many(calls: Iterable[RaisedCall]) -> int:
    """``followup_raise`` for a batch (a nightly job's thousands): one insert per chunk, each source
    key at most once (the unique constraint), existing calls left as they are. Returns how many
    calls were new."""
    days, created, now = working_days(), 0, timezone.now()
    due = functools.cache(days.on_or_after)  # a batch has few distinct days; each is a Jalali lookup
    rows = [
        FollowUp(
            customer_id=call.customer_id,
            assignee_id=call.assignee_id,
            reason=call.reason,
            source_key=call.source_key,
            facts=call.facts,
            purpose=call.purpose[:300],
            scheduled_on=due(call.due_on),
            due_on=due(call.due_on),
            status=FollowUp.Status.SKIPPED if call.skipped else FollowUp.Status.OPEN,
            completed_at=now if call.skipped else None,
        )
        for call in calls
    ]
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        keys = [row.source_key for row in chunk]
        before = FollowUp.objects.filter(source_key__in=keys).count()
        FollowUp.objects.bulk_create(chunk, ignore_conflicts=True)
        created += FollowUp.objects.filter(source_key__in=keys).count() - before
        customers_refresh_next_call({row.customer_id for row in chunk})
    return created


def followup_raise(
    *,
    customer: Customer,
    reason: str,
    source_key: str,
    due_on: datetime.date,
    facts: dict | None = None,
    purpose: str = "",
    channel: str = Channel.CALL,
    assignee: AbstractBaseUser | None = None,
) -> tuple[FollowUp, bool]:
    """The one way a cause other than a plan puts a call on a rep's list; returns (call, created).

    ``source_key`` names the cause once ("detractor:response:42"): the database keeps it
    unique, so raising the same cause again, or from two workers at once, gives the same call.
    A call still pending takes the newer ``facts`` (the customer added a comment, say); a
    closed one is left as it was. ``facts`` must be JSON: the row's sentence is written
    from them (``followups.reasons``). The call falls on the next working day from ``due_on``.
    """
    if reason == FollowUp.Reason.PERIODIC:
        raise ValueError("Periodic calls come from plans, not from followup_raise.")
    facts = facts or {}
    due = working_days().on_or_after(due_on)
    followup = FollowUp(
        customer=customer,
        assignee_id=assignee.pk if assignee else customer.owner_id,
        reason=reason,
        source_key=source_key,
        facts=facts,
        purpose=purpose[:300],
        channel=channel,
        scheduled_on=due,
        due_on=due,
    )
    # The database checks the key (race-free) and the two foreign keys: the customer and the rep
    # are rows the caller holds, so validating reads nothing (the choices and lengths are checked).
    followup.full_clean(validate_unique=False, exclude=["customer", "assignee"])
    try:
        with transaction.atomic():  # a savepoint: a duplicate must not break the caller's transaction
            followup.save()
    except IntegrityError:
        followup = FollowUp.objects.filter(source_key=source_key).first()
        if followup is None:
            raise
        if followup.is_pending and followup.facts != facts:
            FollowUp.objects.filter(pk=followup.pk, status__in=FollowUp.PENDING).update(facts=facts)
            followup.facts = facts
        return followup, False
    customers_next_call_brought_forward(Customer.objects.filter(pk=customer.pk), due)
    return followup, True


def customers_next_call_brought_forward(customers: QuerySet[Customer], due: datetime.date) -> int:
    """New pending calls due on ``due`` for these customers: the earliest of the pending calls and
    plans (what ``customers_refresh_next_call`` keeps) can only move to ``due``, if that is sooner.
    One UPDATE that writes only the rows it moves (a customer row is wide and heavily indexed);
    closing a call moves it later, and takes the full refresh."""
    return customers.filter(Q(next_call_on__isnull=True) | Q(next_call_on__gt=due)).update(next_call_on=due)


def no_contact_calls_raise(*, customers: QuerySet[Customer], day: datetime.date) -> int:
    """A call for each customer of the "not contacted" list, once per quiet spell (since their last
    contact); returns how many were new."""
    rows = customers.values_list("pk", "owner_id", "last_contact_on")
    return followups_raise_many(
        RaisedCall(
            customer_id=pk,
            assignee_id=owner_id,
            reason=FollowUp.Reason.NO_CONTACT,
            source_key=f"no_contact:customer:{pk}:since:{last.isoformat() if last else 'never'}",
            due_on=day,
            facts={"last_contact_on": last.isoformat() if last else None},
        )
        for pk, owner_id, last in rows.iterator(chunk_size=2000)
    )
