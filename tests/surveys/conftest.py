"""Survey tests run on a calendar where every day is a working day, with pinned survey settings.

Tests about Fridays and holidays set PEYGIR_WEEKEND_DAYS themselves. Emails stay in the
outbox (the test transaction never commits), so tests read links out of the queued rows.
"""

import pytest

from tests.surveys.factories import SurveyCustomerFactory, send_survey


@pytest.fixture(autouse=True)
def _survey_settings(settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    settings.PEYGIR_HOLIDAYS = []
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    settings.PEYGIR_SITE_URL = "https://peygir.example"
    settings.PEYGIR_SURVEY_THROTTLE_DAYS = 90
    settings.PEYGIR_SURVEY_LINK_DAYS = 30
    settings.PEYGIR_SURVEY_REMINDER_DAYS = 5


@pytest.fixture
def customer(rep):
    return SurveyCustomerFactory(name="مینا طاهری", email="mina@example.com", owner=rep, preferred_language="fa")


@pytest.fixture
def en_customer(rep):
    return SurveyCustomerFactory(name="John Smith", email="john@example.com", owner=rep, preferred_language="en")


@pytest.fixture
def sent(customer):
    """The relationship survey sent to the Persian customer."""
    return send_survey(customer)


@pytest.fixture
def en_sent(en_customer):
    return send_survey(en_customer)
