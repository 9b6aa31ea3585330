"""The ranking is resolved into a query once per day and reused by every section of the calls-due page:
the same scores, the same order, the same queries, and no query's filter leaking into the next."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from customers.services import purchase_add
from followups import ranking, selectors
from followups.models import FollowUp
from followups.ranking import ranked, ranked_followups
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 6, 1)  # a past day: purchases cannot be in the future
REASONS = ["periodic", "detractor", "win_back", "renewal", "referral", "onboarding", "points_expiring", "one_off"]


def _figures(followups) -> list[tuple]:
    return [
        (f.pk, f.rank_value, f.rank_risk, f.rank_overdue_days, f.rank_score)
        for f in followups.order_by("-rank_score", "id")
    ]


@pytest.fixture
def calls(rep):
    """Calls of every reason, overdue by up to 30 days or due 5 or 10 days ahead, of customers worth more
    (and one who has not bought yet: the typical customer's value)."""
    made = []
    for n, reason in enumerate(REASONS * 3):
        customer = CustomerFactory(owner=rep)
        purchase_add(customer=customer, purchased_on=TODAY - (30 + 40 * n) * DAY, amount=Decimal(1_000_000 + n * 7_000))
        made.append(FollowUpFactory(customer=customer, reason=reason, scheduled_on=TODAY - (n * 5 % 45 - 10) * DAY))
    made.append(FollowUpFactory(customer=CustomerFactory(owner=rep), reason="referral", scheduled_on=TODAY))
    return made


def test_the_reused_ranking_gives_every_row_the_same_figures_and_place_as_ranking_afresh(calls):
    afresh = _figures(ranked(FollowUp.objects.all(), day=TODAY))

    assert _figures(ranked_followups(day=TODAY)) == afresh
    assert _figures(ranked_followups(day=TODAY)) == afresh  # from the day's query, reused


def test_a_filter_on_one_ranked_queryset_does_not_reach_the_next(calls):
    first = calls[0]
    assert list(ranked_followups(day=TODAY).filter(pk=first.pk).values_list("pk", flat=True)) == [first.pk]

    assert ranked_followups(day=TODAY).count() == len(calls)


def test_each_day_is_ranked_for_that_day(calls):
    call = calls[5]  # 15 days overdue
    overdue_today = ranked_followups(day=TODAY).get(pk=call.pk).rank_overdue_days

    assert overdue_today == 15
    assert ranked_followups(day=TODAY + 3 * DAY).get(pk=call.pk).rank_overdue_days == 18
    assert ranked_followups(day=TODAY).get(pk=call.pk).rank_overdue_days == overdue_today


def test_a_new_typical_customer_value_is_ranked_with_the_new_value(rep, calls):
    newcomer = calls[-1]
    before = ranked_followups(day=TODAY).get(pk=newcomer.pk).rank_value
    rich = CustomerFactory(owner=rep)
    for _ in range(len(calls)):  # enough buyers worth more to move the median
        rich = CustomerFactory(owner=rep)
        purchase_add(customer=rich, purchased_on=TODAY - 400 * DAY, amount=Decimal(900_000_000))
    cache.clear()  # the typical value is cached for an hour

    after = ranked_followups(day=TODAY).get(pk=newcomer.pk).rank_value

    assert after > before
    assert after == ranked(FollowUp.objects.filter(pk=newcomer.pk), day=TODAY).get().rank_value


def test_the_calls_due_page_resolves_the_ranking_once_a_day_and_keeps_its_few_queries(
    rep, calls, django_assert_num_queries
):
    ranking._ranked_query.cache_clear()
    selectors.calls_due_for(day=TODAY, rep=rep)  # the typical customer's value is cached from here on

    # two for the counts, one per section's ids (due and upcoming: none was closed), one read of the rows
    with django_assert_num_queries(5):
        page = selectors.calls_due_for(day=TODAY, rep=rep)

    assert ranking._ranked_query.cache_info().misses == 1
    due = page.pages[selectors.DUE].rows
    assert [row.pk for row in due] == [
        pk for pk, *_rest in _figures(ranked_followups(day=TODAY).filter(due_on__lte=TODAY))
    ]


def test_the_next_row_in_a_section_and_show_more_follow_the_first_page(rep, calls, settings):
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 14  # six calls ahead: more than the five shown
    page = selectors.calls_due_for(day=TODAY, rep=rep)

    assert page.pages[selectors.UPCOMING].next_cursor
    for section in (selectors.DUE, selectors.UPCOMING):
        shown = [selectors.followup_row_for(user=rep, pk=row.pk, day=TODAY) for row in page.pages[section].rows]
        nexts = [selectors.followup_next_in_section(followup=row, section=section, day=TODAY, rep=rep) for row in shown]
        assert nexts[:-1] == [row.pk for row in shown[1:]]
        cursor = page.pages[section].next_cursor
        more = selectors.calls_section_page(section=section, day=TODAY, rep=rep, cursor=cursor) if cursor else None
        assert nexts[-1] == (more.rows[0].pk if more else None)
