"""Customers (客户): leads, customer files with contacts, follow-ups and visits, the customer pool
(公海) and the history of who owned what.

Every record is scoped by the "customers" module (see scope_rules.py): a customer by its current
owner, collaborators and — while it sits in a pool — pool membership; contacts and follow-ups
follow their customer; a lead by its owner, or while unassigned by its team's department.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core.scope import ScopedManager
from salesdesk.org.models import Company, Department, Employee, Territory


class Level(models.TextChoices):
    A = "A", _("A (key)")
    B = "B", _("B (normal)")
    C = "C", _("C (small)")


class Channel(models.TextChoices):
    """How the customer buys from us; price lists can be per channel."""

    DIRECT = "direct", _("direct customer")
    DISTRIBUTOR = "distributor", _("distributor")
    AGENT = "agent", _("agent")
    RETAIL = "retail", _("retail")
    ONLINE = "online", _("online")


class CustomerClass(models.Model):
    """A classification (分类) a company gives its customers: 潜在, 意向, 重点, 成交, 流失 by default."""

    class Stage(models.TextChoices):
        PROSPECT = "prospect", _("prospect")
        INTERESTED = "interested", _("interested")
        KEY = "key", _("key")
        DEAL = "deal", _("deal")
        LOST = "lost", _("lost")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customer_classes")
    name = models.CharField(_("name"), max_length=32)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECT,
                             help_text=_("What the class means for reports and pool rules."))
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer class")
        verbose_name_plural = _("customer classes")
        ordering = ["company", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="customer_class_unique_name")]

    def __str__(self):
        return self.name


class LeadSource(models.Model):
    """Where leads and customers come from (展会, 官网, 电话, 转介绍 …); configurable per company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="lead_sources")
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["company", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="lead_source_unique_name")]

    def __str__(self):
        return self.name


class Tag(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customer_tags")
    name = models.CharField(_("name"), max_length=32)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="customer_tag_unique_name")]

    def __str__(self):
        return self.name


class CustomerPool(models.Model):
    """A customer pool (公海): unowned customers of a department (or of the whole company) and
    the rules for returning customers to it and claiming them from it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customer_pools")
    name = models.CharField(_("name"), max_length=64)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"),
                                   help_text=_("Its people may claim from the pool; empty: the whole company."))
    is_active = models.BooleanField(_("active"), default=True)
    # Return rules, per customer level; 0 switches a rule off.
    idle_days_a = models.PositiveIntegerField(_("days without follow-up (A)"), default=30)
    idle_days_b = models.PositiveIntegerField(_("days without follow-up (B)"), default=20)
    idle_days_c = models.PositiveIntegerField(_("days without follow-up (C)"), default=15)
    no_deal_days_a = models.PositiveIntegerField(_("days without a deal (A)"), default=180)
    no_deal_days_b = models.PositiveIntegerField(_("days without a deal (B)"), default=120)
    no_deal_days_c = models.PositiveIntegerField(_("days without a deal (C)"), default=90)
    exempt_deals = models.BooleanField(_("customers with deals stay with their owner"), default=True)
    warn_days = models.PositiveIntegerField(_("warn the owner this many days before"), default=3)
    # Claim rules; 0 means no limit.
    max_owned = models.PositiveIntegerField(_("most customers one person may own"), default=0)
    max_claims_per_day = models.PositiveIntegerField(_("most claims per person per day"), default=0)
    reclaim_wait_days = models.PositiveIntegerField(_("days before a previous owner may claim again"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer pool")
        verbose_name_plural = _("customer pools")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="customer_pool_unique_name")]

    def __str__(self):
        return self.name

    def idle_days(self, level: str) -> int:
        return getattr(self, f"idle_days_{level.lower()}", 0) if level else self.idle_days_c

    def no_deal_days(self, level: str) -> int:
        return getattr(self, f"no_deal_days_{level.lower()}", 0) if level else self.no_deal_days_c


class Customer(models.Model):
    """A customer file (客户档案): a company, or a person (buyers on a real-estate site)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        PERSON = "person", _("individual")

    class Size(models.TextChoices):
        MICRO = "micro", _("fewer than 20 people")
        SMALL = "small", _("20–99 people")
        MEDIUM = "medium", _("100–499 people")
        LARGE = "large", _("500 people or more")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customers")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    # Kept up to date by services: the duplicate check and keyword search read these.
    name_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    initials = models.CharField(max_length=200, db_index=True, editable=False, default="")
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, blank=True)
    country = models.CharField(_("country"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    district = models.CharField(_("district"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Individual customers (real-estate sites) carry their own mobile and wishes.
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    mobile_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    intended_unit = models.CharField(_("intended unit type"), max_length=64, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    visits = models.PositiveIntegerField(_("visits"), default=0)
    source = models.ForeignKey(LeadSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("source"))
    customer_class = models.ForeignKey(CustomerClass, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("class"))
    # A customer's level (A/B/C, 级别) is no territory level (大区/省/市, 层级).
    level = models.CharField(pgettext_lazy("customer", "level"), max_length=1, choices=Level.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="customers",
                              verbose_name=_("owner"))
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    pool = models.ForeignKey(CustomerPool, null=True, blank=True, on_delete=models.PROTECT, related_name="customers",
                             verbose_name=_("pool"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("department"))
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("territory"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    is_locked = models.BooleanField(_("locked"), default=False,
                                    help_text=_("A locked customer is never returned to the pool."))
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    last_deal_on = models.DateField(_("last deal"), null=True, blank=True)
    pool_warned_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "owner", "-created_at"], name="customer_owner_recent"),
            models.Index(fields=["company", "pool", "-created_at"], name="customer_pool_recent"),
            models.Index(fields=["company", "name_key"], name="customer_name_key"),
            # The pool page (newest first) without sorting or skipping over the owned customers: the
            # pool's are scattered through the primary key, and the partial index holds only them.
            # (The customer list, newest first, reads the index on created_at.)
            models.Index(fields=["company", "-id"], name="customer_pool_order", condition=models.Q(owner__isnull=True)),
            # The credit overview (客户信用等级一览表), by name.
            models.Index(fields=["company", "name"], name="customer_company_name"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    class Role(models.TextChoices):
        DECISION_MAKER = "decision", _("decision maker")
        INFLUENCER = "influencer", _("influencer")
        USER = "user", _("user")
        PURCHASER = "purchaser", _("purchaser")
        OTHER = "other", _("other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    mobile_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role in the decision"), max_length=12, choices=Role.choices, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "-is_primary", "id"]

    def __str__(self):
        return self.name


class InvoicingProfile(models.Model):
    """What the customer's VAT invoices are made out to (开票信息): invoice title, taxpayer
    identification number, registered address and phone, bank and account.

    The sales assistant checks it once against the customer's documents and registers it (开票信息
    核实登记): `verified_by` / `verified_at` say who and when. Changing any of these fields afterwards
    clears them, so "verified" always means these very values were checked. A table of its own (one
    row per customer) rather than columns on Customer: the verification covers exactly these fields as
    a whole, they have their own history in the audit log, and the customer row that every list,
    search and pool run reads stays as it is."""

    VERIFIED_FIELDS = ("title", "tax_number", "address", "phone", "bank", "account")

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="invoicing_profile",
                                    verbose_name=_("customer"))
    title = models.CharField(_("invoice title"), max_length=200, blank=True,
                             help_text=_("Usually the customer's legal name."))
    tax_number = models.CharField(_("taxpayer identification number"), max_length=20, blank=True)
    address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    account = models.CharField(_("account number"), max_length=40, blank=True)
    verified_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    updated_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("invoicing profile")
        verbose_name_plural = _("invoicing profiles")

    def __str__(self):
        return self.title or str(self.customer_id)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def address_phone(self) -> str:
        """As the invoice's 地址、电话 line has it."""
        return " ".join(part for part in (self.address, self.phone) if part)

    @property
    def bank_account(self) -> str:
        """As the invoice's 开户行及账号 line has it."""
        return " ".join(part for part in (self.bank, self.account) if part)


class Lead(models.Model):
    """A lead (线索): someone who may become a customer, not yet qualified."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        FOLLOWING = "following", _("following up")
        CONVERTED = "converted", _("converted")
        CLOSED = "closed", _("closed")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="leads")
    name = models.CharField(_("contact name"), max_length=64)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    mobile_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    country = models.CharField(_("country"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    source = models.ForeignKey(LeadSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("source"))
    needs = models.TextField(_("needs"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="leads",
                              verbose_name=_("owner"))
    team = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("team"),
                             help_text=_("While nobody owns the lead, it waits for this team's lead."))
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("territory"))
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads",
                                 verbose_name=_("customer"))
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.company_name} {self.name}".strip()


class FollowUp(models.Model):
    """A follow-up (跟进) or visit (拜访) of a customer or a lead."""

    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        VISIT = "visit", _("visit")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("email")
        WALK_IN = "walk_in", _("walk-in")

    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="followups", verbose_name=_("customer"))
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="followups",
                             verbose_name=_("lead"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("contact"))
    owner = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="followups",
                              verbose_name=_("followed up by"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.PHONE)
    at = models.DateTimeField(_("when"), db_index=True)
    content = models.TextField(_("content"))
    result = models.CharField(_("result"), max_length=200, blank=True)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # Visits: where and when the rep checked in (typed in, or from the phone's browser).
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_place = models.CharField(_("check-in place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="followup_customer_recent"),
                   models.Index(fields=["owner", "-at"], name="followup_owner_recent")]
        constraints = [models.CheckConstraint(
            condition=models.Q(customer__isnull=False) | models.Q(lead__isnull=False),
            name="followup_has_customer_or_lead")]

    def __str__(self):
        return f"{self.get_method_display()} {self.at:%Y-%m-%d}"



class VisitPlan(models.Model):
    """A visit a rep plans for a day (周拜访计划). Recording a visit to the customer fulfils the
    earliest open plan of that week or before; a plan still open after its day is overdue."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    owner = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("rep"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="visit_plans",
                                 verbose_name=_("customer"))
    planned_on = models.DateField(_("planned for"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    followup = models.ForeignKey(FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("visit"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["planned_on", "id"]
        # The owner's week, and the team's week of a whole company (the director's page).
        indexes = [models.Index(fields=["owner", "planned_on"], name="visitplan_owner_day"),
                   models.Index(fields=["planned_on"], name="visitplan_day")]

    def __str__(self):
        return f"{self.planned_on} {self.customer}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.PLANNED and self.planned_on < timezone.localdate()

class OwnershipChange(models.Model):
    """One step of a customer's ownership history (who had it, who has it now, and why)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("new customer")
        ASSIGNED = "assigned", _("assigned by a manager")
        TRANSFERRED = "transferred", _("transferred")
        RELEASED = "released", _("released to the pool")
        RECYCLED = "recycled", _("returned to the pool by the rules")
        CLAIMED = "claimed", _("claimed from the pool")
        MERGED = "merged", _("merged")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ownership_changes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("from"))
    to_owner = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("to"))
    pool = models.ForeignKey(CustomerPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("pool"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("when"), db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["to_owner", "kind", "at"], name="ownership_claims")]

    def __str__(self):
        return f"{self.customer} {self.get_kind_display()}"


class TeamRouting(models.Model):
    """How a team's new leads find a rep: by territory (片区), round-robin among the team's reps,
    or by hand (they wait for the team lead)."""

    class Mode(models.TextChoices):
        TERRITORY = "territory", _("by territory, then round-robin")
        ROUND_ROBIN = "round_robin", _("round-robin within the team")
        MANUAL = "manual", _("the team lead assigns by hand")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="lead_routing",
                                verbose_name=_("team"))
    mode = models.CharField(_("routing"), max_length=12, choices=Mode.choices, default=Mode.TERRITORY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("lead routing")
        verbose_name_plural = _("lead routing")

    def __str__(self):
        return f"{self.team}: {self.get_mode_display()}"


class ImportJob(models.Model):
    """An uploaded file on its way in: kept between the mapping, the preview and the commit, and
    afterwards as the record of what was imported (with the rejected rows to download)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=12)
    created_by = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("by"))
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)
    mapping = models.JSONField(default=dict, editable=False)  # column index (as text) -> field key
    update = models.BooleanField(_("update existing customers"), default=False)
    pool = models.ForeignKey(CustomerPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("into pool"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # Counts of rows, not the times of created_at / updated_at nor a rejected approval: their own context.
    created = models.PositiveIntegerField(pgettext_lazy("import count", "created"), default=0)
    updated = models.PositiveIntegerField(pgettext_lazy("import count", "updated"), default=0)
    rejected = models.PositiveIntegerField(pgettext_lazy("import count", "rejected"), default=0)
    rejected_file = models.BinaryField(null=True, editable=False)
    message = models.TextField(blank=True)
    # The preview (previews.py), worked out once for the current mapping: the header row, and the
    # counts shown above the rows (ImportRow); None while the file is being read and checked.
    headers = models.JSONField(default=list, editable=False)
    preview = models.JSONField(null=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name


class ImportRow(models.Model):
    """One row of an uploaded file as the preview shows it: its values as read, its errors and
    warnings (in the uploader's language). Read only through its ImportJob, whose scope applies."""

    import_job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="preview_rows")
    number = models.PositiveIntegerField()  # the row number in the file (the header is row 1)
    ok = models.BooleanField(default=True)
    values = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["import_job", "number"], name="import_row_number"),
                   models.Index(fields=["import_job", "ok", "number"], name="import_row_problems")]

    def __str__(self):
        return f"{self.import_job_id}:{self.number}"


class VisitorRegistration(models.Model):
    """One walk-in or phone call at a sales site (来访登记), received by a consultant in turn."""

    class Kind(models.TextChoices):
        WALK_IN = "walk_in", _("walk-in visit")
        PHONE = "phone", _("phone call")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("sales site"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.WALK_IN)
    visited_at = models.DateTimeField(_("when"), db_index=True)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    channel = models.ForeignKey(LeadSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("channel"))
    name = models.CharField(_("name"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    mobile_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    needs = models.TextField(_("needs"), blank=True)
    intended_unit = models.CharField(_("intended unit type"), max_length=64, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    receptionist = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("received by"))
    registered_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("registered by"))
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="visitor_registrations", verbose_name=_("customer"))
    is_returning = models.BooleanField(_("returning visitor"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("visitor registration")
        verbose_name_plural = _("visitor registrations")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["site", "visited_at"], name="visitor_site_day")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name or self.mobile}"


class RotationMember(models.Model):
    """A consultant in a site's reception rotation (排轮), in turn order."""

    site = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+", verbose_name=_("sales site"))
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("consultant"))
    turn = models.PositiveSmallIntegerField(_("turn"), default=0)
    is_active = models.BooleanField(_("on duty"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("rotation member")
        verbose_name_plural = _("reception rotation")
        ordering = ["site", "turn", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "employee"], name="rotation_member_unique")]

    def __str__(self):
        return f"{self.site} {self.turn}: {self.employee}"


class VisitorDay(models.Model):
    """A site's register for one day, handed up: the consultants' entries, collected by the team
    leader, analysed by the site secretary (女专), received by the planning department."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COLLECTED = "collected", _("collected by the team leader")
        ANALYSED = "analysed", _("analysed by the site secretary")
        RECEIVED = "received", _("received by planning")

    NEXT = {Status.OPEN: Status.COLLECTED, Status.COLLECTED: Status.ANALYSED, Status.ANALYSED: Status.RECEIVED}

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("sales site"))
    day = models.DateField(_("day"))
    # The team leader (组长) whose team's entries it holds: one register per 组长 per day. Empty for
    # a site without team leaders, whose one register a day the site secretary takes directly.
    leader = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("team leader"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    analysis = models.TextField(_("analysis"), blank=True)
    collected_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    analysed_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("visitor register")
        verbose_name_plural = _("visitor registers")
        ordering = ["-day", "site"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "leader"], condition=models.Q(leader__isnull=False),
                                    name="visitor_day_per_leader"),
            models.UniqueConstraint(fields=["site", "day"], condition=models.Q(leader__isnull=True),
                                    name="visitor_day_without_leader"),
        ]

    def __str__(self):
        return f"{self.site} {self.day}" + (f" · {self.leader}" if self.leader_id else "")
