"""The navbar offers Django admin only to whoever finds something there: never a dead end."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.roles import can_use_admin
from customers.demo import demo_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LINK = f'href="{reverse("admin:index")}"'


def _nav(client) -> str:
    html = client.get(reverse("customers:list")).content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_a_manager_without_admin_rights_sees_no_admin_link(manager_client):
    nav = _nav(manager_client)
    assert 'data-testid="manage-menu"' in nav and ADMIN_LINK not in nav


def test_a_staff_manager_without_any_permission_sees_no_admin_link(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert ADMIN_LINK not in _nav(client)


def test_staff_with_a_permission_see_the_link_and_an_admin_index_they_can_use(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(clerk)
    assert ADMIN_LINK in _nav(client)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:customers_customer_changelist") in index


def test_a_superuser_sees_the_admin_link(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert ADMIN_LINK in _nav(client)


def test_a_rep_sees_neither_the_manage_menu_nor_the_admin_link(rep_client):
    nav = _nav(rep_client)
    assert 'data-testid="manage-menu"' not in nav and ADMIN_LINK not in nav


def test_the_demo_manager_can_use_admin_for_customers_and_segments(client):
    manager = demo_users()[0]
    assert can_use_admin(manager)
    client.force_login(manager)
    assert ADMIN_LINK in _nav(client)
    index = client.get(reverse("admin:index")).content.decode()
    for model in ("customer", "purchase", "interaction", "segment"):
        assert reverse(f"admin:customers_{model}_changelist") in index
    assert client.get(reverse("admin:customers_customer_changelist")).status_code == 200
    assert client.get(reverse("admin:customers_segment_add")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403  # people stay a superuser's job
