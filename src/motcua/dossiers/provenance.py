"""Where each submitted value came from: a base registry (which one, which record version, when read) or
the applicant. Pure Python (no Django import); stored with the dossier as JSON."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

EVIDENCE_PREFIX = "evidence."


@dataclass(frozen=True)
class Origin:
    source: str = "citizen"  # "registry" | "citizen"
    registry: str | None = None  # the registry read (also when the applicant changed its value)
    version: int | None = None  # the record version used
    fetched_at: str | None = None  # when it was read (ISO 8601)
    registry_value: str | None = None  # what the registry said, when the applicant typed something else
    found: bool | None = None  # evidence: whether the registry (or the wallet) holds the document
    reference: str | None = None  # evidence: the number of the document held

    @property
    def from_registry(self) -> bool:
        return self.source == "registry"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


CITIZEN = Origin()


@dataclass(frozen=True)
class Provenance:
    """Origins by form field name, and by ``evidence.<code>`` for documents the state holds."""

    origins: Mapping[str, Origin] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]] | None) -> Provenance:
        return cls({key: Origin(**value) for key, value in (data or {}).items()})

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {key: origin.as_dict() for key, origin in self.origins.items()}

    def of(self, field_name: str) -> Origin:
        return self.origins.get(field_name, CITIZEN)

    def evidence(self) -> Iterator[tuple[str, Origin]]:
        """(evidence code, origin) of each document looked for in a registry or the wallet."""
        for key, origin in self.origins.items():
            if key.startswith(EVIDENCE_PREFIX):
                yield key.removeprefix(EVIDENCE_PREFIX), origin

    def evidence_origin(self, code: str) -> Origin | None:
        return self.origins.get(EVIDENCE_PREFIX + code)

    @property
    def registries(self) -> list[str]:
        """The registries read for this dossier."""
        return sorted({o.registry for o in self.origins.values() if o.registry})

    @property
    def reuses_state_data(self) -> bool:
        """A value taken from a registry, or a document the state holds."""
        return any(o.from_registry or o.found for o in self.origins.values())
