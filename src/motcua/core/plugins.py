"""One pattern for every plug-in family (registry sources, payment gateways, notification channels):
a small registry of classes by key, filled by one module per plug-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownPlugin(LookupError):
    pass


class PluginRegistry(Generic[T]):
    def __init__(self, family: str) -> None:
        self.family = family
        self._plugins: dict[str, type[T]] = {}

    def register(self, key: str) -> Callable[[type[T]], type[T]]:
        def add(cls: type[T]) -> type[T]:
            if key in self._plugins and self._plugins[key] is not cls:
                raise ValueError(f"{self.family} '{key}' is registered twice")
            cls.key = key
            self._plugins[key] = cls
            return cls

        return add

    def replace(self, key: str, cls: type[T]) -> None:
        """Put another implementation under a known key (a real remote registry for a local one)."""
        cls.key = key
        self._plugins[key] = cls

    def __getitem__(self, key: str) -> type[T]:
        try:
            return self._plugins[key]
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise UnknownPlugin(f"no {self.family} '{key}' (known: {known})") from None

    def __contains__(self, key: str) -> bool:
        return key in self._plugins

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._plugins))
