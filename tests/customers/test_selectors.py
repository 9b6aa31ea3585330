"""customers.selectors: who sees what, search that ignores how Persian is typed, one query per read."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from customers import selectors, services
from customers.models import Customer
from tests.factories import CustomerFactory, PurchaseFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(customers) -> set[str]:
    return {customer.name for customer in customers}


def test_a_rep_sees_only_their_own_customers(rep, other_rep, manager):
    CustomerFactory(name="مال من", owner=rep)
    CustomerFactory(name="مال دیگری", owner=other_rep)
    CustomerFactory(name="بی‌صاحب", owner=None)
    assert names(selectors.customer_list(user=rep)) == {"مال من"}
    assert names(selectors.customer_list(user=manager)) == {"مال من", "مال دیگری", "بی‌صاحب"}


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("علي كريمي", "علی"),  # stored with Arabic letters, searched in Persian
        ("علي كريمي", "کریمی"),
        ("علی کریمی", "علي"),  # stored in Persian, searched with Arabic letters
        ("علی کریمی", "كريمي"),
        ("مصطفى", "مصطفی"),
        ("سارا نیک‌نام", "نیک‌نام"),  # ZWNJ in both
        ("سارا نیک‌نام", "نیک نام"),  # ZWNJ stored, space typed
        ("سارا نیک نام", "نیک‌نام"),  # space stored, ZWNJ typed
        ("فروشگـاه آفتاب", "فروشگاه"),  # kashida stored
        ("کاوه احمدی", "احمدی کاوه"),  # words in any order
        ("کاوه احمدی", "  کاوه   احمدی  "),
        ("Kaveh Ahmadi", "kaveh"),
    ],
)
def test_search_ignores_arabic_letters_zwnj_spacing_and_case(rep, stored, query):
    CustomerFactory(name=stored, owner=rep)
    CustomerFactory(name="رضا رضایی", owner=rep)
    assert names(selectors.customer_list(user=rep, search=query)) == {stored}


@pytest.mark.parametrize("query", ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "۱۲۳۴۵۶۷", "0912 123 4567"])
def test_search_finds_a_mobile_typed_with_any_digits(rep, query):
    CustomerFactory(name="صاحب موبایل", mobile="09121234567", owner=rep)
    CustomerFactory(name="دیگری", mobile="09350000000", owner=rep)
    assert names(selectors.customer_list(user=rep, search=query)) == {"صاحب موبایل"}


def test_search_looks_at_company_and_email_too(rep):
    CustomerFactory(name="الف", company="پخش البرز", owner=rep)
    CustomerFactory(name="ب", email="Buyer@Example.com", owner=rep)
    assert names(selectors.customer_list(user=rep, search="البرز")) == {"الف"}
    assert names(selectors.customer_list(user=rep, search="buyer@example")) == {"ب"}


def test_every_word_of_a_multi_word_search_must_match(rep):
    CustomerFactory(name="علی احمدی", owner=rep)
    CustomerFactory(name="علی کریمی", owner=rep)
    assert names(selectors.customer_list(user=rep, search="علی احمدی")) == {"علی احمدی"}
    assert names(selectors.customer_list(user=rep, search="علی")) == {"علی احمدی", "علی کریمی"}


def test_search_never_reaches_beyond_what_the_rep_may_see(rep, other_rep):
    CustomerFactory(name="علی من", owner=rep)
    CustomerFactory(name="علی دیگری", owner=other_rep)
    assert names(selectors.customer_list(user=rep, search="علی")) == {"علی من"}


def test_filters_by_owner_and_segment(manager, rep, other_rep):
    wholesale = SegmentFactory(name="عمده")
    CustomerFactory(name="الف", owner=rep, segment=wholesale)
    CustomerFactory(name="ب", owner=rep)
    CustomerFactory(name="ج", owner=other_rep, segment=wholesale)
    assert names(selectors.customer_list(user=manager, owner_id=rep.pk)) == {"الف", "ب"}
    assert names(selectors.customer_list(user=manager, segment_id=wholesale.pk)) == {"الف", "ج"}
    assert names(selectors.customer_list(user=manager, owner_id=rep.pk, segment_id=wholesale.pk)) == {"الف"}


def test_sorting_by_spend_and_by_last_purchase_with_never_bought_in_the_right_place(rep):
    never = CustomerFactory(name="الف", owner=rep)
    small = CustomerFactory(name="ب", owner=rep)
    big = CustomerFactory(name="ج", owner=rep)
    services.purchase_add(customer=small, purchased_on=datetime.date(2024, 5, 1), amount=Decimal(10))
    services.purchase_add(customer=big, purchased_on=datetime.date(2023, 1, 1), amount=Decimal(1000))

    def order(sort):
        return [c.pk for c in selectors.customer_list(user=rep, sort=sort)]

    assert order("name") == [never.pk, small.pk, big.pk]
    assert order("-total_spent") == [big.pk, small.pk, never.pk]
    assert order("-last_purchase_on") == [small.pk, big.pk, never.pk]
    assert order("last_purchase_on") == [never.pk, big.pk, small.pk]
    assert order("no-such-sort") == order("name")


def test_the_list_reads_owner_and_segment_in_the_same_query(manager, rep, django_assert_num_queries):
    segment = SegmentFactory()
    for _ in range(5):
        CustomerFactory(owner=rep, segment=segment)
    customers = selectors.customer_list(user=manager)  # the role check is one query, before the list
    with django_assert_num_queries(1):
        rows = [(c.owner.username, c.segment.name) for c in customers]
    assert len(rows) == 5


def test_customer_get_for_hides_other_reps_customers_as_not_found(rep, other_rep, manager):
    theirs = CustomerFactory(owner=other_rep)
    with pytest.raises(Http404):
        selectors.customer_get_for(user=rep, pk=theirs.pk)
    assert selectors.customer_get_for(user=manager, pk=theirs.pk) == theirs
    assert selectors.customer_get_for(user=other_rep, pk=theirs.pk) == theirs


def test_purchase_get_for_needs_the_purchase_to_belong_to_the_customer_in_the_url(rep):
    mine, also_mine = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    purchase = PurchaseFactory(customer=mine)
    assert selectors.purchase_get_for(user=rep, customer_pk=mine.pk, pk=purchase.pk) == purchase
    with pytest.raises(Http404):
        selectors.purchase_get_for(user=rep, customer_pk=also_mine.pk, pk=purchase.pk)


def test_purchase_get_for_hides_other_reps_purchases(rep, other_rep):
    purchase = PurchaseFactory(customer=CustomerFactory(owner=other_rep))
    with pytest.raises(Http404):
        selectors.purchase_get_for(user=rep, customer_pk=purchase.customer_id, pk=purchase.pk)


def test_sales_team_is_the_active_reps_and_managers_once_each(rep, manager):
    manager.groups.add(*rep.groups.all())  # in both groups: still listed once
    UserFactory(username="no-role")
    UserFactory(username="gone", is_active=False).groups.add(*rep.groups.all())
    assert list(selectors.sales_team()) == sorted([rep, manager], key=lambda u: (u.first_name, u.last_name))


def test_the_timeline_merges_calls_and_purchases_newest_first(rep):
    customer = CustomerFactory(owner=rep)
    day = datetime.date(2024, 5, 4)
    services.interaction_log(
        customer=customer, kind="call", summary="صبح", occurred_at=timezone.make_aware(datetime.datetime(2024, 5, 4, 9))
    )
    services.purchase_add(customer=customer, purchased_on=day, amount=Decimal(100), note="خرید")
    services.interaction_log(
        customer=customer,
        kind="note",
        summary="قبلی",
        occurred_at=timezone.make_aware(datetime.datetime(2024, 5, 1, 9)),
    )
    timeline = selectors.customer_timeline(customer=customer)
    # A purchase has no hour, so it sorts after that day's calls.
    assert [entry.kind for entry in timeline] == ["purchase", "call", "note"]
    assert timeline[0].amount == Decimal(100)
    assert timeline[0].purchase is not None


def test_the_timeline_is_a_query_per_source_and_limited(rep, django_assert_num_queries):
    customer = CustomerFactory(owner=rep)
    for number in range(4):
        services.interaction_log(customer=customer, kind="call", by=rep)
        services.purchase_add(customer=customer, purchased_on=datetime.date(2024, 1, 1 + number), amount=Decimal(1))
    customer = Customer.objects.get(pk=customer.pk)
    # interactions + purchases + one per registered source (survey answers...)
    with django_assert_num_queries(2 + len(selectors._TIMELINE_SOURCES)):
        timeline = selectors.customer_timeline(customer=customer, limit=5)
        assert [entry.by for entry in timeline if entry.kind == "call"] == ["علی رستمی"] * 4
    assert len(timeline) == 5
