"""Results in the layout of their legal form, signed with a trusted timestamp (PAdES B-T) from the bundled
time-stamping authority, checked by pyHanko, by poppler's pdfsig and pdftotext, and by the verification page."""

import io
import shutil
import socket
import subprocess
import threading
import time
from datetime import date

import pytest
import requests
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.documents import pki, signing
from motcua.documents.legal_forms import SignerTitle, date_in_words, in_words, office_of
from motcua.documents.models import IssuedDocument, Signatory
from motcua.documents.signers.dev_ca import DevelopmentCA
from motcua.documents.tests.test_results import tamper
from motcua.documents.timestamps import TimestampUnavailable
from motcua.documents.timestamps.bundled import Refusal
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.services import next_number
from motcua.identity.actors import Role, citizen_actor
from motcua.registries.models import Person

AN = DEMO_CITIZENS[0]


def birth_registration(child_name: str = "", deputy_decides: bool = False) -> IssuedDocument:
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    submission = sample_submission(spec)
    if child_name:
        submission.form["child_full_name"] = child_name
    dossier, _ = services.submit(submission, citizen_actor(AN.id_number, AN.name, 2))
    if deputy_decides:  # the official who decides is recorded as a vice-chair
        Signatory.objects.create(agency=dossier.agency, official_id=official_actor(dossier.agency.code, Role.LEADER).id)
    walk(dossier.code, Status.PROCESSED)
    return IssuedDocument.objects.get(dossier=dossier, kind="result")


def pdf_text(data: bytes) -> str:
    """poppler's pdftotext when installed (an independent reader), else pypdf."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True,
                              timeout=60).stdout.decode()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def birth_certificate(seeded) -> IssuedDocument:
    return birth_registration()


def test_the_birth_certificate_prints_the_fields_of_the_legal_form(birth_certificate):
    dossier = birth_certificate.dossier
    data = dossier.form_data
    text = " ".join(pdf_text(birth_certificate.file.read()).split())
    child = Person.objects.get(full_name=data["child_full_name"], birth_date=data["child_birth_date"])
    mother = Person.objects.get(id_number=data["mother_id_number"])
    born = date.fromisoformat(data["child_birth_date"])
    book = f"01/{birth_certificate.issued_at.year}"
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY KHAI SINH",
                     f"Quyển số: {book}", "Họ, chữ đệm, tên:", data["child_full_name"].upper(),
                     f"{born:%d/%m/%Y}", date_in_words(born), "Số định danh cá nhân:", child.id_number,
                     "Họ, chữ đệm, tên người mẹ:", mother.full_name, f"Năm sinh: {mother.birth_date.year}",
                     "Nơi cư trú:", "Họ, chữ đệm, tên người đi khai sinh:", AN.name,
                     "Nơi đăng ký khai sinh:", dossier.agency.name_vi, "Ngày, tháng, năm đăng ký:",
                     "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", birth_certificate.signed_by, birth_certificate.number):
        assert expected in text, expected
    assert "LÃNH ĐẠO" not in text and "KT. CHỦ TỊCH" not in text
    if data.get("father_id_number"):
        assert Person.objects.get(id_number=data["father_id_number"]).full_name in text
        assert "Họ, chữ đệm, tên người cha:" in text
    assert birth_certificate.signer_title == "Chủ tịch"


def test_entries_are_numbered_per_agency_and_year_in_one_book(birth_certificate, seeded):
    second = birth_registration(child_name="Trần Thị Bình Minh")
    numbers = [" ".join(pdf_text(d.file.read()).split()).split("Số: ", 1)[1].split()[0]
               for d in (birth_certificate, second)]
    assert int(numbers[1]) == int(numbers[0]) + 1


def test_a_vice_chair_signs_for_the_chair(seeded):
    document = birth_registration(deputy_decides=True)
    text = pdf_text(document.file.read())
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and document.signer_title == "Phó Chủ tịch"


@pytest.mark.parametrize(("n", "words"), [(2026, "hai nghìn không trăm hai mươi sáu"),
                                          (2005, "hai nghìn không trăm linh năm"), (1999, "một nghìn chín trăm "
                                          "chín mươi chín"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư")])
def test_numbers_in_words(n, words):
    assert in_words(n) == words


def test_each_signature_carries_a_timestamp_from_the_bundled_authority(birth_certificate):
    data = birth_certificate.file.read()
    ca = DevelopmentCA().ca.certificate
    for embedded in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        signer_info = embedded.signed_data["signer_infos"][0]
        token = next(a["values"][0] for a in signer_info["unsigned_attrs"]
                     if a["type"].native == "signature_time_stamp_token")
        tsa = x509.load_der_x509_certificate(next(
            c.chosen.dump() for c in token["content"]["certificates"]
            if c.chosen.subject.native["common_name"].endswith("Time-Stamping Authority")))
        ca.public_key().verify(tsa.signature, tsa.tbs_certificate_bytes,
                               *_padding_and_hash(tsa))  # issued by the development CA
        usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    check = signing.verify_pdf(data)
    assert check.valid
    for signature in check.signatures:
        assert signature.timestamp_valid and signature.timestamped_at is not None
        assert signature.timestamp_authority == "motcua Development Time-Stamping Authority"


def _padding_and_hash(cert: x509.Certificate):
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

    return PKCS1v15(), cert.signature_hash_algorithm


def test_document_signing_certificates_are_for_documents_not_email(birth_certificate):
    for row in birth_certificate.certificates.all():
        cert = x509.load_pem_x509_certificate(row.pem.encode())
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment
        assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [pki.DOCUMENT_SIGNING]


def test_results_are_pdf_a(birth_certificate):
    data = birth_certificate.file.read()
    assert b"pdfaid:part" in data and b"/OutputIntents" in data and b"GTS_PDFA1" in data
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    assert len(fonts) == 3
    for font in fonts.values():  # each face embedded with the glyphs it draws, and the text they stand for
        font = font.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        program = TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_data()), checkChecksums=2)
        assert program["glyf"] and cid_font["/CIDToGIDMap"].get_data() and font["/ToUnicode"].get_data()
        assert str(font["/BaseFont"]).startswith("/MPDFAA+DejaVuSerif")


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils (pdfsig) is not installed")
def test_an_independent_validator_reads_both_signatures(birth_certificate, tmp_path):
    path = tmp_path / "result.pdf"
    path.write_bytes(birth_certificate.file.read())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Signature #1" in out and "Signature #2" in out and "ETSI.CAdES.detached" in out


def test_the_bundled_authority_speaks_rfc_3161_over_http(seeded):
    request = tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x01" * 32}, "nonce": 12345, "cert_req": False})
    answer = requests.post(settings.SIGNING["TSA_URL"], data=request.dump(), timeout=10,
                           headers={"Content-Type": "application/timestamp-query"})
    assert answer.headers["Content-Type"] == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(answer.content)
    assert response["status"]["status"].native == "granted"
    token: cms.ContentInfo = response["time_stamp_token"]
    info = tsp.TSTInfo.load(token["content"]["encap_content_info"]["content"].contents)
    assert info["nonce"].native == 12345 and info["policy"].native == "0.4.0.2023.1.1"
    assert "certificates" not in token["content"] or not token["content"]["certificates"].native  # not asked for
    refused = tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": {"algorithm": "md5"}, "hashed_message": b"\x01" * 16}})
    answer = requests.post(settings.SIGNING["TSA_URL"], data=refused.dump(), timeout=10,
                           headers={"Content-Type": "application/timestamp-query"})
    assert Refusal.load(answer.content)["status"]["status"].native == "rejection"


def test_the_verification_page_names_the_signer_and_the_timestamp(birth_certificate, client):
    page = client.get(f"/xac-thuc/{birth_certificate.id}").content.decode()
    assert birth_certificate.signed_by in page and "Chủ tịch" in page
    assert birth_certificate.issuer_agency.name_vi in page
    assert "motcua Development Time-Stamping Authority" in page


def test_a_changed_file_is_called_changed_not_untrusted(birth_certificate, client):
    forged = tamper(birth_certificate.file.read())
    page = client.post(f"/xac-thuc/{birth_certificate.id}",
                       {"file": SimpleUploadedFile("kq.pdf", forged, "application/pdf")}).content.decode()
    assert "Nội dung đã bị thay đổi sau khi ký." in page or "The content was changed after signing." in page
    assert 'data-problem="untrusted"' not in page


def test_the_bundled_authority_serves_the_demo_only(client, settings):
    query = tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x01" * 32}}).dump()
    assert client.post("/xac-thuc/dau-thoi-gian", query, content_type="text/plain").status_code == 415
    settings.DEVELOPMENT_CA = False
    assert client.post("/xac-thuc/dau-thoi-gian", query, content_type="application/timestamp-query").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_an_entry_number():
    """The register's counter, as approvals in parallel web processes advance it: every entry its own number,
    no gap (the birth handler's ``Context.register_entry`` takes its number from this series)."""
    failures, numbers = [], []

    def registrar():
        try:
            for _ in range(5):
                with transaction.atomic():
                    numbers.append(next_number("H01.X00070.UB/KS", date(2026, 1, 1)))
                    time.sleep(0.002)  # hold the row a moment, so the approvals overlap
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=registrar) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert sorted(numbers) == list(range(1, 41))


def test_an_authority_that_does_not_answer_refuses_the_approval(seeded, settings):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    settings.SIGNING = {**settings.SIGNING, "TSA": "http", "TSA_URL": f"http://127.0.0.1:{closed}/tsa",
                        "TSA_TIMEOUT_SECONDS": 2}
    with pytest.raises(TimestampUnavailable) as refused:
        birth_registration()
    assert refused.value.status == 503 and refused.value.code == "timestamp_unavailable"
    assert not IssuedDocument.objects.filter(dossier__applicant_id_number=AN.id_number).exists()


@pytest.mark.parametrize(("agency_type", "deputy", "lines"), [
    ("ubnd_xa", False, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("ubnd_tinh", True, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("so_tu_phap", False, ["GIÁM ĐỐC"]),
    ("cong_an_xa", True, ["KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN"]),
    ("bo_tu_phap", True, ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),
])
def test_the_signature_block_of_each_kind_of_agency(agency_type, deputy, lines):
    assert SignerTitle(office_of(agency_type), deputy).lines() == lines
