"""A refused row action brings the row back as the rep left it: what they chose and typed, the error
beside the field it is about, and focus on that field; nothing is saved, and saving it again does
what they meant (not "reached, closed" from a reset form)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from core import dates
from customers.models import Interaction
from followups.models import FollowUp
from tests.followups.test_views_after_action import HTMX, _due, _frame, _row_tag

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
IMPOSSIBLE = "1405/13/40"


def _tag(content: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{element_id}"[^>]*>', content)
    assert match, f"no field {element_id}"
    return match.group(0)


def _selected(content: str, element_id: str) -> list[str]:
    select = re.search(rf'<select\b[^>]*\bid="{element_id}"[^>]*>(.*?)</select>', content, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def _wrap_classes(content: str, element_id: str) -> list[str]:
    return re.search(rf'<div class="([^"]*)" id="{element_id}">', content).group(1).split()


def _field_error(content: str, element_id: str) -> str:
    match = re.search(rf'<div [^>]*id="{element_id}"[^>]*role="alert"[^>]*>([^<]*)</div>', content)
    assert match, f"no error {element_id}"
    return match.group(1)


def test_an_impossible_retry_date_keeps_the_outcome_the_retry_the_typed_date_and_the_note(rep_client, rep):
    call = _due(rep, timezone.localdate())
    pk = call.pk

    response = rep_client.post(
        reverse("followups:complete", args=[pk]),
        {"outcome": "call_back_later", "retry": "on_date", "retry_on": IMPOSSIBLE, "note": "گفت هفته بعد", **_frame()},
        **HTMX,
    )

    content = response.content.decode()
    assert _selected(content, f"outcome-{pk}") == ["call_back_later"]
    assert _selected(content, f"retry-{pk}") == ["on_date"]
    assert "d-none" not in _wrap_classes(content, f"retry-on-wrap-{pk}")  # the date box stays open
    date_box = _tag(content, f"retry-on-{pk}")
    assert f'value="{IMPOSSIBLE}"' in date_box
    assert 'aria-invalid="true"' in date_box
    assert f'aria-describedby="retry_on-error-{pk}"' in date_box
    assert "data-focus-after-action" in date_box
    assert "data-focus-after-action" not in _row_tag(content, call)  # focus goes to the field, not the row
    with translation.override("fa"):
        expected = translation.gettext("%(value)s does not exist in the calendar.")
    assert expected.split("%(value)s")[-1].strip() in _field_error(content, f"retry_on-error-{pk}")
    assert "۱۴۰۵/۱۳/۴۰" in _field_error(content, f"retry_on-error-{pk}")
    assert 'value="گفت هفته بعد"' in _tag(content, f"note-{pk}")
    assert 'class="alert alert-danger' not in content  # the error is beside its field, not above the form
    call.refresh_from_db()
    assert (call.status, call.due_on, call.snooze_count) == (FollowUp.Status.OPEN, timezone.localdate(), 0)
    assert not Interaction.objects.exists()


def test_a_corrected_date_then_moves_the_call_to_that_day_as_call_back_later(rep_client, rep):
    call = _due(rep, timezone.localdate())
    post = {"outcome": "call_back_later", "retry": "on_date", "note": "گفت هفته بعد", **_frame()}
    rep_client.post(reverse("followups:complete", args=[call.pk]), {**post, "retry_on": IMPOSSIBLE}, **HTMX)

    day = timezone.localdate() + 5 * DAY
    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]), {**post, "retry_on": dates.input_value(day, "fa")}, **HTMX
    )

    assert 'data-place="upcoming"' in _row_tag(response.content.decode(), call)
    call.refresh_from_db()
    assert (call.status, call.due_on) == (FollowUp.Status.RESCHEDULED, day)
    assert Interaction.objects.get().summary == "گفت هفته بعد"


def test_a_past_retry_date_is_refused_beside_the_date_in_english_too(en_client, rep):
    en_client.force_login(rep)
    call = _due(rep, timezone.localdate())
    yesterday = (timezone.localdate() - DAY).isoformat()

    response = en_client.post(
        reverse("followups:complete", args=[call.pk]),
        {"outcome": "no_answer", "retry": "on_date", "retry_on": yesterday, "day": timezone.localdate().isoformat()},
        **HTMX,
    )

    content = response.content.decode()
    assert _selected(content, f"outcome-{call.pk}") == ["no_answer"]
    assert _selected(content, f"retry-{call.pk}") == ["on_date"]
    assert f'value="{yesterday}"' in _tag(content, f"retry-on-{call.pk}")
    assert _field_error(content, f"retry_on-error-{call.pk}") == "Pick a day after today."
    assert "data-focus-after-action" in _tag(content, f"retry-on-{call.pk}")


def test_retrying_a_reached_call_keeps_both_choices_and_says_why_beside_try_again(rep_client, rep):
    call = _due(rep, timezone.localdate())

    response = rep_client.post(
        reverse("followups:complete", args=[call.pk]), {"outcome": "reached", "retry": "tomorrow", **_frame()}, **HTMX
    )

    content = response.content.decode()
    assert _selected(content, f"outcome-{call.pk}") == ["reached"]
    assert _selected(content, f"retry-{call.pk}") == ["tomorrow"]
    assert "d-none" in _wrap_classes(content, f"retry-on-wrap-{call.pk}")
    with translation.override("fa"):
        expected = translation.gettext("Only “no answer” and “call back later” can be tried again.")
    assert _field_error(content, f"retry-error-{call.pk}") == escape(expected)
    assert "data-focus-after-action" in _tag(content, f"retry-{call.pk}")


def test_a_refused_snooze_opens_more_actions_with_the_choice_the_typed_date_and_the_reason(rep_client, rep):
    call = _due(rep, timezone.localdate())
    pk = call.pk

    response = rep_client.post(
        reverse("followups:snooze", args=[pk]),
        {"when": "on_date", "on": IMPOSSIBLE, "reason": "سفر", **_frame()},
        **HTMX,
    )

    content = response.content.decode()
    details = re.search(r'<details [^>]*data-testid="more-actions"[^>]*>', content).group(0)
    assert " open" in details and "hx-get" not in details  # shown with the form in it, not loaded again
    assert _selected(content, f"when-{pk}") == ["on_date"]
    assert "d-none" not in _wrap_classes(content, f"snooze-on-wrap-{pk}")
    assert f'value="{IMPOSSIBLE}"' in _tag(content, f"snooze-on-{pk}")
    assert "data-focus-after-action" in _tag(content, f"snooze-on-{pk}")
    assert "۱۴۰۵/۱۳/۴۰" in _field_error(content, f"on-error-{pk}")
    assert 'value="سفر"' in _tag(content, f"snooze-reason-{pk}")
    # the outcome form above it is untouched: nothing chosen, so the browser shows its first choice
    assert _selected(content, f"outcome-{pk}") == []
    call.refresh_from_db()
    assert call.snooze_count == 0


def test_a_refused_reassign_keeps_more_actions_open_with_the_error_beside_the_list(manager_client, rep):
    call = _due(rep, timezone.localdate())

    response = manager_client.post(
        reverse("followups:reassign", args=[call.pk]), {"assignee": "999999", **_frame()}, **HTMX
    )

    content = response.content.decode()
    assert " open" in re.search(r'<details [^>]*data-testid="more-actions"[^>]*>', content).group(0)
    assert _field_error(content, f"assignee-error-{call.pk}")
    assert "data-focus-after-action" in _tag(content, f"assignee-{call.pk}")
    call.refresh_from_db()
    assert call.assignee == rep


def test_a_refusal_of_a_closed_row_shows_on_the_row(rep_client, rep):
    call = _due(rep, timezone.localdate())
    rep_client.post(reverse("followups:complete", args=[call.pk]), {"outcome": "reached", **_frame()}, **HTMX)

    response = rep_client.post(
        reverse("followups:snooze", args=[call.pk]), {"when": "on_date", "on": IMPOSSIBLE, **_frame()}, **HTMX
    )

    content = response.content.decode()
    assert 'class="alert alert-danger call-alert" role="alert"' in content
    assert "data-focus-after-action" in _row_tag(content, call)
