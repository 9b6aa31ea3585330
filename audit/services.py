"""Writes to the audit trail that django-auditlog's signals cannot see: exports and chosen changes.

Both are auditlog ``LogEntry`` rows, so the log page reads one table: an export is an ``ACCESS``
entry on the exported model whose ``additional_data`` holds which export, its filters and its
row count; a change is an ``UPDATE`` entry shaped like the ones auditlog writes itself.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from audit import registry


def export_recorded(*, by: AbstractBaseUser, export: str, filters: Mapping[str, Any], rows: int) -> LogEntry:
    """Who exported what, when, with which filters and how many rows (every CSV the app writes).

    ``filters`` are what the view applied; only those the export declares are kept, as plain
    values (a record as its id, a date as ISO); empty ones are left out.
    """
    kind = registry.export_for(export)
    if kind is None:
        raise ValueError(f"Unknown export {export!r}: declare it with audit.registry.track_export")
    facts = {name: _plain(filters[name]) for name in kind.filters if name in filters}
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(kind.model),
        object_pk="",
        object_repr=export,
        action=LogEntry.Action.ACCESS,
        actor=by if by.is_authenticated else None,
        additional_data={
            registry.EXPORT_KIND: export,
            "rows": int(rows),
            "filters": {name: value for name, value in facts.items() if value not in (None, "")},
        },
    )


def change_recorded(
    *, instance: Model, field: str, before: Any, after: Any, customer_id: int | None
) -> LogEntry | None:
    """One field changed by a service whose model is not signal-tracked (``track(signals=False)``)."""
    before, after = _plain(before), _plain(after)
    if before == after:
        return None
    return LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={field: [str(before), str(after)]},
        additional_data={registry.CUSTOMER_KEY: customer_id},
    )


def field_changes_recorded(
    *,
    model: type[Model],
    records: Iterable[tuple[int, str, int | None]],
    field: str,
    before: Any,
    after: Any,
    by: AbstractBaseUser | None,
) -> int:
    """One field changed the same way on many rows by a bulk UPDATE (no save, so no auditlog signal):
    entries shaped like the ones auditlog writes on save, one INSERT. ``records``: (pk, name, customer id)."""
    before, after = _plain(before), _plain(after)
    content_type, cid = ContentType.objects.get_for_model(model), get_cid()
    actor = by if by is not None and by.is_authenticated else None
    entries = LogEntry.objects.bulk_create(
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=name,
            action=LogEntry.Action.UPDATE,
            changes={field: [str(before), str(after)]},
            actor=actor,
            actor_email=getattr(actor, "email", None),
            cid=cid,
            additional_data={registry.CUSTOMER_KEY: customer_id},
        )
        for pk, name, customer_id in records
    )
    return len(entries)


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, str)) or value is None:
        return value
    return str(value)


def creation_recorded(
    *, instance: Model, fields: Mapping[str, Any], customer_id: int | None, by: AbstractBaseUser
) -> LogEntry:
    """A record created by a service whose model is not signal-tracked (a manager's points
    adjustment), shaped like auditlog's own: each field from nothing to its value, by ``by``."""
    return LogEntry.objects.log_create(
        instance,
        actor=by,
        action=LogEntry.Action.CREATE,
        changes={name: ["None", str(_plain(value))] for name, value in fields.items()},
        additional_data={registry.CUSTOMER_KEY: customer_id},
    )
