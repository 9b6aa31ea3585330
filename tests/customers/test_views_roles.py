"""Who may open which customer page: every URL in customers/urls.py, for each role."""

import csv
import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from customers import urls as customer_urls
from customers.models import Customer, ImportRun, Interaction, Purchase
from tests.customers.factories import checked_run
from tests.factories import CustomerFactory, PurchaseFactory
from tests.text import downloaded

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str
    method: str  # how the page is normally reached
    customer_scoped: bool = False
    purchase_scoped: bool = False
    segment_scoped: bool = False  # a segment's page: the login is asked before the segment is looked up
    run_scoped: bool = False  # an import's page: the same

    def url(self, customer=None, purchase=None) -> str:
        if self.segment_scoped:
            return reverse(f"customers:{self.name}", args=[1])
        if self.run_scoped:
            return reverse(f"customers:{self.name}", args=[uuid.UUID(int=1)])
        if self.purchase_scoped:
            return reverse(f"customers:{self.name}", args=[customer.pk, purchase.pk])
        if self.customer_scoped:
            return reverse(f"customers:{self.name}", args=[customer.pk])
        return reverse(f"customers:{self.name}")


ROUTES = [
    Route("list", "get"),
    Route("create", "get"),
    Route("export", "get"),
    Route("import", "get"),
    Route("import_run", "get", run_scoped=True),
    Route("import_columns", "get", run_scoped=True),
    Route("import_start", "post", run_scoped=True),
    Route("import_resume", "post", run_scoped=True),
    Route("import_rejected", "get", run_scoped=True),
    Route("at_risk", "get"),
    Route("backtest", "get"),
    Route("segments", "get"),
    Route("segment_rename", "post", segment_scoped=True),
    Route("segment_merge", "post", segment_scoped=True),
    Route("detail", "get", customer_scoped=True),
    Route("edit", "get", customer_scoped=True),
    Route("purchase_create", "get", customer_scoped=True),
    Route("purchase_edit", "get", customer_scoped=True, purchase_scoped=True),
    Route("purchase_delete", "post", customer_scoped=True, purchase_scoped=True),
    Route("interaction_create", "post", customer_scoped=True),
    Route("contract_create", "post", customer_scoped=True),
]
CUSTOMER_ROUTES = [route for route in ROUTES if route.customer_scoped]
# Pages that are also posted to; every customer-scoped page is checked with both methods where it takes both.
CUSTOMER_REQUESTS = [(route, route.method) for route in CUSTOMER_ROUTES] + [
    (route, "post") for route in CUSTOMER_ROUTES if route.name in {"edit", "purchase_create", "purchase_edit"}
]


def test_the_route_table_covers_every_customer_url():
    assert {route.name for route in ROUTES} == {pattern.name for pattern in customer_urls.urlpatterns}


@pytest.fixture
def theirs(other_rep):
    customer = CustomerFactory(name="مشتری سارا", owner=other_rep)
    PurchaseFactory(customer=customer, reference="THEIRS-1")
    return customer


@pytest.fixture
def mine(rep):
    customer = CustomerFactory(name="مشتری علی", owner=rep)
    PurchaseFactory(customer=customer, reference="MINE-1")
    return customer


def send(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_an_anonymous_visitor_is_sent_to_log_in(client, theirs, route):
    url = route.url(theirs, theirs.purchases.get())
    response = send(client, route.method, url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


POSTED = {
    "edit": {"name": "عوض شده", "mobile": "09350000000", "preferred_language": "fa"},
    "purchase_create": {"purchased_on": "1403/02/15", "amount": "100", "reference": "NEW"},
    "purchase_edit": {"purchased_on": "1403/02/15", "amount": "1", "reference": "THEIRS-1"},
    "interaction_create": {"kind": "call", "occurred_on": "1403/02/15", "summary": "تماس"},
    "contract_create": {"ends_on": "1406/01/15", "offer": "ده درصد تخفیف"},
}


@pytest.mark.parametrize(("route", "method"), CUSTOMER_REQUESTS, ids=lambda value: getattr(value, "name", value))
def test_a_rep_gets_not_found_for_another_rep_s_customer_and_changes_nothing(rep_client, theirs, route, method):
    before = (theirs.name, list(theirs.purchases.values_list("amount", "reference")))
    response = send(rep_client, method, route.url(theirs, theirs.purchases.get()), POSTED.get(route.name))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, list(theirs.purchases.values_list("amount", "reference"))) == before
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("route", CUSTOMER_ROUTES, ids=lambda route: route.name)
def test_a_rep_reaches_every_page_of_their_own_customer(rep_client, mine, route):
    response = send(rep_client, route.method, route.url(mine, mine.purchases.get()), POSTED.get(route.name))
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"].split("#")[0] == reverse("customers:detail", args=[mine.pk])


@pytest.mark.parametrize("route", CUSTOMER_ROUTES, ids=lambda route: route.name)
def test_a_manager_reaches_every_page_of_any_rep_s_customer(manager_client, theirs, route):
    response = send(manager_client, route.method, route.url(theirs, theirs.purchases.get()), POSTED.get(route.name))
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"].split("#")[0] == reverse("customers:detail", args=[theirs.pk])


def test_a_purchase_is_not_found_under_another_customer_s_url(rep_client, rep, mine):
    also_mine = CustomerFactory(owner=rep)
    url = reverse("customers:purchase_edit", args=[also_mine.pk, mine.purchases.get().pk])
    assert rep_client.get(url).status_code == 404


def list_names(response) -> set[str]:
    return {customer.name for customer in response.context["page"].object_list}


def test_a_rep_s_list_shows_only_their_customers(rep_client, mine, theirs):
    CustomerFactory(name="بی‌صاحب", owner=None)
    assert list_names(rep_client.get(reverse("customers:list"))) == {"مشتری علی"}


def test_a_rep_cannot_widen_the_list_with_an_owner_filter(rep_client, mine, theirs, other_rep):
    response = rep_client.get(reverse("customers:list"), {"owner": other_rep.pk})
    assert list_names(response) == {"مشتری علی"}
    assert "owner" not in response.context["filter_form"].fields


def test_a_manager_s_list_shows_everyone_and_filters_by_owner(manager_client, mine, theirs, other_rep):
    assert list_names(manager_client.get(reverse("customers:list"))) == {"مشتری علی", "مشتری سارا"}
    assert list_names(manager_client.get(reverse("customers:list"), {"owner": other_rep.pk})) == {"مشتری سارا"}


def exported_mobiles(response) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(downloaded(response).removeprefix("\ufeff"))))
    return {row["mobile"] for row in rows}


def test_a_rep_s_export_holds_only_their_customers(rep_client, mine, theirs, other_rep):
    assert exported_mobiles(rep_client.get(reverse("customers:export"))) == {mine.mobile}
    assert exported_mobiles(rep_client.get(reverse("customers:export"), {"owner": other_rep.pk})) == {mine.mobile}


def test_a_manager_s_export_holds_everyone(manager_client, mine, theirs):
    assert exported_mobiles(manager_client.get(reverse("customers:export"))) == {mine.mobile, theirs.mobile}


CUSTOMER_POST = {"name": "مشتری تازه", "mobile": "0912 000 1111", "preferred_language": "fa"}


def test_a_rep_creating_a_customer_becomes_its_owner_whatever_is_posted(rep_client, rep, other_rep):
    response = rep_client.post(reverse("customers:create"), {**CUSTOMER_POST, "owner": other_rep.pk})
    customer = Customer.objects.get(mobile="09120001111")
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.owner == rep


def test_a_manager_creating_a_customer_picks_the_owner(manager_client, rep):
    manager_client.post(reverse("customers:create"), {**CUSTOMER_POST, "owner": rep.pk})
    assert Customer.objects.get(mobile="09120001111").owner == rep


def test_a_rep_s_edit_form_has_no_owner_field(rep_client, mine):
    response = rep_client.get(reverse("customers:edit", args=[mine.pk]))
    assert "owner" not in response.context["form"].fields
    assert 'name="owner"' not in response.content.decode()


def test_a_rep_cannot_change_the_owner_even_by_posting_one(rep_client, rep, other_rep, mine):
    response = rep_client.post(
        reverse("customers:edit", args=[mine.pk]),
        {"name": "نام تازه", "mobile": mine.mobile, "preferred_language": "fa", "owner": other_rep.pk},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "نام تازه"
    assert mine.owner == rep


def test_a_manager_reassigns_a_customer_through_the_edit_form(manager_client, other_rep, mine):
    response = manager_client.get(reverse("customers:edit", args=[mine.pk]))
    assert 'name="owner"' in response.content.decode()
    response = manager_client.post(
        reverse("customers:edit", args=[mine.pk]),
        {"name": mine.name, "mobile": mine.mobile, "preferred_language": "fa", "owner": other_rep.pk},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.owner == other_rep


def test_a_reassigned_customer_leaves_the_old_rep_s_reach(manager_client, rep, other_rep, mine):
    manager_client.post(
        reverse("customers:edit", args=[mine.pk]),
        {"name": mine.name, "mobile": mine.mobile, "preferred_language": "fa", "owner": other_rep.pk},
    )
    rep_client = Client()
    rep_client.force_login(rep)
    assert rep_client.get(reverse("customers:detail", args=[mine.pk])).status_code == 404


def test_the_import_pages_are_forbidden_to_reps(rep_client, manager, settings, tmp_path):
    settings.PEYGIR_IMPORT_DIR = tmp_path
    content = "name,mobile\nعلی,09121234567\n".encode()
    run = checked_run(manager, content, ["name", "mobile"])
    upload = SimpleUploadedFile("c.csv", content, content_type="text/csv")
    assert rep_client.get(reverse("customers:import")).status_code == 403
    posted = {"kind": "customers", "unit": "rial", "file": upload}
    assert rep_client.post(reverse("customers:import"), posted).status_code == 403
    for name in ("import_run", "import_columns", "import_rejected"):
        assert rep_client.get(reverse(f"customers:{name}", args=[run.pk])).status_code == 403
    for name in ("import_columns", "import_start", "import_resume"):
        assert rep_client.post(reverse(f"customers:{name}", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert (ImportRun.objects.count(), run.phase) == (1, ImportRun.Phase.CHECKED)
    assert not Customer.objects.exists()


def test_the_import_page_is_open_to_managers_and_linked_only_for_them(manager_client, rep):
    assert manager_client.get(reverse("customers:import")).status_code == 200
    assert reverse("customers:import") in manager_client.get(reverse("customers:list")).content.decode()
    rep_client = Client()
    rep_client.force_login(rep)
    assert reverse("customers:import") not in rep_client.get(reverse("customers:list")).content.decode()


def test_purchase_delete_refuses_a_get(rep_client, mine):
    purchase = mine.purchases.get()
    assert rep_client.get(reverse("customers:purchase_delete", args=[mine.pk, purchase.pk])).status_code == 405
    assert Purchase.objects.filter(pk=purchase.pk).exists()
