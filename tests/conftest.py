"""Shared test wiring: fast settings, role fixtures and logged-in clients.

Role groups are fetched with get_or_create: transactional tests (browser, Celery)
flush the tables that the data migration filled.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from core.queue import broker_rest_end
from core.roles import MANAGER_GROUP, REP_GROUP
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_and_predictable(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PEYGIR_BACKGROUND_THREADS = False  # background work runs in line, after commit
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PEYGIR_CURRENCY = "toman"  # the default, pinned so a developer's .env cannot change results
    broker_rest_end()  # a test that took the broker away must not leave later tests skipping it
    cache.clear()  # cached figures (the typical customer's value) must not leak from one test to the next
    with translation.override("fa"):
        yield


@pytest.fixture
def manager(db):
    user = UserFactory(username="manager", first_name="مریم", last_name="صدری")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    return user


@pytest.fixture
def rep(db):
    user = UserFactory(username="rep1", first_name="علی", last_name="رستمی")
    user.groups.add(Group.objects.get_or_create(name=REP_GROUP)[0])
    return user


@pytest.fixture
def other_rep(db):
    user = UserFactory(username="rep2", first_name="سارا", last_name="نیک‌نام")
    user.groups.add(Group.objects.get_or_create(name=REP_GROUP)[0])
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def en_client(client):
    """A client that picked English with the navbar switch."""
    client.cookies["django_language"] = "en"
    return client
