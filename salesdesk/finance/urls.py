from django.urls import path

from .views import invoices as views
from .views import payments as views_payments
from .views import receivables as views_receivables
from .views import settings as views_settings

app_name = "finance"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/<int:order>/", views.invoice_new, name="invoice_new"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice>/write-off/", views_receivables.write_off_request, name="write_off"),
    path("invoices/<int:pk>/<str:action>/", views.invoice_action, name="invoice_action"),
    path("payments/", views_payments.payment_list, name="payments"),
    path("payments/new/", views_payments.payment_new, name="payment_new"),
    path("payments/<int:pk>/", views_payments.payment_detail, name="payment"),
    path("payments/<int:pk>/<str:action>/", views_payments.payment_action, name="payment_action"),
    path("receivables/", views_receivables.aging_view, name="receivables"),
    path("receivables/customer/<int:customer>/", views_receivables.customer_receivables, name="customer_receivables"),
    path("collection/", views_receivables.collection_list, name="collection"),
    path("collection/<int:pk>/", views_receivables.collection_task, name="collection_task"),
    path("credit/", views_receivables.credit_overview, name="credit"),
    path("credit/customer/<int:customer>/", views_receivables.credit_profile, name="credit_profile"),
    path("credit/override/<int:order>/", views_receivables.credit_override_request, name="credit_override"),
    path("settings/", views_settings.finance_settings, name="settings"),
]
