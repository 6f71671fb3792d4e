"""What customer duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities

# Privacy: administrators do not read every mobile number just because they keep the organisation.
FULL_MOBILE = capabilities.register(
    "full_mobile", _("Read customers' mobile numbers in full"), app="customers", org_admins=False)
# 来访登记 as the site hands it up (002): the 组长 collects his team's entries, the 女专 (or 副专)
# analyses the site's, the 策划部 receives them. Bound to these duties at the site, not to a wide scope.
COLLECT_VISITORS = capabilities.register(
    "collect_visitor_registers", _("Collect the team's visitor register (team leader)"), app="customers",
    org_admins=False,
    denied=_("Only the team leader collects the team's visitor register."))
ANALYSE_VISITORS = capabilities.register(
    "analyse_visitor_registers", _("Analyse the site's visitor registers (site secretary)"), app="customers",
    org_admins=False,
    denied=_("Only the site secretary analyses the site's visitor registers."))
RECEIVE_VISITORS = capabilities.register(
    "receive_visitor_registers", _("Receive the sites' visitor registers (planning)"), app="customers",
    org_admins=False,
    denied=_("Only the planning department receives the visitor registers."))
REGISTER_VISITORS = capabilities.register(
    "register_visitors", _("Register visitors and calls at the sales site"), app="customers", org_admins=False,
    denied=_("Only the people of a sales site register its visitors."))
