from django.apps import AppConfig


class ScopetestConfig(AppConfig):
    name = "tests.scopetest"
    label = "scopetest"

    def ready(self):
        from salesdesk.core import scope

        from .models import Account, Ticket, Unregistered

        scope.register_module("testing", "testing")
        scope.register(Account, scope.ScopeRule(module="testing", owner="owner", collaborators=True))
        scope.register(Ticket, scope.ScopeRule(module="testing", owner="owner", via=("account",),
                                               collaborators=True))
        del Unregistered  # deliberately without a rule: must show nothing to non-admins
