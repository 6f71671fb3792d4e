"""The workbench queue "org_changes": submitted org change sets waiting for my decision."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.workbench.registry import Queue, register


def awaiting(user):
    from .models import OrgChangeSet

    if user is None or not getattr(user, "is_authenticated", False):
        return OrgChangeSet.objects.none()
    return OrgChangeSet.objects.restrict(user).filter(status=OrgChangeSet.Status.SUBMITTED,
                                                      approver__user_id=user.pk,
                                                      approver__status="active")


register(Queue(
    key="org_changes",
    title=_("Org changes to approve"),
    description=_("Change sets of the organisation submitted to me for approval"),
    count=lambda user: awaiting(user).count(),
    url=lambda user: reverse("org:versions") + "?awaiting=me",
    order=90,
))
