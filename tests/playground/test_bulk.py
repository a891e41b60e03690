"""Whole-batch MVCC codec: the same bytes as the per-key codec, in the input order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.tikv import bulk, mvcc
from tidbkv.codec import encode_bytes, encode_uint_desc
from tidbkv.errors import DecodeError

# Batches big enough for the columnar path, mixing a common length with odd ones.
_keys = st.one_of(
    st.lists(st.binary(max_size=40), max_size=80),
    st.integers(0, 33).flatmap(
        lambda n: st.lists(st.binary(min_size=n, max_size=n), min_size=20, max_size=120)
    ),
    st.tuples(
        st.lists(st.binary(min_size=19, max_size=19), min_size=30, max_size=60),
        st.lists(st.binary(max_size=30), max_size=10),
    ).map(lambda t: t[0] + t[1]),
)


@settings(max_examples=150, deadline=None)
@given(_keys, st.sampled_from([b"", b"w", b"d"]), st.integers(0, 2**64 - 1))
def test_encode_keys_equals_encode_bytes_per_key(raws: list[bytes], cf: bytes, ts: int) -> None:
    suffix = encode_uint_desc(ts) if cf else b""
    assert bulk.encode_keys(raws, cf, suffix) == [cf + encode_bytes(r) + suffix for r in raws]


@settings(max_examples=150, deadline=None)
@given(_keys, st.sampled_from([0, 1]), st.sampled_from([0, 8]))
def test_decode_keys_inverts_encode_keys(raws: list[bytes], head: int, tail: int) -> None:
    keys = bulk.encode_keys(raws, b"w" * head, b"\x00" * tail)
    assert bulk.decode_keys(keys, head, tail) == raws


def test_decode_keys_rejects_what_decode_bytes_rejects() -> None:
    good = [encode_bytes(b"k%05d" % i) for i in range(40)]
    bad_marker = [*good[:39], good[0][:-1] + b"\x00"]
    with pytest.raises(DecodeError):
        bulk.decode_keys(bad_marker)
    trailing = [*good[:39], good[0] + b"x" * 9]
    with pytest.raises((DecodeError, ValueError)):
        bulk.decode_keys(trailing)


@settings(max_examples=60)
@given(st.lists(st.binary(max_size=300), max_size=40), st.integers(0, 2**64 - 1))
def test_put_records_equal_put_record(values: list[bytes], ts: int) -> None:
    assert bulk.put_records(ts, values) == [mvcc.put_record(ts, v) for v in values]


@settings(max_examples=60)
@given(st.lists(st.binary(max_size=255), min_size=1, max_size=40), st.integers(0, 2**64 - 1))
def test_short_values_are_read_back_from_put_records(values: list[bytes], ts: int) -> None:
    assert bulk.short_values(bulk.put_records(ts, values)) == values


@settings(max_examples=60)
@given(st.integers(0, 255), st.integers(1, 40), st.integers(0, 2**64 - 1), st.randoms())
def test_short_values_of_one_length_are_read_back(n: int, count: int, ts: int, rnd: Any) -> None:
    values = [rnd.randbytes(n) for _ in range(count)]
    records = bulk.put_records(ts, values)
    assert records == [mvcc.put_record(ts, v) for v in values]
    assert bulk.short_values(records) == values
    assert bulk.short_values([*records, records[0] + b"R"]) is None  # a trailing field


def test_short_values_declines_anything_but_short_puts_with_one_head() -> None:
    short = [mvcc.put_record(7, b"abc")] * 3
    assert bulk.short_values([*short, mvcc.put_record(7, b"x" * 300)]) is None
    assert bulk.short_values([*short, mvcc.delete_record(7)]) is None
    assert bulk.short_values([*short, mvcc.put_record(2**40, b"abc")]) is None
    assert bulk.short_values([mvcc.delete_record(7), *short]) is None
