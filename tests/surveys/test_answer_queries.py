"""The one-tap answer's work, pinned: what opening the link and confirming the score read and write.

Counted as statements that read or write rows (SELECT, INSERT, UPDATE, DELETE); transaction
control (savepoints, BEGIN, SET LOCAL) and SQLite's ``SELECT changes()`` differ between the test's
database and production's.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from followups.models import FollowUp
from loyalty import services as loyalty_services
from loyalty.models import LoyaltyAccount, PointsEntry
from surveys.models import SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db

AUTO = {"HTTP_X_PEYGIR_AUTO": "1"}
ROW_WORK = ("SELECT", "INSERT", "UPDATE", "DELETE")


class RowWork(CaptureQueriesContext):
    """The statements of the block that read or write rows."""

    def __init__(self):
        super().__init__(connection)

    @property
    def statements(self) -> list[str]:
        return [
            query["sql"]
            for query in self.captured_queries
            if query["sql"].lstrip().upper().startswith(ROW_WORK) and query["sql"] != "SELECT changes()"
        ]

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture(autouse=True)
def _earning_rules():
    """A running shop has its loyalty rules' row (the first answer ever would create it)."""
    loyalty_services.earning_rules()


def _opened(browser: Client, path: str) -> str:
    """The page's CSRF token, after the link was opened as a phone opens it."""
    assert browser.get(path).status_code == 200
    return browser.cookies["csrftoken"].value


def test_opening_a_tapped_link_reads_one_row_and_writes_one(sent):
    """The invitation with its survey, response and the shop's identity in one query; one UPDATE
    notes the open and the provisional score."""
    with RowWork() as work:
        page = Client(enforce_csrf_checks=True).get(sent.score_path(9))
    assert page.status_code == 200
    assert len(work) == 2, work.statements
    assert work.statements[1].lstrip().upper().startswith("UPDATE")


def test_opening_the_same_link_again_writes_nothing(client, sent):
    client.get(sent.score_path(9))
    with RowWork() as work:
        assert client.get(sent.score_path(9)).status_code == 200
    assert len(work) == 1, work.statements


def test_the_shops_name_and_logo_come_with_the_links_own_query(client, sent):
    from surveys import services
    from tests.surveys.factories import tiny_png

    services.shop_identity_update(name_fa="گل", name_en="Rose", logo=tiny_png())
    client.get(sent.score_path(9))  # this process reads the identity once
    with RowWork() as work:
        page = client.get(sent.score_path(9))
    assert len(work) == 1, work.statements
    assert "گل" in page.content.decode()
    services.shop_identity_update(name_fa="گل سرخ", name_en="Rose", logo=tiny_png())
    assert "گل سرخ" in client.get(sent.score_path(9)).content.decode()  # a change is seen at once


def _confirmed(sent, score: int):
    """The phone's confirming POST of ``score`` after opening the link, and the row work it did."""
    browser = Client(enforce_csrf_checks=True)
    token = _opened(browser, sent.score_path(score))
    with RowWork() as work:
        confirmed = browser.post(sent.path, {"score": str(score), "csrfmiddlewaretoken": token}, **AUTO)
    return confirmed, work


def test_confirming_a_promoters_score_stores_the_answer_and_earns_its_points(sent):
    """Read the link (1) and lock it with the customer and any response (1); store the answer (1),
    mark the invitation answered (1), the customer's last score (1); loyalty's bonus: the ledger
    entry (1) and the balance moved by it (1), the rules from the cache. A promoter raises no call."""
    confirmed, work = _confirmed(sent, 9)
    assert confirmed.json() == {"ok": True, "score": 9}
    assert len(work) == 7, "\n".join(sql[:90] for sql in work.statements)
    assert SurveyResponse.objects.get().score == 9
    assert PointsEntry.objects.get(customer=sent.invitation.customer).points == 20
    assert LoyaltyAccount.objects.get(customer=sent.invitation.customer).available == 20


def test_confirming_a_detractors_score_also_raises_the_call_in_two_statements(sent):
    """The promoter's seven, then the call (1) and the customer's next call brought forward (1):
    the customer and their rep are not read again to validate the call."""
    confirmed, work = _confirmed(sent, 3)
    assert confirmed.json() == {"ok": True, "score": 3}
    assert len(work) == 9, "\n".join(sql[:90] for sql in work.statements)
    call = FollowUp.objects.get(customer=sent.invitation.customer)
    assert call.reason == FollowUp.Reason.DETRACTOR
    assert Customer.objects.get(pk=call.customer_id).next_call_on == call.due_on


def test_confirming_twice_stores_one_answer_and_earns_once(sent):
    browser = Client(enforce_csrf_checks=True)
    token = _opened(browser, sent.score_path(4))
    for _ in range(2):
        browser.post(sent.path, {"score": "4", "csrfmiddlewaretoken": token}, **AUTO)
    with RowWork() as work:
        browser.post(sent.path, {"score": "4", "csrfmiddlewaretoken": token}, **AUTO)
    assert SurveyResponse.objects.count() == 1
    assert PointsEntry.objects.filter(customer=sent.invitation.customer).count() == 1
    assert not [sql for sql in work.statements if sql.startswith('UPDATE "surveys_surveyinvitation"')]  # answered once
    assert SurveyInvitation.objects.get().answered_at is not None


def test_a_confirmation_without_the_csrf_token_is_refused_before_any_query(sent):
    with RowWork() as work:
        refused = Client(enforce_csrf_checks=True).post(sent.path, {"score": "9"}, **AUTO)
    assert refused.status_code == 403
    assert len(work) == 0, work.statements


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_costs_one_query_and_gets_the_clear_page(client, sent, method):
    with RowWork() as work:
        page = getattr(client, method)("/s/not-a-token/", {"score": "9"} if method == "post" else None)
    assert page.status_code == 404
    assert len(work) <= 2, work.statements  # the invitation's lookup; the shop's name on the page
    assert not SurveyResponse.objects.exists()
