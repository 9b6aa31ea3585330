"""Every named URL, GET and POST, as anonymous, rep A, rep B and a manager: each gets what its rule says.

The rules are the table in tests/access_rules.py; a URL with no rule there fails
``test_every_named_url_has_an_access_rule``, so a new page cannot forget its access rule.
Django admin's own URLs are left out (the admin checks its own staff permissions); one test
checks that it turns a rep away. The records requested all belong to rep A; they are built
once for the module and every test rolls back what it did.
"""

import secrets

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from outbox.models import OutgoingEmail
from surveys.models import ShopIdentity, token_for
from tests.access_rules import (
    API,
    GET,
    LOGIN,
    LOGIN_OR_API,
    MANAGER,
    OWNER,
    POST,
    PUBLIC,
    RULES,
    SIGNED,
    TOKEN,
    Rule,
    World,
    reset_link,
)
from tests.factories import (
    FollowUpFactory,
    FollowUpPlanFactory,
    ManagerFactory,
    PurchaseFactory,
    RepFactory,
    SegmentFactory,
)
from tests.outbox.factories import OutgoingEmailFactory
from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, token_of

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "rep_a", "rep_b", "manager")
ALLOWED = {
    PUBLIC: set(ROLES),
    TOKEN: set(ROLES),
    LOGIN: {"rep_a", "rep_b", "manager"},
    OWNER: {"rep_a", "manager"},
    MANAGER: {"manager"},
    API: set(),  # a session never opens the API, whoever is logged in
    LOGIN_OR_API: {"rep_a", "rep_b", "manager"},
    SIGNED: set(),  # nobody here holds the shop's secret
}
# Refused with a status, not a trip to the login page: a program cannot follow one.
_REFUSED_WITHOUT_LOGIN_PAGE = {API: {401}, LOGIN_OR_API: {401}, SIGNED: {401, 503}}
# A name no other record carries: rep B must never see it on any page.
REP_A_CUSTOMER = "زرین قاسمی‌پور"


# --- the URLconf ------------------------------------------------------------------------


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django admin: its own permission system, checked below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern)


def urlconf_names() -> tuple[set[str], list[str]]:
    """The URL names (with namespaces) and the routes of unnamed patterns, Django admin's aside."""
    names, unnamed = set(), []
    for name, route in _walk(get_resolver().url_patterns):
        if name:
            names.add(name)
        else:
            unnamed.append(route)
    return names, unnamed


def test_every_named_url_has_an_access_rule():
    names, _unnamed = urlconf_names()
    missing = sorted(names - RULES.keys())
    assert not missing, f"add a rule to tests/access_rules.py RULES for: {missing}"


def test_every_access_rule_names_a_url_that_exists():
    names, _unnamed = urlconf_names()
    assert not sorted(RULES.keys() - names), "these rules name URLs that no longer exist"


def test_every_page_has_a_name_so_it_can_have_a_rule():
    _names, unnamed = urlconf_names()
    assert not unnamed, f"name these URL patterns (and give them a rule): {unnamed}"


# --- the records, built once ------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Rep A's customer with a purchase, a plan, a call and a survey link; rep B's customer; a failed email.

    Built in a transaction of the module's own that is rolled back at the end; each test runs in
    a savepoint inside it, so what one test writes the next does not see.
    """
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        rep_a, rep_b = (
            RepFactory(username="matrix-rep-a", email="rep-a@example.com"),
            RepFactory(username="matrix-rep-b"),
        )
        customer = SurveyCustomerFactory(name=REP_A_CUSTOMER, owner=rep_a)
        other_customer = SurveyCustomerFactory(name="کیان فرهادی", owner=rep_b)
        for owned in (customer, other_customer):
            FollowUpFactory(customer=owned, purpose="تماس دیروز")
        invitation = InvitationFactory(customer=customer)
        logo = ShopIdentity.objects.create(pk=1, logo=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, logo_type="image/png")
        yield World(
            manager=ManagerFactory(username="matrix-manager"),
            rep_a=rep_a,
            rep_b=rep_b,
            customer=customer,
            other_customer=other_customer,
            purchase=PurchaseFactory(customer=customer),
            followup=FollowUpFactory(customer=customer),
            plan=FollowUpPlanFactory(customer=customer),
            token=token_of(invitation),
            email=OutgoingEmailFactory(status=OutgoingEmail.Status.FAILED),
            segment=SegmentFactory(name="بنکدار"),
            other_segment=SegmentFactory(name="خرده‌فروش"),
            logo_version=logo.logo_version,
        )
        transaction.set_rollback(True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the sessions: a refused request must change none of them."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model is not Session
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def _request(client: Client, method: str, url: str, rule: Rule, world: World):
    return client.get(url, rule.query(world)) if method == GET else client.post(url, rule.data(world))


# --- the matrix ---------------------------------------------------------------------------


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in sorted(RULES)
    for method in (GET, POST)
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_access(name, method, role, world, client):
    rule = RULES[name]
    level = rule.access_for(method)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = reverse(name, kwargs=rule.kwargs(world))
    before = snapshot()

    response = _request(client, method, url, rule, world)

    status, location = response.status_code, response.get("Location", "")
    seen = f"{method} {url} as {role} ({level}): {status} {location}"
    served = method in rule.serves
    if role in ALLOWED[level]:
        assert status in ({200, 302, 400} if served else {200, 302, 400, 405}), seen
        assert not location.startswith(f"{_login_url()}?next="), f"sent to log in: {seen}"
    else:
        if level in _REFUSED_WITHOUT_LOGIN_PAGE:
            refused = status in _REFUSED_WITHOUT_LOGIN_PAGE[level]
        elif role == "anonymous":
            refused = status == 302 and location.startswith(f"{_login_url()}?next=")
        elif level == MANAGER:
            refused = status == 403
        else:  # rep B on rep A's records
            refused = status in (403, 404)
        assert refused or (not served and status == 405), seen
        assert not changed_tables(before, snapshot()), f"a refused request wrote: {seen}"
    if role in ("anonymous", "rep_b") and level != TOKEN:
        assert REP_A_CUSTOMER not in response.getvalue().decode(errors="replace"), f"rep A's customer shown: {seen}"


@pytest.mark.parametrize("name", ["customers:list", "customers:export", "followups:calls_due"])
def test_rep_a_sees_their_customer_where_rep_b_sees_nothing_of_it(name, world, client):
    """The control for the check above: the name is on rep A's pages, so its absence means something."""
    client.force_login(world.rep_a)

    response = client.get(reverse(name), RULES[name].query(world))

    assert REP_A_CUSTOMER in response.getvalue().decode()


# --- the survey links ---------------------------------------------------------------------


def _forged(world: World) -> dict[str, str]:
    real = world.token
    return {
        "unknown": token_for(secrets.token_hex(16)),  # well formed, from a salt nobody was sent
        "tampered": real[:-1] + ("A" if real[-1] != "A" else "B"),
        "too_long": real * 4,
    }


TOKEN_URLS = sorted(name for name, rule in RULES.items() if rule.access == TOKEN)


@pytest.mark.parametrize("forgery", ["unknown", "tampered", "too_long"])
@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("name", TOKEN_URLS)
def test_a_forged_survey_token_finds_nothing_and_writes_nothing(name, method, forgery, world, client):
    url = reverse(name, kwargs={"token": _forged(world)[forgery]})
    before = snapshot()

    response = _request(client, method, url, RULES[name], world)

    assert response.status_code == 404
    assert REP_A_CUSTOMER not in response.content.decode()
    assert not changed_tables(before, snapshot())


@pytest.mark.parametrize("name", TOKEN_URLS)
def test_a_valid_survey_token_opens_the_page_without_a_login(name, world, client):
    response = client.get(reverse(name, kwargs=RULES[name].kwargs(world)))  # each link's own token

    assert response.status_code == 200


@pytest.mark.parametrize("forgery", ["tampered", "set_password_step_without_the_link"])
def test_a_forged_password_reset_link_changes_no_password(forgery, world, client):
    link = reset_link(world)
    token = link["token"][:-1] + ("a" if link["token"][-1] != "a" else "b")
    if forgery == "set_password_step_without_the_link":
        token = "set-password"  # the second step, reached without opening a real link first
    url = reverse("accounts:password_reset_confirm", kwargs={**link, "token": token})
    before = snapshot()

    response = client.post(url, {"new_password1": "Tazeh-ramz-9931", "new_password2": "Tazeh-ramz-9931"})

    assert response.status_code == 200  # the page says the link is not valid
    assert not changed_tables(before, snapshot())


# --- CSRF and the admin -------------------------------------------------------------------


POSTED = sorted(name for name, rule in RULES.items() if POST in rule.serves and not rule.csrf_exempt)


@pytest.mark.parametrize("name", POSTED)
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(name, world):
    """As the manager, whom every rule lets post: only the missing token can refuse."""
    rule = RULES[name]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager)
    before = snapshot()

    response = client.post(reverse(name, kwargs=rule.kwargs(world)), rule.data(world))

    assert response.status_code == 403
    assert not changed_tables(before, snapshot())


def test_the_admin_turns_a_rep_away(world, client):
    client.force_login(world.rep_a)
    index = reverse("admin:index")

    response = client.get(index)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
