"""Who sees which org records. Structure (departments, positions, duties, territories) is the
company's published chart, readable by all its employees; people are scoped by the org module."""

from salesdesk.core import scope

from .models import Assignment, Department, Duty, Employee, Position, Territory

scope.register(Department, scope.ScopeRule(company_wide=True))
scope.register(Position, scope.ScopeRule(company_wide=True))
scope.register(Territory, scope.ScopeRule(company_wide=True))
scope.register(Duty, scope.ScopeRule(company_wide=True, company="position__company"))
scope.register(Employee, scope.ScopeRule(module="org", owner="pk"))
scope.register(Assignment, scope.ScopeRule(module="org", owner="employee"))
