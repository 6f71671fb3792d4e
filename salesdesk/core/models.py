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
