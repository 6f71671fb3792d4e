"""What the organisation's duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities
from salesdesk.core.access import ADMINISTER

ORG_ADMIN = capabilities.register(
    ADMINISTER, _("Maintain the organisation and the company's settings"), app="org",
    denied=_("Only organisation administrators can do this."))
