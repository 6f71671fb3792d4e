from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salesdesk.core"
    label = "core"

    def ready(self):
        # Registers `__any_of`, and the scope rules of core's own models.
        from . import lookups, scope_rules  # noqa: F401
