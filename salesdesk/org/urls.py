from django.urls import include, path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.chart, name="chart"),
    path("positions/<int:pk>/", views.chart, name="position"),
    path("versions/", include("salesdesk.org.urls_versions")),
]
