"""Digits and letters as Persian users type them, folded to one form.

People type Persian (۰-۹) or Arabic-Indic (٠-٩) digits, Arabic ي/ك from some
keyboards, and zero-width non-joiners; search and validation must not care.
"""

from django.utils import translation

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_DIGITS, PERSIAN_DIGITS * 2)
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا"})
# ZWNJ and direction marks separate words; kashida, soft hyphen and ZWJ sit inside a word,
# so they are dropped (a space there would split "فروشگـاه" and hide it from a search), as are
# the isolates a name copied out of one of Peygir's sentences carries (see ``isolate``).
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200e\u200f"), " ") | dict.fromkeys(
    map(ord, "\u200d\u00ad\u0640\u2066\u2067\u2068\u2069")
)


def reads_persian(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one) is Persian: Jalali dates, Persian digits,
    and the ``_fa`` one of a record's two names."""
    return (language or translation.get_language() or "fa").startswith("fa")


def to_latin_digits(value: str) -> str:
    return value.translate(_TO_LATIN)


def to_persian_digits(value: str) -> str:
    return value.translate(_TO_PERSIAN)


def isolate_ltr(text: str) -> str:
    """A left-to-right snippet (a typed date, an example, a code) kept in its order inside Persian
    plain text: the Unicode isolates do in a message or an email what ``<bdi dir="ltr">`` does in HTML."""
    return f"\u2066{text}\u2069"


def isolate(text) -> str:
    """User text (a name, a comment) set inside a sentence Peygir writes: isolated, so a Persian
    name in an English sentence, or an English one in Persian, keeps its own direction and the
    sentence's punctuation stays where the sentence puts it (``<bdi>`` for plain text)."""
    return f"\u2068{text}\u2069" if text else ""


def normalize_search_text(value: str) -> str:
    """The one form in which names are stored for search and queries are compared.

    Latin digits, Persian letters, lower case, zero-width joiners as spaces,
    runs of white space collapsed.
    """
    folded = to_latin_digits(value).translate(_ARABIC_LETTERS).translate(_INVISIBLE)
    return " ".join(folded.lower().split())
