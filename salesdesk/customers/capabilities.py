"""What customer duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities

# Privacy: administrators do not read every mobile number just because they keep the organisation.
FULL_MOBILE = capabilities.register(
    "full_mobile", _("Read customers' mobile numbers in full"), app="customers", org_admins=False)
