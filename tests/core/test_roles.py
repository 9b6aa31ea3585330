"""core.roles: a rep works their own customers; a manager (or superuser) sees all."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.roles import is_manager
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_of_the_manager_group_is_a_manager(manager):
    assert is_manager(manager)


def test_a_rep_is_not_a_manager(rep):
    assert not is_manager(rep)


def test_a_superuser_counts_as_a_manager_without_the_group():
    assert is_manager(UserFactory(is_superuser=True))


def test_a_user_without_a_role_is_not_a_manager():
    assert not is_manager(UserFactory())


def test_an_anonymous_visitor_is_not_a_manager():
    assert not is_manager(AnonymousUser())


def test_the_role_is_looked_up_once_per_user_object(rep, django_assert_num_queries):
    with django_assert_num_queries(1):
        is_manager(rep)
        is_manager(rep)
