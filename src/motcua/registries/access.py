"""The one way the project reads a person's registry data: every read is logged first."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.dossiers.lifecycle import Actor
from motcua.registries.models import AccessLog
from motcua.registries.sources import RegistryRecord, source


@dataclass(frozen=True)
class Purpose:
    text: str
    procedure_code: str = ""
    dossier_code: str = ""


def read_person(registry: str, id_number: str, reader: Actor, purpose: Purpose) -> RegistryRecord | None:
    AccessLog.objects.create(
        person_id_number=id_number, registry=registry, reader_kind=reader.kind, reader_id=reader.id,
        reader_name=reader.name, reader_agency=reader.agency_code or "", purpose=purpose.text[:255],
        procedure_code=purpose.procedure_code, dossier_code=purpose.dossier_code,
    )
    return source(registry).lookup(id_number)


def access_log_for(id_number: str, limit: int = 200):
    """Who read this person's data, newest first (the citizen's "who read my data" page)."""
    return AccessLog.objects.filter(person_id_number=id_number).order_by("-at")[:limit]
