"""schemathesis over the whole OpenAPI document, with a real token, against the live WSGI application:
whatever the generated input, no endpoint answers 500, and every status code it answers is one its
operation documents.

The run is bounded: schemathesis's coverage cases plus SCHEMATHESIS_EXAMPLES (20) generated ones per
operation, derandomized so that a CI run is repeatable — about 3,500 requests over the 55 operations,
some 80 s of CPU per pass. SCHEMATHESIS_EXAMPLES=200 searches longer locally; a failure prints the
request as a curl line."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from salesdesk.accounts.services import create_api_token
from salesdesk.api.api import api
from salesdesk.finance.tests.conftest import checkers, confirmed, finance, issued_invoice  # noqa: F401
from salesdesk.finance.tests.test_payments import received
from salesdesk.sales.tests.conftest import deal, english, org  # noqa: F401

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]


@pytest.fixture
def token(finance, confirmed):  # noqa: F811
    """A finance clerk's token, in a company with a customer, an order, an issued invoice and a payment."""
    issued_invoice(finance, confirmed, SBS="1")
    received(finance, confirmed.customer, "2000")
    _token, raw = create_api_token(user=finance.user("checker"), name="schemathesis")
    # As Django's test client does: the requests share the test's connection and its transaction, so
    # the end of a request must not close it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield raw
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_generated_input_gets_a_server_error_or_an_undocumented_status(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance])
