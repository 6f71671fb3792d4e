from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "salesdesk.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.audit import registry as audit
        from salesdesk.core.navigation import MenuItem, add

        from . import capabilities, models, queues, scope_rules  # noqa: F401
        from .jobs import register_jobs

        register_jobs()

        from salesdesk.approvals.registry import set_channel_choices

        set_channel_choices(models.Channel.choices)

        for model in (models.CustomerClass, models.LeadSource, models.Tag, models.CustomerPool, models.Customer,
                      models.Contact, models.Lead, models.FollowUp, models.OwnershipChange, models.TeamRouting, models.VisitorRegistration,
                      models.RotationMember, models.VisitorDay):
            audit.register(model, exclude=("name_key", "initials", "mobile_key", "updated_at"))
        audit.register(models.InvoicingProfile, exclude=("updated_at",))

        from salesdesk.org.selectors import HANDOVER_PAGES

        HANDOVER_PAGES.append((_("Hand over customers and leads"), "customers:handover"))

        add(MenuItem(key="customers", group="customers", label=_("Customers"), url_name="customers:list", icon="building", order=3))
        add(MenuItem(key="leads", group="customers", label=_("Leads"), url_name="customers:leads", icon="funnel", order=4))
        add(MenuItem(key="visitors", group="customers", label=_("Visitors"), url_name="customers:visitors", icon="door-open", order=6,
                     visible=_receives_visitors))
        add(MenuItem(key="pool", group="customers", label=_("Customer pool"), url_name="customers:pool", icon="water", order=5))

        from . import api

        resources.register(api.RESOURCES)


def _receives_visitors(request) -> bool:
    """The visitor pages are offered to the people of a sales site: whoever registers visitors or
    takes a step of the register (their duties say so; no query beyond the actor's own)."""
    from .capabilities import ANALYSE_VISITORS, COLLECT_VISITORS, RECEIVE_VISITORS, REGISTER_VISITORS

    actor = getattr(request, "actor", None)
    if actor is None:
        return False
    return actor.is_superuser or any(actor.can(capability) for capability in (
        REGISTER_VISITORS, COLLECT_VISITORS, ANALYSE_VISITORS, RECEIVE_VISITORS))
