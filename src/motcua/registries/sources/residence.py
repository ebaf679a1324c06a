from motcua.registries.models import Person
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("residence")
class LocalResidence(RegistrySource):
    label_vi, label_en = "Cơ sở dữ liệu về cư trú", "Residence database"
    owner_agency = "G01"  # keeper of the national registry
    local_keeper = ("commune", "cong_an_xa")  # residence is registered with the commune police
    correctable = ("permanent_address", "permanent_commune", "temporary_address", "temporary_commune")

    def lookup(self, id_number: str) -> RegistryRecord | None:
        p = Person.objects.filter(id_number=id_number).first()
        if p is None:
            return None
        members = list(Person.objects.filter(household_code=p.household_code).exclude(id_number=p.id_number)
                       .values_list("id_number", flat=True)) if p.household_code else []
        return self.record({
            "permanent_commune": p.permanent_commune, "permanent_address": p.permanent_address,
            "temporary_commune": p.temporary_commune, "household_code": p.household_code,
            "household_members": members,
        }, p.version, others=members)
