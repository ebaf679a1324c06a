"""Schema-driven fuzzing of the whole API in-process (schemathesis, deterministic): no generated request may
cause a server error, and every answer must be as the OpenAPI document says (status, content type,
headers, body); a stateful run follows the document's links from a submission to the dossier's
operations."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.core.startup import wsgi_application
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
schema.app = wsgi_application()  # motcua.wsgi's, without its refusal of the tests' published secrets
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
BOUNDED = settings(derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture
def official_headers(seeded):
    # Like Django's test client: keep the test transaction's connection open across in-process requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {issue_token(Official.objects.get(user__username='hoankiem.motcua'))}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(BOUNDED, max_examples=12)
def test_every_answer_is_as_documented(case, official_headers):
    response = case.call(headers=official_headers)
    case.validate_response(response, checks=CHECKS, headers=official_headers)


@pytest.mark.django_db
def test_stateful_calls_follow_the_links(official_headers):
    class Calls(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": official_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=official_headers)

    Calls.run(settings=settings(BOUNDED, max_examples=8, stateful_step_count=4))
