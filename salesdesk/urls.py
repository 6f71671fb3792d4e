from django.contrib import admin
from django.urls import include, path

from salesdesk.admin_site import site as admin_site
from salesdesk.api.api import api

admin.site.site_header = "Salesdesk"

# The error pages in the reader's language (salesdesk.core.errors); CSRF_FAILURE_VIEW in settings.
handler400 = "salesdesk.core.errors.bad_request"
handler403 = "salesdesk.core.errors.permission_denied"
handler404 = "salesdesk.core.errors.page_not_found"
handler500 = "salesdesk.core.errors.server_error"

urlpatterns = [
    path("", include("salesdesk.workbench.urls")),
    path("accounts/", include("salesdesk.accounts.urls")),
    path("org/", include("salesdesk.org.urls")),
    path("audit/", include("salesdesk.audit.urls")),
    path("customers/", include("salesdesk.customers.urls")),
    path("sales/", include("salesdesk.sales.urls")),
    path("finance/", include("salesdesk.finance.urls")),
    path("reports/", include("salesdesk.reports.urls")),
    path("approvals/", include("salesdesk.approvals.urls")),
    path("notifications/", include("salesdesk.notifications.urls")),
    path("jobs/", include("salesdesk.jobs.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),  # superusers only, see salesdesk.admin_site
]
