"""The dashboard pages: who sees what, the pickers, the links to the customers behind a figure, the
CSV exports (audited, formula-safe) and the refresh button."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Purchase
from customers.services import customers_refresh_purchase_figures
from dashboards import definitions, services
from dashboards.models import SnapshotRun
from dashboards.periods import Calendar, Grain, index_of
from tests.factories import CustomerFactory, SegmentFactory
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _text(response) -> str:
    return " ".join(readable(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def shop(rep, other_rep):
    """Mine: two customers who bought 40 days ago and one of them again 5 days ago; theirs: one."""
    today = timezone.localdate()
    segment = SegmentFactory(name="عمده")
    mina = CustomerFactory(name="مینا طاهری", owner=rep, segment=segment)
    reza = CustomerFactory(name="رضا کریمی", owner=rep)
    kian = CustomerFactory(name="کیان فرهادی", owner=other_rep)
    for customer, days_ago in ((mina, 40), (mina, 5), (reza, 40), (kian, 40)):
        Purchase.objects.create(
            customer=customer,
            purchased_on=today - days_ago * DAY,
            amount=Decimal(2_000_000),
            reference=f"{customer.pk}-{days_ago}",
        )
    customers_refresh_purchase_figures(customer_ids=[mina.pk, reza.pk, kian.pk])
    return {"mina": mina, "reza": reza, "kian": kian, "segment": segment, "today": today}


def _month(today) -> int:
    return index_of(today, Calendar.JALALI, Grain.MONTH)


def test_the_first_visit_counts_the_figures_and_says_as_of_when(manager_client, shop):
    assert not SnapshotRun.objects.exists()
    response = manager_client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert SnapshotRun.objects.get().active_days == 90
    assert "ارقام تا" in _text(response)  # "as of"
    assert 'data-testid="refresh"' in response.content.decode()


def test_a_rep_sees_their_own_book_and_no_rep_picker_nor_refresh(rep_client, shop):
    response = rep_client.get(reverse("dashboards:overview"))
    html = response.content.decode()
    assert 'name="rep"' not in html and 'data-testid="refresh"' not in html
    assert 'data-testid="my-book"' in html
    assert response.context["overview"].month.end == 2  # Mina and Reza, not Kian


def test_a_manager_sees_the_team_or_one_rep(manager_client, shop, other_rep):
    assert manager_client.get(reverse("dashboards:overview")).context["overview"].month.end == 3
    one = manager_client.get(reverse("dashboards:overview"), {"rep": other_rep.pk})
    assert one.context["overview"].month.end == 1


def test_the_customers_behind_a_figure_are_the_figure(rep_client, shop):
    month = _month(shop["today"])
    response = rep_client.get(reverse("dashboards:customers"), {"figure": "end", "period": month, "grain": "month"})
    names = [
        row.customer.name if hasattr(row, "customer") else row.name for row in response.context["page"].object_list
    ]
    assert sorted(names) == ["رضا کریمی", "مینا طاهری"]  # not another rep's customer
    segment_only = rep_client.get(
        reverse("dashboards:customers"),
        {"figure": "end", "period": month, "grain": "month", "segment": shop["segment"].pk},
    )
    assert [row.name for row in segment_only.context["page"].object_list] == ["مینا طاهری"]


@pytest.mark.parametrize("query", [{"figure": "everyone", "period": "1"}, {"figure": "end", "period": "x"}])
def test_a_made_up_figure_or_period_is_a_404(rep_client, shop, query):
    assert rep_client.get(reverse("dashboards:customers"), query).status_code == 404


def test_another_n_is_counted_on_demand_and_an_impossible_one_is_refused_beside_the_field(manager_client, shop):
    response = manager_client.get(reverse("dashboards:churn"), {"n": "30"})
    assert response.context["scope"].active_days == 30
    assert SnapshotRun.objects.filter(active_days=30).exists()
    refused = manager_client.get(reverse("dashboards:churn"), {"n": "۳"})
    assert refused.context["scope"].active_days == 90
    assert "عددی برابر ۷ یا بیشتر بنویسید." in _text(refused)


def test_the_churn_csv_is_the_table_and_is_recorded(manager_client, manager, shop):
    response = manager_client.get(reverse("dashboards:churn_csv"), {"grain": "quarter"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["period", "starts_on", "ends_on", "active_at_start"]
    assert len(rows) == 1 + 9
    entry = LogEntry.objects.get(additional_data__export="dashboard_churn")
    assert entry.actor == manager and entry.additional_data["filters"]["grain"] == "quarter"


def test_exported_cells_cannot_run_as_formulas(manager_client, shop, monkeypatch):
    from dashboards.periods import Period

    monkeypatch.setattr(Period, "label", lambda self, language=None: "=HYPERLINK(1)")
    body = manager_client.get(reverse("dashboards:cohorts_csv")).content.decode("utf-8-sig")
    assert "\n=HYPERLINK" not in body and "'=HYPERLINK(1)" in body


def test_only_a_manager_counts_again_and_the_page_comes_back(
    manager_client, rep, shop, django_capture_on_commit_callbacks
):
    services.snapshots_refresh()
    before = SnapshotRun.objects.get().computed_at
    as_rep = Client()
    as_rep.force_login(rep)
    assert as_rep.post(reverse("dashboards:refresh")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("dashboards:refresh"), {"next": "/dashboards/cohorts/"})
    assert response.status_code == 302 and response["Location"] == "/dashboards/cohorts/"
    assert SnapshotRun.objects.get().computed_at > before  # eager here: counted at once
    outside = manager_client.post(reverse("dashboards:refresh"), {"next": "https://evil.example/"})
    assert outside["Location"] == reverse("dashboards:overview")


def test_each_page_reads_the_snapshot_in_a_few_queries(manager_client, shop, django_assert_max_num_queries):
    services.snapshots_refresh()
    for name in ("dashboards:overview", "dashboards:churn", "dashboards:cohorts", "dashboards:lifetimes"):
        with django_assert_max_num_queries(20):
            assert manager_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "export", "first_column"),
    [
        ("dashboards:value_csv", "dashboard_value", "segment"),
        ("dashboards:nps_csv", "dashboard_nps", "month"),
        ("dashboards:team_csv", "dashboard_team", "rep"),
        ("dashboards:calls_csv", "dashboard_calls", "rep"),
        ("dashboards:lifetimes_csv", "dashboard_lifetimes", "lifetime_from_days"),
    ],
)
def test_every_table_downloads_and_is_recorded(manager_client, shop, name, export, first_column):
    response = manager_client.get(reverse(name))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == first_column
    assert LogEntry.objects.filter(additional_data__export=export).count() == 1


def test_the_value_nps_team_and_calls_pages_answer_for_a_rep_and_a_manager(manager_client, rep, shop):
    as_rep = Client()
    as_rep.force_login(rep)
    for name in ("dashboards:value", "dashboards:nps", "dashboards:team", "dashboards:calls"):
        assert manager_client.get(reverse(name)).status_code == 200
        mine = as_rep.get(reverse(name))
        assert mine.status_code == 200 and 'name="rep"' not in mine.content.decode()
    team_rows = as_rep.get(reverse("dashboards:team")).context["rows"]
    assert {row.rep for row in team_rows} == {rep}  # a rep's team page is their own weeks


def test_a_large_shop_counts_a_new_n_in_the_worker_and_the_page_says_so(
    manager_client, shop, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(definitions, "INLINE_CUSTOMERS", 2)  # three customers: "large"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = manager_client.get(reverse("dashboards:churn"), {"n": "45"})
    assert response.status_code == 200 and 'data-testid="counting"' in response.content.decode()
    assert '<meta http-equiv="refresh" content="15">' in response.content.decode()
    assert len(queued) == 1 and not SnapshotRun.objects.filter(active_days=45).exists()
    with django_capture_on_commit_callbacks(execute=False) as again:
        manager_client.get(reverse("dashboards:cohorts_csv"), {"n": "45"})  # a reload queues nothing more
    assert again == []

    queued[0]()  # the worker counts them
    after = manager_client.get(reverse("dashboards:churn"), {"n": "45"})
    assert 'data-testid="counting"' not in after.content.decode()
    assert after.context["scope"].active_days == 45


def test_a_large_shops_comparison_of_the_calls_for_a_range_is_made_in_the_worker_and_kept(
    manager_client, shop, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    services.snapshots_refresh()
    monkeypatch.setattr(definitions, "INLINE_CUSTOMERS", 2)
    query = {"start": "1405/01/01"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = manager_client.get(reverse("dashboards:calls"), query)
    assert 'data-testid="counting"' in first.content.decode() and len(queued) == 1
    queued[0]()  # the worker compares and keeps the answer
    kept = manager_client.get(reverse("dashboards:calls"), query)
    assert 'data-testid="counting"' not in kept.content.decode()
    assert kept.context["counted_now"] and len(kept.context["effects"]) == 2
