"""The customer's loyalty statement by a signed link: no login, no row written to make or open it.

The token is ``<customer id>.<time>.<signature>`` from Django's ``TimestampSigner``: an HMAC over
SECRET_KEY with a salt of the statement's own (a survey token or a password-reset token signs
nothing here, and a statement token signs nothing there). Editing the id or the time breaks the
signature; a link older than ``PEYGIR_LOYALTY_STATEMENT_DAYS`` is expired (the shop sends a new one).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core.links import absolute_url
from customers.models import Customer

SALT = "peygir.loyalty.statement"
_SEP = "."  # not ":" (the default): a dot survives every mail client's and messenger's link finder


class UnknownStatement(Exception):
    """A token nobody signed (or for a customer no longer there): the page is a 404."""


class ExpiredStatement(Exception):
    """A real token older than the link's lifetime: the page is a 410."""


def link_days() -> int:
    """How long a statement link opens the page."""
    return settings.PEYGIR_LOYALTY_STATEMENT_DAYS


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, sep=_SEP)


def statement_token(customer: Customer) -> str:
    return _signer().sign(str(int(customer.pk)))


def statement_path(customer: Customer) -> str:
    return reverse("loyalty_links:statement", args=[statement_token(customer)])


def statement_link(customer: Customer) -> str:
    """The address to send the customer (``PEYGIR_SITE_URL`` + the path)."""
    return absolute_url(statement_path(customer))


def email_links(customer: Customer) -> dict:
    """What every loyalty email carries: the statement's link, and the unsubscribe link (also as the
    one-click ``List-Unsubscribe`` headers of RFC 8058)."""
    token = statement_token(customer)
    unsubscribe = absolute_url(reverse("loyalty_links:unsubscribe", args=[token]))
    return {
        "statement_url": absolute_url(reverse("loyalty_links:statement", args=[token])),
        "unsubscribe_url": unsubscribe,
        "headers": {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }


def customer_for_statement(token: str, *, allow_expired: bool = False) -> Customer:
    """The customer a link was made for; ``UnknownStatement`` (404) or ``ExpiredStatement`` (410).

    ``allow_expired``: an email's unsubscribe link keeps working after its statement link expired."""
    if not isinstance(token, str) or len(token) > 200:
        raise UnknownStatement
    signer = _signer()
    try:
        value = signer.unsign(token, max_age=None if allow_expired else datetime.timedelta(days=link_days()))
    except signing.SignatureExpired as error:
        raise ExpiredStatement from error
    except signing.BadSignature as error:
        raise UnknownStatement from error
    if not value.isdigit():
        raise UnknownStatement
    customer = Customer.objects.filter(pk=int(value)).first()
    if customer is None:
        raise UnknownStatement
    return customer


def valid_until(token: str) -> datetime.datetime:
    """When a (valid) link stops opening the page: its signing time plus the link's lifetime."""
    signed_at = signing.b62_decode(token.rsplit(_SEP, 2)[1])
    return datetime.datetime.fromtimestamp(signed_at, tz=datetime.UTC) + datetime.timedelta(days=link_days())
