"""Reads for the calls-due page, the team view and the digest: a fixed number of queries."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.db import SortKey, cursor_decode, cursor_encode, keyset_after, keyset_order, queryset_of
from core.roles import is_manager
from customers.models import Interaction
from customers.selectors import customer_list, sales_team
from followups.models import FollowUp, FollowUpPlan
from followups.ranking import ranked_followups
from followups.services import escalation_cutoff, horizon_for


def followups_visible_to(user: AbstractBaseUser, among: QuerySet[FollowUp] | None = None) -> QuerySet[FollowUp]:
    """Reps see the follow-ups assigned to them; managers see every one (of ``among``: all by default)."""
    followups = FollowUp.objects.all() if among is None else among
    return followups if is_manager(user) else followups.filter(assignee=user)


def followup_get_for(*, user: AbstractBaseUser, pk: int) -> FollowUp:
    """A follow-up ``user`` may work on, else 404."""
    return get_object_or_404(followups_visible_to(user).select_related("customer", "plan", "assignee"), pk=pk)


def followup_row_for(*, user: AbstractBaseUser, pk: int, day: datetime.date) -> FollowUp:
    """One row of the calls-due page as the page shows it (ranked, with the call's context), else 404."""
    return get_object_or_404(_with_call_context(followups_visible_to(user, ranked_followups(day=day))), pk=pk)


def plan_get_for(*, user: AbstractBaseUser, pk: int) -> FollowUpPlan:
    plans = FollowUpPlan.objects.select_related("customer")
    if not is_manager(user):
        plans = plans.filter(customer__owner=user)
    return get_object_or_404(plans, pk=pk)


# Other apps add what a rep should see about the customer on a calls-due row (loyalty: the tier
# and the points) with ``register_row_fact(annotations, sentence)`` in their AppConfig.ready():
# ``annotations()`` are added to the rows' query (still one query for a page of rows), and
# ``sentence(row)`` says it in the reader's language ("" says nothing) from those annotations.
_ROW_FACTS: list[tuple[Callable[[], dict], Callable[[FollowUp], str]]] = []


def register_row_fact(annotations: Callable[[], dict], sentence: Callable[[FollowUp], str]) -> None:
    if (annotations, sentence) not in _ROW_FACTS:
        _ROW_FACTS.append((annotations, sentence))
        _page_rows_query.cache_clear()


# Other apps add a part to a row's "more actions" (loyalty: redeem points during the call) with
# ``register_row_action(template, what)``: the template is included with the row's ``followup``,
# and ``what`` ("redeem points") joins the summary that opens them.
_ROW_ACTIONS: list[tuple[str, Promise]] = []


def register_row_action(template: str, what: Promise) -> None:
    if template not in row_actions():
        _ROW_ACTIONS.append((template, what))


def row_actions() -> list[str]:
    return [template for template, _what in _ROW_ACTIONS]


def more_actions_label() -> str:
    """The summary of a row's more actions: "Snooze, skip or reassign", and what other apps add."""
    extras = [str(what) for _template, what in _ROW_ACTIONS]
    if not extras:
        return _("Snooze, skip or reassign")
    return _("Snooze, skip, reassign or %(more)s") % {"more": pgettext("between listed actions", ", ").join(extras)}


def row_facts_for(*, user: AbstractBaseUser, pk: int) -> list[str]:
    """A row's facts read afresh, after another app changed them from the row (a redemption)."""
    followup = _with_call_context(followups_visible_to(user).filter(pk=pk)).first()
    return row_facts(followup) if followup else []


def row_facts(row: FollowUp) -> list[str]:
    return [text for text in (sentence(row) for _annotations, sentence in _ROW_FACTS) if text]


def _with_call_context(followups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """What a rep needs on the row: the customer, the plan and the last contact's outcome."""
    last_contact = Interaction.objects.filter(
        customer=OuterRef("customer_id"), kind__in=Interaction.CONTACT_KINDS
    ).order_by("-occurred_at", "-id")
    next_call = FollowUp.objects.filter(customer=OuterRef("customer_id"), status__in=FollowUp.PENDING).exclude(
        pk=OuterRef("pk")
    )
    registered = {name: value for annotations, _sentence in _ROW_FACTS for name, value in annotations().items()}
    return followups.select_related("customer", "plan", "assignee").annotate(
        **registered,
        last_contact_outcome=Subquery(last_contact.values("outcome")[:1]),
        last_contact_summary=Subquery(last_contact.values("summary")[:1]),
        last_contact_at=Subquery(last_contact.values("occurred_at")[:1]),
        # A closed row says when the customer is called next (by anyone), so nobody wonders.
        next_call_on=Subquery(next_call.order_by("due_on").values("due_on")[:1]),
    )


def followups_due_for(*, day: datetime.date, rep: AbstractBaseUser | None = None) -> QuerySet[FollowUp]:
    """Pending follow-ups due by ``day``, highest rank first (the digest's list).

    ``rep=None`` means the whole team. Rows carry the ranking's figures (``followups.ranking``).
    """
    followups = ranked_followups(day=day).filter(status__in=FollowUp.PENDING, due_on__lte=day)
    if rep is not None:
        followups = followups.filter(assignee=rep)
    return _with_call_context(followups).order_by(*keyset_order(SECTION_ORDER[DUE]))


def _local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[midnight, next midnight) of ``day`` in Tehran: a range an index can serve (``__date`` cannot)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _closed_on(day: datetime.date) -> Q:
    start, end = _local_day_bounds(day)
    return Q(status__in=[FollowUp.Status.DONE, FollowUp.Status.SKIPPED], completed_at__gte=start, completed_at__lt=end)


# The calls-due page: what is due (overdue and today) in one ranked list, the coming days by
# day and rank, and what was closed on the day. Each shows a page of rows; "show more" asks
# for the rows after the last one shown (a keyset, so closing a call never skips another).
DUE, UPCOMING, DONE = "due", "upcoming", "done"
SECTIONS = (DUE, UPCOMING, DONE)
SECTION_ORDER = {
    DUE: (SortKey("rank_score", descending=True), SortKey("id")),
    UPCOMING: (SortKey("due_on"), SortKey("rank_score", descending=True), SortKey("id")),
    DONE: (SortKey("completed_at", descending=True), SortKey("id", descending=True)),
}
# Rows a section shows at a time: the ranked list is what a rep works (the first screen: its top 50);
# the others are a glance. 60 rows keep the first screen under 150 KiB (docs/performance.md).
ROWS_PER_PAGE = {DUE: 50, UPCOMING: 5, DONE: 5}


@dataclass
class CallsDay:
    """The day a calls-due page shows: where a due date falls, what is escalated, how far ahead it looks."""

    day: datetime.date
    escalate_before: datetime.date
    horizon: datetime.date

    @property
    def horizon_days(self) -> int:
        return (self.horizon - self.day).days

    def section_of(self, followup: FollowUp) -> str:
        """Where the page shows ``followup``: a section, or "" when it lies outside the day's page."""
        if not followup.is_pending:
            start, end = _local_day_bounds(self.day)
            return DONE if followup.completed_at and start <= followup.completed_at < end else ""
        if followup.due_on <= self.day:
            return DUE
        return UPCOMING if followup.due_on <= self.horizon else ""


def _calls_day(day: datetime.date) -> CallsDay:
    return CallsDay(day=day, escalate_before=escalation_cutoff(day), horizon=horizon_for(day))


@dataclass
class CallsDueCounts(CallsDay):
    """How many rows each part of the page has (exact, whatever is shown): what an action updates."""

    overdue: int = 0
    today: int = 0
    upcoming: int = 0
    done: int = 0

    @property
    def due(self) -> int:
        return self.overdue + self.today

    def count_of(self, section: str) -> int:
        return getattr(self, section)


@dataclass(frozen=True)
class SectionPage:
    """One page of a section's rows; ``next_cursor`` is None on the last page."""

    section: str
    rows: list[FollowUp]
    next_cursor: str | None


@dataclass
class CallsDue(CallsDueCounts):
    """The calls-due page for one day: the counts and each section's first page."""

    pages: dict[str, SectionPage] = field(default_factory=dict)


def _section_rows(section: str, calls: CallsDay, rep: AbstractBaseUser | None) -> QuerySet[FollowUp]:
    """``section``'s rows in its order: closed calls keep their time order; pending ones carry the
    ranking they are sorted by."""
    if section == DONE:
        followups = FollowUp.objects.filter(_closed_on(calls.day))
    else:
        window = Q(due_on__lte=calls.day) if section == DUE else Q(due_on__gt=calls.day, due_on__lte=calls.horizon)
        followups = ranked_followups(day=calls.day).filter(window, status__in=FollowUp.PENDING)
    if rep is not None:
        followups = followups.filter(assignee=rep)
    return followups.order_by(*keyset_order(SECTION_ORDER[section]))


def calls_section_page(
    *, section: str, day: datetime.date, rep: AbstractBaseUser | None = None, cursor: str = ""
) -> SectionPage:
    """The rows of ``section`` after ``cursor`` (from the start when empty), in two queries.

    Ranked narrow, then read wide: the first query scores every call of the section (a rep
    may have 20,000) on the few columns the score needs and keeps the page's ids and keys;
    the second reads only those rows with their customer, plan and last contact. Raises
    ValueError for a cursor this page did not write.
    """
    ids, next_cursor = _section_ids(section=section, day=day, rep=rep, cursor=cursor)
    by_pk = _rows_by_pk(ids)
    return SectionPage(section=section, rows=[by_pk[pk] for pk in ids if pk in by_pk], next_cursor=next_cursor)


def _section_ids(
    *, section: str, day: datetime.date, rep: AbstractBaseUser | None, cursor: str = ""
) -> tuple[list[int], str | None]:
    """The ids of a page of ``section``'s rows in order, and the cursor of the next page (None: the last)."""
    calls, keys, size = _calls_day(day), SECTION_ORDER[section], ROWS_PER_PAGE[section]
    followups = _section_rows(section, calls, rep)
    if cursor:
        values = cursor_decode(cursor)
        if len(values) != len(keys):
            raise ValueError("not a cursor of this section")
        followups = keyset_after(followups, keys, values)
    page = list(followups.values_list("pk", *(key.name for key in keys))[: size + 1])
    more, page = len(page) > size, page[:size]
    return [pk for pk, *_keys in page], cursor_encode(list(page[-1][1:])) if more else None


def _rows_by_pk(ids: list[int]) -> dict[int, FollowUp]:
    """The rows of ``ids`` with what the page shows of each (customer, plan, last contact), in one query."""
    return queryset_of(_page_rows_query(timezone.localdate())).in_bulk(ids) if ids else {}


# The columns a calls-due row shows (``followups_tags.call_row``, ``_row.html``, ``reasons.explain``):
# the page reads only these, not the customer's notes nor a follow-up's bookkeeping. A row that
# reads another field costs a query per row; tests/followups/test_calls_first_screen.py counts them.
ROW_COLUMNS = (
    *("reason", "facts", "channel", "purpose", "due_on", "status", "outcome", "note", "completed_at"),
    *("snooze_count", "snooze_reason", "plan__every", "plan__unit"),
    *("assignee__username", "assignee__first_name", "assignee__last_name"),
    *("customer__name", "customer__mobile", "customer__company", "customer__email", "customer__email_opt_out"),
    *("customer__last_nps_score", "customer__last_contact_on", "customer__last_purchase_on"),
    *("customer__purchase_count", "customer__total_spent"),
)


@functools.lru_cache(maxsize=2)
def _page_rows_query(today: datetime.date) -> Query:
    """The page's rows with their call context, resolved once a day and process as the ranking is
    (its dozen subqueries and joins cost more to build than to run); handed out as copies only
    (``chain``). ``today`` is the key because a row fact may look back from it (a recent tier move)."""
    return _with_call_context(FollowUp.objects.all()).only(*ROW_COLUMNS).query


def followup_next_in_section(
    *, followup: FollowUp, section: str, day: datetime.date, rep: AbstractBaseUser | None = None
) -> int | None:
    """The id of the row that comes right after ``followup`` in ``section`` (None if it is the last):
    where a row an action moved goes on a page already shown, without reloading the section."""
    keys = SECTION_ORDER[section]
    followups = _section_rows(section, _calls_day(day), rep)
    after = keyset_after(followups, keys, [getattr(followup, key.name) for key in keys]).exclude(pk=followup.pk)
    return after.values_list("pk", flat=True).first()


def calls_due_for(*, day: datetime.date, rep: AbstractBaseUser | None = None) -> CallsDue:
    """The counts and the first page of each section: six queries at most whatever the number of
    calls (the counts, each section's page of ids, then one read of all the rows the page shows);
    a section the counts found empty is not asked for its rows."""
    counts = calls_due_counts(day=day, rep=rep)
    calls = CallsDue(**asdict(counts))
    pages = {
        section: _section_ids(section=section, day=day, rep=rep) if calls.count_of(section) else ([], None)
        for section in SECTIONS
    }
    by_pk = _rows_by_pk([pk for ids, _cursor in pages.values() for pk in ids])
    calls.pages = {
        section: SectionPage(section=section, rows=[by_pk[pk] for pk in ids if pk in by_pk], next_cursor=next_cursor)
        for section, (ids, next_cursor) in pages.items()
    }
    return calls


def calls_due_counts(*, day: datetime.date, rep: AbstractBaseUser | None = None) -> CallsDueCounts:
    """Each section's exact count: one aggregate over the pending calls, one count of the closed.

    Two queries, each served by its own index ((assignee, status, due_on) and the partial
    closed-by-assignee one); one query with an OR of both would read every row from the table.
    """
    calls = _calls_day(day)
    pending = FollowUp.objects.filter(status__in=FollowUp.PENDING, due_on__lte=calls.horizon)
    closed = FollowUp.objects.filter(_closed_on(day))
    if rep is not None:
        pending, closed = pending.filter(assignee=rep), closed.filter(assignee=rep)
    counts = pending.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=day)),
        today=Count("pk", filter=Q(due_on=day)),
        upcoming=Count("pk", filter=Q(due_on__gt=day)),
    )
    return CallsDueCounts(
        day=day, escalate_before=calls.escalate_before, horizon=calls.horizon, done=closed.count(), **counts
    )


@dataclass(frozen=True)
class RepWorkload:
    rep: AbstractBaseUser
    open: int
    overdue: int
    escalated: int
    done_today: int
    saves: int  # customers won back in the last SAVES_PERIOD_DAYS


SAVES_PERIOD_DAYS = 30


def team_workload(*, day: datetime.date) -> list[RepWorkload]:
    """Each rep's open, overdue, escalated and done-today counts, and their saves, in one query."""
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
        # A subquery: a second joined relation would multiply the counts above.
        saves_count=Coalesce(
            Subquery(
                FollowUp.objects.filter(
                    saved_by=OuterRef("pk"),
                    saved_on__gt=day - datetime.timedelta(days=SAVES_PERIOD_DAYS),
                    saved_on__lte=day,
                )
                .order_by()
                .values("saved_by")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    )
    return [
        RepWorkload(rep, rep.open_count, rep.overdue_count, rep.escalated_count, rep.done_count, rep.saves_count)
        for rep in reps
    ]


def escalated_followups(*, day: datetime.date) -> QuerySet[FollowUp]:
    """Pending follow-ups overdue by more than the allowed working days, oldest first."""
    return (
        FollowUp.objects.filter(status__in=FollowUp.PENDING, due_on__lt=escalation_cutoff(day))
        .select_related("customer", "assignee")
        .order_by("due_on", "id")
    )


def plans_for_customer(*, customer) -> QuerySet[FollowUpPlan]:
    return customer.followup_plans.select_related("assignee").order_by("-active", "id")


def pending_followups_for_customer(*, customer) -> QuerySet[FollowUp]:
    followups = customer.followups.filter(status__in=FollowUp.PENDING)
    return followups.select_related("assignee", "plan", "customer").order_by("due_on")


def not_contacted_cutoff(day: datetime.date) -> datetime.date:
    """Customers not reached since before this day (nor added since) count as not contacted."""
    return day - datetime.timedelta(days=settings.PEYGIR_NOT_CONTACTED_DAYS)


def customers_not_contacted(
    *,
    user: AbstractBaseUser,
    day: datetime.date,
    search: str = "",
    owner_id: int | None = None,
    segment_id: int | None = None,
    **_sort,
) -> QuerySet:
    """The communication calendar's gap: customers not reached for ``PEYGIR_NOT_CONTACTED_DAYS`` and
    with no open call, most valuable first. Nobody on it is on anybody's list."""
    cutoff = not_contacted_cutoff(day)
    open_call = FollowUp.objects.filter(customer=OuterRef("pk"), status__in=FollowUp.PENDING)
    customers = customer_list(user=user, search=search, owner_id=owner_id, segment_id=segment_id)
    quiet = Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, created_at__lt=_local_day_bounds(cutoff)[0])
    return customers.filter(quiet).exclude(Exists(open_call)).order_by(F("yearly_value").desc(), "id")


RAISED_CALLS_SHOWN = 5


def raised_calls_for_customer(*, customer) -> QuerySet[FollowUp]:
    """The calls raised for a reason other than a plan, newest first: the customer page's history of
    them, open or closed (an onboarding step marked not needed says why)."""
    calls = customer.followups.exclude(reason=FollowUp.Reason.PERIODIC).select_related("customer", "assignee")
    return calls.order_by("-created_at", "-id")[:RAISED_CALLS_SHOWN]


def reps_with_calls(*, day: datetime.date) -> QuerySet:
    """Active users with something pending due by ``day``: who gets a morning digest."""
    return (
        get_user_model()
        .objects.filter(is_active=True, followups__status__in=FollowUp.PENDING, followups__due_on__lte=day)
        .distinct()
    )


def open_calls_count() -> Coalesce:
    """How many pending calls a colleague has (``OuterRef("pk")``: the user), for the team page."""
    pending = (
        FollowUp.objects.filter(assignee=OuterRef("pk"), status__in=FollowUp.PENDING)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(pending.values("n")), 0)
