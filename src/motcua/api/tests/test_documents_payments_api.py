"""API for signed results, the wallet, public verification and online payment."""

from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_citizen, official_actor, sample_submission, walk
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import Role, citizen_actor
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

AN, BINH = DEMO_CITIZENS[0], DEMO_CITIZENS[1]


def as_citizen(citizen) -> Client:
    return log_in_citizen(Client(), citizen)


def submitted(code: str):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    return services.submit(sample_submission(spec), citizen_actor(AN.id_number, AN.name, 2))[0]


def test_results_wallet_file_and_public_verification(seeded):
    dossier = submitted("1.001193")
    walk(dossier.code, Status.PROCESSED)
    an = as_citizen(AN)
    docs = an.get(f"/api/dossiers/{dossier.code}/documents").json()
    assert [d["kind"] for d in docs] == ["result"] and docs[0]["verify_url"].endswith(docs[0]["id"])
    assert [d["id"] for d in an.get("/api/wallet").json()] == [docs[0]["id"]]
    pdf = an.get(docs[0]["file_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert as_citizen(BINH).get(docs[0]["file_url"]).status_code == 403
    check = Client().get(f"/api/documents/{docs[0]['id']}/verification").json()  # public, no login
    assert check["valid"] and check["problems"] == [] and len(check["signatures"]) == 2
    assert Client().get("/api/documents/00000000-0000-0000-0000-000000000000/verification").status_code == 404
    assert Client().get("/api/documents/not-a-uuid/verification").status_code in (404, 422)


def test_payment_over_the_api(seeded):
    dossier = submitted("3.000333")
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    services.act(dossier.code, "receive", receiver)
    services.act(dossier.code, "forward", receiver)
    an = as_citizen(AN)
    early = an.post(f"/api/dossiers/{dossier.code}/payments")
    assert early.status_code == 409 and "detail" in early.json()
    services.act(dossier.code, "request_payment", official_actor(dossier.agency.code, Role.SPECIALIST))
    started = an.post(f"/api/dossiers/{dossier.code}/payments")
    assert started.status_code == 201
    body = started.json()
    assert body["amount"] == 200000 and "vnp_SecureHash=" in body["payment_url"]
    assert as_citizen(BINH).post(f"/api/dossiers/{dossier.code}/payments").status_code == 403


def test_request_payment_action_refuses_unknown_exemptions_and_a_fee_asked_before(seeded):
    dossier = submitted("3.000333")
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    services.act(dossier.code, "receive", receiver)
    services.act(dossier.code, "forward", receiver)
    token = issue_token(Official.objects.get(agency__code=dossier.agency.code, role="specialist"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(f"/api/dossiers/{dossier.code}/request-payment", {"exemption": "made up"},
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "exemption"
    ok = client.post(f"/api/dossiers/{dossier.code}/request-payment", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"]["code"] == 6
    again = client.post(f"/api/dossiers/{dossier.code}/request-payment", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "fee_already_requested"
    assert again.json()["detail"]["vi"] != again.json()["detail"]["en"]
    services.act(dossier.code, "pay", official_actor(dossier.agency.code, Role.RECEIVER))  # cash at the counter
    paid = client.post(f"/api/dossiers/{dossier.code}/request-payment", {}, content_type="application/json")
    assert paid.status_code == 409 and paid.json()["code"] == "fee_already_paid"
