"""How many records each table holds and a fingerprint of the whole audit log, as JSON.

    manage.py record_digest > before.json     # with the server stopped, next to the backup
    manage.py record_digest > after.json      # on the restored database
    diff before.json after.json               # equal when the restore holds everything

The audit log's fingerprint is a SHA-256 over every entry in id order (time, who, what, before and
after, company), so an entry lost, altered or added shows even when the count matches.
"""

from __future__ import annotations

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand

from salesdesk.audit.models import AuditEntry

AUDIT_FIELDS = ("id", "at", "actor_id", "actor_name", "actor_employee_id", "source", "request_id", "action",
                "content_type_id", "object_id", "object_repr", "changes", "company_id")


def table_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        counts[meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def audit_fingerprint() -> dict:
    digest = hashlib.sha256()
    entries = 0
    last_id = None
    rows = AuditEntry._base_manager.order_by("id").values_list(*AUDIT_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        values = dict(zip(AUDIT_FIELDS, row, strict=True))
        values["at"] = values["at"].isoformat()
        digest.update(json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode())
        digest.update(b"\n")
        entries += 1
        last_id = values["id"]
    return {"entries": entries, "last_id": last_id, "sha256": digest.hexdigest()}


class Command(BaseCommand):
    help = ("Print record counts per table and a fingerprint of the audit log as JSON, to compare a "
            "database before a backup with its restore.")

    def handle(self, *args, **options):
        self.stdout.write(json.dumps({"tables": table_counts(), "audit_log": audit_fingerprint()},
                                     indent=1, ensure_ascii=False))
