"""Sealing every secret kept in the database again under the newest key-encryption key (``motcua rekey``), so
an older key can then be taken out of ``MOTCUA_KEY_ENCRYPTION_KEYS``."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import transaction

from motcua.core import sealing


def sealed_columns() -> list[tuple[type, str]]:
    """Every (model, field name) stored with :class:`~motcua.core.sealing.SealedTextField`."""
    return [(model, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, sealing.SealedTextField)]


def rekey(progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Seal each stored value again under the newest key, one row at a time and each in its own transaction
    (a server keeps running meanwhile: any configured key still opens what is not yet done). Returns how many
    values were sealed again; :class:`~motcua.core.sealing.UnsealError` if one opens under no key."""
    pending = [(model, name, model._base_manager.exclude(**{name: ""})) for model, name in sealed_columns()]
    total, done = sum(rows.count() for _, _, rows in pending), 0
    for model, name, rows in pending:
        for pk in rows.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                # read as plaintext (any configured key opens it), written back sealed under the newest key
                plaintext = rows.select_for_update().values_list(name, flat=True).get(pk=pk)
                model._base_manager.filter(pk=pk).update(**{name: plaintext})
            done += 1
            progress(done, total)
    return done
