"""Once-only with the document wallet: a result issued by one procedure is taken from the wallet by a
later procedure that needs it; when the wallet lacks it, it is asked for (upload), and evidence files
are checked; paper scanned at the counter is marked digitized."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import (
    SAMPLE_COMMUNE,
    SAMPLE_PROVINCE,
    log_in_official,
    official_actor,
    sample_submission,
    sample_value,
    walk,
)
from motcua.documents.models import Attachment, IssuedDocument
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Role, citizen_actor
from motcua.identity.callers import CITIZEN_SESSION_KEY
from motcua.identity.models import Official

AN = DEMO_CITIZENS[0]
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def permit_post(key: str, **extra) -> dict:
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    data = {f"form.{f.name}": sample_value(f) for f in spec.fields}
    data.update({"province_code": SAMPLE_PROVINCE, "commune_code": SAMPLE_COMMUNE, "idempotency_key": key,
                 "file.ban_ve_thiet_ke": SimpleUploadedFile("ban-ve.pdf", PDF)})
    data.update(extra)
    return data


def open_form(client, code="1.013225") -> tuple[str, str]:
    html = client.get(f"/thu-tuc/{code}/nop/").content.decode()
    return html, html.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]


def issue_land_certificate():
    spec = spec_of(Procedure.objects.get(code="1.013978").current_version)
    dossier, _ = services.submit(sample_submission(spec), citizen_actor(AN.id_number, AN.name, 2))
    walk(dossier.code, Status.PROCESSED)
    return IssuedDocument.objects.get(dossier=dossier, kind="result")


def test_a_result_in_the_wallet_is_reused_not_asked(citizen):
    certificate = issue_land_certificate()
    html, key = open_form(citizen)
    assert 'data-testid="from-wallet"' in html and certificate.number in html
    assert 'name="file.giay_chung_nhan_qsdd"' not in html  # not asked
    response = citizen.post("/thu-tuc/1.013225/nop/", permit_post(key))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(procedure_version__procedure__code="1.013225")
    reused = Attachment.objects.get(dossier=dossier, evidence_code="giay_chung_nhan_qsdd")
    assert reused.origin == "wallet" and reused.from_document == certificate and reused.digitized
    assert dossier.provenance["evidence.giay_chung_nhan_qsdd"]["reference"] == certificate.number
    page = citizen.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "from your document wallet" in page or "kho dữ liệu" in page


def test_taking_a_document_from_the_wallet_is_a_logged_read_once_per_purpose(citizen, client):
    from motcua.registries.models import AccessLog

    certificate = issue_land_certificate()
    _, key = open_form(citizen)
    citizen.post("/thu-tuc/1.013225/nop/", permit_post(key))
    dossier = Dossier.objects.get(procedure_version__procedure__code="1.013225")
    at_submission = AccessLog.objects.get(person_id_number=AN.id_number, registry="documents",
                                          dossier_code=dossier.code)
    assert (at_submission.reader_id, at_submission.allowed) == (AN.id_number, True)
    reused = Attachment.objects.get(dossier=dossier, evidence_code="giay_chung_nhan_qsdd")
    agency_code = dossier.agency.code
    reader = Official.objects.filter(agency__code=agency_code).select_related("user").first().user
    log_in_official(client, reader.username)
    for _ in range(3):  # the official opens it three times: one read
        response = client.get(f"/backoffice/ho-so/{dossier.code}/tep/{reused.pk}/")
        assert response.status_code == 200 and response.content == certificate.file.open("rb").read()
    by_official = AccessLog.objects.filter(person_id_number=AN.id_number, reader_id=reader.username,
                                           dossier_code=dossier.code)
    # one read of the wallet document, and one of the dossier's file
    assert sorted(by_official.values_list("registry", flat=True)) == ["documents", "dossier"]


def test_without_it_in_the_wallet_it_is_asked_for(citizen):
    html, key = open_form(citizen)
    assert 'name="file.giay_chung_nhan_qsdd"' in html
    response = citizen.post("/thu-tuc/1.013225/nop/", permit_post(key))
    assert response.status_code == 422
    assert "Vui lòng đính kèm tệp: Giấy chứng nhận quyền sử dụng đất" in response.content.decode()
    upload = SimpleUploadedFile("so-do.pdf", PDF, "application/pdf")
    response = citizen.post("/thu-tuc/1.013225/nop/", permit_post(key, **{"file.giay_chung_nhan_qsdd": upload}))
    assert response.status_code == 302
    attachment = Attachment.objects.get(evidence_code="giay_chung_nhan_qsdd")
    assert attachment.origin == "upload" and not attachment.digitized and attachment.content_type == "application/pdf"
    assert attachment.file.read() == PDF


@pytest.mark.parametrize(("name", "data", "code"), [
    ("virus.exe", b"MZ\x90\x00", "file_type"), ("anh.png", b"GIF89a", "file_type"),
])
def test_evidence_files_are_checked(citizen, name, data, code):
    _html, key = open_form(citizen)
    upload = SimpleUploadedFile(name, data)
    response = citizen.post("/thu-tuc/1.013225/nop/", permit_post(key, **{"file.giay_chung_nhan_qsdd": upload}))
    assert response.status_code == 422
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_oversized_file_is_refused(citizen, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    _html, key = open_form(citizen)
    upload = SimpleUploadedFile("big.pdf", PDF + b" " * 2000)
    response = citizen.post("/thu-tuc/1.013225/nop/", permit_post(key, **{"file.giay_chung_nhan_qsdd": upload}))
    assert response.status_code == 422 and not Dossier.objects.exists()


def test_paper_scanned_at_the_counter_is_marked_digitized(seeded):
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    receiver = official_actor("H01.X00070.UB", Role.RECEIVER)
    scan = services.IncomingFile("to_khai", "to-khai-scan.jpg", b"\xff\xd8\xff\xe0scan")
    dossier, _ = services.submit(sample_submission(spec, channel="counter", files=[scan]), receiver)
    attachment = Attachment.objects.get(dossier=dossier)
    assert attachment.origin == "scan" and attachment.digitized and attachment.content_type == "image/jpeg"


def test_files_take_part_in_the_idempotency_digest(seeded):
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    actor = citizen_actor(AN.id_number, AN.name, 2)
    first = services.IncomingFile("to_khai", "a.pdf", PDF)
    dossier, created = services.submit(sample_submission(spec, files=[first], idempotency_key="k1"), actor)
    again, created_again = services.submit(sample_submission(spec, files=[first], idempotency_key="k1"), actor)
    assert created and not created_again and again.pk == dossier.pk
    other = services.IncomingFile("to_khai", "a.pdf", PDF + b"changed")
    with pytest.raises(services.SubmissionError) as exc:
        services.submit(sample_submission(spec, files=[other], idempotency_key="k1"), actor)
    assert exc.value.status == 409


def test_wallet_page_and_download_are_the_owners_only(citizen, client):
    certificate = issue_land_certificate()
    page = citizen.get("/kho-du-lieu/").content.decode()
    assert certificate.number in page
    download = citizen.get(f"/kho-du-lieu/{certificate.id}.pdf")
    assert download.status_code == 200 and download.content == certificate.file.read()
    session = citizen.session
    session[CITIZEN_SESSION_KEY] = {"id_number": DEMO_CITIZENS[1].id_number, "name": "Bình", "eid_level": 2}
    session.save()
    assert citizen.get(f"/kho-du-lieu/{certificate.id}.pdf").status_code == 404
