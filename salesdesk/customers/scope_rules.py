"""Who sees which customer records (module "customers").

* A customer: its current owner's scope (本人, 下属, 部门 … as the position grants), its
  collaborators, and — while it sits in a pool (no owner) — everyone who may claim from that
  pool: the pool's department and everything below it, or the whole company for a company pool,
  plus managers whose department scope covers the pool's department.
* Contacts, the invoicing profile and ownership history follow their customer; a follow-up is
  seen with its customer or lead, and by whoever sees its author (a rep's own visits stay in
  their reports).
* A visit plan: its rep's scope (the superiors review the week).
* A lead: its owner's scope; while unassigned, the managers whose department scope covers the
  team it waits in.
* Classes, sources, tags and pools are company reference data.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesdesk.core import scope
from salesdesk.core.scope import Action, covered_departments

from .models import (
    Contact,
    Customer,
    CustomerClass,
    CustomerPool,
    FollowUp,
    ImportJob,
    InvoicingProfile,
    Lead,
    LeadSource,
    OwnershipChange,
    RotationMember,
    Tag,
    TeamRouting,
    VisitorDay,
    VisitorRegistration,
    VisitPlan,
)

MODULE = "customers"


def _ancestor_paths(path: str) -> list[str]:
    """'/1/5/9/' -> ['/1/', '/1/5/', '/1/5/9/']"""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def pool_members_see(user_scope, action) -> Q:
    if action != Action.VIEW:
        return Q(pk__in=[])  # claiming is its own service with its own rules; nobody edits pool customers
    paths = sorted({ancestor for position in user_scope.positions for ancestor in _ancestor_paths(position.department.path)})
    condition = Q(department__isnull=True) | Q(department__path__in=paths)
    managed = covered_departments(user_scope, MODULE, "department__path")
    if managed is not None:
        condition |= managed
    # The pools as a literal list of ids (few per company), so that the customer query can use
    # its pool index next to the owner index; read once per request like the rest of the scope.
    key = ("customers.pools", action)
    if key not in user_scope._shared:
        user_scope._shared[key] = list(CustomerPool.objects.filter(
            condition, company_id=user_scope.company_id).values_list("pk", flat=True))
    pools = user_scope._shared[key]
    return Q(pool_id__in=pools) if pools else Q(pk__in=[])


def team_leads_see(user_scope, action) -> Q:
    covered = covered_departments(user_scope, MODULE, "team__path", writing=action != Action.VIEW)
    return Q(pk__in=[]) if covered is None else covered


scope.register_module(MODULE, _("Customers"))
for reference in (CustomerClass, LeadSource, Tag, CustomerPool, TeamRouting):
    scope.register(reference, scope.ScopeRule(company_wide=True))
scope.register(Customer, scope.ScopeRule(module=MODULE, collaborators=True, unowned=pool_members_see))
scope.register(Contact, scope.ScopeRule(module=MODULE, owner="", parents=("customer",), company="customer__company"))
scope.register(OwnershipChange, scope.ScopeRule(module=MODULE, owner="", parents=("customer",),
                                                company="customer__company"))
scope.register(InvoicingProfile, scope.ScopeRule(module=MODULE, owner="", parents=("customer",),
                                                 company="customer__company"))
scope.register(FollowUp, scope.ScopeRule(module=MODULE, parents=("customer", "lead"), company="owner__company",
                                         handed_over=False))
scope.register(Lead, scope.ScopeRule(module=MODULE, unowned=team_leads_see))
scope.register(ImportJob, scope.ScopeRule(module=MODULE, owner="created_by", handed_over=False))
scope.register(VisitorRegistration, scope.ScopeRule(module=MODULE, owner="receptionist", handed_over=False))
# A rep's plans are theirs and their superiors' to see (the weekly review), not handed over.
scope.register(VisitPlan, scope.ScopeRule(module=MODULE, company="owner__company", handed_over=False))
# The rotation and the day registers are the site's working lists, readable company-wide; who may
# move a register up is decided by the service (the registrations themselves stay scoped).
scope.register(RotationMember, scope.ScopeRule(company_wide=True, company="site__company"))
scope.register(VisitorDay, scope.ScopeRule(company_wide=True))
