"""A customer-list row (customers_tags.customer_cells): each cell in the reader's language, escaped."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from core import dates
from customers.services import purchase_add
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _rows(client, language: str) -> dict[str, str]:
    client.cookies["django_language"] = language
    html = client.get("/customers/", {"sort": "name"}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.DOTALL)
    return {re.search(r'text-decoration-none">([^<]*)</a>', row).group(1): row for row in rows}


@pytest.fixture
def customers(rep):
    today = timezone.localdate()
    known = CustomerFactory(
        owner=rep, name="آرش <b>", city="تبریز", mobile="09121110000", company="شرکت & پسران",
        segment=SegmentFactory(name="عمده"), next_call_on=today - DAY,
    )  # fmt: skip
    purchase_add(customer=known, purchased_on=today - 10 * DAY, amount=Decimal(12_000_000))
    CustomerFactory(owner=rep, name="بهار", city="", mobile="", email="bahar@example.com", next_call_on=today + DAY)
    CustomerFactory(owner=rep, name="پویا", next_call_on=None)
    return today


def test_a_row_shows_who_how_to_call_and_the_figures_in_persian(manager_client, customers):
    rows = _rows(manager_client, "fa")

    known = rows["آرش &lt;b&gt;"]
    assert '<div class="small text-body-secondary">تبریز</div>' in known
    assert 'href="tel:09121110000">۰۹۱۲۱۱۱۰۰۰۰</a>' in known
    assert ">شرکت &amp; پسران<" in known and ">عمده<" in known and ">علی رستمی<" in known
    assert f">{dates.format_date(customers - 10 * DAY, 'fa')}<" in known
    assert f'{dates.format_date(customers - DAY, "fa")} <span class="badge text-bg-danger">عقب‌افتاده</span>' in known
    assert ">۱٬۲۰۰٬۰۰۰ تومان<" in known

    quiet = rows["بهار"]
    assert "tel:" not in quiet and 'text-body-secondary">' not in quiet.split("</td>")[0]
    assert ">—<" in quiet and ">هیچ‌وقت<" in quiet and "badge text-bg-danger" not in quiet
    assert "برنامه‌ای نیست" in rows["پویا"]


def test_a_row_in_english_and_a_reps_rows_without_the_owner(rep_client, customers):
    rows = _rows(rep_client, "en")

    known = rows["آرش &lt;b&gt;"]
    assert 'href="tel:09121110000">09121110000</a>' in known
    assert f'{dates.format_date(customers - DAY, "en")} <span class="badge text-bg-danger">overdue</span>' in known
    assert ">1,200,000 Toman<" in known
    assert "علی رستمی" not in known
    assert ">never<" in rows["بهار"] and "none planned" in rows["پویا"]
