"""Official pages through Django's test client."""

import unicodedata

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE, DEMO_PASSWORD
from motcua.demo.testing import log_in_official, sample_value
from motcua.dossiers import services
from motcua.identity.actors import citizen_actor

CITIZEN = DEMO_CITIZENS[0]


@pytest.fixture
def dossier(seeded):
    sub = services.Submission(
        procedure_code="1.001193", channel="online", applicant_id_number=CITIZEN.id_number,
        applicant_name=CITIZEN.name, commune_code=DEMO_COMMUNE, form=dict(BIRTH_FORM), evidence=["to_khai"])
    return services.submit(sub, citizen_actor(CITIZEN.id_number, eid_level=2))[0]


def test_login_required_and_wrong_password(client, seeded):
    assert client.get("/backoffice/").status_code == 302
    response = client.post("/backoffice/dang-nhap/", {"username": "hoankiem.motcua", "password": "wrong"})
    assert response.status_code == 200 and "field-error" in response.content.decode()


def test_queue_shows_own_agency_dossiers(client, dossier):
    page = log_in_official(client, "hoankiem.motcua").get("/backoffice/").content.decode()
    assert dossier.code in page and "việc của tôi" in page


def test_other_agency_sees_nothing_and_gets_403(client, dossier):
    log_in_official(client, "hanoi.stp.motcua")
    assert dossier.code not in client.get("/backoffice/").content.decode()
    assert client.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 403
    client.post(f"/backoffice/ho-so/{dossier.code}/receive/")
    dossier.refresh_from_db()
    assert dossier.status == 1


def test_buttons_only_for_allowed_actions(client, dossier):
    receiver_page = log_in_official(client, "hoankiem.motcua").get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="receive"' in receiver_page and 'data-action="complete"' not in receiver_page
    client.logout()
    leader_page = log_in_official(client, "hoankiem.lanhdao").get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="receive"' not in leader_page


def test_action_errors_are_shown(client, dossier):
    log_in_official(client, "hoankiem.motcua")
    client.post(f"/backoffice/ho-so/{dossier.code}/receive/")
    refused = client.post(f"/backoffice/ho-so/{dossier.code}/apologize/",
                          {"reason": "Cần xác minh", "new_date": "2020-01-01"})
    page = refused.content.decode()
    assert refused.status_code == 422 and '<details open data-action="apologize">' in page
    assert '<p class="field-error" role="alert" id="error-apologize">Ngày hẹn mới phải sau ngày hẹn hiện tại' in page


def test_pdfs(client, dossier):
    log_in_official(client, "hoankiem.motcua")
    assert client.get(f"/backoffice/ho-so/{dossier.code}/phieu-tiep-nhan.pdf").status_code == 404  # not received
    client.post(f"/backoffice/ho-so/{dossier.code}/receive/")
    for which in ("phieu-tiep-nhan", "phieu-kiem-soat"):
        response = client.get(f"/backoffice/ho-so/{dossier.code}/{which}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def intake_post(**overrides):
    data = {f"form.{k}": v for k, v in BIRTH_FORM.items()}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "evidence": ["to_khai"], "channel": "counter",
                 "idempotency_key": "counter-1", "applicant.id_number": DEMO_CITIZENS[2].id_number,
                 "applicant.name": DEMO_CITIZENS[2].name})
    data.update(overrides)
    return data


def test_counter_intake_records_and_receives(client, seeded):
    from motcua.dossiers.models import Dossier

    log_in_official(client, "hoankiem.motcua")
    assert "Đăng ký khai sinh" in client.get("/backoffice/tiep-nhan/", {"q": "khai sinh"}).content.decode()
    bad = client.post("/backoffice/tiep-nhan/1.001193/", intake_post(**{"applicant.id_number": "12"}))
    assert bad.status_code == 422 and "12 chữ số" in bad.content.decode()
    assert Dossier.objects.count() == 0
    response = client.post("/backoffice/tiep-nhan/1.001193/", intake_post())
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/backoffice/ho-so/{dossier.code}/"
    assert (dossier.channel, dossier.status, dossier.applicant_name) == ("counter", 2, DEMO_CITIZENS[2].name)
    assert client.get(f"/backoffice/ho-so/{dossier.code}/phieu-tiep-nhan.pdf").status_code == 200


def test_only_reception_officers_take_in_dossiers(client, seeded):
    log_in_official(client, "hoankiem.chuyenvien")
    assert client.post("/backoffice/tiep-nhan/1.001193/", intake_post()).status_code == 403


def test_the_counter_does_not_file_online(client, seeded):
    from motcua.dossiers.models import Dossier

    log_in_official(client, "hoankiem.motcua")
    refused = client.post("/backoffice/tiep-nhan/1.001193/", intake_post(channel="online"))
    assert refused.status_code == 403 and "Chỉ người nộp hồ sơ tự nộp trực tuyến" in refused.content.decode()
    assert not Dossier.objects.exists()


def test_official_sees_provenance_and_rechecks_within_the_dossier_only(client, dossier):
    from motcua.registries.models import AccessLog

    dossier.provenance = {"mother_id_number": {"source": "registry", "registry": "family", "version": 1,
                                               "fetched_at": "2026-11-24T09:00:00+07:00"}}
    dossier.save(update_fields=["provenance"])
    log_in_official(client, "hoankiem.chuyenvien")
    page = client.get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="provenance"' in page and "Quan hệ gia đình" in page
    response = client.post(f"/backoffice/ho-so/{dossier.code}/kiem-tra-lai/", follow=True)
    assert "không thay đổi" in response.content.decode() or "no change" in response.content.decode()
    entry = AccessLog.objects.filter(dossier_code=dossier.code, person_id_number=dossier.applicant_id_number,
                                     registry="family").get()
    assert (entry.reader_id, entry.registry, entry.allowed) == ("hoankiem.chuyenvien", "family", True)
    client.logout()
    log_in_official(client, "hanoi.stp.chuyenvien")
    assert client.post(f"/backoffice/ho-so/{dossier.code}/kiem-tra-lai/").status_code == 403


def test_lockout_after_repeated_failures(client, seeded, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/backoffice/dang-nhap/", {"username": "hoankiem.motcua", "password": "wrong"})
    locked = client.post("/backoffice/dang-nhap/", {"username": "hoankiem.motcua", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 and "tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_data_reports_reach_the_registry_keeper(client, seeded):
    from django.contrib.auth import get_user_model

    from motcua.catalog.models import Agency
    from motcua.identity.models import Official
    from motcua.registries.models import CorrectionReport

    CorrectionReport.objects.create(person_id_number=CITIZEN.id_number, registry="population", owner_agency="G01",
                                    field="full_name", recorded_value="Nguyễn Văn Ân")
    keeper = get_user_model().objects.create_user("bocongan.dancu", password=DEMO_PASSWORD)
    Official.objects.create(user=keeper, agency=Agency.objects.get(code="G01"), role="specialist", full_name="Cán bộ")
    page = log_in_official(client, "bocongan.dancu").get("/backoffice/phan-anh-du-lieu/").content.decode()
    assert "Nguyễn Văn Ân" in page
    client.logout()
    assert "Nguyễn Văn Ân" not in log_in_official(client, "hoankiem.motcua").get("/backoffice/phan-anh-du-lieu/").content.decode()


def test_counter_intake_refuses_a_name_the_documents_could_not_print(client, seeded):
    from motcua.dossiers.models import Dossier

    log_in_official(client, "hoankiem.motcua")
    for name, message in (("Nguyễn\u202eAn", "chiều viết"), ("王小明", "không in được"), ("\u200b", "vô hình")):
        response = client.post("/backoffice/tiep-nhan/1.001193/", intake_post(**{"applicant.name": name}))
        page = response.content.decode()
        assert response.status_code == 422 and message in page and 'id="f-applicantname"' in page
    assert not Dossier.objects.exists()
    typed = unicodedata.normalize("NFD", DEMO_CITIZENS[2].name)  # a keyboard sending combining marks
    assert client.post("/backoffice/tiep-nhan/1.001193/", intake_post(**{"applicant.name": typed})).status_code == 302
    assert Dossier.objects.get().applicant_name == DEMO_CITIZENS[2].name


def test_at_the_counter_the_officer_ticks_the_paper_documents_seen(client, seeded):
    from motcua.dossiers.models import Dossier

    log_in_official(client, "hoankiem.motcua")
    page = client.get("/backoffice/tiep-nhan/1.013225/").content.decode()
    assert 'name="evidence" value="ban_ve_thiet_ke"' in page and 'name="evidence" value="don_de_nghi"' in page
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    data = {f"form.{f.name}": sample_value(f) for f in spec.fields}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "channel": "counter",
                 "evidence": ["don_de_nghi", "ban_ve_thiet_ke"], "idempotency_key": "counter-permit",
                 "applicant.id_number": CITIZEN.id_number, "applicant.name": CITIZEN.name})
    response = client.post("/backoffice/tiep-nhan/1.013225/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Dossier.objects.get().evidence == ["ban_ve_thiet_ke", "don_de_nghi"]


def test_officials_reads_of_a_dossier_are_shown_to_the_applicant(client, seeded):
    """Opening the dossier, its files and its printed slips is a read of the applicant's data: recorded once per
    official, purpose and dossier, and listed on the applicant's "who read my data" page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.demo.testing import log_in_citizen, sample_scan
    from motcua.registries.models import AccessLog

    applicant = DEMO_CITIZENS[2]
    log_in_official(client, "hoankiem.motcua")
    taken_in = client.post("/backoffice/tiep-nhan/1.001193/", intake_post(**{
        "file.to_khai": SimpleUploadedFile("to-khai.pdf", sample_scan())}))
    dossier = services.get_dossier(taken_in["Location"].rstrip("/").rsplit("/", 1)[-1])
    scan = dossier.attachments.get()
    for _twice in range(2):
        assert client.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 200
        evidence = client.get(f"/backoffice/ho-so/{dossier.code}/tep/{scan.pk}/")
        assert evidence.status_code == 200 and evidence["Content-Disposition"].startswith("attachment;")
        assert evidence["Content-Security-Policy"].startswith("sandbox")  # an uploaded file runs nothing here
        assert client.get(f"/backoffice/ho-so/{dossier.code}/phieu-tiep-nhan.pdf").status_code == 200
    reads = AccessLog.objects.filter(person_id_number=applicant.id_number, registry="dossier")
    assert sorted(reads.values_list("purpose", flat=True)) == sorted([
        services.READING_DOSSIER, services.READING_FILE, services.READING_SLIP])
    assert {(r.reader_id, r.dossier_code) for r in reads} == {("hoankiem.motcua", dossier.code)}
    client.logout()
    log_in_citizen(client, applicant)
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 200  # the applicant's own reads are not listed
    page = client.get("/ai-da-xem-du-lieu/").content.decode()
    assert page.count("Hồ sơ thủ tục của bạn") == 3 and services.READING_FILE in page
