"""Schema-driven fuzzing of the whole API in-process: no generated request may cause a server error."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from motcua.identity.callers import issue_token
from motcua.identity.models import Official

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
schema.app = get_wsgi_application()  # motcua.wsgi's, without its refusal of the tests' published secrets


@pytest.fixture
def official_token(seeded):
    # Like Django's test client: keep the test transaction's connection open across in-process requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield issue_token(Official.objects.get(user__username="hoankiem.motcua"))
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, official_token):
    response = case.call(headers={"Authorization": f"Bearer {official_token}"})
    assert response.status_code < 500, (case.method, case.path, case.path_parameters, case.query, case.body)
