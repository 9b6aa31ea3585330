"""Reads for the calls-due page, the team view and the digest: a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.roles import is_manager
from customers.models import Interaction
from customers.selectors import sales_team
from followups.models import FollowUp, FollowUpPlan
from followups.services import escalation_cutoff

UPCOMING_DAYS = 7


def followups_visible_to(user: AbstractBaseUser) -> QuerySet[FollowUp]:
    """Reps see the follow-ups assigned to them; managers see every one."""
    followups = FollowUp.objects.all()
    return followups if is_manager(user) else followups.filter(assignee=user)


def followup_get_for(*, user: AbstractBaseUser, pk: int) -> FollowUp:
    """A follow-up ``user`` may work on, else 404."""
    return get_object_or_404(followups_visible_to(user).select_related("customer", "plan", "assignee"), pk=pk)


def plan_get_for(*, user: AbstractBaseUser, pk: int) -> FollowUpPlan:
    plans = FollowUpPlan.objects.select_related("customer")
    if not is_manager(user):
        plans = plans.filter(customer__owner=user)
    return get_object_or_404(plans, pk=pk)


def _with_call_context(followups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """What a rep needs on the row: the customer, the plan and the last contact's outcome."""
    last_contact = Interaction.objects.filter(
        customer=OuterRef("customer_id"), kind__in=Interaction.CONTACT_KINDS
    ).order_by("-occurred_at", "-id")
    return followups.select_related("customer", "plan", "assignee").annotate(
        last_contact_outcome=Subquery(last_contact.values("outcome")[:1]),
        last_contact_summary=Subquery(last_contact.values("summary")[:1]),
        last_contact_at=Subquery(last_contact.values("occurred_at")[:1]),
    )


def followups_due_for(
    *, day: datetime.date, rep: AbstractBaseUser | None = None, until: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """Pending follow-ups due up to ``until`` (default: day + 7), most urgent and valuable first.

    ``rep=None`` means the whole team.
    """
    followups = FollowUp.objects.filter(
        status__in=FollowUp.PENDING, due_on__lte=until or day + datetime.timedelta(days=UPCOMING_DAYS)
    )
    if rep is not None:
        followups = followups.filter(assignee=rep)
    return _with_call_context(followups).order_by("-priority", F("customer__total_spent").desc(), "due_on", "id")


def _local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[midnight, next midnight) of ``day`` in Tehran: a range an index can serve (``__date`` cannot)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _closed_on(day: datetime.date) -> Q:
    start, end = _local_day_bounds(day)
    return Q(status__in=[FollowUp.Status.DONE, FollowUp.Status.SKIPPED], completed_at__gte=start, completed_at__lt=end)


@dataclass
class CallsDay:
    """The day a calls-due page shows and where a due date falls on it."""

    day: datetime.date
    escalate_before: datetime.date

    def section_of(self, followup: FollowUp) -> str:
        if followup.due_on < self.day:
            return "overdue"
        return "today" if followup.due_on == self.day else "upcoming"


@dataclass
class CallsDue(CallsDay):
    """The calls-due page's sections for one day."""

    overdue: list[FollowUp] = field(default_factory=list)
    today: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)
    done: list[FollowUp] = field(default_factory=list)


@dataclass
class CallsDueCounts(CallsDay):
    """How many rows each section has: what an in-place action updates."""

    overdue: int = 0
    today: int = 0
    upcoming: int = 0
    done: int = 0


def calls_due_for(*, day: datetime.date, rep: AbstractBaseUser | None = None) -> CallsDue:
    """Overdue, today, the next 7 days, and what was closed that day: two queries."""
    calls = CallsDue(day=day, escalate_before=escalation_cutoff(day))
    for followup in followups_due_for(day=day, rep=rep):
        getattr(calls, calls.section_of(followup)).append(followup)
    calls.upcoming.sort(key=lambda followup: followup.due_on)  # stable: priority and value order kept per day
    done = FollowUp.objects.filter(_closed_on(day))
    if rep is not None:
        done = done.filter(assignee=rep)
    calls.done = list(_with_call_context(done).order_by("-completed_at"))
    return calls


def calls_due_counts(*, day: datetime.date, rep: AbstractBaseUser | None = None) -> CallsDueCounts:
    """The section counts of ``calls_due_for`` in one aggregate query."""
    pending = Q(status__in=FollowUp.PENDING)
    closed = _closed_on(day)
    followups = FollowUp.objects.filter(pending & Q(due_on__lte=day + datetime.timedelta(days=UPCOMING_DAYS)) | closed)
    if rep is not None:
        followups = followups.filter(assignee=rep)
    counts = followups.aggregate(
        overdue=Count("pk", filter=pending & Q(due_on__lt=day)),
        today=Count("pk", filter=pending & Q(due_on=day)),
        upcoming=Count("pk", filter=pending & Q(due_on__gt=day)),
        done=Count("pk", filter=closed),
    )
    return CallsDueCounts(day=day, escalate_before=escalation_cutoff(day), **counts)


@dataclass(frozen=True)
class RepWorkload:
    rep: AbstractBaseUser
    open: int
    overdue: int
    escalated: int
    done_today: int


def team_workload(*, day: datetime.date) -> list[RepWorkload]:
    """Each rep's open, overdue, escalated and done-today counts in one query."""
    pending = Q(followups__status__in=FollowUp.PENDING)
    day_start, day_end = _local_day_bounds(day)
    # Filter by pk subquery: joining the groups here would multiply the counts.
    reps = get_user_model().objects.filter(pk__in=sales_team().values("pk")).order_by("first_name", "username")
    reps = reps.annotate(
        open_count=Count("followups", filter=pending & Q(followups__due_on__lte=day)),
        overdue_count=Count("followups", filter=pending & Q(followups__due_on__lt=day)),
        escalated_count=Count("followups", filter=pending & Q(followups__due_on__lt=escalation_cutoff(day))),
        done_count=Count(
            "followups",
            filter=Q(
                followups__status=FollowUp.Status.DONE,
                followups__completed_at__gte=day_start,
                followups__completed_at__lt=day_end,
            ),
        ),
    )
    return [RepWorkload(rep, rep.open_count, rep.overdue_count, rep.escalated_count, rep.done_count) for rep in reps]


def escalated_followups(*, day: datetime.date) -> QuerySet[FollowUp]:
    """Pending follow-ups overdue by more than the allowed working days, oldest first."""
    return (
        FollowUp.objects.filter(status__in=FollowUp.PENDING, due_on__lt=escalation_cutoff(day))
        .select_related("customer", "assignee")
        .order_by("due_on", "-priority")
    )


def plans_for_customer(*, customer) -> QuerySet[FollowUpPlan]:
    return customer.followup_plans.select_related("assignee").order_by("-active", "id")


def pending_followups_for_customer(*, customer) -> QuerySet[FollowUp]:
    return customer.followups.filter(status__in=FollowUp.PENDING).select_related("assignee").order_by("due_on")


def reps_with_calls(*, day: datetime.date) -> QuerySet:
    """Active users with something pending due by ``day``: who gets a morning digest."""
    return (
        get_user_model()
        .objects.filter(is_active=True, followups__status__in=FollowUp.PENDING, followups__due_on__lte=day)
        .distinct()
    )
