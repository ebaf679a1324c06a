"""The citizen's side of a supplement: the request names what is missing, the citizen answers with files and
corrected fields (API and portal), the official sees what changed; bad answers are refused by field, whole."""

import base64

import pytest
from django.test import Client

from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.demo.testing import log_in_citizen, log_in_official, sample_scan
from motcua.documents.models import Attachment
from motcua.dossiers.models import Dossier, DossierAction
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

CITIZEN = DEMO_CITIZENS[0]


def bearer(username):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(Official.objects.get(user__username=username))}"}


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


def attached(code, content=None, name="giay-chung-sinh.pdf"):
    return {"evidence": code, "name": name, "content": base64.b64encode(sample_scan() if content is None
                                                                         else content).decode()}


@pytest.fixture
def asked(citizen):
    """A birth registration received, then asked for the medical birth certificate and the child's name."""
    response = post(citizen, "/api/dossiers", {
        "procedure_code": "1.001193", "channel": "online", "commune_code": DEMO_COMMUNE, "form": dict(BIRTH_FORM),
        "applicant": {"id_number": CITIZEN.id_number, "name": CITIZEN.name, "phone": CITIZEN.phone},
        "evidence": ["to_khai"]})
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    receiver = bearer("hoankiem.motcua")
    assert post(citizen, f"/api/dossiers/{code}/receive", {}, **receiver).status_code == 200
    requested = post(citizen, f"/api/dossiers/{code}/request-supplement", {
        "reason": "Thiếu giấy chứng sinh; tên của trẻ viết sai dấu.",
        "missing_evidence": ["giay_chung_sinh"], "fields_to_correct": ["child_full_name"]}, **receiver)
    assert requested.status_code == 200, requested.json()
    return code


def test_the_request_names_only_what_the_procedure_has(citizen, asked):
    response = post(citizen, f"/api/dossiers/{asked}/request-supplement", {
        "reason": "x", "missing_evidence": ["ho_chieu"], "fields_to_correct": ["shoe_size"]},
        **bearer("hoankiem.motcua"))
    assert response.status_code == 422
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        ("missing_evidence.ho_chieu", "unknown_evidence"), ("fields_to_correct.shoe_size", "unknown_field")}
    assert all(e["vi"] and e["en"] for e in response.json()["errors"])


def test_the_citizen_answers_with_files_and_corrected_fields_and_the_official_sees_what_changed(citizen, asked):
    read = citizen.get(f"/api/dossiers/{asked}").json()
    assert read["supplement"]["open"] is True
    assert [e["code"] for e in read["supplement"]["missing_evidence"]] == ["giay_chung_sinh"]
    assert [f["name"] for f in read["supplement"]["fields_to_correct"]] == ["child_full_name"]

    answered = post(citizen, f"/api/dossiers/{asked}/supplement", {
        "reason": "Gửi giấy chứng sinh và sửa tên", "form": {"child_full_name": "Nguyễn Văn Bảo"},
        "files": [attached("giay_chung_sinh")]})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"]["code"] == 2 and answered.json()["paused"] is False

    dossier = Dossier.objects.get(code=asked)
    assert dossier.form_data["child_full_name"] == "Nguyễn Văn Bảo"
    brought = Attachment.objects.get(dossier=dossier, evidence_code="giay_chung_sinh", origin="upload")
    assert brought.added_with == dossier.version
    entry = DossierAction.objects.get(dossier=dossier, kind="supplement")
    assert entry.data["changed"] == {"child_full_name": {"from": BIRTH_FORM["child_full_name"],
                                                         "to": "Nguyễn Văn Bảo"}}
    assert entry.data["files"][0]["sha256"] == brought.sha256

    answer = citizen.get(f"/api/dossiers/{asked}").json()["supplement"]["answer"]
    assert answer["note"] == "Gửi giấy chứng sinh và sửa tên"
    assert answer["changed"][0]["before"] == BIRTH_FORM["child_full_name"]
    assert answer["changed"][0]["after"] == "Nguyễn Văn Bảo"

    official = log_in_official(Client(), "hoankiem.motcua")
    page = official.get(f"/backoffice/ho-so/{asked}/").content.decode()
    assert 'data-testid="supplement-changes"' in page and "Nguyễn Văn Bảo" in page
    assert f"/backoffice/ho-so/{asked}/tep/{brought.id}/" in page  # the file brought, to open


@pytest.mark.parametrize(("body", "expected"), [
    ({"reason": "x"}, {("evidence.giay_chung_sinh", "file_required")}),
    ({"form": {"birth_place": "Hải Phòng"}, "files": [attached("giay_chung_sinh")]},
     {("form.birth_place", "not_asked")}),
    ({"form": {"child_full_name": ""}, "files": [attached("giay_chung_sinh")]},
     {("form.child_full_name", "required")}),
    ({"form": {"shoe_size": "42"}, "files": [attached("giay_chung_sinh")]}, {("form.shoe_size", "unknown_field")}),
    ({"files": [attached("giay_chung_sinh", b"MZ\x90\x00 not a pdf")]}, {("evidence.giay_chung_sinh", "file_type")}),
    ({"files": [attached("giay_chung_sinh", b"")]}, {("evidence.giay_chung_sinh", "empty_file")}),
    ({"files": [attached("giay_chung_sinh"), attached("ho_chieu")]}, {("evidence.ho_chieu", "not_asked")}),
    ({"files": [{"evidence": "giay_chung_sinh", "name": "a.pdf", "content": "%%%"}]}, {("files.0.content",
                                                                                      "base64_invalid")}),
])
def test_a_bad_answer_is_refused_by_field_and_nothing_is_kept(citizen, asked, body, expected):
    before = DossierAction.objects.filter(dossier__code=asked).count()
    response = post(citizen, f"/api/dossiers/{asked}/supplement", body)
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert {(e["field"], e["code"]) for e in errors} == expected
    assert all(e["vi"] and e["en"] for e in errors)
    assert DossierAction.objects.filter(dossier__code=asked).count() == before
    assert not Attachment.objects.filter(dossier__code=asked, evidence_code="giay_chung_sinh").exists()
    assert Dossier.objects.get(code=asked).form_data["child_full_name"] == BIRTH_FORM["child_full_name"]


def test_only_the_applicant_answers(client, asked):
    log_in_citizen(client, DEMO_CITIZENS[1])
    response = post(client, f"/api/dossiers/{asked}/supplement", {"reason": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "not_yours")
    official = post(client, f"/api/dossiers/{asked}/supplement", {"reason": "x"}, **bearer("hoankiem.motcua"))
    assert official.status_code == 403


def test_the_portal_shows_the_request_at_the_top_and_takes_the_answer(citizen, asked):
    page = citizen.get(f"/ho-so/{asked}/").content.decode()
    assert page.index('data-testid="supplement-request"') < page.index('data-testid="status"')  # at the top
    assert "Thiếu giấy chứng sinh" in page and 'name="file.giay_chung_sinh"' in page
    assert 'name="form.child_full_name"' in page and 'name="form.birth_place"' not in page

    refused = citizen.post(f"/ho-so/{asked}/bo-sung/", {"asked_fields": ["child_full_name"],
                                                      "form.child_full_name": "", "reason": ""})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Vui lòng đính kèm tệp: Giấy chứng sinh." in html and 'id="f-formchild_full_name"' in html
    assert DossierAction.objects.filter(dossier__code=asked).count() == 3

    scan = sample_scan()
    from django.core.files.uploadedfile import SimpleUploadedFile

    done = citizen.post(f"/ho-so/{asked}/bo-sung/", {
        "asked_fields": ["child_full_name"], "form.child_full_name": "Nguyễn Văn Bảo", "reason": "Đã bổ sung",
        "file.giay_chung_sinh": SimpleUploadedFile("chung-sinh.pdf", scan, "application/pdf")})
    assert done.status_code == 302, done.content.decode()[:2000]
    after = citizen.get(f"/ho-so/{asked}/").content.decode()
    assert 'data-testid="supplement-request"' not in after and 'data-testid="supplement-answer"' in after
    assert Dossier.objects.get(code=asked).form_data["child_full_name"] == "Nguyễn Văn Bảo"

    again = citizen.post(f"/ho-so/{asked}/bo-sung/", {"reason": "Gửi lại lần nữa"}, follow=True)
    assert again.status_code == 200 and "Không thể &#x27;Bổ sung hồ sơ&#x27;" in again.content.decode()
    assert DossierAction.objects.filter(dossier__code=asked, kind="supplement").count() == 1
