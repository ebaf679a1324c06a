"""Citizen pages through Django's test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.demo.testing import log_in_citizen, sample_scan, sample_value
from motcua.dossiers.models import Dossier

CITIZEN = DEMO_CITIZENS[0]


def form_post(**overrides):
    data = {f"form.{k}": v for k, v in BIRTH_FORM.items()}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "evidence": ["to_khai"],
                 "idempotency_key": "key-1", "applicant.phone": CITIZEN.phone})
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ["/", "/thu-tuc/?q=khai+sinh&level=commune", "/thu-tuc/1.001193/", "/tra-cuu/",
                                 "/tra-cuu/NOPE-1"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_pages_render_in_both_languages(client, seeded, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_vietnamese_is_the_default_whatever_the_browser_says(client, seeded):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page and "Tìm thủ tục hành chính" in page


def test_search_ignores_accents(client, seeded):
    page = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in page


def test_submit_requires_login(client, seeded):
    response = client.get("/thu-tuc/1.001193/nop/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_bad_submission_shows_errors_next_to_fields_and_keeps_input(citizen):
    response = citizen.post("/thu-tuc/1.001193/nop/", form_post(**{
        "form.child_birth_date": "31/02/2026", "form.child_full_name": "Bé Na", "evidence": []}))
    page = response.content.decode()
    assert response.status_code == 422
    assert "Ngày không hợp lệ" in page
    assert 'value="Bé Na"' in page  # nothing the citizen typed is lost
    assert Dossier.objects.count() == 0


def test_submission_and_double_click_make_one_dossier(citizen):
    first = citizen.post("/thu-tuc/1.001193/nop/", form_post())
    second = citizen.post("/thu-tuc/1.001193/nop/", form_post())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    page = citizen.get(first["Location"]).content.decode()
    assert dossier.code in page and "Mới đăng ký" in page


def test_another_citizen_cannot_open_the_dossier(citizen, client):
    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    code = Dossier.objects.get().code
    log_in_citizen(client, DEMO_CITIZENS[1])
    assert client.get(f"/ho-so/{code}/").status_code == 403
    assert client.get(f"/ho-so/{code}/phieu-tiep-nhan.pdf").status_code == 403


def test_citizen_withdraws_with_reason(citizen):
    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    code = Dossier.objects.get().code
    citizen.post(f"/ho-so/{code}/withdraw/", {"reason": ""})
    assert Dossier.objects.get().status == 1  # refused: a reason is required
    citizen.post(f"/ho-so/{code}/withdraw/", {"reason": "Nộp nhầm thủ tục"})
    assert Dossier.objects.get().status == 7


def test_public_tracking_shows_no_personal_data(citizen, client):
    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    code = Dossier.objects.get().code
    client.logout()
    page = client.get(f"/tra-cuu/{code}").content.decode()
    assert "Mới đăng ký" in page and CITIZEN.id_number not in page and CITIZEN.name not in page


def test_who_read_my_data(citizen):
    from motcua.dossiers import services
    from motcua.identity.actors import Actor, Role
    from motcua.registries.access import read_for_dossier

    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    dossier = services.get_dossier(Dossier.objects.get().code)
    official = Actor("official", "hoankiem.chuyenvien", "Lê Văn Minh", "H01.X00070.UB", Role.SPECIALIST)
    read_for_dossier("residence", official, dossier)
    page = citizen.get("/ai-da-xem-du-lieu/").content.decode()
    assert "Lê Văn Minh" in page and dossier.code in page and "Cơ sở dữ liệu về cư trú" in page


def test_form_is_prefilled_from_registries_with_a_preview(citizen):
    from motcua.registries.models import AccessLog

    page = citizen.get("/thu-tuc/1.001193/nop/").content.decode()
    assert 'data-testid="prefill-preview"' in page
    assert 'value="001185004321"' in page  # the mother: the applicant's spouse in the civil-status register
    assert "Cơ sở dữ liệu hộ tịch điện tử" in page
    reads = AccessLog.objects.filter(person_id_number=CITIZEN.id_number, procedure_code="1.001193")
    assert set(reads.values_list("registry", flat=True)) == {"civil_status", "documents", "family"}


def test_provenance_is_kept_per_field(citizen):
    page = citizen.get("/thu-tuc/1.001193/nop/").content.decode()
    key = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    data = form_post(idempotency_key=key, **{"form.father_id_number": CITIZEN.id_number,
                                             "form.mother_id_number": "001185004321"})
    citizen.post("/thu-tuc/1.001193/nop/", data)
    provenance = Dossier.objects.get().provenance
    assert provenance["mother_id_number"]["source"] == "registry"
    assert provenance["mother_id_number"]["registry"] == "family" and provenance["mother_id_number"]["version"]
    assert provenance["child_full_name"] == {"source": "citizen"}
    assert provenance["evidence.giay_chung_sinh"]["registry"] == "documents"


def test_a_changed_registry_value_is_marked_as_declared(citizen):
    page = citizen.get("/thu-tuc/1.001193/nop/").content.decode()
    key = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    citizen.post("/thu-tuc/1.001193/nop/", form_post(idempotency_key=key, **{"form.mother_id_number": "001185009999"}))
    origin = Dossier.objects.get().provenance["mother_id_number"]
    assert origin == {"source": "citizen", "registry": "family", "registry_value": "001185004321"}


def test_report_wrong_data(citizen):
    from motcua.registries.models import CorrectionReport

    response = citizen.post("/bao-sai-du-lieu/", {"registry": "population", "field": "full_name",
                                                  "value": "Nguyễn Văn An", "next": "/thu-tuc/1.001193/nop/"})
    assert response.status_code == 302 and response["Location"] == "/thu-tuc/1.001193/nop/"
    report = CorrectionReport.objects.get()
    assert (report.person_id_number, report.registry, report.status) == (CITIZEN.id_number, "population", "open")
    assert report.owner_agency == "H01.X00070.CA"  # the ward police, where the person lives, correct it
    assert citizen.post("/bao-sai-du-lieu/", {"registry": "nope"}).status_code == 404


def test_a_read_of_my_spouses_record_shows_on_my_page_once(citizen):
    from motcua.dossiers import services
    from motcua.identity.actors import Actor, Role
    from motcua.registries.access import read_for_dossier

    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    dossier = services.get_dossier(Dossier.objects.get().code)
    official = Actor("official", "hoankiem.chuyenvien", "Lê Văn Minh", "H01.X00070.UB", Role.SPECIALIST)
    for _ in range(3):  # the official's page shown three times
        read_for_dossier("civil_status", official, dossier)
    spouse = next(c for c in DEMO_CITIZENS[:2] if c.id_number != dossier.applicant_id_number)
    log_in_citizen(citizen, spouse)
    page = citizen.get("/ai-da-xem-du-lieu/").content.decode()
    assert page.count("Lê Văn Minh") == 1 and page.count('data-testid="within-record"') == 1
    assert dossier.applicant_id_number in page.split('data-testid="within-record"')[1]
    assert dossier.code not in page.split("<table>")[1]  # the other person's dossier, which anyone may track by its code, stays theirs


def test_a_form_value_the_documents_could_not_print_is_refused_by_its_field(citizen):
    response = citizen.post("/thu-tuc/1.001193/nop/", form_post(**{"form.birth_place": "Bệnh viện 😀"}))
    page = response.content.decode()
    assert response.status_code == 422 and "không in được" in page and "U+1F600" in page
    assert 'id="f-formbirth_place"' in page and not Dossier.objects.exists()


def permit_post(**overrides):
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    data = {f"form.{f.name}": sample_value(f) for f in spec.fields}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "idempotency_key": "permit-1"})
    data.update(overrides)
    return data


def test_online_a_document_must_be_attached_not_ticked(citizen):
    page = citizen.get("/thu-tuc/1.013225/nop/").content.decode()
    assert 'name="evidence"' not in page and 'name="file.ban_ve_thiet_ke"' in page  # no box to tick online
    ticked = citizen.post("/thu-tuc/1.013225/nop/", permit_post(evidence=["ban_ve_thiet_ke"]))
    assert ticked.status_code == 422 and "Vui lòng đính kèm tệp: Bản vẽ thiết kế" in ticked.content.decode()
    empty = citizen.post("/thu-tuc/1.013225/nop/",
                         permit_post(**{"file.ban_ve_thiet_ke": SimpleUploadedFile("ban-ve.pdf", b"")}))
    assert empty.status_code == 422 and "Tệp ban-ve.pdf rỗng" in empty.content.decode()
    assert not Dossier.objects.exists()
    attached = citizen.post("/thu-tuc/1.013225/nop/",
                            permit_post(**{"file.ban_ve_thiet_ke": SimpleUploadedFile("ban-ve.pdf", sample_scan())}))
    assert attached.status_code == 302
    assert Dossier.objects.get().evidence == ["ban_ve_thiet_ke", "don_de_nghi"]  # the declaration is the form


def test_counts_are_whole_numbers(citizen):
    spec = spec_of(Procedure.objects.get(code="2.000815").current_version)
    data = {f"form.{f.name}": sample_value(f) for f in spec.fields}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "form.pages": "2.5",
                 "file.ban_chinh": SimpleUploadedFile("ban-chinh.pdf", sample_scan())})
    page = citizen.get("/thu-tuc/2.000815/nop/").content.decode()
    assert 'name="form.pages"' in page and 'step="1" min="1" max="500"' in page
    response = citizen.post("/thu-tuc/2.000815/nop/", data)
    assert response.status_code == 422 and "Phải là một số nguyên" in response.content.decode()
    assert not Dossier.objects.exists()
