"""core.text: digits and letters folded so search and validation do not care how people type."""

import pytest

from core.text import normalize_search_text, to_latin_digits, to_persian_digits


@pytest.mark.parametrize(
    ("typed", "latin"),
    [("۰۱۲۳۴۵۶۷۸۹", "0123456789"), ("٠١٢٣٤٥٦٧٨٩", "0123456789"), ("abc 12", "abc 12"), ("۱۲-٣٤", "12-34")],
)
def test_persian_and_arabic_digits_become_latin(typed, latin):
    assert to_latin_digits(typed) == latin


@pytest.mark.parametrize(("typed", "persian"), [("0912", "۰۹۱۲"), ("٠٩١٢", "۰۹۱۲"), ("1403/02/15", "۱۴۰۳/۰۲/۱۵")])
def test_latin_and_arabic_digits_become_persian(typed, persian):
    assert to_persian_digits(typed) == persian


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("كاظمي", "کاظمی"),  # Arabic kaf and yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("فاطمة", "فاطمه"),
        ("أحمد", "احمد"),
        ("نیک\u200cنام", "نیک نام"),  # ZWNJ is a word boundary
        ("  سارا   احمدی ", "سارا احمدی"),
        ("Sara@Example.COM", "sara@example.com"),
        ("۰۹۱۲ ١٢٣", "0912 123"),
        ("فروشگـــاه", "فروشگاه"),  # kashida stretches a word, it does not split it
        ("فروش\u00adگاه", "فروشگاه"),  # soft hyphen
        ("\u200fسارا\u200f", "سارا"),  # right-to-left marks
    ],
)
def test_search_text_folds_letters_digits_case_and_invisible_characters(typed, folded):
    assert normalize_search_text(typed) == folded


def test_arabic_and_persian_spellings_of_a_name_fold_to_the_same_search_text():
    assert normalize_search_text("علي كريمي") == normalize_search_text("علی کریمی")
