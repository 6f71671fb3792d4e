"""Org versions and change sets (编制 / 批准 / 生效日期). Included under /org/versions/."""

from django.urls import path

from .views import versions as views_versions

urlpatterns = [
    path("", views_versions.index, name="versions"),
    path("<int:pk>/", views_versions.version_detail, name="version"),
    path("changes/new/", views_versions.change_set_create, name="change_set_create"),
    path("changes/<int:pk>/", views_versions.change_set_detail, name="change_set"),
    path("changes/<int:pk>/operations/", views_versions.change_set_add_operation, name="change_set_add_operation"),
    path("changes/<int:pk>/operations/<int:index>/remove/", views_versions.change_set_remove_operation,
         name="change_set_remove_operation"),
    path("changes/<int:pk>/submit/", views_versions.change_set_submit, name="change_set_submit"),
    path("changes/<int:pk>/approve/", views_versions.change_set_approve, name="change_set_approve"),
    path("changes/<int:pk>/reject/", views_versions.change_set_reject, name="change_set_reject"),
]
