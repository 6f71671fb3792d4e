from django.apps import AppConfig


class ScopetestConfig(AppConfig):
    name = "tests.scopetest"
    label = "scopetest"

    def ready(self):
        from salesdesk.core import scope

        from .models import Account, Complaint, ExpenseClaim, Memo, Ticket, Unregistered

        scope.register_module("testing", "testing")
        scope.register(Account, scope.ScopeRule(module="testing", owner="owner", collaborators=True))
        scope.register(Ticket, scope.ScopeRule(module="testing", owner="owner", via=("account",),
                                               collaborators=True))
        scope.register(Memo, scope.ScopeRule(module="testing", owner="owner", collaborators=True))
        scope.register(ExpenseClaim, scope.ScopeRule(module="testing", owner="owner"))
        scope.register(Complaint, scope.ScopeRule(module="testing", owner="owner", via=("customer",)))
        del Unregistered  # deliberately without a rule: must show nothing to non-admins

        _register_memo(Memo)
        _register_expense_claim(ExpenseClaim)


def _register_memo(Memo):
    from decimal import Decimal

    from django.db.models import F

    from salesdesk.approvals import registry

    def moved_to(status, count=False):
        def handler(memo, request):
            Memo.objects.filter(pk=memo.pk).update(status=status, **({"approvals": F("approvals") + 1} if count else {}))
        return handler

    registry.register(registry.DocumentType(
        key="memo", label="Memo", model=Memo,
        facts=lambda memo: registry.Facts(amount=memo.amount, discount=memo.discount or Decimal(0),
                                          customer_level=memo.level,
                                          product_lines=tuple(filter(None, memo.lines.split(","))),
                                          owner_id=memo.owner_id, below_floor=memo.below_floor),
        title=lambda memo: memo.title,
        on_approved=moved_to("approved", count=True), on_rejected=moved_to("rejected"),
        on_returned=moved_to("draft"), on_withdrawn=moved_to("draft"),
    ))


def _register_expense_claim(ExpenseClaim):
    from salesdesk.approvals.registry import Facts
    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key="expense_claim", label="Expense claim", model=ExpenseClaim,
        facts=lambda claim: Facts(amount=claim.amount, owner_id=claim.owner_id), title=lambda claim: claim.number,
        approved=ExpenseClaim.Status.APPROVED, rejected=ExpenseClaim.Status.REJECTED,
        returned=ExpenseClaim.Status.DRAFT, withdrawn=ExpenseClaim.Status.DRAFT)
