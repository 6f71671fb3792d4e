"""The Django admin, for system administrators only.

Staff status alone opens nothing: only active superusers pass `has_permission`. Everything
registered on Django's default `admin.site` (auth, axes, our apps' admin modules) is adopted by
this site when its URLs are built, so apps keep the usual `@admin.register(Model)`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class SalesdeskAdminSite(admin.AdminSite):
    site_header = _("Salesdesk system administration")
    site_title = _("Salesdesk administration")
    index_title = _("System administration")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def adopt_default_registrations(self):
        for model, model_admin in admin.site._registry.items():
            if model not in self._registry:
                self.register(model, type(model_admin))

    def get_urls(self):
        self.adopt_default_registrations()
        return super().get_urls()


site = SalesdeskAdminSite(name="admin")
