"""API tokens in the admin: a system administrator can see and revoke them, never create or read
one (only a hash is stored; people create their own on the profile page)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "user__username", "hint")
    readonly_fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.revoke_api_token(token=token)
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.",
                                            len(tokens)) % {"count": len(tokens)}, messages.SUCCESS)
