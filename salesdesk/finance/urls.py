from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/<int:order>/", views.invoice_new, name="invoice_new"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/<str:action>/", views.invoice_action, name="invoice_action"),
]
