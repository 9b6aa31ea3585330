"""Who gets a survey: the throttle, opt-outs, missing emails, reps' own customers; and unsubscribing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from customers.models import Customer
from outbox.models import OutgoingEmail
from surveys import services
from surveys.defaults import BUILTIN_SURVEYS
from surveys.models import Survey, SurveyInvitation
from tests.factories import FollowUpFactory, SegmentFactory
from tests.surveys.factories import SurveyCustomerFactory, email_links, send_survey
from tests.text import readable

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _relationship():
    return services.survey_for(Survey.Kind.RELATIONSHIP)


def _send(*customers, by=None):
    return services.invitations_send(
        survey=_relationship(), customers=Customer.objects.filter(pk__in=[c.pk for c in customers]), by=by
    )


def _reason(key: str, language: str = "fa") -> str:
    with translation.override(language):
        return {
            "opt_out": translation.gettext("opted out of email"),
            "no_email": translation.gettext("no email address"),
            "throttle": translation.gettext("already asked in the last %(days)s days")
            % {"days": "۹۰" if language == "fa" else "90"},
        }[key]


# --- the rules ------------------------------------------------------------------------------


def test_an_eligible_customer_gets_one_invitation_and_one_queued_email(customer, manager):
    report = _send(customer, by=manager)
    assert report.sent == [customer] and report.skipped == []
    invitation = SurveyInvitation.objects.get()
    assert (invitation.customer, invitation.sent_by, invitation.language) == (customer, manager, "fa")
    assert invitation.sent_at is not None
    assert abs(invitation.expires_at - invitation.created_at - datetime.timedelta(days=30)) < datetime.timedelta(
        seconds=5
    )
    email = OutgoingEmail.objects.get()
    assert (email.to, email.key, email.status) == ("mina@example.com", f"survey-invitation-{invitation.pk}", "pending")


def test_a_customer_asked_within_the_throttle_window_is_skipped_with_the_reason(customer):
    send_survey(customer)
    report = _send(customer)
    assert report.sent == []
    assert report.skipped == [(customer, _reason("throttle"))]
    assert SurveyInvitation.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


def test_the_throttle_window_comes_from_the_setting(customer, settings):
    sent = send_survey(customer)
    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=89)
    )
    assert _send(customer).sent == []
    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91)
    )
    assert _send(customer).sent == [customer]
    settings.PEYGIR_SURVEY_THROTTLE_DAYS = 200
    assert _send(SurveyCustomerFactory(owner=customer.owner)).sent  # someone new is fine
    assert _send(customer).sent == []


def test_opted_out_and_email_less_customers_are_never_emailed(rep):
    opted_out = SurveyCustomerFactory(owner=rep, email_opt_out=True)
    no_email = SurveyCustomerFactory(owner=rep, email="")
    report = _send(opted_out, no_email)
    assert report.sent == []
    assert sorted(report.skipped, key=lambda item: item[0].pk) == [
        (opted_out, _reason("opt_out")),
        (no_email, _reason("no_email")),
    ]
    assert not SurveyInvitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_invitation_and_email_follow_the_customers_language(en_customer, customer):
    english = send_survey(en_customer)
    persian = send_survey(customer)
    assert english.invitation.language == "en"
    assert english.email.subject == BUILTIN_SURVEYS[0]["email_subject_en"]
    assert '<html lang="en" dir="ltr">' in english.email.html_body
    assert BUILTIN_SURVEYS[0]["nps_question_en"] in english.email.text_body
    assert "Dear John Smith," in english.email.text_body
    assert persian.email.subject == BUILTIN_SURVEYS[0]["email_subject_fa"]
    assert '<html lang="fa" dir="rtl">' in persian.email.html_body
    assert BUILTIN_SURVEYS[0]["nps_question_fa"] in persian.email.html_body


def test_the_email_language_does_not_depend_on_the_senders_language(en_customer):
    with translation.override("fa"):
        sent = send_survey(en_customer)
    assert "Unsubscribe" in sent.email.text_body
    assert 'dir="ltr"' in sent.email.html_body


# --- a rep sends to one customer ---------------------------------------------------------------------


def test_a_rep_sends_the_survey_to_their_customer_and_reads_the_result(rep_client, rep, customer):
    response = rep_client.post(reverse("surveys:send_to_customer", args=[customer.pk]), **HTMX)
    assert response.status_code == 200
    with translation.override("fa"):
        expected = translation.gettext("Survey sent to %(name)s.") % {"name": customer.name}
    assert escape(expected) in readable(response.content.decode())
    invitation = SurveyInvitation.objects.get()
    assert (invitation.customer, invitation.sent_by, invitation.survey.kind) == (customer, rep, "relationship")


def test_a_second_send_says_why_it_was_skipped(rep_client, customer):
    url = reverse("surveys:send_to_customer", args=[customer.pk])
    rep_client.post(url, **HTMX)
    response = rep_client.post(url, **HTMX)
    with translation.override("fa"):
        expected = translation.gettext("Not sent to %(name)s: %(reason)s.") % {
            "name": customer.name,
            "reason": _reason("throttle"),
        }
    assert escape(expected) in readable(response.content.decode())
    assert SurveyInvitation.objects.count() == 1


def test_without_htmx_the_result_is_a_message_on_the_customer_page(rep_client, rep):
    opted_out = SurveyCustomerFactory(owner=rep, email_opt_out=True)
    response = rep_client.post(reverse("surveys:send_to_customer", args=[opted_out.pk]))
    assert response["Location"] == reverse("customers:detail", args=[opted_out.pk])
    with translation.override("fa"):
        expected = translation.gettext("Not sent to %(name)s: %(reason)s.") % {
            "name": opted_out.name,
            "reason": _reason("opt_out"),
        }
        assert [readable(message) for message in get_messages(response.wsgi_request)] == [expected]
    assert not SurveyInvitation.objects.exists()


def test_a_rep_cannot_send_to_another_reps_customer(rep_client, other_rep):
    theirs = SurveyCustomerFactory(owner=other_rep)
    response = rep_client.post(reverse("surveys:send_to_customer", args=[theirs.pk]), **HTMX)
    assert response.status_code == 404
    assert not SurveyInvitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_short_survey_after_a_call_is_linked_to_that_call(rep_client, customer):
    followup = FollowUpFactory(customer=customer)
    rep_client.post(
        reverse("surveys:send_to_customer", args=[customer.pk]),
        {"kind": "post_contact", "followup": followup.pk},
        **HTMX,
    )
    invitation = SurveyInvitation.objects.get()
    assert (invitation.survey.kind, invitation.followup) == ("post_contact", followup)


def test_a_rep_cannot_link_another_reps_call(rep_client, customer, other_rep):
    theirs = FollowUpFactory(customer=SurveyCustomerFactory(owner=other_rep))
    response = rep_client.post(
        reverse("surveys:send_to_customer", args=[customer.pk]), {"kind": "post_contact", "followup": theirs.pk}
    )
    assert response.status_code == 404
    assert not SurveyInvitation.objects.exists()


def test_sending_is_post_only(rep_client, customer):
    assert rep_client.get(reverse("surveys:send_to_customer", args=[customer.pk])).status_code == 405


# --- the manager's bulk send ---------------------------------------------------------------------------


@pytest.fixture
def mixed_list(rep, other_rep):
    return {
        "ok": SurveyCustomerFactory(name="آرش", owner=rep),
        "ok2": SurveyCustomerFactory(name="بهار", owner=other_rep),
        "opted_out": SurveyCustomerFactory(name="پویا", owner=rep, email_opt_out=True),
        "no_email": SurveyCustomerFactory(name="ترانه", owner=other_rep, email=""),
        "recent": SurveyCustomerFactory(name="ثمین", owner=rep),
    }


def test_the_bulk_page_previews_who_is_skipped_and_why(manager_client, mixed_list):
    send_survey(mixed_list["recent"])
    response = manager_client.get(reverse("surveys:send_bulk"))
    assert response.status_code == 200
    assert (response.context["eligible"], response.context["total"]) == (2, 5)
    assert set(response.context["skipped"]) == {
        (mixed_list["opted_out"], _reason("opt_out")),
        (mixed_list["no_email"], _reason("no_email")),
        (mixed_list["recent"], _reason("throttle")),
    }
    html = response.content.decode()
    assert escape(f"{mixed_list['no_email'].name}: {_reason('no_email')}") in html
    assert SurveyInvitation.objects.count() == 1  # the preview sends nothing


def test_the_bulk_send_sends_to_the_rest_and_reports_the_skipped(manager_client, manager, mixed_list):
    response = manager_client.post(reverse("surveys:send_bulk"), {"kind": "relationship"})
    assert response.status_code == 200
    report = response.context["report"]
    assert {customer.pk for customer in report.sent} == {mixed_list[key].pk for key in ("ok", "ok2", "recent")}
    assert {customer.pk for customer, _reason_ in report.skipped} == {
        mixed_list["opted_out"].pk,
        mixed_list["no_email"].pk,
    }
    assert SurveyInvitation.objects.filter(sent_by=manager).count() == 3
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted(
        mixed_list[key].email for key in ("ok", "ok2", "recent")
    )
    again = manager_client.post(reverse("surveys:send_bulk"), {"kind": "relationship"})
    assert again.context["report"].sent == []
    assert SurveyInvitation.objects.count() == 3


def test_the_bulk_send_follows_the_customer_list_filters(manager_client, rep, other_rep):
    vip = SegmentFactory(name="VIP")
    chosen = SurveyCustomerFactory(owner=rep, segment=vip)
    SurveyCustomerFactory(owner=rep)
    SurveyCustomerFactory(owner=other_rep, segment=vip)
    url = f"{reverse('surveys:send_bulk')}?segment={vip.pk}&owner={rep.pk}"
    assert manager_client.get(url).context["total"] == 1
    manager_client.post(url, {"kind": "post_contact"})
    invitation = SurveyInvitation.objects.get()
    assert (invitation.customer, invitation.survey.kind) == (chosen, "post_contact")


def test_an_unknown_survey_kind_falls_back_to_the_relationship_survey(manager_client, customer):
    manager_client.post(reverse("surveys:send_bulk"), {"kind": "nonsense"})
    assert SurveyInvitation.objects.get().survey.kind == "relationship"


# --- unsubscribing -------------------------------------------------------------------------------------


def test_the_email_carries_one_click_unsubscribe_headers_for_the_same_token(sent):
    headers = sent.email.headers
    assert headers["List-Unsubscribe"] == f"<https://peygir.example{sent.unsubscribe_path}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"https://peygir.example{sent.unsubscribe_path}" in sent.email.text_body
    assert {token for token, _score in email_links(sent.email.html_body)} == {sent.token}


def test_the_unsubscribe_link_shows_a_confirmation_and_changes_nothing(client, sent, customer):
    response = client.get(sent.unsubscribe_path)
    assert response.status_code == 200
    assert response.context["done"] is False
    customer.refresh_from_db()
    assert customer.email_opt_out is False


def test_confirming_unsubscribes_and_the_customer_is_skipped_afterwards(client, sent, customer):
    response = client.post(sent.unsubscribe_path)
    assert response.status_code == 200 and response.context["done"] is True
    customer.refresh_from_db()
    assert customer.email_opt_out is True
    SurveyInvitation.objects.update(created_at=timezone.now() - datetime.timedelta(days=365))
    assert _send(customer).skipped == [(customer, _reason("opt_out"))]


def test_a_mail_clients_one_click_post_without_csrf_token_unsubscribes(sent, customer):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        sent.unsubscribe_path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email_opt_out is True


def test_the_unsubscribe_page_is_in_the_customers_language(client, en_sent):
    client.cookies["django_language"] = "fa"
    html = client.get(en_sent.unsubscribe_path).content.decode()
    assert 'dir="ltr"' in html and "Stop emails from us?" in html


def test_a_wrong_unsubscribe_token_is_404_and_changes_nothing(client, sent, customer):
    response = client.post(f"/s/{sent.token[:-2]}/unsubscribe/")
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.email_opt_out is False


def test_unsubscribing_still_works_after_the_answer_window_has_closed(client, sent, customer):
    SurveyInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.post(sent.unsubscribe_path)
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email_opt_out is True


def test_the_answer_page_says_it_is_in_the_customers_language(client, en_sent):
    client.cookies["django_language"] = "fa"
    response = client.get(en_sent.path)
    assert response["Content-Language"] == "en"
