"""Registry sources: one interface, one module per registry. A deployment points a key at another
class (a remote national registry) with the REGISTRY_SOURCES setting: {"population": "pkg.mod.Class"}."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.plugins import PluginRegistry

LOCAL_MODULES = ("population", "residence", "civil_status", "enterprise", "documents")


@dataclass(frozen=True)
class RegistryRecord:
    source: str
    data: dict
    version: int
    fetched_at: datetime = field(default_factory=timezone.now)


class RegistrySource:
    key = ""
    label_vi = ""
    label_en = ""
    owner_agency = ""  # agency code of the registry's keeper

    def lookup(self, id_number: str) -> RegistryRecord | None:
        raise NotImplementedError

    def record(self, data: dict, version: int = 1) -> RegistryRecord:
        return RegistryRecord(self.key, data, version)


SOURCES: PluginRegistry[RegistrySource] = PluginRegistry("registry source")


def load() -> None:
    for name in LOCAL_MODULES:
        import_module(f"{__name__}.{name}")
    for key, dotted in getattr(settings, "REGISTRY_SOURCES", {}).items():
        SOURCES.replace(key, import_string(dotted))


def source(key: str) -> RegistrySource:
    return SOURCES[key]()
