"""Persisted cluster metadata (what etcd holds for real PD): ids, TSO window, regions."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import plyvel


class MetaStore:
    """A small LevelDB of metadata keys; every write is synced so a crash loses nothing."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._db = plyvel.DB(str(path), create_if_missing=True)
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._db.get(key)
        return value

    def put(self, key: bytes, value: bytes) -> None:
        self._db.put(key, value, sync=True)

    def write(self, puts: Mapping[bytes, bytes], deletes: tuple[bytes, ...] = ()) -> None:
        """Applies ``puts`` and ``deletes`` atomically."""
        with self._db.write_batch(sync=True) as wb:
            for k in deletes:
                wb.delete(k)
            for k, v in puts.items():
                wb.put(k, v)

    def scan_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        it: Iterator[tuple[bytes, bytes]] = self._db.iterator(prefix=prefix)
        yield from it

    def next_counter(self, key: bytes, count: int = 1, start: int = 1) -> int:
        """Adds ``count`` to the persisted counter ``key``; returns the first of the new values."""
        with self._lock:
            raw = self._db.get(key)
            first = int(raw) if raw is not None else start
            self._db.put(key, str(first + count).encode(), sync=True)
            return first

    def close(self) -> None:
        self._db.close()
