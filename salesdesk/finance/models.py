"""Finance (财务): invoices for now (开票, with the two-person review 双人复核); payments, receivables and
credit control follow.

An invoice request (开票申请) is written from an order's shipped lines by the sales assistant, checked
by a second person (never the one who asked), issued with the tax office's invoice number, mailed,
and received by the customer. Its lines must match the order: same product, same price, and never
more than is shipped and not yet invoiced (or ordered, if the company invoices against orders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import ScopedManager

MONEY = {"max_digits": 16, "decimal_places": 2}


class FinanceSettings(models.Model):
    class Basis(models.TextChoices):
        SHIPPED = "shipped", _("what has been shipped")
        ORDERED = "ordered", _("what has been ordered")

    company = models.OneToOneField("org.Company", on_delete=models.CASCADE, related_name="finance_settings")
    invoice_basis = models.CharField(_("invoice up to"), max_length=8, choices=Basis.choices, default=Basis.SHIPPED)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")

    def __str__(self):
        return str(self.company)


class Invoice(models.Model):
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

    RESERVING = (Status.DRAFT, Status.TO_CHECK, Status.CHECKED)

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("number"), max_length=32)
    order = models.ForeignKey("sales.SalesOrder", on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=_("order"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=_("owner"))
    requested_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    kind = models.CharField(_("invoice type"), max_length=8, choices=Kind.choices, default=Kind.SPECIAL)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_tax_id = models.CharField(_("taxpayer id"), max_length=32, blank=True)
    buyer_address_phone = models.CharField(_("address and phone"), max_length=255, blank=True)
    buyer_bank_account = models.CharField(_("bank and account"), max_length=255, blank=True)
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="invoice_number_unique")]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["order"])]

    def __str__(self):
        return self.number


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
