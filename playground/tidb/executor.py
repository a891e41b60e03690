"""Runs the SQL a session sends: DDL, USE, SHOW, SET, SELECT, ADMIN CHECKSUM, ALTER, ANALYZE.

``Executor.execute(state, sql)`` returns a ``QueryResult`` for statements with a result set and
None for the others; failures raise ``SqlError`` carrying the MySQL error number TiDB uses.
TiDB-only statements (ADMIN CHECKSUM TABLE, SHOW CREATE TABLE, the ``/*T! ... */`` comments)
are recognised from the raw SQL; SELECT goes to ``query.QueryEngine``.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from playground.errors import PlaygroundError
from playground.reader import KvReader
from playground.tidb import checksum, ddl_parser
from playground.tidb.catalog import ER_NO_DB, SYSTEM_SCHEMAS, Catalog, CatalogError
from playground.tidb.ddl_parser import Cursor, SqlSyntaxError
from playground.tidb.query import BIGINT, TEXT, QueryEngine, QueryError, QueryResult, Source
from playground.tidb.show_create import show_create_database, show_create_table, type_text
from playground.tidb.sqlite_types import OutType
from playground.tidb.sqltext import Tok, tokens
from playground.tidb.table_builder import DDLError, build_table
from playground.tidb.variables import (
    SERVER_VERSION,
    ServerSettings,
    global_variables,
    like_regex,
    tidb_version_text,
)
from tidbkv import keys
from tidbkv import mysqltypes as m
from tidbkv.schema import FieldType, TableInfo

log = structlog.get_logger("playground.tidb")

ER_PARSE = 1064
ER_UNKNOWN = 1105
ER_NOT_SUPPORTED = 1235
_STR = OutType(m.TYPE_VAR_STRING)
_INT = OutType(m.TYPE_LONGLONG)
_UPDATE_TIDB = re.compile(
    r"^\s*UPDATE\s+`?mysql`?\s*\.\s*`?tidb`?\s+SET\s+`?VARIABLE_VALUE`?\s*=\s*'((?:[^']|'')*)'"
    r"\s+WHERE\s+`?VARIABLE_NAME`?\s*=\s*'((?:[^']|'')*)'\s*$",
    re.I | re.S,
)


class SqlError(PlaygroundError):
    """A statement failed; ``code`` is the MySQL error number sent to the client."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class SessionState:
    """Per-connection state: current database and session variables."""

    db: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    connection_id: int = 0


def _result(
    names: list[str], rows: Sequence[Sequence[object]], types: list[OutType] | None = None
) -> QueryResult:
    return QueryResult(
        names,
        types or [_STR] * len(names),
        [tuple(None if v is None else str(v) for v in r) for r in rows],
    )


class Executor:
    """Statement dispatch over the catalog and the stores."""

    def __init__(self, catalog: Catalog, reader: KvReader, settings: ServerSettings) -> None:
        self.catalog = catalog
        self.reader = reader
        self.settings = settings
        self.globals = global_variables(settings)
        self._lock = threading.Lock()
        self.analyzed: dict[tuple[str, str], int] = {}

    # -- entry -----------------------------------------------------------------------------

    def execute(self, state: SessionState, sql: str) -> QueryResult | None:
        try:
            return self._execute(state, sql)
        except CatalogError as exc:
            raise SqlError(exc.code, str(exc)) from exc
        except DDLError as exc:
            raise SqlError(ER_UNKNOWN, str(exc)) from exc
        except SqlSyntaxError as exc:
            raise SqlError(ER_PARSE, str(exc)) from exc
        except QueryError as exc:
            raise SqlError(exc.code, str(exc)) from exc

    def _execute(self, state: SessionState, sql: str) -> QueryResult | None:
        toks = tokens(sql)
        if not toks:
            raise SqlError(1065, "Query was empty")
        first = toks[0].upper if toks[0].kind == "word" else toks[0].value
        second = toks[1].upper if len(toks) > 1 and toks[1].kind == "word" else ""
        if first in ("CREATE", "DROP"):
            self._ddl(state, sql)
            return None
        if first == "ALTER":
            self._alter(state, sql)
            return None
        if first == "USE":
            self.use(state, Cursor(toks[1:]).name())
            return None
        if first == "SHOW":
            return self._show(state, toks[1:])
        if first == "SET":
            self._set(state, toks[1:])
            return None
        if first == "ADMIN" and second == "CHECKSUM":
            return self._admin_checksum(state, toks[2:])
        if first == "ANALYZE":
            self._analyze(state, toks[1:])
            return None
        if first in ("SELECT", "WITH", "(") or first == "TABLE":
            return self._select(state, sql)
        if (
            first in ("DESC", "DESCRIBE", "EXPLAIN")
            and len(toks) > 1
            and toks[1].kind in ("word", "ident")
            and second not in ("SELECT", "FORMAT", "ANALYZE")
        ):
            return self._show_columns(state, Cursor(toks[1:]).qualified_name())
        if first == "UPDATE":
            m_ = _UPDATE_TIDB.match(sql)
            if m_:
                self.catalog.set_tidb_var(
                    m_.group(2).replace("''", "'"), m_.group(1).replace("''", "'")
                )
                return None
        if first in ("BEGIN", "COMMIT", "ROLLBACK", "START", "FLUSH", "LOCK", "UNLOCK", "DO"):
            return None
        if first in ("INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD", "TRUNCATE"):
            raise SqlError(
                ER_NOT_SUPPORTED,
                f"{first} is not supported by the playground TiDB: import data through the importer",
            )
        raise SqlError(
            ER_PARSE,
            f"You have an error in your SQL syntax; unsupported statement near '{sql[:40]}'",
        )

    def use(self, state: SessionState, db: str) -> None:
        state.db = self.catalog.database(db).name

    def _db(self, state: SessionState, db: str | None) -> str:
        if db:
            return db
        if state.db is None:
            raise SqlError(ER_NO_DB, "No database selected")
        return state.db

    # -- DDL -------------------------------------------------------------------------------

    def _ddl(self, state: SessionState, sql: str) -> None:
        stmt = ddl_parser.parse(sql)
        if isinstance(stmt, ddl_parser.CreateDatabase):
            self.catalog.create_database(stmt.name, stmt.charset, stmt.collate, stmt.if_not_exists)
            log.info("database created", db=stmt.name)
        elif isinstance(stmt, ddl_parser.CreateTable):
            db = self._db(state, stmt.db)
            if stmt.like is not None:
                src = self.catalog.table(self._db(state, stmt.like[0]), stmt.like[1])

                def build_like(table_id: int, _db: Any) -> TableInfo:
                    return _renamed(src, table_id, stmt.name)

                self.catalog.create_table(db, stmt.name, build_like, stmt.if_not_exists)
            else:
                created = stmt

                def build(table_id: int, database: Any) -> TableInfo:
                    return build_table(created, table_id, database.charset, database.collate)

                self.catalog.create_table(db, stmt.name, build, stmt.if_not_exists)
            log.info("table created", db=db, table=stmt.name)
        elif isinstance(stmt, ddl_parser.Drop):
            if stmt.kind == "database":
                name = stmt.names[0][1]
                self.catalog.drop_database(name, stmt.if_exists)
                if state.db is not None and state.db.lower() == name.lower():
                    state.db = None
            else:
                for table_db, table in stmt.names:
                    self.catalog.drop_table(self._db(state, table_db), table, stmt.if_exists)
        else:
            raise SqlError(ER_PARSE, "unsupported DDL")

    def _alter(self, state: SessionState, sql: str) -> None:
        stmt = ddl_parser.parse(sql)
        if not isinstance(stmt, ddl_parser.AlterTable):
            raise SqlError(ER_PARSE, "unsupported ALTER")
        db = self._db(state, stmt.db)
        self.catalog.rebase(db, stmt.name, stmt.auto_increment, stmt.auto_random_base)

    def _analyze(self, state: SessionState, toks: list[Tok]) -> None:
        cur = Cursor(toks)
        cur.accept_word("NO_WRITE_TO_BINLOG", "LOCAL")
        cur.expect_word("TABLE")
        while True:
            db, name = cur.qualified_name()
            db = self._db(state, db)
            self.catalog.table(db, name)
            with self._lock:
                self.analyzed[(db.lower(), name.lower())] = (
                    self.analyzed.get((db.lower(), name.lower()), 0) + 1
                )
            if not cur.accept_punct(","):
                break

    # -- ADMIN CHECKSUM --------------------------------------------------------------------

    def _admin_checksum(self, state: SessionState, toks: list[Tok]) -> QueryResult:
        cur = Cursor(toks)
        cur.expect_word("TABLE")
        rows: list[tuple[object, ...]] = []
        while True:
            db, name = cur.qualified_name()
            db = self._db(state, db)
            table = self.catalog.table(db, name)
            result = checksum.checksum_table(self.reader, self.catalog.database(db).name, table)
            log.info("table checksummed", db=db, table=name, kvs=result.kvs)
            rows.append(result.row())
            if not cur.accept_punct(","):
                break
        types = [_STR, _STR, OutType(m.TYPE_LONGLONG), _INT, _INT]
        return QueryResult(list(checksum.COLUMNS), types, [tuple(str(v) for v in r) for r in rows])

    # -- SET -------------------------------------------------------------------------------

    def _set(self, state: SessionState, toks: list[Tok]) -> None:
        cur = Cursor(toks)
        while not cur.at_end():
            scope = cur.accept_word("GLOBAL", "SESSION", "LOCAL", "PERSIST")
            if cur.accept_word("NAMES"):
                charset = cur.name()
                state.variables["character_set_client"] = charset
                state.variables["character_set_connection"] = charset
                state.variables["character_set_results"] = charset
                if cur.accept_word("COLLATE"):
                    state.variables["collation_connection"] = cur.name()
            elif cur.accept_word("CHARACTER"):
                cur.expect_word("SET")
                state.variables["character_set_client"] = cur.name()
            elif cur.accept_word("TRANSACTION"):
                while not cur.at_end() and not (cur.peek() and cur.peek().is_punct(",")):  # type: ignore[union-attr]
                    cur.next()
            else:
                tok = cur.next()
                name = tok.value
                if tok.kind == "var":
                    name = name.lstrip("@")
                    for prefix in ("global.", "session.", "local."):
                        if name.lower().startswith(prefix):
                            scope = prefix[:-1].upper()
                            name = name[len(prefix) :]
                if cur.accept_punct("."):
                    scope = name.upper()
                    name = cur.name()
                if not (cur.accept_punct("=") or cur.accept_word(":=")):
                    raise cur.fail("expected '='")
                value = _set_value(cur)
                key = name.lower()
                if scope == "GLOBAL":
                    with self._lock:
                        self.globals[key] = value
                else:
                    state.variables[key] = value
            if not cur.accept_punct(","):
                break

    def variable(self, state: SessionState, name: str) -> str | None:
        key = name.lower()
        for prefix in ("global.", "session.", "local."):
            if key.startswith(prefix):
                key = key[len(prefix) :]
        if key in state.variables:
            return state.variables[key]
        return self.globals.get(key)

    # -- SHOW ------------------------------------------------------------------------------

    def _show(self, state: SessionState, toks: list[Tok]) -> QueryResult:
        cur = Cursor(toks)
        full = bool(cur.accept_word("FULL"))
        scope = cur.accept_word("GLOBAL", "SESSION")
        what = cur.expect_word(
            "DATABASES",
            "SCHEMAS",
            "TABLES",
            "CREATE",
            "VARIABLES",
            "STATUS",
            "WARNINGS",
            "ERRORS",
            "COLUMNS",
            "FIELDS",
            "ENGINES",
            "COLLATION",
            "CHARACTER",
            "CHARSET",
        )
        if what in ("DATABASES", "SCHEMAS"):
            names = list(SYSTEM_SCHEMAS) + [d.name for d in self.catalog.databases()]
            return _result(["Database"], [(n,) for n in sorted(_filter(cur, names), key=str.lower)])
        if what == "TABLES":
            db = state.db
            if cur.accept_word("FROM", "IN"):
                db = cur.name()
            db = self._db(state, db)
            names = [t.name for t in self.catalog.tables(db)]
            rows = sorted(_filter(cur, names), key=str.lower)
            if full:
                return _result([f"Tables_in_{db}", "Table_type"], [(n, "BASE TABLE") for n in rows])
            return _result([f"Tables_in_{db}"], [(n,) for n in rows])
        if what == "CREATE":
            kind = cur.expect_word("TABLE", "DATABASE", "SCHEMA")
            if kind == "TABLE":
                db, name = cur.qualified_name()
                table = self.catalog.table(self._db(state, db), name)
                return _result(["Table", "Create Table"], [(table.name, show_create_table(table))])
            if cur.accept_word("IF"):
                cur.expect_word("NOT")
                cur.expect_word("EXISTS")
            database = self.catalog.database(cur.name())
            text = show_create_database(database.name, database.charset, database.collate)
            return _result(["Database", "Create Database"], [(database.name, text)])
        if what == "VARIABLES":
            merged = dict(self.globals)
            if scope != "GLOBAL":
                merged.update(state.variables)
            names = _filter(cur, list(merged))
            return _result(["Variable_name", "Value"], [(n, merged[n]) for n in sorted(names)])
        if what in ("COLUMNS", "FIELDS"):
            cur.expect_word("FROM", "IN")
            db, name = cur.qualified_name()
            if cur.accept_word("FROM", "IN"):
                db = cur.name()
            return self._show_columns(state, (db, name))
        if what in ("STATUS",):
            return _result(["Variable_name", "Value"], [])
        if what in ("WARNINGS", "ERRORS"):
            return _result(["Level", "Code", "Message"], [])
        if what == "ENGINES":
            return _result(
                ["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"],
                [("InnoDB", "DEFAULT", "Supports transactions", "YES", "YES", "YES")],
            )
        raise SqlError(ER_NOT_SUPPORTED, f"SHOW {what} is not supported by the playground")

    def _show_columns(self, state: SessionState, name: tuple[str | None, str]) -> QueryResult:
        table = self.catalog.table(self._db(state, name[0]), name[1])
        rows = []
        for col in table.columns:
            ft = col.field_type
            key = (
                "PRI"
                if ft.flag & m.PRI_KEY_FLAG
                else "UNI"
                if ft.flag & m.UNIQUE_KEY_FLAG
                else ("MUL" if ft.flag & m.MULTIPLE_KEY_FLAG else "")
            )
            extra = "auto_increment" if ft.flag & m.AUTO_INCREMENT_FLAG else ""
            rows.append(
                (col.name, type_text(ft), "NO" if ft.not_null else "YES", key, col.default, extra)
            )
        return _result(["Field", "Type", "Null", "Key", "Default", "Extra"], rows)

    # -- SELECT ----------------------------------------------------------------------------

    def _select(self, state: SessionState, sql: str) -> QueryResult:
        functions: dict[str, object] = {
            "version": SERVER_VERSION,
            "tidb_version": tidb_version_text(),
            "database": state.db,
            "schema": state.db,
            "current_user": f"{state.user}@%",
            "user": f"{state.user}@127.0.0.1",
            "connection_id": state.connection_id,
        }
        engine = QueryEngine(
            lambda db, name: self._source(state, db, name), lambda n: self.variable(state, n)
        )
        return engine.run(sql, functions)

    def _source(self, state: SessionState, db: str | None, name: str) -> Source:
        low_db = (db or state.db or "").lower()
        if low_db == "mysql" and name.lower() == "tidb":
            rows = [(k, v, "") for k, v in self.catalog.tidb_vars.items()]
            rows.append(("new_collation_enabled", self.globals["new_collation_enabled"], ""))
            cols = [("VARIABLE_NAME", TEXT), ("VARIABLE_VALUE", TEXT), ("COMMENT", TEXT)]
            return Source(cols, rows)
        if low_db == "information_schema":
            return self._information_schema(name)
        real_db = self._db(state, db)
        table = self.catalog.table(real_db, name)
        return Source(_visible_columns(table), self._table_rows(table))

    def _table_rows(self, table: TableInfo) -> Iterator[tuple[object, ...]]:
        try:
            decoder_mod: Any = importlib.import_module("tidbkv.decoder")
        except ImportError as exc:
            raise QueryError(ER_NOT_SUPPORTED, "SELECT over tables needs tidbkv.decoder") from exc
        decoder = decoder_mod.RowDecoder(table, time_zone="UTC")
        names = [n for n, _ in _visible_columns(table)]
        start, end = keys.record_range(table.id)
        for key, value in self.reader.scan(start, end):
            row = decoder.decode_record(key, value)
            yield tuple(row.get(n) for n in names)

    def _information_schema(self, name: str) -> Source:
        low = name.lower()
        dbs = self.catalog.databases()
        if low == "schemata":
            cols = [
                ("CATALOG_NAME", TEXT),
                ("SCHEMA_NAME", TEXT),
                ("DEFAULT_CHARACTER_SET_NAME", TEXT),
                ("DEFAULT_COLLATION_NAME", TEXT),
            ]
            return Source(cols, [("def", d.name, d.charset, d.collate) for d in dbs])
        if low == "tables":
            cols = [
                ("TABLE_CATALOG", TEXT),
                ("TABLE_SCHEMA", TEXT),
                ("TABLE_NAME", TEXT),
                ("TABLE_TYPE", TEXT),
                ("AUTO_INCREMENT", BIGINT),
                ("TIDB_TABLE_ID", BIGINT),
            ]
            tables: list[tuple[object, ...]] = [
                ("def", d.name, t.name, "BASE TABLE", t.auto_inc_id or None, t.id)
                for d in dbs
                for t in d.tables.values()
            ]
            return Source(cols, tables)
        if low == "columns":
            cols = [
                ("TABLE_SCHEMA", TEXT),
                ("TABLE_NAME", TEXT),
                ("COLUMN_NAME", TEXT),
                ("ORDINAL_POSITION", BIGINT),
                ("COLUMN_DEFAULT", TEXT),
                ("IS_NULLABLE", TEXT),
                ("DATA_TYPE", TEXT),
                ("COLUMN_TYPE", TEXT),
            ]
            rows = [
                (
                    d.name,
                    t.name,
                    c.name,
                    c.offset + 1,
                    c.default,
                    "NO" if c.field_type.not_null else "YES",
                    m.type_name(c.field_type.tp),
                    type_text(c.field_type),
                )
                for d in dbs
                for t in d.tables.values()
                for c in t.columns
            ]
            return Source(cols, rows)
        raise SqlError(1109, f"Unknown table '{name}' in information_schema")


def _visible_columns(table: TableInfo) -> list[tuple[str, FieldType]]:
    return [
        (c.name, c.field_type)
        for c in sorted(table.columns, key=lambda c: c.offset)
        if c.state == m.STATE_PUBLIC and not c.hidden
    ]


def _renamed(src: TableInfo, table_id: int, name: str) -> TableInfo:
    from dataclasses import replace

    indices = tuple(replace(i, table_name=name) for i in src.indices)
    return replace(src, id=table_id, name=name, indices=indices, auto_inc_id=0, auto_rand_id=0)


def _set_value(cur: Cursor) -> str:
    tok = cur.next()
    if tok.is_punct("-") and cur.peek() is not None:
        return "-" + cur.next().value
    if tok.kind == "word" and cur.accept_punct("("):
        depth = 1
        while depth:
            t = cur.next()
            depth += 1 if t.is_punct("(") else -1 if t.is_punct(")") else 0
        return tok.value
    return tok.value


def _filter(cur: Cursor, names: list[str]) -> list[str]:
    """Applies ``LIKE 'pattern'`` or ``WHERE <name col> = / IN / LIKE`` to ``names``."""
    if cur.accept_word("LIKE"):
        rx = like_regex(cur.next().value)
        return [n for n in names if rx.match(n)]
    if cur.accept_word("WHERE"):
        rest = cur.toks[cur.pos :]
        values = [t.value for t in rest if t.kind == "string"]
        if any(t.is_word("LIKE") for t in rest):
            rxs = [like_regex(v) for v in values]
            return [n for n in names if any(rx.match(n) for rx in rxs)]
        wanted = {v.lower() for v in values}
        return [n for n in names if n.lower() in wanted]
    return names
