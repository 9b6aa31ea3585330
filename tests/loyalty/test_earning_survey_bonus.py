"""The survey answer's bonus on the answer's path: the rules come from the cache (a manager's change
is seen at once), the entry is written once per answer, and the kept balance moves by its points to
the same figure the ledger's sums give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loyalty import services
from loyalty.models import EarningRules, LoyaltyAccount, PointsEntry
from tests.concurrency import run_at_once, skip_on_sqlite
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _balance(customer) -> tuple[int, int]:
    account = LoyaltyAccount.objects.get(customer=customer)
    return account.available, account.pending


def _row_work(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
        and query["sql"] != "SELECT changes()"
    ]


def test_a_first_bonus_opens_the_customers_account(customer):
    assert services.survey_answer_reward(customer=customer, response_id=1) is True
    assert _balance(customer) == (20, 0)
    assert services.accounts_drift() == (0, [])


def test_a_bonus_adds_to_a_balance_that_already_has_points_pending_and_available(customer):
    services.points_adjust(customer=customer, points=35, reason="welcome", by=None)
    PointsEntry.objects.create(
        customer=customer, points=7, kind=PointsEntry.Kind.PURCHASE, source_key="test:pending",
        state=PointsEntry.State.PENDING,
    )  # fmt: skip
    services.accounts_refresh(customer_ids=[customer.pk])

    services.survey_answer_reward(customer=customer, response_id=1)

    assert _balance(customer) == (55, 7)
    assert services.accounts_drift() == (0, [])


def test_the_same_answer_confirmed_again_earns_nothing_and_moves_no_balance(customer):
    services.survey_answer_reward(customer=customer, response_id=1)
    assert services.survey_answer_reward(customer=customer, response_id=1) is False
    assert PointsEntry.objects.filter(customer=customer).count() == 1
    assert _balance(customer) == (20, 0)


def test_a_bonus_is_two_statements_with_the_rules_cached(customer):
    services.earning_rules()
    with CaptureQueriesContext(connection) as queries:
        services.survey_answer_reward(customer=customer, response_id=1)
    work = _row_work(queries)
    assert len(work) == 2, work
    assert all(sql.lstrip().upper().startswith("INSERT") for sql in work)


def test_rules_saved_by_a_manager_apply_to_the_next_answer(customer):
    services.survey_answer_reward(customer=customer, response_id=1)  # the rules are cached now
    rules = services.earning_rules()
    rules.survey_bonus = 5
    rules.save()
    services.survey_answer_reward(customer=customer, response_id=2)
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [5, 20]


def test_rules_removed_are_read_again_with_their_defaults(customer):
    services.earning_rules()
    EarningRules.objects.get(pk=1).delete()
    assert services.earning_rules().survey_bonus == 20


@pytest.mark.django_db(transaction=True)
def test_the_same_answer_rewarded_from_two_workers_at_once_earns_once():
    skip_on_sqlite()
    customer = CustomerFactory()
    run_at_once(lambda: services.survey_answer_reward(customer=customer, response_id=1))
    assert PointsEntry.objects.filter(customer=customer).count() == 1
    assert _balance(customer) == (20, 0)
