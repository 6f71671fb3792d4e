"""Finance (财务): invoices (开票, with the two-person review 双人复核), payments (回款) and their
allocation to invoices and installments, receivables (应收) with collection, and credit control (信用).

An invoice request (开票申请) is written from an order's shipped lines by the sales assistant, checked
by a second person (never the one who asked), issued with the tax office's invoice number, mailed,
and received by the customer. Its lines must match the order: same product, same price, and never
more than is shipped and not yet invoiced (or ordered, if the company invoices against orders)."""

from django.db import models
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core.scope import ScopedManager
from salesdesk.documents.models import CustomerDocument

MONEY = {"max_digits": 16, "decimal_places": 2}


class CreditPolicy(models.TextChoices):
    CASH = "cash", _("cash before delivery (现款现货)")
    CREDIT = "credit", _("on credit")


class FinanceSettings(models.Model):
    class Basis(models.TextChoices):
        SHIPPED = "shipped", _("what has been shipped")
        ORDERED = "ordered", _("what has been ordered")

    company = models.OneToOneField("org.Company", on_delete=models.CASCADE, related_name="finance_settings")
    DEFAULT_PAYMENT_DAYS = 30

    invoice_basis = models.CharField(_("invoice up to"), max_length=8, choices=Basis.choices, default=Basis.SHIPPED)
    default_payment_days = models.PositiveSmallIntegerField(
        _("days to pay an invoice"), default=DEFAULT_PAYMENT_DAYS,
        help_text=_("For customers without a credit profile; the profile's days of credit apply otherwise."))
    # A customer nobody has rated yet is not exempt from credit control: these apply until someone does.
    default_credit_policy = models.CharField(
        _("payment policy of unrated customers"), max_length=8, choices=CreditPolicy.choices,
        default=CreditPolicy.CASH,
        help_text=_("For customers without a credit profile. Cash before delivery unless you choose otherwise."))
    default_credit_limit = models.DecimalField(
        _("credit limit of unrated customers"), max_digits=16, decimal_places=2, default=0,
        help_text=_("Applies when unrated customers buy on credit."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")

    def __str__(self):
        return str(self.company)


# What an invoice still has open, as receivables.OPEN computes it (and `open > 0` as it filters).
OPEN_AMOUNT = models.F("amount") - models.F("paid_amount") - models.F("written_off_amount")
OPEN_AMOUNT_ABOVE_ZERO = GreaterThan(OPEN_AMOUNT, 0)


class Invoice(CustomerDocument):
    class Kind(models.TextChoices):
        SPECIAL = "special", _("VAT special invoice (增值税专用发票)")
        NORMAL = "normal", _("VAT normal invoice (增值税普通发票)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        TO_CHECK = "to_check", _("waiting for the check")
        CHECKED = "checked", _("checked, to issue")
        ISSUED = "issued", _("issued")
        MAILED = "mailed", _("mailed")
        RECEIVED = "received", _("received by the customer")
        CANCELLED = "cancelled", _("cancelled")

    STATUS_TONES = {"received": "success", "issued": "success", "mailed": "success", "to_check": "warning",
                    "cancelled": "danger"}

    RESERVING = (Status.DRAFT, Status.TO_CHECK, Status.CHECKED)

    order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=pgettext_lazy("sales order", "order"))
    requested_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    kind = models.CharField(_("invoice type"), max_length=8, choices=Kind.choices, default=Kind.SPECIAL)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_tax_id = models.CharField(_("taxpayer id"), max_length=32, blank=True)
    buyer_address_phone = models.CharField(_("address and phone"), max_length=255, blank=True)
    buyer_bank_account = models.CharField(_("bank and account"), max_length=255, blank=True)
    # The customer's verified invoicing profile the buyer's details were taken from (who checked it and
    # when), kept as it was at the request; empty when they were typed otherwise or never verified.
    buyer_verified_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("buyer's details verified by"))
    buyer_verified_at = models.DateTimeField(_("buyer's details verified at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    amount = models.DecimalField(_("amount (tax included)"), **MONEY, default=0)
    tax_amount = models.DecimalField(_("tax"), **MONEY, default=0)
    checked_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_comment = models.CharField(_("comment"), max_length=200, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=32, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    mail_tracking = models.CharField(_("mail tracking number"), max_length=64, blank=True)
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    # Receivable (应收) once issued: due by the customer's payment policy, paid by allocations.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("paid"), **MONEY, default=0)
    written_off_amount = models.DecimalField(_("written off"), **MONEY, default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="invoice_number_unique"),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0, written_off_amount__gte=0)
                                   & models.Q(amount__gte=models.F("paid_amount") + models.F("written_off_amount")),
                                   name="invoice_never_over_paid"),
        ]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["order"]),
                   models.Index(fields=["customer", "status", "due_on"]),
                   # Receivables (aging, collection) read the invoices with something open: a few per
                   # cent of them. The partial index holds what aging needs (read without the table);
                   # the index on the open amount gives the planner its statistics (how few are open).
                   models.Index(fields=["company", "due_on"], condition=models.Q(OPEN_AMOUNT_ABOVE_ZERO),
                                include=["status", "customer", "owner", "booked_department", "amount", "paid_amount",
                                         "written_off_amount"], name="invoice_open_receivable"),
                   models.Index(OPEN_AMOUNT, name="invoice_open_amount"),
                   # The invoices of a period (sales report by invoices, collection analysis).
                   models.Index(fields=["company", "issued_on"], name="invoice_issued_on"),
                   # The invoice list's first page without sorting the company's invoices.
                   models.Index(fields=["company", "-created_at", "-id"], name="invoice_list_order")]

    @property
    def open_amount(self):
        return self.amount - self.paid_amount - self.written_off_amount


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("sales.SalesOrderLine", on_delete=models.PROTECT, related_name="invoice_lines")
    product = models.ForeignKey("sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=4)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY)
    tax_amount = models.DecimalField(_("tax"), **MONEY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="invoice_line_positive")]

    def __str__(self):
        return f"{self.product} × {self.quantity}"


# --- payments (回款) and receivables (应收) ---------------------------------------------------------


class Payment(CustomerDocument):
    """Money received from a customer (回款), registered by whoever hears of it and confirmed by finance
    against the bank statement; then allocated (核销) to invoices or contract installments. What is not
    allocated yet is the customer's unapplied balance; it may be refunded."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("bank transfer")
        BILL = "bill", _("acceptance bill (承兑汇票)")
        CASH = "cash", _("cash")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("waiting for finance")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("not received")

    STATUS_TONES = {"confirmed": "success", "registered": "warning"}
    DEFAULT_TONE = "danger"

    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.TRANSFER)
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    payer = models.CharField(_("paid by"), max_length=200, blank=True)
    reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    bill_number = models.CharField(_("bill number"), max_length=64, blank=True)
    bill_due_on = models.DateField(_("bill due on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED,
                              db_index=True)
    registered_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    confirmed_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)
    allocated_amount = models.DecimalField(_("allocated"), **MONEY, default=0)
    refunded_amount = models.DecimalField(_("refunded"), **MONEY, default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="payment_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(condition=models.Q(allocated_amount__gte=0, refunded_amount__gte=0)
                                   & models.Q(amount__gte=models.F("allocated_amount") + models.F("refunded_amount")),
                                   name="payment_never_over_applied"),
        ]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["customer", "received_on"]),
                   # The payment list's first page without sorting the company's payments.
                   models.Index(fields=["company", "-received_on", "-id"], name="payment_list_order")]

    def __str__(self):
        return self.number

    @property
    def unapplied(self):
        return self.amount - self.allocated_amount - self.refunded_amount


class Allocation(models.Model):
    """Part of a payment applied (核销) to an invoice or to a contract installment."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("invoice"))
    installment = models.ForeignKey("sales.Installment", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="allocations", verbose_name=_("installment"))
    amount = models.DecimalField(_("amount"), **MONEY)
    allocated_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("allocated by"))
    allocated_on = models.DateField(_("allocated on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["payment", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive"),
            models.CheckConstraint(condition=models.Q(invoice__isnull=False, installment__isnull=True)
                                   | models.Q(invoice__isnull=True, installment__isnull=False),
                                   name="allocation_one_target"),
        ]
        # Collection analysis reads a period's allocations, and those after a day to go back in time.
        indexes = [models.Index(fields=["allocated_on"], name="allocation_on")]

    def __str__(self):
        return f"{self.payment} → {self.invoice or self.installment}: {self.amount}"


class Refund(models.Model):
    """Unapplied money paid back to the customer (退款)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), **MONEY)
    refunded_on = models.DateField(_("refunded on"))
    reason = models.CharField(_("reason"), max_length=200)
    refunded_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("by"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["payment", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive")]

    def __str__(self):
        return f"{self.payment} ← {self.amount}"


class WriteOff(models.Model):
    """A bad debt written off (坏账核销): asked for, approved through the company's chain, then it takes
    that much off the invoice's open amount."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in approval")
        APPROVED = "approved", _("written off")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="write_offs",
                                verbose_name=_("invoice"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("bad-debt write-off")
        verbose_name_plural = _("bad-debt write-offs")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="write_off_positive")]

    def __str__(self):
        return f"{self.invoice} −{self.amount}"


class CollectionTask(models.Model):
    """催收: a customer with overdue receivables, for its owner to chase; kept open by the daily
    `collection_tasks` run while something is overdue and closed when nothing is."""

    class Status(models.TextChoices):
        OPEN = "open", _("to chase")
        DONE = "done", _("settled")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="collection_tasks",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="collection_tasks",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    overdue_amount = models.DecimalField(_("overdue"), **MONEY, default=0)
    oldest_due_on = models.DateField(_("oldest due date"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("collection task")
        verbose_name_plural = _("collection tasks")
        ordering = ["oldest_due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["customer"], condition=models.Q(status="open"),
                                               name="one_open_collection_task_per_customer")]
        # The collection list (open, or settled) in its order: settled tasks pile up over the years.
        indexes = [models.Index(fields=["company", "status", "oldest_due_on", "id"], name="collection_task_list")]

    def __str__(self):
        return f"{self.customer} {self.overdue_amount}"


class CollectionNote(models.Model):
    """What the customer said when chased, and what they promised."""

    task = models.ForeignKey(CollectionTask, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    promised_on = models.DateField(_("promised payment date"), null=True, blank=True)
    promised_amount = models.DecimalField(_("promised amount"), **MONEY, null=True, blank=True)
    written_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("collection note")
        verbose_name_plural = _("collection notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text[:40]


# --- credit control (信用) -------------------------------------------------------------------------


class CreditProfile(models.Model):
    """A customer's credit: level, limit and payment policy. A customer without one is checked against
    the company's defaults for unrated customers (FinanceSettings; cash before delivery unless set),
    and shows as "not rated" in the credit overview."""

    class Level(models.TextChoices):
        A = "A", _("A · excellent")
        B = "B", _("B · good")
        C = "C", _("C · watch")
        D = "D", _("D · cash only")

    Policy = CreditPolicy

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="credit_profile",
                                    verbose_name=_("customer"))
    level = models.CharField(_("credit level"), max_length=1, choices=Level.choices)
    limit = models.DecimalField(_("credit limit"), **MONEY, default=0)
    policy = models.CharField(_("payment policy"), max_length=8, choices=Policy.choices, default=Policy.CREDIT)
    payment_days = models.PositiveSmallIntegerField(_("days of credit"), default=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey("org.Employee", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")
        constraints = [models.CheckConstraint(condition=models.Q(limit__gte=0), name="credit_limit_not_negative")]

    def __str__(self):
        return f"{self.customer} {self.level}"


class CreditChange(models.Model):
    """One change of a customer's credit (信用调整), kept as its credit history. Lowering a limit,
    moving to cash or re-rating applies at once; granting or raising credit (a higher limit, longer
    days, cash → credit) goes through the company's "credit_limit" chain, which by amount stands for
    each holder's authority (the 总经理 above his managers'), and the profile changes only when it
    is approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in approval")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    level = models.CharField(_("credit level"), max_length=1, choices=CreditProfile.Level.choices)
    limit = models.DecimalField(_("credit limit"), **MONEY, default=0)
    policy = models.CharField(_("payment policy"), max_length=8, choices=CreditPolicy.choices)
    payment_days = models.PositiveSmallIntegerField(_("days of credit"), default=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The profile as it stood before: {} for a customer nobody had rated.
    previous = models.JSONField(_("before"), default=dict, blank=True)
    grants_more = models.BooleanField(_("grants more credit"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit change")
        verbose_name_plural = _("credit changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at", "-id"], name="credit_change_customer")]
        constraints = [models.CheckConstraint(condition=models.Q(limit__gte=0), name="credit_change_limit_not_negative")]

    def __str__(self):
        return f"{self.customer} · {self.get_level_display()} · {self.limit}"


class CreditOverride(models.Model):
    """A request to let one blocked action through (信用特批): approved through the company's chain,
    used once by the action it names."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("confirm the order")
        RELEASE = "release", _("release a shipment")
        ISSUE = "issue", _("issue an invoice")

    class Status(models.TextChoices):
        PENDING = "pending", _("in approval")
        APPROVED = "approved", _("approved")
        USED = "used", _("used")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")
        # Approved, then overtaken: the order or the customer's credit changed beyond what was approved.
        EXPIRED = "expired", _("no longer applies")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    order = models.ForeignKey("sales.SalesOrder", on_delete=models.CASCADE, related_name="credit_overrides",
                              verbose_name=pgettext_lazy("sales order", "order"))
    action = models.CharField(_("for"), max_length=8, choices=Action.choices)
    amount = models.DecimalField(_("amount over the limit"), **MONEY, default=0)
    # What was approved: the order's amount then and the value of the action (with samples and gifts
    # at list value). Empty on overrides asked for before these were kept.
    order_amount = models.DecimalField(_("order amount approved"), **MONEY, null=True, blank=True)
    action_amount = models.DecimalField(_("value approved"), **MONEY, null=True, blank=True)
    blocked_because = models.CharField(_("blocked because"), max_length=300)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("credit override")
        verbose_name_plural = _("credit overrides")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.order} {self.get_action_display()}"
