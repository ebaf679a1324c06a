"""Once-only: fill a procedure's form and documents from the base registries, and remember where
each value came from (registry, record version, time) so the official can re-check it."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from motcua.catalog.groups import GroupSpec
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.catalog.spec import Evidence, FormField, ProcedureSpec
from motcua.dossiers.filing import PERSON, Mandate
from motcua.dossiers.groups import GroupApplication, group_spec, member_specs
from motcua.dossiers.provenance import CITIZEN, EVIDENCE_PREFIX, Origin, Provenance
from motcua.dossiers.services import FilingRequest, find_mandate
from motcua.identity.actors import Actor
from motcua.registries.access import Purpose, read_person
from motcua.registries.sources import source

APPLICANT_NAME = "applicant.name"  # the provenance of the applicant's name, when a registry gave it


@dataclass(frozen=True)
class PrefilledValue:
    value: str
    registry: str
    version: int
    fetched_at: str


@dataclass(frozen=True)
class HeldEvidence:
    registry: str
    found: bool
    reference: str = ""


@dataclass
class Prefill:
    values: dict[str, PrefilledValue] = field(default_factory=dict)
    evidence: dict[str, HeldEvidence] = field(default_factory=dict)
    registries: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"values": {k: asdict(v) for k, v in self.values.items()},
                "evidence": {k: asdict(v) for k, v in self.evidence.items()}, "registries": self.registries}

    @classmethod
    def from_dict(cls, data: dict | None) -> Prefill:
        data = data or {}
        return cls({k: PrefilledValue(**v) for k, v in data.get("values", {}).items()},
                   {k: HeldEvidence(**v) for k, v in data.get("evidence", {}).items()},
                   list(data.get("registries", [])))

    def provenance(self, form: dict) -> Provenance:
        """Per submitted field: taken from a registry as shown, or declared by the citizen (noting any
        registry value the citizen chose to change)."""
        origins = {}
        for name, value in form.items():
            known = self.values.get(name)
            if known and str(value) == known.value:
                origins[name] = Origin("registry", known.registry, known.version, known.fetched_at)
            elif known:
                origins[name] = Origin("citizen", known.registry, registry_value=known.value)
            else:
                origins[name] = CITIZEN
        for code, held in self.evidence.items():
            origins[EVIDENCE_PREFIX + code] = Origin("registry", held.registry, found=held.found,
                                                     reference=held.reference)
        return Provenance(origins)


def registries_of(spec: ProcedureSpec) -> list[str]:
    """The registries a procedure fills its form or documents from (their keys, in order)."""
    return sorted({f.registry for f in spec.fields if f.registry} | {e.source for e in spec.evidence if e.source})


@dataclass(frozen=True)
class StateHolds:
    """What one registry holds that the citizen need neither bring nor type: the procedure's documents it supplies
    and the form's values it fills in. A document from the wallet (``asked_when_missing``) is asked for only when
    the citizen's wallet turns out not to hold it."""

    registry: str
    label_vi: str
    label_en: str
    documents: tuple[Evidence, ...]
    fields: tuple[FormField, ...]


def held_by_state(spec: ProcedureSpec) -> list[StateHolds]:
    """What the state already holds for a procedure, registry by registry, as the citizen is told before filing
    (nothing is read: it is what the procedure declares)."""
    out = []
    for key in registries_of(spec):
        registry = source(key)
        out.append(StateHolds(key, registry.label_vi, registry.label_en,
                              tuple(e for e in spec.evidence if e.source == key),
                              tuple(f for f in spec.fields if f.registry == key)))
    return out


def prefill(spec: ProcedureSpec, person_id: str, reader: Actor, purpose: Purpose) -> Prefill:
    """Read each registry the procedure needs once (each read is logged) and fill what they hold."""
    needed = registries_of(spec)
    with transaction.atomic():  # one commit for all the access-log rows of this pre-fill
        records = {registry: read_person(registry, person_id, reader, purpose) for registry in needed}
    result = Prefill(registries=needed)
    for f in spec.fields:
        record = records.get(f.registry) if f.source else None
        value = record.data.get(f.registry_key) if record else None
        if value not in (None, "", []):
            result.values[f.name] = PrefilledValue(str(value), record.source, record.version,
                                                   record.fetched_at.isoformat())
    for e in spec.evidence:
        if not e.source:
            continue
        record = records.get(e.source)
        if e.source == "documents":
            held = [d for d in (record.data["documents"] if record else []) if d["doc_type"] == e.code]
            result.evidence[e.code] = HeldEvidence("documents", bool(held), held[-1]["number"] if held else "")
        else:
            result.evidence[e.code] = HeldEvidence(e.source, record is not None)
    return result


ORGANISATION_REGISTRY = "organisation"


def prefill_organisation(spec: ProcedureSpec, code: str) -> tuple[Prefill, dict | None]:
    """A dossier an organisation files: the fields the procedure takes from the enterprise registry, and the
    registry's record (its name for the applicant's). The caller has checked who acts for the organisation."""
    record = source(ORGANISATION_REGISTRY).lookup(code)
    result = Prefill(registries=[ORGANISATION_REGISTRY])
    if record is None:
        return result, None
    for f in spec.fields:
        value = record.data.get(f.registry_key) if f.registry == ORGANISATION_REGISTRY else None
        if value not in (None, "", []):
            result.values[f.name] = PrefilledValue(str(value), record.source, record.version,
                                                   record.fetched_at.isoformat())
    result.values[APPLICANT_NAME] = PrefilledValue(record.data["name"], record.source, record.version,
                                                   record.fetched_at.isoformat())
    for e in spec.evidence:
        if e.source in ("enterprise", ORGANISATION_REGISTRY):
            result.evidence[e.code] = HeldEvidence(e.source, True, record.data["code"])
    return result, record.data


def prefill_submission(sub, actor: Actor) -> None:
    """An online submission by the applicants themselves, or by someone the registries confirm acts for them
    (a parent, a guardian, a relative, a signed authorisation), gets, whatever the channel's client (the
    portal's form, an app through the API), what once-only promises: fields the caller left out are filled from
    the person concerned's registry data, and every field's provenance is recorded (registry, version and time,
    or declared). Anyone else's submission is left for ``submit`` to refuse by field."""
    if sub.channel != "online" or actor.kind != "citizen" or sub.applicant_kind != PERSON:
        return
    procedure = Procedure.objects.filter(code=sub.procedure_code).select_related("current_version").first()
    if procedure is None or procedure.current_version is None:
        return  # the submission itself reports the unknown procedure
    spec = spec_of(procedure.current_version)
    if actor.id != sub.applicant_id_number:
        mandate = find_mandate(FilingRequest(actor, PERSON, sub.applicant_id_number, sub.filed_as, spec,
                                             timezone.now()))
        if not (isinstance(mandate, Mandate) and mandate.confirmed):
            return
    filled = prefill(spec, sub.applicant_id_number, actor, Purpose("Điền sẵn khi nộp hồ sơ qua API", spec.code))
    sub.form = {**{name: known.value for name, known in filled.values.items()}, **(sub.form or {})}
    sub.provenance = filled.provenance(sub.form)


def group_form(group: GroupSpec, chosen: list[str]) -> ProcedureSpec:
    """The group's one form as a procedure of its own (its fields, no documents), for pre-filling it."""
    specs = member_specs(group, chosen)
    first = specs[chosen[0]]
    return dataclasses.replace(first, code=group.code, fields=tuple(group.form_fields(specs, chosen)), evidence=())


def prefill_group(group: GroupSpec, chosen: list[str], person_id: str, reader: Actor) -> Prefill:
    return prefill(group_form(group, chosen), person_id, reader, Purpose("Điền sẵn biểu mẫu liên thông", group.code))


def prefill_group_application(app: GroupApplication, actor: Actor) -> None:
    """As ``prefill_submission``, for a group application filed by the applicants themselves."""
    if actor.kind != "citizen" or actor.id != app.applicant_id_number:
        return
    group = group_spec(app.group_code)
    chosen = group.check_choice(app.members)
    filled = prefill_group(group, chosen, actor.id, actor)
    app.form = {**{name: known.value for name, known in filled.values.items()}, **(app.form or {})}
    app.provenance = filled.provenance(app.form)
