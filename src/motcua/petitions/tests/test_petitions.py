"""Petitions (phản ánh, kiến nghị): sent on the portal and the API, routed, answered by the due date in working
days by the agency's officials only, rated by the sender, published without personal data, counted in the index;
complaints written with dossier ratings become items to answer."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.calendar import add_working_days
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.errors import Forbidden
from motcua.demo.seeding import DEMO_AGENCIES, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.demo.testing import (
    log_in_citizen,
    log_in_official,
    official_actor,
    sample_scan,
    sample_submission,
    walk,
)
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.services import IncomingFile
from motcua.identity.actors import Role, citizen_actor
from motcua.metrics import queries, ratings
from motcua.metrics.queries import Period
from motcua.notifications.models import Message
from motcua.petitions import services
from motcua.petitions.models import Petition, PetitionTally

AN, BINH = DEMO_CITIZENS[0], DEMO_CITIZENS[1]
COMMUNE_AGENCY = DEMO_AGENCIES["hoankiem"]
SENDER = citizen_actor(AN.id_number, AN.name, 2)


def draft(**changes) -> services.Draft:
    values = {"kind": "feedback", "about": "procedure", "subject": "Tờ khai khó hiểu",
              "content": "Mục nơi sinh không rõ ghi gì.", "procedure_code": "1.001193", "commune_code": DEMO_COMMUNE,
              **changes}
    return services.Draft(**values)


def officer():
    return official_actor(COMMUNE_AGENCY, Role.RECEIVER)


def drain():
    while outbox.drain():
        pass


def test_a_petition_about_a_procedure_goes_to_the_agency_handling_it_with_a_due_date_in_working_days(seeded):
    now = timezone.now()
    petition = services.send(draft(files=[IncomingFile("attachments", "anh.pdf", sample_scan())]), SENDER, now=now)
    assert petition.agency.code == COMMUNE_AGENCY and petition.code.startswith("PAKN-")
    assert petition.due_on == add_working_days(timezone.localdate(), services.answer_days())
    assert petition.attachments.get().content_type == "application/pdf"
    assert PetitionTally.objects.get(level="A", scope=COMMUNE_AGENCY).received == 1
    drain()
    officials = Message.objects.filter(kind="petition_received")
    assert officials.exists() and all(m.recipient.startswith("official:hoankiem.") for m in officials)


def test_a_petition_about_a_province_procedure_goes_to_that_province(seeded):
    petition = services.send(draft(procedure_code="3.000333", commune_code="", province_code="79"), SENDER)
    assert petition.agency.province_code == "79"


def test_bad_input_is_refused_field_by_field_in_both_languages_and_nothing_is_written(seeded):
    with pytest.raises(services.PetitionError) as refused:
        services.send(draft(kind="complaint", subject=" ", content="", procedure_code="9.999", email="an",
                            files=[IncomingFile("attachments", "x.exe", b"MZ\x90\x00")]), SENDER)
    fields = {e.field: e for e in refused.value.errors}
    assert set(fields) == {"kind", "subject", "content", "email", "attachments", "procedure_code"}
    assert fields["attachments"].code == "file_type" and fields["subject"].vi and fields["subject"].en
    assert refused.value.status == 422
    assert not Petition.objects.exists() and not PetitionTally.objects.exists()


def test_a_petition_about_a_dossier_goes_to_its_competent_agency_and_only_the_applicant_sends_it(seeded):
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    d = dossiers.submit(sample_submission(spec), SENDER)[0]
    petition = services.send(draft(about="dossier", dossier_code=d.code, procedure_code=""), SENDER)
    assert petition.dossier == d and petition.agency == d.competent_agency
    with pytest.raises(services.PetitionError) as refused:
        services.send(draft(about="dossier", dossier_code=d.code), citizen_actor(BINH.id_number, BINH.name, 2))
    assert refused.value.errors[0].field == "dossier_code"


def test_only_the_agency_answers_on_time_or_late_and_the_sender_rates_once(seeded):
    now = timezone.now()
    petition = services.send(draft(), SENDER, now=now)
    with pytest.raises(Forbidden):
        services.answer(petition.code, official_actor(DEMO_AGENCIES["hanoi.stp"], Role.RECEIVER), "Đã tiếp thu.")
    with pytest.raises(Forbidden):
        services.answer(petition.code, SENDER, "Tự trả lời")
    with pytest.raises(services.MotcuaError):
        services.rate_answer(petition.code, SENDER, True)  # nothing to rate yet
    answered = services.answer(petition.code, officer(), "Đã tiếp thu, sẽ sửa mẫu tờ khai.", now=now)
    assert answered.answered_on_time is True
    with pytest.raises(services.MotcuaError) as twice:
        services.answer(petition.code, officer(), "Lần nữa")
    assert twice.value.status == 409
    drain()
    told = Message.objects.get(kind="petition_answered")
    assert told.recipient == f"citizen:{AN.id_number}" and "Đã tiếp thu" in told.body_vi
    services.rate_answer(petition.code, SENDER, "no")
    with pytest.raises(services.MotcuaError):
        services.rate_answer(petition.code, SENDER, "yes")
    late = services.send(draft(), SENDER, now=now - timedelta(days=30))
    assert services.is_overdue(late)
    assert services.answer(late.code, officer(), "Xin lỗi vì chậm trả lời.").answered_on_time is False
    tally = PetitionTally.objects.get(level="A", scope=COMMUNE_AGENCY, month=timezone.localdate().replace(day=1))
    assert (tally.answered, tally.answered_on_time, tally.rated, tally.satisfied) == (1, 1, 1, 0)


def test_a_complaint_with_a_dossier_rating_is_an_item_for_the_agency_to_answer(seeded):
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    d = dossiers.submit(sample_submission(spec), SENDER)[0]
    walk(d.code, Status.RETURNED)
    d = dossiers.get_dossier(d.code)
    ratings.rate(d, dossiers.state_of(d), SENDER, 2, "Phải đi lại ba lần")
    complaint = Petition.objects.get(kind="complaint")
    assert complaint.dossier == d and complaint.agency == d.competent_agency and complaint.content == "Phải đi lại ba lần"
    assert [p.code for p in services.agency_petitions(officer())] == [complaint.code]
    assert services.answer(complaint.code, officer(), "Đã chấn chỉnh bộ phận một cửa.").answered_on_time


def test_the_index_measures_both_petition_metrics_per_scope(seeded):
    now = timezone.now()
    on_time, late, waiting = (services.send(draft(), SENDER, now=now - timedelta(days=d)) for d in (0, 25, 1))
    services.answer(on_time.code, officer(), "Đã tiếp thu.")
    services.answer(late.code, officer(), "Đã tiếp thu, xin lỗi vì chậm.")
    services.rate_answer(on_time.code, SENDER, True)
    services.rate_answer(late.code, SENDER, False)
    period = Period("year", timezone.localdate().year)
    expected_received = sum(1 for p in (on_time, late, waiting) if p.month.year == period.year)
    for level, scope in (("N", ""), ("P", "01"), ("C", DEMO_COMMUNE), ("A", COMMUNE_AGENCY)):
        head = queries.headline(level, scope, period)
        metrics = {m.code: m for m in head.index.group("satisfaction").metrics}
        handled, satisfied = metrics["PETITION_PROCESSING_ON_TIME"], metrics["PETITION_HANDLING_SATISFACTION"]
        assert handled.measured and handled.denominator == expected_received, level
        assert handled.numerator == expected_received - (late.month.year == period.year), level
        assert (satisfied.numerator, satisfied.denominator) == (
            int(on_time.month.year == period.year), expected_received - (waiting.month.year == period.year)), level
    assert queries.headline("P", "79", period).index.group("satisfaction").metrics[1].measured is False


def test_the_portal_form_the_sender_pages_and_the_public_list(citizen):
    refused = citizen.post("/phan-anh-kien-nghi/gui/", {"kind": "feedback", "about": "procedure", "subject": ""})
    assert refused.status_code == 422 and 'id="f-subject"' in refused.content.decode()
    sent = citizen.post("/phan-anh-kien-nghi/gui/", {
        "kind": "petition", "about": "procedure", "procedure_code": "1.001193", "commune_code": DEMO_COMMUNE,
        "subject": "Đề nghị thêm quầy", "content": "Thêm quầy buổi chiều.", "may_publish": "yes"})
    petition = Petition.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/phan-anh-kien-nghi/{petition.code}/"
    assert petition.code in citizen.get("/phan-anh-kien-nghi/cua-toi/").content.decode()
    official = log_in_official(Client(), "hoankiem.motcua")
    assert petition.code in official.get("/backoffice/phan-anh-kien-nghi/").content.decode()
    assert official.post(f"/backoffice/phan-anh-kien-nghi/{petition.code}/tra-loi/", {"answer": ""}).status_code == 302
    assert Petition.objects.get().answered_at is None  # an empty answer is refused
    official.post(f"/backoffice/phan-anh-kien-nghi/{petition.code}/tra-loi/", {"answer": "Sẽ mở thêm quầy."})
    other = log_in_official(Client(), "hanoi.stp.motcua")
    assert other.post(f"/backoffice/phan-anh-kien-nghi/{petition.code}/tra-loi/", {"answer": "x"}).status_code == 404
    citizen.post(f"/phan-anh-kien-nghi/{petition.code}/danh-gia/", {"satisfied": "yes"})
    assert Petition.objects.get().satisfied is True
    public = Client().get("/phan-anh-kien-nghi/").content.decode()
    assert "Sẽ mở thêm quầy." in public and AN.name not in public and AN.id_number not in public
    assert Client().get(f"/phan-anh-kien-nghi/{petition.code}/").status_code == 302  # the sender's page: log in
    log_in_citizen(stranger := Client(), BINH)
    assert stranger.get(f"/phan-anh-kien-nghi/{petition.code}/").status_code == 404


def test_the_api(citizen):
    bad = citizen.post("/api/petitions", {"kind": "feedback", "about": "agency", "agency_code": "NOPE", "subject": "x",
                                          "content": "y", "attachments": [{"name": "a.txt", "content": base64.b64encode(
                                              b"hello").decode()}]}, content_type="application/json")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"agency_code", "attachments"}
    sent = citizen.post("/api/petitions", {
        "kind": "feedback", "about": "agency", "agency_code": COMMUNE_AGENCY, "subject": "Chờ lâu",
        "content": "Chờ hơn một giờ.", "may_publish": True,
        "attachments": [{"name": "anh.pdf", "content": base64.b64encode(sample_scan()).decode()}]},
        content_type="application/json")
    assert sent.status_code == 201, sent.content
    code = sent.json()["code"]
    assert sent.json()["attachments"] == ["anh.pdf"] and not sent.json()["overdue"]
    assert citizen.post(f"/api/petitions/{code}/answer", {"answer": "x"},
                        content_type="application/json").status_code == 403
    services.answer(code, officer(), "Đã bố trí thêm cán bộ.")
    rated = citizen.post(f"/api/petitions/{code}/rating", {"satisfied": True}, content_type="application/json")
    assert rated.status_code == 200 and rated.json()["satisfied"] is True
    assert [p["code"] for p in citizen.get("/api/petitions/mine").json()] == [code]
    published = Client().get("/api/petitions/published").json()
    assert published[0]["code"] == code and "sender_name" not in published[0] and AN.name not in str(published)


def test_the_demo_petitions_are_answered_on_time_and_late_and_counted_so(seeded):
    from motcua.demo.seeding import DEMO_PETITIONS, seed_petitions

    assert seed_petitions() == len(DEMO_PETITIONS) and seed_petitions() == 0  # once
    found = list(Petition.objects.all())
    assert {p.answered_on_time for p in found} == {True, False, None}
    assert any(services.is_overdue(p) for p in found)
    months = sorted(p.month for p in found)
    counts = services.counts_by_scope("A", months[0], months[-1], scope=COMMUNE_AGENCY)[COMMUNE_AGENCY]
    today = timezone.localdate()
    assert counts.received == len(found)
    assert counts.on_time == sum(1 for p in found if p.answered_on_time or (p.answered_at is None
                                                                           and p.due_on >= today))
    assert (counts.rated, counts.satisfied) == (2, 1)
