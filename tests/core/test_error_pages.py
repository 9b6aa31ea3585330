"""Error pages: Peygir's layout in the reader's language, never Django's bare or debug pages.

A refused page (403) is one line in the log; a 500 renders even when the database is what broke.
"""

import datetime
import logging
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from retention_crm.urls import urlpatterns as peygir_urlpatterns
from tests.surveys.factories import InvitationFactory, token_of


def _database_is_down(request):
    raise OperationalError("could not connect to server")


# This module is also a URLconf: Peygir's pages plus one whose database is gone.
urlpatterns = [*peygir_urlpatterns, path("test-database-down/", _database_is_down)]


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "menu_item"),
    [("fa", "این صفحه برای شما باز نیست", "تماس‌های امروز"), ("en", "This page is not open to you", "Calls due")],
)
def test_a_rep_on_a_managers_page_gets_the_403_page_with_the_menu(client, rep, language, title, menu_item):
    client.force_login(rep)
    client.cookies["django_language"] = language
    response = client.get(reverse("emails:list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert title in html and 'data-testid="error-page"' in html
    assert menu_item in _nav(html) and 'data-testid="current-user"' in html
    assert f'<html lang="{language}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "way_home"),
    [("fa", "صفحه پیدا نشد", "بازگشت به تماس‌های امروز"), ("en", "Page not found", "Back to calls due")],
)
def test_an_unknown_address_gets_the_404_page_with_the_menu_and_a_way_home(client, rep, language, title, way_home):
    client.force_login(rep)
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert title in html and way_home in html and f'href="{reverse("home")}"' in html
    assert 'data-testid="current-user"' in _nav(html)
    assert "urlpatterns" not in html and "/admin/" not in html  # not the debug page's URL list


@pytest.mark.django_db
def test_someone_logged_out_gets_the_404_page_with_the_way_to_log_in(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("login")}"' in response.content.decode()


@pytest.mark.django_db
def test_a_customer_with_a_broken_survey_address_gets_the_public_404_without_the_staff_menu(client):
    response = client.get("/s/not-a-token/nor-a-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in html and "public-page" in html
    assert "<nav" not in html and reverse("followups:calls_due") not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"), [("fa", "اعتبار این لینک به پایان رسیده است"), ("en", "This link has expired")]
)
def test_an_expired_survey_link_is_410_in_the_public_layout(client, language, title):
    invitation = InvitationFactory(
        expires_at=timezone.now() - datetime.timedelta(days=1), customer__preferred_language=language
    )
    client.cookies["django_language"] = language
    response = client.get(reverse("survey_links:answer", args=[token_of(invitation)]))
    html = response.content.decode()
    assert response.status_code == 410
    assert title in html and "public-page" in html and "<nav" not in html


@pytest.mark.parametrize(("language", "title"), [("fa", "مشکلی پیش آمد"), ("en", "Something went wrong")])
def test_the_500_page_renders_when_the_database_is_down(settings, language, title, caplog):
    """No database access at all is allowed here (no django_db mark): the page must need none."""
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/test-database-down/")
    html = response.content.decode()
    assert response.status_code == 500
    assert title in html and f'<html lang="{language}"' in html and 'rel="icon"' in html
    assert "could not connect" not in html  # the reader sees no internals
    assert "Traceback" in caplog.text  # the log keeps what the operator needs


@pytest.mark.django_db
def test_a_403_is_one_line_in_the_log(rep_client, caplog):
    caplog.set_level(logging.INFO)
    rep_client.get(reverse("emails:list"))
    refused = [record for record in caplog.records if record.name == "django.request"]
    assert [(record.levelname, record.getMessage()) for record in refused] == [
        ("WARNING", "Forbidden (Permission denied): /emails/")
    ]
    assert "Traceback" not in caplog.text
    # Django's own console handler is gone, so the console does not print the line a second time.
    assert logging.getLogger("django").handlers == []


@pytest.mark.django_db
def test_browsers_asking_for_favicon_ico_get_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    icon = finders.find("favicon.svg")  # what whitenoise serves at that address
    assert icon and Path(icon).read_text().startswith("<svg")


@pytest.mark.django_db
def test_every_layout_links_the_icon(client, rep):
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()  # the staff layout
    assert 'rel="icon"' in client.get("/s/not-a-token/").content.decode()  # the customers' layout
