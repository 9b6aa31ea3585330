"""The calls-due page with many calls: a page of rows per section, "show more", exact counts, fixed queries."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import dates
from core.db import cursor_encode
from core.text import to_persian_digits
from customers.services import purchase_add
from followups import selectors, services
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = selectors.ROWS_PER_PAGE["due"]


def _calls(rep, count, *, day=None, reason="one_off"):
    """``count`` calls of ``rep`` due on ``day``, each customer worth a different amount (a strict rank)."""
    day = day or timezone.localdate()
    calls = []
    for n in range(count):
        customer = CustomerFactory(owner=rep)
        purchase_add(customer=customer, purchased_on=day - 10 * DAY, amount=1_000_000 + n * 10_000)
        calls.append(FollowUpFactory(customer=customer, scheduled_on=day, reason=reason))
    return calls[::-1]  # the most valuable first: the page's order


def _row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="followup-row" data-followup="(\d+)"', html)]


def _more_url(html: str, section: str) -> str | None:
    """The button's URL with the figure it sends along (hx-vals): how many rows the list shows."""
    match = re.search(rf'data-testid="show-more-{section}"\s+hx-get="([^"]+)" hx-vals=\'{{"shown": (\d+)}}\'', html)
    return f"{match.group(1).replace('&amp;', '&')}&shown={match.group(2)}" if match else None


def _frame(day=None) -> dict:
    return {"day": dates.input_value(day or timezone.localdate(), "fa"), "rep": ""}


def _more(client, url: str, *, rep: str = ""):
    """What the "show more" button asks for: its URL plus the page's day and rep (htmx's hx-vals)."""
    return client.get(f"{url}&{urlencode({**_frame(), 'rep': rep})}", **HTMX)


def test_a_long_list_shows_its_top_page_with_the_exact_count_and_a_show_more_button(rep_client, rep):
    calls = _calls(rep, PAGE + 10)

    html = rep_client.get("/calls/").content.decode()

    assert _row_ids(html) == [call.pk for call in calls[:PAGE]]
    count = re.search(r'id="count-due"[^>]*>([^<]*)<', html).group(1)
    assert count == to_persian_digits(str(PAGE + 10))
    assert _more_url(html, "due")
    shown, total = to_persian_digits(str(PAGE)), to_persian_digits(str(PAGE + 10))
    assert f"نمایش بیشتر ({shown} از {total}" in re.sub(r"<[^>]+>", "", html)


def test_show_more_brings_the_next_rows_in_rank_order_until_none_are_left(rep_client, rep):
    calls = _calls(rep, 2 * PAGE + 5)
    html = rep_client.get("/calls/").content.decode()
    shown = _row_ids(html)

    while url := _more_url(html, "due"):
        response = _more(rep_client, url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html
        shown += _row_ids(html)

    assert shown == [call.pk for call in calls]


def test_closing_a_call_while_scrolling_skips_no_other_call(rep_client, rep):
    calls = _calls(rep, PAGE + 3)
    html = rep_client.get("/calls/").content.decode()
    services.followup_complete(followup=calls[0], outcome=FollowUp.Outcome.REACHED, by=rep)

    more = _more(rep_client, _more_url(html, "due")).content.decode()

    assert _row_ids(more) == [call.pk for call in calls[PAGE:]]


def test_the_upcoming_and_closed_sections_page_too(rep_client, rep):
    today = timezone.localdate()
    upcoming_size, done_size = selectors.ROWS_PER_PAGE["upcoming"], selectors.ROWS_PER_PAGE["done"]
    upcoming = _calls(rep, upcoming_size + 2, day=today + 2 * DAY)
    closed = _calls(rep, done_size + 1)
    for call in closed:
        services.followup_complete(followup=call, outcome=FollowUp.Outcome.REACHED, by=rep)

    html = rep_client.get("/calls/").content.decode()
    more_upcoming = _more(rep_client, _more_url(html, "upcoming")).content.decode()
    more_done = _more(rep_client, _more_url(html, "done")).content.decode()

    assert _row_ids(more_upcoming) == [call.pk for call in upcoming[upcoming_size:]]
    assert len(_row_ids(more_done)) == 1
    assert set(_row_ids(html)) | set(_row_ids(more_done)) >= {call.pk for call in closed}


def test_a_tampered_cursor_or_section_gets_a_translated_400(rep_client, rep):
    _calls(rep, 2)
    url = reverse("followups:more")

    bad_cursor = rep_client.get(url, {"section": "due", "after": "not-a-cursor", **_frame()}, **HTMX)
    wrong_shape = rep_client.get(url, {"section": "upcoming", "after": cursor_encode([1.0, 2]), **_frame()})
    bad_section = rep_client.get(url, {"section": "everything", **_frame()}, **HTMX)

    assert bad_cursor.status_code == wrong_shape.status_code == bad_section.status_code == 400
    assert "صفحه را دوباره بارگذاری کنید" in bad_cursor.content.decode()
    assert "فهرست ناشناخته است" in bad_section.content.decode()


def test_show_more_never_shows_a_rep_another_reps_calls(rep_client, rep, other_rep):
    theirs = _calls(other_rep, PAGE + 5)

    html = rep_client.get(reverse("followups:more"), {"section": "due", "rep": other_rep.pk, **_frame()}).content
    assert not set(_row_ids(html.decode())) & {call.pk for call in theirs}


def test_show_more_needs_a_login(client):
    response = client.get(reverse("followups:more"), {"section": "due"})
    assert response.status_code == 302


def _queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_the_page_and_show_more_make_the_same_queries_for_sixty_or_three_hundred_calls(request, rep, who):
    client = request.getfixturevalue(f"{who}_client")
    page = "/calls/" if who == "rep" else "/calls/?rep=all"  # a manager's whole team: the largest list
    rep_value = "" if who == "rep" else "all"
    _calls(rep, PAGE + 10)
    client.get(page)  # the typical customer's value is cached for the hour
    more_url = _more_url(client.get(page).content.decode(), "due")
    page_small = _queries(lambda: client.get(page))
    more_small = _queries(lambda: _more(client, more_url, rep=rep_value))

    _calls(rep, 300 - PAGE - 10)
    more_url = _more_url(client.get(page).content.decode(), "due")
    page_large = _queries(lambda: client.get(page))
    more_large = _queries(lambda: _more(client, more_url, rep=rep_value))

    assert (page_large, more_large) == (page_small, more_small)


def test_a_managers_whole_team_page_shows_a_page_per_section_however_big_the_team(
    manager_client, rep, other_rep, django_assert_num_queries
):
    today = timezone.localdate()
    for person in (rep, other_rep):
        _calls(person, 20)
        _calls(person, 10, day=today + 2 * DAY)
        services.followup_complete(followup=_calls(person, 1)[0], outcome=FollowUp.Outcome.REACHED, by=person)
    manager_client.get("/calls/?rep=all")  # the typical customer's value is cached for the hour
    queries = _queries(lambda: manager_client.get("/calls/?rep=all"))
    for person in (rep, other_rep):
        _calls(person, 30)
        closed = _calls(person, 15, day=today - 2 * DAY)
        for call in closed:
            services.followup_complete(followup=call, outcome=FollowUp.Outcome.REACHED, by=person)

    with django_assert_num_queries(queries):
        response = manager_client.get("/calls/?rep=all")

    calls = response.context["calls"]
    assert (calls.due, calls.upcoming, calls.done) == (100, 20, 32)
    assert len(_row_ids(response.content.decode())) == sum(selectors.ROWS_PER_PAGE.values())
    assert all(_more_url(response.content.decode(), section) for section in selectors.SECTIONS)
