"""Giving the entries written before entries had a company theirs (migration 0004).

Per kind of record, in the database: the company of the record the entry is about, along the same
way as new entries take (companies.company_lookup). An entry about a record deleted since takes the
company from what the entries of that record say (a creation or deletion lists every field: the
company, or the customer, order … whose company it is). What stays without a company (user accounts,
records that left no trace) only system administrators read.

The audit log refuses UPDATE in the database (migration 0002); the trigger is set aside while the
column is filled, in the same transaction.
"""

from __future__ import annotations

import contextlib

from django.apps import apps as live_apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast

from .companies import ITSELF, company_lookup

TABLE = "audit_auditentry"
TRIGGER = "audit_entry_no_update"
SQLITE_TRIGGER = (f"CREATE TRIGGER IF NOT EXISTS {TRIGGER} BEFORE UPDATE ON {TABLE} "
                  "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;")
BATCH = 2000


@contextlib.contextmanager
def history_open(connection):
    """The append-only trigger set aside for the duration (this transaction only on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [TRIGGER])
            present = cursor.fetchone() is not None
            if present:
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
            yield
            if present:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
            present = cursor.fetchone() is not None
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
            yield
            if present:
                cursor.execute(SQLITE_TRIGGER)
        else:
            yield


def _integer_key(model) -> bool:
    return isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.IntegerField,
                                       models.BigIntegerField, models.SmallAutoField))


def _from_records(entries, model, lookup: str) -> None:
    """Entries about existing records: the record's company, in one UPDATE."""
    key = Cast(OuterRef("object_id"), models.BigIntegerField()) if _integer_key(model) else OuterRef("object_id")
    company = model._base_manager.filter(pk=key).values(lookup)[:1]
    entries.update(company_id=Subquery(company))


def _from_traces(entries, everything, model, lookup: str) -> None:
    """Entries about records deleted since: the company another entry of the record has, else the
    first step of the way (company, customer, order …) as an entry of the record recorded it (a
    creation or a deletion lists every field), then the company of that one."""
    first, _sep, rest = lookup.partition("__")
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:
        return
    waiting = list(entries.values_list("pk", "object_id"))
    object_ids = sorted({object_id for _pk, object_id in waiting})
    known: dict[str, int] = {}
    steps: dict[str, int] = {}
    for start in range(0, len(object_ids), BATCH):
        for object_id, company, changes in everything.filter(object_id__in=object_ids[start:start + BATCH]) \
                .values_list("object_id", "company_id", "changes").iterator(chunk_size=BATCH):
            if company is not None:
                known.setdefault(object_id, company)
            values = (changes or {}).get(first) if isinstance(changes, dict) else None
            for value in values if isinstance(values, (list, tuple)) else [values]:
                if isinstance(value, int) and not isinstance(value, bool):
                    steps.setdefault(object_id, value)
    if rest:
        ids = sorted(set(steps.values()))
        companies = {}
        for start in range(0, len(ids), BATCH):
            companies.update(field.related_model._base_manager.filter(pk__in=ids[start:start + BATCH])
                             .values_list("pk", rest))
        steps = {object_id: companies.get(step) for object_id, step in steps.items()}
    by_company: dict[int, list[int]] = {}
    for pk, object_id in waiting:
        company = known.get(object_id) or steps.get(object_id)
        if company is not None:
            by_company.setdefault(company, []).append(pk)
    for company, pks in by_company.items():
        for start in range(0, len(pks), BATCH):
            entries.model._base_manager.filter(pk__in=pks[start:start + BATCH]).update(company_id=company)


def fill_companies(apps, connection) -> int:
    """Sets the company of every entry without one where it can be told; returns how many."""
    Entry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    without = Entry._base_manager.filter(company__isnull=True)
    kinds = ContentType.objects.filter(pk__in=without.values("content_type").distinct())
    missing = without.count()
    with history_open(connection):
        for kind in kinds:
            try:
                lookup = company_lookup(live_apps.get_model(kind.app_label, kind.model))
                model = apps.get_model(kind.app_label, kind.model)
            except LookupError:  # a model gone since
                continue
            if lookup is None:
                continue
            entries = without.filter(content_type_id=kind.pk)
            try:
                if lookup == ITSELF:
                    entries.update(company_id=Cast("object_id", models.BigIntegerField()))
                    continue
                _from_records(entries, model, lookup)
                _from_traces(without.filter(content_type_id=kind.pk),
                             Entry._base_manager.filter(content_type_id=kind.pk), model, lookup)
            except (FieldError, FieldDoesNotExist):  # the way to the company is newer than this table
                continue
    return missing - without.count()
