"""Living registries: an approved result changes the registry its procedure concerns, in the transaction of the
approval, with the record's history and a registry event; a change the registries refuse refuses the
approval, and nothing of it is kept."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS
from motcua.demo.testing import sample_submission, walk
from motcua.documents.models import IssuedDocument
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity import id_number
from motcua.identity.actors import citizen_actor
from motcua.registries.changes import as_of, history
from motcua.registries.effects import EffectRefused
from motcua.registries.models import CivilEvent, Enterprise, HeldDocument, Person
from motcua.registries.sources import source

AN, BINH, CUONG = DEMO_CITIZENS


def file_and_approve(code: str, applicant=AN, **form) -> IssuedDocument:
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    sub = sample_submission(spec, applicant)
    sub.form = {**sub.form, **form}
    dossier, _ = services.submit(sub, citizen_actor(applicant.id_number, applicant.name, 2))
    walk(dossier.code, Status.PROCESSED)
    return IssuedDocument.objects.get(dossier=dossier, kind="result")


def printed(document: IssuedDocument) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)


def test_a_registered_birth_creates_the_child_with_a_new_id_number(seeded):
    result = file_and_approve("1.001193", **{**BIRTH_FORM, "father_id_number": AN.id_number})
    child = Person.objects.get(full_name="Nguyễn Minh Khang")
    decoded = id_number.validate(child.id_number, birth_year=2026, sex="M")
    assert decoded.province_code == "001"  # registered in Hà Nội
    assert (child.father_id_number, child.mother_id_number, child.birth_date) == (AN.id_number, BINH.id_number,
                                                                                  date(2026, 11, 18))
    birth = CivilEvent.objects.get(kind="birth", subject_id_number=child.id_number)
    assert birth.data["book"] == "01/2026" and birth.data["dossier"] == result.dossier.code
    text = printed(result)  # the certificate prints what the legal form does
    for expected in (child.id_number, AN.name, BINH.name, "Quyển số: 01/2026", birth.register_number):
        assert expected in text, expected
    versions = history("population", child.id_number)
    assert [(v.seq, v.event, v.source, v.source_reference) for v in versions] == [
        (1, "born", "dossier", result.dossier.code)]
    assert OutboxEvent.objects.filter(topic="registry.person.born", key=child.id_number).exists()
    # the child is live in the registries: the next procedure finds them, and their birth certificate
    assert source("population").lookup(child.id_number).data["mother_id_number"] == BINH.id_number
    assert HeldDocument.objects.filter(owner_id_number=child.id_number, doc_type="giay_khai_sinh").exists()


def test_the_same_child_is_not_registered_twice(seeded):
    form = {**BIRTH_FORM, "father_id_number": AN.id_number}
    file_and_approve("1.001193", **form)
    with pytest.raises(EffectRefused, match="already registered"):
        file_and_approve("1.001193", **form)
    assert Person.objects.filter(full_name="Nguyễn Minh Khang").count() == 1
    assert IssuedDocument.objects.filter(kind="result").count() == 1  # the second approval left nothing


def test_a_death_marks_the_person_and_widows_the_spouse(seeded):
    result = file_and_approve("1.000656", BINH, deceased_id_number=AN.id_number, deceased_full_name=AN.name,
                              date_of_death="2026-12-01", place_of_death="Bệnh viện Bạch Mai")
    an, binh = Person.objects.get(id_number=AN.id_number), Person.objects.get(id_number=BINH.id_number)
    assert (an.deceased_on, an.death_place, binh.marital_status) == (date(2026, 12, 1), "Bệnh viện Bạch Mai",
                                                                     "widowed")
    versions = history("population", AN.id_number)  # the seeded record's baseline, then the death
    assert [(v.seq, v.source, v.event) for v in versions] == [(1, "baseline", ""), (2, "dossier", "died")]
    assert as_of("population", AN.id_number, date(2026, 11, 30))["deceased_on"] is None
    assert as_of("population", AN.id_number, date(2026, 12, 1))["deceased_on"] == "2026-12-01"
    assert "Quyển số" in printed(result)
    assert OutboxEvent.objects.filter(topic="registry.person.died", key=AN.id_number).exists()
    with pytest.raises(EffectRefused, match="registered deceased"):
        file_and_approve("1.000656", BINH, deceased_id_number=AN.id_number, deceased_full_name=AN.name,
                         date_of_death="2026-12-01", place_of_death="Bệnh viện Bạch Mai")


def test_a_marriage_is_refused_to_someone_married_and_recorded_otherwise(seeded):
    with pytest.raises(EffectRefused, match="is married"):
        file_and_approve("1.000894", CUONG, spouse_id_number=BINH.id_number, spouse_full_name=BINH.name,
                         spouse_birth_date=BINH.birth_date.isoformat())
    bride = Person.objects.filter(sex="F", marital_status="", deceased_on__isnull=True,
                                  birth_date__lt=date(2000, 1, 1)).exclude(
        id_number__in=CivilEvent.objects.filter(kind="marriage").values("other_id_number")).first()
    file_and_approve("1.000894", CUONG, spouse_id_number=bride.id_number, spouse_full_name=bride.full_name,
                     spouse_birth_date=bride.birth_date.isoformat())
    assert set(Person.objects.filter(id_number__in=(CUONG.id_number, bride.id_number))
               .values_list("marital_status", flat=True)) == {"married"}
    assert source("family").lookup(CUONG.id_number).data["spouse_id_number"] == bride.id_number


def test_a_new_permanent_residence_moves_the_person_and_keeps_where_they_lived(seeded):
    file_and_approve("1.004222", CUONG, new_commune="00070", new_address="Số 3 Tràng Tiền, Phường Hoàn Kiếm",
                     household_head_id_number=AN.id_number, registrant_id_number="")  # himself
    cuong = Person.objects.get(id_number=CUONG.id_number)
    assert (cuong.permanent_commune, cuong.household_code) == ("00070", "HK-DEMO-1")  # joined An's household
    before, after = (v.data for v in history("residence", CUONG.id_number))
    assert (before["permanent_commune"], after["permanent_commune"]) == ("26506", "00070")
    assert OutboxEvent.objects.filter(topic="registry.person.moved", key=CUONG.id_number).exists()


def test_a_household_business_enters_the_enterprise_registry(seeded):
    result = file_and_approve("1.001612", AN, business_name="Tạp hóa An Bình", business_commune="00070",
                              business_address="Số 12 Hàng Bài")
    business = Enterprise.objects.get(owner_id_number=AN.id_number, kind="household")  # An also runs a company
    assert (business.name, business.kind) == ("Tạp hóa An Bình", "household")
    assert business.registration_number in printed(result)
    assert history("enterprise", business.registration_number)[0].source_reference == result.dossier.code


def test_apps_get_the_same_prefill_as_the_portal(seeded):
    from django.test import Client

    from motcua.demo.testing import log_in_citizen

    app = log_in_citizen(Client(), BINH)
    preview = app.get("/api/procedures/1.001193/prefill").json()
    assert preview["values"]["mother_id_number"]["value"] == BINH.id_number
    assert preview["values"]["father_id_number"] == {**preview["values"]["father_id_number"], "value": AN.id_number,
                                                     "registry": "family"}
    assert preview["evidence"]["giay_chung_sinh"]["found"]
    # an app that sends only what the registries do not hold gets the rest filled, with provenance
    form = {k: v for k, v in BIRTH_FORM.items() if k not in ("mother_id_number", "relationship")}
    response = app.post("/api/dossiers", {"procedure_code": "1.001193", "channel": "online", "commune_code": "00070",
                                          "applicant": {"id_number": BINH.id_number, "name": BINH.name,
                                                        "phone": BINH.phone},
                                          "form": form, "evidence": ["to_khai"]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    dossier = services.get_dossier(response.json()["code"])
    assert (dossier.form_data["mother_id_number"], dossier.form_data["relationship"]) == (BINH.id_number, "Mẹ")
    assert dossier.provenance["mother_id_number"]["registry"] == "family"
    assert dossier.provenance["evidence.giay_chung_sinh"]["found"]


def test_a_birth_date_after_the_decision_is_refused_not_crashed(seeded):
    with pytest.raises(EffectRefused, match="cannot be after the decision"):
        file_and_approve("1.001193", **{**BIRTH_FORM, "child_birth_date": "2099-01-01"})
    assert not Person.objects.filter(full_name="Nguyễn Minh Khang").exists()


def test_a_deleted_permanent_residence_takes_the_person_out_of_the_household(seeded):
    file_and_approve("1.003197", BINH, subject_id_number=AN.id_number, subject_full_name=AN.name,
                     reason_code="emigrated")
    an = Person.objects.get(id_number=AN.id_number)
    assert (an.permanent_commune, an.household_code) == ("", "")
    assert AN.id_number not in source("residence").lookup(BINH.id_number).data["household_members"]
    with pytest.raises(EffectRefused, match="no permanent residence"):
        file_and_approve("1.003197", BINH, subject_id_number=AN.id_number, subject_full_name=AN.name,
                         reason_code="emigrated")
