"""Base registries: one interface per registry, every read logged, reproducible synthetic data."""

from datetime import date

import pytest

from motcua.demo.seeding import DEMO_CITIZENS
from motcua.identity.actors import Actor, Role
from motcua.identity.id_number import validate
from motcua.registries.access import Purpose, ReadRefused, access_log_for, read_person
from motcua.registries.models import AccessLog, CivilEvent, Person
from motcua.registries.sources import RegistryRecord, RegistrySource
from motcua.registries.synthetic import Generator, generate

AN, BINH, CUONG = DEMO_CITIZENS
CITIZEN = Actor("citizen", AN.id_number, AN.name)
OFFICIAL = Actor("official", "hoankiem.chuyenvien", "Lê Văn Minh", "H01.X00070.UB", Role.SPECIALIST)
PREFILL = Purpose("Điền sẵn biểu mẫu", "1.001193")


def test_every_local_registry_answers(seeded):
    population = read_person("population", AN.id_number, CITIZEN, PREFILL)
    assert population.data["full_name"] == AN.name and population.data["birth_date"] == "1990-05-17"
    residence = read_person("residence", AN.id_number, CITIZEN, PREFILL)
    assert residence.data["permanent_commune"] == "00070" and BINH.id_number in residence.data["household_members"]
    civil = read_person("civil_status", AN.id_number, CITIZEN, PREFILL)
    assert civil.data["married"] and civil.data["spouse_id_number"] == BINH.id_number
    business = read_person("enterprise", CUONG.id_number, Actor("citizen", CUONG.id_number), PREFILL)
    assert business.data["businesses"][0]["kind"] == "household"
    documents = read_person("documents", BINH.id_number, Actor("citizen", BINH.id_number), PREFILL)
    assert "giay_chung_sinh" in documents.data["types"]  # the hospital's, given to the mother
    family = read_person("family", BINH.id_number, Actor("citizen", BINH.id_number), PREFILL)
    assert (family.data["mother_id_number"], family.data["father_id_number"]) == (BINH.id_number, AN.id_number)
    assert family.data["relationship_to_newborn"] == "Mẹ"


@pytest.fixture
def khang(seeded):
    """An and Bình's son, already registered."""
    return Person.objects.create(id_number="001226000101", full_name="Nguyễn Minh Khang", birth_date=date(2026, 11, 18),
                                 birth_province="001", sex="M", father_id_number=AN.id_number,
                                 mother_id_number=BINH.id_number, household_code="HK-DEMO-1")


def test_unknown_person_is_none_but_still_logged(seeded):
    nobody = Actor("citizen", "001099999999")
    assert read_person("population", "001099999999", nobody, PREFILL) is None
    assert AccessLog.objects.filter(person_id_number="001099999999").count() == 1


def test_every_read_is_logged_with_reader_and_purpose(seeded):
    read_person("residence", AN.id_number, CITIZEN, PREFILL)
    assert AccessLog.objects.filter(person_id_number=AN.id_number).count() == 1
    entry = access_log_for(AN.id_number)[0]
    assert (entry.reader_kind, entry.reader_id, entry.registry, entry.procedure_code, entry.allowed) == (
        "citizen", AN.id_number, "residence", "1.001193", True)


def test_persons_whose_data_comes_back_inside_another_record_see_the_read(khang):
    child = Actor("citizen", "001226000101", "Nguyễn Minh Khang")
    read_person("population", "001226000101", child, PREFILL)  # the parents' ID numbers come back
    read_person("civil_status", AN.id_number, CITIZEN, PREFILL)  # the spouse's
    read_person("residence", AN.id_number, CITIZEN, PREFILL)  # the household's
    for parent in (AN, BINH):
        entry = AccessLog.objects.get(person_id_number=parent.id_number, registry="population")
        assert (entry.within_record_of, entry.reader_id) == ("001226000101", "001226000101")
    assert AccessLog.objects.get(person_id_number=BINH.id_number, registry="civil_status").within_record_of == AN.id_number
    assert {e.person_id_number for e in AccessLog.objects.filter(registry="residence", within_record_of=AN.id_number)} \
        >= {BINH.id_number, "001226000101"}
    own = AccessLog.objects.get(person_id_number=AN.id_number, registry="civil_status")
    assert own.within_record_of == ""


def test_the_same_read_is_logged_once_per_purpose_and_dossier(seeded):
    for _ in range(3):  # a form shown three times
        read_person("population", AN.id_number, CITIZEN, PREFILL)
    assert AccessLog.objects.filter(person_id_number=AN.id_number, registry="population").count() == 1
    read_person("population", AN.id_number, CITIZEN, Purpose("Điền sẵn biểu mẫu", "1.000656"))
    read_person("population", AN.id_number, CITIZEN, Purpose("Điền sẵn biểu mẫu", "1.001193", "H01-261201-0001"))
    read_person("population", AN.id_number, CITIZEN, Purpose("Điền sẵn biểu mẫu", "1.001193", "H01-261201-0001"))
    assert AccessLog.objects.filter(person_id_number=AN.id_number, registry="population").count() == 3
    for _ in range(2):  # refused reads too, once
        with pytest.raises(ReadRefused):
            read_person("population", AN.id_number, OFFICIAL, Purpose("Tò mò"))
    assert AccessLog.objects.filter(person_id_number=AN.id_number, allowed=False).count() == 1


@pytest.mark.parametrize("reader", [OFFICIAL, Actor("citizen", BINH.id_number, BINH.name)])
def test_reads_outside_a_dossier_or_of_someone_else_are_refused_and_logged(seeded, reader):
    with pytest.raises(ReadRefused):
        read_person("population", AN.id_number, reader, Purpose("Tò mò"))
    entry = access_log_for(AN.id_number)[0]
    assert (entry.reader_id, entry.allowed) == (reader.id, False)


class RemotePopulation(RegistrySource):
    def lookup(self, id_number):
        return RegistryRecord(self.key, {"full_name": "Từ hệ thống khác"}, 7)


def test_a_source_is_replaced_by_configuration(settings, seeded):
    settings.REGISTRY_SOURCES = {"population": f"{__name__}.RemotePopulation"}
    record = read_person("population", AN.id_number, CITIZEN, PREFILL)
    assert record.data["full_name"] == "Từ hệ thống khác" and record.source == "population"


def _rows(people):
    gen = Generator(seed=7)
    return [(p["id_number"], p["full_name"], p["birth_date"], p["household_code"], p["father_id_number"])
            for batch in gen.batches(people, batch_size=50) for p in batch.people]


def test_generator_is_reproducible_and_consistent():
    first, second = _rows(400), _rows(400)
    assert first == second
    ids = [r[0] for r in first]
    assert len(ids) == len(set(ids))
    gen = Generator(seed=7)
    people = [p for batch in gen.batches(400) for p in batch.people]
    by_id = {p["id_number"]: p for p in people}
    for p in people:
        validate(p["id_number"], birth_year=p["birth_date"].year, sex=p["sex"], today=date(2026, 11, 24))
        if p["father_id_number"]:
            father, mother = by_id[p["father_id_number"]], by_id[p["mother_id_number"]]
            assert father["sex"] == "M" and mother["sex"] == "F"
            assert p["household_code"] == father["household_code"] == mother["household_code"]
            assert p["permanent_commune"] == father["permanent_commune"]
            assert p["birth_date"] > father["birth_date"] and p["birth_date"] > mother["birth_date"]


def test_generate_writes_households_events_and_documents(seeded):
    before = Person.objects.count()
    written = generate(200, seed=99, batch_size=60)
    assert written >= 200 and Person.objects.count() == before + written
    assert CivilEvent.objects.filter(kind="birth").exists()


@pytest.mark.parametrize(("applicant", "father", "mother", "relationship"), [
    (AN, AN.id_number, BINH.id_number, "Cha"),  # the father applies: the mother is his wife
    (BINH, AN.id_number, BINH.id_number, "Mẹ"),  # the mother applies: not swapped
    (CUONG, CUONG.id_number, None, "Cha"),  # no registered marriage: the mother is asked, not guessed
])
def test_a_newborns_parents_come_from_who_applies(seeded, applicant, father, mother, relationship):
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.registries.prefill import prefill

    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    filled = prefill(spec, applicant.id_number, Actor("citizen", applicant.id_number, applicant.name), PREFILL)
    values = {name: known.value for name, known in filled.values.items()}
    assert (values.get("father_id_number"), values.get("mother_id_number")) == (father, mother)
    assert values["relationship"] == relationship
    held = filled.evidence["giay_chung_sinh"]
    assert held.found == (applicant is BINH)  # the hospital's certificate is the mother's
