"""customers.backtest on a hand-worked history, the backtest page and command, and adopting a rule."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core import dates
from customers.backtest import BASELINE, silence_backtest
from customers.models import Customer, SilenceRuleAdoption
from customers.rhythm import SilenceRule
from customers.services import purchase_add
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WINDOW = 180


def _as_of():
    return timezone.localdate() - 200 * DAY


@pytest.fixture
def history():
    """Relative to the day flagged (as_of); "back" = bought again within the 180 days after it.

    P monthly (gaps 30, 30, 30), last bought 10 days before, back.       typical 30
    Q monthly (gaps 30, 30), last bought 70 days before, never back.     typical (60 + 60) / 4 = 30
    R slow (gaps 160, 160), last bought 180 days before, back.           typical (320 + 60) / 4 = 95
    S bought once, 20 days before, never back.
    T bought once, 170 days before, never back.
    U first bought after the day: not in the test.
    Own medians 30, 30, 160: the prior is 30. First returns 30, 30, 160: 80% within 160 days.
    """
    as_of = _as_of()
    plan = {
        "P": [100, 70, 40, 10, -20],
        "Q": [130, 100, 70],
        "R": [500, 340, 180, -10],
        "S": [20],
        "T": [170],
        "U": [-5],
    }
    for name, days_before in plan.items():
        customer = CustomerFactory(name=name)
        for days in days_before:
            purchase_add(customer=customer, purchased_on=as_of - days * DAY, amount=Decimal(1_000_000))


def _result(backtest, rule):
    return next(result for result in backtest.results if result.rule == rule)


# rule -> (flagged, true positives) on everyone; churned are Q, S and T
EXPECTED = {
    SilenceRule(k=None, floor_days=30): (3, 2),  # Q, R, T: R came back
    SilenceRule(k=None, floor_days=90): (2, 1),  # R, T
    SilenceRule(k=None, floor_days=180): (0, 0),  # 180 is not more than 180
    SilenceRule(k=1.5, floor_days=0): (3, 2),  # Q (70 > 45), R (180 > 142.5), T (170 > 160)
    SilenceRule(k=2.0, floor_days=0): (2, 2),  # Q (70 > 60), T; R's 180 is within 2 × 95
    SilenceRule(k=2.5, floor_days=0): (1, 1),  # T only: Q's 70 is within 75
    SilenceRule(k=2.0, floor_days=30): (2, 2),
}


@pytest.mark.parametrize("rule", list(EXPECTED), ids=str)
def test_each_rule_flags_and_hits_what_the_hand_worked_history_says(history, rule):
    backtest = silence_backtest(as_of=_as_of(), window_days=WINDOW, in_force=SilenceRule(k=2.0, floor_days=30))

    result = _result(backtest, rule)
    assert (result.everyone.customers, result.everyone.churned) == (5, 3)
    assert (result.everyone.flagged, result.everyone.true_positives) == EXPECTED[rule]


def test_precision_recall_and_f1_and_the_suggestion(history):
    backtest = silence_backtest(as_of=_as_of(), window_days=WINDOW, in_force=SilenceRule(k=None, floor_days=90))

    flat_30 = _result(backtest, SilenceRule(k=None, floor_days=30)).everyone
    rhythm_2 = _result(backtest, SilenceRule(k=2.0, floor_days=0))
    assert (flat_30.precision, flat_30.recall, flat_30.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert (rhythm_2.everyone.precision, rhythm_2.everyone.recall, rhythm_2.everyone.f1) == pytest.approx(
        (1, 2 / 3, 0.8)
    )
    assert _result(backtest, SilenceRule(k=None, floor_days=180)).everyone.precision is None
    assert backtest.best.rule == SilenceRule(k=2.0, floor_days=0)  # the first of the two at 0.8
    assert backtest.baseline.rule == BASELINE
    assert backtest.baseline.everyone.f1 == pytest.approx(0.4)
    assert not backtest.in_force_worse_than_baseline


def test_repeat_buyers_are_scored_apart(history):
    backtest = silence_backtest(as_of=_as_of(), window_days=WINDOW, in_force=SilenceRule(k=2.0, floor_days=30))

    rhythm_2 = _result(backtest, SilenceRule(k=2.0, floor_days=0)).repeat_buyers
    flat_30 = _result(backtest, SilenceRule(k=None, floor_days=30)).repeat_buyers
    assert (rhythm_2.customers, rhythm_2.churned, rhythm_2.flagged, rhythm_2.f1) == (3, 1, 1, pytest.approx(1.0))
    assert flat_30.f1 == pytest.approx(2 / 3)


def test_a_rule_in_force_that_does_worse_than_ninety_days_is_said_so(history):
    backtest = silence_backtest(as_of=_as_of(), window_days=WINDOW, in_force=SilenceRule(k=None, floor_days=180))

    assert backtest.in_force_worse_than_baseline


def _backtest_url(**params):
    values = {"as_of": dates.input_value(_as_of(), "fa"), "window_days": str(WINDOW), **params}
    return f"{reverse('customers:backtest')}?{'&'.join(f'{key}={value}' for key, value in values.items())}"


def test_the_page_shows_every_rule_the_suggestion_and_the_rule_in_force(manager_client, history):
    html = manager_client.get(_backtest_url()).content.decode()

    assert html.count('data-testid="backtest-row"') == 18
    assert "پیشنهاد: ۲ برابر فاصله‌ی معمول (تراز ۸۰٪)" in html
    assert "بیش از ۹۰ روز بدون خرید" in html
    assert 'data-testid="in-force"' in html  # the default 2× / 30 days is one of the rows
    assert "۵ مشتری خرید کرده بودند؛ ۳ نفر از آنان (۶۰٪)" in html


def test_a_day_whose_wait_is_not_over_is_refused_in_persian(manager_client):
    recent = dates.input_value(timezone.localdate() - 10 * DAY, "fa")

    response = manager_client.get(_backtest_url(as_of=recent))

    assert response.context["result"] is None
    assert "روزی را انتخاب کنید که دست‌کم ۱۸۰ روز از آن گذشته باشد" in response.content.decode()


def test_a_manager_adopts_a_rule_in_one_click_and_customers_are_checked_against_it(
    manager_client, manager, history, django_capture_on_commit_callbacks
):
    assert Customer.objects.filter(name="R", rhythm__silent_since__isnull=True).exists()  # not silent by 2× its rhythm
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_backtest_url(), {"k": "", "floor_days": "60", "as_of": _as_of().isoformat()})

    assert response.status_code == 302
    adoption = SilenceRuleAdoption.objects.get()
    assert (adoption.k, adoption.floor_days, adoption.adopted_by, adoption.backtest_as_of) == (
        None,
        60,
        manager,
        _as_of(),
    )
    # the refresh is queued after commit (eager Celery here): everyone is silent for more than 60 days by now
    assert Customer.objects.filter(rhythm__silent_since__isnull=False).count() == Customer.objects.count()
    page = manager_client.get(reverse("customers:at_risk")).content.decode()
    assert "بیش از ۶۰ روز خرید نکرده باشد" in page
    assert "به انتخاب" in page


def test_a_rep_cannot_open_or_post_the_backtest(rep_client):
    assert rep_client.get(reverse("customers:backtest")).status_code == 403
    assert rep_client.post(reverse("customers:backtest"), {"floor_days": "1"}).status_code == 403
    assert not SilenceRuleAdoption.objects.exists()


def test_the_command_prints_the_same_figures(history):
    out = StringIO()
    call_command("silent_backtest", "--as-of", _as_of().isoformat(), "--window", str(WINDOW), stdout=out)

    text = out.getvalue()
    assert "5 customers had bought; 3 did not buy again" in text
    assert "80.0%" in text and "*best*" in text


def test_the_command_refuses_a_day_too_recent():
    with pytest.raises(CommandError):
        call_command("silent_backtest", "--as-of", timezone.localdate().isoformat())
