"""The audit log in the Django admin: look, never touch (no add, change, delete or actions)."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "source", "action", "content_type", "object_repr", "request_id")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "object_id", "actor_name", "request_id")
    list_select_related = ("content_type",)
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
