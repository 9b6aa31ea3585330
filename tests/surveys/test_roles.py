"""Who may do what with surveys: managers see results and settings and send in bulk; reps send to their own;
customers need only the link."""

import pytest
from django.urls import reverse

from surveys.models import SurveyInvitation
from tests.surveys.factories import SurveyCustomerFactory

pytestmark = pytest.mark.django_db

MANAGER_PAGES = [
    reverse("surveys:results"),
    reverse("surveys:results") + "?format=csv",
    reverse("surveys:send_bulk"),
    reverse("surveys:settings", args=["relationship"]),
    reverse("surveys:settings", args=["post_contact"]),
]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_managers_open_the_survey_pages(manager_client, url):
    assert manager_client.get(url).status_code == 200


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_reps_are_refused_the_managers_survey_pages(rep_client, url):
    assert rep_client.get(url).status_code == 403


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_rep_cannot_bulk_send(rep_client, rep):
    SurveyCustomerFactory(owner=rep)
    assert rep_client.post(reverse("surveys:send_bulk"), {"kind": "relationship"}).status_code == 403
    assert not SurveyInvitation.objects.exists()


def test_anonymous_visitors_cannot_send_a_survey(client, customer):
    response = client.post(reverse("surveys:send_to_customer", args=[customer.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not SurveyInvitation.objects.exists()


def test_a_manager_can_send_to_any_reps_customer(manager_client, other_rep):
    theirs = SurveyCustomerFactory(owner=other_rep)
    manager_client.post(reverse("surveys:send_to_customer", args=[theirs.pk]))
    assert SurveyInvitation.objects.get().customer == theirs


def test_a_rep_sends_to_their_own_but_not_to_a_colleagues(rep_client, rep, other_rep):
    mine, theirs = SurveyCustomerFactory(owner=rep), SurveyCustomerFactory(owner=other_rep)
    assert rep_client.post(reverse("surveys:send_to_customer", args=[theirs.pk])).status_code == 404
    assert rep_client.post(reverse("surveys:send_to_customer", args=[mine.pk])).status_code == 302
    assert list(SurveyInvitation.objects.values_list("customer", flat=True)) == [mine.pk]


def test_the_customers_pages_need_no_login(client, sent):
    assert client.get(sent.path).status_code == 200
    assert client.get(sent.unsubscribe_path).status_code == 200
    assert client.post(sent.path, {"score": "9"}).status_code == 200
