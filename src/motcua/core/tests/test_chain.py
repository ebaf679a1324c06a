"""The hash chain, pure: the canonical encoding gives the same bytes for the same stored value whichever way
a database hands it back, and walking a stream names the first entry that was altered, removed or slipped in."""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core import chain

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_a_json_value_read_back_hashes_as_written(value):
    """SQLite returns the JSON text as written; PostgreSQL's jsonb reorders keys and writes numbers in plain
    decimal (1e+16 comes back as the integer 10000000000000000)."""
    written = {"data": value}
    assert chain.canonical(json.loads(json.dumps(written))) == chain.canonical(written)
    jsonb = json.loads(json.dumps(written, sort_keys=True), parse_float=Decimal)
    assert chain.canonical(jsonb) == chain.canonical(written)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_hashes_as_its_exact_decimal(number):
    assert chain.canonical({"n": number}) == chain.canonical({"n": Decimal(repr(number))})
    if number.is_integer():
        assert chain.canonical({"n": number}) == chain.canonical({"n": int(Decimal(repr(number)))})


def test_numbers_and_instants_have_one_encoding():
    assert chain.canonical({"n": 1}) == chain.canonical({"n": 1.0}) == chain.canonical({"n": Decimal("1.00")})
    assert chain.canonical({"n": Decimal("-0.0")}) == chain.canonical({"n": 0}) == b'{"n":0}'
    assert chain.canonical({"n": 10 ** 40}) == b'{"n":1' + b"0" * 40 + b"}"  # no rounding to 28 digits
    assert chain.canonical({"n": 1e-7}) == b'{"n":0.0000001}'
    hanoi = datetime(2026, 1, 5, 9, 30, 0, 123, tzinfo=timezone(timedelta(hours=7)))
    assert chain.canonical({"at": hanoi}) == chain.canonical({"at": hanoi.astimezone(UTC)}) == \
        b'{"at":"2026-01-05T02:30:00.000123Z"}'
    assert chain.canonical({"a": None, "b": "x"}) == chain.canonical({"b": "x"})  # a column added later, NULL


def test_values_without_one_meaning_are_refused():
    with pytest.raises(ValueError):
        chain.canonical({"at": datetime(2026, 1, 5, 9, 30)})
    with pytest.raises(ValueError):
        chain.canonical({"n": float("nan")})
    with pytest.raises(TypeError):
        chain.canonical({"s": {1, 2}})


def build(payloads: list[dict]) -> list[chain.Entry]:
    entries, head = [], chain.EMPTY
    for seq, payload in enumerate(payloads, 1):
        values = {**payload, "seq": seq, "prev_digest": head.digest}
        head = chain.Head(seq, chain.digest(values))
        entries.append(chain.Entry(seq, values["prev_digest"], head.digest, values))
    return entries


payload_lists = st.lists(st.dictionaries(st.sampled_from(["kind", "reason", "actor"]), st.text(max_size=5),
                                         min_size=1), min_size=2, max_size=8)


@given(payload_lists)
def test_a_whole_stream_has_no_break(payloads):
    entries = build(payloads)
    assert chain.first_break(entries) is None
    assert chain.first_break(entries, chain.Head(len(entries), entries[-1].digest)) is None


@given(payload_lists, st.data())
def test_an_altered_entry_is_named(payloads, data):
    entries = build(payloads)
    i = data.draw(st.integers(0, len(entries) - 1))
    values = {**entries[i].values, "reason": entries[i].values.get("reason", "") + "!"}
    entries[i] = chain.Entry(entries[i].seq, entries[i].prev, entries[i].digest, values)
    assert chain.first_break(entries) == chain.Break(i + 1, "altered")


@given(payload_lists, st.data())
def test_a_replaced_entry_is_named_by_the_link_after_it(payloads, data):
    """The attacker recomputes the altered entry's own digest: the next entry no longer links to it."""
    entries = build(payloads)
    i = data.draw(st.integers(0, len(entries) - 2))
    values = {**entries[i].values, "reason": "rewritten"}
    entries[i] = chain.Entry(entries[i].seq, entries[i].prev, chain.digest(values), values)
    assert chain.first_break(entries) == chain.Break(i + 2, "unlinked")


@given(payload_lists, st.data())
def test_a_removed_entry_is_named(payloads, data):
    entries = build(payloads)
    i = data.draw(st.integers(0, len(entries) - 2))
    del entries[i]
    assert chain.first_break(entries) == chain.Break(i + 1, "missing")


@given(payload_lists, st.data())
def test_a_tail_cut_after_the_seal_is_named(payloads, data):
    entries = build(payloads)
    sealed = chain.Head(len(entries), entries[-1].digest)
    kept = data.draw(st.integers(0, len(entries) - 1))
    found = chain.first_break(entries[:kept], sealed)
    assert found == chain.Break(len(entries), "truncated", now=kept)
    assert found.message == f"entries after the last seal were removed: head sealed at seq {len(entries)}, now {kept}"


def test_a_stream_rewritten_from_the_start_is_caught_by_its_seal():
    entries = build([{"kind": "submit"}, {"kind": "receive"}])
    sealed = chain.Head(2, entries[-1].digest)
    forged = build([{"kind": "submit"}, {"kind": "reject"}])
    assert chain.first_break(forged) is None
    assert chain.first_break(forged, sealed) == chain.Break(2, "rewritten")


def test_a_forged_entry_appended_with_a_wrong_link_is_named():
    entries = build([{"kind": "submit"}, {"kind": "receive"}])
    values = {"kind": "complete", "seq": 3, "prev_digest": chain.GENESIS}
    entries.append(chain.Entry(3, chain.GENESIS, chain.digest(values), values))
    assert chain.first_break(entries) == chain.Break(3, "unlinked")


def test_a_manifest_reads_back_as_written():
    manifest = chain.Manifest(datetime(2026, 1, 5, 2, 30, 0, 5, tzinfo=UTC),
                              {"dossiers.dossieraction": {"7": chain.Head(4, "ab" * 32)}}, {"dossiers.dossieraction": 9})
    assert chain.Manifest.decode(manifest.encode()) == manifest
    later = chain.Manifest(manifest.sealed_at, {"dossiers.dossieraction": {"7": chain.Head(6, "cd" * 32)}})
    assert chain.latest_heads([manifest, later]) == {"dossiers.dossieraction": {"7": chain.Head(6, "cd" * 32)}}
