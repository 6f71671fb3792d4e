"""Shared fixtures: a small sales organisation with an owner, a teammate, their superior, a
regional manager, a director and an outsider in another region."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Simplified Chinese), whatever ran before it.

    A request through the test client leaves the language it was answered in active in the thread
    (LocaleMiddleware and the API activate it and nothing turns it off), so a test that compares a
    message in Chinese without making a request of its own would depend on the test before it. The
    test processes (pytest-xdist) share the tests out differently from one run to the next."""
    translation.deactivate()
    yield


@dataclass
class SmallOrg:
    company: object
    departments: dict
    positions: dict
    people: dict  # name -> Employee

    def user(self, key):
        return self.people[key].user


def make_person(company, key, name, positions):
    user = get_user_model().objects.create_user(username=key, password="pass-" + key)
    return services.create_employee(company=company, name=name, user=user, positions=positions,
                                    mobile="1380000" + str(abs(hash(key)) % 10000).zfill(4))


@pytest.fixture
def small_org(db):
    company = services.create_company(name="测试销售公司", code="test")
    sales = services.create_department(company=company, name="销售部", code="SALES")
    east = services.create_department(company=company, name="华东大区", code="EAST", parent=sales)
    shanghai = services.create_department(company=company, name="上海办事处", code="SH", parent=east)
    north = services.create_department(company=company, name="华北大区", code="NORTH", parent=sales)
    beijing = services.create_department(company=company, name="北京办事处", code="BJ", parent=north)
    director = services.create_position(department=sales, title="销售总监", code="director", grade="senior",
                                        scopes={"org": ScopeLevel.ALL, "testing": ScopeLevel.ALL})
    east_rm = services.create_position(department=east, title="大区经理", code="east-rm", reports_to=director,
                                       grade="middle", scopes={"org": ScopeLevel.DEPARTMENT_TREE,
                                                               "testing": ScopeLevel.DEPARTMENT_TREE},
                                       duties=[{"text": "带领团队", "queue": "team"}])
    sh_mgr = services.create_position(department=shanghai, title="办事处经理", code="sh-mgr", reports_to=east_rm,
                                      grade="middle", scopes={"org": ScopeLevel.SUBORDINATES,
                                                              "testing": ScopeLevel.SUBORDINATES})
    sh_rep = services.create_position(department=shanghai, title="销售代表", code="sh-rep", reports_to=sh_mgr,
                                      headcount=3)
    north_rm = services.create_position(department=north, title="大区经理", code="north-rm", reports_to=director,
                                        grade="middle", scopes={"org": ScopeLevel.DEPARTMENT_TREE,
                                                                "testing": ScopeLevel.DEPARTMENT_TREE})
    bj_rep = services.create_position(department=beijing, title="销售代表", code="bj-rep", reports_to=north_rm,
                                      headcount=2)
    people = {
        "director": make_person(company, "director", "赵总监", [director]),
        "regional": make_person(company, "regional", "钱经理", [east_rm]),
        "superior": make_person(company, "superior", "孙经理", [sh_mgr]),
        "owner": make_person(company, "owner", "李代表", [sh_rep]),
        "teammate": make_person(company, "teammate", "周代表", [sh_rep]),
        "outsider": make_person(company, "outsider", "吴代表", [bj_rep]),
    }
    return SmallOrg(
        company=company,
        departments={"sales": sales, "east": east, "shanghai": shanghai, "north": north, "beijing": beijing},
        positions={"director": director, "east-rm": east_rm, "sh-mgr": sh_mgr, "sh-rep": sh_rep,
                   "north-rm": north_rm, "bj-rep": bj_rep},
        people=people,
    )


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="root", password="root-pass-123", email="r@x.cn")
