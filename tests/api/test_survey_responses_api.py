"""Survey answers through the API: read only, a rep's customers' answers only (another's is a 404)."""

import datetime

import pytest
from django.utils import timezone

from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/survey-responses/"


def _answer(owner, *, score=9, days_ago=0, reason=""):
    customer = SurveyCustomerFactory(owner=owner)
    return SurveyResponseFactory(
        invitation=InvitationFactory(customer=customer),
        score=score,
        reason=reason,
        answered_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def answers(rep, other_rep):
    return {
        "mine_old": _answer(rep, score=3, days_ago=10, reason="دیر رسید"),
        "mine_new": _answer(rep, score=10),
        "theirs": _answer(other_rep, score=7),
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_rep_reads_their_customers_answers_newest_first(rep_api, answers):
    rows = rep_api.get(URL).json()["results"]

    assert [row["id"] for row in rows] == [answers["mine_new"].pk, answers["mine_old"].pk]
    old = rows[1]
    assert (old["score"], old["category"], old["reason"], old["survey"]) == (3, "detractor", "دیر رسید", "relationship")
    assert old["customer"] == answers["mine_old"].customer_id


def test_a_manager_reads_every_answer(manager_api, answers):
    assert set(_ids(manager_api.get(URL))) == {answer.pk for answer in answers.values()}


def test_another_reps_answer_is_a_404(rep_api, answers):
    assert rep_api.get(f"{URL}{answers['theirs'].pk}/").status_code == 404
    assert rep_api.get(f"{URL}{answers['mine_new'].pk}/").json()["score"] == 10


def test_filters_by_customer_and_since(manager_api, answers):
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    assert _ids(manager_api.get(URL, {"customer": answers["mine_old"].customer_id})) == [answers["mine_old"].pk]
    assert answers["mine_old"].pk not in _ids(manager_api.get(URL, {"since": since}))
    assert manager_api.get(URL, {"since": "yesterday"}).status_code == 400


def test_answers_cannot_be_written(rep_api, answers):
    assert rep_api.post(URL, {"score": 1}, format="json").status_code == 405
    assert rep_api.delete(f"{URL}{answers['mine_new'].pk}/").status_code == 405


@pytest.mark.parametrize("role", ["manager_api", "rep_api"])
def test_the_list_costs_the_same_queries_for_few_and_many(request, role, rep, answers, django_assert_num_queries):
    client = request.getfixturevalue(role)
    client.get(URL)
    with django_assert_num_queries(4):  # the token, the role, the count, the page
        client.get(URL)
    for _ in range(30):
        _answer(rep)
    with django_assert_num_queries(4):
        assert len(client.get(URL).json()["results"]) >= 30
