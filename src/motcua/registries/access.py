"""The one way the project reads a person's registry data: every read is logged first."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.core.errors import Forbidden
from motcua.identity.actors import Actor
from motcua.registries.models import AccessLog
from motcua.registries.sources import RegistryRecord, source


@dataclass(frozen=True)
class Purpose:
    text: str
    procedure_code: str = ""
    dossier_code: str = ""


class ReadRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__("read_refused", "Cán bộ chỉ được khai thác dữ liệu cá nhân cho hồ sơ mình đang giải quyết.",
                         "Officials may read personal data only for a dossier they are handling.")


def _log(registry: str, id_number: str, reader: Actor, purpose: Purpose, allowed: bool = True) -> None:
    AccessLog.objects.create(
        person_id_number=id_number, registry=registry, reader_kind=reader.kind, reader_id=reader.id,
        reader_name=reader.name, reader_agency=reader.agency_code or "", purpose=purpose.text[:255],
        procedure_code=purpose.procedure_code, dossier_code=purpose.dossier_code, allowed=allowed,
    )


def _read(registry: str, id_number: str, reader: Actor, purpose: Purpose) -> RegistryRecord | None:
    _log(registry, id_number, reader, purpose)
    return source(registry).lookup(id_number)


def read_person(registry: str, id_number: str, reader: Actor, purpose: Purpose) -> RegistryRecord | None:
    """Citizens (their own data, e.g. for pre-fill) and systems; officials go through read_for_dossier."""
    if reader.kind == "official" or (reader.kind == "citizen" and reader.id != id_number):
        _log(registry, id_number, reader, purpose, allowed=False)
        raise ReadRefused()
    return _read(registry, id_number, reader, purpose)


def read_for_dossier(registry: str, reader: Actor, dossier) -> RegistryRecord | None:
    """An official re-checks an applicant's data: only for a dossier the official's agency handles."""
    from motcua.dossiers.services import can_read

    purpose = Purpose("Kiểm tra lại dữ liệu khi giải quyết hồ sơ", dossier.procedure_version.procedure.code,
                      dossier.code)
    if not can_read(reader, dossier):
        _log(registry, dossier.applicant_id_number, reader, purpose, allowed=False)
        raise ReadRefused()
    return _read(registry, dossier.applicant_id_number, reader, purpose)


def access_log_for(id_number: str, limit: int = 200):
    """Who read this person's data, newest first (the citizen's "who read my data" page)."""
    return AccessLog.objects.filter(person_id_number=id_number).order_by("-at")[:limit]
