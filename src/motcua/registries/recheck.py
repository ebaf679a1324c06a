"""An official re-reads the registries a dossier's pre-filled values came from: what changed since
submission (each read logged, for a dossier the official may read only)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.catalog.services import spec_of
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Actor
from motcua.registries.access import read_for_dossier


@dataclass(frozen=True)
class Change:
    label_vi: str
    label_en: str
    submitted: object
    now: object


@dataclass(frozen=True)
class Recheck:
    registries: list[str]
    changes: list[Change]


def recheck(dossier: Dossier, actor: Actor) -> Recheck:
    spec = spec_of(dossier.procedure_version)
    origins = dossier.origins
    current = {registry: read_for_dossier(registry, actor, dossier) for registry in origins.registries}
    changes = []
    for f in spec.fields:
        origin = origins.of(f.name)
        record = current.get(origin.registry) if origin.from_registry and origin.registry else None
        if record is not None:
            now = record.data.get(f.registry_key)
            submitted = dossier.form_data.get(f.name)
            if str(now) != str(submitted):
                changes.append(Change(f.label_vi, f.label_en, submitted, now))
    return Recheck(origins.registries, changes)
