"""Whole-batch forms of the MVCC codec: many keys encoded or decoded in a few C-level steps.

A store encodes every ingested key (``tidbkv.codec.encode_bytes``) and decodes every key it
checksums. Per key in Python that is a dozen bytecode steps; here a batch of keys of one length
is done column by column instead: the raw keys are joined into one buffer and each of the
``len(raw)`` byte columns is copied with one strided slice assignment into a buffer of
fixed-size rows (``prefix + encoded + suffix``), whose constant bytes (prefix, markers, padding,
suffix) come from one repeated template row. The rows are then cut apart with ``map``. Keys of
other lengths in the batch are done per length group, and tiny groups per key.

Every function returns exactly what the per-key codec returns (tests compare them), in the
input order.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from itertools import repeat
from operator import add, getitem, sub
from typing import cast

from playground.tikv import mvcc
from tidbkv.codec import decode_bytes, encode_bytes

GROUP = 8
MARKER = 0xFF
# Below this many keys of one length the per-key codec is cheaper than the column copies.
MIN_COLUMNAR = 24


def _rows(data: bytes, width: int, count: int) -> list[bytes]:
    """``data`` cut into ``count`` rows of ``width`` bytes (``struct`` makes them in one C call;
    it caches the compiled format)."""
    return list(struct.unpack(f"{width}s" * count, data))


def parts(items: Sequence[bytes], part: slice) -> list[bytes]:
    """``[item[part] for item in items]`` in one C-level loop."""
    return cast(list[bytes], list(map(getitem, items, repeat(part))))


def _by_length(items: Sequence[bytes]) -> dict[int, list[int]]:
    """Indexes of ``items`` by length (one C-level pass when all have the same length)."""
    lengths = list(map(len, items))
    if min(lengths) == max(lengths):
        return {lengths[0]: []}
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        group = groups.get(n)
        if group is None:
            groups[n] = [i]
        else:
            group.append(i)
    return groups


def _encode_one_length(raws: Sequence[bytes], n: int, prefix: bytes, suffix: bytes) -> list[bytes]:
    count = len(raws)
    groups = n // GROUP + 1
    pad = GROUP * groups - n
    head = len(prefix)
    template = bytearray(prefix + bytes(9 * groups) + suffix)
    for g in range(groups - 1):
        template[head + 9 * g + GROUP] = MARKER
    template[head + 9 * groups - 1] = MARKER - pad
    width = len(template)
    out = bytearray(bytes(template) * count)
    if n:
        joined = b"".join(raws)
        for j in range(n):
            out[head + (j >> 3) * 9 + (j & 7) :: width] = joined[j::n]
    return _rows(bytes(out), width, count)


def encode_keys(raws: Sequence[bytes], prefix: bytes = b"", suffix: bytes = b"") -> list[bytes]:
    """``[prefix + encode_bytes(raw) + suffix for raw in raws]``."""
    if not raws:
        return []
    groups = _by_length(raws) if len(raws) >= MIN_COLUMNAR else {}
    if len(groups) == 1:
        (n,) = groups
        return _encode_one_length(raws, n, prefix, suffix)
    out: list[bytes] = [b""] * len(raws)
    for n, idx in groups.items():
        if len(idx) < MIN_COLUMNAR:
            continue
        encoded = _encode_one_length(list(map(raws.__getitem__, idx)), n, prefix, suffix)
        list(map(out.__setitem__, idx, encoded))
    for i, key in enumerate(out):
        if not key:  # a group too small for columns (an encoded key is never empty)
            out[i] = prefix + encode_bytes(raws[i]) + suffix
    return out


def _decode_one_length(
    keys: Sequence[bytes], width: int, head: int, tail: int
) -> list[bytes] | None:
    """Raw keys of same-width ``keys``, or None unless all are whole, canonical encodings with
    one padding length."""
    count = len(keys)
    enc = width - head - tail
    if enc <= 0 or enc % 9:
        return None
    groups = enc // 9
    joined = b"".join(keys)
    last = joined[head + enc - 1 :: width]
    marker = last[0]
    pad = MARKER - marker
    if pad > GROUP or last.count(marker) != count:
        return None
    for g in range(groups - 1):
        if joined[head + 9 * g + GROUP :: width].count(MARKER) != count:
            return None
    n = GROUP * groups - pad
    base = head + 9 * (groups - 1)
    for j in range(GROUP - pad, GROUP):
        if joined[base + j :: width].count(0) != count:
            return None
    if not n:
        return [b""] * count
    out = bytearray(n * count)
    for j in range(n):
        out[j::n] = joined[head + (j >> 3) * 9 + (j & 7) :: width]
    return _rows(bytes(out), n, count)


def _decode_one(key: bytes, head: int, tail: int) -> bytes:
    enc = key[head : len(key) - tail]
    raw, rest = decode_bytes(enc)
    if rest:
        raise ValueError(f"trailing bytes after encoded key {enc.hex()}")
    return raw


def decode_keys(keys: Sequence[bytes], head: int = 0, tail: int = 0) -> list[bytes]:
    """``[raw of key[head:len(key) - tail] for key in keys]``; each middle part must be one whole
    memcomparable encoding (``decode_bytes``' errors otherwise)."""
    if not keys:
        return []
    groups = _by_length(keys) if len(keys) >= MIN_COLUMNAR else {}
    if len(groups) == 1:
        (width,) = groups
        raws = _decode_one_length(keys, width, head, tail)
        if raws is not None:
            return raws
        groups = {}
    out: list[bytes | None] = [None] * len(keys)
    for width, idx in groups.items():
        if len(idx) < MIN_COLUMNAR:
            continue
        decoded = _decode_one_length(list(map(keys.__getitem__, idx)), width, head, tail)
        if decoded is not None:
            list(map(out.__setitem__, idx, decoded))
    return [
        raw if raw is not None else _decode_one(key, head, tail)
        for raw, key in zip(out, keys, strict=True)
    ]


def put_records(start_ts: int, values: Sequence[bytes]) -> list[bytes]:
    """``[mvcc.put_record(start_ts, v) for v in values]``."""
    head = mvcc.put_record(start_ts, b"")[:-2]
    limit = mvcc.SHORT_VALUE_MAX_LEN
    if not values:
        return []
    lengths = list(map(len, values))
    low, high = min(lengths), max(lengths)
    if high <= limit:
        if low == high:  # one value length: one record head
            return list(map(add, repeat(head + bytes((ord("v"), low))), values))
        heads = [head + bytes((ord("v"), n)) for n in range(high + 1)]
        return list(map(add, map(heads.__getitem__, lengths), values))
    return [mvcc.put_record(start_ts, v) for v in values]


def short_values(records: Sequence[bytes]) -> list[bytes] | None:
    """The short values of ``records`` when every one is a PUT with a short value and all share
    one ``'P' + uvarint(start_ts)`` head; None otherwise (the caller goes record by record)."""
    if not records:
        return []
    first = records[0]
    if first[:1] != b"P":
        return None
    i = 1
    while i < len(first) and first[i] & 0x80:
        i += 1
    i += 1  # the varint's last byte
    if i + 2 > len(first):
        return None
    count = len(records)
    lengths = list(map(len, records))
    width = lengths[0]
    if min(lengths) == max(lengths) and width - i - 2 <= mvcc.SHORT_VALUE_MAX_LEN:
        # One record length: the head, the 'v' and the value length are byte columns.
        head = first[:i] + bytes((ord("v"), width - i - 2))
        joined = b"".join(records)
        for pos, byte in enumerate(head):
            if joined[pos::width].count(byte) != count:
                return None
        return parts(records, slice(i + 2, None))
    if min(lengths) < i + 2 or not all(map(bytes.startswith, records, repeat(first[:i]))):
        return None
    if bytes(map(getitem, records, repeat(i))).count(b"v") != count:
        return None
    if list(map(getitem, records, repeat(i + 1))) != list(map(sub, lengths, repeat(i + 2))):
        return None
    return parts(records, slice(i + 2, None))
