"""The "why" of a silent customer says its days as days, one or many, in English and Persian."""

import datetime

import pytest
from django.utils import translation

from customers.rhythm import silence_sentence

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 12, 1)


def _sentence(lang, *, gap, basis="own", silent):
    with translation.override(lang):
        return silence_sentence(gap=gap, basis=basis, last_purchase_on=TODAY - silent * DAY, day=TODAY)


@pytest.mark.parametrize(
    ("gap", "basis", "silent", "english"),
    [
        (10, "own", 95, "usually buys every 10 days; silent for 95 days (9.5×)"),
        (2, "own", 1, "usually buys every 2 days; silent for 1 day (0.5×)"),
        (None, "", 95, "silent for 95 days"),
        (None, "", 1, "silent for 1 day"),
    ],
)
def test_the_english_sentence_names_the_unit_of_the_silence(gap, basis, silent, english):
    assert _sentence("en", gap=gap, basis=basis, silent=silent) == english


def test_a_first_return_sentence_names_the_unit_too():
    sentence = _sentence("en", gap=45, basis="first_return", silent=60)
    assert sentence.endswith("back within 45 days; silent for 60 days")
    assert _sentence("en", gap=45, basis="first_return", silent=1).endswith("; silent for 1 day")


def test_the_persian_sentence_is_unchanged():
    assert _sentence("fa", gap=10, silent=95) == "معمولاً هر ۱۰ روز خرید می‌کند؛ ۹۵ روز است خرید نکرده (۹٫۵ برابر)"
    assert _sentence("fa", gap=None, silent=1) == "۱ روز است خرید نکرده"
