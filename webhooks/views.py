"""The endpoints a shop posts its orders to (docs/shop-webhook.md); the rules are in webhooks.services.

No login and no CSRF token: a post is trusted for its signature alone. Answers are JSON in the
language the request asks for (Accept-Language; Persian by default).
"""

import functools
import json
import logging
import re
from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.numbers import format_number
from webhooks import config, payload, services, signing
from webhooks.payload import NON_FIELD, NotAPurchase, PayloadInvalid

log = logging.getLogger(__name__)

# WooCommerce checks the delivery URL when a webhook is saved with this unsigned form post, and
# saves the webhook only on a 200.
_WOOCOMMERCE_PING = re.compile(rb"webhook_id=\d+")
WOOCOMMERCE_TOPICS = ("order.created", "order.updated")


def _answer(status: int, data: dict) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _in_the_requests_language(view):
    @functools.wraps(view)
    def speaking(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return speaking


class _TooLarge(Exception):
    pass


def _body(request) -> bytes:
    """The raw body (what is signed), read no further than the limit."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > config.MAX_BODY_BYTES:
        raise _TooLarge
    body = request.read(config.MAX_BODY_BYTES + 1)
    if len(body) > config.MAX_BODY_BYTES:
        raise _TooLarge
    return body


def _received(view):
    """The checks both endpoints make first: the webhook is on (503), the body not too large (413)."""

    @functools.wraps(view)
    def checked(request):
        secret = config.shop_secret()
        if not secret:
            return _answer(503, {"detail": _("The shop webhook is off: set PEYGIR_SHOP_WEBHOOK_SECRET to turn it on.")})
        try:
            body = _body(request)
        except _TooLarge:
            limit = {"kib": format_number(config.MAX_BODY_BYTES // 1024)}
            return _answer(413, {"detail": _("The body is larger than %(kib)s KiB: it is not an order.") % limit})
        return view(request, secret=secret, body=body)

    return checked


def _refused(request, refused: signing.Unauthorized) -> JsonResponse:
    log.warning(
        "webhook: refused a post to %s from %s: %s", request.path, request.META.get("REMOTE_ADDR"), refused.reason
    )
    return _answer(401, {"detail": refused.detail})


@csrf_exempt
@require_POST
@_in_the_requests_language
@_received
def orders(request, *, secret: str, body: bytes):
    """Peygir's own payload, signed with the timestamp."""
    try:
        signed_at = signing.signed_moment(request.headers, body, secret=secret, tolerance=config.tolerance_seconds())
    except signing.Unauthorized as refused:
        return _refused(request, refused)
    return _recorded(body, lambda data: payload.read_order(data, signed_at=signed_at))


@csrf_exempt
@require_POST
@_in_the_requests_language
@_received
def woocommerce(request, *, secret: str, body: bytes):
    """WooCommerce's order webhook as it posts it (its own signature and JSON)."""
    if signing.WOOCOMMERCE_SIGNATURE_HEADER not in request.headers and _WOOCOMMERCE_PING.fullmatch(body.strip()):
        return _answer(200, {"result": "ping"})  # writes nothing
    try:
        signing.check_woocommerce_signature(request.headers, body, secret=secret)
    except signing.Unauthorized as refused:
        return _refused(request, refused)
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if topic and topic not in WOOCOMMERCE_TOPICS:
        detail = _("Peygir reads the topics %(topics)s; this post (%(topic)s) was not recorded.") % {
            "topics": ", ".join(WOOCOMMERCE_TOPICS),
            "topic": topic,
        }
        return _answer(200, {"result": str(services.Result.SKIPPED), "detail": detail})
    return _recorded(body, payload.read_woocommerce_order)


def _recorded(body: bytes, read) -> JsonResponse:
    """Read the order and record it (one transaction): 200 with what happened, or 400 with what is wrong."""
    try:
        order = read(_json(body))
        outcome = services.order_posted(order=order, posted_at=timezone.now())
    except PayloadInvalid as invalid:
        return _answer(400, {"errors": invalid.errors})
    except NotAPurchase as skipped:
        return _answer(
            200,
            {
                "order_id": skipped.order_id,
                "result": str(services.Result.SKIPPED),
                "customer_id": None,
                "purchase_id": None,
                "detail": skipped.detail,
            },
        )
    return _answer(200, outcome.as_json())


def _no_constants(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON, and not an amount


def _json(body: bytes):
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        message = _("The body is not JSON (line %(line)s, column %(column)s).") % {
            "line": format_number(error.lineno),
            "column": format_number(error.colno),
        }
    except ValueError:  # not UTF-8, or NaN
        message = _("The body is not JSON.")
    raise PayloadInvalid({NON_FIELD: [message]})
