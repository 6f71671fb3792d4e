"""The audit log: who changed what, when, from which request, with before and after values.

Append-only. The model refuses updates and deletes, the admin and API are read-only, and the
database itself rejects UPDATE (and, on PostgreSQL, DELETE) with a trigger (see migration 0002).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core.scope import RestrictedQuerySet, scope_for

from .companies import companies_of


class AppendOnlyQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """The audit scope (apps.py: the changes of the people the scope covers, every change of the
        company for a scope of 全部), and never beyond the reader's company: an entry belongs to the
        company of the record it is about, and one about a record of no company (a user account) is
        for system administrators alone."""
        restricted = super().restrict(user, action)
        scope = scope_for(user)
        if scope.is_admin or scope.user_id is None:
            return restricted
        return restricted.filter(company_id=scope.company_id) if scope.company_id else restricted.none()

    def update(self, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    def delete(self):
        raise PermissionDenied("The audit log is append-only.")

    _raw_delete = delete


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        # "created" is also the label of every created_at field (创建时间): the actions have their own context.
        CREATE = "create", pgettext_lazy("audit action", "created")
        UPDATE = "update", pgettext_lazy("audit action", "changed")
        DELETE = "delete", pgettext_lazy("audit action", "deleted")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+", verbose_name=_("user"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    actor_employee = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.DO_NOTHING,
                                       db_constraint=False, related_name="+")
    source = models.CharField(_("source"), max_length=16, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)
    # The company of the record the entry is about (companies.py), not the actor's: who may read the
    # entry. Empty for records of no company (user accounts), which system administrators alone read.
    company = models.ForeignKey("org.Company", null=True, blank=True, on_delete=models.DO_NOTHING,
                                db_constraint=False, db_index=False, related_name="+", verbose_name=_("company"))

    objects = models.Manager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The log page, the API and the admin list a company's entries newest first.
            models.Index(fields=["company", "-at", "-id"], name="audit_company_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        if self.company_id is None and self.content_type_id and self.object_id:
            # Written directly rather than through the registry: the record's company all the same.
            model = ContentType.objects.get_for_id(self.content_type_id).model_class()
            if model is not None:
                self.company_id = companies_of(model, [self.object_id]).get(str(self.object_id))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")
