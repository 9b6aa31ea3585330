"""Follow-up tests run on a calendar without weekends or holidays unless a test says otherwise.

Due dates then equal the cadence's dates whatever today's real weekday is; the tests
about Fridays and holidays set PEYGIR_WEEKEND_DAYS / PEYGIR_HOLIDAYS themselves.
"""

import pytest


@pytest.fixture(autouse=True)
def _every_day_is_a_working_day(settings):
    settings.PEYGIR_WEEKEND_DAYS = []
    settings.PEYGIR_HOLIDAYS = []
    settings.PEYGIR_YEARLY_HOLIDAYS = []
    settings.PEYGIR_FOLLOWUP_HORIZON_DAYS = 7
    settings.PEYGIR_ESCALATE_AFTER_WORKING_DAYS = 3
    settings.PEYGIR_SITE_URL = "https://peygir.example"
