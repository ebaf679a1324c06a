"""The applicant claims a fee exemption or reduction when filing, with its proof: checked at submission against
the rules in force for the competent agency, recorded in the journal, applied to the quote and to the fee the
official asks, unless the official refuses it."""

import base64

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import FEES_DIR, spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_citizen, log_in_official, official_actor, sample_submission, scans_of
from motcua.documents.models import Attachment
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import LifecycleError
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Role, citizen_actor
from motcua.identity.callers import issue_token
from motcua.identity.models import Official
from motcua.payments import fee_schedules

MARITAL_STATUS = "1.004873"  # Hà Nội: 3.000 đồng; poor households exempt on their certificate
HOANKIEM = "H01.X00070.UB"
AN = DEMO_CITIZENS[0]


@pytest.fixture
def charged_online(seeded, tmp_path):
    """Hà Nội's schedule without its zero-fee online periods, so that filing online costs the online rate."""
    document = yaml.safe_load((FEES_DIR / "01.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in document["rules"] if r["procedure"] == MARITAL_STATUS)
    rule.pop("online_free", None)
    path = tmp_path / "01.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert fee_schedules.import_schedules([path]).created == ["01"]
    return spec_of(Procedure.objects.get(code=MARITAL_STATUS).current_version)


def claiming(spec, claim: str, proof: bool = True) -> dossiers.Submission:
    sub = sample_submission(spec, fee_claim=claim)
    if proof:
        sub.files += scans_of(dossiers.FEE_CLAIM_PROOF)
    return sub


def handed_to_specialist(dossier: Dossier) -> None:
    receiver = official_actor(HOANKIEM, Role.RECEIVER)
    dossiers.act(dossier.code, "receive", receiver)
    dossiers.act(dossier.code, "forward", receiver)


def test_an_exempt_applicant_with_proof_pays_nothing(charged_online):
    dossier, _ = dossiers.submit(claiming(charged_online, "ho_ngheo"), citizen_actor(AN.id_number, AN.name, 2))
    submitted = dossier.actions.get(kind="submit")
    assert submitted.data["fee_claim"] == "ho_ngheo"
    proof = Attachment.objects.get(dossier=dossier, evidence_code=dossiers.FEE_CLAIM_PROOF)
    assert proof.added_with == submitted.seq and dossiers.FEE_CLAIM_PROOF not in dossier.evidence
    assert fee_schedules.dossier_quote(dossier).amount == 3000  # the online rate, before the claim
    expected = fee_schedules.requested_quote(dossier, None)  # what the applicant is told before any request
    assert (expected.amount, expected.basis, expected.exemption) == (0, "exempt", "ho_ngheo")
    handed_to_specialist(dossier)
    with pytest.raises(LifecycleError) as asked:  # the claim accepted: nothing is asked
        dossiers.act(dossier.code, "request_payment", official_actor(HOANKIEM, Role.SPECIALIST))
    assert asked.value.code == "nothing_owed"


def test_a_claim_through_the_api_is_recorded_and_its_fee_is_nothing(charged_online):
    sub = claiming(charged_online, "ho_ngheo")
    body = {"procedure_code": sub.procedure_code, "channel": "online", "commune_code": sub.commune_code,
            "applicant": {"id_number": sub.applicant_id_number, "name": sub.applicant_name},
            "form": sub.form, "evidence": sub.evidence, "fee_claim": "ho_ngheo",
            "files": [{"evidence": f.evidence_code, "name": f.name, "content": base64.b64encode(f.data).decode()}
                      for f in sub.files]}
    citizen = log_in_citizen(Client())
    created = citizen.post("/api/dossiers", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    page = citizen.get(f"/ho-so/{code}/").content.decode()  # what the applicant expects to pay
    assert 'data-testid="claimed-quote">0' in page and "Người thuộc hộ nghèo" in page
    claim = citizen.get(f"/api/dossiers/{code}").json()["fee_claim"]  # the dossier's detail shows the claim
    assert {k: claim[k] for k in ("code", "decision", "proof_vi")} == {
        "code": "ho_ngheo", "decision": "claimed", "proof_vi": "Giấy chứng nhận hộ nghèo"}
    assert (claim["quote"]["amount"], claim["quote"]["basis"], claim["quote"]["full_amount"]) == (0, "exempt", 3000)
    assert "06/2020/NQ-HĐND" in claim["basis_vi"] and [p["name"] for p in claim["proofs"]] == [
        f"{dossiers.FEE_CLAIM_PROOF}.pdf"]
    handed_to_specialist(Dossier.objects.get(code=code))
    token = issue_token(Official.objects.get(agency__code=HOANKIEM, role="specialist"))
    asked = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(f"/api/dossiers/{code}/request-payment", {},
                                                              content_type="application/json")
    assert asked.status_code == 409 and asked.json()["code"] == "nothing_owed"


def test_a_claim_without_its_proof_or_unknown_is_refused_and_nothing_is_written(charged_online):
    an = citizen_actor(AN.id_number, AN.name, 2)
    before = Dossier.objects.count(), Attachment.objects.count()
    with pytest.raises(dossiers.SubmissionError) as no_proof:
        dossiers.submit(claiming(charged_online, "ho_ngheo", proof=False), an)
    [error] = no_proof.value.errors
    assert (error.field, error.code) == ("evidence.fee_claim_proof", "file_required")
    assert "Giấy chứng nhận hộ nghèo" in error.vi and "Poor-household certificate" in error.en
    with pytest.raises(dossiers.SubmissionError) as unknown:
        dossiers.submit(claiming(charged_online, "made_up"), an)
    assert [(e.field, e.code) for e in unknown.value.errors] == [("fee_claim", "unknown_exemption")]
    with pytest.raises(dossiers.SubmissionError) as proof_alone:
        dossiers.submit(claiming(charged_online, ""), an)
    assert [e.field for e in proof_alone.value.errors] == ["evidence.fee_claim_proof"]
    response = log_in_citizen(Client()).post("/api/dossiers", {
        "procedure_code": MARITAL_STATUS, "applicant": {"id_number": AN.id_number, "name": AN.name},
        "commune_code": "00070", "form": claiming(charged_online, "").form, "fee_claim": "ho_ngheo"},
        content_type="application/json")
    assert response.status_code == 422
    assert {"field": "evidence.fee_claim_proof", "code": "file_required"}.items() <= next(
        e for e in response.json()["errors"] if e["field"] == "evidence.fee_claim_proof").items()
    assert (Dossier.objects.count(), Attachment.objects.count()) == before


def test_an_official_refusing_the_claim_charges_the_normal_fee(charged_online, client):
    dossier, _ = dossiers.submit(claiming(charged_online, "ho_ngheo"), citizen_actor(AN.id_number, AN.name, 2))
    handed_to_specialist(dossier)
    specialist = Official.objects.get(agency__code=HOANKIEM, role="specialist")
    log_in_official(client, specialist.user.username)
    page = client.get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="fee-claim"' in page and '<option value="ho_ngheo" selected>' in page
    client.post(f"/backoffice/ho-so/{dossier.code}/request_payment/", {"exemption": ""})  # "none": refused
    dossier = Dossier.objects.get(pk=dossier.pk)
    request = dossier.actions.get(kind="request_payment")
    assert request.data == {"amount": 3000, "fee_basis": "online", "fee_authority": "01",
                            "fee_claim_refused": "ho_ngheo"}
    assert dossiers.state_of(dossier).fee_due == 3000
    claim = log_in_citizen(Client()).get(f"/api/dossiers/{dossier.code}").json()["fee_claim"]
    assert (claim["decision"], claim["quote"]["amount"]) == ("refused", 3000)


def test_a_reception_officer_records_the_claim_at_the_counter(charged_online, client):
    """At the counter the officer records what the applicant claims and scans its proof: the counter rate
    (3.000 đồng) is expected to be waived."""
    log_in_official(client, "hoankiem.motcua")
    page = client.get(f"/backoffice/tiep-nhan/{MARITAL_STATUS}/").content.decode()
    assert 'data-testid="fee-claim"' in page and '<option value="ho_ngheo">' in page
    sub = claiming(charged_online, "ho_ngheo")
    post = {"applicant.id_number": AN.id_number, "applicant.name": AN.name, "channel": "counter",
            "commune_code": sub.commune_code, "province_code": sub.province_code, "evidence": sub.evidence,
            "fee_claim": "ho_ngheo", **{f"form.{name}": value for name, value in sub.form.items()}}
    files = {f"file.{f.evidence_code}": SimpleUploadedFile(f.name, f.data, "application/pdf") for f in sub.files}
    without_proof = client.post(f"/backoffice/tiep-nhan/{MARITAL_STATUS}/", {
        **post, **{k: v for k, v in files.items() if k != f"file.{dossiers.FEE_CLAIM_PROOF}"}})
    assert without_proof.status_code == 422 and "Giấy chứng nhận hộ nghèo" in without_proof.content.decode()
    for upload in files.values():
        upload.seek(0)
    recorded = client.post(f"/backoffice/tiep-nhan/{MARITAL_STATUS}/", {**post, **files})
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_id_number=AN.id_number, procedure_version__procedure__code=MARITAL_STATUS)
    assert dossier.channel == "counter" and dossier.actions.get(kind="submit").data["fee_claim"] == "ho_ngheo"
    assert Attachment.objects.filter(dossier=dossier, evidence_code=dossiers.FEE_CLAIM_PROOF).exists()
    claim = fee_schedules.fee_claim(dossier, 0)
    assert claim is not None and (claim.quote.amount, claim.quote.full_amount) == (0, 3000)


def test_the_form_shows_what_may_be_claimed_and_its_proof(charged_online, client):
    log_in_citizen(client)
    page = client.get(f"/thu-tuc/{MARITAL_STATUS}/nop/").content.decode()
    assert 'data-testid="fee-claim"' in page and 'name="fee_claim"' in page
    assert "Giấy chứng nhận hộ nghèo" in page and "06/2020/NQ-HĐND" in page
