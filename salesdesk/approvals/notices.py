"""How approval notifications read."""

from django.utils.translation import gettext as _

from salesdesk.notifications.registry import register

from . import registry
from .models import stall_text


def _document(params) -> str:
    kind = registry.DOCUMENT_TYPES.get(params.get("document_type"))
    label = str(kind.label) if kind else ""
    return f"{label} {params['title']}".strip()


def _with_comment(text: str, params) -> str:
    comment = params.get("comment")
    return f"{text}: {comment}" if comment else text


register("approval_requested", lambda p: _("%(actor)s asks you to approve %(document)s") % {
    "actor": p["actor"], "document": _document(p)})
register("approval_approved", lambda p: _with_comment(_("%(document)s has been approved (last step: %(actor)s)") % {
    "actor": p["actor"], "document": _document(p)}, p))
register("approval_rejected", lambda p: _with_comment(_("%(actor)s rejected %(document)s") % {
    "actor": p["actor"], "document": _document(p)}, p))
register("approval_returned", lambda p: _with_comment(_("%(actor)s returned %(document)s for changes") % {
    "actor": p["actor"], "document": _document(p)}, p))
register("approval_withdrawn", lambda p: _("%(actor)s withdrew %(document)s; it no longer needs your approval") % {
    "actor": p["actor"], "document": _document(p)})
register("approval_stalled", lambda p: _("Approval of %(document)s has stopped. %(reason)s") % {
    "document": _document(p), "reason": stall_text(p["reason"], p.get("step", ""), p.get("detail", ""))})
