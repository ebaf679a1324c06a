"""Filing for someone else through the portal's pages and the API, as a citizen's session sees them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.demo.seeding import DEMO_CITIZENS, DEMO_COMMUNE, DEMO_DAUGHTER, DEMO_WARD
from motcua.demo.testing import log_in_citizen, log_in_official
from motcua.dossiers.models import Dossier
from motcua.representation.models import Authorisation

AN, BINH, CUONG = DEMO_CITIZENS
COPY = "2.000635"
FORM_URL = f"/thu-tuc/{COPY}/nop/"
FOR_DAUGHTER = {"for": DEMO_DAUGHTER[0], "filed_as": "parent"}


def copy_request(**more):
    return {"form.event_kind": "birth", "form.copies": "1", "commune_code": DEMO_COMMUNE, "province_code": "01",
            "idempotency_key": "", **more}


def test_a_parent_chooses_the_child_and_the_form_is_filled_with_her_data(seeded):
    an = log_in_citizen(Client(), AN)
    page = an.get(FORM_URL).content.decode()
    assert 'data-testid="file-for"' in page and DEMO_DAUGHTER[1] in page
    page = an.get(FORM_URL, FOR_DAUGHTER).content.decode()
    assert 'data-testid="applicant-concerned"' in page and DEMO_DAUGHTER[0] in page  # pre-filled ID number
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    response = an.post(FORM_URL, copy_request(idempotency_key=key, **{
        "form.subject_id_number": DEMO_DAUGHTER[0]}, **FOR_DAUGHTER))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(applicant_id_number=DEMO_DAUGHTER[0])
    assert (dossier.filer_id_number, dossier.filed_as, dossier.applicant_name) == (AN.id_number, "parent",
                                                                                    DEMO_DAUGHTER[1])
    assert dossier.origins.of("subject_id_number").source == "registry"  # with its provenance
    listed = an.get("/ho-so/").content.decode()
    assert dossier.code in listed and DEMO_DAUGHTER[1] in listed
    assert AN.name in an.get(f"/ho-so/{dossier.code}/").content.decode()
    official = log_in_official(Client(), "hoankiem.motcua")
    detail = official.get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="filer"' in detail and AN.id_number in detail and "Cha, mẹ nộp thay" in detail


def test_an_unrelated_person_is_refused_by_field_in_the_form(seeded):
    cuong = log_in_citizen(Client(), CUONG)
    assert DEMO_DAUGHTER[1] not in cuong.get(FORM_URL).content.decode()  # not offered
    response = cuong.post(FORM_URL, copy_request(idempotency_key="k1", **FOR_DAUGHTER))
    assert response.status_code == 422
    assert "Bạn chỉ được nộp hồ sơ cho chính mình" in response.content.decode()
    assert not Dossier.objects.exists()


def test_authorisations_are_signed_used_and_revoked_on_the_portal(seeded):
    an, binh = log_in_citizen(Client(), AN), log_in_citizen(Client(), BINH)
    refused = an.post("/uy-quyen/", {"grantee.id_number": BINH.id_number, "grantee.name": BINH.name})
    assert refused.status_code == 422 and "Chọn ít nhất một thủ tục" in refused.content.decode()
    response = an.post("/uy-quyen/", {"grantee.id_number": BINH.id_number, "grantee.name": BINH.name,
                                      "procedure_codes": [COPY]})
    assert response.status_code == 302
    granted = Authorisation.objects.get()
    assert AN.name in binh.get("/uy-quyen/").content.decode()
    assert AN.name in binh.get(FORM_URL).content.decode()  # offered under "file for"
    page = binh.get(FORM_URL, {"for": AN.id_number, "filed_as": "authorised"}).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    response = binh.post(FORM_URL, copy_request(idempotency_key=key, **{"form.subject_id_number": AN.id_number},
                                                **{"for": AN.id_number, "filed_as": "authorised"}))
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number=AN.id_number, filer_id_number=BINH.id_number)
    assert dossier.code in an.get("/ho-so/").content.decode()
    reads = an.get("/ai-da-xem-du-lieu/").content.decode()
    assert BINH.name in reads and "Người được ủy quyền nộp thay" in reads
    assert an.post(f"/uy-quyen/{granted.pk}/thu-hoi/").status_code == 302
    assert binh.post(f"/uy-quyen/{granted.pk}/thu-hoi/").status_code == 404  # not hers to revoke
    offered = binh.get(FORM_URL).content.decode().split('data-testid="file-for"')[1].split("</nav>")[0]
    assert AN.name not in offered and DEMO_WARD[1] in offered  # her ward still is
    refused = binh.post(FORM_URL, copy_request(idempotency_key="k2", **{"for": AN.id_number, "filed_as": "authorised"}))
    assert refused.status_code == 422 and "đã thu hồi" in refused.content.decode()


def post(client, body):
    return client.post("/api/dossiers", body, content_type="application/json")


def api_copy(applicant, **more):
    return {"procedure_code": COPY, "channel": "online", "applicant": applicant, "commune_code": DEMO_COMMUNE,
            "form": {"event_kind": "birth", "copies": 1}, **more}


def test_the_api_files_for_a_child_and_lists_by_filer_and_applicant(seeded):
    an = log_in_citizen(Client(), AN)
    response = post(an, api_copy({"id_number": DEMO_DAUGHTER[0], "name": DEMO_DAUGHTER[1]}, filed_as="parent"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["applicant"]["id_number"] == DEMO_DAUGHTER[0]
    assert (body["filer"]["id_number"], body["filer"]["filed_as"]) == (AN.id_number, "parent")
    detail = an.get(f"/api/dossiers/{body['code']}").json()
    assert detail["form"]["subject_id_number"] == DEMO_DAUGHTER[0]  # pre-filled from the child's record
    assert detail["provenance"]["subject_id_number"]["source"] == "registry"
    listed = an.get("/api/dossiers").json()
    assert [d["code"] for d in listed["items"]] == [body["code"]] and listed["count"] == 1
    assert log_in_citizen(Client(), CUONG).get("/api/dossiers").json()["count"] == 0
    stranger = post(log_in_citizen(Client(), CUONG), api_copy({"id_number": DEMO_DAUGHTER[0], "name": "X"}))
    assert stranger.status_code == 422
    (error,) = stranger.json()["errors"]
    assert (error["field"], error["code"]) == ("applicant.id_number", "not_self") and error["vi"] and error["en"]


def test_a_paper_authorisation_lets_its_holder_file_for_the_official_to_check(seeded):
    from motcua.demo.seeding import sample_scan

    binh, cuong = log_in_citizen(Client(), BINH), log_in_citizen(Client(), CUONG)
    scan = SimpleUploadedFile("uy-quyen.pdf", sample_scan(), content_type="application/pdf")
    refused = binh.post("/uy-quyen/", {"form": "paper", "grantor.id_number": CUONG.id_number,
                                       "grantor.name": CUONG.name, "procedure_codes": [COPY]})
    assert refused.status_code == 422 and "rỗng" in refused.content.decode()  # no scan: an empty file
    response = binh.post("/uy-quyen/", {"form": "paper", "grantor.id_number": CUONG.id_number,
                                        "grantor.name": CUONG.name, "procedure_codes": [COPY], "file": scan})
    assert response.status_code == 302
    paper = Authorisation.objects.get(kind="paper")
    assert (paper.grantor_id_number, paper.grantee_id_number, paper.eid_level) == (CUONG.id_number,
                                                                                   BINH.id_number, None)
    assert BINH.name in cuong.get("/uy-quyen/").content.decode()  # the grantor sees it, and may revoke it
    page = binh.get(FORM_URL, {"for": CUONG.id_number, "filed_as": "authorised"}).content.decode()
    assert 'data-testid="prefill-preview"' not in page  # nobody checked it yet: nothing of his is read
    body = api_copy({"id_number": CUONG.id_number, "name": CUONG.name}, filed_as="authorised")
    body["form"]["subject_id_number"] = CUONG.id_number
    filed = post(binh, body)
    assert filed.status_code == 201, filed.json()
    assert filed.json()["filer"]["mandate"] == paper.reference
    official = log_in_official(Client(), "hoankiem.motcua")
    code = filed.json()["code"]
    assert 'data-testid="paper-authorisation"' in official.get(f"/backoffice/ho-so/{code}/").content.decode()
    opened = official.get(f"/backoffice/ho-so/{code}/van-ban-uy-quyen/")
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
