from django.db.models import Q

from motcua.registries.models import CivilEvent
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("civil_status")
class LocalCivilStatus(RegistrySource):
    label_vi, label_en = "Cơ sở dữ liệu hộ tịch điện tử", "Electronic civil-status register"

    def lookup(self, id_number: str) -> RegistryRecord | None:
        events = CivilEvent.objects.filter(Q(subject_id_number=id_number) | Q(other_id_number=id_number))
        rows = [{"kind": e.kind, "register_number": e.register_number, "date": e.date.isoformat(),
                 "commune_code": e.commune_code, "subject_id_number": e.subject_id_number,
                 "other_id_number": e.other_id_number} for e in events.order_by("date")]
        if not rows:
            return None
        married = any(r["kind"] == "marriage" for r in rows)
        return self.record({"events": rows, "married": married})
