"""What approval duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities

ORGANIZE_REVIEWS = capabilities.register(
    "organize_reviews", _("Organise reviews: add reviewers and record review meetings"), app="approvals",
    denied=_("Only those who organise reviews add reviewers and record review meetings."))
