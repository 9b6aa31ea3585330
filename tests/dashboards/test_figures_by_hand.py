"""The dashboards' figures on 20 customers worked out by hand (dashboards.definitions' words).

N = 35 days (a manager may try any N; 35 makes the sums easy): every purchase is on the 15th of a
month of 2025, and consecutive months are 28 to 31 days apart, so a customer is active at a
month's boundary exactly when they bought in the month before it, and a run of consecutive months
never churns in between. Today is 10 Jul 2025. Amounts: 1,000,000 Rial, but c04 3,000,000 and
c18 5,000,000. c01-c10 belong to rep A, c11-c20 to rep B; c19 never bought.

    customer  months bought            first   customer  months bought            first
    c01       Jan-Jun                  Jan     c11       May Jun                  May
    c02       Jan-Jun                  Jan     c12       May                      May
    c03       Jan-May                  Jan     c13       Jun                      Jun
    c04       Jan-Apr                  Jan     c14       Jan, Apr-Jun             Jan
    c05       Jan-Mar                  Jan     c15       Feb-Jun                  Feb
    c06       Jan, Mar Apr, Jun        Jan     c16       Mar-May                  Mar
    c07       Feb                      Feb     c17       Jan Feb                  Jan
    c08       Mar                      Mar     c18       Jan-Jun                  Jan
    c09       Apr                      Apr     c20       Apr, Jun                 Apr
    c10       Apr-Jun                  Apr

Buyers per month: Jan {01-06,14,17,18} 9; Feb {01-05,07,15,17,18} 9; Mar {01-06,08,15,16,18} 10;
Apr {01-04,06,09,10,14,15,16,18,20} 12; May {01,02,03,10,11,12,14,15,16,18} 10; Jun {01,02,06,10,
11,13,14,15,18,20} 10.

Months (S = last month's buyers, E = this month's; churned = S - E; of E - S the first-timers are
new and the rest reactivated; E = S - churned + reactivated + new still active):

    month  S   E   new  churned           reactivated  churn  retention  (E-N)/S
    Jan    0   9   9    -                 -            -      -          -
    Feb    9   9   2    06 14       2     0            2/9    7/9        7/9
    Mar    9   10  2    07 17       2     06     1     2/9    7/9        8/9
    Apr    10  12  3    05 08       2     14     1     2/10   8/10       9/10
    May    12  10  2    04 06 09 20 4     0            4/12   8/12       8/12
    Jun    10  10  1    03 12 16    3     06 20  2     3/10   7/10       9/10

Revenue churn: Feb, S spent 15,000,000 in January (seven at 1M, c04 3M, c18 5M), the churned 06
and 14 spent 2,000,000: 2/15. May, S spent 18,000,000 in April (ten at 1M, c04, c18), the churned
04 06 09 20 spent 6,000,000: 1/3. Revenue in May: 14,000,000.

Quarter Apr-Jun: S = March's buyers 10, E = June's 10, new {09,10,20,11,12,13} 6 of whom {10,11,13,
20} 4 are still active; churned {03,04,05,08,16} 5, reactivated {14} 1 (10 - 5 + 1 + 4 = 10).

Jalali Farvardin 1404 (21 Mar - 20 Apr 2025): S is active on 20 Mar, bought 14 Feb - 20 Mar, so
February's and March's buyers: {01-08,15,16,17,18} 12; E bought 17 Mar - 20 Apr: April's 12; new
{09,10,20} 3; churned {05,07,08,17} 4; reactivated {14} 1.

Rep A's May: S {01,02,03,04,06,09,10} 7, churned {04,06,09} 3.

Cohorts (Gregorian): January's 9 customers bought again in Feb 7, Mar 7, Apr 7, May 5, Jun 5, Jul
(so far) 0; January's revenue 15,000,000, February's from them 13,000,000. April's cohort {09,10,20}:
May 1, Jun 2.

Churn events (a run of months ends; the day is the last purchase + 35, up to today): c06 and c14
(Jan, day 19 Feb), c07 and c17 (Feb, 22 Mar), c05 and c08 (Mar, 19 Apr), c04, c06, c09 and c20
(Apr, 20 May), c03, c12 and c16 (May, 19 Jun): 13. June's buyers have not churned by 10 Jul.
Lifetimes (first purchase to the last before churning): 0 days for c06 (first run), c07, c08,
c09, c12, c14, c20 (one-and-done: 7); c17 31, c05 59; c16 61, c04 90, c06 90; c03 120. Buckets
0-30: 7, 31-60: 2, 61-90: 3, 91-180: 1, 181-365: 0, over 365: 0.
"""

import datetime
from decimal import Decimal

import pytest

from customers.models import Purchase
from customers.services import customers_refresh_purchase_figures
from dashboards import cohorts, flows, lifetimes, services
from dashboards.periods import Calendar, Grain, index_of
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

N = 35
TODAY = datetime.date(2025, 7, 10)
MONTHS = {
    "c01": "1-6", "c02": "1-6", "c03": "1-5", "c04": "1-4", "c05": "1-3", "c06": "1,3,4,6", "c07": "2", "c08": "3",
    "c09": "4", "c10": "4-6", "c11": "5,6", "c12": "5", "c13": "6", "c14": "1,4-6", "c15": "2-6", "c16": "3-5",
    "c17": "1,2", "c18": "1-6", "c19": "", "c20": "4,6",
}  # fmt: skip
AMOUNT = {"c04": 3_000_000, "c18": 5_000_000}


def _months(text: str) -> list[int]:
    months = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        months += list(range(int(first), int(last or first) + 1))
    return months


@pytest.fixture
def shop(rep, other_rep):
    customers = {}
    for name, months in MONTHS.items():
        customer = CustomerFactory(name=name, owner=rep if name <= "c10" else other_rep)
        customers[name] = customer
        Purchase.objects.bulk_create(
            Purchase(
                customer=customer,
                purchased_on=datetime.date(2025, month, 15),
                amount=Decimal(AMOUNT.get(name, 1_000_000)),
                reference=f"{name}-{month}",
            )
            for month in _months(months)
        )
    customers_refresh_purchase_figures(customer_ids=[customer.pk for customer in customers.values()])
    services.snapshots_refresh(active_days=N, today=TODAY)
    return customers


def _months_of(calendar=Calendar.GREGORIAN, owner=None):
    found = flows.flows(calendar=calendar, grain=Grain.MONTH, active_days=N, as_of=TODAY, owner=owner)
    return {flow.period.label("en"): flow for flow in found}


def test_each_month_of_the_table(shop):
    months = _months_of()
    table = {
        label: (flow.start, flow.end, flow.new, flow.churned, flow.reactivated)
        for label, flow in months.items()
        if label.endswith("2025")
    }
    assert table == {
        "Jan 2025": (0, 9, 9, 0, 0),
        "Feb 2025": (9, 9, 2, 2, 0),
        "Mar 2025": (9, 10, 2, 2, 1),
        "Apr 2025": (10, 12, 3, 2, 1),
        "May 2025": (12, 10, 2, 4, 0),
        "Jun 2025": (10, 10, 1, 3, 2),
        "Jul 2025": (10, 10, 0, 0, 0),  # in progress, to 10 Jul: June's buyers are still active
    }
    assert months["Jul 2025"].period.partial and months["Jul 2025"].period.ends_on == TODAY


def test_the_rates_of_may(shop):
    may = _months_of()["May 2025"]
    assert may.churn_rate == pytest.approx(4 / 12)
    assert may.retention_rate == pytest.approx(8 / 12)
    assert may.standard_retention == pytest.approx(8 / 12)
    assert (may.revenue_at_start, may.revenue_lost, may.revenue) == (18_000_000, 6_000_000, 14_000_000)
    assert may.revenue_churn == pytest.approx(1 / 3)
    march = _months_of()["Mar 2025"]
    assert (march.retention_rate, march.standard_retention) == (pytest.approx(7 / 9), pytest.approx(8 / 9))


def test_february_revenue_churn(shop):
    february = _months_of()["Feb 2025"]
    assert (february.revenue_at_start, february.revenue_lost) == (15_000_000, 2_000_000)
    assert _months_of()["Jan 2025"].churn_rate is None  # nobody was active before January


def test_every_month_adds_up(shop):
    for flow in _months_of().values():
        assert flow.end == flow.start - flow.churned + flow.reactivated + flow.new_kept


def test_the_second_quarter(shop):
    quarters = flows.flows(calendar=Calendar.GREGORIAN, grain=Grain.QUARTER, active_days=N, as_of=TODAY)
    q2 = next(flow for flow in quarters if flow.period.label("en") == "Q2 2025")
    assert (q2.start, q2.end, q2.new, q2.new_kept, q2.churned, q2.reactivated) == (10, 10, 6, 4, 5, 1)
    assert q2.standard_retention == pytest.approx(0.4)


def test_a_jalali_month_whose_boundaries_fall_mid_month(shop):
    farvardin = _months_of(Calendar.JALALI)["Farvardin 1404"]
    assert (farvardin.period.starts_on, farvardin.period.ends_on) == (
        datetime.date(2025, 3, 21),
        datetime.date(2025, 4, 20),
    )
    assert (farvardin.start, farvardin.end, farvardin.new, farvardin.churned, farvardin.reactivated) == (
        12,
        12,
        3,
        4,
        1,
    )
    assert farvardin.period.label("fa") == "فروردین ۱۴۰۴"


def test_a_reps_book(shop, rep):
    may = _months_of(owner=rep)["May 2025"]
    assert (may.start, may.churned) == (7, 3)


def test_the_cohorts(shop):
    table = cohorts.cohort_table(calendar=Calendar.GREGORIAN, active_days=N, as_of=TODAY)
    by_month = {cohort.month.label("en"): cohort for cohort in table}
    january = by_month["Jan 2025"]
    assert january.size == 9
    assert [cell.customers for cell in january.cells] == [9, 7, 7, 7, 5, 5, 0]
    assert january.cells[1].share == pytest.approx(7 / 9)
    assert (january.cells[0].revenue, january.cells[1].revenue) == (15_000_000, 13_000_000)
    assert january.cells[1].revenue_share == pytest.approx(13 / 15)
    assert [cell.customers for cell in by_month["Apr 2025"].cells] == [3, 1, 2, 0]
    assert len(by_month["Jul 2025"].cells) == 1 and by_month["Jul 2025"].size == 0
    assert len(table) == 25


def test_when_churn_happens(shop):
    month = index_of(TODAY, Calendar.GREGORIAN, Grain.MONTH)
    found = lifetimes.lifetimes(calendar=Calendar.GREGORIAN, active_days=N, first_month=month - 12, last_month=month)
    assert found.events == 13
    assert [bucket.events for bucket in found.buckets] == [7, 2, 3, 1, 0, 0]
    assert found.one_and_done == 7
    may = index_of(datetime.date(2025, 5, 1), Calendar.GREGORIAN, Grain.MONTH)
    assert lifetimes.lifetimes(calendar=Calendar.GREGORIAN, active_days=N, first_month=may, last_month=may).events == 4
