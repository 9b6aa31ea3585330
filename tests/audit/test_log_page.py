"""The audit log page: managers only, 50 entries a page, filtered by kind, person and Jalali days."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import services
from customers import services as customer_services
from tests.factories import CustomerFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")


def _sentences(response) -> list[str]:
    return [readable(line.sentence) for line in response.context["lines"]]


def _reassign(customer, *owners, by=None):
    with set_actor(by):
        for owner in owners:
            customer_services.customer_reassign(customer=customer, owner=owner)


def _on_day(day: datetime.date):
    """Move every entry written so far to midday of ``day`` (Tehran)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    LogEntry.objects.filter(timestamp__gt=moment).update(timestamp=moment)


def test_reps_are_refused_and_visitors_sent_to_log_in(rep_client, client):
    assert rep_client.get(LOG).status_code == 403
    client.logout()
    response = client.get(LOG)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_managers_find_it_in_the_navbar_and_reps_do_not(manager_client, rep):
    assert f'href="{LOG}"' in manager_client.get(reverse("customers:list")).content.decode()
    rep_client = Client()
    rep_client.force_login(rep)
    assert f'href="{LOG}"' not in rep_client.get(reverse("customers:list")).content.decode()


def test_the_log_reads_newest_first_in_persian(manager_client, manager, customer, rep, other_rep):
    _reassign(customer, other_rep, by=manager)
    services.export_recorded(by=manager, export="customers", filters={}, rows=2)

    response = manager_client.get(LOG)

    assert response.status_code == 200
    assert _sentences(response)[:2] == [
        "مریم صدری از فهرست مشتریان خروجی گرفت: ۲ ردیف",
        "مریم صدری مشتری علی کاظمی را از علی رستمی به سارا نیک‌نام سپرد",
    ]
    assert "پروندهٔ مشتری" in response.content.decode()


def test_the_log_filters_by_kind_and_by_who(manager_client, manager, customer, purchase, other_rep):
    _reassign(customer, other_rep, by=manager)
    services.export_recorded(by=manager, export="customers", filters={}, rows=2)

    by_kind = manager_client.get(LOG, {"kind": "owner_reassigned"})
    assert _sentences(by_kind) == ["مریم صدری مشتری علی کاظمی را از علی رستمی به سارا نیک‌نام سپرد"]
    exports = manager_client.get(LOG, {"kind": "export"})
    assert _sentences(exports) == ["مریم صدری از فهرست مشتریان خروجی گرفت: ۲ ردیف"]
    by_manager = manager_client.get(LOG, {"who": manager.pk})
    assert len(_sentences(by_manager)) == 2  # not the customer and purchase the tests' setup wrote
    assert len(_sentences(manager_client.get(LOG))) == 4


def test_the_log_filters_by_a_jalali_day_range_typed_in_persian_digits(manager_client, customer, rep, other_rep):
    _reassign(customer, other_rep)
    _on_day(datetime.date(2024, 5, 1))
    _reassign(customer, rep)
    _on_day(datetime.date(2024, 5, 4))  # 1403/02/15

    response = manager_client.get(LOG, {"start": "۱۴۰۳/۰۲/۱۵", "end": "1403/02/15"})

    assert _sentences(response) == ["پیگیر مشتری علی کاظمی را از سارا نیک‌نام به علی رستمی سپرد"]
    one_day_later = manager_client.get(LOG, {"start": "1403/02/16"})
    assert _sentences(one_day_later) == []
    assert "رویدادی با این فیلترها پیدا نشد." in one_day_later.content.decode()


def test_a_bad_date_is_a_clear_error_that_keeps_what_was_typed_and_hides_nothing(manager_client, customer):
    response = manager_client.get(LOG, {"start": "1403/13/40", "kind": "customer_added"})

    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    page = response.content.decode()
    assert 'value="۱۴۰۳/۱۳/۴۰"' in page  # as typed, in the page's digits
    assert "فیلتر بالا را درست کنید" in page
    assert len(_sentences(response)) == 1  # every entry: the customer added


def test_an_unknown_kind_or_customer_is_an_error_not_an_empty_log(manager_client, customer):
    response = manager_client.get(LOG, {"kind": "everything", "customer": "abc"})

    form = response.context["form"]
    assert set(form.errors) == {"kind", "customer"}
    assert response.content.decode().count('data-testid="filter-error"') == 2
    assert len(_sentences(response)) == 1


def test_the_log_is_read_only(manager_client):
    assert manager_client.post(LOG).status_code == 405


def test_an_end_before_the_start_is_refused(manager_client):
    response = manager_client.get(LOG, {"start": "1403/02/15", "end": "1403/02/01"})
    assert response.context["form"].errors["end"] == ["تاریخ پایان پیش از تاریخ شروع است."]


def test_the_log_pages_fifty_entries_at_a_time(manager_client, manager):
    for _ in range(120):
        services.export_recorded(by=manager, export="customers", filters={}, rows=1)

    first = manager_client.get(LOG)
    last = manager_client.get(LOG, {"page": 3})

    assert len(first.context["lines"]) == 50
    assert len(last.context["lines"]) == 20
    assert first.context["page"].paginator.num_pages == 3
    assert 'rel="next"' in first.content.decode()


def test_the_log_filtered_to_a_customer_names_them_even_once_deleted(manager_client, customer, purchase, rep):
    CustomerFactory(name="دیگری", owner=rep)
    customer_id = customer.pk
    customer.delete()

    response = manager_client.get(LOG, {"customer": customer_id})

    assert "فقط آنچه به علی کاظمی مربوط است." in response.content.decode()
    assert len(_sentences(response)) == 4  # added, a purchase added; the purchase and the customer deleted
    assert not any("دیگری" in sentence for sentence in _sentences(response))


def test_the_log_page_makes_the_same_queries_for_five_or_fifty_entries(
    manager_client, manager, customer, rep, other_rep, django_assert_num_queries
):
    _reassign(customer, other_rep, rep, by=manager)
    services.export_recorded(by=manager, export="customers", filters={"owner_id": rep.pk}, rows=1)
    manager_client.get(LOG)  # content types and the like are cached from here on
    with CaptureQueriesContext(connection) as five:
        manager_client.get(LOG)
    for _ in range(16):
        _reassign(customer, other_rep, rep, by=manager)
        services.export_recorded(by=manager, export="at_risk", filters={"owner_id": other_rep.pk}, rows=3)

    with django_assert_num_queries(len(five.captured_queries)):
        response = manager_client.get(LOG)
    assert len(response.context["lines"]) == 50


def test_the_log_reads_in_english_for_an_english_reader(manager_client, en_client, manager, customer, purchase):
    customer_services.purchase_delete(purchase=purchase)
    en_client.force_login(manager)

    response = en_client.get(LOG, {"kind": "purchase_deleted"})

    assert _sentences(response) == ["Peygir deleted a purchase of علی کاظمی"]
    assert "Amount: 250,000 Toman · Date: 4 May 2024" in response.content.decode() or (
        "Date: 4 May 2024 · Amount: 250,000 Toman" in response.content.decode()
    )
