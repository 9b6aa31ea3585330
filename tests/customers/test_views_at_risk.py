"""The at-risk page: silent customers by value at risk, with why; roles, filters, CSV export, fixed queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.services import customers_refresh_rhythm, purchase_add
from tests.core.formulas import FORMULAS, opens_a_formula
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
AT_RISK = "/customers/at-risk/"


def _silent(owner, name, amount=1_000_000, segment=None):
    """A monthly buyer whose last purchase was 100 days ago."""
    customer = CustomerFactory(name=name, owner=owner, segment=segment)
    for days in (190, 160, 130, 100):
        purchase_add(customer=customer, purchased_on=timezone.localdate() - days * DAY, amount=Decimal(amount))
    return customer


def _steady(owner, name):
    customer = CustomerFactory(name=name, owner=owner)
    for days in (70, 40, 10):
        purchase_add(customer=customer, purchased_on=timezone.localdate() - days * DAY, amount=Decimal(1))
    return customer


@pytest.fixture
def team(rep, other_rep):
    wholesale = SegmentFactory(name="عمده")
    customers = {
        "mine_big": _silent(rep, "بزرگ علی", 50_000_000, wholesale),
        "mine_small": _silent(rep, "کوچک علی", 1_000_000),
        "theirs": _silent(other_rep, "مشتری سارا", 9_000_000),
        "steady": _steady(rep, "همیشگی"),
    }
    customers_refresh_rhythm()
    return customers


def _names(response) -> list[str]:
    return [customer.name for customer in response.context["customers"]]


def test_a_rep_sees_their_own_silent_customers_most_valuable_first(rep_client, team):
    response = rep_client.get(AT_RISK)

    assert _names(response) == ["بزرگ علی", "کوچک علی"]
    html = response.content.decode()
    assert "معمولاً هر ۳۰ روز خرید می‌کند؛ ۱۰۰ روز است خرید نکرده (۳٫۳ برابر)" in html
    assert "مشتری وقتی ساکت شمرده می‌شود که روزهای گذشته از آخرین خریدش از ۲ برابر" in html
    assert "همیشگی" not in html


def test_a_manager_sees_everyone_and_filters_by_owner_and_segment(manager_client, team, other_rep):
    assert _names(manager_client.get(AT_RISK)) == ["بزرگ علی", "مشتری سارا", "کوچک علی"]
    assert _names(manager_client.get(AT_RISK, {"owner": other_rep.pk})) == ["مشتری سارا"]
    segment = team["mine_big"].segment
    assert _names(manager_client.get(AT_RISK, {"segment": segment.pk})) == ["بزرگ علی"]


def test_a_rep_cannot_widen_the_page_to_another_reps_customers(rep_client, team, other_rep):
    assert "مشتری سارا" not in _names(rep_client.get(AT_RISK, {"owner": other_rep.pk}))


def test_the_export_has_every_silent_customer_and_no_cell_that_runs_as_a_formula(manager_client, team):
    _silent(team["steady"].owner, '=HYPERLINK("http://evil")')
    customers_refresh_rhythm()

    response = manager_client.get(AT_RISK, {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:5] == ["name", "mobile", "owner", "segment", "yearly_value_rial"]
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    big = next(row for row in rows if row[0] == "بزرگ علی")
    assert big[4] == "200000000"  # four purchases of 50M within its first year
    assert "۳۰ روز" in big[5]


@pytest.mark.parametrize(("typed", "written"), FORMULAS.items(), ids=repr)
def test_no_cell_of_the_at_risk_export_runs_as_a_formula(manager_client, rep, typed, written):
    _silent(rep, typed, segment=SegmentFactory(name=typed))
    customers_refresh_rhythm()
    rows = list(csv.reader(io.StringIO(manager_client.get(AT_RISK, {"format": "csv"}).content.decode("utf-8-sig"))))
    [row] = rows[1:]
    assert (row[0], row[3]) == (written, written)
    assert row[4] == "4000000"  # the yearly value (four purchases of 1M) stays a number
    assert not any(opens_a_formula(cell) for row in rows for cell in row)


def test_the_export_follows_the_filters_and_the_role(rep_client, team):
    rows = list(csv.reader(io.StringIO(rep_client.get(AT_RISK, {"format": "csv"}).content.decode().lstrip("\ufeff"))))
    assert sorted(row[0] for row in rows[1:]) == ["بزرگ علی", "کوچک علی"]


def test_the_page_makes_the_same_queries_for_three_or_thirty_silent_customers(manager_client, team, rep):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(AT_RISK).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for number in range(27):
        _silent(rep, f"ساکت {number}")
    customers_refresh_rhythm()

    assert queries() == few


def test_nobody_silent_says_so(rep_client, rep):
    _steady(rep, "همیشگی")
    customers_refresh_rhythm()

    assert "مشتری ساکتی نیست" in rep_client.get(AT_RISK).content.decode()


def test_the_customer_page_shows_the_purchase_rhythm(rep_client, team):
    customer = team["mine_small"]
    customer.refresh_from_db()

    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert 'data-testid="purchase-rhythm"' in html
    assert "معمولاً هر ۳۰ روز" in html
    assert "سکوت ۳٫۳ برابر" in html


def test_a_steady_customers_page_says_when_the_next_purchase_is_expected(rep_client, team):
    customer = team["steady"]
    customer.refresh_from_db()

    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert "خرید بعدی حدود" in html
    assert "سکوت" not in html.split('data-testid="purchase-rhythm"')[1].split("</p>")[0]
