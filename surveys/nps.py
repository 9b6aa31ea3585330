"""Net Promoter Score bands, written once: 0-6 detractors, 7-8 passives, 9-10 promoters.

Everything that sorts a score into a band goes through here: the stored category, the
badges and the email's coloured scale (``surveys_tags``), the results page's labels.
"""

from django.utils.translation import gettext as _

from core.numbers import format_number

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
LOWEST, HIGHEST = 0, 10
PASSIVE_FROM, PROMOTER_FROM = 7, 9
SCORES = range(LOWEST, HIGHEST + 1)


def category_for(score: int) -> str:
    if score >= PROMOTER_FROM:
        return PROMOTER
    if score >= PASSIVE_FROM:
        return PASSIVE
    return DETRACTOR


def band(category: str) -> tuple[int, int]:
    """The lowest and highest score of a band."""
    return {
        DETRACTOR: (LOWEST, PASSIVE_FROM - 1),
        PASSIVE: (PASSIVE_FROM, PROMOTER_FROM - 1),
        PROMOTER: (PROMOTER_FROM, HIGHEST),
    }[category]


def band_label(category: str) -> str:
    """"Promoters (9 to 10)" in the reader's language and digits."""
    names = {PROMOTER: _("Promoters"), PASSIVE: _("Passives"), DETRACTOR: _("Detractors")}
    low, high = band(category)
    return _("%(band)s (%(low)s to %(high)s)") % {
        "band": names[category],
        "low": format_number(low),
        "high": format_number(high),
    }
