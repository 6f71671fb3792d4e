from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "salesdesk.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from salesdesk.core.navigation import MenuGroup, MenuItem, add, add_group
        from salesdesk.documents.bookings import booked

        from .jobs import register_jobs
        from .summaries import on_booked

        register_jobs()
        # The monthly figures follow the documents, in the services' transactions.
        booked.connect(on_booked, dispatch_uid="reports.monthly_figures")

        add_group(MenuGroup(key="reports", label=_("Reports"), icon="bar-chart-line"))
        add(MenuItem(key="report-sales", group="reports", label=_("Sales report"), url_name="reports:sales",
                     icon="bar-chart-line", order=40))
        add(MenuItem(key="report-contracts", group="reports", label=_("Contract execution"),
                     url_name="reports:contracts", icon="clipboard-check", order=41))
        add(MenuItem(key="report-collection", group="reports", label=_("Collection analysis"),
                     url_name="reports:collection", icon="graph-up", order=42))
