"""How long each kind of working data is kept, and the one command that deletes what is older
(`motcua retention`, run daily). Each capability registers the data it keeps for a time with ``retained``; the
periods are settings (``RETENTION_DAYS``, each overridable with MOTCUA_RETENTION_DAYS="name=days,…").

What is a record of the State (dossier journals, registry access logs, payment callbacks, issued documents) is
not working data: it is hash-chained, never deleted here, and archived under the archives law."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

Purge = Callable[[datetime], int]  # deletes what was last useful before the cut-off; returns how many rows


@dataclass(frozen=True)
class Retained:
    name: str
    what: str  # what the rows are, for the operator
    purge: Purge


RETAINED: dict[str, Retained] = {}


def retained(name: str, what: str) -> Callable[[Purge], Purge]:
    def register(purge: Purge) -> Purge:
        RETAINED[name] = Retained(name, what, purge)
        return purge

    return register


def days_for(name: str) -> int:
    return settings.RETENTION_DAYS[name]


def purge_all(now: datetime | None = None, progress: Callable[[int, int], None] = lambda done, total: None
              ) -> list[tuple[Retained, int, int]]:
    """Every registered kind purged of what is older than its period: (kind, days kept, rows deleted)."""
    now = now or timezone.now()
    done = []
    for index, kind in enumerate(sorted(RETAINED.values(), key=lambda kind: kind.name)):
        days = days_for(kind.name)
        done.append((kind, days, kind.purge(now - timedelta(days=days))))
        progress(index + 1, len(RETAINED))
    return done

