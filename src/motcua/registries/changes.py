"""Every change to a base registry goes one way: the current record is written, its new version is appended to
the record's history (append-only, chained) and a registry event is published through the outbox, all in the
caller's transaction. Reads of the present use the current tables; "as of a date" and "how did this value get
here" read the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from motcua.core import outbox
from motcua.registries.models import CivilEvent, Enterprise, HeldDocument, Person, RegistryVersion

POPULATION_FIELDS = ("id_number", "full_name", "birth_date", "birth_province", "sex", "father_id_number",
                     "mother_id_number", "marital_status", "deceased_on", "death_place")
RESIDENCE_FIELDS = ("household_code", "permanent_commune", "permanent_address", "temporary_commune",
                    "temporary_address", "temporary_until")
# The outbox topic of each registry event: what other capabilities subscribe to (proactive services, exchange).
TOPICS = {
    "born": "registry.person.born", "died": "registry.person.died", "moved": "registry.person.moved",
    "married": "registry.person.married", "widowed": "registry.person.widowed",
    "corrected": "registry.person.corrected", "registered": "registry.enterprise.registered",
    "issued": "registry.document.issued", "withdrawn": "registry.document.withdrawn",
    "recorded": "registry.civil_status.recorded",
}


@dataclass(frozen=True)
class ChangeSource:
    """Why a registry changed: a dossier's result, a correction, a digitized register."""

    kind: str  # RegistryVersion.SOURCES
    reference: str  # the dossier code, the correction's id, the register entry
    recorded_by: str  # who: the deciding official, the keeper
    legal_basis: str = ""
    valid_from: date | None = None  # when the new value became true (the birth, the registration)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def person_snapshots(person: Person) -> dict[str, dict[str, Any]]:
    return {"population": snapshot(person, POPULATION_FIELDS), "residence": snapshot(person, RESIDENCE_FIELDS)}


def append_version(registry: str, key: str, before: dict[str, Any] | None, after: dict[str, Any], event: str,
                   source: ChangeSource) -> RegistryVersion:
    """The record's new version; the first recorded change of a record that existed before (seeded, imported)
    keeps what it held as its baseline version first, so its history starts where the registry did."""
    record = f"{registry}:{key}"
    if before is not None and not RegistryVersion.objects.filter(record=record).exists():
        RegistryVersion.objects.create(record=record, registry=registry, data=before, source="baseline")
    return RegistryVersion.objects.create(
        record=record, registry=registry, event=event, data=after, valid_from=source.valid_from,
        source=source.kind, source_reference=source.reference[:100], recorded_by=source.recorded_by[:150],
        legal_basis=source.legal_basis[:255])


def publish(event: str, key: str, payload: dict[str, Any]) -> None:
    outbox.publish(TOPICS[event], key, {"event": event, **payload})


def create_person(values: dict[str, Any], event: str, source: ChangeSource) -> Person:
    person = Person.objects.create(**values)
    for registry, data in person_snapshots(person).items():
        append_version(registry, person.id_number, None, data, event, source)
    publish(event, person.id_number, {"id_number": person.id_number, "source": source.kind,
                                      "reference": source.reference})
    return person


def change_person(person: Person, values: dict[str, Any], event: str, source: ChangeSource) -> Person:
    """Write ``values`` on the person; a version is appended to each of the person's registries whose data
    changed (population, residence), and the event published once."""
    before = person_snapshots(person)
    for name, value in values.items():
        setattr(person, name, value)
    person.version += 1
    person.save()
    after = person_snapshots(person)
    for registry in after:
        if after[registry] != before[registry]:
            append_version(registry, person.id_number, before[registry], after[registry], event, source)
    publish(event, person.id_number, {"id_number": person.id_number, "source": source.kind,
                                      "reference": source.reference, "changed": sorted(values)})
    return person


CIVIL_FIELDS = ("kind", "register_number", "date", "commune_code", "subject_id_number", "other_id_number", "data")


def record_civil_event(values: dict[str, Any], source: ChangeSource) -> CivilEvent:
    entry = CivilEvent.objects.create(**values)
    append_version("civil_status", entry.register_number, None, snapshot(entry, CIVIL_FIELDS), "recorded", source)
    return entry


ENTERPRISE_FIELDS = ("registration_number", "tax_code", "name", "kind", "owner_id_number", "commune_code", "status",
                     "registered_on")


def register_enterprise(values: dict[str, Any], source: ChangeSource) -> Enterprise:
    enterprise = Enterprise.objects.create(**values)
    append_version("enterprise", enterprise.registration_number, None, snapshot(enterprise, ENTERPRISE_FIELDS),
                   "registered", source)
    publish("registered", enterprise.registration_number, {"owner_id_number": enterprise.owner_id_number,
                                                           "kind": enterprise.kind, "reference": source.reference})
    return enterprise


HELD_FIELDS = ("owner_id_number", "doc_type", "number", "issued_on", "issuer_agency", "data")


def _held_key(held: HeldDocument) -> str:
    return f"{held.owner_id_number}/{held.doc_type}/{held.number}"


def hold_document(values: dict[str, Any], source: ChangeSource) -> HeldDocument:
    held = HeldDocument.objects.create(**values)
    append_version("documents", _held_key(held), None, snapshot(held, HELD_FIELDS), "issued", source)
    publish("issued", held.owner_id_number, {"doc_type": held.doc_type, "number": held.number,
                                             "reference": source.reference})
    return held


def withdraw_document(document_id: str, source: ChangeSource) -> int:
    """A revoked document leaves its owner's holdings (it can no longer serve as evidence); its history
    keeps that it was held, and until when."""
    withdrawn = list(HeldDocument.objects.filter(data__document_id=document_id))
    for held in withdrawn:
        append_version("documents", _held_key(held), snapshot(held, HELD_FIELDS), {}, "withdrawn", source)
        publish("withdrawn", held.owner_id_number, {"doc_type": held.doc_type, "number": held.number,
                                                    "reference": source.reference})
        held.delete()
    return len(withdrawn)


def history(registry: str, key: str) -> list[RegistryVersion]:
    """Every recorded version of a record, oldest first."""
    return list(RegistryVersion.objects.filter(record=f"{registry}:{key}").order_by("seq"))


def as_of(registry: str, key: str, day: date) -> dict[str, Any] | None:
    """The record as it stood on ``day``: the last version that had become true by then (by its valid-from
    date, or when it was recorded where that is not known). None when the record did not exist yet; the
    baseline of a record seeded before its history began stands for every earlier day."""
    standing = None
    for version in history(registry, key):
        became = version.valid_from or timezone.localtime(version.recorded_at).date()
        if version.source == "baseline" or became <= day:
            standing = version.data
    return standing
