"""One store's data: a LevelDB holding TiKV's write and default CFs, read at a snapshot ts."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from itertools import repeat, starmap
from operator import add
from pathlib import Path
from typing import Any

import plyvel

from playground.errors import PlaygroundError
from playground.tikv import mvcc, visible
from tidbkv.checksum import KVChecksum, crc64_xor
from tidbkv.codec import decode_bytes


class MissingValue(PlaygroundError):
    """A write record points at a default-CF value that is not there (only half an SST ingested)."""

    def __init__(self, raw_key: bytes, start_ts: int) -> None:
        super().__init__(f"key {raw_key.hex()} at {start_ts}: default CF value missing")
        self.raw_key = raw_key
        self.start_ts = start_ts


# Snappy costs more CPU than anything else an ingest does here (it halved ingest CPU to drop
# it); bigger memtables and files mean fewer flushes and compactions of sorted ingests.
LEVELDB_OPTIONS: dict[str, Any] = {
    "compression": None,
    "write_buffer_size": 32 << 20,
    "max_file_size": 32 << 20,
}


def _cf_bounds(cf: bytes, enc_start: bytes, enc_end: bytes) -> tuple[bytes, bytes]:
    return cf + enc_start, (cf + enc_end) if enc_end else mvcc.CF_END[cf]


class MvccReads:
    """MVCC reads over a LevelDB or one of its snapshots (``_db``)."""

    _db: Any

    def _value(self, enc: bytes, rec: bytes) -> bytes | None:
        parsed = mvcc.parse_record(rec)
        if parsed.kind != mvcc.PUT:
            return None
        if parsed.short_value is not None:
            return parsed.short_value
        value: bytes | None = self._db.get(mvcc.DEFAULT_CF + mvcc.mvcc_key(enc, parsed.start_ts))
        if value is None:
            raise MissingValue(decode_bytes(enc)[0], parsed.start_ts)
        return value

    def get(self, raw_key: bytes, ts: int) -> bytes | None:
        """The value of ``raw_key`` visible at ``ts`` (None if absent or deleted)."""
        enc = mvcc.encoded(raw_key)
        start = mvcc.WRITE_CF + mvcc.mvcc_key(enc, ts)
        stop = mvcc.WRITE_CF + mvcc.mvcc_key(enc, 0)
        for _, rec in self._db.iterator(start=start, stop=stop, include_stop=True):
            return self._value(enc, rec)
        return None

    def _visible(
        self, enc_start: bytes, enc_end: bytes, ts: int, chunk: int
    ) -> Generator[visible.Pairs, None, None]:
        lo, hi = _cf_bounds(mvcc.WRITE_CF, enc_start, enc_end)
        with contextlib.closing(self._db.iterator(start=lo, stop=hi)) as it:
            yield from visible.visible(it, ts, self._value, chunk)

    def scan(
        self, start: bytes, end: bytes, ts: int, limit: int = 0, key_only: bool = False
    ) -> list[tuple[bytes, bytes]]:
        """Visible ``(raw_key, value)`` pairs with ``start <= key < end`` (end b"" = +inf)."""
        enc_start = mvcc.encoded(start) if start else b""
        enc_end = mvcc.encoded(end) if end else b""
        out: list[tuple[bytes, bytes]] = []
        # Chunks no bigger than the pairs still wanted (an entry yields at most one pair).
        want = limit or visible.CHUNK
        chunks = self._visible(enc_start, enc_end, ts, min(want, visible.CHUNK))
        with contextlib.closing(chunks):
            for raws, values in chunks:
                out += zip(raws, repeat(b"") if key_only else values, strict=False)
                if limit and len(out) >= limit:
                    del out[limit:]
                    break
        return out

    def checksum(
        self, enc_start: bytes, enc_end: bytes, ts: int, chunk: int = visible.CHUNK
    ) -> KVChecksum:
        """Checksum of the pairs visible at ``ts`` in the encoded key range (end b"" = +inf),
        taken ``chunk`` entries at a time: per pair the CRC-64/XZ of ``raw_key + value``,
        XOR-ed (``tidbkv.checksum``), with the count and the summed lengths."""
        acc = KVChecksum()
        chunks = self._visible(enc_start, enc_end, ts, chunk)
        with contextlib.closing(chunks):
            for raws, values in chunks:
                acc.checksum ^= crc64_xor(list(map(add, raws, values)))
                acc.kvs += len(raws)
                acc.bytes += sum(map(len, raws)) + sum(map(len, values))
        return acc


class Snapshot(MvccReads):
    """A consistent view of a store's data as of its creation; ``close`` releases it."""

    def __init__(self, db: plyvel.DB) -> None:
        self._db = db.snapshot()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreEngine(MvccReads):
    """MVCC reads and atomic batch writes over one LevelDB (``data_dir/tikv-N/db``)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._db = plyvel.DB(str(path), create_if_missing=True, **LEVELDB_OPTIONS)

    def close(self) -> None:
        self._db.close()

    def snapshot(self) -> Snapshot:
        return Snapshot(self._db)

    def write(self, puts: Iterable[tuple[bytes, bytes]], deletes: Iterable[bytes] = ()) -> None:
        """Applies raw LevelDB puts and deletes in one atomic batch."""
        with self._db.write_batch(sync=False) as wb:
            deque(map(wb.delete, deletes), maxlen=0)
            deque(starmap(wb.put, puts), maxlen=0)

    def prepare(self, columns: Iterable[tuple[list[bytes], list[bytes]]]) -> PreparedWrite:
        """A batch of puts given as (keys, values) columns, to ``apply`` later in one step."""
        wb = self._db.write_batch(sync=False)
        for keys, values in columns:
            deque(map(wb.put, keys, values), maxlen=0)
        return PreparedWrite(wb)

    # -- region data moves -------------------------------------------------------------------

    def export_range(self, enc_start: bytes, enc_end: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Every stored entry (both CFs, all versions) of the encoded key range."""
        for cf in (mvcc.WRITE_CF, mvcc.DEFAULT_CF):
            lo, hi = _cf_bounds(cf, enc_start, enc_end)
            yield from self._db.iterator(start=lo, stop=hi)

    def range_keys(self, enc_start: bytes, enc_end: bytes) -> list[bytes]:
        """Every stored entry's key (both CFs, all versions) in the encoded key range."""
        out: list[bytes] = []
        for cf in (mvcc.WRITE_CF, mvcc.DEFAULT_CF):
            lo, hi = _cf_bounds(cf, enc_start, enc_end)
            out.extend(self._db.iterator(start=lo, stop=hi, include_value=False))
        return out

    def is_empty(self) -> bool:
        with contextlib.closing(self._db.iterator(include_value=False)) as it:
            return next(it, None) is None


class PreparedWrite:
    """Puts collected in a LevelDB write batch (filled outside the region lock); ``apply``
    writes them atomically, ``discard`` drops them."""

    def __init__(self, batch: Any) -> None:
        self._batch = batch

    def apply(self) -> None:
        self._batch.write()

    def discard(self) -> None:
        self._batch.clear()
