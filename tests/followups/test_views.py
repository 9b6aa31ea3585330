"""followups/views.py: roles on every URL, the calls-due page, its htmx actions, plans and team pages."""

import datetime
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from core import dates
from core.text import to_persian_digits
from customers.models import Interaction
from customers.services import purchase_add
from followups import cadence, services
from followups.models import FollowUp, FollowUpPlan
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
HTMX = {"HTTP_HX_REQUEST": "true"}
CALLS = "/calls/"


def _due(owner, day=None, **fields) -> FollowUp:
    day = day or timezone.localdate()
    customer = fields.pop("customer", None) or CustomerFactory(owner=owner)
    return FollowUpFactory(customer=customer, scheduled_on=day, due_on=day, **fields)


def _frame(day=None) -> dict:
    """The hidden fields every row form posts: the shown day (Jalali, as the page writes it)."""
    return {"day": dates.input_value(day or timezone.localdate(), "fa"), "rep": ""}


def _count(content: str, key: str) -> str:
    match = re.search(rf'id="count-{key}"[^>]*>([^<]*)</span>', content)
    assert match, f"no count badge for {key}"
    return match.group(1)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- roles on every URL -------------------------------------------------------------------


@pytest.fixture
def urls(rep):
    followup = _due(rep)
    plan = FollowUpPlanFactory(customer=followup.customer)
    return [
        ("get", reverse("followups:calls_due")),
        ("get", reverse("followups:team")),
        ("get", reverse("followups:bulk_cadence")),
        ("get", reverse("followups:actions", args=[followup.pk])),
        ("get", reverse("followups:rank", args=[followup.pk])),
        ("post", reverse("followups:complete", args=[followup.pk])),
        ("post", reverse("followups:snooze", args=[followup.pk])),
        ("post", reverse("followups:skip", args=[followup.pk])),
        ("post", reverse("followups:reassign", args=[followup.pk])),
        ("post", reverse("followups:plan_create", args=[followup.customer_id])),
        ("post", reverse("followups:plan_change", args=[plan.pk, "pause"])),
        ("post", reverse("followups:plan_change", args=[plan.pk, "resume"])),
        ("post", reverse("followups:plan_change", args=[plan.pk, "delete"])),
    ]


def test_every_followups_url_sends_anonymous_visitors_to_the_login_page(client, urls):
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url
    assert FollowUp.objects.get().status == FollowUp.Status.OPEN
    assert FollowUpPlan.objects.get().active


def test_the_home_page_redirects_to_the_calls_due_page(rep_client):
    response = rep_client.get("/")
    assert response.status_code == 302
    assert response.url == CALLS


@pytest.mark.parametrize("action", ["complete", "snooze", "skip"])
def test_a_rep_gets_404_working_on_another_reps_follow_up(rep_client, other_rep, action):
    theirs = _due(other_rep)
    data = {"outcome": "reached", "when": "tomorrow", **_frame()}

    response = rep_client.post(reverse(f"followups:{action}", args=[theirs.pk]), data, **HTMX)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.due_on) == (FollowUp.Status.OPEN, timezone.localdate())


def test_a_rep_gets_404_opening_the_actions_of_another_reps_follow_up(rep_client, other_rep):
    assert rep_client.get(reverse("followups:actions", args=[_due(other_rep).pk])).status_code == 404


def test_a_rep_gets_404_asking_why_another_reps_call_ranks_where_it_does(rep_client, other_rep):
    assert rep_client.get(reverse("followups:rank", args=[_due(other_rep).pk]), _frame()).status_code == 404


def test_why_this_rank_shows_the_figures_of_the_shown_day(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    purchase_add(customer=customer, purchased_on=timezone.localdate(), amount=Decimal(40_000_000))
    followup = _due(rep, timezone.localdate() - 7 * DAY, customer=customer, reason="win_back")

    html = rep_client.get(reverse("followups:rank", args=[followup.pk]), _frame(), **HTMX).content.decode()

    assert "<html" not in html
    assert "۴٬۰۰۰٬۰۰۰ تومان" in html  # the yearly value (40M Rial)
    assert "۴۰٪" in html and "۱٬۶۰۰٬۰۰۰ تومان" in html  # the risk and the stake
    assert "۷ روز عقب‌افتاده: × ۲<" in html
    assert "۳٬۲۰۰٬۰۰۰ تومان" in html  # the score


def test_the_row_actions_offer_reassigning_to_managers_only(rep_client, manager_client, rep, other_rep):
    followup = _due(rep)
    url = reverse("followups:actions", args=[followup.pk])

    for_manager = manager_client.get(url).content.decode()
    rep_client.force_login(rep)
    for_rep = rep_client.get(url).content.decode()

    assert reverse("followups:reassign", args=[followup.pk]) in for_manager
    assert f'<option value="{other_rep.pk}"' in for_manager
    assert reverse("followups:reassign", args=[followup.pk]) not in for_rep
    assert reverse("followups:snooze", args=[followup.pk]) in for_rep
    assert "<html" not in for_rep


@pytest.mark.parametrize("action", ["pause", "resume", "delete"])
def test_a_rep_gets_404_changing_the_plan_of_another_reps_customer(rep_client, other_rep, action):
    plan = services.plan_create(customer=CustomerFactory(owner=other_rep), every=1, starts_on=timezone.localdate())

    response = rep_client.post(reverse("followups:plan_change", args=[plan.pk, action]))

    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.active
    assert plan.followups.count() == 1


def test_a_rep_gets_404_adding_a_plan_to_another_reps_customer(rep_client, other_rep):
    customer = CustomerFactory(owner=other_rep)

    response = rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "1"})

    assert response.status_code == 404
    assert not FollowUpPlan.objects.exists()


def test_reps_get_403_on_the_team_bulk_cadence_and_reassign_pages(rep_client, rep, other_rep):
    mine = _due(rep)

    assert rep_client.get(reverse("followups:team")).status_code == 403
    assert rep_client.get(reverse("followups:bulk_cadence")).status_code == 403
    bulk = {"every": 1, "unit": "months", "starts_on": _frame()["day"], "channel": "call"}
    assert rep_client.post(reverse("followups:bulk_cadence"), bulk).status_code == 403
    response = rep_client.post(reverse("followups:reassign", args=[mine.pk]), {"assignee": other_rep.pk}, **HTMX)
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.assignee == rep
    assert not FollowUpPlan.objects.exists()


@pytest.mark.parametrize("url", ["complete", "snooze", "skip"])
def test_row_actions_refuse_get(rep_client, rep, url):
    assert rep_client.get(reverse(f"followups:{url}", args=[_due(rep).pk])).status_code == 405


# --- the calls-due page ----------------------------------------------------------------------


def _shown(response, section) -> list:
    return response.context["calls"].pages[section].rows


def test_the_calls_due_page_lists_what_is_due_and_the_next_seven_days_with_counts(rep_client, rep, other_rep):
    today = timezone.localdate()
    overdue = [_due(rep, today - 3 * DAY), _due(rep, today - 20 * DAY)]
    due_today = _due(rep, today)
    upcoming = [_due(rep, today + DAY), _due(rep, today + 7 * DAY), _due(rep, today + 2 * DAY)]
    far = _due(rep, today + 8 * DAY)
    theirs = _due(other_rep, today)

    response = rep_client.get(CALLS)

    assert response.status_code == 200
    content = response.content.decode()
    for followup in [*overdue, due_today, *upcoming]:
        assert f'id="followup-{followup.pk}"' in content
    for followup in (far, theirs):
        assert f'id="followup-{followup.pk}"' not in content
    counts = {key: _count(content, key) for key in ("due", "overdue", "today", "upcoming", "done")}
    assert counts == {"due": "۳", "overdue": "۲", "today": "۱", "upcoming": "۳", "done": "۰"}
    assert [f.due_on for f in _shown(response, "upcoming")] == [today + DAY, today + 2 * DAY, today + 7 * DAY]
    assert "۷ روز آینده" in content  # the section says how far it looks
    assert "<html" in content


def test_the_upcoming_section_follows_the_horizon_setting(rep_client, rep, settings):
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 3
    today = timezone.localdate()
    inside, outside = _due(rep, today + 3 * DAY), _due(rep, today + 4 * DAY)

    content = rep_client.get(CALLS).content.decode()

    assert f'id="followup-{inside.pk}"' in content
    assert f'id="followup-{outside.pk}"' not in content
    assert "۳ روز آینده" in content
    assert "۷" not in content.split('data-testid="section-upcoming"')[1].split("</h2>")[0]


def test_the_calls_due_page_orders_due_calls_by_money_at_risk(rep_client, rep):
    def due(spent, reason="one_off"):
        customer = CustomerFactory(owner=rep)
        purchase_add(customer=customer, purchased_on=timezone.localdate(), amount=Decimal(spent))
        return _due(rep, customer=customer, reason=reason)

    small, big, detractor = due(10_000), due(50_000_000), due(20_000_000, reason="detractor")
    middle = due(2_000_000)

    response = rep_client.get(CALLS)

    assert _shown(response, "due") == [detractor, big, middle, small]
    content = response.content.decode()
    positions = [content.index(f'id="followup-{f.pk}"') for f in (detractor, big, middle, small)]
    assert positions == sorted(positions)


def test_a_manager_sees_their_own_calls_by_default_and_picks_a_rep_or_the_whole_team(
    manager_client, manager, rep, other_rep
):
    own, mine, theirs = _due(manager), _due(rep), _due(other_rep)

    default = manager_client.get(CALLS)
    everyone = manager_client.get(CALLS, {"rep": "all"}).content.decode()
    filtered = manager_client.get(CALLS, {"rep": other_rep.pk}).content.decode()

    assert _shown(default, "due") == [own]
    assert 'data-testid="whole-team-link"' in default.content.decode()
    assert [value for value, _label in default.context["day_form"].fields["rep"].choices][:2] == ["", "all"]
    for followup in (own, mine, theirs):
        assert f'id="followup-{followup.pk}"' in everyone
    assert f'id="followup-{theirs.pk}"' in filtered
    assert f'id="followup-{mine.pk}"' not in filtered


def test_the_whole_team_view_keeps_its_filter_in_the_day_links_and_row_forms(manager_client, rep):
    _due(rep)

    response = manager_client.get(CALLS, {"rep": "all"})

    content = response.content.decode()
    assert "&amp;rep=all" in content
    assert json.loads(response.context["frame_json"])["rep"] == "all"  # hx-vals: row actions and "show more"


def test_an_unknown_rep_falls_back_to_the_managers_own_calls(manager_client, manager, rep):
    own = _due(manager)
    _due(rep)

    response = manager_client.get(CALLS, {"rep": "999999"})

    assert response.status_code == 200
    assert _shown(response, "due") == [own]


def test_a_rep_cannot_see_another_reps_list_by_adding_rep_to_the_url(rep_client, other_rep):
    theirs = _due(other_rep)

    response = rep_client.get(CALLS, {"rep": other_rep.pk})

    assert f'id="followup-{theirs.pk}"' not in response.content.decode()


def test_the_day_navigator_shows_another_day(rep_client, rep):
    tomorrow = timezone.localdate() + DAY
    later = _due(rep, tomorrow + 10 * DAY)

    response = rep_client.get(CALLS, {"day": dates.input_value(tomorrow + 10 * DAY, "fa")})

    assert response.context["calls"].day == tomorrow + 10 * DAY
    assert _shown(response, "due") == [later]


@pytest.mark.parametrize("bad_day", ["1403/13/40", "فردا", "2024-02-30"])
def test_an_invalid_day_shows_an_error_and_falls_back_to_today(rep_client, rep, bad_day):
    due_today = _due(rep)

    response = rep_client.get(CALLS, {"day": bad_day})

    assert response.status_code == 200
    assert response.context["calls"].day == timezone.localdate()
    assert _shown(response, "due") == [due_today]
    errors = _messages(response)
    assert len(errors) == 1
    assert errors[0]


def test_an_invalid_day_keeps_a_managers_rep_filter(manager_client, rep, other_rep):
    _due(rep)
    theirs = _due(other_rep)

    response = manager_client.get(CALLS, {"day": "1403/13/40", "rep": other_rep.pk})

    assert _shown(response, "due") == [theirs]
    assert len(_messages(response)) == 1


def _page_queries(client, url=CALLS) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def _fill(rep, count):
    today = timezone.localdate()
    plan_customer = CustomerFactory(owner=rep)
    services.plan_create(customer=plan_customer, every=1, unit="weeks", starts_on=today)
    for n in range(count):
        reason = ("one_off", "detractor", "referral", "win_back")[n % 4]
        followup = _due(rep, today + datetime.timedelta(days=n % 15 - 7), reason=reason)
        if n % 3 == 0:
            services.followup_complete(followup=followup, outcome=FollowUp.Outcome.NO_ANSWER, by=rep)


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_the_calls_due_page_makes_the_same_number_of_queries_for_5_or_60_follow_ups(
    request, rep, django_assert_num_queries, who
):
    client = request.getfixturevalue(f"{who}_client")
    url = CALLS if who == "rep" else f"{CALLS}?rep=all"
    _fill(rep, 5)
    _page_queries(client, url)  # the typical customer's value is cached for an hour from here on
    five = _page_queries(client, url)
    _fill(rep, 55)

    with django_assert_num_queries(five):
        response = client.get(url)
    calls = response.context["calls"]
    assert calls.due + calls.upcoming + calls.done > 40


# --- htmx actions ----------------------------------------------------------------------------


def test_completing_with_htmx_returns_the_row_fragment_and_out_of_band_counts(rep_client, rep):
    followup, other = _due(rep), _due(rep)

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]), {"outcome": "reached", "note": "OK", **_frame()}, **HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith("<article")
    assert f'id="followup-{followup.pk}"' in content
    assert f'id="followup-{other.pk}"' not in content
    assert 'data-testid="closed"' in content
    for key in ("due", "upcoming", "done"):
        assert re.search(rf'id="count-{key}"[^>]*hx-swap-oob="true"', content), key
    assert re.search(r'id="due-split"[^>]*hx-swap-oob="true"', content)
    assert (_count(content, "due"), _count(content, "today"), _count(content, "done")) == ("۱", "۱", "۱")
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.note) == ("done", "reached", "OK")
    assert Interaction.objects.filter(customer=followup.customer, outcome="reached").exists()


def test_completing_a_call_counted_from_completion_adds_the_next_one_out_of_band(rep_client, rep):
    today = timezone.localdate()
    plan = services.plan_create(
        customer=CustomerFactory(owner=rep), every=3, unit="days", starts_on=today, count_from="completion"
    )
    followup = plan.followups.get(due_on=today)

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]), {"outcome": "reached", **_frame()}, **HTMX
    )

    new = plan.followups.filter(status=FollowUp.Status.OPEN).earliest("due_on")
    assert new.due_on == today + 3 * DAY
    content = response.content.decode()
    oob = content[content.index('hx-swap-oob="beforeend:#list-upcoming"') :]
    assert f'id="followup-{new.pk}"' in oob
    assert _count(content, "upcoming") == "۲"  # in 3 and in 6 days


def test_a_next_call_beyond_the_horizon_is_counted_nowhere_and_not_added(settings, rep_client, rep):
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 1  # next week's call lies beyond what the page shows
    today = timezone.localdate()
    plan = services.plan_create(customer=CustomerFactory(owner=rep), every=1, unit="weeks", starts_on=today)

    response = rep_client.post(
        reverse("followups:complete", args=[plan.followups.get().pk]), {"outcome": "reached", **_frame()}, **HTMX
    )

    assert plan.followups.get(status=FollowUp.Status.OPEN).due_on == today + WEEK
    content = response.content.decode()
    assert "beforeend:#list-upcoming" not in content
    assert _count(content, "upcoming") == "۰"


def test_without_htmx_an_action_redirects_back_to_the_same_day(rep_client, rep):
    day = timezone.localdate() + 2 * DAY
    followup = _due(rep, day)

    response = rep_client.post(reverse("followups:complete", args=[followup.pk]), {"outcome": "reached", **_frame(day)})

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == CALLS
    assert parse_qs(url.query)["day"] == [dates.input_value(day, "fa")]
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE


def test_without_htmx_a_managers_rep_filter_is_kept_too(manager_client, rep):
    followup = _due(rep)

    response = manager_client.post(reverse("followups:skip", args=[followup.pk]), {**_frame(), "rep": rep.pk})

    assert response.url == f"{CALLS}?day={_frame()['day']}&rep={rep.pk}"


def test_an_invalid_outcome_returns_the_row_with_a_persian_error_and_changes_nothing(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]), {"outcome": "bogus", **_frame()}, **HTMX
    )

    with translation.override("fa"):
        expected = str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": "bogus"}
    with translation.override("en"):
        english = str(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": "bogus"}
    assert expected != english
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'role="alert"' in content
    assert escape(expected) in content
    followup.refresh_from_db()
    assert (followup.status, followup.outcome) == (FollowUp.Status.OPEN, "")
    assert not Interaction.objects.exists()


def test_retrying_a_reached_call_returns_the_row_with_the_error_in_the_users_language(en_client, rep):
    en_client.force_login(rep)
    followup = _due(rep)

    response = en_client.post(
        reverse("followups:complete", args=[followup.pk]),
        {"outcome": "reached", "retry": "tomorrow", "day": timezone.localdate().isoformat()},
        **HTMX,
    )

    content = response.content.decode()
    assert 'role="alert"' in content
    assert escape("Only “no answer” and “call back later” can be tried again.") in content
    followup.refresh_from_db()
    assert (followup.status, followup.due_on, followup.snooze_count) == ("open", timezone.localdate(), 0)
    assert not Interaction.objects.exists()


def test_retrying_a_reached_call_shows_the_error_in_persian_for_persian_users(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]),
        {"outcome": "reached", "retry": "tomorrow", **_frame()},
        **HTMX,
    )

    english = "Only “no answer” and “call back later” can be tried again."
    with translation.override("fa"):
        persian = translation.gettext(english)
    assert persian != english
    assert escape(persian) in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.OPEN


def test_a_retry_on_a_past_day_is_refused_and_changes_nothing(rep_client, rep):
    followup = _due(rep)
    yesterday = dates.input_value(timezone.localdate() - DAY, "fa")

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]),
        {"outcome": "no_answer", "retry": "on_date", "retry_on": yesterday, **_frame()},
        **HTMX,
    )

    with translation.override("fa"):
        expected = translation.gettext("Pick a day after today.")
    assert escape(expected) in response.content.decode()
    followup.refresh_from_db()
    assert (followup.status, followup.snooze_count) == ("open", 0)
    assert not Interaction.objects.exists()


def test_a_no_answer_retry_tomorrow_reschedules_and_logs_the_attempt(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(
        reverse("followups:complete", args=[followup.pk]),
        {"outcome": "no_answer", "retry": "tomorrow", "note": "بوق آزاد", **_frame()},
        **HTMX,
    )

    assert response.status_code == 200
    followup.refresh_from_db()
    assert (followup.status, followup.due_on, followup.snooze_count) == (
        "rescheduled",
        timezone.localdate() + DAY,
        1,
    )
    assert Interaction.objects.get().summary == "بوق آزاد"
    assert (_count(response.content.decode(), "today"), _count(response.content.decode(), "upcoming")) == ("۰", "۱")


def test_snoozing_with_htmx_moves_the_row_to_next_week(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(
        reverse("followups:snooze", args=[followup.pk]), {"when": "next_week", "reason": "سفر", **_frame()}, **HTMX
    )

    assert response.status_code == 200
    followup.refresh_from_db()
    assert (followup.due_on, followup.snooze_count, followup.snooze_reason) == (
        timezone.localdate() + WEEK,
        1,
        "سفر",
    )
    assert 'data-testid="snoozed"' in response.content.decode()


def test_snoozing_on_a_date_needs_the_date(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(reverse("followups:snooze", args=[followup.pk]), {"when": "on_date", **_frame()}, **HTMX)

    assert 'role="alert"' in response.content.decode()
    followup.refresh_from_db()
    assert followup.snooze_count == 0


def test_skipping_with_htmx_closes_the_row(rep_client, rep):
    followup = _due(rep)

    response = rep_client.post(reverse("followups:skip", args=[followup.pk]), _frame(), **HTMX)

    assert 'data-testid="closed"' in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.SKIPPED


def test_closing_an_already_closed_follow_up_shows_an_error(rep_client, rep):
    followup = _due(rep)
    services.followup_complete(followup=followup, outcome="reached", by=rep)

    response = rep_client.post(reverse("followups:skip", args=[followup.pk]), _frame(), **HTMX)

    assert 'role="alert"' in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE


def test_a_manager_reassigns_a_follow_up(manager_client, rep, other_rep):
    followup = _due(rep)

    response = manager_client.post(
        reverse("followups:reassign", args=[followup.pk]), {"assignee": other_rep.pk, **_frame()}, **HTMX
    )

    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.assignee == other_rep


# --- team page -------------------------------------------------------------------------------


def test_the_team_page_shows_the_workload_and_the_escalated_follow_ups(manager_client, rep, other_rep):
    today = timezone.localdate()
    late = _due(rep, services.escalation_cutoff(today) - DAY, purpose="خیلی دیر شده")
    recent = _due(other_rep, today - DAY, purpose="تازه")

    response = manager_client.get(reverse("followups:team"))

    assert response.status_code == 200
    assert list(response.context["escalated"]) == [late]
    content = response.content.decode()
    table = content[content.index('data-testid="escalated-table"') :]
    assert late.customer.name in table
    assert recent.customer.name not in table
    workload = {row.rep: row for row in response.context["workload"]}
    assert (workload[rep].escalated, workload[other_rep].escalated, workload[other_rep].overdue) == (1, 0, 1)


# --- plans from the customer page ---------------------------------------------------------------


@pytest.mark.parametrize("months", [1, 3, 6])
def test_a_preset_starts_one_interval_after_the_last_contact(rep_client, rep, months):
    last_contact = timezone.localdate() - 10 * DAY
    customer = CustomerFactory(owner=rep, last_contact_on=last_contact)

    response = rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": str(months)})

    assert response.status_code == 302
    assert response.url == reverse("customers:detail", args=[customer.pk]) + "#followups"
    plan = FollowUpPlan.objects.get(customer=customer)
    assert (plan.every, plan.unit, plan.calendar, plan.assignee) == (months, "months", "jalali", rep)
    assert plan.starts_on == cadence.add_months(last_contact, months, cadence.JALALI)
    assert plan.followups.get().due_on == plan.starts_on


@pytest.mark.parametrize("last_contact_days_ago", [None, 400])
def test_a_preset_starts_today_without_a_recent_contact(rep_client, rep, last_contact_days_ago):
    today = timezone.localdate()
    last_contact = today - last_contact_days_ago * DAY if last_contact_days_ago else None
    customer = CustomerFactory(owner=rep, last_contact_on=last_contact)

    rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "3"})

    plan = FollowUpPlan.objects.get(customer=customer)
    assert plan.starts_on == today
    assert list(plan.followups.values_list("due_on", flat=True)) == [today]


def test_an_unknown_preset_adds_nothing(rep_client, rep):
    customer = CustomerFactory(owner=rep)

    response = rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "2"})

    assert response.status_code == 302
    assert not FollowUpPlan.objects.exists()
    assert len(_messages(response)) == 1


def test_a_custom_plan_from_the_form(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    starts = timezone.localdate() + 3 * DAY
    data = {
        "every": "2",
        "unit": "weeks",
        "calendar": "jalali",
        "starts_on": to_persian_digits(dates.input_value(starts, "fa")),
        "channel": "sms",
        "purpose": "یادآوری",
        "count_from": "completion",
    }

    rep_client.post(reverse("followups:plan_create", args=[customer.pk]), data)

    plan = FollowUpPlan.objects.get(customer=customer)
    assert (plan.every, plan.unit, plan.channel, plan.count_from) == (2, "weeks", "sms", "completion")
    assert (plan.starts_on, plan.assignee, plan.created_by) == (starts, rep, rep)
    assert list(plan.followups.values_list("due_on", "channel")) == [(starts, "sms")]


def test_a_manager_picks_the_assignee_of_a_custom_plan(manager_client, rep, other_rep):
    customer = CustomerFactory(owner=rep)
    data = {
        "every": "1",
        "unit": "months",
        "calendar": "gregorian",
        "starts_on": timezone.localdate().isoformat(),
        "channel": "call",
        "count_from": "schedule",
        "assignee": other_rep.pk,
    }

    manager_client.post(reverse("followups:plan_create", args=[customer.pk]), data)

    plan = FollowUpPlan.objects.get(customer=customer)
    assert (plan.assignee, plan.calendar) == (other_rep, "gregorian")
    assert plan.followups.get().assignee == other_rep


def test_a_duplicate_cadence_from_the_form_shows_an_error_and_adds_nothing(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "1"})

    response = rep_client.post(reverse("followups:plan_create", args=[customer.pk]), {"preset": "1"})

    assert FollowUpPlan.objects.count() == 1
    constraint = next(c for c in FollowUpPlan._meta.constraints if c.name == "followup_plan_one_active_per_cadence")
    assert _messages(response)[-1] == str(constraint.violation_error_message)


def test_the_customer_page_shows_the_plans_and_open_follow_ups(rep_client, rep):
    customer = CustomerFactory(owner=rep)
    services.plan_create(customer=customer, every=3, starts_on=timezone.localdate(), purpose="تماس فصلی")

    response = rep_client.get(reverse("customers:detail", args=[customer.pk]))

    content = response.content.decode()
    plans = content[content.index('data-testid="plans"') :]
    assert "تماس فصلی" in plans
    assert 'data-testid="pending-followups"' in content


def test_the_owner_pauses_resumes_and_deletes_a_plan(rep_client, rep):
    today = timezone.localdate()
    plan = services.plan_create(customer=CustomerFactory(owner=rep), every=1, unit="weeks", starts_on=today)
    url = lambda action: reverse("followups:plan_change", args=[plan.pk, action])  # noqa: E731

    response = rep_client.post(url("pause"))
    assert response.url == reverse("customers:detail", args=[plan.customer_id]) + "#followups"
    plan.refresh_from_db()
    assert (plan.active, plan.followups.count()) == (False, 0)

    rep_client.post(url("resume"))
    plan.refresh_from_db()
    assert plan.active
    assert list(plan.followups.values_list("due_on", flat=True)) == [today, today + WEEK]

    rep_client.post(url("delete"))
    assert not FollowUpPlan.objects.exists()
    assert not FollowUp.objects.exists()


def test_plan_change_refuses_an_unknown_action(rep_client, rep):
    plan = FollowUpPlanFactory(customer=CustomerFactory(owner=rep))
    assert rep_client.post(f"/calls/plans/{plan.pk}/archive/").status_code == 404


# --- one cadence for a filtered list (manager) ------------------------------------------------------


def test_bulk_cadence_applies_to_the_filtered_customers_and_twice_adds_nothing(manager_client, rep, other_rep):
    mine = CustomerFactory.create_batch(3, owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    url = f"{reverse('followups:bulk_cadence')}?owner={rep.pk}"
    data = {
        "every": "3",
        "unit": "months",
        "starts_on": _frame()["day"],
        "channel": "call",
        "purpose": "فصلی",
        "first_calls": "same_day",
        "confirm": "1",
    }

    page = manager_client.get(url)
    assert page.context["count"] == 3
    response = manager_client.post(url, data)
    again = manager_client.post(url, data)

    assert response.status_code == again.status_code == 302
    assert response.url == f"{reverse('customers:list')}?owner={rep.pk}"
    assert set(FollowUpPlan.objects.values_list("customer", flat=True)) == {c.pk for c in mine}
    assert FollowUpPlan.objects.count() == 3
    assert not theirs.followup_plans.exists()
    assert FollowUp.objects.filter(due_on=timezone.localdate()).count() == 3


def _bulk_form(**fields) -> dict:
    return {"every": "3", "unit": "months", "starts_on": _frame()["day"], "channel": "call", **fields}


def test_bulk_cadence_first_previews_how_many_calls_a_day_it_makes_and_writes_nothing(manager_client, rep):
    CustomerFactory.create_batch(130, owner=rep)
    url = reverse("followups:bulk_cadence")

    response = manager_client.post(url, _bulk_form(first_calls="spread"))

    assert response.status_code == 200
    preview = response.context["preview"]
    first_cycle = cadence.occurrence_on(timezone.localdate(), 1, 3, "months") - timezone.localdate()
    assert (preview.newcomers, preview.already, preview.working_days) == (130, 0, first_cycle.days)
    assert preview.most_in_a_day == 2  # 130 calls over about 90 working days
    content = response.content.decode()
    assert 'data-testid="calls-per-day"' in content
    assert to_persian_digits(str(preview.working_days)) in content
    assert 'name="confirm"' in content
    assert not FollowUpPlan.objects.exists()


def test_bulk_cadence_preview_of_one_day_says_all_calls_fall_on_it(manager_client, rep):
    CustomerFactory.create_batch(4, owner=rep)

    response = manager_client.post(reverse("followups:bulk_cadence"), _bulk_form(first_calls="same_day"))

    assert "همه‌ی ۴ تماس نخست" in response.content.decode()
    assert response.context["preview"].most_in_a_day == 4


def test_bulk_cadence_spread_cannot_start_in_the_past(manager_client, rep):
    CustomerFactory(owner=rep)
    yesterday = dates.input_value(timezone.localdate() - DAY, "fa")

    response = manager_client.post(
        reverse("followups:bulk_cadence"), _bulk_form(first_calls="spread", starts_on=yesterday, confirm="1")
    )

    assert response.status_code == 200
    assert "starts_on" in response.context["form"].errors
    assert not FollowUpPlan.objects.exists()


def test_bulk_cadence_with_an_invalid_form_shows_the_form_again(manager_client, rep):
    CustomerFactory(owner=rep)

    response = manager_client.post(reverse("followups:bulk_cadence"), {"every": "0", "unit": "months"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not FollowUpPlan.objects.exists()


def test_calls_due_page_renders_in_english_with_gregorian_dates(en_client, rep):
    en_client.force_login(rep)
    _due(rep)

    response = en_client.get(CALLS)

    content = response.content.decode()
    assert dates.format_date(timezone.localdate(), "en") in content
    assert _count(content, "today") == "1"
