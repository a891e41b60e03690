"""``crc64_xor`` (CRC linearity per length) equals XOR-ing ``crc64_xz`` chunk by chunk."""

from __future__ import annotations

from functools import reduce
from operator import xor

from hypothesis import given, settings
from hypothesis import strategies as st

from tidbkv.checksum import KVChecksum, crc64_xor, crc64_xz


def _naive(chunks: list[bytes]) -> int:
    return reduce(xor, map(crc64_xz, chunks), 0)


@settings(max_examples=200)
@given(st.lists(st.binary(max_size=40), max_size=30))
def test_crc64_xor_equals_per_chunk_crcs_for_mixed_lengths(chunks: list[bytes]) -> None:
    assert crc64_xor(chunks) == _naive(chunks)


@settings(max_examples=100)
@given(st.integers(0, 64), st.integers(1, 12), st.randoms(use_true_random=False))
def test_crc64_xor_equals_per_chunk_crcs_for_one_length(n: int, count: int, rnd: object) -> None:
    chunks = [rnd.randbytes(n) for _ in range(count)]  # type: ignore[attr-defined]
    assert crc64_xor(chunks) == _naive(chunks)


def test_crc64_xor_of_pairs_is_the_kv_checksum() -> None:
    pairs = [(b"key%d" % i, b"value" * (i % 5)) for i in range(100)]
    expect = KVChecksum()
    expect.update_pairs(pairs)
    assert crc64_xor([k + v for k, v in pairs]) == expect.checksum
    assert crc64_xor([]) == 0
    assert crc64_xor([b"123456789"]) == 0x995DC9BBDF1939FA
