from motcua.registries.models import Enterprise
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("enterprise")
class LocalEnterprise(RegistrySource):
    label_vi, label_en = "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", "National business registration database"
    owner_agency = "G09"  # keeper of the national registry: corrections are routed there

    def lookup(self, id_number: str) -> RegistryRecord | None:
        rows = [{"registration_number": e.registration_number, "tax_code": e.tax_code, "name": e.name,
                 "kind": e.kind, "commune_code": e.commune_code, "status": e.status,
                 "registered_on": e.registered_on.isoformat()}
                for e in Enterprise.objects.filter(owner_id_number=id_number).order_by("registered_on")]
        return self.record({"businesses": rows}) if rows else None
