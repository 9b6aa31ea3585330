"""The API keeps to its OpenAPI schema: schemathesis sends generated requests (valid and not) to every
operation, as a manager's token and as a rep's, against seeded data, through the WSGI application.

No request may end in a server error, and every answer must be one the schema describes (status,
content type, body). Bounded and repeatable: a fixed number of examples per operation, derandomized,
no example database, so it runs the same on every machine in well under two minutes.
"""

import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from customers.services import purchase_add
from tests.api.conftest import token_for
from tests.factories import CustomerFactory, FollowUpFactory, SegmentFactory
from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 40  # per operation, besides schemathesis's coverage cases (boundaries, wrong types, missing fields)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema() -> schemathesis.BaseSchema:
    """The schema /api/schema/ serves, generated in process (no request, no database needed to collect)."""
    with translation.override("en"):
        raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = WSGIHandler()
    return loaded


schema = _schema()
# Ids of the seeded records, filled by the ``seeded`` fixture: path ids are drawn from them half the
# time, so detail operations reach real rows (drawn late, after the fixture ran).
SEEDED_IDS: list[int] = []


@schema.hook
def before_generate_path_parameters(context, strategy):
    seeded = st.deferred(lambda: st.sampled_from(SEEDED_IDS or [1]))
    return st.one_of(strategy, st.fixed_dictionaries({"id": seeded}))


@pytest.fixture
def seeded(rep, other_rep, manager, settings):
    """Two reps' customers with purchases, calls due and survey answers; a token for the manager and one for rep."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    today = timezone.localdate()
    segment = SegmentFactory(name="عمده")
    ids = []
    for owner in (rep, other_rep):
        for n in range(3):
            customer = CustomerFactory(owner=owner, segment=segment if n == 0 else None, reference=f"R-{owner.pk}-{n}")
            purchase_add(customer=customer, purchased_on=today - datetime.timedelta(days=40 + n), amount=Decimal(10**6))
            followup = FollowUpFactory(customer=customer, scheduled_on=today - datetime.timedelta(days=n))
            answer = SurveyResponseFactory(invitation=InvitationFactory(customer=SurveyCustomerFactory(owner=owner)))
            ids += [customer.pk, followup.pk, answer.pk, answer.customer_id]
    SEEDED_IDS[:] = sorted(set(ids))
    return {
        "sent": 0,
        "manager": {"Authorization": f"Bearer {token_for(manager, by=manager)}", "Accept-Language": "en"},
        "rep": {"Authorization": f"Bearer {token_for(rep, by=manager)}", "Accept-Language": "fa"},
    }


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI handler share the test's connection and its transaction: the handler
    must not close the connection after each request (Django's test client disconnects the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_one_the_schema_describes(case, seeded, in_process_requests):
    # The manager's token and the rep's take turns: every operation is tried as both, in half the requests.
    seeded["sent"] += 1
    role = "manager" if seeded["sent"] % 2 else "rep"
    case.call_and_validate(headers=seeded[role], checks=CHECKS)
