"""Calls due through the API: a rep's own list (as the calls-due page ranks it, with why each call is
due), a manager's own, a colleague's or the team's; logging an outcome closes the call."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Interaction
from customers.services import purchase_add
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calls-due/"


def _complete(pk: int) -> str:
    return f"/api/v1/followups/{pk}/complete/"


@pytest.fixture
def calls(rep, other_rep):
    today = timezone.localdate()
    big = CustomerFactory(name="مشتری پرخرید", owner=rep)
    purchase_add(customer=big, purchased_on=today - datetime.timedelta(days=30), amount=Decimal(90_000_000))
    small = CustomerFactory(name="مشتری کم‌خرید", owner=rep)
    purchase_add(customer=small, purchased_on=today - datetime.timedelta(days=30), amount=Decimal(1_000))
    return {
        "big": FollowUpFactory(customer=big, purpose="پیگیری سفارش بزرگ"),
        "small_overdue": FollowUpFactory(
            customer=small, purpose="پیگیری", scheduled_on=today - datetime.timedelta(days=3)
        ),
        "tomorrow": FollowUpFactory(customer=small, purpose="فردا", scheduled_on=today + datetime.timedelta(days=1)),
        "theirs": FollowUpFactory(customer=CustomerFactory(name="مشتری دیگری", owner=other_rep), purpose="مال او"),
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_rep_sees_their_calls_due_today_highest_rank_first(rep_api, calls):
    rows = rep_api.get(DUE).json()["results"]

    assert [row["id"] for row in rows] == [calls["big"].pk, calls["small_overdue"].pk]
    first, second = rows
    assert first["customer"]["name"] == "مشتری پرخرید"
    assert first["customer"]["total_spent"] == 90_000_000
    assert first["reason"] == "one_off" and first["reason_label"] == "One-off"
    assert first["why"] == "پیگیری سفارش بزرگ"
    assert first["rank"]["score"] > second["rank"]["score"]
    assert set(first["rank"]) == {"score", "value", "risk", "at_stake", "overdue_days", "urgency"}
    assert (second["overdue"], second["rank"]["overdue_days"], first["overdue"]) == (True, 3, False)
    assert first["last_contact"] == {"at": None, "outcome": None, "summary": None}


def test_a_later_day_shows_what_will_be_due_then(rep_api, calls):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    assert calls["tomorrow"].pk in _ids(rep_api.get(DUE, {"day": tomorrow}))
    assert calls["tomorrow"].pk not in _ids(rep_api.get(DUE))


def test_a_rep_never_sees_another_reps_calls_even_asking(rep_api, other_rep, calls):
    assert calls["theirs"].pk not in _ids(rep_api.get(DUE, {"rep": other_rep.pk}))
    assert calls["theirs"].pk not in _ids(rep_api.get(DUE, {"rep": "all"}))


def test_a_manager_sees_their_own_a_colleagues_or_the_teams(manager_api, other_rep, calls):
    assert _ids(manager_api.get(DUE)) == []
    assert _ids(manager_api.get(DUE, {"rep": other_rep.pk})) == [calls["theirs"].pk]
    assert set(_ids(manager_api.get(DUE, {"rep": "all"}))) == {
        calls["big"].pk,
        calls["small_overdue"].pk,
        calls["theirs"].pk,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [({"day": "1403-09-10"}, "day"), ({"day": "2001-01-01"}, "day"), ({"rep": "999999"}, "rep"), ({"rep": "x"}, "rep")],
)
def test_a_bad_day_or_colleague_is_a_400(manager_api, calls, query, field):
    response = manager_api.get(DUE, query)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


# The token and its colleague, (for a manager asking for the team) the role, the count, the ranked page.
@pytest.mark.parametrize(("role", "queries"), [("manager_api", 4), ("rep_api", 3)])
def test_the_calls_due_cost_the_same_queries_for_2_and_60_rows(
    request, role, queries, rep, manager, calls, django_assert_num_queries
):
    client = request.getfixturevalue(role)
    query = {"rep": "all"} if role == "manager_api" else {}
    client.get(DUE, query)  # the token's "last used" and the typical customer's value (cached an hour)
    with django_assert_num_queries(queries):
        assert len(client.get(DUE, query).json()["results"]) >= 2
    for n in range(60):
        FollowUpFactory(customer=CustomerFactory(owner=rep), purpose=f"تماس {n}")
    with django_assert_num_queries(queries):
        assert len(client.get(DUE, {**query, "page_size": 100}).json()["results"]) >= 62


def test_a_rep_logs_an_outcome_and_the_call_is_closed(rep_api, rep, calls):
    followup = calls["big"]

    response = rep_api.post(_complete(followup.pk), {"outcome": "reached", "note": "راضی بود"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["outcome"]) == ("done", "reached")
    followup.refresh_from_db()
    assert (followup.status, followup.completed_by, followup.note) == (FollowUp.Status.DONE, rep, "راضی بود")
    assert Interaction.objects.filter(customer=followup.customer, outcome="reached").exists()
    last_contact = response.json()["last_contact"]
    assert (last_contact["outcome"], last_contact["summary"]) == ("reached", "راضی بود")
    assert last_contact["at"].endswith("+03:30")  # Tehran's time, as every time the API gives
    assert followup.pk not in _ids(rep_api.get(DUE))


def test_another_reps_call_is_a_404(rep_api, calls):
    response = rep_api.post(_complete(calls["theirs"].pk), {"outcome": "reached"}, format="json")

    assert response.status_code == 404
    calls["theirs"].refresh_from_db()
    assert calls["theirs"].is_pending


def test_a_manager_logs_an_outcome_for_any_call(manager_api, calls):
    response = manager_api.post(_complete(calls["theirs"].pk), {"outcome": "no_answer"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "done"


@pytest.mark.parametrize("outcome", ["", "bought_again", "maybe"])
def test_an_outcome_a_rep_cannot_log_is_refused(rep_api, calls, outcome):
    response = rep_api.post(_complete(calls["big"].pk), {"outcome": outcome}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"outcome"}
    calls["big"].refresh_from_db()
    assert calls["big"].is_pending


def test_a_call_already_closed_is_a_conflict(rep_api, calls):
    rep_api.post(_complete(calls["big"].pk), {"outcome": "reached"}, format="json")

    again = rep_api.post(_complete(calls["big"].pk), {"outcome": "no_answer"}, format="json")

    assert again.status_code == 409
    assert again.json() == {"detail": "This follow-up was already closed."}
    calls["big"].refresh_from_db()
    assert calls["big"].outcome == "reached"
