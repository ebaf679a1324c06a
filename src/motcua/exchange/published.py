"""The services a motcua instance answers when its system publishes them: the base registries it keeps (read
through ``registries.access``, so the person's "who read my data" names the consuming agency, its purpose and
case) and the directory's metadata (which services this consumer may call)."""

from __future__ import annotations

import re
from typing import Any

from motcua.core.errors import Invalid, NotFound
from motcua.exchange import directory
from motcua.exchange.services import Call, publishes
from motcua.identity.actors import Actor
from motcua.registries.access import Purpose, read_person

ID_NUMBER = re.compile(r"[0-9]{12}")
PROCEDURE_CASE = "procedure:"

REGISTRY_SERVICES = {"population.person": "population", "residence.record": "residence",
                     "civil_status.events": "civil_status"}

# The JSON Schemas the directory publishes for them (`motcua exchange service add … --registry`).
REQUEST_SCHEMA = {"type": "object", "required": ["id_number"], "additionalProperties": False,
                  "properties": {"id_number": {"type": "string", "pattern": "^[0-9]{12}$"}}}
RESPONSE_SCHEMA = {"type": "object", "required": ["registry", "data", "version"],
                   "properties": {"registry": {"type": "string"}, "data": {"type": "object"},
                                  "version": {"type": "integer"},
                                  "others": {"type": "array", "items": {"type": "string"}}}}


def _purpose(call: Call) -> Purpose:
    case = "" if call.case == "-" else call.case
    procedure = case.removeprefix(PROCEDURE_CASE) if case.startswith(PROCEDURE_CASE) else ""
    return Purpose(f"{call.purpose} ({call.legal_basis}) · {call.consumer.name_vi}"[:255], procedure[:40],
                   "" if procedure else case[:60])


def _registry_read(registry: str):
    def handle(call: Call) -> dict[str, Any]:
        id_number = call.payload.get("id_number")
        if not isinstance(id_number, str) or not ID_NUMBER.fullmatch(id_number) or set(call.payload) != {"id_number"}:
            raise Invalid("invalid_request", "Số định danh cá nhân phải gồm 12 chữ số.",
                          "The personal ID number must be 12 digits.", "id_number")
        reader = Actor("system", call.consumer.ident, call.consumer.name_vi, call.consumer.member)
        record = read_person(registry, id_number, reader, _purpose(call))
        if record is None:
            raise NotFound(id_number)
        return {"registry": registry, "data": record.data, "version": record.version, "others": sorted(record.others)}

    return handle


for _service, _registry in REGISTRY_SERVICES.items():
    publishes(_service)(_registry_read(_registry))


@publishes("exchange.allowed", open_to_members=True)
def allowed(call: Call) -> dict[str, Any]:
    """The services of this provider the calling system may use, with their purposes (X-Road's allowedMethods)."""
    found = directory.current()
    return {"services": [{"service": service, "purposes": dict(right.purposes)}
                         for (consumer, provider, service), right in sorted(found.rights.items())
                         if consumer == call.consumer.ident and provider == call.provider]}
