"""Sealing the heads of every hash-chained log with the system's signing key, and verifying every chain and
every seal: the first altered, missing or out-of-band entry of each stream, and tails cut off after a seal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.audit.models import Seal
from motcua.core import chain
from motcua.core.chained import ChainedEntry, chain_name, chained_models, stream_column, stream_field, streams
from motcua.documents.signers import SignerIdentity
from motcua.documents.signing import sign_data, verify_data

SINGLE_STREAM = ""  # the key of a table that is one stream, in manifests


def signer() -> SignerIdentity:
    """The system key that signs seals (``MOTCUA_AUDIT_SIGNER``: a PKCS#12 file name or a token label; the
    development CA issues it on first use)."""
    return SignerIdentity("system", settings.AUDIT_SIGNER, "motcua audit seal")


def _key(value: object) -> str:
    return SINGLE_STREAM if value is None else str(value)


def _changed_heads(model: type[ChainedEntry], after_id: int) -> tuple[dict[str, chain.Head], int]:
    """The heads of the streams that gained an entry with an id above ``after_id``, and the highest id seen. The
    head of such a stream is itself above it: a stream's entries are written one after another."""
    column = stream_column(model)
    heads: dict[str, chain.Head] = {}
    highest = after_id
    rows = (model._base_manager.filter(pk__gt=after_id)
            .values_list("pk", "seq", "digest", *([column] if column else [])).iterator(chunk_size=5000))
    for pk, seq, digest, *stream in rows:
        key = _key(stream[0] if stream else None)
        if key not in heads or seq > heads[key].seq:
            heads[key] = chain.Head(seq, digest)
        highest = max(highest, pk)
    return heads, highest


def seal(now: datetime | None = None) -> Seal:
    """Sign the heads of the streams that changed since the seal before last. Looking back two seals rather than
    one catches entries of a transaction that was still open when the last seal was taken (their ids are below
    its watermark, but they were not visible to it)."""
    now = now or timezone.now()
    recent = list(Seal.objects.order_by("-seq").values_list("manifest", flat=True)[:2])
    floor = chain.Manifest.decode(recent[1].encode()).watermarks if len(recent) == 2 else {}
    heads, watermarks = {}, {}
    for model in chained_models():
        name = chain_name(model)
        changed, watermarks[name] = _changed_heads(model, floor.get(name, 0))
        if changed:
            heads[name] = changed
    manifest = chain.Manifest(now, heads, watermarks).encode()
    signature, certificate = sign_data(manifest, signer())
    return Seal.objects.create(sealed_at=now, manifest=manifest.decode(), signature=signature,
                               certificate=certificate)


@dataclass
class Report:
    entries: int = 0
    streams: int = 0
    chains: int = 0
    seals: int = 0
    last_seal: datetime | None = None
    problems: list[str] = field(default_factory=list)


def _signature_problem(seal_row: Seal, manifest: chain.Manifest) -> str | None:
    check = verify_data(seal_row.manifest.encode(), bytes(seal_row.signature), manifest.sealed_at)
    if check.valid:
        return None
    why = ("the signed manifest was changed" if not check.intact else
           "its certificate was revoked" if check.revoked_at else "its certificate is not trusted")
    return f"seal {seal_row.seq}: the signature does not verify ({why})"


def _sealed_heads(report: Report) -> dict[str, dict[str, chain.Head]]:
    """The latest head each stream was sealed at, from the seals whose signature verifies."""
    manifests = []
    for seal_row in Seal.objects.order_by("seq").iterator(chunk_size=200):
        report.seals += 1
        try:
            manifest = chain.Manifest.decode(seal_row.manifest.encode())
        except (ValueError, KeyError, TypeError):
            report.problems.append(f"seal {seal_row.seq}: the manifest is unreadable")
            continue
        problem = _signature_problem(seal_row, manifest)
        if problem:
            report.problems.append(problem)
            continue
        manifests.append(manifest)
        report.last_seal = manifest.sealed_at
    return chain.latest_heads(manifests)


def _describe(model: type[ChainedEntry], breaks: dict[object, chain.Break]) -> Iterator[str]:
    names = model.stream_names(list(breaks)) if model.chain.stream else {}
    for key, found in breaks.items():
        where = model.chain.title if key is None else f"{model.chain.title} {names.get(key, key)}"
        yield f"{where}: {found.message}"


def verify(progress: Callable[[int, int], None] | None = None) -> Report:
    """Walk every stream of every chained table (and check every seal's signature): for each stream, the first
    entry that is altered, missing or not linked to the one before, or the sealed head it no longer reaches."""
    report = Report()
    models = chained_models()
    total = sum(model._base_manager.count() for model in models)
    sealed = _sealed_heads(report)

    def counted() -> None:
        report.entries += 1
        if progress and report.entries % 1000 == 0:
            progress(report.entries, total)

    for model in models:
        report.chains += 1
        sealed_streams = sealed.get(chain_name(model), {})
        breaks: dict[object, chain.Break] = {}
        for key, entries in streams(model, counted):
            report.streams += 1
            found = chain.first_break(entries, sealed_streams.pop(_key(key), None))
            if found:
                breaks[key] = found
        column = stream_field(model)
        for key, head in sealed_streams.items():  # sealed streams with no entry left at all
            breaks[column.to_python(key) if column else None] = chain.Break(head.seq, "truncated", now=0)
        report.problems.extend(_describe(model, breaks))
    if progress:
        progress(report.entries, total)
    return report


def grants(role: str) -> str:
    """SQL for the database's owner to run after every migration (PostgreSQL): the application's role may read
    and write every table but only read and append to the chained ones, and owns none, so it cannot disable
    their triggers either."""
    quote = connection.ops.quote_name
    tables = ", ".join(quote(model._meta.db_table) for model in chained_models())
    role = quote(role)
    return "\n".join([
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role};",
    ]) + "\n"
