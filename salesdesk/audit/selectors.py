"""Reads of the audit log shared by pages: a record's timeline in words."""

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEntry
from .registry import timeline_for

TIMELINE_LIMIT = 50
BOOKKEEPING = {"id", "created_at", "updated_at"}  # not shown in a timeline: every save changes them


def label_of(model, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name) if model else name
    except Exception:
        return name


def shown(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or None
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items()) or None
    return str(value)


def changed_fields(entry, *, words: bool = False) -> list:
    """[(label, before, after)] of one entry, in the model's field order where known; with `words`,
    a choice is shown by its label ("in approval") rather than its stored code ("in_review")."""
    model = entry.content_type.model_class()

    def said(name, value):
        return _choice(model, name, shown(value)) if words else shown(value)

    return [(label_of(model, name), said(name, before), said(name, after))
            for name, (before, after) in (entry.changes or {}).items()]


def _choice(model, name: str, value):
    # A status is recorded as its code ("in_review"); the timeline says it in words.
    try:
        field = model._meta.get_field(name) if model else None
    except Exception:
        return value
    if field is not None and getattr(field, "choices", None) and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


def timeline(record, *, related: dict | None = None, company=None, limit: int = TIMELINE_LIMIT) -> list:
    """The audit entries of `record` and of the records in `related` ({model: ids}), newest first.
    Each entry gets `fields` [(label, before, after)] in words (a changed foreign key shows the
    other record's name; with `company`, only names of that company's records) and `about_other`
    (the entry is about a related record)."""
    own_type = ContentType.objects.get_for_model(type(record))
    entries = list(timeline_for(record).select_related("content_type")[:limit])
    for model, ids in (related or {}).items():
        if ids:
            entries += list(AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids],
            ).select_related("content_type").order_by("-at", "-id")[:limit])
    entries.sort(key=lambda entry: (entry.at, entry.pk), reverse=True)
    entries = entries[:limit]
    names = _related_names(entries, company)
    for entry in entries:
        model = entry.content_type.model_class()
        entry.fields = [
            (label, names.get((model, name, before), before), names.get((model, name, after), after))
            for name, (label, before, after) in zip(entry.changes or {}, changed_fields(entry, words=True), strict=True)
            if name not in BOOKKEEPING
        ]
        entry.about_other = entry.content_type_id != own_type.pk
    # An update that only touched bookkeeping (a save that changed nothing a reader cares about) is left out.
    return [entry for entry in entries if entry.fields or entry.action != "update"]


def _related_names(entries, company) -> dict:
    """{(model, field name, shown id): name} for the foreign keys in the entries' changes, so
    the timeline says "销售代表" rather than "12". One query per related model."""
    wanted: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            try:
                field = model._meta.get_field(name) if model else None
            except Exception:
                continue
            if field is not None and field.many_to_one and field.related_model is not None:
                for value in values or []:
                    if isinstance(value, int):
                        wanted.setdefault(field.related_model, {}).setdefault(value, []).append((model, name))
    result = {}
    for related, ids in wanted.items():
        rows = related._default_manager.all()
        if company is not None and any(f.name == "company" for f in related._meta.get_fields()):
            rows = rows.filter(company=company)
        for pk, obj in rows.in_bulk(list(ids)).items():
            for model, name in ids[pk]:
                result[(model, name, str(pk))] = str(obj)
    return result
