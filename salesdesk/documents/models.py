"""The business document (单据): the fields every document shares, whatever module it belongs to.

    class Complaint(CustomerDocument):
        class Status(models.TextChoices): ...
        status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=…, db_index=True)
        objects = ScopedManager()

A document belongs to a company, has a number from the company's number series (core.numbering),
an owner whose data scope decides who sees it, a status it moves through by its services, and the
organisation it was booked in (booking-time dimensions: where its owner worked and where its
customer was when it was booked — order confirmed, shipment released, invoice issued …; empty before
that). A CustomerDocument is also about one customer (quotation, contract, order, shipment, invoice,
payment, complaint, return); a Document need not be (a target, an appraisal, an expense claim).

The reverse accessors are named after the model (customer.quotations, employee.contracts …); a
model whose accessor reads otherwise declares the field again (SalesOrder: customer.orders).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("number"), max_length=32)
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="%(class)ss",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=16, db_index=True)  # each document its own choices
    booked_department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", editable=False, verbose_name=_("department when booked"))
    booked_territory = models.ForeignKey("org.Territory", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", editable=False, verbose_name=_("territory when booked"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # How each status looks on pages (a Bootstrap colour name); statuses not named here are grey.
    STATUS_TONES: dict[str, str] = {}
    DEFAULT_TONE = "secondary"

    class Meta:
        abstract = True

    def __str__(self):
        return self.number

    @property
    def status_tone(self) -> str:
        return self.STATUS_TONES.get(self.status, self.DEFAULT_TONE)


class CustomerDocument(Document):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="%(class)ss",
                                 verbose_name=_("customer"))

    class Meta:
        abstract = True


class Attachment(models.Model):
    """A file kept with a document (a signed contract scan, a complaint's photos, an expense
    claim's receipts). A concrete model adds the foreign key to its document; the file is stored in
    the database so a backup holds everything, and it is seen by whoever may see the document."""

    name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name
