"""Who sees what in approvals (module "sales").

* A chain is company reference data (administrators change it).
* A request: whoever's scope covers its submitter (the submitter, their superiors …), plus its
  approvers and the document's owner, who are made read collaborators when they get involved.
* A task: its approver's scope, and whoever sees its request.
* A review record: whoever sees its request.
"""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import scope

from .models import ApprovalChain, ApprovalNote, ApprovalRequest, ApprovalTask

MODULE = "sales"

scope.register_module(MODULE, _("Sales"))
scope.register(ApprovalChain, scope.ScopeRule(company_wide=True))
scope.register(ApprovalRequest, scope.ScopeRule(module=MODULE, owner="submitter", collaborators=True,
                                                handed_over=False))
scope.register(ApprovalTask, scope.ScopeRule(module=MODULE, owner="approver", parents=("request",),
                                             company="request__company", handed_over=False))
scope.register(ApprovalNote, scope.ScopeRule(module=MODULE, owner="author", parents=("request",),
                                             company="request__company", handed_over=False))
