"""Interlinked groups: one application files a dossier at each member's agency; the members that need the birth
or death result wait for it and are filed with what it allotted; an impossible choice or a bad form files
nothing."""

import pytest

from motcua.core.errors import Invalid
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS
from motcua.demo.testing import SAMPLE_COMMUNE, SAMPLE_PROVINCE, official_actor, walk
from motcua.documents.models import IssuedDocument
from motcua.dossiers import groups, services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier, DossierGroup
from motcua.identity.actors import citizen_actor
from motcua.registries.models import HeldDocument, Person

AN, BINH, _CUONG = DEMO_CITIZENS
BIRTH_GROUP_FORM = {
    **BIRTH_FORM, "father_id_number": AN.id_number, "residence_address": "12 Hàng Bạc",
    "residence_commune": SAMPLE_COMMUNE, "dwelling_basis": "family", "card_format": "electronic",
}


def application(group_code="LT.KHAISINH", members=(), applicant=AN, **form):
    return groups.GroupApplication(group_code, list(members), applicant.id_number, applicant.name,
                                   applicant_phone=applicant.phone, commune_code=SAMPLE_COMMUNE,
                                   province_code=SAMPLE_PROVINCE, form={**BIRTH_GROUP_FORM, **form},
                                   idempotency_key="group-1")


def an():
    return citizen_actor(AN.id_number, AN.name, 2)


def test_the_birth_group_files_the_birth_then_hands_the_child_to_residence_and_health_insurance(seeded):
    group, created = groups.submit_group(application(), an())
    assert created and group.code.startswith("LT.KHAISINH-")
    first = groups.view(group)
    assert [(m.procedure_code, m.state) for m in first.members] == [
        ("1.001193", "started"), ("1.004222", "waiting"), ("1.014137", "waiting")]
    birth = first.members[0].dossier
    assert birth.agency.code.startswith("H01.X00070") and birth.form_data["child_full_name"] == "Nguyễn Minh Khang"
    assert groups.submit_group(application(), an()) == (group, False)  # the same application again: the same group

    walk(birth.code, Status.PROCESSED)
    child = Person.objects.get(full_name="Nguyễn Minh Khang")
    after = groups.view(DossierGroup.objects.get(pk=group.pk))
    residence, card = after.members[1].dossier, after.members[2].dossier
    assert residence.form_data["registrant_id_number"] == child.id_number
    assert card.form_data["child_id_number"] == child.id_number and card.agency.code == "H01.BHXH"
    # held to the member's time within the group, not the procedure's own 7 working days
    received = services.state_of(residence)
    assert received.statutory_days == 2
    certificate = IssuedDocument.objects.get(dossier=birth, kind="result")
    assert card.attachments.filter(origin="wallet", from_document=certificate).exists()

    walk(residence.code, Status.PROCESSED)
    walk(card.code, Status.PROCESSED)
    child.refresh_from_db()
    assert child.permanent_commune == SAMPLE_COMMUNE and child.permanent_address == "12 Hàng Bạc"
    done = groups.view(DossierGroup.objects.get(pk=group.pk))
    assert done.finished and done.on_time is True and done.status[1] == "Completed"
    assert HeldDocument.objects.filter(owner_id_number=AN.id_number, doc_type="the_bao_hiem_y_te").exists()


def test_an_impossible_choice_files_nothing(seeded):
    before = Dossier.objects.count()
    with pytest.raises(Invalid) as refused:
        groups.submit_group(groups.GroupApplication(
            "LT.KHAITU", ["1.003197", "9.999999"], BINH.id_number, BINH.name, commune_code=SAMPLE_COMMUNE,
            form={}), citizen_actor(BINH.id_number, BINH.name, 2))
    assert {e.code for e in refused.value.errors} == {"unknown_member"}
    with pytest.raises(Invalid) as too_few:
        groups.submit_group(groups.GroupApplication(
            "LT.KHAITU", [], BINH.id_number, BINH.name, commune_code=SAMPLE_COMMUNE, form={}),
            citizen_actor(BINH.id_number, BINH.name, 2))
    assert too_few.value.errors[0].code == "member_count" and too_few.value.errors[0].field == "members"
    with pytest.raises(services.SubmissionError) as bad_form:
        groups.submit_group(application(child_sex="X", residence_commune="99999"), an())
    assert {e.field for e in bad_form.value.errors} >= {"form.child_sex", "form.residence_commune"}
    assert Dossier.objects.count() == before and not DossierGroup.objects.exists()


def test_a_refused_birth_cancels_the_members_waiting_for_it(seeded):
    group, _ = groups.submit_group(application(), an())
    birth = groups.view(group).members[0].dossier
    state = services.state_of(birth)
    receiver = official_actor(state.agency_code, services.spec_of(birth.procedure_version).workflow.steps[0].role)
    services.act(birth.code, "refuse", receiver, reason="Giấy chứng sinh không khớp")
    after = groups.view(DossierGroup.objects.get(pk=group.pk))
    assert [m.state for m in after.members] == ["started", "cancelled", "cancelled"]
    assert after.finished and "1.001193" in after.members[1].problem_en


def test_the_api_lists_files_and_follows_a_group(seeded, client):
    listed = client.get("/api/groups").json()
    assert {g["code"] for g in listed} == {"LT.KHAISINH", "LT.KHAITU"}
    detail = client.get("/api/groups/LT.KHAISINH").json()
    names = [f["name"] for f in detail["fields"]]
    assert "child_id_number" not in names and "registrant_id_number" not in names  # passed on, never asked
    assert names.count("child_full_name") == 1  # shared by the birth and the card: asked once
    from motcua.demo.testing import log_in_citizen
    log_in_citizen(client)
    form = {k: v for k, v in BIRTH_GROUP_FORM.items() if k not in ("relationship",)}  # the registries know it
    answer = client.post("/api/groups/LT.KHAISINH/applications", {
        "applicant": {"id_number": AN.id_number, "name": AN.name}, "commune_code": SAMPLE_COMMUNE, "form": form},
        content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert [m["state"] for m in body["members"]] == ["started", "waiting", "waiting"]
    assert body["members"][0]["status"] == 1 and body["on_time"] is None
    assert client.get(f"/api/group-applications/{body['code']}").json()["code"] == body["code"]
    bad = client.post("/api/groups/LT.KHAITU/applications", {
        "members": ["1.014177", "1.999999"], "applicant": {"id_number": AN.id_number, "name": AN.name},
        "commune_code": SAMPLE_COMMUNE, "form": {}}, content_type="application/json")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"members"}
    assert client.post("/api/groups/NOPE/applications", {"applicant": {"id_number": AN.id_number, "name": "x"}},
                       content_type="application/json").status_code == 404


def test_the_portal_files_a_group_and_shows_it(seeded, citizen):
    page = citizen.get("/lien-thong/LT.KHAISINH/")
    assert page.status_code == 200 and 'name="form.child_full_name"' in page.content.decode()
    key = page.context["idempotency_key"]
    posted = {f"form.{k}": v for k, v in BIRTH_GROUP_FORM.items()}
    answer = citizen.post("/lien-thong/LT.KHAISINH/", {**posted, "form.child_sex": "", "idempotency_key": key,
                                                       "commune_code": SAMPLE_COMMUNE})
    assert answer.status_code == 422 and "form.child_sex" in answer.context["errors"]
    answer = citizen.post("/lien-thong/LT.KHAISINH/", {**posted, "idempotency_key": key,
                                                       "commune_code": SAMPLE_COMMUNE})
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    group = DossierGroup.objects.get()
    shown = citizen.get(answer["Location"]).content.decode()
    assert group.code in shown and "member-1.014137" in shown
    assert group.code in citizen.get("/ho-so/").content.decode()
    birth = groups.view(group).members[0].dossier
    assert group.code in citizen.get(f"/ho-so/{birth.code}/").content.decode()
    assert "LT.KHAISINH" in citizen.get("/thu-tuc/").content.decode()


def test_the_applicant_is_told_of_the_group_and_late_members_alert_their_agency(seeded):
    from datetime import timedelta

    from motcua.core import outbox
    from motcua.notifications.events import raise_reminders
    from motcua.notifications.models import Message

    group, _ = groups.submit_group(application(), an())
    while outbox.drain():
        pass
    told = Message.objects.filter(kind="group_submitted", recipient=f"citizen:{AN.id_number}").first()
    assert told is not None and group.code in told.body_vi and "1.001193" not in told.subject_en
    birth = groups.view(group).members[0].dossier
    filed = birth.submitted_at
    # 2 working hours after it was handed over, not a working day: a late hand-over raises the alert
    assert raise_reminders(now=filed + timedelta(minutes=30)) == 0
    assert raise_reminders(now=filed + timedelta(days=15)) == 1
    while outbox.drain():
        pass
    assert Message.objects.filter(kind="acknowledgement_overdue", dossier_code=birth.code).exists()


def test_the_death_group_end_to_end_through_the_api(seeded, client):
    """Bình reports An's death with all four members; the residence, burial and survivor members wait for the
    death registration, then each is decided at its agency; no offer repeats what the group already asked."""
    from motcua.core import outbox
    from motcua.demo.testing import log_in_citizen
    from motcua.proactive.models import Offer

    log_in_citizen(client, BINH)
    form = {"deceased_id_number": AN.id_number, "deceased_full_name": AN.name, "date_of_death": "2026-12-01",
            "place_of_death": "Bệnh viện Bạch Mai", "last_residence_commune": SAMPLE_COMMUNE,
            "relationship": "spouse", "household_relationship": "household", "deceased_residence_address": "12 Hàng Bạc",
            "burial_relationship": "spouse", "deceased_status": "compulsory", "claimant_commune": SAMPLE_COMMUNE,
            "payment_method": "cash", "survivor_deceased_status": "compulsory",
            "beneficiary_id_number": BINH.id_number, "beneficiary_relationship": "spouse",
            "beneficiary_commune": SAMPLE_COMMUNE}
    answer = client.post("/api/groups/LT.KHAITU/applications", {
        "members": ["1.003197", "1.014177", "1.014178"], "applicant": {"id_number": BINH.id_number, "name": BINH.name},
        "commune_code": SAMPLE_COMMUNE, "form": form}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    code = answer.json()["code"]
    death = DossierGroup.objects.get(code=code).members.get(procedure_code="1.000656").dossier
    walk(death.code, Status.RETURNED)
    body = client.get(f"/api/group-applications/{code}").json()
    assert [m["state"] for m in body["members"]] == ["started"] * 4
    residence, burial, survivor = (m["dossier_code"] for m in body["members"][1:])
    assert Dossier.objects.get(code=residence).form_data["reason_code"] == "died"
    assert Dossier.objects.get(code=burial).agency.code == "H01.BHXH"
    for member in (residence, burial, survivor):
        walk(member, Status.RETURNED)
    done = client.get(f"/api/group-applications/{code}").json()
    assert done["finished"] and done["on_time"] is True and done["status_en"] == "Completed"
    assert Person.objects.get(id_number=AN.id_number).permanent_commune == ""  # residence deleted
    assert set(HeldDocument.objects.filter(owner_id_number=BINH.id_number).values_list("doc_type", flat=True)) >= {
        "trich_luc_khai_tu"}
    while outbox.drain():  # the registry events of the death reach the proactive rules
        pass
    assert not Offer.objects.filter(person_id_number=BINH.id_number, procedure_code__in=[
        "1.003197", "1.014177", "1.014178"], status="offered").exists()


def test_an_official_sees_the_group_of_a_member_dossier(seeded, client):
    from motcua.demo.testing import log_in_official

    group, _ = groups.submit_group(application(), an())
    birth = groups.view(group).members[0].dossier
    page = log_in_official(client, "hoankiem.motcua").get(f"/backoffice/ho-so/{birth.code}/").content.decode()
    assert group.code in page and "Chờ kết quả thủ tục trước" in page
