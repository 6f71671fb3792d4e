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
