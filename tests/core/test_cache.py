"""The Redis cache while Redis is away: a miss and a skipped write, one log line, and pages still answer."""

import logging

import pytest
from django.core.cache import caches
from django.urls import reverse

from core.cache import ForgivingRedisCache
from tests.factories import CustomerFactory, FollowUpFactory
from tests.production import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    ForgivingRedisCache._last_logged = 0.0
    return caches["default"]  # Django's setting_changed handler rebuilt the cache handler


def test_a_read_is_a_miss_a_write_is_skipped_and_it_is_logged_once(unreachable_cache, caplog):
    caplog.set_level(logging.WARNING)
    assert unreachable_cache.get("k", "default") == "default"
    unreachable_cache.set("k", 1)
    assert unreachable_cache.add("k", 1) is False
    assert unreachable_cache.get_or_set("k", 7) == 7
    assert unreachable_cache.incr("counter") == 1
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert caplog.text.count("Cache unreachable") == 1


def test_the_calls_due_page_and_the_customer_list_answer_while_the_cache_is_away(
    unreachable_cache, rep, rep_client, caplog
):
    caplog.set_level(logging.WARNING)
    FollowUpFactory(customer=CustomerFactory(owner=rep))  # due today: the page ranks it (the cached typical value)
    assert rep_client.get(reverse("followups:calls_due")).status_code == 200
    assert rep_client.get(reverse("customers:list")).status_code == 200
    assert "Cache unreachable" in caplog.text, "the pages did ask the cache"
