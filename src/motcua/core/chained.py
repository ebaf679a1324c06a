"""Append-only tables chained by hash (the Django side of :mod:`motcua.core.chain`).

A model that subclasses :class:`ChainedEntry` names its stream (a column: one chain per dossier, per person…;
None: one chain for the table) in ``chain`` and has a ``seq`` column unique within the stream. Every insert —
``save()``, ``objects.create()``, ``objects.bulk_create()`` or ``objects.load()`` — takes the stream's lock, reads
its head and sets ``seq``, ``prev_digest`` and ``digest`` before the row is written; the row is never changed or deleted
afterwards (and the database refuses it: :func:`append_only`). The audit app seals and verifies every such
model (:func:`chained_models`), so a new append-only table (an inter-agency message log…) only subclasses it.

Appends to one stream are serialized, appends to different streams are not: on PostgreSQL a transaction-level
advisory lock keyed by (table, stream), held until the caller's transaction ends, as a row lock would be (a
model whose callers already lock the stream's row, as the journal's do, skips it); SQLite serializes every
writer anyway. The unique (stream, seq) constraint is the backstop: a chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.db import connections, migrations, models, router, transaction

from motcua.core import chain

CHUNK = 2000  # rows read (and rewritten, when migrating) at a time


class AppendOnlyError(Exception):
    pass


@dataclass(frozen=True)
class Chain:
    """How a chained model is cut into streams and named in findings (``"dossier HK-…: entry 4 altered"``)."""

    stream: str | None  # the field whose value names the stream; None: the whole table is one stream
    title: str
    caller_locks_stream: bool = False  # every append already holds a lock on the stream's row (SELECT … FOR UPDATE)


_Entry = TypeVar("_Entry", bound="ChainedEntry")


class ChainedManager(models.Manager[_Entry]):
    def bulk_create(self, objs: Iterable[_Entry], *args: Any, **kwargs: Any) -> list[_Entry]:
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise AppendOnlyError("chained entries are appended, never merged into existing rows")
        objs = list(objs)
        with appending(self.model, objs, self.db):
            return super().bulk_create(objs, *args, **kwargs)


    def load(self, objs: Iterable[_Entry], new_streams: bool = False) -> None:
        """Append many entries as ``bulk_create`` does, but in one ``executemany`` that reads no ids back: for
        bulk loads (the demo's year of journals), where Django's work per row is most of an insert's time.
        ``new_streams``: as for :func:`appending`."""
        objs = list(objs)
        connection = connections[self.db]
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        sql = (f"INSERT INTO {connection.ops.quote_name(self.model._meta.db_table)} "
               f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        with appending(self.model, objs, self.db, new_streams), connection.cursor() as cursor:
            cursor.executemany(sql, [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                                     for obj in objs])


class ChainedEntry(models.Model):
    """An entry of an append-only table, chained to the entry before it in its stream. A subclass adds the
    unique (stream, seq) constraint (``unique=True`` on ``seq`` when the table is one stream)."""

    seq = models.PositiveIntegerField()  # 1, 2, … within the stream
    prev_digest = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, editable=False)

    chain: ClassVar[Chain]
    objects = ChainedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} entries are never changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with appending(type(self), [self], using):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self._meta.verbose_name} entries are never deleted")

    @classmethod
    def stream_names(cls, keys: Sequence[Any]) -> dict[Any, str]:
        """How findings name these streams (a dossier by its code rather than its row id)."""
        return {key: str(key) for key in keys}


def chained_models() -> list[type[ChainedEntry]]:
    """Every installed chained model: what the audit seals and verifies."""
    return [model for model in apps.get_models() if issubclass(model, ChainedEntry)]


def chain_name(model: type[models.Model]) -> str:
    return model._meta.label_lower


def stream_field(model: type[ChainedEntry]) -> models.Field | None:
    if model.chain.stream is None:
        return None
    found = model._meta.get_field(model.chain.stream)
    assert isinstance(found, models.Field)
    return found


def stream_column(model: type[ChainedEntry]) -> str | None:
    found = stream_field(model)
    return found.attname if found else None


def covered_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns a digest covers: every stored one but the row id and the digest itself (of a model, or of
    its historical version in a migration)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.attname != "digest"]


def _values(fields: list[models.Field], obj: models.Model) -> dict[str, Any]:
    return {f.attname: _as_stored(f, getattr(obj, f.attname)) for f in fields}


def _as_stored(field: models.Field, value: Any) -> Any:
    """The value as the database will give it back: JSON through its encoder and decoder (tuples become lists,
    keys strings), anything else through the field's own preparation (aware datetimes, normalised addresses)."""
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder), cls=field.decoder)
    return field.get_prep_value(value)


def _lock_key(table: str, stream: object) -> int:
    return int.from_bytes(hashlib.sha256(f"{table}\x00{stream}".encode()).digest()[:8], "big", signed=True)


def _heads(model: type[ChainedEntry], keys: list[Any], using: str) -> dict[Any, chain.Head]:
    """The current head of each stream: one index lookup each (a query over several streams at once would read
    all their entries, as neither database skips through an index)."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    field = stream_field(model)
    where = f"WHERE {connection.ops.quote_name(field.column)} = %s " if field else ""
    sql = f"SELECT seq, digest FROM {table} {where}ORDER BY seq DESC LIMIT 1"  # written out: on every append
    heads = {}
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(sql, [field.get_db_prep_value(key, connection)] if field else [])
            last = cursor.fetchone()
            heads[key] = chain.Head(*last) if last else chain.EMPTY
    return heads


@contextmanager
def appending(model: type[ChainedEntry], objs: Sequence[ChainedEntry], using: str,
              new_streams: bool = False) -> Iterator[None]:
    """Chain new entries (in the given order) to the heads of their streams; the caller inserts them inside
    the block, in the transaction that holds the streams' locks (the caller's own transaction, if any: no
    savepoint, an error fails it as a failed insert would). ``new_streams``: the streams have no entry yet
    (the journals of dossiers being created), so their heads are not read; were one not new, the unique
    (stream, seq) constraint would refuse the insert."""
    if not objs:  # nothing to chain: no lock, no read
        yield
        return
    column = stream_column(model)
    covered = covered_fields(model)
    keys = list({getattr(obj, column) if column else None: None for obj in objs})
    with transaction.atomic(using=using, savepoint=False):
        connection = connections[using]
        if connection.vendor == "postgresql" and not model.chain.caller_locks_stream:
            with connection.cursor() as cursor:  # in one order, so two bulk appends cannot deadlock
                locks = sorted(_lock_key(model._meta.db_table, key) for key in keys)
                cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [locks])
        heads = dict.fromkeys(keys, chain.EMPTY) if new_streams else _heads(model, keys, using)
        for obj in objs:
            stream = getattr(obj, column) if column else None
            head = heads[stream]
            obj.seq, obj.prev_digest = head.seq + 1, head.digest
            obj.digest = chain.digest(_values(covered, obj))
            heads[stream] = chain.Head(obj.seq, obj.digest)
        yield


def streams(model: type[ChainedEntry], on_row: Callable[[], None] = lambda: None,
            using: str = "default") -> Iterator[tuple[Any, Iterator[chain.Entry]]]:
    """Every stream of a chained model with its entries in sequence order, read back as stored; lazily, so a
    stream of millions of entries is never held in memory. ``on_row`` is called for every row read."""
    column = stream_column(model)
    covered = [f.attname for f in covered_fields(model)]
    rows = (model._base_manager.using(using).order_by(*([column] if column else []), "seq")
            .values_list(*covered, "digest").iterator(chunk_size=CHUNK))

    def entries() -> Iterator[chain.Entry]:
        for row in rows:
            on_row()
            values = dict(zip(covered, row, strict=False))
            yield chain.Entry(values["seq"], values["prev_digest"], row[-1], values)

    return groupby(entries(), key=lambda entry: entry.values[column] if column else None)


# --- migrations ----------------------------------------------------------------------------------------

_POSTGRES_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' rows are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION motcua_append_only();
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION motcua_append_only();
"""
# SQLite: UPDATE only; its test runner empties tables with DELETE.
_SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END;
"""


def append_only(table: str) -> migrations.RunPython:
    """A migration operation: the database refuses UPDATE (and on PostgreSQL DELETE) of the table's rows,
    whatever code runs against it. TRUNCATE stays with the table's owner (partition retention, test runners);
    the application's role is granted no TRUNCATE (``motcua audit grants``)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        sql = {"postgresql": _POSTGRES_APPEND_ONLY, "sqlite": _SQLITE_APPEND_ONLY}.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql.format(table=table))

    def backward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}; "
                                  f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    return migrations.RunPython(forward, backward)


@contextmanager
def triggers_off(connection: Any, table: str) -> Iterator[None]:
    """The table's own triggers (append-only) suspended, for the table's owner: a migration that must rewrite
    rows, or a test playing an attacker who owns the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE is refused while deferred foreign-key checks are queued: run them now.
            cursor.execute(f"SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE {table} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER; SET CONSTRAINTS ALL DEFERRED")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        for _name, sql in saved:
            cursor.execute(sql)


def chain_existing(app_label: str, model_name: str, stream: str | None) -> migrations.RunPython:
    """A migration operation: chain the rows a table already holds, numbered within their streams in the order
    they were written (by ``seq``, then by id). Their history before the migration is taken as it stands."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(stream).attname if stream else None
        covered = covered_fields(model)
        order = [column, "seq", "pk"] if column else ["seq", "pk"]
        head, key, batch = chain.EMPTY, object(), []
        with triggers_off(schema_editor.connection, model._meta.db_table):
            for row in model._base_manager.order_by(*order).iterator(chunk_size=CHUNK):
                if column and getattr(row, column) != key:
                    head, key = chain.EMPTY, getattr(row, column)
                row.seq, row.prev_digest = head.seq + 1, head.digest
                row.digest = chain.digest(_values(covered, row))
                head = chain.Head(row.seq, row.digest)
                batch.append(row)
                if len(batch) >= CHUNK:
                    model._base_manager.bulk_update(batch, ["seq", "prev_digest", "digest"])
                    batch = []
            model._base_manager.bulk_update(batch, ["seq", "prev_digest", "digest"])

    return migrations.RunPython(forward, migrations.RunPython.noop)
