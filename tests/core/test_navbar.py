"""The navbar marks exactly the page you are on: one item, the right one."""

import re

import pytest
from django.urls import reverse

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
