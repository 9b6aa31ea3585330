"""Entries as sentences in the reader's language, written at display time from the stored facts.

``lines`` reads a page of entries with a fixed number of queries whatever its length: the names
of the people, customers and records they mention are fetched once for the page.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import registry
from audit.registry import Fact, Shown
from core import dates, numbers
from core.roles import display_name
from core.text import isolate

_NOTHING = "—"
_EMPTY = (None, "", "None")


@dataclass(frozen=True)
class Line:
    at: datetime.datetime
    who: str
    sentence: str
    details: tuple[str, ...]
    customer_id: int | None  # to link to the customer while they exist
    customer_exists: bool


def lines(entries) -> list[Line]:
    entries = list(entries)
    names = _Names(entries)
    return [_line(entry, names) for entry in entries]


def _line(entry: LogEntry, names: "_Names") -> Line:
    customer_id = _customer_id(entry)
    who = display_name(entry.actor) if entry.actor_id else _("Peygir")
    words = {"who": isolate(who) if entry.actor_id else who, "customer": names.customer(customer_id)}
    export = registry.export_for((entry.additional_data or {}).get(registry.EXPORT_KIND, ""))
    if entry.action == LogEntry.Action.ACCESS and export is not None:
        sentence, details = _export_sentence(entry, export, words, names)
    else:
        sentence, details = _change_sentence(entry, words, names)
    return Line(
        at=entry.timestamp,
        who=who,
        sentence=sentence,
        details=tuple(details),
        customer_id=customer_id,
        customer_exists=customer_id in names.customers_alive,
    )


def _export_sentence(entry, export, words, names):
    data = entry.additional_data
    rows = int(data.get("rows") or 0)
    sentence = ngettext(
        "%(who)s exported %(export)s: %(rows)s row", "%(who)s exported %(export)s: %(rows)s rows", rows
    ) % {**words, "export": export.label, "rows": numbers.format_number(rows)}
    filters = data.get("filters") or {}
    details = [
        _("%(field)s: %(value)s") % {"field": fact.label, "value": names.show(fact, filters[name])}
        for name, fact in export.filters.items()
        if name in filters
    ]
    return sentence, details or [_("No filter: every row the exporter may see.")]


def _change_sentence(entry, words, names):
    tracked = registry.tracked_for(_model_of(entry))
    change = registry.change_for(tracked, entry) if tracked else None
    changed = entry.changes or {}
    if change is None:
        return _("%(who)s changed %(customer)s") % words, []
    if change.field:
        old, new = _pair(changed[change.field])
        fact = tracked.facts[change.field]
        words |= {"old": names.show(fact, old), "new": names.show(fact, new)}
    details = []
    for name, fact in tracked.facts.items():
        if name not in changed or name == change.field:
            continue
        old, new = _pair(changed[name])
        if entry.action == LogEntry.Action.UPDATE:
            details.append(
                _("%(field)s: from %(old)s to %(new)s")
                % {"field": fact.label, "old": names.show(fact, old), "new": names.show(fact, new)}
            )
        elif not fact.names_record:
            value = new if entry.action == LogEntry.Action.CREATE else old
            details.append(_("%(field)s: %(value)s") % {"field": fact.label, "value": names.show(fact, value)})
    return change.sentence % words, details


def _pair(values) -> tuple:
    old, new, *_rest = [*values, None, None]
    return old, new


def _model_of(entry: LogEntry):
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _customer_id(entry: LogEntry) -> int | None:
    value = (entry.additional_data or {}).get(registry.CUSTOMER_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class _Names:
    """Everyone and everything a page of entries names, fetched in one query per kind."""

    def __init__(self, entries: list[LogEntry]):
        wanted = defaultdict(set)  # model -> ids
        people = set()
        for entry in entries:
            for fact, value in _facts_of(entry):
                if value in _EMPTY:
                    continue
                if fact.shown is Shown.PERSON:
                    people.add(_as_int(value))
                elif fact.model is not None:
                    wanted[fact.model].add(_as_int(value))
        users = get_user_model()._default_manager.filter(pk__in=people - {None}) if people else []
        self.people = {user.pk: display_name(user) for user in users}
        self.records = {
            model: {pk: str(record) for pk, record in model._default_manager.in_bulk(ids - {None}).items()}
            for model, ids in wanted.items()
        }
        self.customers, self.customers_alive = _customer_names({_customer_id(entry) for entry in entries} - {None})

    def customer(self, pk: int | None) -> str:
        if pk is None:
            return _NOTHING
        return isolate(self.customers.get(pk)) or _("a deleted customer")

    def show(self, fact: Fact, value) -> str:
        if fact.shown is Shown.PERSON:
            if value in _EMPTY:
                return display_name(None)
            return isolate(self.people.get(_as_int(value))) or _("a former colleague")
        if value in _EMPTY:
            return _NOTHING
        if fact.model is not None:
            return isolate(self.records.get(fact.model, {}).get(_as_int(value))) or _("(deleted)")
        if fact.shown is Shown.MONEY:
            try:
                return numbers.format_money(Decimal(str(value)))
            except InvalidOperation:
                return numbers.format_number(str(value))
        if fact.shown is Shown.DATE:
            try:
                return dates.format_date(datetime.date.fromisoformat(str(value)[:10]))
            except ValueError:
                return numbers.format_number(str(value))
        if fact.choices is not None:
            return str(fact.choices.get(str(value), value))
        return isolate(numbers.format_number(str(value)))  # re-digited on Persian pages


def customer_name(pk: int) -> str:
    """A customer's name, or the last name the trail knew them by once they are deleted."""
    return _customer_names({pk})[0].get(pk) or _("a deleted customer")


def _customer_names(ids: set[int]) -> tuple[dict[int, str], set[int]]:
    """Names by id, and which of them still exist."""
    model = registry.customer_model()
    if not ids or model is None:
        return {}, set()
    found = {pk: str(customer) for pk, customer in model._default_manager.in_bulk(ids).items()}
    alive = set(found)
    gone = ids - alive
    if gone:  # a deleted customer is named as their last entry named them
        content_type = ContentType.objects.get_for_model(model)
        last = LogEntry.objects.filter(content_type=content_type, object_id__in=gone).order_by(
            "object_id", "-timestamp"
        )
        for object_id, name in last.values_list("object_id", "object_repr"):
            found.setdefault(object_id, name)
    return found, alive


def _facts_of(entry: LogEntry):
    """(fact, stored value) of every value an entry holds, to fetch the names they need."""
    data = entry.additional_data or {}
    export = registry.export_for(data.get(registry.EXPORT_KIND, "")) if entry.action == LogEntry.Action.ACCESS else None
    if export is not None:
        for name, value in (data.get("filters") or {}).items():
            if name in export.filters:
                yield export.filters[name], value
        return
    tracked = registry.tracked_for(_model_of(entry))
    if tracked is None:
        return
    for name, values in (entry.changes or {}).items():
        if name in tracked.facts:
            for value in _pair(values):
                yield tracked.facts[name], value


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
