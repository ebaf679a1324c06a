from django.db.models import Q

from motcua.registries.models import CivilEvent
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("civil_status")
class LocalCivilStatus(RegistrySource):
    label_vi, label_en = "Cơ sở dữ liệu hộ tịch điện tử", "Electronic civil-status register"
    owner_agency = "G08"  # keeper of the national registry
    local_keeper = ("commune", "ubnd_xa")  # civil status is registered at the commune People's Committee

    def lookup(self, id_number: str) -> RegistryRecord | None:
        events = CivilEvent.objects.filter(Q(subject_id_number=id_number) | Q(other_id_number=id_number))
        rows = [{"kind": e.kind, "register_number": e.register_number, "date": e.date.isoformat(),
                 "commune_code": e.commune_code, "subject_id_number": e.subject_id_number,
                 "other_id_number": e.other_id_number} for e in events.order_by("date")]
        if not rows:
            return None
        marriages = [r for r in rows if r["kind"] == "marriage"]
        spouse = ""
        if marriages:
            last = marriages[-1]
            spouse = last["other_id_number"] if last["subject_id_number"] == id_number else last["subject_id_number"]
        others = {r[key] for r in rows for key in ("subject_id_number", "other_id_number")} - {id_number}
        return self.record({"events": rows, "married": bool(marriages), "spouse_id_number": spouse}, others=others)
