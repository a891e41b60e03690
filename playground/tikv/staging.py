"""SSTs a store received through ``ImportSST.Write`` and has not ingested yet.

A Write stream stages its batches as one SST, named as in TiKV by uuid, region id and epoch,
holding both CFs (``write`` always, ``default`` when a value is longer than the short-value
limit) as the MVCC entries ingest writes (``playground.tikv.write_batch``). Ingesting a CF
consumes that part; an SST with no part left or older than the TTL is dropped.

TiKV keeps staged SSTs in files; the playground keeps them in memory, since they never outlive
the process anyway (TiKV, and the playground before, deleted every staged file at start-up) and
writing, reading back and deleting a file per peer cost more than the rest of a Write. The
peers of a region that received equal bytes hold the same encoded batches (``BatchCache``), so
a staged region costs its size once. An SST's ``crc32`` is the CRC32 of its batches' request
CRC32s and lengths, its ``length`` the summed request lengths.
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from playground.tikv.write_batch import EncodedBatch
from protos import import_sstpb_pb2

CF_WRITE = "write"
CF_DEFAULT = "default"
CF_NAMES = (CF_DEFAULT, CF_WRITE)
_BATCH_CRC = struct.Struct(">II")


@dataclass(frozen=True)
class SstId:
    """What TiKV names an SST file by: uuid, region id, epoch."""

    uuid: bytes
    region_id: int
    conf_ver: int
    version: int

    @classmethod
    def of(cls, meta: import_sstpb_pb2.SSTMeta) -> SstId:
        epoch = meta.region_epoch
        return cls(meta.uuid, meta.region_id, epoch.conf_ver, epoch.version)


@dataclass
class StagedSst:
    """One staged SST and which CFs of it are still waiting for an ingest."""

    id: SstId
    pending: set[str]
    created: float
    meta: import_sstpb_pb2.SSTMeta
    batches: list[EncodedBatch]
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    crc32: int = 0
    length: int = 0

    def entries(self, cf: str) -> Iterator[tuple[list[bytes], list[bytes]]]:
        """(keys, values) columns of the LevelDB entries ingesting ``cf`` writes."""
        for batch in self.batches:
            write_keys, records, default_keys, default_values = batch.entries
            if cf == CF_WRITE:
                yield write_keys, records
            elif default_keys:
                yield default_keys, default_values


class SstWriter:
    """Collects the batches of one Write stream; ``finish`` registers the SST."""

    def __init__(self, staging: Staging, meta: import_sstpb_pb2.SSTMeta) -> None:
        self._staging = staging
        self._meta = meta
        self._batches: list[EncodedBatch] = []
        self._crc = 0
        self._length = 0
        self._kvs = {CF_WRITE: 0, CF_DEFAULT: 0}
        self._bytes = {CF_WRITE: 0, CF_DEFAULT: 0}

    def add(self, batch: EncodedBatch) -> None:
        """Appends one encoded batch."""
        self._batches.append(batch)
        self._crc = zlib.crc32(_BATCH_CRC.pack(batch.request_crc, batch.request_len), self._crc)
        self._length += batch.request_len
        self._kvs[CF_WRITE] += batch.kvs
        self._bytes[CF_WRITE] += batch.size
        self._kvs[CF_DEFAULT] += batch.long_kvs
        self._bytes[CF_DEFAULT] += batch.long_size

    def finish(self) -> list[import_sstpb_pb2.SSTMeta]:
        """Registers the staged SST; returns one SSTMeta per non-empty CF."""
        if self._kvs[CF_WRITE] == 0:
            return []
        cfs = {cf for cf in CF_NAMES if self._kvs[cf]}
        sst = StagedSst(
            id=SstId.of(self._meta),
            pending=cfs,
            created=time.monotonic(),
            meta=self._meta,
            batches=self._batches,
            stats={cf: (self._kvs[cf], self._bytes[cf]) for cf in cfs},
            crc32=self._crc,
            length=self._length,
        )
        self._staging.register(sst)
        metas = []
        for cf in CF_NAMES:
            if cf not in cfs:
                continue
            m = import_sstpb_pb2.SSTMeta()
            m.CopyFrom(self._meta)
            m.cf_name = cf
            m.length = self._length
            m.crc32 = self._crc
            m.total_kvs, m.total_bytes = sst.stats[cf]
            metas.append(m)
        return metas

    def abort(self) -> None:
        self._batches = []


class Staging:
    """The staged SSTs of one store, by id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ssts: dict[SstId, StagedSst] = {}

    def writer(self, meta: import_sstpb_pb2.SSTMeta) -> SstWriter:
        return SstWriter(self, meta)

    def register(self, sst: StagedSst) -> None:
        with self._lock:
            self._ssts[sst.id] = sst

    def find(self, meta: import_sstpb_pb2.SSTMeta) -> StagedSst | None:
        """The staged SST ``meta`` names, if the CF it names is still pending."""
        with self._lock:
            sst = self._ssts.get(SstId.of(meta))
            if sst is None or meta.cf_name not in sst.pending:
                return None
            return sst

    def consume(self, meta: import_sstpb_pb2.SSTMeta) -> None:
        """Marks ``meta``'s CF ingested; drops the SST when nothing is left."""
        with self._lock:
            sid = SstId.of(meta)
            sst = self._ssts.get(sid)
            if sst is None:
                return
            sst.pending.discard(meta.cf_name)
            if not sst.pending:
                del self._ssts[sid]

    def expire(self, ttl_seconds: float) -> int:
        """Drops SSTs staged longer than ``ttl_seconds`` ago; returns how many."""
        now = time.monotonic()
        with self._lock:
            old = [s for s in self._ssts.values() if now - s.created > ttl_seconds]
            for s in old:
                del self._ssts[s.id]
        return len(old)

    def count(self) -> int:
        with self._lock:
            return len(self._ssts)
