"""Who may post orders: a shop that knows the shared secret, signing each post when it sends it.

Peygir's signature covers the timestamp with the body (``HMAC-SHA256(secret, timestamp + "." + body)``),
so an old post cannot be sent again with a fresh timestamp. WooCommerce signs the body alone
(base64); its posts are ordered by the order's own ``date_modified_gmt`` instead (webhooks.services
ignores a post about an older state), so a replayed delivery changes nothing.
"""

import base64
import datetime
import hashlib
import hmac
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import format_number

TIMESTAMP_HEADER = "X-Peygir-Timestamp"
SIGNATURE_HEADER = "X-Peygir-Signature"
WOOCOMMERCE_SIGNATURE_HEADER = "X-WC-Webhook-Signature"
_TIMESTAMP = re.compile(r"\d{1,12}", re.ASCII)


class Unauthorized(Exception):
    """The post is not signed by someone who knows the secret (or not now): refused, nothing read.

    ``reason`` is for the log (English, a few words); ``detail`` tells the sender, in their language."""

    def __init__(self, reason: str, detail: str):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def peygir_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def woocommerce_signature(*, secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signed_moment(
    headers, body: bytes, *, secret: str, tolerance: int, now: datetime.datetime | None = None
) -> datetime.datetime:
    """The moment a Peygir-signed post was signed; raises ``Unauthorized`` unless the signature
    matches and that moment is within ``tolerance`` seconds of ``now`` (either way: a clock ahead)."""
    timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
    signature = headers.get(SIGNATURE_HEADER, "").strip()
    if not timestamp or not signature:
        raise Unauthorized(
            "unsigned",
            _("Sign the post: send the headers %(timestamp)s and %(signature)s.")
            % {"timestamp": TIMESTAMP_HEADER, "signature": SIGNATURE_HEADER},
        )
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Unauthorized(
            "bad timestamp", _("%(header)s must be the Unix time in seconds.") % {"header": TIMESTAMP_HEADER}
        )
    expected = peygir_signature(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        raise Unauthorized(
            "bad signature",
            _("The signature does not match: sign the timestamp, a dot and the raw body with the shared secret."),
        )
    now = now or timezone.now()
    if abs(now.timestamp() - int(timestamp)) > tolerance:  # compared as numbers: a year 30000 is no datetime
        raise Unauthorized(
            "timestamp out of tolerance",
            _(
                "The timestamp is more than %(seconds)s seconds away from Peygir's clock: sign each post "
                "when it is sent (and check the shop's clock)."
            )
            % {"seconds": format_number(tolerance)},
        )
    return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)


def check_woocommerce_signature(headers, body: bytes, *, secret: str) -> None:
    """Raises ``Unauthorized`` unless WooCommerce's signature of the body matches."""
    signature = headers.get(WOOCOMMERCE_SIGNATURE_HEADER, "").strip()
    if not signature:
        raise Unauthorized(
            "unsigned", _("Sign the post: send the header %(header)s.") % {"header": WOOCOMMERCE_SIGNATURE_HEADER}
        )
    expected = woocommerce_signature(secret=secret, body=body)
    if not hmac.compare_digest(expected.encode(), signature.encode(errors="replace")):
        raise Unauthorized(
            "bad signature", _("The signature does not match: give WooCommerce's webhook the secret Peygir was given.")
        )
