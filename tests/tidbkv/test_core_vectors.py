"""Golden vectors for the codec core, from ../shared/docs/tidb-kv-format.md §1, §2, §8.

Those byte literals come from TiDB's pkg/util/codec and pkg/tablecodec tests and Lightning's
verification test (TestChecksum), as the doc cites.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidbkv import codec, keys
from tidbkv.checksum import KVChecksum, crc64_xz
from tidbkv.errors import DecodeError


@pytest.mark.parametrize(
    ("value", "hexed"),
    [
        (0, "8000000000000000"),
        (1, "8000000000000001"),
        (-1, "7fffffffffffffff"),
        (-(1 << 63), "0000000000000000"),
    ],
)
def test_encode_int_flips_the_sign_bit(value: int, hexed: str) -> None:
    assert codec.encode_int(value).hex() == hexed
    assert codec.decode_int(bytes.fromhex(hexed)) == (value, b"")


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("", "0000000000000000f7"),
        ("00", "0000000000000000f8"),
        ("010203", "0102030000000000fa"),
        ("0102030405060708", "0102030405060708ff0000000000000000f7"),
        ("010203040506070809", "0102030405060708ff0900000000000000f8"),
    ],
)
def test_encode_bytes_groups_of_eight(raw: str, encoded: str) -> None:
    assert codec.encode_bytes(bytes.fromhex(raw)).hex() == encoded
    assert codec.decode_bytes(bytes.fromhex(encoded) + b"tail") == (bytes.fromhex(raw), b"tail")


def test_decode_bytes_rejects_bad_padding_and_truncation() -> None:
    with pytest.raises(DecodeError):
        codec.decode_bytes(bytes.fromhex("0102030000000001fa"))
    with pytest.raises(DecodeError):
        codec.decode_bytes(bytes.fromhex("01020300"))


@pytest.mark.parametrize(
    ("value", "hexed"), [(0, "00"), (-1, "01"), (1, "02"), (-2, "03"), (127, "fe01")]
)
def test_varint_is_zigzag(value: int, hexed: str) -> None:
    assert codec.encode_varint(value).hex() == hexed
    assert codec.decode_varint(bytes.fromhex(hexed)) == (value, b"")


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_encode_bytes_preserves_order(a: bytes, b: bytes) -> None:
    assert (codec.encode_bytes(a) < codec.encode_bytes(b)) == (a < b)
    assert codec.decode_bytes(codec.encode_bytes(a)) == (a, b"")


@given(st.integers(-(1 << 63), (1 << 63) - 1), st.integers(-(1 << 63), (1 << 63) - 1))
def test_encode_int_preserves_order(a: int, b: int) -> None:
    assert (codec.encode_int(a) < codec.encode_int(b)) == (a < b)
    assert codec.decode_int_desc(codec.encode_int_desc(a))[0] == a


def test_record_key_of_table_1_handle_1() -> None:
    key = keys.encode_row_key_with_handle(1, 1)
    assert key.hex() == "7480000000000000015f728000000000000001"
    assert keys.decode_row_key_int_handle(key) == (1, 1)
    assert keys.is_record_key(key) and not keys.is_index_key(key)
    assert keys.index_prefix(1, 1).hex() == "7480000000000000015f698000000000000001"


def test_crc64_xz_check_value() -> None:
    assert crc64_xz(b"123456789") == 0x995DC9BBDF1939FA


def test_lightning_checksum_vector() -> None:
    # Lightning pkg/lightning/verification TestChecksum.
    c = KVChecksum()
    c.update(b"Cop", b"PingCAP")
    c.update(b"Introduction", b"Inspired by Google Spanner/F1, PingCAP develops TiDB.")
    assert c.checksum == 4850203904608948940
    assert (c.kvs, c.bytes) == (2, 3 + 7 + 12 + 53)


@given(
    st.lists(st.tuples(st.binary(max_size=20), st.binary(max_size=20)), max_size=20),
    st.integers(0, 20),
)
def test_checksum_merges_order_independently(pairs: list[tuple[bytes, bytes]], cut: int) -> None:
    whole = KVChecksum()
    whole.update_pairs(reversed(pairs))
    left, right = KVChecksum(), KVChecksum()
    left.update_pairs(pairs[:cut])
    for k, v in pairs[cut:]:
        right.update(k, v)
    left.merge(right)
    assert left == whole
