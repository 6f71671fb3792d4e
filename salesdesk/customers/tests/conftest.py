"""Customers of the small organisation (conftest.py at the root): the director sees all, the
East regional manager his region, the Shanghai office manager his reps, reps their own."""

import pytest
from django.utils import translation

from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services
from salesdesk.customers.models import CustomerPool
from salesdesk.org import services as org_services

LEVELS = {"director": ScopeLevel.ALL, "east-rm": ScopeLevel.DEPARTMENT_TREE, "sh-mgr": ScopeLevel.SUBORDINATES,
          "sh-rep": ScopeLevel.SELF, "north-rm": ScopeLevel.DEPARTMENT_TREE, "bj-rep": ScopeLevel.SELF}


@pytest.fixture(autouse=True)
def english():
    """Messages are compared with their English msgids."""
    with translation.override("en"):
        yield


@pytest.fixture
def org(small_org):
    for code, level in LEVELS.items():
        org_services.set_position_scope(position=small_org.positions[code], module="customers", level=level)
    services.ensure_defaults(company=small_org.company)
    return small_org


@pytest.fixture
def east_pool(org):
    return CustomerPool.objects.create(company=org.company, name="华东公海", department=org.departments["east"],
                                       idle_days_a=30, idle_days_b=20, idle_days_c=15, no_deal_days_a=0,
                                       no_deal_days_b=0, no_deal_days_c=0, warn_days=3)


def customer(org, owner_key, name, **fields):
    owner = org.people[owner_key] if owner_key else None
    return services.create_customer(company=org.company, by=owner, owner=owner, name=name, **fields)


@pytest.fixture
def customers(org):
    """One customer per person, named after the owner's key."""
    return {key: customer(org, key, f"{key}的客户有限公司") for key in org.people}
