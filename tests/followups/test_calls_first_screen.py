"""The calls-due page's first screen: the top 50 ranked calls, "show more" 50 at a time, a fixed number of
queries however long the list, and a row's rarer fields (try again, the note) loaded when the rep opens them."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import dates
from customers.services import purchase_add
from followups import selectors
from followups.models import FollowUp
from loyalty import tiers
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, InteractionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _calls(rep, count, *, first=0):
    """``count`` calls of ``rep`` due today, each customer worth more than the last (a strict rank)."""
    today = timezone.localdate()
    calls = []
    for n in range(first, first + count):
        customer = CustomerFactory(owner=rep)
        purchase_add(customer=customer, purchased_on=today - 10 * DAY, amount=1_000_000 + n * 10_000)
        calls.append(FollowUpFactory(customer=customer, scheduled_on=today, reason="one_off"))
    return calls


def _row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="followup-row" data-followup="(\d+)"', html)]


def _show_more(client, html: str):
    match = re.search(r'data-testid="show-more-due"\s+hx-get="([^"]+)" hx-vals=\'{"shown": (\d+)}\'', html)
    frame = {"day": dates.input_value(timezone.localdate(), "fa"), "rep": "", "shown": match.group(2)}
    return client.get(f"{match.group(1).replace('&amp;', '&')}&{urlencode(frame)}", **HTMX)


def _queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return len(captured.captured_queries)


def test_the_first_screen_shows_the_top_50_ranked_calls_and_show_more_the_next_50(rep_client, rep):
    ranked = _calls(rep, 110)[::-1]  # the most valuable first

    first = rep_client.get("/calls/").content.decode()
    more = _show_more(rep_client, first).content.decode()
    last = _show_more(rep_client, more).content.decode()

    assert selectors.ROWS_PER_PAGE["due"] == 50
    assert _row_ids(first) == [call.pk for call in ranked[:50]]
    assert _row_ids(more) == [call.pk for call in ranked[50:100]]
    assert _row_ids(last) == [call.pk for call in ranked[100:]]
    assert 'data-testid="show-more-due"' not in last


def test_the_page_and_show_more_make_the_same_queries_for_60_or_120_due_calls(rep_client, rep):
    _calls(rep, 60)
    rep_client.get("/calls/")  # the typical customer's value is cached for the hour from here on
    html = rep_client.get("/calls/").content.decode()
    page_60, more_60 = _queries(lambda: rep_client.get("/calls/")), _queries(lambda: _show_more(rep_client, html))

    _calls(rep, 60, first=60)
    html = rep_client.get("/calls/").content.decode()
    page_120, more_120 = _queries(lambda: rep_client.get("/calls/")), _queries(lambda: _show_more(rep_client, html))

    assert (page_120, more_120) == (page_60, more_60)
    assert len(_row_ids(html)) == 50


def _one_row_of_each_form(rep) -> int:
    """A calls-due row in every form the page draws (each reason with its facts, a plan's call,
    escalated, snoozed, by SMS, a customer with a score, a last contact, points and a tier, calls
    closed today that offer a survey or not); returns how many."""
    today, now = timezone.localdate(), timezone.now()

    def customer(**fields):
        fields = {"email": "x@example.com", "last_nps_score": 4, "company": "شرکت", **fields}
        customer = CustomerFactory(owner=rep, **fields)
        purchase_add(customer=customer, purchased_on=today - 40 * DAY, amount=30_000_000)
        InteractionFactory(customer=customer, kind="call", outcome="no_answer", summary="بعداً")
        return customer

    raised = [
        ("detractor", {"score": 3, "comment": "تأخیر"}),
        ("referral", {"referrer_name": "علی"}),
        ("win_back", {"typical_gap_days": 30, "last_purchase_on": (today - 40 * DAY).isoformat()}),
        ("points_expiring", {"points": 300, "expires_on": (today + 7 * DAY).isoformat(), "value_rial": 1_500_000}),
        ("renewal", {"ends_on": (today + 14 * DAY).isoformat()}),
        ("onboarding", {"since": (today - 2 * DAY).isoformat()}),
        ("no_contact", {"last_contact_on": None}),
        ("one_off", {}),
    ]
    for reason, facts in raised:
        FollowUpFactory(customer=customer(), reason=reason, facts=facts)
    plan = FollowUpPlanFactory(customer=customer())
    FollowUpFactory(customer=plan.customer, plan=plan, reason="periodic", purpose="")
    snoozed = {"snooze_count": 2, "snooze_reason": "سفر", "channel": "sms"}
    FollowUpFactory(customer=customer(), scheduled_on=today - 20 * DAY, **snoozed)
    closed = {"completed_at": now, "completed_by": rep, "note": "تمام"}
    FollowUpFactory(customer=customer(), status="done", outcome="reached", **closed)
    FollowUpFactory(customer=customer(email=""), status="skipped", outcome="", **closed)
    tiers.tiers_review()
    return len(raised) + 4


@pytest.mark.parametrize("whose", ["own", "whole team"])
def test_every_form_of_row_is_drawn_from_the_rows_one_query(client, rep, manager, whose):
    """The page reads only the columns a row shows (selectors.ROW_COLUMNS): a row that needs another
    one would fetch it row by row, and the page would make more queries for more rows."""
    viewer, url = (rep, "/calls/") if whose == "own" else (manager, "/calls/?rep=all")
    client.force_login(viewer)
    forms = _one_row_of_each_form(rep)
    client.get(url)  # the typical customer's value is cached for the hour from here on
    once = _queries(lambda: client.get(url))

    _one_row_of_each_form(rep)
    html = client.get(url).content.decode()

    assert _queries(lambda: client.get(url)) == once
    assert len(_row_ids(html)) == 2 * forms
    assert html.count('data-testid="row-fact"') == 2 * forms
    assert (whose == "whole team") == ('data-testid="assignee"' in html)


def test_a_row_carries_the_one_click_outcome_and_loads_its_rarer_fields_when_opened(rep_client, rep):
    (call,) = _calls(rep, 1)

    html = rep_client.get("/calls/").content.decode()
    row = re.search(rf'<article[^>]*id="followup-{call.pk}".*?</article>', html, re.S).group(0)
    fields = rep_client.get(reverse("followups:actions", args=[call.pk]), {"part": "outcome"}, **HTMX)

    assert 'name="outcome"' in row and "csrfmiddlewaretoken" not in row
    assert 'name="retry"' not in row and 'name="note"' not in row
    assert f'data-load="{reverse("followups:actions", args=[call.pk])}?part=outcome"' in row
    assert fields.status_code == 200
    assert f'id="retry-{call.pk}"' in fields.content.decode() and f'id="note-{call.pk}"' in fields.content.decode()


def test_the_loaded_fields_post_with_the_outcome_a_retry_and_a_note(rep_client, rep):
    (call,) = _calls(rep, 1)
    frame = {"day": dates.input_value(timezone.localdate(), "fa"), "rep": ""}

    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]),
        {"outcome": "no_answer", "retry": "tomorrow", "note": "بوق آزاد", **frame},
        **HTMX,
    )

    call.refresh_from_db()
    assert response.status_code == 200
    assert (call.status, call.due_on) == (FollowUp.Status.RESCHEDULED, timezone.localdate() + DAY)


def test_another_reps_row_fields_are_not_found(rep_client, other_rep):
    (theirs,) = _calls(other_rep, 1)

    response = rep_client.get(reverse("followups:actions", args=[theirs.pk]), {"part": "outcome"}, **HTMX)

    assert response.status_code == 404
