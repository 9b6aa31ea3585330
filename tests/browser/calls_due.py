"""What the calls-due browser tests share: a row's rarer outcome fields load when the rep opens them."""

from playwright.sync_api import expect


def open_outcome_fields(row) -> None:
    """Open the row's "note or try again later" part and wait for its fields (loaded on demand)."""
    row.get_by_test_id("outcome-more").locator("summary").click()
    expect(row.locator("input[name=note]")).to_be_visible()
