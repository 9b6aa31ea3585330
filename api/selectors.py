"""The API's reads: the business apps' selectors, narrowed by the filters a program sends.

Each returns a queryset whose rows need no further query (the list endpoints' query counts
are pinned in tests/api).
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.db.models.functions import Lower

from api.models import ApiToken
from core.roles import is_manager
from customers.models import Customer, Purchase
from customers.selectors import customer_list
from surveys.models import SurveyResponse
from surveys.selectors import responses_filtered


def tokens_for_page() -> QuerySet[ApiToken]:
    """Every token, newest first, with the colleagues it names (the tokens page)."""
    return ApiToken.objects.select_related("user", "created_by", "revoked_by").order_by("-created_at", "-id")


def customers_for(
    *,
    user: AbstractBaseUser,
    q: str = "",
    owner: int | None = None,
    segment: int | None = None,
    reference: str = "",
    phone: str = "",
    email: str = "",
    silent: bool | None = None,
    created_since: datetime.datetime | None = None,
    sort: str = "name",
) -> QuerySet[Customer]:
    """The customer list's search (``customers.selectors.customer_list``) and the exact keys a program knows."""
    customers = customer_list(user=user, search=q, owner_id=owner, segment_id=segment, sort=sort).select_related(
        "rhythm"
    )
    if reference:
        customers = customers.filter(reference=reference)
    if phone:
        customers = customers.filter(mobile=phone)
    if email:
        customers = customers.annotate(email_lower=Lower("email")).filter(email_lower=email.strip().lower())
    if silent is not None:
        customers = customers.filter(rhythm__silent_since__isnull=not silent)
    if created_since is not None:
        customers = customers.filter(created_at__gte=created_since)
    return customers


def purchases_of(customer: Customer) -> QuerySet[Purchase]:
    return Purchase.objects.filter(customer=customer).order_by("-purchased_on", "-id")


def survey_responses_for(
    *, user: AbstractBaseUser, customer: int | None = None, since: datetime.datetime | None = None
) -> QuerySet[SurveyResponse]:
    """Confirmed answers of the customers ``user`` may see, newest first."""
    responses = responses_filtered(rep=None if is_manager(user) else user)
    if customer is not None:
        responses = responses.filter(customer_id=customer)
    if since is not None:
        responses = responses.filter(answered_at__gte=since)
    return responses.order_by("-answered_at", "-id")
