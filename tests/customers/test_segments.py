"""Segments: a manager adds, renames and merges them; a merge moves the customers in one UPDATE."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import selectors, services
from customers.models import Customer, Segment
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_a_new_segment_needs_a_name_nobody_else_uses():
    services.segment_create(name=" عمده‌فروش ")

    assert Segment.objects.get().name == "عمده‌فروش"
    with pytest.raises(ValidationError):
        services.segment_create(name="عمده‌فروش")


def test_a_renamed_segment_keeps_its_customers():
    segment = SegmentFactory(name="بنکدار")
    customer = CustomerFactory(segment=segment)

    services.segment_rename(segment=segment, name="پخش")

    assert Customer.objects.get(pk=customer.pk).segment.name == "پخش"


def test_a_rename_to_a_taken_name_is_refused():
    SegmentFactory(name="پخش")
    segment = SegmentFactory(name="بنکدار")

    with pytest.raises(ValidationError):
        services.segment_rename(segment=segment, name="پخش")

    assert Segment.objects.get(pk=segment.pk).name == "بنکدار"


def test_a_merge_moves_every_customer_in_one_update_and_removes_the_source():
    source, into = SegmentFactory(name="بنکدار"), SegmentFactory(name="عمده")
    moved = [CustomerFactory(segment=source) for _ in range(4)]
    stays = CustomerFactory(segment=into)

    with CaptureQueriesContext(connection) as queries:
        count = services.segment_merge(source=source, into=into)

    assert count == 4
    assert set(Customer.objects.filter(segment=into)) == {*moved, stays}
    assert not Segment.objects.filter(pk=source.pk).exists()
    # One UPDATE moves them (deleting the source then finds no customer left to detach).
    moves = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and f'"segment_id" = {into.pk}' in q["sql"]]
    assert len(moves) == 1


def test_a_segment_cannot_merge_into_itself():
    segment = SegmentFactory(name="بنکدار")

    with pytest.raises(ValidationError):
        services.segment_merge(source=segment, into=segment)

    assert Segment.objects.filter(pk=segment.pk).exists()


def test_the_list_counts_customers_in_one_query():
    first, second = SegmentFactory(name="الف"), SegmentFactory(name="ب")
    for _ in range(3):
        CustomerFactory(segment=first)

    with CaptureQueriesContext(connection) as queries:
        counts = {segment.name: segment.customer_count for segment in selectors.segments_with_counts()}

    assert counts == {"الف": 3, "ب": 0}
    assert len(queries) == 1
    assert second  # listed although empty


# --- the page ---------------------------------------------------------------------------------


def test_the_page_adds_renames_and_merges(manager_client):
    manager_client.post(reverse("customers:segments"), {"name": "بنکدار"})
    manager_client.post(reverse("customers:segments"), {"name": "عمده"})
    source, into = Segment.objects.get(name="بنکدار"), Segment.objects.get(name="عمده")
    CustomerFactory(segment=source)

    manager_client.post(reverse("customers:segment_rename", args=[into.pk]), {"name": "عمده‌فروش"})
    response = manager_client.post(reverse("customers:segment_merge", args=[source.pk]), {"into": into.pk})

    assert response.status_code == 302
    assert list(Segment.objects.values_list("name", flat=True)) == ["عمده‌فروش"]
    assert Customer.objects.get().segment_id == into.pk


def test_a_taken_name_is_shown_on_the_page_with_what_was_typed(manager_client, en_client):
    SegmentFactory(name="پخش")
    segment = SegmentFactory(name="بنکدار")

    added = manager_client.post(reverse("customers:segments"), {"name": "پخش"})
    renamed = manager_client.post(reverse("customers:segment_rename", args=[segment.pk]), {"name": "پخش"})

    for response in (added, renamed):
        assert response.status_code == 400
        assert "Segment with this Name already exists." in response.content.decode()
    assert Segment.objects.get(pk=segment.pk).name == "بنکدار"
    rename_form = renamed.content.decode().split('data-segment="بنکدار"')[1].split("</form>")[0]
    assert 'value="پخش"' in rename_form  # what was typed, to correct


def test_an_empty_name_is_refused(manager_client):
    response = manager_client.post(reverse("customers:segments"), {"name": "  "})

    assert response.status_code == 400
    assert not Segment.objects.exists()


def test_a_merge_into_a_missing_segment_changes_nothing(manager_client):
    segment = SegmentFactory(name="بنکدار")

    response = manager_client.post(reverse("customers:segment_merge", args=[segment.pk]), {"into": 10**6}, follow=True)

    assert Segment.objects.filter(pk=segment.pk).exists()
    assert response.status_code == 200


def test_reps_cannot_change_segments(rep_client):
    segment = SegmentFactory(name="بنکدار")

    assert rep_client.post(reverse("customers:segments"), {"name": "تازه"}).status_code == 403
    assert (
        rep_client.post(reverse("customers:segment_merge", args=[segment.pk]), {"into": segment.pk}).status_code == 403
    )
    assert list(Segment.objects.values_list("name", flat=True)) == ["بنکدار"]
