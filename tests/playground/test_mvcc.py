"""The stores' MVCC layout matches TiKV's and tidbkv's codec byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.tikv import mvcc
from tidbkv.codec import decode_uvarint, encode_bytes


@settings(max_examples=300)
@given(st.binary(max_size=70))
def test_fast_encoding_equals_tidbkv_encode_bytes(raw: bytes) -> None:
    assert mvcc.encoded(raw) == encode_bytes(raw)


def test_write_records_are_tikv_shaped() -> None:
    short = mvcc.put_record(300, b"abc")
    assert short[:1] == b"P" and decode_uvarint(short[1:])[0] == 300
    assert short.endswith(b"v\x03abc")
    long_value = b"x" * (mvcc.SHORT_VALUE_MAX_LEN + 1)
    assert mvcc.put_record(5, long_value) == b"P\x05"
    assert mvcc.delete_record(5) == b"D\x05"
    parsed = mvcc.parse_record(short)
    assert (parsed.kind, parsed.start_ts, parsed.short_value) == (mvcc.PUT, 300, b"abc")


def test_newer_versions_sort_first() -> None:
    enc = mvcc.encoded(b"k")
    assert mvcc.mvcc_key(enc, 10) < mvcc.mvcc_key(enc, 9)
    assert mvcc.ts_of(mvcc.mvcc_key(enc, 12345)) == 12345


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_fast_key_decoding_inverts_the_encoding(raw: bytes) -> None:
    assert mvcc.decoded(encode_bytes(raw)) == raw


def test_short_values_are_read_straight_from_write_records() -> None:
    assert mvcc.short_value(mvcc.put_record(2**40 + 3, b"abc")) == (mvcc.PUT, b"abc")
    assert mvcc.short_value(mvcc.put_record(7, b"x" * 300)) == (mvcc.PUT, None)
    assert mvcc.short_value(mvcc.delete_record(2**50))[0] == mvcc.DELETE
