"""core.phones: every way people type an Iranian mobile becomes 09XXXXXXXXX; any other number E.164."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.phones import display_phone, normalize_mobile, normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "+989121234567",
        "+98 912 123 4567",
        "00989121234567",
        "0098 912 123 4567",
        "989121234567",
        "9121234567",
        "0912 123 4567",
        "0912-123-4567",
        "(0912) 123-4567",
        "0912.123.4567",
        "  09121234567  ",
        "0912\u200c123\u200c4567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "+٩٨-٩١٢-١٢٣-٤٥٦٧",
        "۰۹۱۲-123-٤٥٦٧",
        "\u202a+98 912 123 4567\u202c",  # copied from a messenger: wrapped in bidi embedding marks
        "\u2067۰۹۱۲۱۲۳۴۵۶۷\u2069",
        "\u200e09121234567",
    ],
)
def test_every_accepted_spelling_normalises_to_09_and_ten_digits(typed):
    assert normalize_mobile(typed) == "09121234567"


@pytest.mark.parametrize(
    "typed",
    [
        "02112345678",  # Tehran landline
        "021-1234-5678",
        "+982112345678",
        "0098 21 1234 5678",
        "08121234567",
        "0912123456",  # too short
        "912123456",
        "091212345678",  # too long
        "+9891212345678",
        "0912abc4567",
        "abcdefghijk",
        "+19121234567",
        "",
        "   ",
        None,
    ],
)
def test_anything_but_an_iranian_mobile_is_rejected(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_mobile(typed)
    assert caught.value.code == "invalid_mobile"


def test_the_rejection_message_quotes_what_was_typed():
    with pytest.raises(ValidationError) as caught:
        normalize_mobile("021-1234-5678")
    assert "\u2066۰۲۱-۱۲۳۴-۵۶۷۸\u2069" in caught.value.messages[0]  # in Persian digits, kept left to right


def test_the_rejection_message_is_in_the_reader_s_language():
    with pytest.raises(ValidationError) as caught:
        normalize_mobile("12")
    persian = caught.value.messages[0]
    with translation.override("en"):
        english = caught.value.messages[0]  # the message is lazy: rendered in the language active when shown
    assert english == "“12” is not a valid Iranian mobile number (e.g. 0912 123 4567)."
    assert persian != english
    assert "۱۲" in persian and "12" not in persian
    assert "موبایل" in persian


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "09121234567"),  # a mobile stays as reps read it
        ("+98 912 123 4567", "09121234567"),
        ("021 8877 6655", "+982188776655"),  # a Tehran landline, typed the Iranian way
        ("۰۲۱-۸۸۷۷-۶۶۵۵", "+982188776655"),
        ("+49 151 2345 6789", "+4915123456789"),
        ("0049 151 2345 6789", "+4915123456789"),
        ("+1 202 555 0123", "+12025550123"),
    ],
)
def test_a_phone_is_kept_as_a_mobile_or_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12", "021 88", "hello", "+49 1", "0912 123"])
def test_what_is_not_a_phone_number_is_refused_with_examples(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    with translation.override("en"):  # the message is lazy: said in the language it is shown in
        message = refused.value.messages[0]
    assert "is not a phone number" in message
    assert "+49\u00a0151\u00a02345\u00a06789" in message  # never wrapped mid-number


def test_a_stored_phone_reads_grouped():
    assert display_phone("+982188776655") == "+98 21 8877 6655"
    assert display_phone("09121234567") == "09121234567"
    assert display_phone("") == ""
