"""Link tokens: 128 random bits, only a salt and a hash stored, and bad or old links reveal and write nothing."""

import hashlib
import secrets

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import SurveyInvitation, SurveyResponse, hash_token, token_for
from tests.surveys.factories import SurveyCustomerFactory, send_survey

pytestmark = pytest.mark.django_db


def _untouched(invitation: SurveyInvitation) -> bool:
    invitation.refresh_from_db()
    return (
        invitation.opened_at is None
        and invitation.provisional_score is None
        and invitation.answered_at is None
        and not SurveyResponse.objects.exists()
    )


def _other_char(char: str) -> str:
    return "A" if char != "A" else "B"


def test_the_salt_is_128_bits_from_the_secrets_module(customer, monkeypatch):
    asked = []
    real_token_hex = secrets.token_hex

    def spy(nbytes=None):
        asked.append(nbytes)
        return real_token_hex(nbytes)

    monkeypatch.setattr(services.secrets, "token_hex", spy)
    sent = send_survey(customer)
    assert asked == [16]
    assert len(sent.invitation.token_salt) == 32
    int(sent.invitation.token_salt, 16)  # hex


def test_every_invitation_gets_its_own_salt_and_token(rep):
    sent = [send_survey(SurveyCustomerFactory(owner=rep)) for _ in range(5)]
    assert len({item.invitation.token_salt for item in sent}) == 5
    assert len({item.token for item in sent}) == 5


def test_the_token_is_an_hmac_of_the_salt_long_enough_to_carry_the_128_bits(sent):
    assert sent.token == token_for(sent.invitation.token_salt)
    assert len(sent.token) >= 22  # 128 bits in URL-safe base64
    assert sent.token != sent.invitation.token_salt


def test_only_the_salt_and_the_sha256_of_the_token_are_stored(sent):
    row = SurveyInvitation.objects.filter(pk=sent.invitation.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(sent.token.encode()).hexdigest() == hash_token(sent.token)
    assert not any(sent.token in str(value) for value in row.values())


def test_a_valid_link_opens_the_customers_page(client, sent):
    assert client.get(sent.path).status_code == 200


def _bad_tokens(token: str) -> dict[str, str]:
    return {
        "random": secrets.token_urlsafe(32),
        "tampered": token[:10] + _other_char(token[10]) + token[11:],
        "truncated": token[:-1],
        "overlong": token + "A",
        "very long": token * 5,
    }


@pytest.mark.parametrize("kind", ["random", "tampered", "truncated", "overlong", "very long"])
def test_a_wrong_token_gets_a_friendly_404_that_names_nobody_and_writes_nothing(client, sent, customer, kind):
    token = _bad_tokens(sent.token)[kind]
    for response in (
        client.get(f"/s/{token}/?score=2"),
        client.post(f"/s/{token}/", {"score": "2", "reason": "x"}),
        client.post(f"/s/{token}/", {"score": "2"}, HTTP_X_PEYGIR_AUTO="1"),
    ):
        assert response.status_code == 404
        assert "surveys/public/link_problem.html" in [template.name for template in response.templates]
        html = response.content.decode()
        assert customer.name not in html and customer.email not in html
    assert _untouched(sent.invitation)


def test_a_token_signed_with_another_secret_key_is_refused(client, sent, customer, settings):
    settings.SECRET_KEY = "a-different-secret-key-of-some-other-install-0123456789"
    forged = token_for(sent.invitation.token_salt)
    assert forged != sent.token
    response = client.get(f"/s/{forged}/?score=0")
    assert response.status_code == 404
    assert customer.name not in response.content.decode()
    assert _untouched(sent.invitation)


@pytest.mark.parametrize("token", ["", "x" * 101])
def test_an_empty_or_absurd_token_is_an_invalid_link(token):
    with pytest.raises(services.InvalidLink):
        services.invitation_for_token(token)


def test_an_expired_link_gets_410_and_writes_nothing_on_get_or_post(client, sent, customer):
    SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now())
    responses = [
        client.get(sent.score_path(9)),
        client.post(sent.path, {"score": "9", "reason": "late"}),
        client.post(sent.path, {"score": "9"}, HTTP_X_PEYGIR_AUTO="1"),
    ]
    for response in responses:
        assert response.status_code == 410
        html = response.content.decode()
        assert customer.name not in html and customer.email not in html
    assert _untouched(sent.invitation)
    with pytest.raises(services.ExpiredLink):
        services.invitation_for_token(sent.token)
