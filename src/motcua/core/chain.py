"""Hash chains for append-only records (pure Python).

Each entry of a stream (a dossier's journal, a person's access log, …) stores the digest of the entry before
it and its own digest over a canonical encoding of its stored values, sequence number and previous digest
included. Changing, removing or slipping in an entry then breaks the chain at that entry; a signed seal of the
streams' heads (:class:`Manifest`) also catches a tail cut off after it was sealed.

The encoding is canonical so that a value read back from SQLite or PostgreSQL hashes as it did when written:
keys sorted, no spaces, ASCII; NULL columns left out (a column added later as nullable leaves the digests of
older entries valid); datetimes in UTC to the microsecond; every number (int, float, Decimal) written as its
exact decimal value, so ``1``, ``1.0`` and ``Decimal("1.00")`` agree, as a JSON column may return any of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any
from uuid import UUID

GENESIS = "0" * 64  # the "previous digest" of a stream's first entry

_string: Callable[[str], str] = encode_basestring_ascii  # a JSON string literal, ASCII (what json.dumps uses)


def _number(value: int | float | Decimal) -> str:
    """The exact decimal value, plain (no exponent), without trailing zeros: a float by its shortest repr,
    which is what a JSON column stores; no rounding context is involved, so large values stay exact."""
    if isinstance(value, int):
        return str(value)
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    if not exact.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    sign, digits, exponent = exact.as_tuple()
    assert isinstance(exponent, int)  # finite
    mantissa = int("".join(map(str, digits)) or "0")
    if mantissa == 0:
        return "0"
    while exponent < 0 and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    text = str(mantissa) + "0" * max(exponent, 0)
    if exponent < 0:
        text = text.rjust(1 - exponent, "0")
        text = f"{text[:exponent]}.{text[exponent:]}"
    return f"-{text}" if sign else text


def _encode(value: object) -> str:
    if isinstance(value, str):  # the commonest, first
        return _string(value)
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"a naive datetime has no single meaning: {value!r}")
        return _string(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if isinstance(value, date):
        return _string(value.isoformat())
    if isinstance(value, UUID):
        return _string(str(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return _string(bytes(value).hex())
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("mapping keys must be strings")
        return "{" + ",".join(f"{_string(key)}:{_encode(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    raise TypeError(f"no canonical encoding for {type(value).__name__}")


def canonical(values: Mapping[str, object]) -> bytes:
    """The canonical encoding of an entry's stored values (NULLs left out)."""
    return _encode({key: value for key, value in values.items() if value is not None}).encode("ascii")


def digest(values: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the canonical encoding."""
    return hashlib.sha256(canonical(values)).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last entry of a stream: its sequence number and digest."""

    seq: int
    digest: str


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True)
class Entry:
    """An entry as stored: its sequence number, the digests it holds, and every value its digest covers
    (the sequence number and the previous digest among them)."""

    seq: int
    prev: str
    digest: str
    values: Mapping[str, object]


@dataclass(frozen=True)
class Break:
    """The first place where a stream differs from what was chained (and sealed)."""

    seq: int
    kind: str  # altered | missing | unlinked | duplicated | rewritten | truncated
    now: int = 0  # truncated: the stream's last sequence number now

    @property
    def message(self) -> str:
        return {
            "altered": f"entry {self.seq} altered",
            "missing": f"entry {self.seq} missing",
            "unlinked": f"entry {self.seq} does not follow entry {self.seq - 1} "
                        f"(inserted out of band, or entry {self.seq - 1} replaced)",
            "duplicated": f"entry {self.seq} recorded twice",
            "rewritten": f"entry {self.seq} differs from the sealed head (the stream was rewritten)",
            "truncated": f"entries after the last seal were removed: head sealed at seq {self.seq}, now {self.now}",
        }[self.kind]


def first_break(entries: Iterable[Entry], sealed: Head | None = None) -> Break | None:
    """Walk one stream in sequence order and name its first break, or None when it is whole; ``sealed`` is the
    latest head a seal vouches for, which must still be in the stream."""
    head = EMPTY
    for entry in entries:
        expected = head.seq + 1
        if entry.seq < expected:
            return Break(entry.seq, "duplicated")
        if entry.seq > expected:
            return Break(expected, "missing")
        if digest(entry.values) != entry.digest:
            return Break(entry.seq, "altered")
        if entry.prev != head.digest:
            return Break(entry.seq, "unlinked")
        if sealed is not None and entry.seq == sealed.seq and entry.digest != sealed.digest:
            return Break(entry.seq, "rewritten")
        head = Head(entry.seq, entry.digest)
    if sealed is not None and head.seq < sealed.seq:
        return Break(sealed.seq, "truncated", now=head.seq)
    return None


@dataclass(frozen=True)
class Manifest:
    """What a seal signs: when, and the head of every stream that changed since the seals before it, by chain
    (``"dossiers.dossieraction"``) and stream key; ``watermarks`` is the highest entry id seen per chain, from
    which the seal after next starts looking for changed streams."""

    sealed_at: datetime
    heads: Mapping[str, Mapping[str, Head]] = field(default_factory=dict)
    watermarks: Mapping[str, int] = field(default_factory=dict)

    def encode(self) -> bytes:
        return canonical({
            "sealed_at": self.sealed_at,
            "heads": {chain: {stream: [head.seq, head.digest] for stream, head in streams.items()}
                      for chain, streams in self.heads.items()},
            "watermarks": dict(self.watermarks),
        })

    @classmethod
    def decode(cls, data: bytes) -> Manifest:
        raw: dict[str, Any] = json.loads(data)
        return cls(
            sealed_at=datetime.strptime(raw["sealed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            heads={chain: {stream: Head(int(seq), str(value)) for stream, (seq, value) in streams.items()}
                   for chain, streams in raw["heads"].items()},
            watermarks={chain: int(mark) for chain, mark in raw["watermarks"].items()},
        )


def latest_heads(manifests: Iterable[Manifest]) -> dict[str, dict[str, Head]]:
    """The furthest head sealed for each stream of each chain over a series of seals."""
    latest: dict[str, dict[str, Head]] = {}
    for manifest in manifests:
        for chain, streams in manifest.heads.items():
            known = latest.setdefault(chain, {})
            for stream, head in streams.items():
                if stream not in known or head.seq >= known[stream].seq:
                    known[stream] = head
    return latest
