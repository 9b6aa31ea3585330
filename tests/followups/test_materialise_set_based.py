"""followups.services.materialise_plans writes the rows the cadence rule gives, one by one, in a few
statements per chunk of plans: due dates computed once per rhythm, the rest copied by the database."""

import datetime

import jdatetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followups import cadence, services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpPlanFactory, RepFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def j(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


# (every, unit, calendar, anchor): month ends in both calendars, Esfand of a leap and of a common year,
# weeks and days; several plans share each rhythm.
MIXED = [
    (1, "months", "jalali", j(1403, 6, 31)),  # 31 Shahrivar: 30 Mehr, 30 Aban ...
    (1, "months", "jalali", j(1403, 11, 30)),  # 30 Bahman: 30 Esfand 1403 (leap), then 30 Farvardin
    (3, "months", "jalali", j(1402, 9, 30)),  # to 29 Esfand 1402 (common)
    (1, "months", "gregorian", datetime.date(2024, 1, 31)),  # 29 Feb, 31 Mar, 30 Apr ...
    (2, "months", "gregorian", datetime.date(2023, 12, 31)),
    (1, "weeks", "jalali", j(1403, 10, 1)),
    (10, "days", "gregorian", j(1403, 10, 5)),
]
UNTIL = j(1403, 12, 29) + 40 * DAY


def _one_by_one(plan: FollowUpPlan, until: datetime.date, days: cadence.WorkingDays) -> list[datetime.date]:
    """The rule, plan by plan: occurrence n moved to a working day, from the plan's next index up to ``until``."""
    dates, index = [], plan.next_index
    while (day := cadence.due_on(plan.anchor_on, index, plan.every, plan.unit, plan.calendar, days)) <= until:
        dates.append(day)
        index += 1
    return dates


def _mixed_plans(settings, *, weekend=(4,)) -> list[FollowUpPlan]:
    settings.PEYGIR_WEEKEND_DAYS = list(weekend)  # Fridays off by default: some dates move to Saturday
    plans = []
    for every, unit, calendar, anchor in MIXED:
        for position in range(3):
            plans.append(
                FollowUpPlanFactory(
                    every=every,
                    unit=unit,
                    calendar=calendar,
                    starts_on=anchor,
                    customer=CustomerFactory(owner=RepFactory()),
                    channel=("call", "sms", "visit")[position],
                    purpose=f"برنامه {position}",
                )
            )
    return plans


def test_the_set_based_run_writes_exactly_the_rule_plan_by_plan(settings):
    plans = _mixed_plans(settings)
    days = services.working_days()
    expected = {plan.pk: _one_by_one(plan, UNTIL, days) for plan in plans}

    created = services.materialise_plans(until=UNTIL)

    assert created == sum(len(dates) for dates in expected.values())
    for plan in plans:
        rows = FollowUp.objects.filter(plan=plan).order_by("scheduled_on")
        assert [row.scheduled_on for row in rows] == expected[plan.pk]
        assert {row.due_on for row in rows} == set(expected[plan.pk])
        copied = {(row.customer_id, row.assignee_id, row.channel, row.purpose, row.reason) for row in rows}
        assert copied == {(plan.customer_id, plan.assignee_id, plan.channel, plan.purpose, "periodic")}
        plan.refresh_from_db()
        assert plan.next_index == len(expected[plan.pk])
        assert plan.next_due_on == cadence.due_on(
            plan.anchor_on, plan.next_index, plan.every, plan.unit, plan.calendar, days
        )
        assert plan.next_due_on > UNTIL


def test_month_ends_keep_to_the_end_of_each_month(settings):
    plans = _mixed_plans(settings, weekend=())
    services.materialise_plans(until=UNTIL)

    def scheduled(plan):
        return list(FollowUp.objects.filter(plan=plan).order_by("scheduled_on").values_list("scheduled_on", flat=True))

    shahrivar_31 = next(plan for plan in plans if plan.anchor_on == j(1403, 6, 31))
    jalali = [jdatetime.date.fromgregorian(date=day) for day in scheduled(shahrivar_31)]
    assert [(day.year, day.month, day.day) for day in jalali[:8]] == [
        (1403, 6, 31),
        (1403, 7, 30),
        (1403, 8, 30),
        (1403, 9, 30),
        (1403, 10, 30),
        (1403, 11, 30),
        (1403, 12, 30),  # 1403 is a leap year
        (1404, 1, 31),  # back to 31 in Farvardin: counted from the anchor, never from the last one
    ]
    esfand_1402 = next(plan for plan in plans if plan.anchor_on == j(1402, 9, 30))
    assert scheduled(esfand_1402)[1] == j(1402, 12, 29)  # 1402 is a common year
    january_31 = next(plan for plan in plans if plan.anchor_on == datetime.date(2024, 1, 31))
    assert scheduled(january_31)[:4] == [
        datetime.date(2024, 1, 31),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 31),
        datetime.date(2024, 4, 30),
    ]


def test_small_chunks_and_a_forgetful_rhythm_cache_give_the_same_rows(settings, monkeypatch):
    plans = _mixed_plans(settings)
    services.materialise_plans(until=UNTIL)
    whole = sorted(FollowUp.objects.values_list("plan_id", "scheduled_on", "customer_id", "channel"))
    FollowUp.objects.all().delete()
    for plan in plans:
        FollowUpPlan.objects.filter(pk=plan.pk).update(next_index=0, next_due_on=plan.next_due_on)
    monkeypatch.setattr(services, "PLANS_PER_TRANSACTION", 4)
    monkeypatch.setattr(services, "_RHYTHMS_KEPT", 1)

    assert services.materialise_plans(until=UNTIL) == len(whole)

    assert sorted(FollowUp.objects.values_list("plan_id", "scheduled_on", "customer_id", "channel")) == whole


def test_a_chunk_takes_three_statements_whatever_its_plans_and_rows(settings, django_assert_max_num_queries):
    """One SELECT, one INSERT, one UPDATE per chunk (plus SQLite's count of changed rows): 5 plans of
    one rhythm cost what 60 plans of seven rhythms and hundreds of rows cost."""
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 0
    today = timezone.localdate()
    FollowUpPlanFactory.create_batch(5, unit=FollowUpPlan.Unit.WEEKS, starts_on=today)
    with CaptureQueriesContext(connection) as five:
        assert services.materialise_due(today=today) == 5

    for every, unit, calendar, _anchor in MIXED:
        FollowUpPlanFactory.create_batch(
            60 // len(MIXED), every=every, unit=unit, calendar=calendar, starts_on=today - 400 * DAY
        )
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert services.materialise_due(today=today) > 300


def test_plans_are_worked_in_chunks_each_advanced_by_one_update(monkeypatch):
    """Five plans, two per chunk: three chunks, each plan worked once (the next chunk starts after the
    last plan of the one before)."""
    monkeypatch.setattr(services, "PLANS_PER_TRANSACTION", 2)
    today = timezone.localdate()
    plans = FollowUpPlanFactory.create_batch(5, unit=FollowUpPlan.Unit.DAYS, starts_on=today)
    with CaptureQueriesContext(connection) as run:
        assert services.materialise_due(today=today) == 5 * 8

    assert len([query for query in run.captured_queries if query["sql"].startswith("UPDATE")]) == 3
    for plan in plans:
        plan.refresh_from_db()
        assert (plan.next_index, FollowUp.objects.filter(plan=plan).count()) == (8, 8)


def test_a_plan_with_an_empty_purpose_and_no_assignee_is_copied_as_it_is():
    today = timezone.localdate()
    plan = FollowUpPlanFactory(unit=FollowUpPlan.Unit.WEEKS, starts_on=today, purpose="", assignee=None)

    services.materialise_due(today=today)

    row = FollowUp.objects.get(plan=plan, scheduled_on=today)
    assert (row.assignee_id, row.purpose, row.status, row.facts) == (None, "", FollowUp.Status.OPEN, {})
