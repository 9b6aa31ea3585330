"""A raised call and the customer's next call: the raise brings ``next_call_on`` forward in one short
UPDATE, to the same day the full refresh computes; closing the call later moves it back by the rule."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followups import services
from followups.models import FollowUp
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


def _raise(customer, key, days):
    call, _created = services.followup_raise(
        customer=customer, reason=FollowUp.Reason.ONE_OFF, source_key=key, due_on=_today() + days * DAY
    )
    return call


def _next_call(customer):
    customer.refresh_from_db(fields=["next_call_on"])
    return customer.next_call_on


def _refreshed(customer):
    """What the full refresh (the earliest pending call or active plan) makes of it."""
    services.customers_refresh_next_call([customer.pk])
    return _next_call(customer)


@pytest.mark.parametrize("raised_in_days", [2, 10, 30])
def test_a_raised_call_gives_the_day_the_full_refresh_gives(rep, raised_in_days):
    customer = CustomerFactory(owner=rep)
    services.plan_create(customer=customer, every=1, starts_on=_today() + 10 * DAY)
    _raise(customer, "test:earlier-cause", 20)

    _raise(customer, "test:the-cause", raised_in_days)

    assert _next_call(customer) == min(_today() + raised_in_days * DAY, _today() + 10 * DAY)
    assert _next_call(customer) == _refreshed(customer)


def test_a_first_call_for_a_customer_without_any_sets_the_next_call(rep):
    customer = CustomerFactory(owner=rep)
    _raise(customer, "test:the-cause", 3)
    assert _next_call(customer) == _today() + 3 * DAY == _refreshed(customer)


def test_the_same_cause_raised_again_later_leaves_the_next_call(rep):
    customer = CustomerFactory(owner=rep)
    _raise(customer, "test:the-cause", 3)
    _raise(customer, "test:the-cause", 1)  # the same call: its day does not change
    assert _next_call(customer) == _today() + 3 * DAY == _refreshed(customer)


def test_completing_the_raised_call_moves_the_next_call_to_what_is_left(rep):
    customer = CustomerFactory(owner=rep)
    _raise(customer, "test:later-cause", 9)
    call = _raise(customer, "test:the-cause", 2)
    services.followup_complete(followup=call, outcome=FollowUp.Outcome.REACHED, by=rep)
    assert _next_call(customer) == _today() + 9 * DAY == _refreshed(customer)


def test_a_raise_reads_neither_the_customer_nor_the_rep_again(rep):
    customer = CustomerFactory(owner=rep)
    customer = type(customer).objects.get(pk=customer.pk)  # the owner not loaded, as a caller holds it
    with CaptureQueriesContext(connection) as queries:
        call = _raise(customer, "test:the-cause", 2)
    work = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE"))
    ]
    assert [sql.split()[0] for sql in work if sql != "SELECT changes()"] == ["INSERT", "UPDATE"], work
    assert call.assignee == rep
