"""What the audit trail records and how each entry reads, declared by the apps that own the records.

This app sits below the business apps (they call ``export_recorded``), so it imports none of
them: ``customers``, ``followups`` and ``surveys`` call ``track`` and ``track_export`` from their
``ready()``. Entries are django-auditlog's ``LogEntry`` rows; they keep facts (ids, amounts,
dates as text) and ``audit.reading`` writes the sentence in the reader's language.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

# Written beside every entry about a customer or one of their records (``additional_data``), so a
# customer's history finds a deleted purchase too: the models' ``get_additional_data`` set it.
CUSTOMER_KEY = "customer_id"
EXPORT_KIND = "export"


class Shown(enum.Enum):
    TEXT = "text"
    PERSON = "person"  # a user's id: their name
    MONEY = "money"  # Rial: the configured currency
    DATE = "date"  # ISO: the reader's calendar


@dataclass(frozen=True)
class Fact:
    """A field of a record (or a filter of an export) and how its stored value is shown."""

    label: str
    shown: Shown = Shown.TEXT
    choices: Mapping[str, str] | None = None  # stored value -> label
    model: type[Model] | None = None  # a stored id is shown as that record's name
    names_record: bool = False  # the record's own name: said in the sentence, not repeated below it


@dataclass(frozen=True)
class Change:
    """A kind of change a manager looks for; ``sentence`` takes %(who)s, %(customer)s, %(old)s, %(new)s."""

    key: str
    label: str
    sentence: str
    action: int
    field: str | None = None  # the entry must change this field (the sentence's old and new)


@dataclass(frozen=True)
class Tracked:
    model: type[Model]
    facts: dict[str, Fact]
    changes: tuple[Change, ...]
    is_customer: bool


@dataclass(frozen=True)
class Export:
    key: str
    label: str
    model: type[Model]
    filters: dict[str, Fact] = field(default_factory=dict)


_tracked: dict[type[Model], Tracked] = {}
_exports: dict[str, Export] = {}


def track(
    model: type[Model],
    *,
    facts: dict[str, Fact],
    changes: Iterable[Change],
    signals: bool = True,
    is_customer: bool = False,
) -> None:
    """Record changes to these fields of ``model``.

    ``signals=True`` registers the model with django-auditlog, limited to these fields, so a
    save or delete anywhere (a page, Django admin) writes its entry; ``False`` for a model whose
    entries its own service writes (``audit.services.change_recorded``), when only one path matters.
    """
    changes = tuple(sorted(changes, key=lambda change: change.field is None))  # the specific ones first
    _tracked[model] = Tracked(model=model, facts=dict(facts), changes=changes, is_customer=is_customer)
    if signals:
        auditlog.register(model, include_fields=list(facts))


def track_export(*, key: str, label: str, model: type[Model], filters: dict[str, Fact] | None = None) -> None:
    _exports[key] = Export(key=key, label=label, model=model, filters=dict(filters or {}))


def tracked_for(model: type[Model] | None) -> Tracked | None:
    return _tracked.get(model)


def export_for(key: str) -> Export | None:
    return _exports.get(key)


def customer_model() -> type[Model] | None:
    return next((tracked.model for tracked in _tracked.values() if tracked.is_customer), None)


def change_for(tracked: Tracked, entry: LogEntry) -> Change | None:
    """The kind of change an entry is: the first of its model's kinds that fits."""
    changed = entry.changes or {}
    for change in tracked.changes:
        if change.action == entry.action and (change.field is None or change.field in changed):
            return change
    return None


def kinds() -> list[tuple[str, str]]:
    """(key, label) of every kind of change, for the log page's filter."""
    found = [(change.key, change.label) for tracked in _tracked.values() for change in tracked.changes]
    if _exports:
        found.append((EXPORT_KIND, _("Export made")))
    return found


def kind_filter(key: str) -> Q | None:
    """The entries of one kind of change; None for a key nobody registered."""
    if key == EXPORT_KIND:
        return Q(action=LogEntry.Action.ACCESS, additional_data__has_key=EXPORT_KIND)
    for tracked in _tracked.values():
        for change in tracked.changes:
            if change.key == key:
                found = Q(content_type=ContentType.objects.get_for_model(tracked.model), action=change.action)
                return found & Q(changes__has_key=change.field) if change.field else found
    return None


def recorded() -> Q:
    """Every entry the trail shows: the tracked models' changes and the exports."""
    models = {*_tracked, *(export.model for export in _exports.values())}
    content_types = ContentType.objects.get_for_models(*models).values()
    return Q(content_type__in=[content_type.pk for content_type in content_types])
