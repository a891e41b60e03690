"""CRC64-XOR, KV count and bytes of the KVs visible at a ts, over a store's write-CF entries.

What TiKV's checksum coprocessor computes for ``ADMIN CHECKSUM TABLE``: per visible pair the
CRC-64/XZ of ``raw_key + value`` (``tidbkv.checksum``), XOR-ed, with the count and the summed
lengths. Entries come in chunks; a chunk in the common shape (one version per key, all visible,
all PUTs with short values sharing one record head) is done with whole-chunk operations
(``playground.tikv.bulk``, ``tidbkv.checksum.crc64_xor``); any other chunk goes entry by entry
with the same rules as a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from operator import eq, itemgetter

from playground.tikv import bulk, mvcc
from tidbkv.checksum import KVChecksum, crc64_xor
from tidbkv.codec import encode_uint_desc

CHUNK = 8192
_USER = slice(1, -mvcc.TS_LEN)
_TS = slice(-mvcc.TS_LEN, None)
_KEY = itemgetter(0)
_RECORD = itemgetter(1)

# (encoded user key, write record) -> value, or None when the record is not a PUT.
ValueOf = Callable[[bytes, bytes], "bytes | None"]


def _fast(
    keys: list[bytes], records: list[bytes], ts_floor: bytes | None, last_user: bytes | None
) -> tuple[list[bytes], list[bytes]] | None:
    """(raw keys, values) of a chunk in the common shape, or None."""
    users = bulk.parts(keys, _USER)
    if users[0] == last_user or any(map(eq, users, islice(users, 1, None))):
        return None
    if ts_floor is not None and min(bulk.parts(keys, _TS)) < ts_floor:
        return None
    values = bulk.short_values(records)
    if values is None:
        return None
    return bulk.decode_keys(users), values


def checksum(
    entries: Iterator[tuple[bytes, bytes]], ts: int, value_of: ValueOf, chunk_size: int = CHUNK
) -> KVChecksum:
    """Checksum of the pairs visible at ``ts`` among write-CF ``entries`` (in key order)."""
    acc = KVChecksum()
    # A version is visible iff its commit ts <= ts, i.e. its inverted ts bytes >= these.
    ts_floor = None if ts >= mvcc.MAX_TS else encode_uint_desc(ts)
    last_user: bytes | None = None
    while True:
        chunk = list(islice(entries, chunk_size))
        if not chunk:
            return acc
        keys = list(map(_KEY, chunk))
        records = list(map(_RECORD, chunk))
        fast = _fast(keys, records, ts_floor, last_user)
        if fast is not None:
            raws, values = fast
            acc.checksum ^= crc64_xor(list(map(bytes.__add__, raws, values)))
            acc.kvs += len(raws)
            acc.bytes += sum(map(len, raws)) + sum(map(len, values))
            last_user = keys[-1][_USER]
            continue
        for key, rec in chunk:
            user = key[_USER]
            if user == last_user:
                continue  # an older version of a key already decided
            if ts_floor is not None and key[_TS] < ts_floor:
                continue  # committed after ts: an older version may be visible
            last_user = user
            value = value_of(user, rec)
            if value is not None:
                raw = mvcc.decoded(user)
                acc.update(raw, value)
