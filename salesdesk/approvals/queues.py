"""The workbench queue 待我审批: steps waiting for my decision. It shows for holders of an
"approvals" duty, and for anyone else (法务, 财务 …) as soon as something waits for them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.workbench.registry import Queue, register

from .selectors import my_pending_tasks

register(Queue(
    key="approvals",
    title=_("Awaiting my approval"),
    description=_("Documents waiting for my decision, oldest first"),
    count=lambda user: my_pending_tasks(user).count(),
    url=lambda user: reverse("approvals:inbox"),
    order=5,
    shown_when_waiting=True,
))
