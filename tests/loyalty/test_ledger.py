"""The ledger: a purchase edited or returned is settled by a new entry, never an edit; a manager's
adjustment has its reason; the kept balances always equal the ledger's sums, and a check says so.

Rules as in test_earning: 1 point per 100,000 Rial, a 14-day returns window.
"""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit import reading
from customers import csv_io
from customers.selectors import customer_timeline
from customers.services import purchase_add, purchase_delete, purchase_update
from loyalty import services
from loyalty.models import LoyaltyAccount, PointsEntry
from tests.factories import CustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
Kind, State = PointsEntry.Kind, PointsEntry.State


def _today():
    return timezone.localdate()


def _buy(customer, amount, days_ago=30):
    return purchase_add(customer=customer, purchased_on=_today() - days_ago * DAY, amount=Decimal(amount))


def _balance(customer) -> tuple[int, int]:
    account = LoyaltyAccount.objects.get(customer=customer)
    return account.available, account.pending


def _ledger(customer) -> list[tuple[int, str, str]]:
    return list(customer.points_entries.order_by("pk").values_list("points", "kind", "state"))


def test_a_smaller_amount_is_settled_by_a_reversal_entry_not_an_edit(customer):
    purchase = _buy(customer, 2_500_000)
    purchase.amount = Decimal(1_000_000)
    purchase_update(purchase=purchase)
    assert _ledger(customer) == [(25, Kind.PURCHASE, State.AVAILABLE), (-15, Kind.REVERSAL, State.AVAILABLE)]
    assert _balance(customer) == (10, 0)


def test_a_larger_amount_earns_the_difference_and_back_again_reverses_it(customer):
    purchase = _buy(customer, 1_000_000)
    for amount in (1_500_000, 1_000_000):
        purchase.amount = Decimal(amount)
        purchase_update(purchase=purchase)
    assert [points for points, _kind, _state in _ledger(customer)] == [10, 5, -5]
    assert _balance(customer) == (10, 0)


def test_an_edit_that_keeps_the_points_writes_nothing(customer):
    purchase = _buy(customer, 1_000_000)
    purchase.note, purchase.amount = "تخفیف", Decimal(1_050_000)
    purchase_update(purchase=purchase)
    assert len(_ledger(customer)) == 1


def test_a_returned_purchase_gives_its_points_back(customer):
    purchase = _buy(customer, 2_000_000)
    purchase_id = purchase.pk
    purchase_delete(purchase=purchase)
    assert _ledger(customer) == [(20, Kind.PURCHASE, State.AVAILABLE), (-20, Kind.REVERSAL, State.AVAILABLE)]
    assert _balance(customer) == (0, 0)
    reversal = customer.points_entries.get(kind=Kind.REVERSAL)
    assert reversal.facts["purchase_id"] == purchase_id and reversal.facts["removed"] is True
    services.purchases_earn()  # the purchase is gone: nothing is earned for it again
    assert _balance(customer) == (0, 0)


def test_a_return_inside_the_window_nets_out_the_pending_points(customer):
    purchase = _buy(customer, 2_000_000, days_ago=2)
    purchase_delete(purchase=purchase)
    assert _ledger(customer) == [(20, Kind.PURCHASE, State.PENDING), (-20, Kind.REVERSAL, State.PENDING)]
    assert _balance(customer) == (0, 0)
    services.points_release_pending(today=_today() + 20 * DAY)
    assert _balance(customer) == (0, 0)


def test_points_already_spent_cap_the_reversal_and_say_so_in_the_log(customer, manager, caplog):
    purchase = _buy(customer, 2_000_000)
    services.points_adjust(customer=customer, points=-15, reason="هدیه داده شد", by=manager)
    purchase_delete(purchase=purchase)
    reversal = customer.points_entries.get(kind=Kind.REVERSAL)
    assert (reversal.points, reversal.facts["wanted"]) == (-5, -20)
    assert _balance(customer) == (0, 0)
    assert "capped" in caplog.text


def test_with_negative_balances_allowed_the_whole_reversal_is_written(customer, manager, settings):
    settings.PEYGIR_LOYALTY_ALLOW_NEGATIVE = True
    purchase = _buy(customer, 2_000_000)
    services.points_adjust(customer=customer, points=-15, reason="هدیه داده شد", by=manager)
    purchase_delete(purchase=purchase)
    assert _balance(customer) == (-15, 0)


def _corrected_by_a_file(amounts: dict) -> int:
    """An import file giving each purchase its new amount (Rial); the queries the import took."""
    rows = "".join(
        f"{purchase.customer.mobile},{purchase.purchased_on.isoformat()},{amount},{purchase.reference}\n"
        for purchase, amount in amounts.items()
    )
    checked = csv_io.preview_import(kind=csv_io.PURCHASES, text="mobile,date,amount,invoice\n" + rows)
    assert {row.outcome for row in checked.rows} == {csv_io.UPDATE}
    with CaptureQueriesContext(connection) as queries:
        csv_io.apply_import(checked)
    return len(queries)


def test_a_file_of_corrected_purchases_settles_them_all_in_the_statements_of_one(rep):
    customers = [CustomerFactory(owner=rep) for _ in range(4)]
    purchases = [
        purchase_add(
            customer=customers[n % 4], purchased_on=_today() - 30 * DAY, amount=Decimal(2_000_000), reference=f"F-{n}"
        )
        for n in range(41)
    ]

    one = _corrected_by_a_file({purchases[0]: 1_000_000})
    forty = _corrected_by_a_file({purchase: (500_000, 3_000_000)[n % 2] for n, purchase in enumerate(purchases[1:])})

    assert forty <= one + 2  # SQLite may split the bulk UPDATE; nothing per purchase
    for purchase in purchases:
        purchase.refresh_from_db()
        earned = sum(purchase.points_entries.values_list("points", flat=True))
        assert earned == services.points_for(purchase.amount)
    for customer in customers:
        assert _balance(customer) == (sum(e.points for e in customer.points_entries.all()), 0)


def test_corrections_in_one_file_cap_their_reversals_at_what_is_left_together(customer, manager):
    """Points already spent: two purchases lowered in the same file take the balance to nothing,
    not below, as two corrections one after the other would."""
    customer.mobile = "09120000077"
    customer.save()
    first, second = (
        purchase_add(customer=customer, purchased_on=_today() - 30 * DAY, amount=Decimal(2_500_000), reference=ref)
        for ref in ("F-1", "F-2")
    )
    services.points_adjust(customer=customer, points=-40, reason="هدیه داده شد", by=manager)

    _corrected_by_a_file({first: 1, second: 1})

    reversals = list(customer.points_entries.filter(kind=Kind.REVERSAL).order_by("pk").values_list("points", flat=True))
    assert reversals == [-10, 0]
    assert _balance(customer) == (0, 0)


def test_a_managers_adjustment_keeps_its_reason_on_the_timeline_and_in_the_audit_log(customer, manager):
    entry = services.points_adjust(customer=customer, points=250, reason="جبران تأخیر ارسال", by=manager)
    assert (entry.kind, entry.note, entry.created_by) == (Kind.ADJUSTMENT, "جبران تأخیر ارسال", manager)
    assert entry.expires_on == _today().replace(year=_today().year + 1)
    assert _balance(customer) == (250, 0)
    [line] = [e for e in customer_timeline(customer=customer) if e.kind == "points"]
    assert (readable(line.kind_label), line.summary) == ("امتیاز تغییر کرد: +۲۵۰", "جبران تأخیر ارسال")
    logged = LogEntry.objects.get(content_type__model="pointsentry")
    assert logged.action == LogEntry.Action.CREATE and logged.additional_data["customer_id"] == customer.pk


@pytest.mark.parametrize(
    ("points", "reason", "field"), [(0, "دلیل", "points"), (10, "  ", "reason"), (-1, "برداشت", "points")]
)
def test_an_adjustment_needs_points_a_reason_and_cannot_overdraw(customer, manager, points, reason, field):
    with pytest.raises(ValidationError) as refused:
        services.points_adjust(customer=customer, points=points, reason=reason, by=manager)
    assert field in refused.value.message_dict
    assert not PointsEntry.objects.exists()


def test_the_check_finds_no_drift_and_then_reports_a_balance_edited_by_hand(customer, capsys):
    _buy(customer, 3_000_000)
    assert services.accounts_drift() == (0, [])
    call_command("loyalty_check")
    assert "0" in capsys.readouterr().out

    LoyaltyAccount.objects.filter(customer=customer).update(available=999)
    assert services.accounts_drift() == (1, [(customer.pk, 999, 30, 0, 0)])
    with pytest.raises(SystemExit) as failed:
        call_command("loyalty_check")
    assert failed.value.code == 1
    call_command("loyalty_check", "--repair")
    assert services.accounts_drift() == (0, [])
    assert _balance(customer) == (30, 0)


def test_the_audit_log_reads_the_adjustment_in_the_readers_language(customer, manager):
    services.points_adjust(customer=customer, points=40, reason="جبران", by=manager)
    [line] = reading.lines(LogEntry.objects.filter(content_type__model="pointsentry"))
    assert readable(line.sentence) == "مریم صدری امتیاز مینا طاهری را ۴۰ تغییر داد"
    with translation.override("en"):
        [line] = reading.lines(LogEntry.objects.filter(content_type__model="pointsentry"))
    assert readable(line.sentence) == "مریم صدری adjusted the points of مینا طاهری by 40"


def test_a_purchase_too_small_to_earn_earns_once_edited_above_a_step(customer):
    purchase = _buy(customer, 50_000)
    assert not PointsEntry.objects.exists()
    purchase.amount = Decimal(500_000)
    purchase_update(purchase=purchase)
    assert _ledger(customer) == [(5, Kind.PURCHASE, State.AVAILABLE)]
