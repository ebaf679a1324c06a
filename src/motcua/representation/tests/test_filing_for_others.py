"""Filing for someone else, through the whole stack on the seeded registries: a parent for a minor child, a guardian
for a ward, a relative for a deceased person, an authorised person within the authorisation's scope and time; the
person concerned sees every filing; anyone else is refused with a bilingual field error."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.chained import AppendOnlyError
from motcua.core.errors import NotFound
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_DAUGHTER, DEMO_LATE_MOTHER, DEMO_WARD
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import Role, citizen_actor
from motcua.registries.access import Purpose, ReadRefused, access_log_for
from motcua.registries.models import CivilEvent, Person
from motcua.registries.prefill import prefill
from motcua.representation import services as representation
from motcua.representation.models import AuthorisationEntry

AN, BINH, CUONG = DEMO_CITIZENS
COPY = "2.000635"  # a copy of a civil-status extract: eID level 1, may be filed for the deceased
MARITAL = "1.004873"  # a certificate of marital status
MARRIAGE = "1.000894"  # the spouses file it themselves
CERTIFIED_COPY = "2.000815"  # eID level 1, not filed for the deceased


def spec(code):
    return spec_of(Procedure.objects.get(code=code).current_version)


def actor(citizen):
    return citizen_actor(citizen.id_number, citizen.name, citizen.eid_level)


def file_for(filer, person_id, person_name, code=COPY, filed_as="", **changes):
    sub = sample_submission(spec(code), filer, applicant_id_number=person_id, applicant_name=person_name,
                            filed_as=filed_as, **changes)
    return services.submit(sub, actor(filer))[0]


def refusal(exc_info):
    (error,) = exc_info.value.errors
    assert error.field == "applicant.id_number" and error.vi and error.en
    return error.code


def test_a_parent_files_for_a_minor_child_and_both_see_it(seeded):
    dossier = file_for(AN, DEMO_DAUGHTER[0], DEMO_DAUGHTER[1], filed_as="parent")
    assert (dossier.applicant_id_number, dossier.filer_id_number, dossier.filed_as, dossier.mandate) == (
        DEMO_DAUGHTER[0], AN.id_number, "parent", "civil_event:KS-2016-000000101")
    first = dossier.actions.get()
    assert first.data["filer_id"] == AN.id_number and first.data["filed_as"] == "parent"
    # the parent lists and reads it; the other parent, who did not file it, does not
    assert dossier in services.dossiers_of(actor(AN))
    assert services.can_read(actor(AN), dossier) and not services.can_read(actor(BINH), dossier)
    # the filer acts on it (withdraws it) as the applicant would
    services.act(dossier.code, "withdraw", actor(AN), reason="Nộp nhầm")
    # the child sees who filed in her name, on "who read my data"
    filed = [e for e in access_log_for(DEMO_DAUGHTER[0]) if e.dossier_code == dossier.code]
    assert [(e.reader_id, e.reader_name, e.purpose) for e in filed] == [
        (AN.id_number, AN.name, "Nộp hồ sơ thay bạn: Cha, mẹ nộp thay con chưa thành niên")]


def test_the_prefill_reads_the_childs_data_logged_under_the_parents_name(seeded):
    filled = prefill(spec(COPY), DEMO_DAUGHTER[0], actor(AN), Purpose("Điền sẵn biểu mẫu", COPY))
    assert filled.values["subject_id_number"].value == DEMO_DAUGHTER[0]
    read = access_log_for(DEMO_DAUGHTER[0])[0]
    assert (read.reader_id, read.registry, read.procedure_code) == (AN.id_number, "population", COPY)
    with pytest.raises(ReadRefused):  # no mandate: no read
        prefill(spec(COPY), DEMO_DAUGHTER[0], actor(CUONG), Purpose("Điền sẵn biểu mẫu", COPY))


def test_a_child_come_of_age_files_alone(seeded):
    Person.objects.filter(id_number=DEMO_DAUGHTER[0]).update(birth_date=date(2000, 1, 1))
    with pytest.raises(services.SubmissionError) as refused:
        file_for(AN, DEMO_DAUGHTER[0], DEMO_DAUGHTER[1])
    assert refusal(refused) == "child_of_age"


def test_a_guardian_files_for_the_ward_until_the_guardianship_ends(seeded):
    dossier = file_for(BINH, DEMO_WARD[0], DEMO_WARD[1])
    assert (dossier.filed_as, dossier.mandate) == ("guardian", "civil_event:GH-2022-000000007")
    CivilEvent.objects.filter(kind="guardianship").update(data={"ended_on": "2025-01-01"})
    with pytest.raises(services.SubmissionError) as refused:
        file_for(BINH, DEMO_WARD[0], DEMO_WARD[1])
    assert refusal(refused) == "guardianship_ended"


def test_a_relative_files_a_procedure_of_the_deceased_and_no_other(seeded):
    dossier = file_for(CUONG, DEMO_LATE_MOTHER[0], DEMO_LATE_MOTHER[1], form={
        "event_kind": "death", "subject_id_number": DEMO_LATE_MOTHER[0], "copies": 2})
    assert (dossier.filed_as, dossier.mandate, dossier.filer_id_number) == ("relative", "relation:child",
                                                                          CUONG.id_number)
    assert dossier in services.dossiers_of(actor(CUONG))
    assert access_log_for(DEMO_LATE_MOTHER[0])[0].dossier_code == dossier.code
    cuong = actor(CUONG)
    people = representation.people_for(cuong, spec(COPY), timezone.now())
    assert [(p.id_number, p.name) for p in people["relative"]] == [(DEMO_LATE_MOTHER[0], DEMO_LATE_MOTHER[1])]
    with pytest.raises(services.SubmissionError) as refused:  # a procedure not filed for the dead
        file_for(CUONG, DEMO_LATE_MOTHER[0], DEMO_LATE_MOTHER[1], code=CERTIFIED_COPY)
    assert refusal(refused) == "not_for_deceased"


def test_an_authorised_person_files_within_scope_and_time_until_revoked(seeded):
    now = timezone.now()
    granted = representation.authorise(actor(AN), BINH.id_number, BINH.name, [COPY], now.date() + timedelta(days=30))
    dossier = file_for(BINH, AN.id_number, AN.name)
    assert (dossier.filed_as, dossier.mandate) == ("authorised", f"authorisation:{granted.pk}")
    with pytest.raises(services.SubmissionError) as refused:  # another procedure
        file_for(BINH, AN.id_number, AN.name, code=MARITAL)
    assert refusal(refused) == "authorisation_out_of_scope"
    later = now + timedelta(days=45)
    with pytest.raises(services.SubmissionError) as refused:  # after it expired
        services.submit(sample_submission(spec(COPY), BINH, applicant_id_number=AN.id_number,
                                          applicant_name=AN.name), actor(BINH), now=later)
    assert refusal(refused) == "authorisation_expired"
    with pytest.raises(NotFound):  # only the grantor revokes
        representation.revoke(actor(BINH), granted.pk)
    representation.revoke(actor(AN), granted.pk)
    with pytest.raises(services.SubmissionError) as refused:
        file_for(BINH, AN.id_number, AN.name)
    assert refusal(refused) == "authorisation_revoked"
    # the grantor's log: signed under the e-ID login, then revoked; append-only
    entries = list(AuthorisationEntry.objects.filter(grantor_id_number=AN.id_number).order_by("seq"))
    assert [(e.kind, e.actor_id, e.eid_level) for e in entries] == [("signed", AN.id_number, 2),
                                                                    ("revoked", AN.id_number, 2)]
    assert entries[0].terms["procedure_codes"] == [COPY]
    with pytest.raises(AppendOnlyError):
        entries[0].save()
    # the grantor sees the filing made in their name, and lists the dossier
    assert dossier in services.dossiers_of(actor(AN))
    assert any(e.dossier_code == dossier.code and e.reader_id == BINH.id_number for e in access_log_for(AN.id_number))


def test_an_unrelated_person_is_refused_with_a_field_error(seeded):
    with pytest.raises(services.SubmissionError) as refused:
        file_for(CUONG, DEMO_DAUGHTER[0], DEMO_DAUGHTER[1])
    assert refusal(refused) == "not_self"
    assert refused.value.status == 422


def test_a_procedure_the_person_concerned_files_themselves(seeded):
    with pytest.raises(services.SubmissionError) as refused:
        file_for(BINH, AN.id_number, AN.name, code=MARRIAGE)
    assert refusal(refused) == "own_filing_only" and refused.value.status == 403
    assert representation.people_for(actor(AN), spec(MARRIAGE), timezone.now()) == {}


def test_the_counter_records_an_assisted_filing(seeded):
    receiver = official_actor("H01.X00070.UB", Role.RECEIVER)
    dossier, _ = services.submit(sample_submission(spec(COPY), CUONG, channel="counter"), receiver)
    assert (dossier.filed_as, dossier.filer_id_number, dossier.mandate) == (
        "assisted", receiver.id, f"official:{receiver.id}")
    assert dossier.status == Status.NEW


def test_who_filed_for_a_child_is_told_of_its_progress(seeded):
    from motcua.core import outbox
    from motcua.notifications.models import Message

    dossier = file_for(AN, DEMO_DAUGHTER[0], DEMO_DAUGHTER[1])
    services.act(dossier.code, "receive", official_actor("H01.X00070.UB", Role.RECEIVER))
    while outbox.drain():  # the consumers run after the commit the test's transaction never makes
        pass
    told = Message.objects.filter(dossier_code=dossier.code, recipient__startswith="citizen:")
    assert set(told.values_list("recipient", flat=True)) == {f"citizen:{AN.id_number}"}
