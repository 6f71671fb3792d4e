from django.urls import include, path

from .views import browse as views

app_name = "org"

# Browsing pages live in views/browse.py; administration in views/manage.py (urls_manage); versions
# and change sets in views/versions.py (urls_versions).
urlpatterns = [
    path("", views.chart, name="chart"),
    path("chart.json", views.chart_json, name="chart_data"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("positions/<int:pk>/", views.position, name="position"),
    path("headcount/", views.headcount, name="headcount"),
    path("people/", views.people, name="people"),
    path("people/pick/", views.people_pick, name="people_pick"),
    path("people/<int:pk>/", views.employee, name="employee"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("manage/", include("salesdesk.org.urls_manage")),
    path("versions/", include("salesdesk.org.urls_versions")),
]
