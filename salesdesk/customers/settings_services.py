"""Company settings of the customers module, written by organisation administrators: customer
classes, lead sources, pools with their rules, and how each team's leads are routed. Reference
rows are never deleted (customers point at them); they are switched off."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.org.models import Company, Department

from .models import CustomerClass, CustomerPool, LeadSource, TeamRouting


@transaction.atomic
def save_reference_rows(*, company: Company, model: type, rows: list) -> int:
    """Save the changed rows of a classes or sources formset (unsaved instances from
    `form.save(commit=False)`), all or nothing. Names must stay unique in the company."""
    if model not in (CustomerClass, LeadSource):
        raise ValueError(model)
    names = {}
    for row in model.objects.filter(company=company):
        names[row.name] = row.pk
    for row in rows:
        row.name = " ".join((row.name or "").split())
        if not row.name:
            raise ValidationError(_("Every row needs a name."))
        owner = names.get(row.name)
        if owner is not None and owner != row.pk:
            raise ValidationError(_("%(name)s is there already.") % {"name": row.name})
        if row.pk:
            names = {name: pk for name, pk in names.items() if pk != row.pk}
        names[row.name] = row.pk or -1
    for row in rows:
        if row.pk and row.company_id != company.pk:
            raise ValidationError(_("That row belongs to another company."))
        row.company = company
        row.save()
    return len(rows)


@transaction.atomic
def save_pool(*, company: Company, pool: CustomerPool | None, department: Department | None, **rules) -> CustomerPool:
    """Create or change a pool: one per department, one company-wide; rules as on the model."""
    if department is not None and department.company_id != company.pk:
        raise ValidationError(_("That department belongs to another company."))
    clash = CustomerPool.objects.filter(company=company, department=department)
    if pool is not None:
        clash = clash.exclude(pk=pool.pk)
    if clash.exists():
        raise ValidationError({"department": _("That department has a pool already.") if department
                               else _("The company has a company-wide pool already.")})
    if pool is not None and pool.department_id is None and department is not None:
        raise ValidationError({"department": _("The company-wide pool stays company-wide.")})
    if pool is None:
        pool = CustomerPool(company=company)
    pool.department = department
    for name, value in rules.items():
        setattr(pool, name, value)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def set_team_routing(*, company: Company, team: Department, mode: str) -> TeamRouting:
    if team.company_id != company.pk:
        raise ValidationError(_("That department belongs to another company."))
    if mode not in TeamRouting.Mode.values:
        raise ValidationError(_("Unknown routing %(mode)s.") % {"mode": mode})
    routing, _created = TeamRouting.objects.update_or_create(team=team, defaults={"company": company, "mode": mode})
    return routing
