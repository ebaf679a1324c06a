"""Signed results: issued at approval, PAdES-signed by the official and the agency, verifiable by anyone,
and refused when tampered with or signed by a revoked certificate."""

import io

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.documents import pki, signing
from motcua.documents.models import Certificate, IssuedDocument
from motcua.documents.signers import InMemoryKeySigner, asn1_certificate
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.pdf import OfficialForm
from motcua.identity.actors import Role, citizen_actor
from motcua.registries.models import HeldDocument

AN = DEMO_CITIZENS[0]


def submit(code: str, **changes):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    dossier, _ = services.submit(sample_submission(spec, **changes),
                                 citizen_actor(AN.id_number, AN.name, 2))
    return dossier


@pytest.fixture
def result(seeded) -> IssuedDocument:
    dossier = submit("1.001193")
    walk(dossier.code, Status.PROCESSED)
    return IssuedDocument.objects.get(dossier=dossier, kind="result")


def tamper(data: bytes) -> bytes:
    """Flip one byte inside the first page's content stream: what a forger editing the text does."""
    at = data.index(b"stream", data.index(b"/Contents")) + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_approval_issues_a_result_signed_by_the_official_and_the_agency(result):
    data = result.file.read()
    check = signing.verify_pdf(data)
    assert check.valid
    assert [s.field_name for s in check.signatures] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    assert "Lãnh đạo" in check.signatures[0].signer or result.signed_by in check.signatures[0].signer
    assert result.issuer_agency.name_vi in check.signatures[1].signer
    assert {c.owner_kind for c in result.certificates.all()} == {"official", "agency"}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in ("GIẤY KHAI SINH", result.number, AN.name, "/xac-thuc/", str(result.id), "Đã ký số"):
        assert expected in text, expected


def test_the_result_goes_to_the_wallet(result):
    held = HeldDocument.objects.get(owner_id_number=AN.id_number, number=result.number)
    assert held.doc_type == "giay_khai_sinh" and held.data["document_id"] == str(result.id)


def test_refusal_issues_no_result(seeded):
    dossier = submit("1.001193")

    state = services.state_of(dossier)
    services.act(dossier.code, "receive", official_actor(state.agency_code, Role.RECEIVER))
    spec = spec_of(dossier.procedure_version)
    while (state := services.state_of(services.get_dossier(dossier.code))).step < spec.workflow.deciding_step:
        services.act(dossier.code, "forward", official_actor(state.agency_code, spec.workflow.steps[state.step].role))
    services.act(dossier.code, "complete", official_actor(state.agency_code, Role.LEADER), "Không đủ điều kiện",
                 {"outcome": "refused"})
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()


def test_a_tampered_file_is_invalid(result):
    check = signing.verify_pdf(tamper(result.file.read()))
    assert not check.valid and not check.signatures[0].intact


def test_content_appended_after_signing_is_invalid(result):
    data = result.file.read()
    appended = data + b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"  # a later revision that is not signed
    check = signing.verify_pdf(appended)
    assert not check.valid


def test_a_revoked_certificate_makes_the_signature_invalid(result):
    seal = result.certificates.get(owner_kind="agency")
    seal.revoked_at, seal.revocation_reason = timezone.now(), "key compromise"
    seal.save()
    check = signing.verify_pdf(result.file.read())
    assert not check.valid
    revoked = [s for s in check.signatures if s.revoked_at]
    assert [s.serial for s in revoked] == [seal.serial]
    # the next document of that agency is signed with a new certificate
    dossier = submit("1.001193", form={**result.dossier.form_data, "child_full_name": "Nguyễn Minh Khôi"})  # a twin
    walk(dossier.code, Status.PROCESSED)
    fresh = IssuedDocument.objects.get(dossier=dossier).certificates.get(owner_kind="agency")
    assert fresh.serial != seal.serial and signing.verify_pdf(IssuedDocument.objects.get(dossier=dossier)
                                                              .file.read()).valid


def test_the_revocation_list_names_revoked_certificates(result, client):

    seal = result.certificates.get(owner_kind="agency")
    Certificate.objects.filter(pk=seal.pk).update(revoked_at=timezone.now())
    crl = x509.load_der_x509_crl(client.get("/xac-thuc/crl.der").content)
    assert crl.get_revoked_certificate_by_serial_number(int(seal.serial, 16)) is not None
    assert b"BEGIN CERTIFICATE" in client.get("/xac-thuc/ca.pem").content


def test_signed_by_an_unknown_ca_is_untrusted(result):

    stranger_ca = pki.new_ca("Stranger CA")
    stranger = pki.issue(stranger_ca, "Kẻ mạo danh")

    signer = InMemoryKeySigner(stranger.private_key, signing_cert=asn1_certificate(stranger.certificate),
                               cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(stranger_ca.certificate)]))

    pdf = OfficialForm()
    pdf.add_page()
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(bytes(pdf.output()))),
                           signers.PdfSignatureMetadata(field_name="X", subfilter=fields.SigSeedSubFilter.PADES),
                           signer=signer).getvalue()
    check = signing.verify_pdf(out)
    assert check.signatures[0].intact and not check.signatures[0].trusted and not check.valid


# --- the public verification page ----------------------------------------------------------------

def test_verification_page_of_a_valid_document(result, client):
    page = client.get(f"/xac-thuc/{result.id}")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="verdict"' in html and "verdict-ok" in html
    assert result.number in html and result.issuer_agency.name_vi in html
    assert AN.id_number not in html  # the ID number is masked on a public page


def test_uploading_a_tampered_copy_says_it_was_changed(result, client):

    forged = SimpleUploadedFile("giay-khai-sinh.pdf", tamper(result.file.read()), "application/pdf")
    page = client.post("/xac-thuc/", {"file": forged})
    html = page.content.decode()
    assert page.status_code == 200 and "verdict-bad" in html and 'data-problem="tampered"' in html
    assert result.number in html  # recognised by the id it carries


def test_uploading_the_genuine_file_is_valid(result, client):

    page = client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", result.file.read())})
    assert "verdict-ok" in page.content.decode()


def test_a_revoked_document_is_shown_as_revoked(result, client):
    IssuedDocument.objects.filter(pk=result.pk).update(revoked_at=timezone.now(), revocation_reason="cấp nhầm")
    html = client.get(f"/xac-thuc/{result.id}").content.decode()
    assert 'data-problem="document_revoked"' in html and "cấp nhầm" in html


@pytest.mark.parametrize(("upload", "status", "problem"), [
    (None, 400, None), (b"not a pdf at all", 200, "unreadable"), (b"%PDF-1.4\n%%EOF", 200, "unreadable"),
])
def test_bad_uploads_get_a_clear_answer(seeded, client, upload, status, problem):

    data = {"file": SimpleUploadedFile("x.pdf", upload)} if upload else {}
    page = client.post("/xac-thuc/", data)
    assert page.status_code == status
    if problem:
        assert f'data-problem="{problem}"' in page.content.decode()


def test_unknown_document_id_is_404(seeded, client):
    assert client.get("/xac-thuc/00000000-0000-0000-0000-000000000000").status_code == 404
