"""Recording what the signals do not see: rows changed by `update()` (a paid amount raised with an
F() expression, a status set in one statement) and records made by `bulk_create`.

The service says what changed; the entries look like the signals' ones (who from the actor of the
moment, the request id, {field: [before, after]} as the database holds it, the record's company) and
are written together, one INSERT for the lot:

    log = ChangeLog()
    made = Allocation.objects.bulk_create(rows)
    log.created(made)
    Invoice.objects.filter(pk=invoice.pk).update(paid_amount=F("paid_amount") + amount)
    log.changed(invoice, paid_amount=invoice.paid_amount + amount)   # invoice: the row as it was read
    log.write()

`record_change(instance_or_model, pk, before={...}, after={...})` writes a single entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from salesdesk.core.contextvars import current_actor, current_request_id

from .companies import _walk, companies_of

BATCH = 2000


def plain(value):
    """A value as an entry keeps it (JSON): decimals as text, dates and times in ISO format, ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _excluded(model) -> set[str]:
    from .registry import _AUDITED

    excluded = _AUDITED.get(model)
    return excluded if excluded is not None else _AUDITED.get(model._meta.concrete_model, set())


def _field(model, key: str):
    """The field called `key`, by name or by column attribute (`booked_department_id`)."""
    try:
        return model._meta.get_field(key)
    except Exception:
        for field in model._meta.concrete_fields:
            if field.attname == key:
                return field
        raise


def snapshot(instance) -> dict:
    """Every audited field of `instance`: {name: value as stored}."""
    excluded = _excluded(type(instance))
    return {field.name: plain(getattr(instance, field.attname))
            for field in instance._meta.concrete_fields if field.name not in excluded}


def acting() -> dict:
    """Who acts now (the request's, job's or command's actor; "system" without one)."""
    actor = current_actor.get()
    return {
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor.name if actor else "system",
        "actor_employee_id": actor.employee_id if actor else None,
        "source": actor.source if actor else "system",
        "request_id": current_request_id.get(),
    }


_UNKNOWN = object()  # a company not known yet: read with the others by write()


@dataclass
class _Pending:
    model: type
    object_id: str
    object_repr: str
    action: str
    changes: dict
    instance: models.Model | None = None
    company: object = _UNKNOWN  # an id, None (no company), or _UNKNOWN


class ChangeLog:
    """Entries gathered while a service works, written with one bulk INSERT by `write()`. The
    companies of records whose way to their company is not loaded are read with one query per kind."""

    def __init__(self):
        self._pending: list[_Pending] = []

    def __len__(self):
        return len(self._pending)

    def changed(self, instance, **after) -> None:
        """`instance`, as read before an update(), now holds `after` ({field name or attname: value})
        in the database. The instance takes the new values too (it is what the database holds)."""
        model = type(instance)
        excluded = _excluded(model)
        changes = {}
        for key, value in after.items():
            field = _field(model, key)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{key}: the value itself, not an expression, is recorded.")
            if isinstance(value, models.Model):
                value = value.pk
            before = getattr(instance, field.attname)
            setattr(instance, field.attname, value)
            if field.name not in excluded and plain(before) != plain(value):
                changes[field.name] = [plain(before), plain(value)]
        if changes:
            self.add(model, instance.pk, str(instance), "update", changes, instance=instance)

    def created(self, instances) -> None:
        """Records made by bulk_create (with their ids), each with all its values."""
        for instance in instances:
            values = snapshot(instance)
            changes = {name: [None, value] for name, value in values.items() if value not in (None, "")}
            self.add(type(instance), instance.pk, str(instance), "create", changes, instance=instance)

    def change(self, instance_or_model, pk=None, *, before: dict, after: dict, action: str = "update",
               object_repr: str | None = None, company=_UNKNOWN) -> None:
        """One entry from explicit values: {field: value} before and after (fields with the same
        value on both sides are left out). `company`: its id when known (else read with the others)."""
        is_model = isinstance(instance_or_model, type)
        model = instance_or_model if is_model else type(instance_or_model)
        instance = None if is_model else instance_or_model
        pk = instance.pk if pk is None and instance is not None else pk
        excluded = _excluded(model)
        changes = {}
        for key in dict.fromkeys([*before, *after]):
            try:
                name = _field(model, key).name
            except Exception:  # a value the model keeps under another name
                name = key
            old, new = plain(before.get(key)), plain(after.get(key))
            if name not in excluded and old != new:
                changes[name] = [old, new]
        if not changes:
            return
        if object_repr is None:
            object_repr = str(instance) if instance is not None else f"{model._meta.verbose_name} {pk}"
        self.add(model, pk, object_repr, action, changes, instance=instance, company=company)

    def add(self, model, pk, object_repr, action: str, changes: dict, *, instance=None, company=_UNKNOWN) -> None:
        """An entry with its changes as stored ({field: [before, after]}, see `plain`)."""
        self._pending.append(_Pending(model=model._meta.concrete_model, object_id=str(pk),
                                      object_repr=str(object_repr)[:200], action=action, changes=changes,
                                      instance=instance, company=company))

    def _resolve_companies(self) -> None:
        by_parent: dict[tuple, set] = {}  # (model, lookup) -> ids of the first record not loaded
        by_record: dict[type, set] = {}
        waiting = []
        for item in self._pending:
            if item.company is not _UNKNOWN:
                continue
            if item.instance is None:
                by_record.setdefault(item.model, set()).add(item.object_id)
                waiting.append((item, ("record", item.model, item.object_id)))
                continue
            company, rest = _walk(item.instance)
            if rest is None:
                item.company = company
                continue
            model, related_id, lookup = rest
            by_parent.setdefault((model, lookup), set()).add(related_id)
            waiting.append((item, ("parent", (model, lookup), related_id)))
        found: dict = {}
        for model, pks in by_record.items():
            found.update({("record", model, pk): company for pk, company in companies_of(model, pks).items()})
        for (model, lookup), ids in by_parent.items():
            ids = sorted(ids)
            for start in range(0, len(ids), BATCH):
                rows = model._base_manager.filter(pk__in=ids[start:start + BATCH]).values_list("pk", lookup)
                found.update({("parent", (model, lookup), pk): company for pk, company in rows})
        for item, key in waiting:
            item.company = found.get(key)

    def write(self) -> int:
        """Writes the gathered entries (one INSERT per 2,000) and starts afresh; returns how many."""
        from .models import AuditEntry

        if not self._pending:
            return 0
        self._resolve_companies()
        who = acting()
        content_types = ContentType.objects.get_for_models(*{item.model for item in self._pending},
                                                           for_concrete_models=True)
        entries = [AuditEntry(content_type=content_types[item.model], object_id=item.object_id,
                              object_repr=item.object_repr, action=item.action, changes=item.changes,
                              company_id=item.company, **who)
                   for item in self._pending]
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
        self._pending = []
        return len(entries)


def record_created(instances) -> list:
    """Entries for records just made by bulk_create (one INSERT); returns the records."""
    instances = list(instances)
    log = ChangeLog()
    log.created(instances)
    log.write()
    return instances


def record_update(instance, values: dict) -> int:
    """One entry for `instance` (as read before) after `Model.objects.filter(pk=…).update(**values)`
    with plain values; the instance takes them too."""
    log = ChangeLog()
    log.changed(instance, **values)
    return log.write()


def record_change(instance_or_model, pk=None, *, before: dict, after: dict, action: str = "update",
                  object_repr: str | None = None) -> int:
    """One entry for one record changed without a signal (an update() of one row)."""
    log = ChangeLog()
    log.change(instance_or_model, pk, before=before, after=after, action=action, object_repr=object_repr)
    return log.write()


__all__ = ["ChangeLog", "acting", "plain", "record_change", "record_created", "record_update", "snapshot"]
