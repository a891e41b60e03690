"""The importer's meta database: one SQLite file in the data dir, shared by engine and job state.

SQLite in WAL mode with ``synchronous=NORMAL``: a committed transaction survives a killed
process. One connection guarded by a lock; callers run short transactions through
``transaction()``. sqlite3 errors are translated to ``StorageError`` here.

Public API: ``MetaDB``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from importer.errors import StorageError

META_FILE = "meta.sqlite3"


class MetaDB:
    """A locked SQLite connection with transactional helpers."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / META_FILE
        self._lock = threading.RLock()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(str(self.path), f"cannot open meta db: {exc}") from exc

    def ensure_schema(self, statements: Sequence[str]) -> None:
        """Runs ``CREATE TABLE IF NOT EXISTS ...`` statements."""
        with self.transaction() as cur:
            for stmt in statements:
                cur.execute(stmt)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """A cursor inside ``BEGIN IMMEDIATE ... COMMIT`` (rolled back on error)."""
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StorageError(str(self.path), str(exc)) from exc
            finally:
                cur.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of one read-only statement."""
        with self._lock:
            try:
                return list(self._conn.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise StorageError(str(self.path), str(exc)) from exc

    @property
    def lock(self) -> threading.RLock:
        """Held by ``transaction``; callers may hold it across a read-modify-write."""
        return self._lock

    def close(self) -> None:
        with self._lock:
            self._conn.close()
