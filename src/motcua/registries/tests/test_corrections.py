"""A report of wrong data gets an answer: routed to the local keeper where the person lives, due in working
days, accepted (the registry changes with its history and legal basis, and the next pre-fill shows it) or
rejected with the reason; the person reads the answer."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.calendar import add_working_days
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_citizen, log_in_official
from motcua.identity.actors import Actor
from motcua.registries.access import Purpose, read_person
from motcua.registries.changes import history
from motcua.registries.models import CorrectionReport, Person

AN, BINH, _CUONG = DEMO_CITIZENS
POLICE = "H01.X00070.CA"  # the commune police of Phường Hoàn Kiếm, where An lives


def report_via_portal(citizen, field="full_name", value=AN.name, registry="population"):
    citizen.post("/bao-sai-du-lieu/", {"registry": registry, "field": field, "value": value,
                                       "note": "Tên đúng là Nguyễn Văn Ân", "next": "/ai-da-xem-du-lieu/"})
    return CorrectionReport.objects.latest("id")


def test_a_report_goes_to_the_local_keeper_with_a_due_date(citizen):
    report = report_via_portal(citizen)
    assert (report.owner_agency, report.origin, report.status) == (POLICE, "citizen", "open")
    assert report.due_on == add_working_days(timezone.localdate(), 5)
    civil = report_via_portal(citizen, "spouse_id_number", BINH.id_number, "civil_status")
    assert civil.owner_agency == "H01.X00070.UB"  # civil status: the commune People's Committee


def test_the_keeper_accepts_and_the_registry_changes_with_its_history(citizen):
    report = report_via_portal(citizen)
    keeper = log_in_official(Client(), "hoankiem.ca.chuyenvien")
    page = keeper.get("/backoffice/phan-anh-du-lieu/").content.decode()
    assert 'data-testid="correction-report"' in page and AN.name in page
    refused = keeper.post(f"/backoffice/phan-anh-du-lieu/{report.id}/tra-loi/", {
        "decision": "accept", "value": "Nguyễn Văn Ân", "legal_basis": ""})
    assert refused.status_code == 302 and CorrectionReport.objects.get(pk=report.id).status == "open"
    keeper.post(f"/backoffice/phan-anh-du-lieu/{report.id}/tra-loi/", {
        "decision": "accept", "value": "Nguyễn Văn Ân", "legal_basis": "Trích lục khai sinh số 12/1990",
        "answer": "Đã sửa theo bản chính giấy khai sinh."})
    report.refresh_from_db()
    assert (report.status, report.answered_by, report.proposed_value) == ("accepted", "hoankiem.ca.chuyenvien",
                                                                         "Nguyễn Văn Ân")
    assert Person.objects.get(id_number=AN.id_number).full_name == "Nguyễn Văn Ân"
    versions = history("population", AN.id_number)
    assert [(v.source, v.event) for v in versions] == [("baseline", ""), ("correction", "corrected")]
    assert (versions[0].data["full_name"], versions[1].legal_basis) == (AN.name, "Trích lục khai sinh số 12/1990")
    assert OutboxEvent.objects.filter(topic="registry.person.corrected", key=AN.id_number).exists()
    shown = keeper.get("/backoffice/phan-anh-du-lieu/?status=").content.decode().split('data-testid="record-history"')[1]
    assert AN.name in shown and "Nguyễn Văn Ân" in shown and "Trích lục khai sinh số 12/1990" in shown
    # the person reads the answer, and the next pre-fill has the corrected name
    mine = citizen.get("/ai-da-xem-du-lieu/").content.decode().split('data-testid="my-reports"')[1]
    assert "Đã sửa theo bản chính giấy khai sinh." in mine and "Nguyễn Văn Ân" in mine
    record = read_person("population", AN.id_number, Actor("citizen", AN.id_number), Purpose("Điền sẵn biểu mẫu"))
    assert record.data["full_name"] == "Nguyễn Văn Ân"


def test_answers_are_checked(citizen, client):
    report = report_via_portal(citizen, "birth_date", "1990-05-17")
    from motcua.identity.callers import issue_token
    from motcua.identity.models import Official

    def answer(username, **body):
        token = issue_token(Official.objects.get(user__username=username))
        return client.post(f"/api/registries/corrections/{report.id}/answer", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    assert answer("hoankiem.chuyenvien", decision="reject", answer="Không").status_code == 403  # not the keeper
    wrong_year = answer("hoankiem.ca.chuyenvien", decision="accept", value="1991-05-17", legal_basis="Giấy khai sinh")
    assert wrong_year.status_code == 422 and wrong_year.json()["errors"][0]["field"] == "value"
    assert answer("hoankiem.ca.chuyenvien", decision="reject", answer=" ").json()["errors"][0]["field"] == "answer"
    done = answer("hoankiem.ca.chuyenvien", decision="reject", answer="Ngày sinh khớp bản chính giấy khai sinh.")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert answer("hoankiem.ca.chuyenvien", decision="reject", answer="Lần nữa").status_code == 409
    assert Person.objects.get(id_number=AN.id_number).birth_date.isoformat() == "1990-05-17"
    mine = citizen.get("/api/registries/my-reports").json()
    assert mine[0]["answer"] == "Ngày sinh khớp bản chính giấy khai sinh."


def test_a_field_the_registry_corrects_by_its_own_procedure_is_only_answered(citizen):
    report = report_via_portal(citizen, "spouse_id_number", BINH.id_number, "civil_status")
    keeper = log_in_official(Client(), "hoankiem.chuyenvien")
    keeper.post(f"/backoffice/phan-anh-du-lieu/{report.id}/tra-loi/", {
        "decision": "accept", "value": "001185009999", "legal_basis": "x"})
    assert CorrectionReport.objects.get(pk=report.id).status == "open"
    keeper.post(f"/backoffice/phan-anh-du-lieu/{report.id}/tra-loi/", {
        "decision": "reject", "answer": "Đề nghị làm thủ tục cải chính hộ tịch."})
    assert CorrectionReport.objects.get(pk=report.id).status == "rejected"


def test_overdue_reports_come_first_and_are_flagged(citizen):
    late = report_via_portal(citizen)
    CorrectionReport.objects.filter(pk=late.id).update(due_on=timezone.localdate() - timedelta(days=1))
    report_via_portal(citizen, "permanent_address", "Số 12 Hàng Bài", "residence")
    token_client = log_in_official(Client(), "hoankiem.ca.motcua")
    listed = token_client.get("/api/registries/corrections").json()
    assert [r["id"] for r in listed][0] == late.id and listed[0]["overdue"] and not listed[1]["overdue"]
    assert 'class="tag overdue"' in token_client.get("/backoffice/phan-anh-du-lieu/").content.decode()


@pytest.mark.parametrize("registry", ["population", "residence"])
def test_a_person_reads_the_history_of_their_own_record(seeded, registry):
    client = log_in_citizen(Client(), BINH)
    assert client.get(f"/api/registries/{registry}/my-history").json() == []  # no change recorded yet
    assert client.get("/api/registries/enterprise/my-history").status_code == 422
