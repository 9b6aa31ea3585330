"""Who may open each named URL: the one table that tests/core/test_access_matrix.py checks.

Every named URL of the URLconf (Django admin's aside: it has its own permissions) has one row
here; the matrix fails when a URL has no row or a row names a URL that is gone. A row says
who may use the URL, which methods it serves, and how to fill its URL arguments (and, for a
write, a valid form) from the ``World``: rep A's customer and records, rep B, a manager.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from loyalty.statement import statement_token

# Who may use a URL.
PUBLIC = "public"  # anyone, logged in or not
TOKEN = "token"  # anyone holding the survey link's token; a forged token finds nothing
LOGIN = "login"  # anyone logged in; lists show a rep their own customers only
OWNER = "owner"  # the owning rep (rep A) and managers; another rep (rep B) gets 403 or 404
MANAGER = "manager"  # managers only; a rep gets 403
API = "api"  # the REST API: a token only; a session, logged in or not, gets 401 and writes nothing
LOGIN_OR_API = "login_or_api"  # the API's schema: anyone logged in (or a token); nobody else
SIGNED = "signed"  # the shop's webhook: a post signed with the shared secret; nothing else is read

GET, POST = "GET", "POST"
BOTH = (GET, POST)


@dataclass
class World:
    """The records the matrix requests: all of them belong to rep A's customer."""

    manager: object
    rep_a: object
    rep_b: object
    customer: object  # rep A's
    other_customer: object  # rep B's
    purchase: object
    followup: object
    plan: object
    token: str  # the link of an invitation sent to rep A's customer
    email: object  # a failed email (a manager may resend it)
    segment: object = None  # a segment a manager may rename or merge
    other_segment: object = None  # the one it merges into
    logo_version: str = ""  # the address part of the shop's logo (public, for the survey emails)
    reward: object = None  # a reward rep A's customer can afford, and a redemption of it to cancel
    redemption: object = None
    import_run: object = None  # a manager's file, checked and waiting for Import
    api_token: object = None  # a token acting as rep A, for the revoke page

    def __post_init__(self):
        if self.reward is None:
            self.reward, self.redemption = _rewards_of(self.customer)
        if self.import_run is None:
            self.import_run = _checked_import(self.manager)
        if self.api_token is None:
            from api.services import token_create

            self.api_token, _key = token_create(user=self.rep_a, name="صندوق", by=self.manager)


def _none(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    """``access`` applies to every method unless ``post`` says otherwise for POST.

    ``serves``: the methods the view takes; another method may answer 405 to anyone allowed.
    ``data``: a valid POST body where an empty one would stop at the form (writes are then
    really tried, so a refused role's "nothing changed" means something); ``query`` the same
    for a GET.
    """

    access: str
    serves: tuple[str, ...] = BOTH
    post: str | None = None
    kwargs: Callable[[World], dict] = field(default=_none)
    data: Callable[[World], dict] = field(default=_none)
    query: Callable[[World], dict] = field(default=_none)
    csrf_exempt: bool = False

    def access_for(self, method: str) -> str:
        return self.post if method == POST and self.post else self.access


def this_month_index() -> int:
    from django.utils import timezone

    from dashboards.periods import Calendar, Grain, index_of

    return index_of(timezone.localdate(), Calendar.JALALI, Grain.MONTH)


def _customer(world: World) -> dict:
    return {"pk": world.customer.pk}


def _purchase(world: World) -> dict:
    return {"pk": world.customer.pk, "purchase_pk": world.purchase.pk}


def _followup(world: World) -> dict:
    return {"pk": world.followup.pk}


def _token(world: World) -> dict:
    return {"token": world.token}


def reset_link(world: World) -> dict:
    """Rep A's password-reset link, as the email carries it (made from the row as it is now: a login changes it)."""
    user = type(world.rep_a).objects.get(pk=world.rep_a.pk)
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _rep_a_owns(world: World) -> dict:
    """A list filtered to rep A's customers: a manager's filter, which must show rep B nothing of rep A's."""
    return {"owner": world.rep_a.pk}


def _rep_a_calls(world: World) -> dict:
    return {"rep": world.rep_a.pk}


def _customer_form(world: World) -> dict:
    return {"name": "نام تازه", "mobile": "09121112233", "city": "شیراز", "preferred_language": "fa"}


def _rep_b(world: World) -> dict:
    return {"pk": world.rep_b.pk}


def _member_form(world: World) -> dict:
    return {
        "first_name": "نگار",
        "last_name": "امینی",
        "username": "negar",
        "email": "negar@example.com",
        "role": "rep",
    }


def _segment(world: World) -> dict:
    return {"pk": world.segment.pk}


def _checked_import(manager):
    """An import run the check has counted (its file is not needed: no pass runs in these tests)."""
    from customers.models import ImportRun

    return ImportRun.objects.create(
        kind=ImportRun.Kind.CUSTOMERS,
        file_name="matrix.csv",
        stored_path="/nonexistent/matrix.csv",
        format="csv",
        encoding="utf-8-sig",
        delimiter=",",
        header=["name", "mobile"],
        sample=[["مینا", "09121110001"]],
        mapping=["name", "mobile"],
        started_by=manager,
        phase=ImportRun.Phase.CHECKED,
        rows_total=1,
        will_create=1,
    )


def _import_run(world: World) -> dict:
    return {"pk": world.import_run.pk}


def _api_token(world: World) -> dict:
    return {"pk": world.api_token.pk}


def _any_pk(world: World) -> dict:
    return {"pk": 1}


RULES: dict[str, Rule] = {
    "api:tokens": Rule(MANAGER, data=lambda w: {"name": "صندوق", "user": w.rep_a.pk}),
    "api:token_revoke": Rule(MANAGER, serves=(POST,), kwargs=_api_token),
    "api:docs": Rule(LOGIN, serves=(GET,)),
    "api:schema": Rule(LOGIN_OR_API, serves=(GET,)),
    "api:customer-list": Rule(API, csrf_exempt=True),
    "api:customer-detail": Rule(API, csrf_exempt=True, kwargs=_customer),
    "api:customer-purchases": Rule(API, csrf_exempt=True, kwargs=_customer),
    "api:purchase-list": Rule(API, csrf_exempt=True),
    "api:purchase-bulk": Rule(API, csrf_exempt=True),
    "api:calls-due-list": Rule(API, csrf_exempt=True),
    "api:followup-complete": Rule(API, csrf_exempt=True, kwargs=_followup),
    "api:survey-response-list": Rule(API, csrf_exempt=True),
    "api:survey-response-detail": Rule(API, csrf_exempt=True, kwargs=_any_pk),
    "api:not_found": Rule(API, csrf_exempt=True),
    "webhooks:orders": Rule(SIGNED, serves=(POST,), csrf_exempt=True),
    "webhooks:woocommerce": Rule(SIGNED, serves=(POST,), csrf_exempt=True),
    # The front door (redirects to the calls-due list, which asks for a login).
    "home": Rule(PUBLIC),
    "login": Rule(PUBLIC),
    "logout": Rule(PUBLIC, serves=(POST,)),
    "set_language": Rule(PUBLIC, serves=(POST,), data=lambda world: {"language": "en", "next": "/"}),
    "favicon": Rule(PUBLIC, serves=(GET,)),  # browsers ask for /favicon.ico before anyone logs in
    # Accounts: the password reset is for people who cannot log in; unlocking is a manager's.
    "accounts:password_reset": Rule(PUBLIC, data=lambda world: {"email": world.rep_a.email}),
    "accounts:password_reset_done": Rule(PUBLIC, serves=(GET,)),
    "accounts:password_reset_confirm": Rule(PUBLIC, kwargs=reset_link),
    "accounts:password_reset_complete": Rule(PUBLIC, serves=(GET,)),
    "accounts:lockouts": Rule(MANAGER, data=lambda world: {"kind": "name", "value": world.rep_a.get_username()}),
    # The team: managers add, deactivate (handing the work over), reactivate, send a reset link.
    "accounts:team": Rule(MANAGER, serves=(GET,)),
    "accounts:team_add": Rule(MANAGER, data=_member_form),
    "accounts:team_deactivate": Rule(MANAGER, kwargs=_rep_b, data=lambda world: {"successor": world.rep_a.pk}),
    "accounts:team_reactivate": Rule(MANAGER, serves=(POST,), kwargs=_rep_b),
    "accounts:team_reset_link": Rule(MANAGER, serves=(POST,), kwargs=lambda world: {"pk": world.rep_a.pk}),
    # Calls.
    "followups:calls_due": Rule(LOGIN, serves=(GET,), query=_rep_a_calls),
    "followups:more": Rule(LOGIN, serves=(GET,), query=lambda world: {**_rep_a_calls(world), "section": "due"}),
    "followups:team": Rule(MANAGER, serves=(GET,)),
    "followups:not_contacted": Rule(LOGIN, post=MANAGER, query=_rep_a_owns),
    "followups:bulk_cadence": Rule(MANAGER),
    "followups:actions": Rule(OWNER, serves=(GET,), kwargs=_followup),
    "followups:rank": Rule(OWNER, serves=(GET,), kwargs=_followup),
    "followups:complete": Rule(OWNER, serves=(POST,), kwargs=_followup, data=lambda world: {"outcome": "reached"}),
    "followups:snooze": Rule(OWNER, serves=(POST,), kwargs=_followup, data=lambda world: {"when": "tomorrow"}),
    "followups:skip": Rule(OWNER, serves=(POST,), kwargs=_followup, data=lambda world: {"note": "نیازی نیست"}),
    "followups:reassign": Rule(
        MANAGER, serves=(POST,), kwargs=_followup, data=lambda world: {"assignee": world.rep_b.pk}
    ),
    "followups:plan_create": Rule(
        OWNER, serves=(POST,), kwargs=lambda world: {"customer_pk": world.customer.pk}, data=lambda world: {"preset": 3}
    ),
    "followups:plan_change": Rule(
        OWNER, serves=(POST,), kwargs=lambda world: {"pk": world.plan.pk, "action": "delete"}
    ),
    # Customers.
    "customers:list": Rule(LOGIN, serves=(GET,), query=_rep_a_owns),
    "customers:create": Rule(LOGIN, data=_customer_form),
    "customers:export": Rule(LOGIN, serves=(GET,), query=_rep_a_owns),
    "customers:at_risk": Rule(LOGIN, serves=(GET,), query=_rep_a_owns),
    "customers:backtest": Rule(MANAGER, data=lambda world: {"k": 2, "floor_days": 30}),
    "customers:import": Rule(MANAGER),
    "customers:import_run": Rule(MANAGER, serves=(GET,), kwargs=_import_run),
    "customers:import_columns": Rule(
        MANAGER, kwargs=_import_run, data=lambda world: {"column_0": "name", "column_1": "mobile", "unit": "rial"}
    ),
    "customers:import_start": Rule(MANAGER, serves=(POST,), kwargs=_import_run),
    "customers:import_resume": Rule(MANAGER, serves=(POST,), kwargs=_import_run),
    "customers:import_rejected": Rule(MANAGER, serves=(GET,), kwargs=_import_run),
    "customers:segments": Rule(MANAGER, data=lambda world: {"name": "عمده‌فروش"}),
    "customers:segment_rename": Rule(
        MANAGER, serves=(POST,), kwargs=_segment, data=lambda world: {"name": "پخش"}
    ),
    "customers:segment_merge": Rule(
        MANAGER,
        serves=(POST,),
        kwargs=_segment,
        data=lambda world: {"into": world.other_segment.pk},
    ),
    "customers:detail": Rule(OWNER, serves=(GET,), kwargs=_customer),
    "customers:edit": Rule(OWNER, kwargs=_customer, data=_customer_form),
    "customers:purchase_create": Rule(OWNER, kwargs=_customer),
    "customers:purchase_edit": Rule(OWNER, kwargs=_purchase),
    "customers:purchase_delete": Rule(OWNER, serves=(POST,), kwargs=_purchase),
    "customers:interaction_create": Rule(OWNER, serves=(POST,), kwargs=_customer),
    "customers:contract_create": Rule(OWNER, serves=(POST,), kwargs=_customer),
    # Surveys: the staff side.
    "surveys:results": Rule(MANAGER, serves=(GET,)),
    "surveys:send_bulk": Rule(MANAGER),
    "surveys:send_to_customer": Rule(
        OWNER,
        serves=(POST,),
        kwargs=lambda world: {"customer_pk": world.customer.pk},
        data=lambda world: {"kind": "relationship"},
    ),
    "surveys:settings": Rule(MANAGER, kwargs=lambda world: {"kind": "relationship"}),
    # Surveys: the customer's side (the link's token is the only key).
    "survey_links:answer": Rule(TOKEN, kwargs=_token, data=lambda world: {"score": 9}),
    "survey_links:unsubscribe": Rule(TOKEN, kwargs=_token, csrf_exempt=True),  # mail clients' one-click POST
    "survey_links:shop_logo": Rule(PUBLIC, serves=(GET,), kwargs=lambda world: {"version": world.logo_version}),
    # Loyalty: the customer's statement (its own signed token; a forged one finds nothing, opening writes nothing).
    "loyalty_links:statement": Rule(
        TOKEN, serves=(GET,), kwargs=lambda world: {"token": statement_token(world.customer)}
    ),
    "loyalty_links:unsubscribe": Rule(
        TOKEN, kwargs=lambda world: {"token": statement_token(world.customer)}, csrf_exempt=True
    ),
    "surveys:shop_settings": Rule(MANAGER),
    # Sent emails.
    "emails:list": Rule(MANAGER, serves=(GET,)),
    "emails:retry_failed": Rule(MANAGER, serves=(POST,)),
    # Who changed what.
    "audit:log": Rule(MANAGER, serves=(GET,), query=lambda world: {"customer": world.customer.pk}),
    "emails:detail": Rule(MANAGER, kwargs=lambda world: {"pk": world.email.pk}),
    # Loyalty points.
    "loyalty:rules": Rule(
        MANAGER,
        data=lambda world: {
            "points_per_step": "2",
            "step": "10000",
            "survey_bonus": "10",
            "referral_bonus": "50",
            "birthday_bonus": "20",
        },
    ),
    "loyalty:customer_points": Rule(OWNER, serves=(GET,), kwargs=_customer),
    # Dashboards: a rep reads the same pages for their own book; only managers count them again.
    "dashboards:overview": Rule(LOGIN, serves=(GET,)),
    "dashboards:churn": Rule(LOGIN, serves=(GET,), query=lambda world: {"grain": "quarter"}),
    "dashboards:churn_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:cohorts": Rule(LOGIN, serves=(GET,)),
    "dashboards:cohorts_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:lifetimes": Rule(LOGIN, serves=(GET,)),
    "dashboards:lifetimes_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:customers": Rule(
        LOGIN, serves=(GET,), query=lambda world: {"figure": "end", "period": this_month_index(), "grain": "month"}
    ),
    "dashboards:refresh": Rule(MANAGER, serves=(POST,)),
    "dashboards:value": Rule(LOGIN, serves=(GET,)),
    "dashboards:nps": Rule(LOGIN, serves=(GET,)),
    "dashboards:team": Rule(LOGIN, serves=(GET,)),
    "dashboards:calls": Rule(LOGIN, serves=(GET,)),
    "dashboards:value_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:nps_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:team_csv": Rule(LOGIN, serves=(GET,)),
    "dashboards:calls_csv": Rule(LOGIN, serves=(GET,)),
    "loyalty:program": Rule(MANAGER, serves=(GET,)),
    "loyalty:program_csv": Rule(MANAGER, serves=(GET,)),
    "loyalty:adjust": Rule(
        MANAGER, serves=(POST,), kwargs=_customer, data=lambda world: {"points": "25", "reason": "جبران"}
    ),
    # Rewards: the catalogue is managers'; redeeming and cancelling are the owner's and managers'.
    "loyalty:rewards": Rule(MANAGER, serves=(GET,)),
    "loyalty:reward_add": Rule(MANAGER, data=lambda world: _reward_form()),
    "loyalty:reward_edit": Rule(
        MANAGER, kwargs=lambda world: {"pk": world.reward.pk}, data=lambda world: _reward_form()
    ),
    "loyalty:reward_active": Rule(
        MANAGER, serves=(POST,), kwargs=lambda world: {"pk": world.reward.pk}, data=lambda world: {"active": "0"}
    ),
    "loyalty:redeem": Rule(
        OWNER, serves=(POST,), kwargs=lambda world: {"pk": world.customer.pk, "reward_pk": world.reward.pk}
    ),
    "loyalty:redemption_cancel": Rule(OWNER, serves=(POST,), kwargs=lambda world: {"pk": world.redemption.pk}),
}


def _rewards_of(customer) -> tuple:
    """A reward the customer has the points for, and a redemption of it (built with the world)."""
    from loyalty.models import PointsEntry, Reward
    from loyalty.rewards import redeem
    from loyalty.services import accounts_refresh

    PointsEntry.objects.create(customer=customer, points=50, kind="adjustment", source_key="matrix:points")
    accounts_refresh(customer_ids=[customer.pk])
    reward = Reward.objects.create(name_fa="کارت هدیه", name_en="Gift card", cost=10)
    return reward, redeem(customer=customer, reward=reward, by=None)


def _reward_form() -> dict:
    return {"name_fa": "فنجان", "name_en": "A cup", "kind": "gift", "cost": "۲۰", "stock": "", "active": "on"}
