"""TiDB's SQL port (pymysql): the statements an import needs, errors translated once here.

A lost or refused connection is a retryable ``TidbError`` (code 0 or the client error number,
e.g. 2003 can't connect, 2013 lost connection) and the next call reconnects; a statement TiDB
rejects is a ``TidbError`` with the server's error number and message.

Public API: ``TidbSQL``, ``TableState``, ``quote_name``, ``split_statements``,
``ER_DB_CREATE_EXISTS``, ``ER_TABLE_EXISTS``.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Sequence
from typing import Any

import pymysql
import sqlparse

from encoder.errors import TidbError
from tidbkv.checksum import KVChecksum

ER_DB_CREATE_EXISTS = 1007
ER_TABLE_EXISTS = 1050
ER_BAD_DB = 1049
ER_NO_SUCH_TABLE = 1146
CONNECT_TIMEOUT_S = 10
# Client-side error numbers that mean "the connection is gone": worth reconnecting.
_CONNECTION_ERRORS = frozenset({0, 2003, 2006, 2013, 2055})


class TableState(enum.StrEnum):
    """What the target holds under a table's name."""

    ABSENT = "absent"
    EMPTY = "empty"
    NOT_EMPTY = "not empty"


def quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def split_statements(sql: str) -> list[str]:
    """The non-empty statements of a schema file (comments and strings respected)."""
    out = []
    for stmt in sqlparse.split(sql):
        s = stmt.strip().rstrip(";").strip()
        if s:
            out.append(s)
    return out


class TidbSQL:
    """One lazily (re)connected session to TiDB's SQL port."""

    def __init__(self, host: str, port: int, user: str, password: str) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self._conn: Any = None

    # -- plumbing ------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self._conn is None:
            try:
                self._conn = pymysql.connect(
                    host=self.host,
                    port=self.port,
                    user=self.user,
                    password=self.password,
                    charset="utf8mb4",
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S,
                )
            except pymysql.Error as exc:
                raise self._translate(f"connect {self.host}:{self.port}", exc) from exc
        return self._conn

    def _translate(self, what: str, exc: pymysql.Error) -> TidbError:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        message = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
        lost = isinstance(exc, pymysql.err.OperationalError | pymysql.err.InterfaceError) and (
            code in _CONNECTION_ERRORS
        )
        if lost:
            self.close()
        return TidbError(what, code, message, retryable=lost)

    def query(self, sql: str, args: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Runs one statement; returns its rows (empty for statements without a result)."""
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return list(cur.fetchall())
        except pymysql.Error as exc:
            raise self._translate(sql if len(sql) < 120 else sql[:117] + "...", exc) from exc

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(pymysql.Error):
                conn.close()

    # -- what an import asks -------------------------------------------------------------

    def version(self) -> str:
        return str(self.query("SELECT version()")[0][0])

    def variable(self, name: str) -> str | None:
        rows = self.query("SHOW VARIABLES LIKE %s", (name,))
        return str(rows[0][1]) if rows else None

    def new_collation_enabled(self) -> bool:
        rows = self.query(
            "SELECT VARIABLE_VALUE FROM mysql.tidb WHERE VARIABLE_NAME = 'new_collation_enabled'"
        )
        return bool(rows) and str(rows[0][0]).lower() in ("true", "1", "on")

    def table_state(self, db: str, table: str) -> TableState:
        try:
            rows = self.query(f"SHOW TABLES FROM {quote_name(db)} LIKE %s", (table,))
        except TidbError as exc:
            if exc.code == ER_BAD_DB:
                return TableState.ABSENT
            raise
        if not any(str(r[0]).lower() == table.lower() for r in rows):
            return TableState.ABSENT
        sql = f"SELECT 1 FROM {quote_name(db)}.{quote_name(table)} LIMIT 1"
        return TableState.NOT_EMPTY if self.query(sql) else TableState.EMPTY

    def run_statements(self, statements: Sequence[str], db: str | None = None) -> None:
        """Runs schema statements in order (after ``USE db``); "already exists" is fine."""
        if db is not None:
            self.query(f"USE {quote_name(db)}")
        for stmt in statements:
            try:
                self.query(stmt)
            except TidbError as exc:
                if exc.code not in (ER_DB_CREATE_EXISTS, ER_TABLE_EXISTS):
                    raise

    def checksum_table(self, db: str, table: str) -> KVChecksum:
        """``ADMIN CHECKSUM TABLE``: (Checksum_crc64_xor, Total_kvs, Total_bytes)."""
        rows = self.query(f"ADMIN CHECKSUM TABLE {quote_name(db)}.{quote_name(table)}")
        if not rows:
            raise TidbError("ADMIN CHECKSUM TABLE", 0, f"no result for `{db}`.`{table}`")
        _db, _table, crc, kvs, nbytes = rows[0][:5]
        return KVChecksum(int(crc), int(kvs), int(nbytes))

    def rebase_auto_increment(self, db: str, table: str, next_id: int) -> None:
        self.query(f"ALTER TABLE {quote_name(db)}.{quote_name(table)} AUTO_INCREMENT={next_id}")

    def rebase_auto_random(self, db: str, table: str, next_id: int) -> None:
        self.query(f"ALTER TABLE {quote_name(db)}.{quote_name(table)} AUTO_RANDOM_BASE={next_id}")

    def analyze(self, db: str, table: str) -> None:
        self.query(f"ANALYZE TABLE {quote_name(db)}.{quote_name(table)}")
