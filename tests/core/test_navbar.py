"""The navbar marks exactly the page you are on: one item, the right one."""

import re

import pytest
from django.urls import get_resolver, reverse

from core.navigation import PLACES
from tests.factories import CustomerFactory, PurchaseFactory

pytestmark = pytest.mark.django_db

ACTIVE = re.compile(r'class="(?:nav-link|dropdown-item)[^"]*\bactive\b[^"]*"[^>]*>([^<]+)<')


def _active_items(client, url) -> list[str]:
    html = client.get(url).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    return [label.strip() for label in ACTIVE.findall(nav)]


@pytest.mark.parametrize(
    ("view", "items"),
    [
        ("emails:list", ["مدیریت", "ایمیل‌های ارسالی"]),
        ("customers:list", ["مشتریان"]),
        ("customers:at_risk", ["در خطر"]),
        ("customers:import", ["مدیریت", "درون\u200cریزی"]),
        ("followups:team", ["تیم"]),
    ],
)
def test_one_page_one_marked_item(manager_client, view, items):
    assert _active_items(manager_client, reverse(view)) == items


@pytest.fixture
def ali(rep):
    customer = CustomerFactory(owner=rep)
    PurchaseFactory(customer=customer)
    return customer


@pytest.mark.parametrize(
    ("page", "items"),
    [
        ("calls due", ["تماس‌های امروز"]),
        ("a customer", ["مشتریان"]),
        ("a customer's edit page", ["مشتریان"]),
        ("a new customer", ["مشتریان"]),
        ("a purchase's edit page", ["مشتریان"]),
        ("the rule's backtest", ["در خطر"]),
        ("segments", ["مدیریت", "بخش‌ها"]),
        ("team members", ["مدیریت", "اعضای تیم"]),
        ("survey settings", ["نظرسنجی‌ها"]),
    ],
)
def test_pages_below_a_menu_item_mark_that_item(manager_client, ali, page, items):
    urls = {
        "calls due": reverse("followups:calls_due"),
        "a customer": reverse("customers:detail", args=[ali.pk]),
        "a customer's edit page": reverse("customers:edit", args=[ali.pk]),
        "a new customer": reverse("customers:create"),
        "a purchase's edit page": reverse("customers:purchase_edit", args=[ali.pk, ali.purchases.get().pk]),
        "the rule's backtest": reverse("customers:backtest"),
        "segments": reverse("customers:segments"),
        "team members": reverse("accounts:team"),
        "survey settings": reverse("surveys:shop_settings"),
    }
    assert _active_items(manager_client, urls[page]) == items


def test_every_place_in_the_table_names_a_page_that_exists():
    names = {
        f"{namespace}:{name}"
        for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items()
        for name in resolver.reverse_dict
        if isinstance(name, str)
    }
    apps = {name.split(":")[0] for name in names}
    for place in PLACES:
        assert place in names or (place.endswith(":*") and place[:-2] in apps), place
