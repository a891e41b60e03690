"""Reading a ``{db}.{table}-schema.sql`` file far enough to plan: the table name and columns.

Planning happens before the tables exist in TiDB, so the row-ID estimate needs the column count
from the schema file. This is not a SQL parser: it finds the ``CREATE TABLE`` statement (after
any ``SET`` statements and comments), splits its definition list at top-level commas (strings,
quoted names, comments and parentheses respected) and keeps the entries that define columns,
not keys or constraints.

Public API: ``CreateTable``, ``parse_create_table``, ``count_columns``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from encoder.source.errors import ScanError

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      |(?P<comment>/\*.*?\*/|--[ \t][^\n]*|\#[^\n]*)
      |(?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
      |(?P<quoted>`(?:[^`]|``)*`)
      |(?P<word>[0-9A-Za-z_$\u0080-\U0010ffff]+)
      |(?P<punct>.)""",
    re.VERBOSE | re.DOTALL,
)
_NOT_COLUMNS = frozenset(
    {
        "PRIMARY",
        "KEY",
        "INDEX",
        "UNIQUE",
        "CONSTRAINT",
        "FULLTEXT",
        "SPATIAL",
        "FOREIGN",
        "CHECK",
        "PERIOD",
    }
)


@dataclass(frozen=True)
class CreateTable:
    """What planning needs from a CREATE TABLE statement."""

    database: str | None
    table: str
    columns: tuple[str, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append((kind, m.group()))
    return out


def _name(tok: tuple[str, str]) -> str:
    kind, text = tok
    if kind == "quoted":
        return text[1:-1].replace("``", "`")
    if kind == "string":
        return text[1:-1]
    return text


def parse_create_table(sql: bytes | str, path: str = "<schema>") -> CreateTable:
    """The first ``CREATE TABLE`` in ``sql``; ``ScanError`` naming ``path`` if there is none."""
    text = sql.decode("utf-8", "surrogateescape") if isinstance(sql, bytes) else sql
    toks = _tokens(text)
    i = 0
    n = len(toks)

    def word(j: int) -> str:
        return toks[j][1].upper() if j < n and toks[j][0] == "word" else ""

    while i < n:
        if word(i) == "CREATE":
            j = i + 1
            if word(j) in ("TEMPORARY", "OR"):
                j += 1 if word(j) == "TEMPORARY" else 2
            if word(j) == "TABLE":
                j += 1
                if word(j) == "IF":
                    j += 3
                break
        i += 1
    else:
        raise ScanError(path, "no CREATE TABLE statement")
    if j >= n:
        raise ScanError(path, "CREATE TABLE without a name")
    database: str | None = None
    table = _name(toks[j])
    j += 1
    if j + 1 < n and toks[j] == ("punct", "."):
        database, table = table, _name(toks[j + 1])
        j += 2
    if j >= n or toks[j] != ("punct", "("):
        raise ScanError(path, "CREATE TABLE without a column list")
    columns: list[str] = []
    depth = 0
    start = True
    for kind, tok in toks[j + 1 :]:
        if kind == "punct" and tok == "(":
            depth += 1
        elif kind == "punct" and tok == ")":
            if depth == 0:
                return CreateTable(database, table, tuple(columns))
            depth -= 1
        elif kind == "punct" and tok == "," and depth == 0:
            start = True
            continue
        if start:
            start = False
            if kind == "quoted" or (kind == "word" and tok.upper() not in _NOT_COLUMNS):
                columns.append(_name((kind, tok)))
    raise ScanError(path, "unterminated CREATE TABLE column list")


def count_columns(sql: bytes | str, path: str = "<schema>") -> int:
    """Number of columns the ``CREATE TABLE`` in ``sql`` defines."""
    return len(parse_create_table(sql, path).columns)
