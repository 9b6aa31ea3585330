"""The sent-emails pages: managers read what went out (the demo has no SMTP) and send failed ones again."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from outbox.models import OutgoingEmail
from tests.outbox.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

LIST = reverse("emails:list")


def _detail(email: OutgoingEmail) -> str:
    return reverse("emails:detail", args=[email.pk])


def test_the_list_shows_every_email_newest_first(manager_client):
    older = OutgoingEmailFactory(subject="اولی")
    newer = OutgoingEmailFactory(subject="دومی", status=OutgoingEmail.Status.SENT)
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["emails"]) == [newer, older]
    html = response.content.decode()
    assert "اولی" in html and "دومی" in html and older.to in html
    assert _detail(older) in html


def test_the_list_filters_by_status(manager_client):
    OutgoingEmailFactory(subject="منتظر")
    failed = OutgoingEmailFactory(subject="ناموفق", status=OutgoingEmail.Status.FAILED)
    response = manager_client.get(LIST, {"status": "failed"})
    assert list(response.context["emails"]) == [failed]
    assert len(manager_client.get(LIST, {"status": "nonsense"}).context["emails"]) == 2


def test_the_list_paginates_in_a_fixed_number_of_queries(manager_client, django_assert_max_num_queries):
    OutgoingEmailFactory.create_batch(60)
    with django_assert_max_num_queries(12):
        response = manager_client.get(LIST)
    assert len(response.context["emails"]) == 50
    assert len(manager_client.get(LIST, {"page": 2}).context["emails"]) == 10


def test_the_detail_page_shows_the_message(manager_client):
    email = OutgoingEmailFactory(
        subject="نظر شما",
        text_body="لطفا امتیاز دهید: https://peygir.example/s/abc/?score=9",
        html_body='<html dir="rtl"><body><a href="https://peygir.example/s/abc/?score=9">۹</a></body></html>',
        last_error="",
    )
    response = manager_client.get(_detail(email))
    assert response.status_code == 200
    html = response.content.decode()
    assert "نظر شما" in html and email.to in html
    assert "https://peygir.example/s/abc/?score=9" in html
    assert f'srcdoc="{escape(email.html_body)}"' in html  # shown sandboxed, never as live markup
    assert 'sandbox=""' in html


def test_the_detail_page_shows_the_last_error(manager_client):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED, attempts=3, last_error="421 try again")
    html = manager_client.get(_detail(email)).content.decode()
    assert "421 try again" in html


def test_a_manager_resends_a_failed_email(manager_client, django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_detail(email))
    assert response.status_code == 302 and response["Location"] == _detail(email)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1
    page = manager_client.get(_detail(email))
    with translation.override("fa"):
        assert [str(message) for message in page.context["messages"]] == [
            translation.gettext("The email will be sent again.")
        ]


@pytest.mark.parametrize("status", [OutgoingEmail.Status.SENT, OutgoingEmail.Status.PENDING])
def test_only_failed_emails_can_be_sent_again(manager_client, status, django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_detail(email))
    assert response.status_code == 200
    email.refresh_from_db()
    assert email.status == status
    assert mail.outbox == []


def test_the_resend_button_is_shown_only_for_failed_emails(manager_client):
    failed = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED)
    sent = OutgoingEmailFactory(status=OutgoingEmail.Status.SENT)
    failed_html = manager_client.get(_detail(failed)).content.decode()
    sent_html = manager_client.get(_detail(sent)).content.decode()
    with translation.override("fa"):
        button = translation.gettext("Send again")
    assert button in failed_html
    assert button not in sent_html


def test_an_interrupted_email_is_resent_only_with_the_box_ticked(manager_client, django_capture_on_commit_callbacks):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.UNKNOWN, attempts=1)
    html = manager_client.get(_detail(email)).content.decode()
    assert 'data-testid="interrupted"' in html and 'name="confirm"' in html
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(_detail(email))
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.UNKNOWN and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(_detail(email), {"confirm": "yes"})
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1


def test_retry_all_failed_is_offered_with_the_count_and_sends_them(manager_client, django_capture_on_commit_callbacks):
    OutgoingEmailFactory.create_batch(2, status=OutgoingEmail.Status.FAILED)
    OutgoingEmailFactory(status=OutgoingEmail.Status.SENT)
    html = manager_client.get(LIST).content.decode()
    assert 'data-testid="retry-failed"' in html and "(۲)" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("emails:retry_failed"))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert not OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).exists()
    assert 'data-testid="retry-failed"' not in manager_client.get(LIST).content.decode()


def test_retry_all_failed_is_for_managers_and_by_post_only(client, rep, manager):
    OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED)
    client.force_login(rep)
    assert client.post(reverse("emails:retry_failed")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("emails:retry_failed")).status_code == 405
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count() == 1


def test_an_unknown_email_is_404(manager_client):
    assert manager_client.get(reverse("emails:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("page", ["list", "detail"])
def test_reps_are_refused_the_email_pages(rep_client, page):
    email = OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED)
    url = LIST if page == "list" else _detail(email)
    assert rep_client.get(url).status_code == 403
    assert rep_client.post(url).status_code == 403
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_login(client, page):
    email = OutgoingEmailFactory()
    response = client.get(LIST if page == "list" else _detail(email))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
