"""Registry sources that live at another member: REGISTRY_SOURCES names them by dotted path, e.g.
``{"population": "motcua.exchange.sources.RemotePopulation"}``; each lookup is a signed exchange call to the
registry's keeper (``EXCHANGE["REGISTRY_PROVIDER"]``), with the reader's purpose and dossier."""

from __future__ import annotations

from motcua.exchange import services
from motcua.exchange.protocol import Refused
from motcua.exchange.services import setting
from motcua.registries.sources import RegistryRecord, current_read
from motcua.registries.sources.civil_status import LocalCivilStatus
from motcua.registries.sources.population import LocalPopulation
from motcua.registries.sources.residence import LocalResidence


def purpose_of_read() -> services.Purpose:
    """The exchange purpose of the read in progress: a dossier's re-check, or a pre-fill for a procedure."""
    reading = current_read.get()
    purpose = reading[1] if reading else None
    legal_basis = setting("LEGAL_BASIS")
    if purpose is not None and purpose.dossier_code:
        return services.Purpose("dossier", legal_basis, purpose.dossier_code)
    if purpose is not None and purpose.procedure_code:
        return services.Purpose("prefill", legal_basis, f"procedure:{purpose.procedure_code}")
    return services.Purpose("prefill", legal_basis, "-")


class RemoteSource:
    """The lookup of a registry kept by another member, asked through the exchange."""

    service = ""
    key: str

    @classmethod
    def check(cls) -> list[str]:
        return [f"MOTCUA_EXCHANGE_{name} is not set (the remote registry source {cls.__name__} needs it)"
                for name in ("SYSTEM", "REGISTRY_PROVIDER") if not setting(name)]

    def lookup(self, id_number: str) -> RegistryRecord | None:
        try:
            answer = services.call(setting("REGISTRY_PROVIDER"), self.service, {"id_number": id_number},
                                   purpose_of_read())
        except Refused as exc:
            if exc.reason == "not_found":
                return None
            raise
        return RegistryRecord(self.key, dict(answer["data"]), int(answer.get("version", 1)),
                              others=frozenset(str(o) for o in answer.get("others", []) if o))


class RemotePopulation(RemoteSource, LocalPopulation):
    service = "population.person"


class RemoteResidence(RemoteSource, LocalResidence):
    service = "residence.record"


class RemoteCivilStatus(RemoteSource, LocalCivilStatus):
    service = "civil_status.events"
