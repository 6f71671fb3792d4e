"""Approvals (审批流): chains configured per document type, and the requests that run through them.

A chain (ApprovalChain) applies to one document type when its conditions hold (amount, discount,
customer level, channel, product line, a price below its floor; none at all: always); its steps
(ApprovalStep) name who approves — by relation to the submitter (direct superior, N levels up, head
of their department), by position (法务, 财务经理, 总经理; when several posts are named, the one
nearest the submitter's department), or by position along the submitter's own line (本大区经理: the
step is skipped where the line has no such post) — and whether all of them must approve (会签) or
any one (或签). A step may have conditions of its own ("总经理 above 500,000").

Whoever organises reviews (组织合同评审) may add a reviewer to the running step, who must then approve
too, and records the review meeting's conclusions on the request (ApprovalNote).

Submitting a document creates an ApprovalRequest: the chain's steps that apply are copied into
`plan`, so later edits of the chain do not change requests under way. The approvers of a step
are found when the step begins (the organisation of that day) and get one ApprovalTask each.
"""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import ScopedManager


class Conditions(models.Model):
    """When a chain or a step applies. Every condition left empty holds for any document."""

    min_amount = models.DecimalField(_("amount from"), max_digits=16, decimal_places=2, null=True, blank=True,
                                     help_text=_("Applies when the amount is at least this much."))
    max_amount = models.DecimalField(_("amount below"), max_digits=16, decimal_places=2, null=True, blank=True,
                                     help_text=_("Applies when the amount is less than this."))
    min_discount = models.DecimalField(_("discount from (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True, help_text=_("Applies when the discount is at least this many per cent."))
    customer_levels = models.JSONField(_("customer levels"), default=list, blank=True,
                                       help_text=_("Applies to customers of these levels only, e.g. C, D."))
    channels = models.JSONField(_("channels"), default=list, blank=True,
                                help_text=_("Applies to customers buying through these channels only."))
    product_lines = models.JSONField(_("product lines"), default=list, blank=True,
                                     help_text=_("Applies when the document contains one of these product lines."))
    below_floor = models.BooleanField(_("below the floor price"), default=False,
                                      help_text=_("Applies only when a price is below its floor price."))

    class Meta:
        abstract = True

    def matches(self, facts) -> bool:
        amount = facts.amount if facts.amount is not None else Decimal(0)
        if self.min_amount is not None and amount < self.min_amount:
            return False
        if self.max_amount is not None and amount >= self.max_amount:
            return False
        if self.min_discount is not None and (facts.discount or Decimal(0)) < self.min_discount:
            return False
        if self.customer_levels and facts.customer_level not in self.customer_levels:
            return False
        if self.channels and facts.channel not in self.channels:
            return False
        if self.product_lines and not set(self.product_lines).intersection(facts.product_lines):
            return False
        if self.below_floor and not facts.below_floor:
            return False
        return True

    def conditions_text(self) -> str:
        from django.utils.translation import gettext

        parts = []
        if self.min_amount is not None:
            parts.append(gettext("amount ≥ %(amount)s") % {"amount": f"{self.min_amount:,.2f}"})
        if self.max_amount is not None:
            parts.append(gettext("amount < %(amount)s") % {"amount": f"{self.max_amount:,.2f}"})
        if self.min_discount is not None:
            parts.append(gettext("discount ≥ %(discount)s%%") % {"discount": self.min_discount.normalize()})
        if self.customer_levels:
            parts.append(gettext("customer level %(levels)s") % {"levels": "/".join(self.customer_levels)})
        if self.channels:
            from .registry import CHANNEL_CHOICES

            labels = dict(CHANNEL_CHOICES)
            parts.append(gettext("channel %(channels)s") % {
                "channels": "/".join(str(labels.get(channel, channel)) for channel in self.channels)})
        if self.product_lines:
            parts.append(gettext("product line %(lines)s") % {"lines": "/".join(self.product_lines)})
        if self.below_floor:
            parts.append(gettext("below the floor price"))
        return "; ".join(parts)


class ApprovalChain(Conditions):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="approval_chains")
    document_type = models.CharField(_("document type"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("When several chains apply, the one with the smallest number is used."))
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("approval chain")
        verbose_name_plural = _("approval chains")
        ordering = ["document_type", "priority", "id"]

    def __str__(self):
        return self.name


class ApproverKind(models.TextChoices):
    SUPERIOR = "superior", _("direct superior")
    LEVELS_UP = "levels_up", _("superior N levels up")
    DEPARTMENT_HEAD = "department_head", _("head of the submitter's department")
    POSITIONS = "positions", _("holders of positions")
    LINE = "line", _("holders of positions in the submitter's line (skipped where there is none)")


class StepMode(models.TextChoices):
    ALL = "all", _("all must approve (会签)")
    ANY = "any", _("any one approves (或签)")


class ApprovalStep(Conditions):
    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("step"), max_length=100)
    approver = models.CharField(_("approvers"), max_length=16, choices=ApproverKind.choices,
                                default=ApproverKind.SUPERIOR)
    levels = models.PositiveSmallIntegerField(_("levels up"), default=1)
    positions = models.ManyToManyField("org.Position", blank=True, related_name="+", verbose_name=_("positions"))
    mode = models.CharField(_("mode"), max_length=8, choices=StepMode.choices, default=StepMode.ANY)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["chain", "order", "id"]

    def __str__(self):
        return self.name


class ApprovalRequest(models.Model):
    """One document's way through a chain. `plan` is the list of steps that apply, copied from the
    chain at submission: [{"name", "approver", "levels", "positions", "mode"}]."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in approval")
        STALLED = "stalled", _("stopped: no approver")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for changes")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN = (Status.PENDING, Status.STALLED)

    class Stall(models.TextChoices):
        NO_CHAIN = "no_chain", _("no approval chain applies to this document")
        NO_APPROVER = "no_approver", _("nobody can approve this step")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    document_type = models.CharField(_("document type"), max_length=32)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("document"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True, editable=False)
    submitter = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="approval_requests",
                                  verbose_name=_("submitted by"))
    chain = models.ForeignKey(ApprovalChain, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("approval chain"))
    chain_name = models.CharField(_("approval chain"), max_length=100, blank=True)
    plan = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    current_step = models.PositiveSmallIntegerField(default=0)
    stall_reason = models.CharField(max_length=16, blank=True, choices=Stall.choices)
    stall_detail = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["submitter", "status"]),
            # "Submitted by me" in its order, however many the person has submitted over the years.
            models.Index(fields=["submitter", "-submitted_at", "-id"], name="approval_submitted_order"),
        ]
        constraints = [
            # One open request per document: a second submission while one runs is refused.
            models.UniqueConstraint(fields=["content_type", "object_id"], condition=models.Q(status__in=["pending", "stalled"]),
                                    name="approval_one_open_request"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def step_name(self) -> str:
        if 0 <= self.current_step < len(self.plan):
            return self.plan[self.current_step]["name"]
        return ""

    def stall_message(self) -> str:
        return stall_text(self.stall_reason, self.step_name, self.stall_detail)


def stall_text(reason: str, step: str, detail: str) -> str:
    """Why an approval stopped, in the active language (also used by the notification)."""
    from django.utils.translation import gettext

    if reason == ApprovalRequest.Stall.NO_CHAIN:
        return gettext("No approval chain applies to this document. Configure one for this document type, then resume.")
    if reason == ApprovalRequest.Stall.NO_APPROVER:
        return gettext("Nobody can approve step “%(step)s”: %(detail)s. Fill the position or change the chain, "
                  "then resume.") % {"step": step, "detail": detail}
    return ""


class ApprovalTask(models.Model):
    """One approver's part in one step."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for changes")
        CLOSED = "closed", _("closed without action")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="tasks")
    step = models.PositiveSmallIntegerField()
    step_name = models.CharField(_("step"), max_length=100)
    approver = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="approval_tasks",
                                 verbose_name=_("approver"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    # A reviewer added while the step runs (加签) must approve whatever the step's mode.
    required = models.BooleanField(default=False)
    added_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("added by"))
    created_at = models.DateTimeField(auto_now_add=True)
    acted_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")
        ordering = ["request", "step", "id"]
        indexes = [models.Index(fields=["approver", "status"]),
                   # "Decided by me", newest first: a director decides thousands of steps a year.
                   models.Index(fields=["approver", "-acted_at", "-id"], name="approval_decided_order")]
        constraints = [models.UniqueConstraint(fields=["request", "step", "approver"], name="approval_task_unique")]

    def __str__(self):
        return f"{self.request} · {self.step_name} · {self.approver}"


class ApprovalNote(models.Model):
    """What a review meeting concluded (评审记录), kept with the request it reviewed."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    held_on = models.DateField(_("meeting date"))
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)
    conclusion = models.TextField(_("conclusion"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("review record")
        verbose_name_plural = _("review records")
        ordering = ["request", "held_on", "id"]

    def __str__(self):
        return f"{self.request} · {self.held_on}"
