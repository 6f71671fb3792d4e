"""What every document page shows besides its own fields, read the same way for every document type:
whether the reader may change it, its approval history and its audit history. The views of quotations,
contracts, orders, shipments, invoices and payments (and the coming documents) pass this to the shared
template `documents/detail.html`."""

from salesdesk.approvals import registry
from salesdesk.approvals.selectors import requests_for_document
from salesdesk.audit import selectors as audit_selectors


def page_context(request, document, *, related: dict | None = None, attachments=None, attach_url: str = "") -> dict:
    """`related`: {line model: ids} whose changes belong in the document's history;
    `attachments` (None when the document type keeps no files) and where to upload one."""
    model = type(document)
    can_change = model.objects.restrict(request.actor, "change").filter(pk=document.pk).exists()
    context = {
        "document": document,
        "can_change": can_change,
        "approvals": requests_for_document(request.user, document) if _has_approvals(model) else [],
        "timeline": audit_selectors.timeline(document, related=related, company=document.company_id),
    }
    if attachments is not None:
        context.update(attachments=attachments, attach_url=attach_url, can_attach=can_change)
    return context


def _has_approvals(model) -> bool:
    return any(entry.model is model for entry in registry.DOCUMENT_TYPES.values())
