"""Lightning's KV checksum, which ``ADMIN CHECKSUM TABLE`` reproduces on the cluster.

Per pair: ``crc = CRC-64/XZ(key || value)`` (Go ``hash/crc64`` with the ECMA table, TiKV's
``crc64fast``); the aggregate is the XOR of every pair's crc, the pair count and the sum of
``len(key) + len(value)``. XOR and sums make it order-independent and mergeable, so chunk
checksums computed by different encoders add up to the table's.

Public API: ``KVChecksum``, ``crc64_xz``, ``crc64_xor``.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import groupby
from operator import xor

import crcmod

# CRC-64/XZ: poly 0x42F0E1EBA9EA3693 reflected, init and xor-out all ones; check value of
# b"123456789" is 0x995DC9BBDF1939FA. (crcmod applies xorOut to its initCrc, hence 0 here.)
_CRC64 = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, rev=True, xorOut=0xFFFFFFFFFFFFFFFF)


def crc64_xz(data: bytes) -> int:
    """CRC-64/XZ of ``data``."""
    return int(_CRC64(data))


@dataclass
class KVChecksum:
    """Running (checksum, kvs, bytes) over KV pairs; ``merge`` adds another one in."""

    checksum: int = 0
    kvs: int = 0
    bytes: int = 0

    def update(self, key: builtins.bytes, value: builtins.bytes) -> None:
        """Adds one pair."""
        self.checksum ^= _CRC64(key + value)
        self.kvs += 1
        self.bytes += len(key) + len(value)

    def update_pairs(self, pairs: Iterable[tuple[builtins.bytes, builtins.bytes]]) -> None:
        """Adds every pair of ``pairs``."""
        crc = _CRC64
        acc = self.checksum
        n = 0
        size = 0
        for key, value in pairs:
            acc ^= crc(key + value)
            n += 1
            size += len(key) + len(value)
        self.checksum = acc
        self.kvs += n
        self.bytes += size

    def merge(self, other: KVChecksum) -> None:
        """Adds the pairs summarised by ``other``."""
        self.checksum ^= other.checksum
        self.kvs += other.kvs
        self.bytes += other.bytes

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.checksum, self.kvs, self.bytes)


def _fold(chunks: Sequence[builtins.bytes], n: int) -> int:
    """XOR of crc64_xz over ``chunks``, all of length ``n``, with one CRC.

    For messages of one length the CRC is affine: ``crc(m) = A(m) ^ crc(0^n)`` with ``A``
    linear over GF(2). So XOR-ing ``k`` CRCs gives ``A(F) ^ (k odd) * crc(0^n)`` where ``F`` is
    the XOR of the messages: ``crc(F)`` for odd ``k``, ``crc(F) ^ crc(0^n)`` for even ``k``.
    """
    folded = reduce(xor, map(int.from_bytes, chunks), 0).to_bytes(n, "big")
    crc = _CRC64(folded)
    return int(crc if len(chunks) & 1 else crc ^ _CRC64(bytes(n)))


def crc64_xor(chunks: Sequence[builtins.bytes]) -> int:
    """XOR of ``crc64_xz(chunk)`` over ``chunks`` (``KVChecksum.checksum`` of pairs whose
    ``key + value`` are the chunks): the chunks of each length are XOR-ed together as integers
    and CRC-ed once (see ``_fold``), so the cost per chunk is a C-level int conversion."""
    if not chunks:
        return 0
    lengths = set(map(len, chunks))
    if len(lengths) == 1:
        return _fold(chunks, lengths.pop())
    out = 0
    for n, group in groupby(sorted(chunks, key=len), key=len):
        out ^= _fold(list(group), n)
    return out
