from motcua.registries.models import HeldDocument
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


@SOURCES.register("documents")
class LocalDocuments(RegistrySource):
    label_vi, label_en = "Kho kết quả giải quyết thủ tục hành chính", "Store of documents already issued"
    owner_agency = "G08"  # keeper of the national registry: corrections are routed there

    def lookup(self, id_number: str) -> RegistryRecord | None:
        rows = [{"doc_type": d.doc_type, "number": d.number, "issued_on": d.issued_on.isoformat(),
                 "issuer_agency": d.issuer_agency, "data": d.data}
                for d in HeldDocument.objects.filter(owner_id_number=id_number).order_by("issued_on")]
        return self.record({"documents": rows, "types": sorted({r["doc_type"] for r in rows})}) if rows else None
