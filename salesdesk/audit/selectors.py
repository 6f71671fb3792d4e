"""Reads of the audit log shared by pages: entries in words, for a record's timeline and the log page.

An entry stores what changed as the database holds it ({field: [before, after]}: choice codes, ids,
decimals as text, times in UTC). `fields_in_words()` turns a page of entries into what a reader of
the pages would see: the field's label, a status in words, a person's name rather than their id,
money grouped as on the pages, a rate as a percentage, a time in the local time zone."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEntry
from .registry import timeline_for

TIMELINE_LIMIT = 50
BOOKKEEPING = {"id", "created_at", "updated_at"}  # not shown to readers: every save changes them


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # a field removed since the entry was written
        return None


def label_of(model, name: str) -> str:
    """The field's label as the forms and pages say it. A relation left without a label of its own
    (Django's default: its name, untranslated) and named after the model it points to (`company`,
    `order` → SalesOrder, `chain` → ApprovalChain) is labelled with that model's name."""
    field = _field(model, name)
    if field is None:
        return name
    label = field.verbose_name
    related = field.related_model if field.is_relation else None
    unlabelled = isinstance(label, str) and label == name.replace("_", " ")
    if unlabelled and related is not None and related._meta.model_name.endswith(name.replace("_", "")):
        label = related._meta.verbose_name
    return capfirst(label)


def is_rate(field) -> bool:
    """A rate is kept as a fraction (a tax rate of 13 % is 0.1300; sales.services refuses 13) and is
    read as a percentage. The rule goes by name so that every rate, present or to come, reads the same
    without a list to keep up: a decimal field called `rate` or `…_rate`. Values that are already
    per cent are named otherwise and labelled so (`discount`, "discount (%)") and stay as they are."""
    return isinstance(field, models.DecimalField) and (field.name == "rate" or field.name.endswith("_rate"))


def _decimal(field, value):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if field is not None and is_rate(field):
        return f"{format((number * 100).normalize(), 'f')}%"
    places = getattr(field, "decimal_places", None)
    if places in (2, 4):  # money (two places) and prices (four) read as on the pages: 1,234.50
        exponent = number.normalize().as_tuple().exponent
        return floatformat(number, f"{max(2, -exponent)}g")
    if places:  # quantities and the like, as the pages show them: 5, 2.500
        return floatformat(number, f"-{places}")
    return str(value)


def _moment(field, value):
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(str(value))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return dateformat.format(timezone.localtime(moment), "Y-m-d H:i")
        return dateformat.format(datetime.date.fromisoformat(str(value)), "Y-m-d")
    except (TypeError, ValueError):
        return str(value)


def _plain(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or None
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items()) or None
    return str(value)


def value_in_words(field, value, names: dict):
    """One recorded value as the pages show it; None for nothing. `names`: {(model, pk): name}
    of the records the relations point to (see `_related_names`); an id not among them stays an id."""
    if value is None or value == "" or value == []:
        return None
    if field is None:
        return _plain(value)
    if field.many_to_many and isinstance(value, (list, tuple)):
        return ", ".join(names.get((field.related_model, item), str(item)) for item in value) or None
    if field.many_to_one or field.one_to_one:
        return names.get((field.related_model, value), str(value))
    if getattr(field, "choices", None):
        labels = dict(field.flatchoices)
        if value in labels:
            return str(labels[value])
    if isinstance(value, bool):
        return _plain(value)
    if isinstance(field, models.DecimalField):
        return _decimal(field, value)
    if isinstance(field, models.DateField):  # and DateTimeField, its subclass
        return _moment(field, value)
    return _plain(value)


def fields_in_words(entries, *, company=None) -> list[list[tuple]]:
    """For each entry, its changes as [(label, before, after)] in words, in the recorded order and
    without bookkeeping fields. The names of related records are read once per related model for all
    the entries together; with `company` (an id or a Company), only that company's records are named."""
    names = _related_names(entries, company)
    labels: dict = {}  # (model, name) → the label in the reader's language, translated once per page
    result = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows = []
        for name, values in (entry.changes or {}).items():
            if name in BOOKKEEPING:
                continue
            before, after = values if isinstance(values, (list, tuple)) and len(values) == 2 else (None, values)
            field = _field(model, name)
            if (model, name) not in labels:
                labels[(model, name)] = str(label_of(model, name))
            rows.append((labels[(model, name)], value_in_words(field, before, names),
                         value_in_words(field, after, names)))
        result.append(rows)
    return result


def record_type(entry) -> str:
    """What kind of record the entry is about, in words ("Customer")."""
    model = entry.content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else entry.content_type.model


def log_rows(entries, *, company=None) -> list[tuple]:
    """The rows of the audit log page: (entry, record type, [(label, before, after)])."""
    entries = list(entries)
    return [(entry, record_type(entry), fields)
            for entry, fields in zip(entries, fields_in_words(entries, company=company), strict=True)]


def timeline(record, *, related: dict | None = None, company=None, limit: int = TIMELINE_LIMIT) -> list:
    """The audit entries of `record` and of the records in `related` ({model: ids}), newest first.
    Each entry gets `fields` [(label, before, after)] in words (see `fields_in_words`; with `company`,
    only names of that company's records) and `about_other` (the entry is about a related record)."""
    own_type = ContentType.objects.get_for_model(type(record))
    entries = list(timeline_for(record).select_related("content_type")[:limit])
    for model, ids in (related or {}).items():
        if ids:
            entries += list(AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids],
            ).select_related("content_type").order_by("-at", "-id")[:limit])
    entries.sort(key=lambda entry: (entry.at, entry.pk), reverse=True)
    entries = entries[:limit]
    for entry, fields in zip(entries, fields_in_words(entries, company=company), strict=True):
        entry.fields = fields
        entry.about_other = entry.content_type_id != own_type.pk
    # An update that only touched bookkeeping (a save that changed nothing a reader cares about) is left out.
    return [entry for entry in entries if entry.fields or entry.action != "update"]


def _related_names(entries, company) -> dict:
    """{(related model, id): name} for the ids that the entries' relations (foreign keys and
    many-to-many lists) hold, so that a change says "李代表" rather than "12". One query per related
    model for all the entries; with `company`, a model with a company field is read only within it."""
    wanted: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            field = _field(model, name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            if not (field.many_to_one or field.one_to_one or field.many_to_many):
                continue
            for value in values if isinstance(values, (list, tuple)) else [values]:
                for item in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(item, int) and not isinstance(item, bool):
                        wanted.setdefault(field.related_model, set()).add(item)
    result = {}
    for related, ids in wanted.items():
        rows = related._default_manager.all()
        if company is not None and any(f.name == "company" for f in related._meta.get_fields()):
            rows = rows.filter(company=company)
        for pk, obj in rows.in_bulk(sorted(ids)).items():
            result[(related, pk)] = str(obj)
    return result
