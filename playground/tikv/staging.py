"""SST files a store received through ``ImportSST.Write`` and has not ingested yet.

A Write stream stages its batches in one file under ``data_dir/tikv-N/import``; it is named, as
in TiKV, by uuid, region id and epoch, and holds both CFs (``write`` always, ``default`` when a
value is longer than the short-value limit) as the MVCC entries ingest writes, one
length-prefixed frame per batch (``playground.tikv.write_batch``); its ``crc32`` is the CRC32
of the frames' (CRC32, length) pairs, so each frame is CRC'd once for all peers. Ingesting a CF
consumes that part; a file with no part left, one older than the TTL, and every file present at
start-up are deleted (so the frames' format need not outlive the process).
"""

from __future__ import annotations

import shutil
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from playground.tikv.write_batch import EncodedBatch, decode_frame
from protos import import_sstpb_pb2

CF_WRITE = "write"
CF_DEFAULT = "default"
CF_NAMES = (CF_DEFAULT, CF_WRITE)
_FRAME = struct.Struct(">I")
_FRAME_CRC = struct.Struct(">II")


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

    def file_name(self) -> str:
        return f"{self.uuid.hex()}_{self.region_id}_{self.conf_ver}_{self.version}.sst"


@dataclass
class StagedSst:
    """One staged file and which CFs of it are still waiting for an ingest."""

    id: SstId
    path: Path
    pending: set[str]
    created: float
    meta: import_sstpb_pb2.SSTMeta
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    crc32: int = 0
    length: int = 0


class SstWriter:
    """Appends the batches of one Write stream; ``finish`` registers the file."""

    def __init__(self, staging: Staging, meta: import_sstpb_pb2.SSTMeta) -> None:
        self._staging = staging
        self._meta = meta
        self._id = SstId.of(meta)
        self._path = staging.dir / (self._id.file_name() + ".tmp")
        self._file: BinaryIO = open(self._path, "wb")  # noqa: SIM115 - closed in finish/abort
        self._crc = 0
        self._length = 0
        self._kvs = {CF_WRITE: 0, CF_DEFAULT: 0}
        self._bytes = {CF_WRITE: 0, CF_DEFAULT: 0}

    def add(self, batch: EncodedBatch) -> None:
        """Appends one encoded batch (its frame, length-prefixed)."""
        head = _FRAME.pack(len(batch.frame))
        self._file.write(head)
        self._file.write(batch.frame)
        self._crc = zlib.crc32(_FRAME_CRC.pack(batch.frame_crc, len(batch.frame)), self._crc)
        self._length += len(head) + len(batch.frame)
        self._kvs[CF_WRITE] += batch.kvs
        self._bytes[CF_WRITE] += batch.size
        self._kvs[CF_DEFAULT] += batch.long_kvs
        self._bytes[CF_DEFAULT] += batch.long_size

    def finish(self) -> list[import_sstpb_pb2.SSTMeta]:
        """Registers the staged file; returns one SSTMeta per non-empty CF."""
        self._file.close()
        if self._kvs[CF_WRITE] == 0:
            self._path.unlink(missing_ok=True)
            return []
        final = self._path.with_suffix("")
        self._path.replace(final)
        cfs = {cf for cf in CF_NAMES if self._kvs[cf]}
        sst = StagedSst(
            id=self._id,
            path=final,
            pending=cfs,
            created=time.monotonic(),
            meta=self._meta,
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
        self._file.close()
        self._path.unlink(missing_ok=True)


def staged_entries(path: Path, cf: str) -> tuple[list[bytes], list[bytes]]:
    """(keys, values) of the LevelDB entries ingesting ``cf`` of a staged file writes."""
    data = path.read_bytes()
    keys: list[bytes] = []
    values: list[bytes] = []
    pos = 0
    while pos < len(data):
        (n,) = _FRAME.unpack_from(data, pos)
        pos += _FRAME.size
        write_keys, records, default_keys, default_values = decode_frame(data[pos : pos + n])
        pos += n
        if cf == CF_WRITE:
            keys += write_keys
            values += records
        else:
            keys += default_keys
            values += default_values
    return keys, values


class Staging:
    """The staged SSTs of one store, by id."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        self._lock = threading.Lock()
        self._ssts: dict[SstId, StagedSst] = {}

    def writer(self, meta: import_sstpb_pb2.SSTMeta) -> SstWriter:
        return SstWriter(self, meta)

    def register(self, sst: StagedSst) -> None:
        with self._lock:
            old = self._ssts.pop(sst.id, None)
            self._ssts[sst.id] = sst
        if old is not None and old.path != sst.path:
            old.path.unlink(missing_ok=True)

    def find(self, meta: import_sstpb_pb2.SSTMeta) -> StagedSst | None:
        """The staged file ``meta`` names, if the CF it names is still pending."""
        with self._lock:
            sst = self._ssts.get(SstId.of(meta))
            if sst is None or meta.cf_name not in sst.pending:
                return None
            return sst

    def consume(self, meta: import_sstpb_pb2.SSTMeta) -> None:
        """Marks ``meta``'s CF ingested; deletes the file when nothing is left."""
        with self._lock:
            sid = SstId.of(meta)
            sst = self._ssts.get(sid)
            if sst is None:
                return
            sst.pending.discard(meta.cf_name)
            if sst.pending:
                return
            del self._ssts[sid]
        sst.path.unlink(missing_ok=True)

    def expire(self, ttl_seconds: float) -> int:
        """Drops files staged longer than ``ttl_seconds`` ago; returns how many."""
        now = time.monotonic()
        with self._lock:
            old = [s for s in self._ssts.values() if now - s.created > ttl_seconds]
            for s in old:
                del self._ssts[s.id]
        for s in old:
            s.path.unlink(missing_ok=True)
        return len(old)

    def count(self) -> int:
        with self._lock:
            return len(self._ssts)
