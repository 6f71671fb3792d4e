"""How core's own records are scoped: number series are company reference data (everyone in the
company reads them; only administrators change them); their counters follow the series."""

from . import scope
from .models import NumberCounter, NumberSeries

scope.register(NumberSeries, scope.ScopeRule(company_wide=True))
scope.register(NumberCounter, scope.ScopeRule(company_wide=True, company="series__company"))
