from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.chart, name="chart"),
    path("positions/<int:pk>/", views.chart, name="position"),
]
