"""Security logs an operator can ship and trust: a JSON line per record with UTC time, request id, actor, client
address and outcome, for every login, failure, lockout, second factor and refusal; nothing a caller sends can
start a new line."""

import io
import json
import logging

import pytest
from django.test import override_settings

from motcua.core.logs import JsonFormatter, RequestFields, TextFormatter
from motcua.demo.seeding import DEMO_PASSWORD
from motcua.demo.testing import log_in_official
from motcua.identity.models import Authenticator

LEADER = "hoankiem.lanhdao"


@pytest.fixture
def shipped():
    """The lines the console handler writes, as the settings configure it (JSON), read back as records."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestFields())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def events(lines, event):
    return [line for line in lines if line.get("event") == event]


def test_failed_and_successful_logins_name_who_where_and_when(client, seeded, shipped):
    client.post("/backoffice/dang-nhap/", {"username": "hoankiem.motcua", "password": "wrong password"},
                HTTP_X_REQUEST_ID="proxy-request-0001")
    log_in_official(client, "hoankiem.motcua")
    failed, succeeded = events(shipped(), "login")
    assert failed["outcome"] == "failure" and failed["level"] == "WARNING"
    assert failed["actor"] == "user:hoankiem.motcua" and failed["address"] == "127.0.0.1"
    assert failed["request_id"] == "proxy-request-0001" and failed["path"] == "/backoffice/dang-nhap/"
    assert failed["time"].endswith("Z") and failed["logger"] == "motcua.security"
    assert "wrong password" not in json.dumps(shipped())
    assert succeeded["outcome"] == "success" and len(succeeded["request_id"]) == 32


def test_a_wrong_second_factor_and_a_lockout_are_recorded(client, seeded, shipped):
    device = Authenticator.objects.create(user_id=_user_id(LEADER), name="authenticator", confirmed=True)
    client.post("/backoffice/dang-nhap/", {"username": LEADER, "password": DEMO_PASSWORD, "otp_token": "000000"})
    (wrong_code,) = events(shipped(), "second_factor")
    assert wrong_code["outcome"] == "failure" and wrong_code["actor"] == f"user:{LEADER}"
    device.delete()
    with override_settings(AXES_FAILURE_LIMIT=2):
        for _attempt in range(2):
            client.post("/backoffice/dang-nhap/", {"username": "hoankiem.chuyenvien", "password": "nope"})
    outcomes = [line["outcome"] for line in events(shipped(), "login")]
    assert outcomes[0] == "failure" and "locked" in outcomes
    assert events(shipped(), "access")[-1]["details"] == {"reason": "rate_limited", "status": 429}


def test_refusals_name_the_actor(client, citizen, shipped):
    client.get("/backoffice/")  # a citizen's session is not an official's
    assert client.get("/api/queue").status_code in (401, 403)
    refused = events(shipped(), "access")
    assert refused and all(line["outcome"] == "refused" for line in refused)
    assert refused[-1]["actor"].startswith("citizen:") and refused[-1]["method"] == "GET"


def test_a_request_id_is_answered_and_only_a_safe_one_is_kept(client, seeded):
    assert client.get("/api/health", HTTP_X_REQUEST_ID="lb-abcdef12")["X-Request-ID"] == "lb-abcdef12"
    forged = client.get("/api/health", HTTP_X_REQUEST_ID="x\r\nlevel: CRITICAL")["X-Request-ID"]
    assert len(forged) == 32 and "\n" not in forged


def test_a_forged_payment_reference_cannot_inject_a_log_line(client, seeded, shipped):
    forged = "NOSUCH\n2026-12-06T00:00:00Z CRITICAL motcua.security login success actor=user:admin"
    client.get("/thanh-toan/ipn/", {"vnp_TxnRef": forged, "vnp_SecureHash": "00"})
    lines = shipped()
    (line,) = [line for line in lines if line["logger"] == "motcua.payments.services"]
    assert line["reference"] == forged  # kept whole, as data inside one line
    record = logging.LogRecord("motcua.payments", logging.WARNING, "", 0, "ref %s", (forged,), None)
    text = TextFormatter().format(record)
    assert "\n" not in text and "\\n2026-12-06" in text


def _user_id(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).pk


def test_a_failed_citizen_login_and_a_logout_are_recorded(client, citizen, shipped):
    assert client.get("/dang-nhap/xong/", {"code": "forged", "state": "forged"}).status_code == 400
    client.post("/dang-xuat/")
    failed, logged_out = events(shipped(), "citizen_login") + events(shipped(), "citizen_logout")
    assert failed["outcome"] == "failure" and failed["details"]["reason"]
    assert logged_out["actor"].startswith("citizen:")
