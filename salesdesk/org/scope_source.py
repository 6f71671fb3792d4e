"""The organisation as the data scope sees it: who holds which positions now (core.scope.ScopeSource)."""

from __future__ import annotations

from django.db.models import Q

from salesdesk.core.scope import ScopeSource

from .models import Assignment, Department, Employee


class OrgScopeSource(ScopeSource):
    def positions_of(self, user):
        # One query for the employee and their current positions; a second only for someone who
        # holds no position at present.
        assignments = list(
            Assignment.objects.filter(employee__user_id=user.pk, employee__status=Employee.Status.ACTIVE,
                                      ended_on__isnull=True)
            .select_related("employee", "position__department")
            .order_by("-is_primary", "position__id")
        )
        if assignments:
            employee = assignments[0].employee
        else:
            employee = Employee.objects.filter(user_id=user.pk, status=Employee.Status.ACTIVE).first()
        if employee is None:
            return None, None, []
        positions = list({assignment.position.pk: assignment.position for assignment in assignments}.values())
        return employee.pk, employee.company_id, positions

    def holders(self, condition: Q, *, company_id):
        return list(Assignment.objects.filter(condition, ended_on__isnull=True, position__company_id=company_id)
                    .order_by()  # the model's ordering would otherwise join the DISTINCT
                    .values_list("employee_id", flat=True).distinct())

    def department_paths(self, ids):
        return list(Department.objects.filter(pk__in=ids).values_list("path", flat=True))

    def employee(self, employee_id):
        return Employee.objects.filter(pk=employee_id).first()
