"""Stand-ins for business records, used to test the scope mechanism: an Account (like a
customer) and a Ticket hanging off it (like an order), plus a model with no scope rule."""

from django.db import models

from salesdesk.core.scope import ScopedManager


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
