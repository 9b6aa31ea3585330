"""The htmx response of a row action: the row goes where it now belongs, says where, and every count follows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from followups import services
from followups.models import FollowUp
from tests.factories import CustomerFactory, FollowUpFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _due(owner, day, **fields) -> FollowUp:
    customer = fields.pop("customer", None) or CustomerFactory(owner=owner)
    return FollowUpFactory(customer=customer, scheduled_on=day, due_on=day, **fields)


def _frame(rep="") -> dict:
    return {"day": dates.input_value(timezone.localdate(), "fa"), "rep": rep}


def _count(content: str, key: str) -> str:
    return re.search(rf'id="count-{key}"[^>]*>([^<]*)</span>', content).group(1)


def _row_tag(content: str, followup: FollowUp) -> str:
    match = re.search(rf'<article [^>]*id="followup-{followup.pk}"[^>]*>', content)
    assert match, f"no row for {followup.pk}"
    return match.group(0)


def _status(content: str) -> str:
    match = re.search(r'<div hx-swap-oob="innerHTML:#calls-status">(.*?)</div>', content, re.S)
    assert match, "no live-region update"
    return readable(match.group(1).strip())


def _long(day) -> str:
    with translation.override("fa"):
        return dates.format_date(day)


def test_no_answer_tomorrow_moves_an_overdue_row_to_the_coming_days_before_the_later_ones(rep_client, rep):
    today = timezone.localdate()
    overdue = _due(rep, today - 3 * DAY)
    later = _due(rep, today + 2 * DAY)

    response = rep_client.post(
        reverse("followups:complete", args=[overdue.pk]),
        {"outcome": "no_answer", "retry": "tomorrow", **_frame()},
        **HTMX,
    )

    content = response.content.decode()
    row = _row_tag(content, overdue)
    assert 'data-place="upcoming"' in row
    assert f'data-place-before="followup-{later.pk}"' in row
    assert "data-focus-after-action" in row and 'tabindex="-1"' in row
    assert _long(today + DAY) in re.search(r'data-testid="action-note">([^<]*)<', content).group(1)
    assert _long(today + DAY) in _status(content)
    assert "روز آینده" in _status(content)  # under "the next 7 days"
    assert (_count(content, "overdue"), _count(content, "due"), _count(content, "upcoming")) == ("۰", "۰", "۲")


def test_a_retry_that_is_the_last_of_its_section_goes_to_its_end(rep_client, rep):
    today = timezone.localdate()
    call = _due(rep, today)
    _due(rep, today + DAY)  # tomorrow, but worth the same: the older id ranks first

    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]),
        {"outcome": "no_answer", "retry": "on_date", "retry_on": dates.input_value(today + 5 * DAY, "fa"), **_frame()},
        **HTMX,
    )

    row = _row_tag(response.content.decode(), call)
    assert 'data-place="upcoming"' in row and 'data-place-before=""' in row


def test_reached_moves_the_row_to_closed_and_says_when_the_next_call_is(rep_client, rep):
    today = timezone.localdate()
    plan = services.plan_create(customer=CustomerFactory(owner=rep), every=1, unit="weeks", starts_on=today)
    call = plan.followups.get(due_on=today)
    closed_earlier = _due(rep, today)
    services.followup_complete(followup=closed_earlier, outcome="reached", by=rep)

    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]), {"outcome": "reached", **_frame()}, **HTMX
    )

    content = response.content.decode()
    row = _row_tag(content, call)
    assert f'data-place="done" data-place-before="followup-{closed_earlier.pk}"' in row  # newest closed first
    next_on = plan.followups.get(status=FollowUp.Status.OPEN).due_on
    assert next_on == today + 7 * DAY
    next_call = re.search(r'data-testid="next-call">([^<]*)<', content).group(1)
    assert _long(next_on) in next_call
    assert _long(next_on) in _status(content)
    assert _count(content, "done") == "۲"


def test_reached_without_another_call_says_none_is_planned(en_client, rep):
    en_client.force_login(rep)
    call = _due(rep, timezone.localdate())

    response = en_client.post(
        reverse("followups:complete", args=[call.pk]),
        {"outcome": "reached", "day": timezone.localdate().isoformat()},
        **HTMX,
    )

    content = response.content.decode()
    assert "No next call planned" in content
    assert _status(content) == f"{call.customer.name}: closed. No next call is planned."


def test_a_closed_row_on_the_page_shows_the_customers_next_call(rep_client, rep):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep)
    closed = _due(rep, today, customer=customer)
    services.followup_complete(followup=closed, outcome="reached", by=rep)
    _due(rep, today + 3 * DAY, customer=customer)

    content = rep_client.get("/calls/").content.decode()

    section = content[content.index('data-testid="section-done"') :]
    assert _long(today + 3 * DAY) in re.search(r'data-testid="next-call">([^<]*)<', section).group(1)


def test_a_snooze_past_the_days_shown_leaves_a_note_where_the_row_was(rep_client, rep):
    call = _due(rep, timezone.localdate())
    far = timezone.localdate() + 30 * DAY

    response = rep_client.post(
        reverse("followups:snooze", args=[call.pk]),
        {"when": "on_date", "on": dates.input_value(far, "fa"), **_frame()},
        **HTMX,
    )

    content = response.content.decode()
    assert f'id="followup-{call.pk}"' not in content
    note = re.search(r'<p [^>]*data-testid="moved-away"[^>]*>([^<]*)</p>', content)
    assert note and _long(far) in note.group(1)
    assert "data-focus-after-action" in note.group(0)
    assert _long(far) in _status(content)
    assert (_count(content, "due"), _count(content, "upcoming")) == ("۰", "۰")


def test_a_row_that_stays_in_its_section_is_replaced_in_place(manager_client, rep, other_rep):
    call = _due(rep, timezone.localdate())

    response = manager_client.post(
        reverse("followups:reassign", args=[call.pk]), {"assignee": other_rep.pk, **_frame("all")}, **HTMX
    )

    content = response.content.decode()
    row = _row_tag(content, call)
    assert "data-place=" not in row
    assert "data-focus-after-action" in row
    assert call.customer.name in _status(content)


def test_reassigning_off_the_shown_reps_list_says_whose_list_it_is_on_now(manager_client, rep, other_rep):
    call = _due(rep, timezone.localdate())

    response = manager_client.post(
        reverse("followups:reassign", args=[call.pk]), {"assignee": other_rep.pk, **_frame(rep.pk)}, **HTMX
    )

    content = response.content.decode()
    assert f'id="followup-{call.pk}"' not in content
    assert "سارا نیک‌نام" in _status(content)
    assert _count(content, "due") == "۰"


def test_a_refused_action_keeps_the_row_in_place_and_announces_nothing(rep_client, rep):
    call = _due(rep, timezone.localdate() - DAY)

    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]), {"outcome": "reached", "retry": "tomorrow", **_frame()}, **HTMX
    )

    content = response.content.decode()
    row = _row_tag(content, call)
    assert "data-place=" not in row
    assert 'role="alert"' in content
    assert _status(content) == ""
    call.refresh_from_db()
    assert call.is_pending and call.due_on == timezone.localdate() - DAY


def test_a_plans_next_call_is_placed_in_its_ranked_place_among_the_coming_days(rep_client, rep):
    today = timezone.localdate()
    plan = services.plan_create(
        customer=CustomerFactory(owner=rep), every=3, unit="days", starts_on=today, count_from="completion"
    )
    later = _due(rep, today + 5 * DAY)
    before = set(plan.followups.values_list("pk", flat=True))

    response = rep_client.post(
        reverse("followups:complete", args=[plan.followups.get(due_on=today).pk]),
        {"outcome": "reached", **_frame()},
        **HTMX,
    )

    new = plan.followups.exclude(pk__in=before).filter(status__in=FollowUp.PENDING).earliest("scheduled_on")
    assert new.due_on < later.due_on
    content = response.content.decode()
    assert f'data-place="upcoming" data-place-before="followup-{later.pk}"' in _row_tag(content, new)
