"""Signed calls to the provider, in process: the answer to a right call, and every refusal, precise, signed
and logged at the provider; the log's chain catches an entry altered in the database."""

import json
import time

import pytest
from django.db import connection

from motcua.core.chained import triggers_off
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.exchange import directory, keys, members, services
from motcua.exchange.models import MessageLog
from motcua.exchange.tests.conftest import BASIS, CONSUMER, PROVIDER, STRANGER
from motcua.registries.models import AccessLog

AN = DEMO_CITIZENS[0]
PATH = f"/exchange/v1/{PROVIDER}/population.person"


def send(client, consumer=CONSUMER, payload=None, purpose="prefill", basis=BASIS, case="procedure:1.001193",
         key_of=None, path=PATH, change=None, created=None, headers=None):
    body = json.dumps(payload if payload is not None else {"id_number": AN.id_number}).encode()
    signed, base = services.signed_request(keys.local_key(key_of or consumer), consumer, f"http://testserver{path}",
                                           body, services.Purpose(purpose, basis, case), created=created)
    if headers is not None:
        signed = headers
    if change:
        body = change(signed, body)
    response = client.post(path, data=body, content_type="application/json",
                           headers={k: v for k, v in signed.items() if k != "Content-Type"})
    return response, signed, base


def refusal(response):
    return response.status_code, response.json()["code"]


def test_a_right_call_is_answered_signed_logged_and_shown_to_the_person(client, exchange_directory):
    response, signed, base = send(client)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["data"]["full_name"] == AN.name and answer["registry"] == "population"
    services.check_answer(directory.current(), PROVIDER, 200, {k.lower(): v for k, v in response.headers.items()},
                          response.content, signed["Motcua-Message-Id"], services.protocol.content_digest(base))
    entry = MessageLog.objects.get(message_id=signed["Motcua-Message-Id"])
    assert (entry.role, entry.consumer, entry.service, entry.purpose, entry.outcome, entry.status) == (
        "provider", CONSUMER, "population.person", "prefill", "ok", 200)
    assert entry.request_signature.startswith("motcua=(") and entry.response_signature
    read = AccessLog.objects.filter(person_id_number=AN.id_number, reader_kind="system").get()
    assert (read.reader_id, read.reader_agency, read.procedure_code) == (CONSUMER, "HN", "1.001193")
    assert "prefill (47/2020/ND-CP)" in read.purpose


def test_a_metadata_service_lists_what_the_consumer_may_call(client, exchange_directory):
    response, _, _ = send(client, path=f"/exchange/v1/{PROVIDER}/exchange.allowed", payload={})
    assert response.json() == {"services": [{"service": "population.person",
                                             "purposes": {"dossier": BASIS, "prefill": BASIS}}]}


def _tamper_body(signed, body):
    return body.replace(AN.id_number.encode(), b"001090000002")


def _tamper_purpose(signed, body):
    signed["Motcua-Purpose"] = "dossier"
    return body


@pytest.mark.parametrize(("how", "expected"), [
    ({"headers": {}}, (401, "unsigned")),
    ({"consumer": "XX.nobody"}, (401, "unknown_member")),
    ({"key_of": STRANGER}, (401, "unknown_certificate")),
    ({"change": _tamper_body}, (401, "bad_signature")),
    ({"change": _tamper_purpose}, (401, "bad_signature")),
    ({"created": int(time.time()) - 3600}, (401, "expired")),
    ({"created": int(time.time()) + 3600}, (401, "expired")),
    ({"consumer": STRANGER}, (403, "no_right")),
    ({"purpose": "marketing"}, (403, "purpose_not_allowed")),
    ({"basis": "13/2023/ND-CP"}, (403, "legal_basis_mismatch")),
    ({"path": f"/exchange/v1/{PROVIDER}/land.parcel"}, (404, "unknown_service")),
    ({"path": f"/exchange/v1/{STRANGER}/population.person"}, (404, "unknown_service")),
    ({"payload": {"id_number": "12"}}, (422, "invalid_request")),
    ({"payload": {"id_number": "001090999999"}}, (404, "not_found")),
])
def test_every_refusal_is_precise_signed_and_logged(client, exchange_directory, how, expected):
    response, signed, _ = send(client, **how)
    assert refusal(response) == expected
    body = response.json()
    assert body["detail"]["vi"] and body["detail"]["en"]
    assert response.headers["Motcua-Outcome"] == expected[1] and response.headers["Signature"].startswith("motcua=:")
    assert MessageLog.objects.filter(role="provider", outcome=expected[1], status=expected[0]).count() == 1


def test_malformed_metadata_is_refused_by_field(client, exchange_directory):
    def bad_id(signed, body):
        signed["Motcua-Message-Id"] = "short"
        return body

    response, _, _ = send(client, change=bad_id)
    assert refusal(response) == (400, "malformed")
    assert response.json()["errors"][0]["field"] == "motcua-message-id"


def test_a_replayed_call_is_refused(client, exchange_directory):
    first, signed, _ = send(client)
    assert first.status_code == 200
    again = client.post(PATH, data=json.dumps({"id_number": AN.id_number}), content_type="application/json",
                        headers={k: v for k, v in signed.items() if k != "Content-Type"})
    assert refusal(again) == (401, "replayed")


def test_a_revoked_certificate_is_refused(client, exchange_directory):
    members.revoke_certificate(members.serial_of(keys.local_key(CONSUMER).certificate))
    assert refusal(send(client)[0]) == (401, "certificate_revoked")


def test_a_certificate_from_a_ca_not_approved_is_refused(client, exchange_directory):
    from motcua.exchange.models import DirectoryState

    DirectoryState.objects.filter(pk=1).update(trust_anchors="")
    directory.changed()
    assert refusal(send(client)[0]) == (401, "untrusted_certificate")


def test_a_wrong_method_is_not_a_call(client, exchange_directory):
    assert client.get(PATH).status_code == 405


def test_verify_log_names_the_first_altered_entry(client, exchange_directory):
    for _ in range(3):
        send(client)
    assert services.verify_log().problems == []
    victim = MessageLog.objects.order_by("id")[1]
    with triggers_off(connection, MessageLog._meta.db_table), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MessageLog._meta.db_table} SET purpose = 'dossier' WHERE id = %s", [victim.id])
    problems = services.verify_log().problems
    assert problems == [f"exchange message log {victim.stream}: entry {victim.seq} altered"]


def test_the_back_office_shows_the_directory_and_administrators_grant_rights(client, exchange_directory):
    from django.contrib.auth.models import User

    from motcua.demo.testing import log_in_official
    from motcua.exchange.models import AccessRight

    send(client)
    log_in_official(client, "hoankiem.motcua")
    page = client.get("/backoffice/trao-doi-du-lieu/")
    assert page.status_code == 200
    html = page.content.decode()
    assert CONSUMER in html and "population.person" in html and "prefill (47/2020/ND-CP)" in html
    refused = client.post("/backoffice/trao-doi-du-lieu/quyen/", {"consumer": STRANGER, "purpose": "prefill",
                                                                  "service": f"{PROVIDER}/residence.record",
                                                                  "legal_basis": BASIS})
    assert refused.status_code == 403
    User.objects.filter(username="hoankiem.motcua").update(is_staff=True)
    client.post("/backoffice/dang-xuat/")
    log_in_official(client, "hoankiem.motcua")  # an administrator logs in with the second factor
    granted = client.post("/backoffice/trao-doi-du-lieu/quyen/", {"consumer": STRANGER, "service": f"{PROVIDER}/residence.record",
                                                        "purpose": "prefill", "legal_basis": BASIS})
    assert granted.status_code == 302, granted.content.decode()[-500:]
    assert AccessRight.objects.get(consumer__ident=STRANGER).purposes == {"prefill": BASIS}
    client.post("/backoffice/trao-doi-du-lieu/quyen/", {"consumer": STRANGER, "service": f"{PROVIDER}/residence.record",
                                                        "purpose": "bad purpose", "legal_basis": BASIS})
    assert AccessRight.objects.get(consumer__ident=STRANGER).purposes == {"prefill": BASIS}  # refused, explained


def test_a_dossiers_status_and_a_documents_record_are_published_services(client, exchange_directory):
    """Another agency's system reads a dossier's public status, and checks a document it was shown against the
    issuer's record (by the file's SHA-256): exact, in force; bad input is a 422 on the field."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.demo.testing import sample_submission, walk
    from motcua.documents.models import IssuedDocument
    from motcua.dossiers import services as dossiers
    from motcua.dossiers.lifecycle import Status
    from motcua.identity.actors import citizen_actor

    for code in ("dossiers.status", "documents.verify"):
        members.add_service(PROVIDER, code, code)
        members.grant(STRANGER, PROVIDER, code, {"benefits": BASIS})
    spec = spec_of(Procedure.objects.get(code="1.000656").current_version)
    dossier, _ = dossiers.submit(sample_submission(spec, DEMO_CITIZENS[1], form={
        **sample_submission(spec).form, "deceased_id_number": AN.id_number, "deceased_full_name": AN.name}),
        citizen_actor(DEMO_CITIZENS[1].id_number, DEMO_CITIZENS[1].name, 2))
    walk(dossier.code, Status.PROCESSED)
    status, _, _ = send(client, STRANGER, {"code": dossier.code}, "benefits", path=f"/exchange/v1/{PROVIDER}/dossiers.status")
    assert status.status_code == 200 and status.json()["status"]["code"] == 9
    extract = IssuedDocument.objects.get(dossier=dossier, kind="result")
    record, _, _ = send(client, STRANGER, {"sha256": extract.sha256}, "benefits",
                        path=f"/exchange/v1/{PROVIDER}/documents.verify")
    assert record.status_code == 200 and record.json()["in_force"] and record.json()["number"] == extract.number
    assert AN.id_number not in record.content.decode()  # the owner only masked
    bad, _, _ = send(client, STRANGER, {"sha256": "nope"}, "benefits", path=f"/exchange/v1/{PROVIDER}/documents.verify")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sha256"
    none, _, _ = send(client, STRANGER, {"code": "KHONG-CO-HO-SO"}, "benefits",
                      path=f"/exchange/v1/{PROVIDER}/dossiers.status")
    assert none.status_code == 404
