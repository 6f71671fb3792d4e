"""Org maintenance pages for administrators. Included under /org/manage/."""

from django.urls import path

from .views import manage as views_manage

urlpatterns = [
    path("", views_manage.index, name="manage"),
    path("departments/new/", views_manage.department_create, name="manage_department_create"),
    path("departments/<int:pk>/rename/", views_manage.department_rename, name="manage_department_rename"),
    path("departments/<int:pk>/move/", views_manage.department_move, name="manage_department_move"),
    path("positions/new/", views_manage.position_create, name="manage_position_create"),
    path("positions/<int:pk>/", views_manage.position_edit, name="manage_position_edit"),
    path("people/", views_manage.people, name="manage_people"),
    path("people/new/", views_manage.employee_create, name="manage_employee_create"),
    path("people/<int:pk>/", views_manage.employee_detail, name="manage_employee"),
    path("people/<int:pk>/assign/", views_manage.employee_assign, name="manage_employee_assign"),
    path("people/<int:pk>/deactivate/", views_manage.employee_deactivate, name="manage_employee_deactivate"),
    path("people/<int:pk>/password/", views_manage.employee_password, name="manage_employee_password"),
    path("assignments/<int:pk>/end/", views_manage.assignment_end, name="manage_assignment_end"),
]
