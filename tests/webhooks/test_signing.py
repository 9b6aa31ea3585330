"""Only a post signed with the shared secret, now, is read: anything else is a 401 (or 503 while the
webhook is off, 413 for a body no order needs) and writes nothing."""

import json
import time

import pytest

from tests.webhooks.conftest import URL, an_order, rows, sign

pytestmark = pytest.mark.django_db


def test_a_signed_order_is_recorded(post):
    response = post(an_order())
    assert response.status_code == 200, response.json()
    assert response.json()["result"] == "created"
    assert rows()["purchases"] == 1


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({"X-Peygir-Signature": None}, "X-Peygir-Signature"),
        ({"X-Peygir-Timestamp": None}, "X-Peygir-Timestamp"),
        ({"X-Peygir-Signature": "sha256=" + "0" * 64}, "signature does not match"),
        ({"X-Peygir-Signature": "not-a-signature"}, "signature does not match"),
        ({"X-Peygir-Timestamp": "yesterday"}, "Unix time"),
    ],
    ids=["no signature", "no timestamp", "wrong signature", "garbled signature", "timestamp not a number"],
)
def test_a_post_without_a_good_signature_is_refused_and_writes_nothing(post, headers, says):
    before = rows()
    response = post(an_order(), headers=headers, language="en")
    assert response.status_code == 401
    assert says in response.json()["detail"]
    assert rows() == before


def test_a_body_signed_with_another_secret_is_refused(post):
    body = json.dumps(an_order()).encode()
    now = int(time.time())
    before = rows()
    response = post(body=body, timestamp=now, signature=sign(body, now, secret="another-shop"))
    assert response.status_code == 401
    assert rows() == before


def test_a_body_changed_after_signing_is_refused(post):
    """The signature covers the raw body: an amount edited on the way does not pass."""
    now = int(time.time())
    signed = json.dumps(an_order(amount=100)).encode()
    before = rows()
    response = post(body=json.dumps(an_order(amount=100_000_000)).encode(), timestamp=now, signature=sign(signed, now))
    assert response.status_code == 401
    assert rows() == before


def test_an_old_timestamp_is_refused_as_a_replay(post):
    """Signed six minutes ago (the tolerance is five): a post recorded on the way and sent again."""
    before = rows()
    response = post(an_order(), timestamp=int(time.time()) - 360, language="en")
    assert response.status_code == 401
    assert "300 seconds" in response.json()["detail"]
    assert rows() == before


def test_a_timestamp_from_the_future_is_refused(post):
    before = rows()
    response = post(an_order(), timestamp=int(time.time()) + 360)
    assert response.status_code == 401
    assert rows() == before


def test_a_timestamp_far_beyond_any_calendar_is_refused(post):
    before = rows()
    assert post(an_order(), timestamp=999_999_999_999).status_code == 401
    assert rows() == before


def test_the_timestamp_is_part_of_what_is_signed(post):
    """A captured post's signature does not fit a fresh timestamp: the replay check cannot be dodged."""
    body = json.dumps(an_order()).encode()
    old = int(time.time()) - 3600
    before = rows()
    response = post(body=body, timestamp=int(time.time()), signature=sign(body, old))
    assert response.status_code == 401
    assert rows() == before


def test_a_timestamp_within_the_tolerance_is_accepted(post):
    assert post(an_order(), timestamp=int(time.time()) - 240).status_code == 200


def test_the_refusal_is_said_in_persian_by_default(post):
    response = post(an_order(), headers={"X-Peygir-Signature": None})
    assert response.status_code == 401
    assert response["Content-Language"] == "fa"


def test_without_a_secret_the_webhook_is_off(client, settings):
    settings.PEYGIR_SHOP_WEBHOOK_SECRET = ""
    body = json.dumps(an_order()).encode()
    now = int(time.time())
    # Signed with an empty secret, which anyone could do: still refused.
    response = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            "X-Peygir-Timestamp": str(now),
            "X-Peygir-Signature": sign(body, now, secret=""),
            "Accept-Language": "en",
        },
    )
    assert response.status_code == 503
    assert "PEYGIR_SHOP_WEBHOOK_SECRET" in response.json()["detail"]
    assert rows()["orders"] == 0


def test_a_body_over_the_limit_is_refused_unread(post):
    order = an_order(note="x" * (300 * 1024))
    before = rows()
    response = post(order)
    assert response.status_code == 413
    assert rows() == before


def test_only_posts_are_answered(client, secret):
    assert client.get(URL).status_code == 405


def test_no_login_and_no_csrf_token_are_needed(post, client):
    client.handler.enforce_csrf_checks = True
    assert post(an_order()).status_code == 200


def test_the_docs_test_vector_is_what_peygir_computes():
    """docs/shop-webhook.md gives shops this vector to check their own signing against."""
    from webhooks.signing import peygir_signature

    body = b'{"order_id":"1001","amount":"2550000","date":"1403/02/15","customer":{"phone":"09123456789"}}'
    expected = "sha256=9bf27c0214f710a368e5cfe41f197852b5fa40802f7d613c915b9e80da2feda7"
    assert peygir_signature(secret="s3cret", timestamp="1767268800", body=body) == expected
    assert sign(body, 1767268800, secret="s3cret") == expected
