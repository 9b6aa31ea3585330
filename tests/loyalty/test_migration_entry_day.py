"""loyalty 0005: every points entry gets the day it counts on. Entries written before it had only the
moment they were written: a purchase's points (a backfill wrote a year of them at once) move to
the purchase's day; the rest keep the day they were written, in the shop's time zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from loyalty.models import PointsEntry
from tests.migrations import latest, migrate_to

BEFORE = [("loyalty", "0004_birthday_bonus")]
TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.django_db(transaction=True)
def test_old_entries_count_on_their_purchase_day_or_the_day_they_were_written():
    old = migrate_to(BEFORE)
    Customer = old.get_model("customers", "Customer")
    Purchase = old.get_model("customers", "Purchase")
    Entry = old.get_model("loyalty", "PointsEntry")
    customer = Customer.objects.create(name="مینا طاهری", mobile="09120000001")
    purchase = Purchase.objects.create(customer=customer, purchased_on=datetime.date(2025, 3, 10), amount=3_000_000)
    backfilled_at = datetime.datetime(2026, 11, 30, 23, 0, tzinfo=datetime.UTC)  # 1 Dec 02:30 in Tehran

    def entry(key, points, kind, **extra):
        return Entry.objects.create(
            customer=customer, points=points, kind=kind, source_key=key, created_at=backfilled_at, **extra
        )

    earned = entry("purchase:1", 30, "purchase", purchase=purchase)
    survey = entry("survey:1", 20, "survey")
    returned = entry("purchase:1:settle:1", -5, "reversal", purchase=purchase)

    migrate_to(latest())

    def day(old_entry):
        return PointsEntry.objects.get(pk=old_entry.pk).effective_on

    assert day(earned) == datetime.date(2025, 3, 10)
    assert day(survey) == day(returned) == datetime.date(2026, 12, 1)
