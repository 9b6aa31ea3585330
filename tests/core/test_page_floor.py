"""What every logged-in page pays before its own content stays small: three reads (the session,
the user, the role) and a menu drawn once per role, language and marked item, never another
role's menu."""

import pytest
from django.contrib.auth.models import Group
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from core.roles import MANAGER_GROUP
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.floor_urls")]

MANAGER_LINKS = ("تیم", "مدیریت", "ایمیل‌های ارسالی")


def _menu(client, url="/empty-page/") -> str:
    html = client.get(url).content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


@pytest.mark.parametrize("who", ["rep_client", "manager_client"])
def test_a_logged_in_page_reads_the_session_the_user_and_the_role_and_nothing_else(
    request, who, django_assert_num_queries
):
    client = request.getfixturevalue(who)
    client.get("/empty-page/")  # the first request may save a fresh session
    with django_assert_num_queries(3) as captured:
        assert client.get("/empty-page/").status_code == 200
    tables = [query["sql"].split(" FROM ", 1)[1].split()[0] for query in captured.captured_queries]
    assert tables == ['"django_session"', '"auth_user"', '"auth_group"']


def test_a_rep_after_a_manager_gets_the_reps_menu(client, manager, rep):
    client.force_login(manager)
    manager_menu = _menu(client)
    client.force_login(rep)
    rep_menu = _menu(client)
    assert all(label in manager_menu for label in MANAGER_LINKS)
    assert not any(label in rep_menu for label in MANAGER_LINKS)
    assert "تماس‌های امروز" in rep_menu


def test_a_manager_after_a_rep_gets_the_managers_menu(client, manager, rep):
    client.force_login(rep)
    _menu(client)
    client.force_login(manager)
    assert all(label in _menu(client) for label in MANAGER_LINKS)


def test_a_user_promoted_to_manager_sees_the_managers_menu_on_the_next_page(client, rep):
    client.force_login(rep)
    assert "مدیریت" not in _menu(client)
    rep.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    assert "مدیریت" in _menu(client)


def test_the_menu_speaks_the_language_of_the_page(manager_client):
    assert "مشتریان" in _menu(manager_client)
    manager_client.cookies["django_language"] = "en"
    english = _menu(manager_client)
    assert "Customers" in english and "مشتریان" not in english
    manager_client.cookies["django_language"] = "fa"
    assert "مشتریان" in _menu(manager_client)


def test_each_page_marks_its_own_item_though_the_menu_is_drawn_once(manager_client):
    assert 'aria-current="page" href="/customers/"' in _menu(manager_client, reverse("customers:list"))
    team = _menu(manager_client, reverse("followups:team"))
    assert 'aria-current="page" href="/customers/"' not in team
    assert f'aria-current="page" href="{reverse("followups:team")}"' in team


def test_the_menu_keeps_no_token_and_no_name(client):
    """What is drawn once may hold nothing of one person's: their name and the forms' tokens stay per page."""
    first, second = UserFactory(first_name="نیما"), UserFactory(first_name="شیوا")
    client.force_login(first)
    assert "نیما" in _menu(client)
    client.force_login(second)
    menu = _menu(client)
    assert "شیوا" in menu and "نیما" not in menu


def test_static_addresses_are_those_of_djangos_static_tag(rep):
    request = RequestFactory().get("/")
    request.user = rep
    django_engine = engines["django"]
    ours = django_engine.from_string("{% static_url 'css/peygir.css' %} {% static_url 'js/peygir.js' %}")
    djangos = django_engine.from_string("{% load static %}{% static 'css/peygir.css' %} {% static 'js/peygir.js' %}")
    assert ours.render({}, request) == djangos.render({}, request)


def test_the_second_page_with_the_same_menu_does_not_draw_it_again(rep_client):
    drawn = [[template.name for template in rep_client.get("/empty-page/").templates] for _ in range(2)]
    assert "includes/navbar_links.html" in drawn[0]
    assert "includes/navbar_links.html" not in drawn[1]
