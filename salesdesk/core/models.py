from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Collaborator(models.Model):
    """A colleague who works on someone else's record (协作人), with read or read-write access."""

    class Access(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="collaborations")
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.READ)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "employee"], name="collaborator_unique")
        ]
        indexes = [models.Index(fields=["employee", "content_type", "access"])]

    def __str__(self):
        return f"{self.employee} ({self.access})"


class NumberSeries(models.Model):
    """How one kind of business document of a company is numbered (编号规则): a prefix, the period
    the sequence restarts in, and the digits, e.g. contracts HT-202611-0001. `core.numbering`
    hands out the numbers."""

    class Reset(models.TextChoices):
        NEVER = "never", _("never")
        YEARLY = "yearly", _("every year")
        MONTHLY = "monthly", _("every month")
        DAILY = "daily", _("every day")

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="number_series")
    document = models.CharField(_("document"), max_length=32)
    prefix = models.CharField(_("prefix"), max_length=16)
    separator = models.CharField(_("separator"), max_length=2, blank=True, default="-")
    reset = models.CharField(_("restart"), max_length=8, choices=Reset.choices, default=Reset.MONTHLY)
    digits = models.PositiveSmallIntegerField(_("digits"), default=4)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [models.UniqueConstraint(fields=["company", "document"], name="number_series_unique")]

    def __str__(self):
        return f"{self.document}: {self.prefix}"


class NumberCounter(models.Model):
    """The last number given in one period of a series; its row is locked by whoever takes the
    next number until their transaction ends, which keeps the numbers unique and gap-free."""

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="counters")
    period = models.CharField(max_length=8, blank=True)  # "", "2026", "202611" or "20261126"
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "period"], name="number_counter_unique")]

    def __str__(self):
        return f"{self.series} {self.period} #{self.last}"
