"""Parts of pages drawn once per process: the menu, static addresses, a list row's links, badges.

Each depends only on its key (a language, a role, a score; never a user's name, a token or a
query), and what it is drawn from (URLs, translations, the static manifest, templates) changes only
with a deploy, which restarts the process. DEBUG draws afresh, so an edited template shows at
once; a test that overrides a setting empties every store.
"""

from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class DrawnOnce:
    """One kind of part, drawn the first time a key is asked for and kept for the process."""

    _every: list["DrawnOnce"] = []

    def __init__(self):
        self._drawn: dict[Hashable, str] = {}
        DrawnOnce._every.append(self)

    def get(self, key: Hashable, draw: Callable[[], str]) -> str:
        if settings.DEBUG:
            return draw()
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = draw()
        return drawn


@receiver(setting_changed)
def _forget_every_drawn_part(**kwargs):
    for store in DrawnOnce._every:
        store._drawn.clear()
