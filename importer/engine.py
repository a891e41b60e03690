"""One engine: a LevelDB (plyvel) holding raw key -> value, tuned for bulk writes.

Writes are LevelDB write batches applied atomically: ``batch()`` hands out the batch's ``put``
for a caller that streams pairs straight from its source (the WriteEngine hot path), ``write``
takes a list, sorts it and writes it. Keys are the raw TiDB keys the encoder sent; re-delivering
the same pairs is idempotent. Empty keys are refused (TiKV cannot hold them and ``b""`` means
"unbounded" in every range here). LevelDB appends every batch to its log before returning, so
a write that returned survives a killed process.

Memory: each LevelDB keeps a memtable of up to ``write_buffer_size`` (two while one is being
written out). ``flush`` writes the memtable out as a table file and frees it; ``memory_usage``
is LevelDB's estimate of the memtables and block cache. ``importer.membudget`` uses both to
keep all engines within one budget. ``close`` waits for a running ``flush`` (a lock), so a
flush never touches a closed handle.

Sorting a run before it reaches LevelDB was measured (``bench/importer.py`` era, 1M shuffled
19-byte-key pairs, 100k/250k-pair sorted runs): at most ~10 % less CPU, within noise on this
2-core machine, while materializing a run costs ~0.8 µs per pair in Python. So the server
writes each received batch directly; the large write buffer does the sorting.

Public API: ``EngineOptions``, ``Engine``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import plyvel

from importer.errors import InvalidRequest, StorageError

Pair = tuple[bytes, bytes]
_KEY = itemgetter(0)
_VALUE = itemgetter(1)
# ``flush`` compacts this key range: it holds no key an engine can have except b"\x00" itself,
# so LevelDB only writes the memtable out (CompactRange always flushes the memtable first,
# through the same writer queue as every write, so concurrent writers are safe; it also waits
# for a background compaction already running).
_FLUSH_RANGE = (b"\x00", b"\x00")
_MEMORY_PROPERTY = b"leveldb.approximate-memory-usage"


@dataclass(frozen=True)
class EngineOptions:
    """LevelDB tuning (``[engine]`` in the config)."""

    write_buffer_size: int = 64 << 20
    max_file_size: int = 64 << 20
    block_cache_size: int = 8 << 20
    compression: str = "snappy"


class Engine:
    """A LevelDB directory of raw key -> value pairs."""

    def __init__(self, path: Path, options: EngineOptions, *, create: bool) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = plyvel.DB(
                str(path),
                create_if_missing=create,
                write_buffer_size=options.write_buffer_size,
                max_file_size=options.max_file_size,
                lru_cache_size=options.block_cache_size,
                compression=None if options.compression == "none" else options.compression,
                paranoid_checks=False,
            )
        except plyvel.Error as exc:
            raise StorageError(str(path), f"cannot open engine: {exc}") from exc

    @contextmanager
    def batch(self) -> Iterator[Callable[[bytes, bytes], None]]:
        """``put`` of one write batch, applied when the block ends (discarded on an error)."""
        try:
            with self._db.write_batch(transaction=True) as batch:
                yield batch.put
        except plyvel.Error as exc:
            raise StorageError(str(self.path), f"write failed: {exc}") from exc

    def write(self, pairs: list[Pair]) -> int:
        """Sorts ``pairs`` in place by key, writes them as one batch; returns their bytes."""
        if not pairs:
            return 0
        pairs.sort(key=_KEY)
        if not pairs[0][0]:
            raise InvalidRequest("key", "empty keys cannot be imported")
        try:
            with self._db.write_batch(transaction=True) as batch:
                put = batch.put
                for key, value in pairs:
                    put(key, value)
        except plyvel.Error as exc:
            raise StorageError(str(self.path), f"write failed: {exc}") from exc
        return sum(map(len, map(_KEY, pairs))) + sum(map(len, map(_VALUE, pairs)))

    def iterate(self, start: bytes = b"", end: bytes = b"") -> Iterator[Pair]:
        """Pairs with ``start <= key < end`` (empty ``end`` = to the last key), in key order."""
        it = self._db.iterator(start=start or None, stop=end or None, fill_cache=False)
        with it:
            yield from it

    def first_key(self, start: bytes = b"", end: bytes = b"") -> bytes | None:
        """The smallest key in ``[start, end)``, or None if the range is empty."""
        with self._db.iterator(
            start=start or None, stop=end or None, include_value=False, fill_cache=False
        ) as it:
            for key in it:
                return bytes(key)
        return None

    def last_key(self, start: bytes = b"", end: bytes = b"") -> bytes | None:
        """The largest key in ``[start, end)``, or None if the range is empty."""
        # A raw iterator: plyvel's reverse iterator misses ``start`` when it is the only key
        # below ``stop`` (e.g. ``[b"b", b"c")`` over keys a..d yields nothing).
        it = self._db.raw_iterator(fill_cache=False)
        try:
            if end:
                it.seek(end)
                if it.valid():
                    it.prev()
                else:
                    it.seek_to_last()
            else:
                it.seek_to_last()
            if not it.valid():
                return None
            key = bytes(it.key())
            return key if key >= start else None
        finally:
            it.close()

    def approximate_size(self, start: bytes = b"", end: bytes = b"") -> int:
        """LevelDB's on-disk size estimate of ``[start, end)``."""
        if not end:
            end = b"\xff" * 64
        return int(self._db.approximate_size(start, end))

    def memory_usage(self) -> int:
        """LevelDB's estimate of the bytes its memtables and block cache hold (0 if closed)."""
        with self._lock:
            if self._db.closed:
                return 0
            value = self._db.get_property(_MEMORY_PROPERTY)
        return int(value) if value else 0

    def flush(self) -> None:
        """Writes the memtable out to a table file and frees it (a no-op once closed)."""
        with self._lock:
            if self._db.closed:
                return
            # LevelDB's CompactRange reports no status (plyvel releases the GIL for it and
            # returns nothing): a memtable that could not be written out stays LevelDB's
            # background error, which the next write or read of this engine raises.
            try:
                self._db.compact_range(start=_FLUSH_RANGE[0], stop=_FLUSH_RANGE[1])
            except (plyvel.Error, RuntimeError) as exc:
                raise StorageError(str(self.path), f"flush failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if not self._db.closed:
                self._db.close()

    @property
    def closed(self) -> bool:
        return bool(self._db.closed)
