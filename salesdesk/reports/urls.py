from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.sales, name="sales"),
    path("contracts/", views.contracts, name="contracts"),
    path("collection/", views.collection, name="collection"),
]
