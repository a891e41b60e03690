"""The pairs visible at a ts among a store's write-CF entries, a chunk at a time.

An entry is ``(CF byte + encode_bytes(raw key) + ~commit_ts, write record)``; versions of a key
are adjacent, newest first. The visible pair of a key is its newest version committed at or
before the read ts, if that version is a PUT (its value inline or in the default CF). A chunk
in the common shape (one version per key, all visible, all PUTs with short values sharing one
record head) is done with whole-chunk operations (``playground.tikv.bulk``); any other chunk
goes entry by entry. Scans, ``ADMIN CHECKSUM``'s coprocessor and the tests share this one
definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from operator import eq, itemgetter

from playground.tikv import bulk, mvcc
from tidbkv.codec import encode_uint_desc

CHUNK = 8192
_USER = slice(1, -mvcc.TS_LEN)
_TS = slice(-mvcc.TS_LEN, None)
_KEY = itemgetter(0)
_RECORD = itemgetter(1)

# (encoded user key, write record) -> value, or None when the record is not a PUT.
ValueOf = Callable[[bytes, bytes], "bytes | None"]
# Parallel lists of raw keys and values.
Pairs = tuple[list[bytes], list[bytes]]


def _fast(
    keys: list[bytes], records: list[bytes], ts_floor: bytes | None, last_user: bytes | None
) -> Pairs | None:
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


def visible(
    entries: Iterator[tuple[bytes, bytes]], ts: int, value_of: ValueOf, chunk_size: int = CHUNK
) -> Iterator[Pairs]:
    """The pairs visible at ``ts`` among write-CF ``entries`` (in key order), in chunks (a chunk
    may be empty when none of its entries is visible)."""
    # A version is visible iff its commit ts <= ts, i.e. its inverted ts bytes >= these.
    ts_floor = None if ts >= mvcc.MAX_TS else encode_uint_desc(ts)
    last_user: bytes | None = None
    while True:
        chunk = list(islice(entries, chunk_size))
        if not chunk:
            return
        keys = list(map(_KEY, chunk))
        fast = _fast(keys, list(map(_RECORD, chunk)), ts_floor, last_user)
        if fast is not None:
            last_user = keys[-1][_USER]
            yield fast
            continue
        raws: list[bytes] = []
        values: list[bytes] = []
        for key, rec in chunk:
            user = key[_USER]
            if user == last_user:
                continue  # an older version of a key already decided
            if ts_floor is not None and key[_TS] < ts_floor:
                continue  # committed after ts: an older version may be visible
            last_user = user
            value = value_of(user, rec)
            if value is not None:
                raws.append(mvcc.decoded(user))
                values.append(value)
        yield raws, values
