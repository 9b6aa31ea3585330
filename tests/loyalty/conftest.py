import pytest

from tests.factories import CustomerFactory


@pytest.fixture
def customer(rep):
    return CustomerFactory(name="مینا طاهری", owner=rep)
