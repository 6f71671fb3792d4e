from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salesdesk.core"
    label = "core"

    def ready(self):
        # Registers `__any_of`, and the scope rules of core's own models.
        from django.utils.translation import gettext_lazy as _

        from . import lookups, scope_rules  # noqa: F401
        from .navigation import MenuGroup, add_group

        # The top bar's drop-downs; each app puts its entries into one with MenuItem(group=…).
        add_group(MenuGroup(key="customers", label=_("Customers"), icon="building"))
        add_group(MenuGroup(key="sales", label=_("Sales"), icon="file-earmark-text"))
        add_group(MenuGroup(key="org", label=_("Organisation"), icon="diagram-3"))
