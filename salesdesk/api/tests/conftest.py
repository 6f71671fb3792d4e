"""Fixtures for the API tests: bearer-token clients for the people of `small_org`, a territory
tree, and a second company whose people must never see the first company's data."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from salesdesk.accounts.services import create_api_token
from salesdesk.org import services


class TokenClient:
    """A test client that sends `Authorization: Bearer <token>` with every request."""

    def __init__(self, raw_token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers={**self.headers, **headers})

    def generic(self, method, path, **headers):
        return self.client.generic(method, path, "{}", content_type="application/json",
                                   headers={**self.headers, **headers})


def token_client(user) -> TokenClient:
    _token, raw = create_api_token(user=user, name="tests")
    return TokenClient(raw)


@pytest.fixture
def api_as(small_org):
    """api_as("owner") → a client holding a token of that person of `small_org`."""
    return lambda key: token_client(small_org.user(key))


@pytest.fixture
def api_admin(admin_user):
    return token_client(admin_user)


@pytest.fixture
def anonymous():
    return TokenClient(None)


@pytest.fixture
def territories(small_org):
    east = services.create_territory(company=small_org.company, name="华东", code="T-EAST")
    shanghai = services.create_territory(company=small_org.company, name="上海", code="T-SH", parent=east,
                                         level="city")
    north = services.create_territory(company=small_org.company, name="华北", code="T-NORTH")
    return {"east": east, "shanghai": shanghai, "north": north}


@dataclass
class OtherCompany:
    company: object
    department: object
    position: object
    territory: object
    person: object

    @property
    def user(self):
        return self.person.user


@pytest.fixture
def other_company(db):
    company = services.create_company(name="另一家公司", code="other")
    department = services.create_department(company=company, name="市场部", code="MKT")
    position = services.create_position(department=department, title="市场专员", code="mkt-rep",
                                        scopes={"org": "all", "audit": "all"})
    territory = services.create_territory(company=company, name="西南", code="T-SW")
    user = get_user_model().objects.create_user(username="foreigner", password="pass-foreigner")
    person = services.create_employee(company=company, name="郑专员", user=user, positions=[position])
    return OtherCompany(company=company, department=department, position=position, territory=territory,
                        person=person)
