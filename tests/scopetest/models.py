"""Stand-ins for business records, used to test the scope mechanism: an Account (like a
customer) and a Ticket hanging off it (like an order), plus a model with no scope rule."""

from django.db import models

from salesdesk.core.scope import ScopedManager
from salesdesk.documents.models import CustomerDocument, Document


class Account(models.Model):
    name = models.CharField(max_length=50)
    owner = models.ForeignKey("org.Employee", null=True, on_delete=models.CASCADE, related_name="+")
    objects = ScopedManager()

    def __str__(self):
        return f"{type(self).__name__} {self.pk}"


class Ticket(models.Model):
    name = models.CharField(max_length=50)
    owner = models.ForeignKey("org.Employee", null=True, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, null=True, on_delete=models.CASCADE, related_name="tickets")
    objects = ScopedManager()

    def __str__(self):
        return f"{type(self).__name__} {self.pk}"


class Unregistered(models.Model):
    owner = models.ForeignKey("org.Employee", null=True, on_delete=models.CASCADE, related_name="+")
    objects = ScopedManager()

    def __str__(self):
        return f"{type(self).__name__} {self.pk}"


class Memo(models.Model):
    """A stand-in document for the approval engine: it has an owner, an amount and a state the
    engine's handlers move."""

    title = models.CharField(max_length=50)
    owner = models.ForeignKey("org.Employee", null=True, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    discount = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    level = models.CharField(max_length=1, blank=True)
    lines = models.CharField(max_length=100, blank=True)
    below_floor = models.BooleanField(default=False)
    status = models.CharField(max_length=16, default="draft")
    approvals = models.PositiveIntegerField(default=0)  # how often on_approved ran
    objects = ScopedManager()

    def __str__(self):
        return self.title


class ExpenseClaim(Document):
    """A document of a kind still to come (an expense claim: no customer, no lines), made from the
    document kernel unchanged, to show that the kernel carries such documents."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        IN_REVIEW = "in_review", "in review"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    objects = ScopedManager()


class Complaint(CustomerDocument):
    """A document about a customer (a complaint), also from the kernel unchanged."""

    status = models.CharField(max_length=16, default="open", db_index=True)
    objects = ScopedManager()
