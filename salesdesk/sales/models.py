"""Products and prices (产品与价格).

* ProductLine: the company's product lines; 内勤 are often split by them, and approval chains can
  depend on them.
* Product: code, name, spec, unit, line, tax rate, standard price (tax included) and floor price
  (底价): a price below the floor needs approval on the document that uses it.
* PriceList: prices for a customer level and/or channel, for a period (seasonal prices); its
  items name a price (and optionally a floor) per product.
* PriceChange: every change of a standard price, floor price or list price is entered by one
  person and takes effect only when a second person confirms it (价格双人复核).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core.scope import ScopedManager
from salesdesk.customers.models import Channel, Level
from salesdesk.documents.models import Attachment, CustomerDocument

MONEY = {"max_digits": 16, "decimal_places": 2}
PRICE = {"max_digits": 16, "decimal_places": 4}


class ProductLine(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="product_lines")
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="product_line_unique")]

    def __str__(self):
        return self.name


class Product(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="products")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16, default="件")
    product_line = models.ForeignKey(ProductLine, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="products", verbose_name=_("product line"))
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4, default="0.13",
                                   help_text=_("e.g. 0.13 for 13 %"))
    standard_price = models.DecimalField(_("standard price"), **PRICE, default=0,
                                         help_text=_("Unit price including tax."))
    floor_price = models.DecimalField(_("floor price"), **PRICE, null=True, blank=True,
                                      help_text=_("A lower price needs approval."))
    is_active = models.BooleanField(_("on sale"), default=True)
    # False until a second person has confirmed the first standard price: no document uses it before.
    price_checked = models.BooleanField(_("price checked"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="product_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


class PriceList(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="price_lists")
    name = models.CharField(_("name"), max_length=100)
    customer_level = models.CharField(_("customer level"), max_length=1, choices=Level.choices, blank=True,
                                      help_text=_("Empty: customers of every level."))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True,
                               help_text=_("Empty: every channel."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "name"]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="list_prices")
    price = models.DecimalField(_("price"), **PRICE)
    floor_price = models.DecimalField(_("floor price"), **PRICE, null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("list price")
        verbose_name_plural = _("list prices")
        constraints = [models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique")]

    def __str__(self):
        return f"{self.price_list} · {self.product}: {self.price}"


class PriceChange(models.Model):
    """A price change waiting for, or done by, its second person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the check")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes",
                                verbose_name=_("product"))
    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="changes", verbose_name=_("price list"),
                                   help_text=_("Empty: the product's standard price."))
    price = models.DecimalField(_("new price"), **PRICE)
    floor_price = models.DecimalField(_("new floor price"), **PRICE, null=True, blank=True)
    old_price = models.DecimalField(_("old price"), **PRICE, null=True, blank=True)
    old_floor_price = models.DecimalField(_("old floor price"), **PRICE, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    checked_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_comment = models.CharField(_("comment"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self):
        return f"{self.product} → {self.price}"


class PricedDocument(CustomerDocument):
    """A document with priced lines (quotation, contract, order): its amount and the same at list
    prices, so that the discount off the list is known."""

    list_amount = models.DecimalField(_("amount at list prices"), **MONEY, default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)

    class Meta:
        abstract = True

    @property
    def discount_amount(self):
        return self.list_amount - self.amount

    @property
    def discount_percent(self):
        from decimal import Decimal

        if not self.list_amount:
            return Decimal(0)
        return ((self.list_amount - self.amount) * 100 / self.list_amount).quantize(Decimal("0.01"))


class PricedLine(models.Model):
    """A line of a priced document: a product, a quantity, the list price, the discount, the price agreed
    (its floor kept to show a price below it) and the tax rate; lines.py prices and copies them."""

    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16)
    list_price = models.DecimalField(_("list price"), **PRICE)
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    unit_price = models.DecimalField(_("unit price"), **PRICE)
    floor_price = models.DecimalField(_("floor price"), **PRICE, null=True, blank=True)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.product} × {self.quantity}"

    @property
    def below_floor(self) -> bool:
        return self.floor_price is not None and self.unit_price < self.floor_price


class Quotation(PricedDocument):
    """A quotation (报价单) to a customer. Revising a sent quotation makes a new version with the same
    number; the old one is kept as superseded. Prices below the floor need approval before it is
    sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in approval")
        SENT = "sent", _("sent")
        WON = "won", _("won")
        LOST = "lost", _("lost")
        SUPERSEDED = "superseded", _("superseded by a new version")

    STATUS_TONES = {"won": "success", "lost": "danger", "draft": "secondary"}
    DEFAULT_TONE = "info"

    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next",
                                    verbose_name=_("previous version"))
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("contact"))
    title = models.CharField(_("subject"), max_length=200, blank=True)
    quoted_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms"), blank=True, help_text=_("Delivery, payment and other terms."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)
    decided_on = models.DateField(_("won or lost on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-quoted_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number", "version"], name="quotation_version_unique")]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["customer", "-quoted_on"]),
                   # The list's first page in its order, read from the index without sorting: the whole
                   # company (a director's scope) and one rep's own ("mine"). Full, not partial on the
                   # default "not superseded": superseded versions are few, and the status filter
                   # (superseded included) walks the same index.
                   models.Index(fields=["company", "-quoted_on", "-id"], name="quotation_list_order"),
                   models.Index(fields=["owner", "-quoted_on", "-id"], name="quotation_owner_order")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number} V{self.version}" if self.version > 1 else self.number


    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class QuotationLine(PricedLine):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["quotation", "position", "id"]


class Contract(PricedDocument):
    """A sales contract (合同). Reviewed through the approval engine (合同评审) before it is in force;
    its payment terms are installments (预付 / 发货 / 验收 / 尾款) that add up to its amount."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        ACTIVE = "active", _("in force")
        REJECTED = "rejected", _("rejected")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    STATUS_TONES = {"active": "success", "rejected": "danger", "terminated": "danger", "in_review": "warning"}

    quotation = models.ForeignKey(Quotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts",
                                  verbose_name=_("quotation"))
    title = models.CharField(_("subject"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    terms = models.TextField(_("terms"), blank=True)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="contract_number_unique")]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["company", "status", "ends_on"]),
                   models.Index(fields=["customer", "-created_at"]),
                   # The ledger's first page, newest first, without sorting the company's contracts.
                   models.Index(fields=["company", "-created_at", "-id"], name="contract_ledger_order"),
                   # A rep's own contracts ("mine") in the ledger's order.
                   models.Index(fields=["owner", "-created_at", "-id"], name="contract_owner_order"),
                   # 合同履行: the signed contracts, latest signed first (reports.views.contracts_for).
                   models.Index(fields=["company", "-signed_on", "-id"], name="contract_execution_order",
                                condition=models.Q(status__in=["active", "completed", "terminated"]))]

    def __str__(self):
        return self.number


class ContractLine(PricedLine):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "position", "id"]


class Installment(models.Model):
    """One payment the contract's terms expect (付款计划)."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("advance payment (预付)")
        DELIVERY = "delivery", _("on delivery (发货)")
        ACCEPTANCE = "acceptance", _("on acceptance (验收)")
        RETENTION = "retention", _("final payment (尾款)")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("due on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["contract", "due_on", "position"]

    def __str__(self):
        return f"{self.contract} {self.get_kind_display()} {self.amount}"


class ContractAttachment(Attachment):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")

    objects = ScopedManager()

    class Meta(Attachment.Meta):
        ordering = ["contract", "uploaded_at"]

    @property
    def download_url(self) -> str:
        return reverse("sales:contract_attachment", args=[self.contract_id, self.pk])


class SalesOrder(PricedDocument):
    """A sales order (订单), from a contract or direct. Reviewed (订单评审) before it is confirmed; the
    order clerk (跟单员) follows it until everything is shipped."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        CONFIRMED = "confirmed", _("confirmed")
        PARTLY_SHIPPED = "partly_shipped", _("partly shipped")
        SHIPPED = "shipped", _("shipped")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")
        # A historical order brought in complete: nothing left to follow, ship or count as open.
        CLOSED = "closed", _("closed")

    STATUS_TONES = {"confirmed": "success", "shipped": "success", "closed": "success",
                    "rejected": "danger", "cancelled": "danger", "in_review": "warning"}

    TO_FOLLOW = (Status.CONFIRMED, Status.PARTLY_SHIPPED)
    # Orders that count as sales in the figures: agreed with the customer, whatever shipped since.
    SOLD = (Status.CONFIRMED, Status.PARTLY_SHIPPED, Status.SHIPPED, Status.CLOSED)

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("customer"))
    owner = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="orders", verbose_name=_("owner"))
    # Who keyed the order in (跟单员, 内勤, 统计员 …) when that is not its owner: the order and its figures
    # belong to the customer's rep; the clerk is kept here and may go on working on it.
    entered_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("contract"))
    ordered_on = models.DateField(_("order date"))
    delivery_on = models.DateField(_("delivery date"))
    ship_to = models.CharField(_("ship to"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The number an imported order had in the system it came from; empty for orders made here.
    external_number = models.CharField(_("former number"), max_length=64, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-ordered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="order_number_unique"),
                       # An order imported twice would count twice in every figure.
                       models.UniqueConstraint(fields=["company", "external_number"],
                                               name="order_external_number_unique")]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["company", "status", "delivery_on"]),
                   models.Index(fields=["customer", "-ordered_on"]),
                   # 跟单: the orders to follow (TO_FOLLOW) in the queue's order, late ones first.
                   models.Index(fields=["company", "delivery_on", "id"], name="order_to_follow",
                                condition=models.Q(status__in=["confirmed", "partly_shipped"])),
                   # The order list's first page without sorting: the company's, a rep's own.
                   models.Index(fields=["company", "-ordered_on", "-id"], name="order_list_order"),
                   models.Index(fields=["owner", "-ordered_on", "-id"], name="order_owner_order")]


class SalesOrderLine(PricedLine):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    contract_line = models.ForeignKey(ContractLine, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="order_lines")
    shipped_quantity = models.DecimalField(_("shipped"), max_digits=14, decimal_places=3, default=0)
    invoiced_quantity = models.DecimalField(_("invoiced"), max_digits=14, decimal_places=3, default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "id"]
        constraints = [
            # ordered ≥ shipped ≥ 0 and invoiced ≥ 0 hold in the database whatever the code does.
            models.CheckConstraint(condition=models.Q(shipped_quantity__gte=0)
                                   & models.Q(shipped_quantity__lte=models.F("quantity")),
                                   name="order_line_shipped_within_ordered"),
            models.CheckConstraint(condition=models.Q(invoiced_quantity__gte=0)
                                   & models.Q(invoiced_quantity__lte=models.F("quantity")),
                                   name="order_line_invoiced_within_ordered"),
        ]


    @property
    def open_quantity(self):
        return self.quantity - self.shipped_quantity


class Warehouse(models.Model):
    """A warehouse goods ship from; transit warehouses (中转库) near customers hold stock replenished
    from the main one."""

    class Kind(models.TextChoices):
        MAIN = "main", _("warehouse")
        TRANSIT = "transit", _("transit warehouse (中转库)")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="warehouses")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MAIN)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="warehouse_code_unique")]

    def __str__(self):
        return self.name


class StockLevel(models.Model):
    """How much of a product a warehouse holds (simple stock: shipments take from it)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="stock_level_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_level_not_negative"),
        ]

    def __str__(self):
        return f"{self.warehouse} · {self.product}: {self.quantity}"


class Shipment(CustomerDocument):
    """A shipment (发货单) of an order's lines from one warehouse, possibly partial, possibly with free
    samples or gifts. Released (出库) it takes stock and counts as shipped on the order; the proof of
    delivery (回单) closes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        RELEASED = "released", _("released (出库)")
        DELIVERED = "delivered", _("delivered (回单)")
        CANCELLED = "cancelled", _("cancelled")

    STATUS_TONES = {"delivered": "success", "released": "info", "cancelled": "danger"}

    order = models.ForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="shipments",
                              verbose_name=pgettext_lazy("sales order", "order"))  # "order" alone: a sequence (顺序)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="shipments",
                                  verbose_name=_("warehouse"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    ship_to = models.CharField(_("ship to"), max_length=255, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    receipt_note = models.CharField(_("proof of delivery"), max_length=200, blank=True,
                                    help_text=_("Who signed, and where the signed delivery note is kept."))
    created_by = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    objects = ScopedManager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="shipment_number_unique")]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["order"]),
                   # The shipment list's first page without sorting the company's shipments.
                   models.Index(fields=["company", "-created_at", "-id"], name="shipment_list_order")]


    @property
    def amount(self):
        from decimal import Decimal

        return sum((line.amount for line in self.lines.all()), Decimal(0))


class ShipmentLine(models.Model):
    class Kind(models.TextChoices):
        ORDERED = "ordered", _("ordered goods")
        SAMPLE = "sample", _("free sample")
        GIFT = "gift", _("gift")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(SalesOrderLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="shipment_lines")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ORDERED)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16)
    unit_price = models.DecimalField(_("unit price"), **PRICE, default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipment_line_positive"),
            # Goods that were ordered hang off their order line; samples and gifts are free.
            models.CheckConstraint(condition=(models.Q(kind="ordered", order_line__isnull=False)
                                              | models.Q(~models.Q(kind="ordered"), order_line__isnull=True,
                                                         amount=0)),
                                   name="shipment_line_kind"),
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"
