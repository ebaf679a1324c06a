"""Back-office pages for fees, cash, signed results, evidence files and revocation."""

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_PASSWORD
from motcua.demo.testing import fresh_code, log_in_official, sample_submission
from motcua.documents.models import IssuedDocument
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import citizen_actor
from motcua.payments.models import Payment

AN = DEMO_CITIZENS[0]
PDF = b"%PDF-1.4\n%%EOF\n"


def submit(code, **changes):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    return services.submit(sample_submission(spec, **changes), citizen_actor(AN.id_number, AN.name, 2))[0]


def step(client, username, code, action, **data):
    client.logout()
    log_in_official(client, username)
    data = {name: value() if callable(value) else value for name, value in data.items()}  # a code: after login
    response = client.post(f"/backoffice/ho-so/{code}/{action}/", data)
    assert response.status_code == 302
    return services.state_of(services.get_dossier(code))


@pytest.fixture
def judicial(seeded):
    """A judicial-record dossier (fee 200.000 đ) at the Department of Justice of Hà Nội."""
    return submit("3.000333")


def test_fee_request_uses_the_catalog_amount_and_cash_issues_a_receipt(client, judicial):
    code = judicial.code
    step(client, "hanoi.ca.motcua", code, "receive")
    state = step(client, "hanoi.ca.motcua", code, "forward")
    page = log_in_official(client, "hanoi.ca.chuyenvien").get(f"/backoffice/ho-so/{code}/").content.decode()
    assert 'data-testid="fee-quote">200.000' in page
    state = step(client, "hanoi.ca.chuyenvien", code, "request_payment", amount="1")  # a typed amount is ignored
    assert state.status == Status.FINANCIAL_OBLIGATION and state.fee_due == 200000
    state = step(client, "hanoi.ca.motcua", code, "pay")
    assert state.status == Status.PROCESSING and state.fee_paid == 200000 and not state.paid_online
    receipt = Payment.objects.get(dossier__code=code).receipt
    page = client.get(f"/backoffice/ho-so/{code}/").content.decode()
    assert receipt.number in page
    assert client.get(f"/backoffice/ho-so/{code}/van-ban/{receipt.id}.pdf").content.startswith(b"%PDF")


def test_unknown_exemption_is_refused_with_a_message(client, judicial):
    step(client, "hanoi.ca.motcua", judicial.code, "receive")
    step(client, "hanoi.ca.motcua", judicial.code, "forward")
    client.logout()
    log_in_official(client, "hanoi.ca.chuyenvien")
    refused = client.post(f"/backoffice/ho-so/{judicial.code}/request_payment/", {"exemption": "invented"})
    assert refused.status_code == 422 and "miễn" in refused.content.decode()
    assert services.state_of(services.get_dossier(judicial.code)).status == Status.PROCESSING


def test_approval_signs_and_the_leader_can_revoke(client, seeded):
    code = submit("1.001193").code
    for username, action in (("hoankiem.motcua", "receive"), ("hoankiem.motcua", "forward"),
                             ("hoankiem.chuyenvien", "forward")):
        step(client, username, code, action)
    state = step(client, "hoankiem.lanhdao", code, "complete", outcome="approved", reviewed="1",
                 confirmation=lambda: fresh_code("hoankiem.lanhdao"))
    assert state.status == Status.PROCESSED
    result = IssuedDocument.objects.get(dossier__code=code, kind="result")
    assert "Lãnh đạo" in result.signed_by or result.signed_by
    page = client.get(f"/backoffice/ho-so/{code}/").content.decode()
    assert result.number in page and "/thu-hoi/" in page
    revoke_url = f"/backoffice/ho-so/{code}/van-ban/{result.id}/thu-hoi/"
    client.post(revoke_url, {"reason": "", "confirmation": fresh_code("hoankiem.lanhdao")})
    client.post(revoke_url, {"reason": "Cấp nhầm", "confirmation": DEMO_PASSWORD})  # a code is asked, not this
    result.refresh_from_db()
    assert result.revoked_at is None
    unconfirmed = client.get(f"/backoffice/ho-so/{code}/").content.decode()
    assert "mã 6 chữ số" in unconfirmed and 'autocomplete="one-time-code"' in unconfirmed
    client.post(revoke_url, {"reason": "Cấp nhầm", "confirmation": fresh_code("hoankiem.lanhdao")})
    result.refresh_from_db()
    assert result.revoked_at is not None and "Cấp nhầm" in result.revocation_reason
    client.logout()
    log_in_official(client, "hoankiem.motcua")  # not a leader
    assert client.post(f"/backoffice/ho-so/{code}/van-ban/{result.id}/thu-hoi/", {"reason": "x"}).status_code == 403


def test_counter_intake_scans_paper_evidence(client, seeded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.demo.seeding import BIRTH_FORM, DEMO_COMMUNE

    log_in_official(client, "hoankiem.motcua")
    data = {f"form.{k}": v for k, v in BIRTH_FORM.items()}
    data.update({"applicant.id_number": AN.id_number, "applicant.name": AN.name, "province_code": "01",
                 "commune_code": DEMO_COMMUNE, "channel": "counter", "evidence": ["to_khai"],
                 "file.to_khai": SimpleUploadedFile("to-khai.pdf", PDF)})
    response = client.post("/backoffice/tiep-nhan/1.001193/", data)
    assert response.status_code == 302
    code = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    dossier = services.get_dossier(code)
    scan = dossier.attachments.get()
    assert scan.origin == "scan" and scan.digitized
    page = client.get(f"/backoffice/ho-so/{code}/").content.decode()
    assert 'data-testid="attachments"' in page
    assert client.get(f"/backoffice/ho-so/{code}/tep/{scan.id}/").content == PDF
    client.logout()
    log_in_official(client, "hanoi.sxd.motcua")  # another agency: no access to the file
    assert client.get(f"/backoffice/ho-so/{code}/tep/{scan.id}/").status_code == 403


def test_reconciliation_page_lists_the_agencys_mismatches(client, judicial):
    from django.utils import timezone

    from motcua.payments.models import ReconciliationRun

    ReconciliationRun.objects.create(day=timezone.localdate(), gateway="vnpay", started_at=timezone.now(), checked=2,
                                     matched=1, mismatches=[{"reference": "REF1", "dossier": judicial.code,
                                                             "kind": "amount_mismatch",
                                                             "ours": {"status": "paid", "amount": 200000},
                                                             "gateway": {"amount": 100000}}])
    page = log_in_official(client, "hanoi.ca.motcua").get("/backoffice/doi-soat-thanh-toan/").content.decode()
    assert "REF1" in page and judicial.code in page
    client.logout()
    other = log_in_official(client, "hoankiem.motcua").get("/backoffice/doi-soat-thanh-toan/").content.decode()
    assert "REF1" not in other
