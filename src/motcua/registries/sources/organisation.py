from django.db.models import Q

from motcua.registries.models import Enterprise, Person
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource

HOUSEHOLD_OWNER = "Chủ hộ kinh doanh"


@SOURCES.register("organisation")
class LocalOrganisation(RegistrySource):
    """An enterprise or household business by its enterprise code (or tax code): what a dossier it files is
    pre-filled from, and who its legal representative is (an organisation's e-ID login is checked against it).
    Enterprise registration data is public (Luật Doanh nghiệp 2020, Điều 33): a read is not a personal read."""

    label_vi, label_en = "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", "National business registration database"
    owner_agency = "G09"

    def lookup(self, id_number: str) -> RegistryRecord | None:
        code = id_number
        e = Enterprise.objects.filter(Q(registration_number=code) | Q(tax_code=code)).order_by("id").first()
        if e is None or not code:
            return None
        representative = Person.objects.filter(id_number=e.owner_id_number).values_list("full_name", flat=True)
        return self.record({
            "code": code, "registration_number": e.registration_number, "tax_code": e.tax_code, "name": e.name,
            "kind": e.kind, "commune_code": e.commune_code, "status": e.status,
            "registered_on": e.registered_on.isoformat(), "representative_id_number": e.owner_id_number,
            "representative_name": representative.first() or "",
            "representative_title": e.representative_title or (HOUSEHOLD_OWNER if e.kind == "household" else ""),
        })
