"""The manager's loyalty page (loyalty:program) on a ledger made by hand, figures compared exactly.

Today is 15 Jun 2025 (25 Khordad 1404). The last 12 months are Jul 2024 - Jun 2025 in English and
Tir 1403 - Khordad 1404 in Persian (1 Tir 1403 is 21 Jun 2024). Times are Tehran's unless said;
each entry counts on its day in Tehran (``effective_on``).

    customer   when                         entry                               en month   fa month
    Mina       10 Jun 2024                  purchase +100                       (before)   (before)
    Mina       25 Jun 2024                  purchase +40                        (before)   Tir 1403
    Mina       5 Jul 2024                   survey +20                          Jul 2024   Tir 1403
    Reza       10 Jan 2025                  purchase +200                       Jan 2025   Dey 1403
    Reza       15 Jan 2025                  adjustment -30 (taken: not issued)  -          -
    Reza       1 Feb 2025                   redemption -69                      Feb 2025   Bahman 1403
    Reza       3 Mar 2025                   redemption -30                      Mar 2025   Esfand 1403
    Reza       10 Mar 2025                  reversal +30, redemption_id (the    Mar 2025   Esfand 1403
                                            cancellation of the 3 Mar one)
    Reza       12 Mar 2025                  reversal -10 (a purchase returned)  -          -
    Mina       31 Mar 2025 22:00 UTC        referral +100                       Apr 2025   Farvardin 1404
               (1 Apr 2025 01:30 Tehran)
    Dara       10 May 2025                  adjustment +500                     May 2025   Ordibehesht 1404
    Mina       1 Jun 2025                   expiry -40                          Jun 2025   Khordad 1404
    Reza       10 Jun 2025                  purchase +8, pending                Jun 2025   Khordad 1404

    en: issued  Jul 20, Jan 200, Apr 100, May 500, Jun 8 = 828; redeemed Feb 69, Mar 30 - 30 = 0
        -> 69; expired Jun 40. Redemption rate 69 / 828 = 8.33% -> "8.3%".
    fa: issued  Tir 60, Dey 200, Farvardin 100, Ordibehesht 500, Khordad 8 = 868; redeemed Bahman
        69; expired Khordad 40. Redemption rate 69 / 868 = 7.95% -> "۷٫۹٪".

Balances (from the ledger): Mina 100 + 40 + 20 + 100 - 40 = 220; Reza 200 - 30 - 69 - 30 + 30 - 10 =
91 and 8 pending; Dara 500; Sara has no entry. Points held 811, worth 811 x 500 Toman = 405,500
Toman; pending 8. Tiers: Dara gold, Mina bronze, Reza and Sara none: of 4 customers gold 1 (25%),
silver 0 (0%), bronze 1 (25%), no tier 2 (50%). Top members: Dara 500, Mina 220, Reza 91.
"""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from core import dates
from loyalty import program, program_views, services, tiers
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.core.test_persian_digits import latin_digits, shown_text
from tests.factories import CustomerFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)
TEHRAN = ZoneInfo("Asia/Tehran")
Kind = PointsEntry.Kind


def _at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TEHRAN)


@pytest.fixture
def ledger(rep):
    mina = CustomerFactory(name="مینا طاهری", owner=rep)
    reza = CustomerFactory(name="رضا کریمی", owner=rep)
    dara = CustomerFactory(name="دارا نیک", owner=rep)
    CustomerFactory(name="سارا نوری", owner=rep)
    rows = [
        (mina, 100, Kind.PURCHASE, _at("2024-06-10"), {}),
        (mina, 40, Kind.PURCHASE, _at("2024-06-25"), {}),
        (mina, 20, Kind.SURVEY, _at("2024-07-05"), {}),
        (reza, 200, Kind.PURCHASE, _at("2025-01-10"), {}),
        (reza, -30, Kind.ADJUSTMENT, _at("2025-01-15"), {}),
        (reza, -69, Kind.REDEMPTION, _at("2025-02-01"), {}),
        (reza, -30, Kind.REDEMPTION, _at("2025-03-03"), {}),
        (reza, 30, Kind.REVERSAL, _at("2025-03-10"), {"redemption_id": 2}),
        (reza, -10, Kind.REVERSAL, _at("2025-03-12"), {"removed": True}),
        (mina, 100, Kind.REFERRAL, datetime.datetime(2025, 3, 31, 22, tzinfo=datetime.UTC), {}),
        (dara, 500, Kind.ADJUSTMENT, _at("2025-05-10"), {}),
        (mina, -40, Kind.EXPIRY, _at("2025-06-01"), {}),
    ]
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                customer=who,
                points=points,
                kind=kind,
                created_at=at,
                effective_on=timezone.localdate(at),
                facts=facts,
                source_key=f"hand:{n}",
            )
            for n, (who, points, kind, at, facts) in enumerate(rows)
        ]
        + [
            PointsEntry(
                customer=reza,
                points=8,
                kind=Kind.PURCHASE,
                state=PointsEntry.State.PENDING,
                created_at=_at("2025-06-10"),
                effective_on=datetime.date(2025, 6, 10),
                source_key="hand:pending",
            )
        ]
    )
    services.accounts_refresh()
    tiers.tiers()
    LoyaltyAccount.objects.filter(customer=dara).update(tier_rank=3)
    LoyaltyAccount.objects.filter(customer=mina).update(tier_rank=1)
    return {"mina": mina, "reza": reza, "dara": dara}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(program_views, "_today", lambda: TODAY)
    return TODAY


def _figures(months):
    return [(month.label, month.issued, month.redeemed, month.expired) for month in months]


EN_MONTHS = [
    ("Jul 2024", 20, 0, 0),
    ("Aug 2024", 0, 0, 0),
    ("Sep 2024", 0, 0, 0),
    ("Oct 2024", 0, 0, 0),
    ("Nov 2024", 0, 0, 0),
    ("Dec 2024", 0, 0, 0),
    ("Jan 2025", 200, 0, 0),
    ("Feb 2025", 0, 69, 0),
    ("Mar 2025", 0, 0, 0),
    ("Apr 2025", 100, 0, 0),
    ("May 2025", 500, 0, 0),
    ("Jun 2025", 8, 0, 40),
]
FA_MONTHS = [
    ("تیر ۱۴۰۳", 60, 0, 0),
    ("مرداد ۱۴۰۳", 0, 0, 0),
    ("شهریور ۱۴۰۳", 0, 0, 0),
    ("مهر ۱۴۰۳", 0, 0, 0),
    ("آبان ۱۴۰۳", 0, 0, 0),
    ("آذر ۱۴۰۳", 0, 0, 0),
    ("دی ۱۴۰۳", 200, 0, 0),
    ("بهمن ۱۴۰۳", 0, 69, 0),
    ("اسفند ۱۴۰۳", 0, 0, 0),
    ("فروردین ۱۴۰۴", 100, 0, 0),
    ("اردیبهشت ۱۴۰۴", 500, 0, 0),
    ("خرداد ۱۴۰۴", 8, 0, 40),
]


def test_the_months_in_english_are_gregorian(ledger):
    months = program.monthly(today=TODAY, language="en")
    assert _figures(months) == EN_MONTHS
    assert months[0].starts_on == datetime.date(2024, 7, 1)
    assert program.redemption_rate(months) == pytest.approx(69 * 100 / 828)


def test_the_months_in_persian_are_jalali(ledger):
    months = program.monthly(today=TODAY, language="fa")
    assert _figures(months) == FA_MONTHS
    assert months[0].starts_on == datetime.date(2024, 6, 21)  # 1 Tir 1403
    assert program.redemption_rate(months) == pytest.approx(69 * 100 / 868)


def test_points_a_backfill_writes_today_count_in_the_month_of_their_purchase(rep):
    """The backfill (or an import) writes a year of purchases' points in one night: the chart still
    shows each in its purchase's month, and a birthday bonus counts as issued."""
    customer = CustomerFactory(owner=rep)
    PurchaseFactory(customer=customer, amount=3_000_000, purchased_on=datetime.date(2024, 9, 20))
    PurchaseFactory(customer=customer, amount=1_000_000, purchased_on=datetime.date(2025, 2, 5))
    services.purchases_earn(today=TODAY)
    PointsEntry.objects.create(
        customer=customer,
        points=50,
        kind=Kind.BIRTHDAY,
        source_key="birthday:x",
        effective_on=datetime.date(2025, 5, 2),
    )

    issued = {month.label: month.issued for month in program.monthly(today=TODAY, language="en") if month.issued}
    assert issued == {"Sep 2024": 30, "Feb 2025": 10, "May 2025": 50}


def test_the_months_take_one_query(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        program.monthly(today=TODAY, language="fa")


def test_what_customers_hold_and_the_tiers(ledger):
    held = program.outstanding()
    assert (held.available, held.pending, held.liability_rial) == (811, 8, 811 * 5000)
    rows = [(row.tier.name_en if row.tier else None, row.customers, row.percent) for row in program.tier_distribution()]
    assert rows == [("Gold", 1, 25.0), ("Silver", 0, 0.0), ("Bronze", 1, 25.0), (None, 2, 50.0)]
    members = [(m.name, m.tier.name_en if m.tier else None, m.points, m.value_rial) for m in program.top_members()]
    assert members == [
        ("دارا نیک", "Gold", 500, 2_500_000),
        ("مینا طاهری", "Bronze", 220, 1_100_000),
        ("رضا کریمی", None, 91, 455_000),
    ]


def test_an_empty_program_has_no_rate_and_no_members(db):
    months = program.monthly(today=TODAY, language="en")
    assert all((m.issued, m.redeemed, m.expired) == (0, 0, 0) for m in months) and len(months) == 12
    assert program.redemption_rate(months) is None
    assert program.top_members() == []
    assert [row.percent for row in program.tier_distribution()] == [None, None, None, None]


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_persian_page_shows_the_figures_in_persian_digits(
    manager_client, ledger, today, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = manager_client.get(reverse("loyalty:program"))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    assert "۸۱۱" in text and "۴۰۵٬۵۰۰ تومان" in text and "۷٫۹٪" in text
    assert "تیر ۱۴۰۳ ۶۰ ۰ ۰" in text and "خرداد ۱۴۰۴ ۸ ۰ ۴۰" in text
    assert "۸۶۸ ۶۹ ۴۰" in text  # the totals row
    assert "طلایی ۱ ۲۵٪" in text and "۲ ۵۰٪" in text
    assert f'href="{reverse("customers:detail", args=[ledger["dara"].pk])}"' in html
    assert "۲٬۵۰۰٬۰۰۰ تومان" not in text and "۲۵۰٬۰۰۰ تومان" in text  # Dara's 500 points
    assert latin_digits(shown_text(html), "loyalty program") == []
    assert 'id="loyalty-chart-data"' in html and "chart.umd.min.js" in html and "loyalty_chart.js" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline script (CSP)
    assert " style=" not in html
    chart = response.context["chart"]
    assert chart["rtl"] is True and chart["labels"][0] == "تیر ۱۴۰۳"
    assert [series["data"] for series in chart["series"]] == [
        [row[1] for row in FA_MONTHS],
        [row[2] for row in FA_MONTHS],
        [row[3] for row in FA_MONTHS],
    ]


def test_the_english_page(manager_client, ledger, today):
    manager_client.cookies["django_language"] = "en"
    response = manager_client.get(reverse("loyalty:program"), HTTP_ACCEPT_LANGUAGE="en")
    text = _text(response)
    assert "Loyalty program" in text and "811" in text and "405,500 Toman" in text and "8.3%" in text
    assert "Jul 2024 20 0 0" in text and "Jun 2025 8 0 40" in text and "828 69 40" in text
    assert response.context["chart"]["rtl"] is False
    assert "The redemption rate is the points redeemed in the last 12 months divided by the points issued" in text


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    decoded = body.decode("utf-8")
    assert decoded.startswith("\ufeff")  # the BOM Excel reads UTF-8 by
    return list(csv.reader(io.StringIO(decoded[1:])))


def test_the_csv_is_the_monthly_table_and_is_recorded(manager_client, manager, ledger, today):
    response = manager_client.get(reverse("loyalty:program_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="loyalty-months-2025-06-15.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["month", "month_starts_on", "points_issued", "points_redeemed", "points_expired"]
    assert rows[1] == ["تیر ۱۴۰۳", "1403/04/01", "60", "0", "0"]
    assert rows[8] == ["بهمن ۱۴۰۳", "1403/11/01", "0", "69", "0"]
    assert rows[12] == ["خرداد ۱۴۰۴", "1404/03/01", "8", "0", "40"]
    assert len(rows) == 13
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == manager
    assert entry.additional_data["rows"] == 12 and "loyalty_months" in entry.additional_data.values()


def test_the_english_csv_has_gregorian_months(manager_client, ledger, today):
    manager_client.cookies["django_language"] = "en"
    rows = _rows(manager_client.get(reverse("loyalty:program_csv")))
    assert rows[1] == ["Jul 2024", "2024-07-01", "20", "0", "0"]
    assert rows[12] == ["Jun 2025", "2025-06-01", "8", "0", "40"]


def test_the_csv_cells_cannot_run_as_formulas(manager_client, ledger, today, monkeypatch):
    monkeypatch.setattr(dates, "format_month", lambda key, language=None: '=HYPERLINK("http://x")')
    rows = _rows(manager_client.get(reverse("loyalty:program_csv")))
    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://x")'}
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("name", ["loyalty:program", "loyalty:program_csv"])
def test_a_rep_gets_403(client, rep, ledger, name):
    client.force_login(rep)
    assert client.get(reverse(name)).status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_manage_menu_leads_to_the_page(manager_client):
    response = manager_client.get(reverse("loyalty:program"))
    html = response.content.decode()
    link = re.search(r'<a class="dropdown-item active" aria-current="page" href="([^"]+)">([^<]+)</a>', html)
    assert link and link.group(1) == reverse("loyalty:program") and link.group(2) == "باشگاه مشتریان"


def test_a_redemption_made_and_cancelled_through_the_services_nets_out(rep, manager):
    """50 given by hand, two rewards of 30 and 10 redeemed, the 30 cancelled: 50 issued, 10 redeemed."""
    from loyalty import rewards
    from loyalty.models import Reward

    buyer = CustomerFactory(name="مینا طاهری", owner=rep)
    services.points_adjust(customer=buyer, points=50, reason="هدیه", by=manager)
    first = rewards.redeem(customer=buyer, reward=Reward.objects.create(name_fa="الف", name_en="A", cost=30), by=rep)
    rewards.redeem(customer=buyer, reward=Reward.objects.create(name_fa="ب", name_en="B", cost=10), by=rep)
    rewards.redemption_cancel(redemption=first, by=manager)
    months = program.monthly(language="en")
    assert (months[-1].issued, months[-1].redeemed, months[-1].expired) == (50, 10, 0)
    assert sum(month.redeemed for month in months[:-1]) == 0
    assert program.redemption_rate(months) == pytest.approx(20.0)
    assert program.outstanding().available == 40
