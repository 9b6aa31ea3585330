"""Django admin shows the orders the shop posted and lets nobody edit them (the shop's next post would
disagree with the edit)."""

import pytest

from tests.webhooks.conftest import an_order

pytestmark = pytest.mark.django_db


def test_the_posted_orders_are_listed_for_a_superuser_and_read_only(post, client, django_user_model):
    post(an_order())
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    listing = client.get("/admin/webhooks/shoporder/")
    assert listing.status_code == 200
    assert "1001" in listing.content.decode()
    assert client.get("/admin/webhooks/shoporder/add/").status_code == 403
