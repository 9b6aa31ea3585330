"""The OpenAPI schema (for a logged-in colleague or a token) validates without a warning; the Swagger UI
page is for logged-in colleagues and loads only our own files; anything else under /api/v1/ is a JSON 404."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"


def test_the_schema_validates_without_a_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/purchases/bulk/" in text
    assert "ApiToken" in text


def test_a_token_reads_the_schema_and_it_describes_every_endpoint(rep_api):
    response = rep_api.get(SCHEMA)

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["components"]["securitySchemes"]["ApiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["ApiToken"]["description"],
    }
    assert set(schema["paths"]) == {
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/customers/{id}/purchases/",
        "/api/v1/purchases/",
        "/api/v1/purchases/bulk/",
        "/api/v1/calls-due/",
        "/api/v1/followups/{id}/complete/",
        "/api/v1/survey-responses/",
        "/api/v1/survey-responses/{id}/",
    }
    for path in schema["paths"].values():
        for operation in path.values():
            assert {"400", "401", "404"} <= set(operation["responses"])
            assert operation["security"] == [{"ApiToken": []}]


def test_the_schema_is_in_english_unless_asked(rep_api):
    english = rep_api.get(SCHEMA).content.decode()
    persian = rep_api.get(SCHEMA, {"lang": "fa"}).content.decode()

    assert "A page number within the paginated result set." in english
    assert "A page number within the paginated result set." not in persian


def test_the_schema_is_not_public(client):
    assert client.get(SCHEMA).status_code == 401


def test_a_logged_in_colleague_reads_the_schema_and_the_docs(rep_client):
    assert rep_client.get(SCHEMA).status_code == 200

    page = rep_client.get(DOCS)
    script = rep_client.get(DOCS, {"script": ""})

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html and "<script>" not in html  # nothing inline: the CSP would block it
    assert "cdn" not in html.lower()
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert '"/api/schema/"' in script.content.decode()


def test_the_docs_ask_to_log_in(client):
    response = client.get(DOCS)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("role", "shown"), [("manager", True), ("rep", False)])
def test_the_tokens_link_on_the_docs_is_for_managers(request, client, role, shown):
    client.force_login(request.getfixturevalue(role))

    assert ("/api/tokens/" in client.get(DOCS).content.decode()) is shown


@pytest.mark.parametrize(
    ("language", "bar"), [("fa", "پیگیر · توکن‌های رابط برنامه‌نویسی"), ("en", "Peygir · API tokens")]
)
def test_the_docs_bar_back_to_peygir_is_in_the_reader_s_language(manager_client, language, bar):
    manager_client.cookies["django_language"] = language

    html = manager_client.get(DOCS).content.decode()

    header = re.search(r'<header class="peygir-docs-bar" lang="(\w+)" dir="(\w+)">(.*?)</header>', html)
    assert header.groups()[:2] == (language, "rtl" if language == "fa" else "ltr")
    assert " ".join(re.sub(r"<[^>]+>", "", header.group(3)).split()) == bar


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing/", "/api/v1/customers", "/api/v1/customers/abc/"])
def test_anything_else_under_v1_is_a_json_404(rep_api, path):
    response = rep_api.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_session_does_not_open_the_api(rep_client):
    """Only tokens: a page's session (and so a page's CSRF-less request) is not an API login."""
    response = rep_client.get("/api/v1/customers/")

    assert response.status_code == 401


def test_an_api_request_needs_no_csrf_token(rep, manager):
    from tests.api.conftest import token_for

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/customers/",
        {"name": "الف", "email": "a@example.com"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(rep, by=manager)}",
    )

    assert response.status_code == 201
