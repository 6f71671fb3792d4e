from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salesdesk.core"
    label = "core"

    def ready(self):
        from . import lookups  # noqa: F401  (registers `__any_of`)
