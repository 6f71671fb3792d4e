"""Which models are audited, and the signal handlers that record their changes.

A model opts in with `audit.registry.register(Model)`. Creates, updates and deletes through the
ORM (services, admin, API, commands) are recorded with the actor and request id from
`core.contextvars` and the record's company (companies.py). Many-to-many changes are recorded as
updates of that field. What sends no signal (update(), bulk_create) the services record themselves
with changes.ChangeLog.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .changes import ChangeLog, plain, snapshot

_AUDITED: dict[type, set[str]] = {}


def register(model: type, exclude: tuple[str, ...] = ()) -> None:
    _AUDITED[model] = set(exclude)
    pre_save.connect(_remember_before, sender=model, weak=False, dispatch_uid=f"audit-pre-{model._meta.label}")
    post_save.connect(_record_save, sender=model, weak=False, dispatch_uid=f"audit-post-{model._meta.label}")
    post_delete.connect(_record_delete, sender=model, weak=False, dispatch_uid=f"audit-del-{model._meta.label}")
    for field in model._meta.many_to_many:
        if field.name not in exclude:
            m2m_changed.connect(_record_m2m(model, field.name), sender=field.remote_field.through, weak=False,
                                dispatch_uid=f"audit-m2m-{model._meta.label}-{field.name}")


def is_audited(model: type) -> bool:
    return model in _AUDITED


def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(before) if before is not None else None


def _write(instance, object_id, object_repr, action, changes):
    log = ChangeLog()
    log.add(type(instance), object_id, object_repr, action, changes, instance=instance)
    log.write()


def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        _write(instance, instance.pk, instance, "create", changes)
        return
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if changes:
        _write(instance, instance.pk, instance, "update", changes)
    instance._audit_before = after


def _record_delete(sender, instance, **kwargs):
    before = snapshot(instance)
    _write(instance, instance.pk, instance, "delete", {name: [value, None] for name, value in before.items()})


def _record_m2m(model, field_name):
    def handler(sender, instance, action, pk_set, reverse, **kwargs):
        if reverse or not isinstance(instance, model):
            return
        if action == "pre_add" or action == "pre_remove" or action == "pre_clear":
            instance._audit_m2m_before = sorted(getattr(instance, field_name).values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        before = getattr(instance, "_audit_m2m_before", None)
        after = sorted(getattr(instance, field_name).values_list("pk", flat=True))
        if before != after:
            _write(instance, instance.pk, instance, "update", {field_name: [before, after]})

    return handler


def record_bulk_update(model: type, rows, action: str = "update", *, company=None) -> int:
    """Audit entries for changes made in bulk (UPDATE over many rows, bulk_create), which send no
    signals: `rows` yields (object id, object repr, {field: (before, after)}). Same actor and request
    id as the signal handlers use; each entry gets its record's company (`company`, when the caller
    knows they are all of one, else read in one query per 2,000 records). Services that hold the
    records themselves use changes.ChangeLog."""
    log = ChangeLog()
    known = {} if company is None else {"company": getattr(company, "pk", company)}
    for object_id, object_repr, changes in rows:
        log.add(model, object_id, object_repr, action,
                {name: [plain(before), plain(after)] for name, (before, after) in changes.items()}, **known)
    return log.write()


def timeline_for(instance):
    """Audit entries of one record, newest first."""
    from .models import AuditEntry

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    )


__all__ = ["register", "is_audited", "snapshot", "timeline_for", "record_bulk_update", "models", "ChangeLog"]
