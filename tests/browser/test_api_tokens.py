"""API tokens in real Chromium: a manager makes a token on its page (fa and en, desktop and phone),
sees the key once, a program uses it, the manager revokes it and the program is refused at once.
The API's Swagger UI page renders under the site's Content-Security-Policy and calls the API."""

import json
import re
import urllib.error
import urllib.request

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from api.models import ApiToken
from tests.browser.conftest import follow_nav
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [("fa", "desktop"), ("fa", "phone"), ("en", "desktop"), ("en", "phone")]
LATIN_DIGITS = re.compile(r"[0-9]")


def _call_api(base_url: str, key: str) -> tuple[int, dict]:
    """What a program sees: GET /api/v1/customers/ with the token, as a plain HTTP client."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/customers/", headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _watch(page) -> list[str]:
    """What the page's console reports of the Content-Security-Policy, and its script errors."""
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def _text_without_ltr(page) -> str:
    """The main text, but what is shown left to right on purpose (the key, a header, user names)."""
    return page.evaluate(
        """() => {
            const main = document.querySelector("main").cloneNode(true);
            main.querySelectorAll('[dir="ltr"]').forEach((element) => element.remove());
            document.body.appendChild(main);
            const text = main.innerText;
            main.remove();
            return text;
        }"""
    )


def _persian_reads_right(page) -> None:
    """RTL, and no Latin digit outside the left-to-right bits (the key and its prefix)."""
    if page.peygir_lang != "fa":
        return
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert not LATIN_DIGITS.findall(_text_without_ltr(page))


@pytest.mark.parametrize(("lang", "device"), CASES)
def test_a_manager_makes_a_token_a_program_uses_it_and_revoking_it_locks_the_program_out(
    open_page, live_server, manager, rep, shoot, lang, device
):
    CustomerFactory(owner=rep, name="آرش کیانی")
    with translation.override(lang):
        menu, copied, never = gettext("API tokens"), gettext("Copied"), gettext("never")
    page = open_page(manager, lang, device)
    problems = _watch(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    follow_nav(page, menu)
    expect(page.get_by_test_id("no-tokens")).to_be_visible()
    _persian_reads_right(page)
    shoot(page, "api-tokens-empty")

    form = page.get_by_test_id("token-form")
    form.locator("[name=name]").fill("صندوق فروشگاه")
    form.locator("[name=user]").select_option(str(rep.pk))
    form.get_by_role("button").click()

    new = page.get_by_test_id("new-token")
    expect(new).to_be_visible()
    key_element = new.get_by_test_id("token-key")
    key = key_element.inner_text().strip()
    assert len(key) >= 43
    assert key_element.evaluate("(element) => element.tagName") == "CODE"
    assert key_element.get_attribute("dir") == "ltr"
    assert key_element.evaluate("(element) => getComputedStyle(element).direction") == "ltr"
    new.get_by_test_id("copy-key").click()
    expect(new.get_by_test_id("copy-key")).to_have_text(copied)
    assert page.evaluate("navigator.clipboard.readText()") == key
    _persian_reads_right(page)
    shoot(page, "api-tokens-created")

    status, body = _call_api(live_server.url, key)
    assert status == 200
    assert [row["name"] for row in body["results"]] == ["آرش کیانی"]

    page.goto("/api/tokens/")  # the key is never shown again
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    assert key not in page.content()
    row = page.get_by_test_id("token")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(key[:8])
    expect(row.get_by_test_id("last-used")).not_to_have_text(never)  # the program's request

    row.get_by_test_id("revoke").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("token").get_by_test_id("revoke")).to_have_count(0)
    _persian_reads_right(page)
    shoot(page, "api-tokens-revoked")

    status, body = _call_api(live_server.url, key)
    assert status == 401
    assert body == {"detail": "This token is not valid, or it was revoked."}
    assert ApiToken.objects.get().revoked_by == manager
    assert problems == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_api_docs_render_under_the_csp_and_try_a_request(open_page, manager, rep, shoot, device):
    from tests.api.conftest import token_for

    CustomerFactory(owner=rep, name="آرش کیانی")
    key = token_for(rep, by=manager)
    page = open_page(manager, "en", device)
    problems = _watch(page)

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Peygir API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 11
    shoot(page, "api-docs")

    page.locator(".btn.authorize").first.click()
    page.locator(".dialog-ux input[type=text], .dialog-ux input[type=password]").first.fill(key)
    page.locator(".dialog-ux .modal-btn.auth.authorize").click()
    page.locator(".dialog-ux .btn-done, .dialog-ux .close-modal").first.click()
    operation = page.locator("#operations-customers-customers_list")
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("آرش کیانی")
    shoot(page, "api-docs-try-it")

    assert problems == []
