"""Monthly figures (月度汇总): per company, month, owner and booked department, the sums the reports for
a year add up, kept by the services in the transaction that books the documents (summaries.py) and
rebuilt from the documents by `manage.py rebuild_report_figures`.

"Owner" and "department" are those of the document that a figure belongs to in its report: the
order's, shipment's, invoice's or payment's own for the sales report; the invoice's for what was
collected on it or written off; the contract's for the contract execution figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def _money(label):
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=0)


class MonthlyFigures(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # its first day
    owner = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", null=True, on_delete=models.CASCADE, related_name="+")
    # The sales report's measures, each by its own date (ordered, shipped, issued, received).
    orders = _money(_("orders"))
    orders_count = models.PositiveIntegerField(default=0)
    shipments = _money(_("shipments"))
    shipments_count = models.PositiveIntegerField(default=0)
    invoices = _money(_("invoices"))
    invoices_count = models.PositiveIntegerField(default=0)
    collections = _money(_("collections"))
    collections_count = models.PositiveIntegerField(default=0)
    # The collection analysis: confirmed money allocated to issued invoices and approved write-offs, by
    # their dates; `settled`, the same by the later of that date and the invoice's issue date (what a
    # period's opening receivable has been cleared of).
    collected = _money(_("collected"))
    written_off = _money(_("written off"))
    settled = _money(_("settled"))
    # The contract execution per period, for contracts signed (in force, completed or terminated).
    contracts = _money(_("contracts"))
    contracts_count = models.PositiveIntegerField(default=0)
    contract_ordered = _money(_("ordered"))
    contract_shipped = _money(_("shipped"))
    contract_invoiced = _money(_("invoiced"))
    contract_collected = _money(_("collected"))
    contract_entries = models.PositiveIntegerField(default=0)  # the documents behind these: a period shows

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [models.UniqueConstraint(fields=["owner", "month", "department"],
                                               name="reports_monthlyfigures_unique")]
        indexes = [models.Index(fields=["company", "month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.owner_id} · {self.department_id}"
