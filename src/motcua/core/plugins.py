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
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string


class Plugin:
    """What the registry asks of every plug-in class."""

    key = ""  # set when the class is registered

    @classmethod
    def check(cls) -> list[str]:
        """Problems with this plug-in's settings (a missing secret, a path that does not exist), reported by the
        family's system check at start-up rather than by the first request that needs the plug-in."""
        return []


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

    def system_check(self, configured: str | None = None, *, unusable: str, misconfigured: str) -> list[checks.Error]:
        """The family's system check: an override that cannot be used or a ``configured`` key that names no
        plug-in (error id ``unusable``), then the problems the plug-in in use finds with its settings (id
        ``misconfigured``). ``configured`` is None when every plug-in of the family is in use."""
        _, problems = self._overrides()
        if problems:  # nothing can be looked up until every override imports
            return [checks.Error(problem, id=unusable) for problem in problems]
        try:
            in_use = [self[key] for key in ([configured] if configured is not None else self)]
        except UnknownPlugin as exc:
            return [checks.Error(str(exc), id=unusable)]
        return [checks.Error(f"{self.family} '{plugin.key}': {problem}", id=misconfigured)
                for plugin in in_use for problem in plugin.check()]
