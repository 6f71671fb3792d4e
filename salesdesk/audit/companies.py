"""Whose entry is it: the company of the audited record, never the actor's.

An entry is seen by the people of its company only (their audit scope decides which of them);
entries about records of no company (a user account) by system administrators alone.

The way from a record to its company is the one its scope rule names (`ScopeRule.company`:
"company", "customer__company"); a company is its own; a model whose rule names no usable way (or
that has no rule) goes through its foreign keys: a company field, else a record that has a company
(an assignment's employee, a position scope's position). A model reaching no company has none.
"""

from __future__ import annotations

from functools import cache

from salesdesk.core.scope import rule_for

COMPANY = "org.Company"
ITSELF = "pk"
_MISSING = object()
CHUNK = 2000


def _forward_relations(model) -> list:
    """Foreign keys and one-to-one fields of `model`, those that cannot be empty first."""
    relations = [field for field in model._meta.concrete_fields
                 if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model]
    return sorted(relations, key=lambda field: field.null)


def _leads_to_company(model, lookup: str) -> bool:
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return False
        if not (field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)):
            return False
        model = field.related_model
    return model is not None and model._meta.label == COMPANY


def _lookup(model, depth: int) -> str | None:
    if model._meta.label == COMPANY:
        return ITSELF
    rule = rule_for(model)
    if rule is not None and rule.company and _leads_to_company(model, rule.company):
        return rule.company
    relations = _forward_relations(model)
    for field in relations:
        if field.related_model._meta.label == COMPANY:
            return field.name
    if depth <= 0:
        return None
    for field in relations:
        if field.related_model is model:
            continue
        further = _lookup(field.related_model._meta.concrete_model, depth - 1)
        if further is not None and further != ITSELF:
            return f"{field.name}__{further}"
    return None


@cache
def company_lookup(model) -> str | None:
    """The lookup from a record of `model` to its company ("pk" for a company itself), or None."""
    return _lookup(model._meta.concrete_model, depth=2)


def _walk(instance):
    """(company id, None) as far as the loaded relations tell it; else (None, (model, id, lookup)): the
    first related record not loaded and the rest of the way from it."""
    lookup = company_lookup(type(instance))
    if lookup is None:
        return None, None
    if lookup == ITSELF:
        return instance.pk, None
    record = instance
    parts = lookup.split("__")
    for index, part in enumerate(parts[:-1]):
        field = record._meta.get_field(part)
        related_id = getattr(record, field.attname)
        if related_id is None:
            return None, None
        if not field.is_cached(record):
            return None, (field.related_model, related_id, "__".join(parts[index + 1:]))
        record = getattr(record, part)
    return getattr(record, record._meta.get_field(parts[-1]).attname), None


def cached_company(instance):
    """The company id of `instance` as far as it can be told without a query, else `_MISSING`."""
    company, rest = _walk(instance)
    return _MISSING if rest is not None else company


def companies_of(model, pks) -> dict[str, int | None]:
    """{str(pk): company id} of these records of `model`, one query per 2,000 records."""
    lookup = company_lookup(model)
    pks = list(dict.fromkeys(pks))
    if lookup is None:
        return {str(pk): None for pk in pks}
    if lookup == ITSELF:
        return {str(pk): int(pk) for pk in pks}
    found = {}
    manager = model._base_manager
    for start in range(0, len(pks), CHUNK):
        found.update({str(pk): company for pk, company in
                      manager.filter(pk__in=pks[start:start + CHUNK]).values_list("pk", lookup)})
    return found


def company_of(instance) -> int | None:
    """The company id of one record, a query only when its way to the company is not loaded (from the
    first record along it that is not: a deleted record's parent is still there)."""
    company, rest = _walk(instance)
    if rest is None:
        return company
    model, related_id, lookup = rest
    return model._base_manager.filter(pk=related_id).values_list(lookup, flat=True).first()
