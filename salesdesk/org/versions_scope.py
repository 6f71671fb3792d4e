"""Who sees org versions and change sets: like the chart itself, they are the company's
published organisation, readable by all its employees and changed only through the services
in `org.versions` (whose views check who may draft, submit and decide)."""

from salesdesk.core import scope

from .models import OrgChangeSet, OrgVersion

scope.register(OrgChangeSet, scope.ScopeRule(company_wide=True))
scope.register(OrgVersion, scope.ScopeRule(company_wide=True))
