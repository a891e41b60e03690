"""TiKV's MVCC layout: keys ``encode_bytes(raw) + ~commit_ts`` and write-CF records.

Write records are byte-exact TiKV (``'P' + uvarint(start_ts) [+ 'v' + len + short value]``,
``'D' + uvarint(start_ts)`` for deletes); values longer than ``SHORT_VALUE_MAX_LEN`` live in the
default CF under the same MVCC key. In the store's LevelDB the CF is a one-byte key prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidbkv.codec import decode_bytes, decode_uvarint, encode_uint_desc, encode_uvarint

WRITE_CF = b"w"
DEFAULT_CF = b"d"
# The byte after each CF prefix, so [cf, cf_end) covers the whole CF.
CF_END = {WRITE_CF: b"x", DEFAULT_CF: b"e"}
SHORT_VALUE_MAX_LEN = 255
TS_LEN = 8
MAX_TS = (1 << 64) - 1

PUT = ord("P")
DELETE = ord("D")
_SHORT_VALUE_PREFIX = ord("v")


def mvcc_key(encoded_key: bytes, ts: int) -> bytes:
    return encoded_key + encode_uint_desc(ts)


def ts_of(mvcc: bytes) -> int:
    """Commit ts of an MVCC key (its last 8 bytes, bit-inverted)."""
    return ~int.from_bytes(mvcc[-TS_LEN:], "big") & MAX_TS


def put_record(start_ts: int, value: bytes) -> bytes:
    rec = b"P" + encode_uvarint(start_ts)
    if len(value) <= SHORT_VALUE_MAX_LEN:
        rec += bytes((_SHORT_VALUE_PREFIX, len(value))) + value
    return rec


def delete_record(start_ts: int) -> bytes:
    return b"D" + encode_uvarint(start_ts)


@dataclass(frozen=True)
class WriteRecord:
    kind: int
    start_ts: int
    short_value: bytes | None


def parse_record(rec: bytes) -> WriteRecord:
    kind = rec[0]
    start_ts, rest = decode_uvarint(rec[1:])
    short: bytes | None = None
    if rest and rest[0] == _SHORT_VALUE_PREFIX:
        n = rest[1]
        short = bytes(rest[2 : 2 + n])
    return WriteRecord(kind, start_ts, short)


_PAD_TAILS = [bytes(pad) + bytes((0xFF - pad,)) for pad in range(9)]


def encoded(raw_key: bytes) -> bytes:
    """``tidbkv.codec.encode_bytes`` with fewer Python steps (this runs once per ingested KV)."""
    n = len(raw_key)
    full = n & ~7
    tail = raw_key[full:] + _PAD_TAILS[8 - (n - full)]
    if not full:
        return tail
    groups = [raw_key[i : i + 8] for i in range(0, full, 8)]
    return b"\xff".join(groups) + b"\xff" + tail


def decoded(enc: bytes) -> bytes:
    """The raw key of an encoded key (``tidbkv.codec.decode_bytes`` with fewer Python steps,
    for the scans that read every stored key); falls back to the checking decoder for anything
    that is not a well-formed whole encoding."""
    n = len(enc)
    pad = 0xFF - enc[-1] if n else 9
    if n % 9 or pad > 8 or enc[8:-1:9].count(0xFF) != n // 9 - 1:
        value, rest = decode_bytes(enc)
        if rest:
            raise ValueError(f"trailing bytes after encoded key {enc.hex()}")
        return value
    body = enc[:8] if n == 9 else b"".join([enc[i : i + 8] for i in range(0, n, 9)])
    return body[: len(body) - pad] if pad else body


def short_value(rec: bytes) -> tuple[int, bytes | None]:
    """(kind, short value or None) of a write record without building a ``WriteRecord``."""
    i = 1
    while rec[i] & 0x80:
        i += 1
    i += 1
    if i < len(rec) and rec[i] == _SHORT_VALUE_PREFIX:
        return rec[0], rec[i + 2 : i + 2 + rec[i + 1]]
    return rec[0], None
