from motcua.registries.models import Person
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("population")
class LocalPopulation(RegistrySource):
    label_vi, label_en = "Cơ sở dữ liệu quốc gia về dân cư", "National population database"
    owner_agency = "G01"  # keeper of the national registry
    local_keeper = ("commune", "cong_an_xa")  # the commune police update the population data
    correctable = ("full_name", "birth_date", "father_id_number", "mother_id_number")

    def lookup(self, id_number: str) -> RegistryRecord | None:
        p = Person.objects.filter(id_number=id_number).first()
        if p is None:
            return None
        return self.record({
            "id_number": p.id_number, "full_name": p.full_name, "birth_date": p.birth_date.isoformat(),
            "sex": p.sex, "birth_province": p.birth_province, "father_id_number": p.father_id_number,
            "mother_id_number": p.mother_id_number,
        }, p.version, others=(p.father_id_number, p.mother_id_number))
