"""The services a motcua instance answers when its system publishes them: the base registries it keeps (read
through ``registries.access``, so the person's "who read my data" names the consuming agency, its purpose and
case), a dossier's public status, the issuer's record of a document it issued, and the directory's metadata
(which services this consumer may call)."""

from __future__ import annotations

import re
from typing import Any

from motcua.core.errors import Invalid, NotFound
from motcua.documents.models import IssuedDocument
from motcua.dossiers.presenters import public_status_of
from motcua.exchange import directory
from motcua.exchange.services import Call, publishes
from motcua.identity.actors import Actor
from motcua.registries.access import Purpose, read_person

ID_NUMBER = re.compile(r"[0-9]{12}")
DOSSIER_CODE = re.compile(r"[0-9A-Za-z.\-]{3,60}")
SHA256 = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
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


def _only(call: Call, key: str, pattern: re.Pattern[str], vi: str, en: str) -> str:
    value = call.payload.get(key)
    if set(call.payload) != {key} or not isinstance(value, str) or not pattern.fullmatch(value):
        raise Invalid("invalid_request", vi, en, key)
    return value


@publishes("dossiers.status")
def dossier_status(call: Call) -> dict[str, Any]:
    """What anyone with a dossier's code may see (no personal data): the status another agency's system shows
    its own users, or checks before it acts on a dossier."""
    found = public_status_of(_only(call, "code", DOSSIER_CODE, "Mã hồ sơ không hợp lệ.", "Not a dossier code."))
    return {**found, **{k: v.isoformat() if v is not None else None
                        for k, v in found.items() if k in ("submitted_at", "appointment_date", "finished_at")}}


@publishes("documents.verify")
def document_record(call: Call) -> dict[str, Any]:
    """The issuer's record of a document, found by its id (the QR code's) or by the SHA-256 of the file another
    agency holds: is it one this system issued, exactly, and is it still in force."""
    key = "document_id" if "document_id" in call.payload else "sha256"
    pattern = UUID if key == "document_id" else SHA256
    value = _only(call, key, pattern, "Cần đúng một trong document_id (UUID) hoặc sha256 (64 ký tự hex).",
                  "Give exactly one of document_id (a UUID) or sha256 (64 hex characters).")
    document = (IssuedDocument.objects.select_related("issuer_agency")
                .filter(**{"pk" if key == "document_id" else "sha256": value}).first())
    if document is None:
        raise NotFound(value)
    return {"document_id": str(document.id), "number": document.number, "doc_type": document.doc_type,
            "title_vi": document.title_vi, "title_en": document.title_en, "issuer": document.issuer_agency.code,
            "issued_at": document.issued_at.isoformat(), "sha256": document.sha256,
            "owner": "••••••••" + document.owner_id_number[-4:],
            "revoked_at": document.revoked_at.isoformat() if document.revoked_at else None,
            "in_force": document.revoked_at is None}
