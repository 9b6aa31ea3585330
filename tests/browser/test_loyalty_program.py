"""The manager's loyalty page in real Chromium: opened from the Manage menu, the chart drawn by
Chart.js under the page's CSP, the monthly table, the CSV downloaded; fa and en, desktop and phone.

The ledger (relative to today): Mina earns 120 points (purchase, 3 days ago) and 30 (survey, 40
days ago) and redeems 50 (2 days ago): 100 left; Reza is given 100 by hand (70 days ago) and 40
of them expire (1 day ago): 60 left. Issued 250, redeemed 50, expired 40; held 160.
"""

import csv
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from loyalty import services
from loyalty.models import PointsEntry
from tests.browser.accessibility import axe_findings, with_axe
from tests.browser.conftest import follow_nav
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS_AND_DEVICES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN = re.compile(r"[A-Za-z0-9]")
Kind = PointsEntry.Kind

WORDS = {
    "fa": {"menu": "باشگاه مشتریان", "held": "۱۶۰", "totals": ["جمع", "۲۵۰", "۵۰", "۴۰"], "mina": "مینا طاهری"},
    "en": {"menu": "Loyalty program", "held": "160", "totals": ["Total", "250", "50", "40"], "mina": "مینا طاهری"},
}


@pytest.fixture
def ledger(rep):
    mina = CustomerFactory(name="مینا طاهری", owner=rep)
    reza = CustomerFactory(name="رضا کریمی", owner=rep)
    now = timezone.now()
    rows = [
        (mina, 120, Kind.PURCHASE, 3),
        (mina, 30, Kind.SURVEY, 40),
        (mina, -50, Kind.REDEMPTION, 2),
        (reza, 100, Kind.ADJUSTMENT, 70),
        (reza, -40, Kind.EXPIRY, 1),
    ]
    PointsEntry.objects.bulk_create(
        PointsEntry(
            customer=who,
            points=points,
            kind=kind,
            created_at=now - datetime.timedelta(days=days),
            effective_on=timezone.localdate(now - datetime.timedelta(days=days)),
            source_key=f"browser:{n}",
        )
        for n, (who, points, kind, days) in enumerate(rows)
    )
    services.accounts_refresh()
    return mina


def _painted_pixels(page) -> int:
    return page.evaluate(
        """() => {
            const canvas = document.getElementById("loyalty-chart");
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
            return painted;
        }"""
    )


@pytest.mark.parametrize(("lang", "device"), LANGS_AND_DEVICES)
def test_a_manager_opens_the_loyalty_page_and_downloads_the_months(
    open_page, manager, ledger, shoot, tmp_path, lang, device
):
    words = WORDS[lang]
    page = with_axe(open_page(manager, lang, device))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/customers/")
    follow_nav(page, words["menu"])
    expect(page).to_have_url(re.compile(r"/loyalty/$"))
    expect(page.get_by_test_id("program-figures")).to_contain_text(words["held"])

    canvas = page.get_by_test_id("months-chart")
    expect(canvas).to_have_attribute("data-drawn", "3")
    expect(canvas).to_have_attribute("data-layout", "bars" if device == "phone" else "columns")
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 150
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert _painted_pixels(page) > 2000  # bars, axes and legend, not a blank canvas

    table = page.get_by_test_id("months-table")
    expect(table.get_by_test_id("month-row")).to_have_count(12)
    total = [cell.strip() for cell in page.get_by_test_id("months-total").locator("th, td").all_inner_texts()]
    assert total == words["totals"]
    expect(page.get_by_test_id("member-row").first).to_contain_text(words["mina"])
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # no page-wide scroll
    months_box = page.locator(".scroll-cue").evaluate("box => [box.clientWidth, box.scrollWidth]")
    assert months_box[1] <= months_box[0]  # the monthly table fits: nothing hidden sideways
    shoot(page, "loyalty-program")
    canvas.scroll_into_view_if_needed()
    shoot(page, "loyalty-program-chart", full_page=False)
    if lang == "fa":
        assert not LATIN.search(page.locator("main").inner_text())
    assert axe_findings(page) == []

    with page.expect_download() as download:
        page.get_by_test_id("months-csv").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("loyalty-months-")
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["month", "month_starts_on", "points_issued", "points_redeemed", "points_expired"]
    assert len(rows) == 13
    assert sum(int(row[2]) for row in rows[1:]) == 250 and sum(int(row[3]) for row in rows[1:]) == 50
    assert errors == []
