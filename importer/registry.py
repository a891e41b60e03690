"""The engine registry: every engine's lifecycle (open, write, close, import, cleanup).

State per engine uuid is kept in the meta DB so a restarted importer knows every engine:

    open --close--> closed --import--> importing --ok--> imported --import--> importing ...
                                                 \\--failed--> closed
    any state except importing (and open with a bound writer) --cleanup--> gone

An engine that was ``importing`` when the process died is ``closed`` again after a restart
(import is idempotent). Engines live in ``<import-dir>/engines/<canonical uuid>``; the uuid is
always 16 raw bytes, never a client-chosen path.

With a ``MemoryBudget`` the registry reports every write to it (which flushes memtables of
engines holding too much) and flushes each engine's memtable when it is closed.

Public API: ``EngineState``, ``EngineInfo``, ``EngineRegistry``, ``parse_uuid``.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import structlog

from importer.diskspace import DiskGuard
from importer.engine import Engine, EngineOptions
from importer.errors import (
    EngineClosed,
    EngineInUse,
    EngineNotFound,
    InvalidRequest,
    StorageError,
    TooManyOpenEngines,
)
from importer.membudget import MemoryBudget
from importer.metadb import MetaDB

log = structlog.get_logger("importer.registry")

ENGINES_DIR = "engines"
# Written counters are persisted at most this often while streams keep arriving.
COUNTER_FLUSH_INTERVAL_S = 2.0

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS engines (
        uuid TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        kvs INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        imports INTEGER NOT NULL DEFAULT 0,
        imported_kvs INTEGER NOT NULL DEFAULT 0,
        imported_bytes INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        updated REAL NOT NULL
    )""",
)


class EngineState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    IMPORTING = "importing"
    IMPORTED = "imported"


def parse_uuid(raw: bytes, field: str = "uuid") -> uuidlib.UUID:
    """The engine uuid of a request: exactly 16 raw bytes."""
    if len(raw) != 16:
        raise InvalidRequest(field, f"engine uuid must be 16 bytes, got {len(raw)}")
    return uuidlib.UUID(bytes=bytes(raw))


@dataclass(frozen=True)
class EngineInfo:
    """A snapshot of one engine's state and sizes."""

    uuid: bytes
    state: EngineState
    kvs: int
    bytes: int
    imports: int
    imported_kvs: int
    imported_bytes: int
    writers: int

    @property
    def uuid_text(self) -> str:
        return str(uuidlib.UUID(bytes=self.uuid))


class _Entry:
    __slots__ = (
        "bytes",
        "engine",
        "imported_bytes",
        "imported_kvs",
        "imports",
        "kvs",
        "state",
        "uuid",
        "writers",
    )

    def __init__(self, uuid: bytes, state: EngineState) -> None:
        self.uuid = uuid
        self.state = state
        self.kvs = 0
        self.bytes = 0
        self.imports = 0
        self.imported_kvs = 0
        self.imported_bytes = 0
        self.writers = 0
        self.engine: Engine | None = None

    def info(self) -> EngineInfo:
        return EngineInfo(
            self.uuid,
            self.state,
            self.kvs,
            self.bytes,
            self.imports,
            self.imported_kvs,
            self.imported_bytes,
            self.writers,
        )


class EngineRegistry:
    """Owns every engine under ``<data_dir>/engines`` and their persisted states."""

    def __init__(
        self,
        data_dir: Path,
        meta: MetaDB,
        options: EngineOptions,
        *,
        max_open_engines: int,
        disk: DiskGuard,
        budget: MemoryBudget | None = None,
    ) -> None:
        self.root = data_dir / ENGINES_DIR
        self.root.mkdir(parents=True, exist_ok=True)
        self._meta = meta
        self._options = options
        self._max_open = max_open_engines
        self._disk = disk
        self._budget = budget
        self._lock = threading.Lock()
        self._entries: dict[bytes, _Entry] = {}
        self._last_flush = time.monotonic()
        meta.ensure_schema(_SCHEMA)
        self._load()

    # ------------------------------------------------------------------------------ lifecycle

    def open(self, raw_uuid: bytes) -> bool:
        """Opens (creating if needed) an engine for writing; True if it was created."""
        uid = parse_uuid(raw_uuid)
        key = uid.bytes
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry.state is EngineState.OPEN:
                    return False
                raise EngineClosed(key, entry.state.value)
            open_count = sum(1 for e in self._entries.values() if e.state is EngineState.OPEN)
            if open_count >= self._max_open:
                raise TooManyOpenEngines(self._max_open)
            self._disk.check()
            entry = _Entry(key, EngineState.OPEN)
            # Directory first: a crash before the row exists leaves a directory that the
            # next OpenEngine of the same uuid simply reuses.
            entry.engine = Engine(self._dir(uid), self._options, create=True)
            now = time.time()
            try:
                with self._meta.transaction() as cur:
                    cur.execute(
                        "INSERT INTO engines (uuid, state, created, updated) VALUES (?, ?, ?, ?)",
                        (str(uid), entry.state.value, now, now),
                    )
            except BaseException:
                entry.engine.close()
                raise
            self._entries[key] = entry
        log.info("engine opened", uuid=str(uid))
        return True

    @contextmanager
    def writing(self, raw_uuid: bytes) -> Iterator[Engine]:
        """Binds a writer to an open engine for the duration of the block.

        Raises ``EngineNotFound`` if no engine with this uuid is open, ``DiskFull`` if the
        import dir is short of space.
        """
        key = parse_uuid(raw_uuid).bytes
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.state is not EngineState.OPEN or entry.engine is None:
                raise EngineNotFound(key)
            self._disk.check()
            entry.writers += 1
            engine = entry.engine
        try:
            yield engine
        finally:
            with self._lock:
                entry.writers -= 1
            self._maybe_flush_counters()

    def record_written(self, raw_uuid: bytes, kvs: int, nbytes: int) -> None:
        """Adds to the engine's written counters (persisted lazily) and to the memory budget."""
        with self._lock:
            entry = self._entries.get(bytes(raw_uuid))
            if entry is not None:
                entry.kvs += kvs
                entry.bytes += nbytes
        if self._budget is not None:
            self._budget.written(nbytes, self.live_engines)

    def live_engines(self) -> list[Engine]:
        """Every engine whose LevelDB is open (being written, closed or importing)."""
        with self._lock:
            return [e.engine for e in self._entries.values() if e.engine is not None]

    def close(self, raw_uuid: bytes) -> None:
        """Closes an open engine; closing a closed or imported engine again is a no-op."""
        uid = parse_uuid(raw_uuid)
        key = uid.bytes
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                raise EngineNotFound(key)
            if entry.state is not EngineState.OPEN:
                return
            if entry.writers:
                raise EngineInUse(key, f"written by {entry.writers} stream(s)", "close")
            entry.state = EngineState.CLOSED
            # The LevelDB handle stays open for the import that follows: reopening it would
            # replay its whole log into a new level-0 file first (about a third of a second
            # per 20 MB engine on the reference machine).
            self._persist(entry)
            engine = entry.engine
        if self._budget is not None and engine is not None:
            # Nothing is written any more: free the memtable before the import reads it.
            self._budget.flush_closed(engine)
        log.info("engine closed", uuid=str(uid), kvs=entry.kvs, bytes=entry.bytes)

    @contextmanager
    def importing(self, raw_uuid: bytes) -> Iterator[Engine]:
        """Holds a closed (or already imported) engine in state ``importing``.

        On normal exit the engine becomes ``imported``; on an exception it is ``closed``
        again so the import can be retried.
        """
        uid = parse_uuid(raw_uuid)
        key = uid.bytes
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                raise EngineNotFound(key)
            if entry.state in (EngineState.OPEN, EngineState.IMPORTING):
                raise EngineInUse(key, entry.state.value, "import")
            path = self._dir(uid)
            if not path.is_dir():
                raise StorageError(str(path), "engine directory is missing")
            entry.state = EngineState.IMPORTING
            self._persist(entry)
        ok = False
        engine: Engine | None = entry.engine
        try:
            if engine is None:
                engine = Engine(path, self._options, create=False)
            yield engine
            ok = True
        finally:
            if engine is not None:
                engine.close()
            with self._lock:
                entry.engine = None
                entry.state = EngineState.IMPORTED if ok else EngineState.CLOSED
                if ok:
                    entry.imports += 1
                self._persist(entry)

    def record_imported(self, raw_uuid: bytes, kvs: int, nbytes: int) -> None:
        """Remembers the exact size the last import found in the engine."""
        with self._lock:
            entry = self._entries.get(bytes(raw_uuid))
            if entry is not None:
                entry.imported_kvs = kvs
                entry.imported_bytes = nbytes

    def cleanup(self, raw_uuid: bytes) -> bool:
        """Deletes an engine and its data; True if something was deleted (idempotent)."""
        uid = parse_uuid(raw_uuid)
        key = uid.bytes
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry.state is EngineState.IMPORTING:
                    raise EngineInUse(key, "importing", "cleanup")
                if entry.writers:
                    raise EngineInUse(key, f"written by {entry.writers} stream(s)", "cleanup")
                engine, entry.engine = entry.engine, None
                if engine is not None:
                    engine.close()
                with self._meta.transaction() as cur:
                    cur.execute("DELETE FROM engines WHERE uuid = ?", (str(uid),))
                del self._entries[key]
            path = self._dir(uid)
            existed = path.exists()
            if existed:
                shutil.rmtree(path)
        if entry is not None or existed:
            log.info("engine cleaned up", uuid=str(uid))
        return entry is not None or existed

    # -------------------------------------------------------------------------------- queries

    def get(self, raw_uuid: bytes) -> EngineInfo | None:
        with self._lock:
            entry = self._entries.get(bytes(raw_uuid))
            return entry.info() if entry is not None else None

    def list(self) -> list[EngineInfo]:
        with self._lock:
            return [e.info() for e in self._entries.values()]

    def count_by_state(self) -> dict[EngineState, int]:
        counts = dict.fromkeys(EngineState, 0)
        with self._lock:
            for e in self._entries.values():
                counts[e.state] += 1
        return counts

    # ------------------------------------------------------------------------------- internal

    def _dir(self, uid: uuidlib.UUID) -> Path:
        return self.root / str(uid)

    def _persist(self, entry: _Entry) -> None:
        with self._meta.transaction() as cur:
            cur.execute(
                "UPDATE engines SET state = ?, kvs = ?, bytes = ?, imports = ?,"
                " imported_kvs = ?, imported_bytes = ?, updated = ? WHERE uuid = ?",
                (
                    entry.state.value,
                    entry.kvs,
                    entry.bytes,
                    entry.imports,
                    entry.imported_kvs,
                    entry.imported_bytes,
                    time.time(),
                    str(uuidlib.UUID(bytes=entry.uuid)),
                ),
            )

    def _maybe_flush_counters(self) -> None:
        now = time.monotonic()
        if now - self._last_flush < COUNTER_FLUSH_INTERVAL_S:
            return
        self.flush_counters()

    def flush_counters(self) -> None:
        """Persists every open engine's written counters."""
        with self._lock:
            self._last_flush = time.monotonic()
            for entry in self._entries.values():
                if entry.state is EngineState.OPEN:
                    self._persist(entry)

    def _load(self) -> None:
        rows = self._meta.query(
            "SELECT uuid, state, kvs, bytes, imports, imported_kvs, imported_bytes FROM engines"
        )
        for text, state, kvs, nbytes, imports, ikvs, ibytes in rows:
            uid = uuidlib.UUID(text)
            entry = _Entry(uid.bytes, EngineState(state))
            entry.kvs, entry.bytes, entry.imports = kvs, nbytes, imports
            entry.imported_kvs, entry.imported_bytes = ikvs, ibytes
            if entry.state is EngineState.IMPORTING:
                entry.state = EngineState.CLOSED
                self._persist(entry)
                log.warning("engine import interrupted", uuid=text)
            if entry.state is EngineState.OPEN:
                entry.engine = Engine(self._dir(uid), self._options, create=True)
            self._entries[entry.uuid] = entry
        if rows:
            log.info("engines restored", count=len(rows))

    def shutdown(self) -> None:
        """Persists counters and closes every LevelDB handle."""
        self.flush_counters()
        with self._lock:
            for entry in self._entries.values():
                if entry.engine is not None:
                    entry.engine.close()
                    entry.engine = None
