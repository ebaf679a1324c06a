"""One pattern for every plug-in family (registry sources, payment gateways, signing backends): a package
holds the family's base class and registry in ``__init__.py`` and one module per plug-in, which registers
its class under a key. The registry imports every module of the package the first time it is used, then
puts the classes a settings dict names (``{key: "dotted.path.Class"}``, optional) under their keys, so a
deployment swaps in its own implementation without editing motcua."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string


class Plugin:
    """What the registry asks of every plug-in class."""

    key = ""  # set when the class is registered


P = TypeVar("P", bound=Plugin)


class UnknownPlugin(LookupError):
    pass


class PluginRegistry(Generic[P]):
    def __init__(self, family: str, base: type[P], package: str, overrides_setting: str = "") -> None:
        self.family = family
        self.base = base
        self.package = package
        self.overrides_setting = overrides_setting
        self._registered: dict[str, type[P]] = {}
        self._plugins: dict[str, type[P]] | None = None  # None until discovered
        if overrides_setting:
            setting_changed.connect(self._forget_overrides)

    def register(self, key: str) -> Callable[[type[P]], type[P]]:
        def add(cls: type[P]) -> type[P]:
            if key in self._registered and self._registered[key] is not cls:
                raise ValueError(f"{self.family} '{key}' is registered twice")
            cls.key = key
            self._registered[key] = cls
            return cls

        return add

    def _discovered(self) -> dict[str, type[P]]:
        if self._plugins is None:
            for module in pkgutil.iter_modules(import_module(self.package).__path__):
                import_module(f"{self.package}.{module.name}")
            overrides, problems = self._overrides()
            if problems:
                raise ImproperlyConfigured("; ".join(problems))
            for key, cls in overrides.items():
                cls.key = key
            self._plugins = {**self._registered, **overrides}
        return self._plugins

    def _overrides(self) -> tuple[dict[str, type[P]], list[str]]:
        """The classes the overrides setting puts under a key, and why any of them cannot be used."""
        classes, problems = {}, []
        paths = getattr(settings, self.overrides_setting, {}) if self.overrides_setting else {}
        for key, dotted in paths.items():
            where = f"{self.overrides_setting}['{key}'] = '{dotted}'"
            try:
                cls = import_string(dotted)
            except ImportError as exc:
                problems.append(f"{where} cannot be imported: {exc}")
                continue
            if isinstance(cls, type) and issubclass(cls, self.base):
                classes[key] = cls
            else:
                problems.append(f"{where} is not a {self.base.__name__}")
        return classes, problems

    def _forget_overrides(self, setting: str, **kwargs) -> None:
        # Tests change the overrides setting; the next lookup discovers again (module imports are no-ops).
        if setting == self.overrides_setting:
            self._plugins = None

    def __getitem__(self, key: str) -> type[P]:
        plugins = self._discovered()
        try:
            return plugins[key]
        except KeyError:
            known = ", ".join(sorted(plugins)) or "none"
            raise UnknownPlugin(f"no {self.family} '{key}' (known: {known})") from None

    def __contains__(self, key: str) -> bool:
        return key in self._discovered()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._discovered()))
