"""A ``WriteBatch`` turned into the MVCC entries its ingest will write, once per distinct batch.

TiKV's Write builds SST files of MVCC entries (``TxnSstWriter``): write-CF keys
``encode_bytes(key) + ~commit_ts`` with a ``Put`` / ``Delete`` record (short values inline) and
default-CF entries for longer values. ``encode_batch`` does that for one batch with
whole-batch operations and checks what can be checked within the batch (commit ts, strictly
ascending keys); the Write stream checks the rest (order across batches, the SST range).

Every peer of a region receives the same Write stream, so the same batch bytes arrive up to
three times in this one process. ``BatchCache`` keeps recent results by (SST uuid, position in
the stream) together with the request bytes; a peer whose bytes are equal reuses the result
instead of decoding and encoding them again. Each peer still stages its own file.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import compress, islice, pairwise
from operator import lt

from playground.tikv import bulk, mvcc, wire
from playground.tikv.wire import BatchColumns
from tidbkv.codec import encode_uint_desc

# Bytes (requests and their entries) the cache holds at most; the peers of a region stream in step,
# a few MiB apart.
CACHE_BYTES = 96 << 20


@dataclass(frozen=True)
class EncodedBatch:
    """A batch's staged form and what the stream checks and the SST metas need."""

    error: str | None  # why the batch itself is invalid (the stream aborts with it)
    kvs: int = 0
    size: int = 0  # sum of len(key) + len(value)
    long_kvs: int = 0  # Puts whose value goes to the default CF
    long_size: int = 0
    first_key: bytes = b""
    last_key: bytes = b""
    first_encoded: bytes = b""
    last_encoded: bytes = b""
    # (write keys, write records, default keys, default values): the entries ingest writes
    entries: tuple[list[bytes], list[bytes], list[bytes], list[bytes]] = ([], [], [], [])
    request_crc: int = 0  # zlib.crc32 of the request bytes
    request_len: int = 0


def _records(batch: BatchColumns, enc_keys: list[bytes]) -> tuple[list[bytes], list[int]]:
    """Write records and the indexes of Puts with long values."""
    limit = mvcc.SHORT_VALUE_MAX_LEN
    ts = batch.commit_ts
    values = batch.values
    if batch.ops is None:
        records = bulk.put_records(ts, values)
        if max(map(len, values)) <= limit:
            return records, []
        return records, [i for i, v in enumerate(values) if len(v) > limit]
    delete = mvcc.delete_record(ts)
    records = []
    long_idx = []
    for i, (op, value) in enumerate(zip(batch.ops, values, strict=True)):
        if op != 0:
            records.append(delete)
            continue
        records.append(mvcc.put_record(ts, value))
        if len(value) > limit:
            long_idx.append(i)
    return records, long_idx


def encode_batch(batch: BatchColumns) -> EncodedBatch:
    """The staged form of ``batch``, or an ``EncodedBatch`` carrying only an error."""
    if batch.commit_ts == 0:
        return EncodedBatch("InvalidChunk: commit_ts is 0")
    keys = batch.keys
    if not keys:
        return EncodedBatch(None)
    if not all(map(lt, keys, islice(keys, 1, None))):
        bad = next(b for a, b in pairwise(keys) if not a < b)
        return EncodedBatch(f"Keys must be added in strict ascending order: {bad.hex()}")
    suffix = encode_uint_desc(batch.commit_ts)
    enc_keys = bulk.encode_keys(keys, mvcc.WRITE_CF, suffix)
    records, long_idx = _records(batch, enc_keys)
    default_keys: list[bytes] = []
    default_values: list[bytes] = []
    long_size = 0
    if long_idx:
        picked = [False] * len(keys)
        for i in long_idx:
            picked[i] = True
        default_keys = [mvcc.DEFAULT_CF + k[1:] for k in compress(enc_keys, picked)]
        default_values = list(compress(batch.values, picked))
        long_size = sum(map(len, compress(keys, picked))) + sum(map(len, default_values))
    tail = -len(suffix)
    return EncodedBatch(
        None,
        kvs=len(keys),
        size=sum(map(len, keys)) + sum(map(len, batch.values)),
        long_kvs=len(default_keys),
        long_size=long_size,
        first_key=keys[0],
        last_key=keys[-1],
        first_encoded=enc_keys[0][1:tail],
        last_encoded=enc_keys[-1][1:tail],
        entries=(enc_keys, records, default_keys, default_values),
    )


def encode_request(data: bytes) -> EncodedBatch:
    """``encode_batch`` of a serialized ``WriteRequest`` that must carry a batch."""
    batch = wire.decode_request(data).batch
    if batch is None:
        return EncodedBatch("InvalidChunk: expected a batch")
    return replace(encode_batch(batch), request_crc=zlib.crc32(data), request_len=len(data))


class _Slot:
    """One cached batch: its request bytes and, once computed, its result."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.done = threading.Event()
        self.result: EncodedBatch | None = None


class BatchCache:
    """Recent ``EncodedBatch`` results by (SST uuid, seq in the stream), shared by the stores of
    one cluster. The first peer to ask computes; peers asking meanwhile wait for its result."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self._max = max_bytes
        self._lock = threading.Lock()
        self._slots: OrderedDict[tuple[bytes, int], _Slot] = OrderedDict()
        self._bytes = 0

    def encoded(
        self, uuid: bytes, seq: int, data: bytes, compute: Callable[[bytes], EncodedBatch]
    ) -> EncodedBatch:
        """``compute(data)``, or the result a peer computed for equal bytes at (uuid, seq)."""
        key = (uuid, seq)
        with self._lock:
            slot = self._slots.get(key)
            owner = slot is None
            if slot is None:
                slot = self._slots[key] = _Slot(data)
                self._bytes += 2 * len(data)  # the bytes and, about as big, the entries
                while self._bytes > self._max and len(self._slots) > 1:
                    _, gone = self._slots.popitem(last=False)
                    self._bytes -= 2 * len(gone.data)
        if owner:
            try:
                slot.result = compute(data)
            finally:
                slot.done.set()
            return slot.result
        if slot.data != data:
            return compute(data)  # other bytes under the same name
        slot.done.wait()
        return slot.result if slot.result is not None else compute(data)
