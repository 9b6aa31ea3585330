"""Every CSV export leaves one entry: who, when, which export, which filters, how many rows."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit import services
from tests.factories import CustomerFactory, SegmentFactory
from tests.surveys.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db


def _exports():
    return list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("id"))


def _download(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) if response.streaming else response.content  # the file is sent
    return response


def test_the_customer_export_records_who_the_filters_and_the_row_count(manager_client, manager, rep, other_rep):
    vip = SegmentFactory(name="ویژه")
    CustomerFactory.create_batch(3, owner=rep, segment=vip)
    CustomerFactory(owner=other_rep, segment=vip)

    _download(manager_client, reverse("customers:export"), {"owner": rep.pk, "segment": vip.pk, "q": "مشتری"})

    [entry] = _exports()
    assert entry.actor == manager
    assert entry.additional_data == {
        "export": "customers",
        "rows": 3,
        "filters": {"search": "مشتری", "owner_id": rep.pk, "segment_id": vip.pk, "sort": "name"},
    }


def test_an_unfiltered_export_by_a_rep_counts_only_their_customers(rep_client, rep, other_rep):
    CustomerFactory.create_batch(2, owner=rep)
    CustomerFactory(owner=other_rep)

    _download(rep_client, reverse("customers:export"))

    [entry] = _exports()
    assert entry.actor == rep
    assert entry.additional_data["rows"] == 2
    assert entry.additional_data["filters"] == {"sort": "name"}


def test_the_at_risk_export_is_recorded_and_the_page_itself_is_not(manager_client, manager):
    manager_client.get(reverse("customers:at_risk"))
    assert _exports() == []

    _download(manager_client, reverse("customers:at_risk"), {"format": "csv"})

    [entry] = _exports()
    assert (entry.actor, entry.additional_data["export"], entry.additional_data["rows"]) == (manager, "at_risk", 0)


def test_the_survey_export_is_recorded_with_its_date_range(manager_client, manager, rep):
    SurveyResponseFactory.create_batch(2)

    _download(manager_client, reverse("surveys:results"), {"format": "csv", "start": "1403/01/01", "rep": rep.pk})

    [entry] = _exports()
    assert entry.actor == manager
    assert entry.additional_data["export"] == "survey_responses"
    assert entry.additional_data["filters"] == {"rep": rep.pk, "start": "2024-03-20"}


def test_an_export_nobody_declared_is_refused(manager):
    with pytest.raises(ValueError, match="Unknown export"):
        services.export_recorded(by=manager, export="everything", filters={}, rows=1)
    assert _exports() == []


def test_filters_an_export_does_not_declare_are_not_kept(manager):
    entry = services.export_recorded(
        by=manager, export="survey_responses", filters={"start": datetime.date(2024, 3, 20), "secret": "x"}, rows=1
    )
    assert entry.additional_data["filters"] == {"start": "2024-03-20"}
