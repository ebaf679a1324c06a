"""Registry sources: one interface, one module per registry in this package. A deployment points a key at
another class (a remote national registry) with the REGISTRY_SOURCES setting: {"population": "pkg.mod.Class"}."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.core.plugins import Plugin, PluginRegistry


@dataclass(frozen=True)
class RegistryRecord:
    source: str
    data: dict
    version: int
    fetched_at: datetime = field(default_factory=timezone.now)
    # Other persons whose data came back inside this record (a spouse in a marriage, the parents in a birth,
    # household members): their reads are logged too, so "who read my data" misses nobody.
    others: frozenset[str] = frozenset()


# Who reads and why (the reader's Actor and the access log's Purpose), while a source looks a person up: a remote
# source sends the purpose and the dossier on to the registry's keeper, whose own access log then names them.
current_read: ContextVar[tuple[Any, Any] | None] = ContextVar("current_read", default=None)


class RegistrySource(Plugin):
    label_vi = ""
    label_en = ""
    owner_agency = ""  # agency code of the registry's national keeper
    # Where the keeper's local office that corrects a person's data sits: (level, agency type) found in the
    # person's commune of permanent residence (commune police for the population data…); None: the national one.
    local_keeper: tuple[str, str] | None = None
    # The person's fields this registry holds in motcua and a keeper may correct here (a correction accepted
    # changes them, with history); other registries are corrected in their own systems.
    correctable: tuple[str, ...] = ()

    def lookup(self, id_number: str) -> RegistryRecord | None:
        raise NotImplementedError

    def record(self, data: dict, version: int = 1, others=()) -> RegistryRecord:
        return RegistryRecord(self.key, data, version, others=frozenset(filter(None, others)))


SOURCES: PluginRegistry[RegistrySource] = PluginRegistry("registry source", RegistrySource, __name__,
                                                          overrides_setting="REGISTRY_SOURCES")


def source(key: str) -> RegistrySource:
    return SOURCES[key]()
