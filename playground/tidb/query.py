"""SELECT: rows decoded from the stores, evaluated by an in-memory SQLite.

The statement is parsed with sqlglot (MySQL dialect); every table it names is loaded into a
fresh SQLite database (user tables: the record range read through the stores and decoded with
``tidbkv.decoder``; ``mysql.tidb`` and a few ``information_schema`` tables: from the catalog);
session parameters and information functions are replaced by literals; the statement is
transpiled to SQLite and run; result columns are typed from the source columns so the MySQL
client sees ints, DECIMALs, dates, strings and bytes as MySQL would send them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from playground.errors import PlaygroundError
from playground.tidb.sqlite_types import (
    DIV_PRECISION_INCREMENT,
    OutType,
    connect,
    infer_from_value,
    out_type,
    sqlite_decl,
    to_sqlite,
    to_wire,
)
from tidbkv import mysqltypes as m
from tidbkv.schema import FieldType

TEXT = FieldType(m.TYPE_VARCHAR, 0, 255, 0, "utf8mb4", "utf8mb4_bin")
BIGINT = FieldType(m.TYPE_LONGLONG, 0, 20, 0, "binary", "binary")


class QueryError(PlaygroundError):
    """A SELECT that cannot be run; ``code`` is the MySQL error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Source:
    """A table as the query sees it: column names and types, and its rows."""

    columns: list[tuple[str, FieldType]]
    rows: Iterable[Sequence[object]]


@dataclass
class QueryResult:
    names: list[str]
    types: list[OutType]
    rows: list[tuple[object, ...]]


SourceResolver = Callable[[str | None, str], Source]


def _literal(value: object) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


class QueryEngine:
    """Runs one SELECT given a resolver from (db, table) to a ``Source``."""

    def __init__(self, resolve: SourceResolver, variables: Callable[[str], object]) -> None:
        self._resolve = resolve
        self._variable = variables

    def run(self, sql: str, functions: dict[str, object]) -> QueryResult:
        try:
            tree = sqlglot.parse_one(sql, read="mysql")
        except sqlglot.errors.ParseError as exc:
            raise QueryError(1064, f"You have an error in your SQL syntax: {exc}") from None
        if not isinstance(tree, exp.Query):
            raise QueryError(1105, "only SELECT statements can be run here")
        tree = self._replace_specials(tree, functions)
        conn = connect()
        try:
            scopes = self._load_tables(conn, tree)
            if isinstance(tree, exp.Select):
                self._expand_stars(tree, scopes)
            names, types = self._describe(tree, scopes)
            text = tree.sql(dialect="sqlite")
            try:
                cur = conn.execute(text)
            except sqlite3.Error as exc:
                raise QueryError(1105, f"query failed: {exc}") from None
            raw = cur.fetchall()
            if len(names) != len(cur.description or ()):
                names = [d[0] for d in cur.description or ()]
                types = [None] * len(names)
            final: list[OutType] = []
            for i, t in enumerate(types):
                if t is None:
                    sample = next((r[i] for r in raw if r[i] is not None), None)
                    t = infer_from_value(sample)
                final.append(t)
            rows = [tuple(to_wire(v, final[i]) for i, v in enumerate(r)) for r in raw]
            return QueryResult(names, final, rows)
        finally:
            conn.close()

    # -- rewriting -------------------------------------------------------------------------

    def _replace_specials(self, tree: exp.Query, functions: dict[str, object]) -> exp.Query:
        def visit(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.SessionParameter):
                return _literal(self._variable(node.name))
            if isinstance(node, exp.CurrentVersion):
                return _literal(functions.get("version"))
            if isinstance(node, exp.CurrentSchema):
                return _literal(functions.get("database"))
            if isinstance(node, (exp.CurrentUser,)):
                return _literal(functions.get("current_user"))
            if isinstance(node, exp.Anonymous) and node.name.lower() in functions:
                return _literal(functions[node.name.lower()])
            return node

        # Name unaliased projections first, from the SQL the user wrote.
        if isinstance(tree, exp.Select):
            for i, proj in enumerate(tree.expressions):
                if not isinstance(proj, (exp.Alias, exp.Column, exp.Star)):
                    tree.expressions[i] = exp.alias_(proj, _display_name(proj), quoted=True)
        out = tree.transform(visit)
        assert isinstance(out, exp.Query)
        return out

    def _load_tables(self, conn: sqlite3.Connection, tree: exp.Query) -> dict[str, Source]:
        """Creates and fills a SQLite table per referenced table; returns sources by alias."""
        scopes: dict[str, Source] = {}
        loaded: dict[tuple[str | None, str], str] = {}
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        for table in list(tree.find_all(exp.Table)):
            if not table.name or (not table.db and table.name.lower() in ctes):
                continue
            key = (table.db or None, table.name)
            source = self._resolve(key[0], key[1])
            sqlite_name = loaded.get((key[0].lower() if key[0] else None, key[1].lower()))
            if sqlite_name is None:
                sqlite_name = f"__t{len(loaded)}"
                loaded[(key[0].lower() if key[0] else None, key[1].lower())] = sqlite_name
                cols = ", ".join(f'"{n}" {sqlite_decl(ft)}' for n, ft in source.columns)
                conn.execute(f'CREATE TABLE "{sqlite_name}" ({cols})')
                marks = ", ".join("?" for _ in source.columns)
                types = [ft for _, ft in source.columns]
                conn.executemany(
                    f'INSERT INTO "{sqlite_name}" VALUES ({marks})',
                    (tuple(to_sqlite(v, types[i]) for i, v in enumerate(r)) for r in source.rows),
                )
            alias = table.alias_or_name
            scopes[alias.lower()] = source
            table.set("this", exp.to_identifier(sqlite_name, quoted=True))
            table.set("db", None)
            table.set("catalog", None)
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        return scopes

    def _expand_stars(self, select: exp.Select, scopes: dict[str, Source]) -> None:
        order: list[str] = []
        from_ = select.args.get("from_")
        tables = ([from_.this] if from_ is not None else []) + [
            j.this for j in select.args.get("joins") or []
        ]
        for t in tables:
            if isinstance(t, exp.Table):
                order.append(t.alias_or_name.lower())
        out: list[exp.Expression] = []
        for proj in select.expressions:
            if isinstance(proj, exp.Star):
                names = order
            elif isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star):
                names = [proj.table.lower()]
            else:
                out.append(proj)
                continue
            for alias in names:
                src = scopes.get(alias)
                if src is None:
                    raise QueryError(1051, f"Unknown table '{alias}'")
                for col, _ in src.columns:
                    out.append(exp.column(col, table=alias, quoted=True))
        select.set("expressions", out)

    # -- typing ----------------------------------------------------------------------------

    def _describe(
        self, tree: exp.Query, scopes: dict[str, Source]
    ) -> tuple[list[str], list[OutType | None]]:
        select = tree if isinstance(tree, exp.Select) else next(tree.find_all(exp.Select), None)
        if select is None:
            return [], []
        names: list[str] = []
        types: list[OutType | None] = []
        for proj in select.expressions:
            names.append(proj.alias_or_name)
            types.append(self._infer(proj, scopes))
        return names, types

    def _column_type(self, col: exp.Column, scopes: dict[str, Source]) -> FieldType | None:
        name = col.name.lower()
        candidates = (
            [scopes[col.table.lower()]]
            if col.table and col.table.lower() in scopes
            else (list(scopes.values()))
        )
        for src in candidates:
            for n, ft in src.columns:
                if n.lower() == name:
                    return ft
        return None

    def _infer(self, node: Any, scopes: dict[str, Source]) -> OutType | None:
        if isinstance(node, (exp.Alias, exp.Paren)):
            return self._infer(node.this, scopes)
        if isinstance(node, exp.Column):
            ft = self._column_type(node, scopes)
            return out_type(ft) if ft is not None else None
        if isinstance(node, exp.Count):
            return OutType(m.TYPE_LONGLONG)
        if isinstance(node, (exp.Min, exp.Max)):
            return self._infer(node.this, scopes)
        if isinstance(node, (exp.Sum, exp.Avg)):
            arg = self._infer(node.this, scopes)
            if arg is None or arg.tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE) or arg.tp in m.STRING_TYPES:
                return OutType(m.TYPE_DOUBLE)
            scale = max(arg.scale, 0) if arg.tp == m.TYPE_NEWDECIMAL else 0
            if isinstance(node, exp.Avg):
                scale += DIV_PRECISION_INCREMENT
            return OutType(m.TYPE_NEWDECIMAL, scale=scale)
        if isinstance(node, exp.Literal):
            if node.is_string:
                return OutType(m.TYPE_VAR_STRING)
            return OutType(m.TYPE_NEWDECIMAL if "." in node.this else m.TYPE_LONGLONG)
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
            left = self._infer(node.left, scopes)
            right = self._infer(node.right, scopes)
            if left is None or right is None:
                return None
            kinds = {left.tp, right.tp}
            if kinds & {m.TYPE_FLOAT, m.TYPE_DOUBLE}:
                return OutType(m.TYPE_DOUBLE)
            if kinds <= m.INTEGER_TYPES:
                return OutType(m.TYPE_LONGLONG)
            return None
        return None


def _display_name(node: exp.Expression) -> str:
    if isinstance(node, exp.SessionParameter):
        kind = node.args.get("kind")
        return f"@@{kind}.{node.name}" if kind else f"@@{node.name}"
    if isinstance(node, exp.CurrentVersion):
        return "VERSION()"
    if isinstance(node, exp.CurrentSchema):
        return "DATABASE()"
    if isinstance(node, exp.Anonymous):
        args = ", ".join(a.sql(dialect="mysql") for a in node.expressions)
        return f"{node.name}({args})"
    if isinstance(node, exp.Literal) and node.is_string:
        return str(node.this)
    return node.sql(dialect="mysql")
