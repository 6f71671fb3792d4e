"""Routing a new lead to a rep (线索分配).

1. If the lead names a territory (or its province/city matches a territory's name), the reps
   whose positions cover that territory — the most specific territory first, walking up the
   tree — share it in turn (the one who received a lead longest ago gets the next one).
2. Otherwise, or if nobody covers the territory, the lead's team decides (TeamRouting): round-robin
   among its reps, or it waits unassigned for the team lead. A team without a routing rule
   routes by territory and then round-robin.

"Reps" are active holders of the team's positions that do not head the department.
"""

from __future__ import annotations

from django.db.models import Max

from salesdesk.org.models import Assignment, Department, Employee, Territory

from .models import Lead, TeamRouting


def _territory_of(lead: Lead) -> Territory | None:
    if lead.territory_id:
        return lead.territory
    for text in (lead.city, lead.province):
        name = (text or "").strip().removesuffix("省").removesuffix("市")
        if len(name) >= 2:
            match = Territory.objects.filter(company_id=lead.company_id, name__startswith=name).order_by("-path").first()
            if match is not None:
                return match
    return None


def _next_in_turn(employee_ids) -> Employee | None:
    ids = list(dict.fromkeys(employee_ids))
    if not ids:
        return None
    latest = dict(Lead.objects.filter(owner_id__in=ids).values("owner_id").annotate(last=Max("created_at"))
                  .values_list("owner_id", "last"))
    # Never-assigned reps first, then the one whose latest lead is oldest; ties by id.
    chosen = min(ids, key=lambda pk: (latest.get(pk) is not None, latest.get(pk) or 0, pk))
    return Employee.objects.get(pk=chosen)


def _active_holders(assignments):
    return (assignments.filter(ended_on__isnull=True, employee__status=Employee.Status.ACTIVE)
            .order_by("employee_id").values_list("employee_id", flat=True))


def reps_for_territory(territory: Territory, team: Department | None = None) -> list[int]:
    ids = [int(part) for part in territory.path.split("/") if part]
    for territory_id in reversed(ids):  # the most specific territory first
        holders = Assignment.objects.filter(position__territories__id=territory_id, position__is_active=True,
                                            position__is_department_head=False)
        if team is not None:
            holders = holders.filter(position__department__path__startswith=team.path)
        found = list(_active_holders(holders))
        if found:
            return found
    return []


def team_reps(team: Department) -> list[int]:
    return list(_active_holders(Assignment.objects.filter(position__department=team, position__is_active=True,
                                                          position__is_department_head=False)))


def assign_automatically(lead: Lead) -> tuple[Employee | None, Department | None]:
    """(owner, team) for a new lead; owner None leaves it waiting for the team lead."""
    team = lead.team
    mode = TeamRouting.Mode.TERRITORY
    if team is not None:
        routing = TeamRouting.objects.filter(team=team).first()
        mode = routing.mode if routing else TeamRouting.Mode.TERRITORY
    if mode == TeamRouting.Mode.MANUAL:
        return None, team
    if mode == TeamRouting.Mode.TERRITORY:
        territory = _territory_of(lead)
        if territory is not None:
            lead.territory = territory
            owner = _next_in_turn(reps_for_territory(territory, team))
            if owner is not None:
                return owner, team
    if team is not None:
        return _next_in_turn(team_reps(team)), team
    return None, None
