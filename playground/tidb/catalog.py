"""The TiDB catalog: databases and their TableInfos, persisted as JSON in the data dir.

Schema and table ids come from one increasing allocator (TiDB's global id), persisted with the
catalog, so ids are unique across databases and never reused after a restart.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from playground.errors import PlaygroundError
from playground.tidb import charsets
from tidbkv.schema import TableInfo

FIRST_GLOBAL_ID = 100
# Schemas every TiDB has; they cannot be created or dropped and hold no importable tables.
SYSTEM_SCHEMAS = ("INFORMATION_SCHEMA", "METRICS_SCHEMA", "PERFORMANCE_SCHEMA", "mysql", "sys")
DEFAULT_SCHEMAS = ("test",)
DEFAULT_TIDB_VARS = {
    "bootstrapped": "True",
    "tidb_server_version": "218",
    "system_tz": "UTC",
    "tikv_gc_life_time": "10m0s",
    "tikv_gc_run_interval": "10m0s",
    "tikv_gc_enable": "true",
}


class CatalogError(PlaygroundError):
    """A catalog operation TiDB would refuse; ``code`` is the MySQL error number."""

    def __init__(self, code: int, message: str, db: str = "", table: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.db = db
        self.table = table


# MySQL error numbers TiDB answers with.
ER_DB_CREATE_EXISTS = 1007
ER_DB_DROP_EXISTS = 1008
ER_BAD_DB = 1049
ER_TABLE_EXISTS = 1050
ER_BAD_TABLE = 1051
ER_NO_SUCH_TABLE = 1146
ER_NO_DB = 1046


@dataclass
class Database:
    id: int
    name: str
    charset: str = charsets.DEFAULT_CHARSET
    collate: str = charsets.DEFAULT_COLLATION
    tables: dict[str, TableInfo] = field(default_factory=dict)


class Catalog:
    """Databases by lower-case name; every change is written to ``path`` before returning."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.RLock()
        self._dbs: dict[str, Database] = {}
        self._next_id = FIRST_GLOBAL_ID
        self.tidb_vars: dict[str, str] = dict(DEFAULT_TIDB_VARS)
        if path.exists():
            self._load(json.loads(path.read_text(encoding="utf-8")))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            for name in DEFAULT_SCHEMAS:
                self._dbs[name.lower()] = Database(self._alloc(), name)
            self._save()

    # -- persistence -----------------------------------------------------------------------

    def _load(self, doc: dict[str, Any]) -> None:
        self._next_id = int(doc["next_id"])
        self.tidb_vars.update(doc.get("tidb_vars", {}))
        for d in doc["databases"]:
            db = Database(d["id"], d["name"], d["charset"], d["collate"])
            for t in d["tables"]:
                info = TableInfo.from_json(t)
                db.tables[info.name.lower()] = info
            self._dbs[db.name.lower()] = db

    def _save(self) -> None:
        doc = {
            "next_id": self._next_id,
            "tidb_vars": self.tidb_vars,
            "databases": [
                {
                    "id": db.id,
                    "name": db.name,
                    "charset": db.charset,
                    "collate": db.collate,
                    "tables": [t.to_json() for t in db.tables.values()],
                }
                for db in self._dbs.values()
            ],
        }
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._path)

    def _alloc(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # -- databases -------------------------------------------------------------------------

    def databases(self) -> list[Database]:
        with self._lock:
            return list(self._dbs.values())

    def database(self, name: str) -> Database:
        with self._lock:
            db = self._dbs.get(name.lower())
            if db is None:
                raise CatalogError(ER_BAD_DB, f"Unknown database '{name}'", db=name)
            return db

    def has_database(self, name: str) -> bool:
        with self._lock:
            return name.lower() in self._dbs

    def create_database(
        self, name: str, charset: str | None, collate: str | None, if_not_exists: bool
    ) -> bool:
        """Creates a database; False if it existed and ``if_not_exists``."""
        with self._lock:
            if name.lower() in self._dbs or name.lower() in (s.lower() for s in SYSTEM_SCHEMAS):
                if if_not_exists:
                    return False
                raise CatalogError(
                    ER_DB_CREATE_EXISTS, f"Can't create database '{name}'; database exists", db=name
                )
            try:
                cs = charsets.resolve(charset, collate) or (
                    charsets.DEFAULT_CHARSET,
                    charsets.DEFAULT_COLLATION,
                )
            except charsets.UnknownCharset as exc:
                raise CatalogError(1115, f"Unknown character set: '{exc}'", db=name) from None
            self._dbs[name.lower()] = Database(self._alloc(), name, cs[0], cs[1])
            self._save()
            return True

    def drop_database(self, name: str, if_exists: bool) -> bool:
        with self._lock:
            if name.lower() not in self._dbs:
                if if_exists:
                    return False
                raise CatalogError(
                    ER_DB_DROP_EXISTS,
                    f"Can't drop database '{name}'; database doesn't exist",
                    db=name,
                )
            del self._dbs[name.lower()]
            self._save()
            return True

    # -- tables ----------------------------------------------------------------------------

    def table(self, db: str, name: str) -> TableInfo:
        with self._lock:
            info = self.database(db).tables.get(name.lower())
            if info is None:
                raise CatalogError(
                    ER_NO_SUCH_TABLE, f"Table '{db}.{name}' doesn't exist", db=db, table=name
                )
            return info

    def tables(self, db: str) -> list[TableInfo]:
        with self._lock:
            return list(self.database(db).tables.values())

    def create_table(
        self, db: str, name: str, build: Callable[[int, Database], TableInfo], if_not_exists: bool
    ) -> TableInfo | None:
        """Creates a table from ``build(new_id, database)``; None if it existed (if_not_exists)."""
        with self._lock:
            database = self.database(db)
            existing = database.tables.get(name.lower())
            if existing is not None:
                if if_not_exists:
                    return None
                raise CatalogError(
                    ER_TABLE_EXISTS, f"Table '{database.name}.{name}' already exists", db, name
                )
            table_id = self._next_id
            info = build(table_id, database)
            self._next_id = table_id + 1
            database.tables[name.lower()] = info
            self._save()
            return info

    def drop_table(self, db: str, name: str, if_exists: bool) -> bool:
        with self._lock:
            database = self.database(db)
            if name.lower() not in database.tables:
                if if_exists:
                    return False
                raise CatalogError(ER_BAD_TABLE, f"Unknown table '{db}.{name}'", db, name)
            del database.tables[name.lower()]
            self._save()
            return True

    def rebase(self, db: str, name: str, auto_inc: int | None, auto_rand: int | None) -> TableInfo:
        """ALTER TABLE ... AUTO_INCREMENT / AUTO_RANDOM_BASE: only ever moves the base up."""
        with self._lock:
            info = self.table(db, name)
            if auto_inc is not None and auto_inc > info.auto_inc_id:
                info = replace(info, auto_inc_id=auto_inc)
            if auto_rand is not None and auto_rand > info.auto_rand_id:
                info = replace(info, auto_rand_id=auto_rand)
            self.database(db).tables[name.lower()] = info
            self._save()
            return info

    def set_tidb_var(self, name: str, value: str) -> None:
        with self._lock:
            self.tidb_vars[name] = value
            self._save()
