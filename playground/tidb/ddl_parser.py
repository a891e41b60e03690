"""Parses the DDL a dump contains (CREATE/DROP DATABASE and TABLE, ALTER TABLE auto ids).

The parser works on ``sqltext.tokens`` and produces plain statement objects; turning a
``CreateTable`` into TiDB's table model is ``table_builder``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.errors import PlaygroundError
from playground.tidb.sqltext import Tok, tokens


class SqlSyntaxError(PlaygroundError):
    """A statement the playground cannot parse."""

    def __init__(self, near: str, reason: str) -> None:
        super().__init__(f"You have an error in your SQL syntax; {reason} near '{near}'")
        self.near = near
        self.reason = reason


@dataclass(frozen=True)
class Literal:
    """A default value as written: kind ``null``, ``number``, ``string``, ``bytes``, ``expr``."""

    kind: str
    text: str = ""
    raw: bytes = b""


@dataclass
class ColumnDef:
    name: str
    type_name: str
    args: list[str] = field(default_factory=list)
    unsigned: bool = False
    zerofill: bool = False
    binary_attr: bool = False
    charset: str | None = None
    collate: str | None = None
    not_null: bool | None = None
    default: Literal | None = None
    auto_increment: bool = False
    primary: bool = False
    primary_clustered: bool | None = None
    unique: bool = False
    on_update: bool = False
    comment: str = ""
    generated: str = ""
    generated_stored: bool = False
    auto_random: tuple[int, int] | None = None


@dataclass
class IndexDef:
    kind: str  # primary | unique | index | fulltext | foreign
    name: str
    keys: list[tuple[str, int]]
    clustered: bool | None = None
    comment: str = ""
    invisible: bool = False
    using: str = ""


@dataclass
class CreateTable:
    db: str | None
    name: str
    if_not_exists: bool = False
    columns: list[ColumnDef] = field(default_factory=list)
    indexes: list[IndexDef] = field(default_factory=list)
    charset: str | None = None
    collate: str | None = None
    auto_increment: int | None = None
    auto_random_base: int | None = None
    shard_row_id_bits: int = 0
    pre_split_regions: int = 0
    comment: str = ""
    like: tuple[str | None, str] | None = None


@dataclass
class CreateDatabase:
    name: str
    if_not_exists: bool = False
    charset: str | None = None
    collate: str | None = None


@dataclass
class Drop:
    kind: str  # database | table
    names: list[tuple[str | None, str]]
    if_exists: bool = False


@dataclass
class AlterTable:
    db: str | None
    name: str
    auto_increment: int | None = None
    auto_random_base: int | None = None


class Cursor:
    """A position in a token list with accept / expect helpers."""

    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.pos = 0

    def peek(self, n: int = 0) -> Tok | None:
        i = self.pos + n
        return self.toks[i] if i < len(self.toks) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.toks)

    def next(self) -> Tok:
        tok = self.peek()
        if tok is None:
            raise SqlSyntaxError("", "unexpected end of statement")
        self.pos += 1
        return tok

    def near(self) -> str:
        return " ".join(t.value for t in self.toks[self.pos : self.pos + 6])

    def fail(self, reason: str) -> SqlSyntaxError:
        return SqlSyntaxError(self.near(), reason)

    def accept_word(self, *words: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok.is_word(*words):
            self.pos += 1
            return tok.upper
        return None

    def expect_word(self, *words: str) -> str:
        w = self.accept_word(*words)
        if w is None:
            raise self.fail(f"expected {' or '.join(words)}")
        return w

    def accept_punct(self, p: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.is_punct(p):
            self.pos += 1
            return True
        return False

    def expect_punct(self, p: str) -> None:
        if not self.accept_punct(p):
            raise self.fail(f"expected '{p}'")

    def name(self) -> str:
        tok = self.next()
        if tok.kind in ("word", "ident", "string"):
            return tok.value
        raise SqlSyntaxError(tok.value, "expected a name")

    def qualified_name(self) -> tuple[str | None, str]:
        first = self.name()
        if self.accept_punct("."):
            return first, self.name()
        return None, first

    def integer(self) -> int:
        tok = self.next()
        if tok.kind != "number":
            raise SqlSyntaxError(tok.value, "expected a number")
        return int(float(tok.value))

    def skip_parens(self) -> str:
        """Skips a parenthesised group (the cursor is on '('); returns its text."""
        self.expect_punct("(")
        depth = 1
        parts: list[str] = []
        while depth:
            tok = self.next()
            if tok.is_punct("("):
                depth += 1
            elif tok.is_punct(")"):
                depth -= 1
                if depth == 0:
                    break
            parts.append((" " if tok.space_before and parts else "") + _render(tok))
        return "".join(parts)

    def accept_eq(self) -> None:
        self.accept_punct("=")


def _render(tok: Tok) -> str:
    if tok.kind == "ident":
        return "`" + tok.value.replace("`", "``") + "`"
    if tok.kind == "string":
        return "'" + tok.value.replace("'", "''") + "'"
    return tok.value


# -- statements ------------------------------------------------------------------------------


def parse(sql: str) -> CreateTable | CreateDatabase | Drop | AlterTable:
    """Parses one DDL statement."""
    cur = Cursor(tokens(sql))
    verb = cur.expect_word("CREATE", "DROP", "ALTER")
    if verb == "CREATE":
        what = cur.expect_word("DATABASE", "SCHEMA", "TABLE", "TEMPORARY")
        if what == "TEMPORARY":
            raise cur.fail("temporary tables are not supported")
        if what == "TABLE":
            return _create_table(cur)
        return _create_database(cur)
    if verb == "DROP":
        return _drop(cur)
    return _alter_table(cur)


def _if_not_exists(cur: Cursor) -> bool:
    if cur.accept_word("IF"):
        cur.expect_word("NOT")
        cur.expect_word("EXISTS")
        return True
    return False


def _charset_options(
    cur: Cursor, charset: str | None, collate: str | None
) -> tuple[str | None, str | None, bool]:
    """Consumes one [DEFAULT] CHARSET / CHARACTER SET / COLLATE option if present."""
    save = cur.pos
    cur.accept_word("DEFAULT")
    if cur.accept_word("CHARSET") or (cur.accept_word("CHARACTER") and cur.expect_word("SET")):
        cur.accept_eq()
        return cur.name(), collate, True
    if cur.accept_word("COLLATE"):
        cur.accept_eq()
        return charset, cur.name(), True
    cur.pos = save
    return charset, collate, False


def _create_database(cur: Cursor) -> CreateDatabase:
    stmt = CreateDatabase(name="", if_not_exists=_if_not_exists(cur))
    stmt.name = cur.name()
    while not cur.at_end():
        stmt.charset, stmt.collate, ok = _charset_options(cur, stmt.charset, stmt.collate)
        if not ok:
            if cur.accept_word("ENCRYPTION"):
                cur.accept_eq()
                cur.next()
                continue
            if cur.accept_word("PLACEMENT"):
                cur.expect_word("POLICY")
                cur.accept_eq()
                cur.next()
                continue
            raise cur.fail("unexpected database option")
        cur.accept_punct(",")
    return stmt


def _drop(cur: Cursor) -> Drop:
    what = cur.expect_word("DATABASE", "SCHEMA", "TABLE", "TABLES", "VIEW")
    if what == "VIEW":
        raise cur.fail("views are not supported")
    if_exists = False
    if cur.accept_word("IF"):
        cur.expect_word("EXISTS")
        if_exists = True
    if what in ("DATABASE", "SCHEMA"):
        return Drop("database", [(None, cur.name())], if_exists)
    names = [cur.qualified_name()]
    while cur.accept_punct(","):
        names.append(cur.qualified_name())
    return Drop("table", names, if_exists)


def _alter_table(cur: Cursor) -> AlterTable:
    cur.expect_word("TABLE")
    db, name = cur.qualified_name()
    stmt = AlterTable(db, name)
    while not cur.at_end():
        opt = cur.expect_word("AUTO_INCREMENT", "AUTO_RANDOM_BASE", "FORCE")
        if opt == "FORCE":
            continue
        cur.accept_eq()
        value = cur.integer()
        if opt == "AUTO_INCREMENT":
            stmt.auto_increment = value
        else:
            stmt.auto_random_base = value
        cur.accept_punct(",")
    return stmt


def _create_table(cur: Cursor) -> CreateTable:
    if_not_exists = _if_not_exists(cur)
    db, name = cur.qualified_name()
    stmt = CreateTable(db, name, if_not_exists)
    if cur.accept_word("LIKE"):
        stmt.like = cur.qualified_name()
        return stmt
    if cur.accept_punct("("):
        if cur.accept_word("LIKE"):
            stmt.like = cur.qualified_name()
            cur.expect_punct(")")
            return stmt
        while True:
            _table_element(cur, stmt)
            if cur.accept_punct(","):
                continue
            cur.expect_punct(")")
            break
    _table_options(cur, stmt)
    if not cur.at_end():
        if cur.peek() is not None and cur.peek().is_word("PARTITION"):  # type: ignore[union-attr]
            raise cur.fail("partitioned tables are not supported by the playground")
        if cur.peek() is not None and cur.peek().is_word("AS", "SELECT"):  # type: ignore[union-attr]
            raise cur.fail("CREATE TABLE ... SELECT is not supported")
        raise cur.fail("unexpected table option")
    return stmt


_INDEX_WORDS = (
    "PRIMARY",
    "UNIQUE",
    "KEY",
    "INDEX",
    "FULLTEXT",
    "FOREIGN",
    "CHECK",
    "CONSTRAINT",
    "SPATIAL",
)


def _table_element(cur: Cursor, stmt: CreateTable) -> None:
    tok = cur.peek()
    # These words are reserved: a column named like them must be back-quoted.
    if tok is not None and tok.kind == "word" and tok.upper in _INDEX_WORDS:
        idx = _index_def(cur)
        if idx is not None:
            stmt.indexes.append(idx)
        return
    stmt.columns.append(_column_def(cur))


def _key_parts(cur: Cursor) -> list[tuple[str, int]]:
    cur.expect_punct("(")
    keys: list[tuple[str, int]] = []
    while True:
        if cur.peek() is not None and cur.peek().is_punct("("):  # type: ignore[union-attr]
            raise cur.fail("expression indexes are not supported")
        col = cur.name()
        length = -1
        if cur.accept_punct("("):
            length = cur.integer()
            cur.expect_punct(")")
        cur.accept_word("ASC", "DESC")
        keys.append((col, length))
        if cur.accept_punct(","):
            continue
        cur.expect_punct(")")
        return keys


def _index_options(cur: Cursor, idx: IndexDef) -> None:
    while True:
        if cur.accept_word("USING", "TYPE"):
            idx.using = cur.expect_word("BTREE", "HASH", "RTREE")
        elif cur.accept_word("COMMENT"):
            idx.comment = cur.next().value
        elif cur.accept_word("INVISIBLE"):
            idx.invisible = True
        elif cur.accept_word("VISIBLE", "GLOBAL", "LOCAL"):
            pass
        elif cur.accept_word("CLUSTERED"):
            idx.clustered = True
        elif cur.accept_word("NONCLUSTERED"):
            idx.clustered = False
        elif cur.accept_word("KEY_BLOCK_SIZE"):
            cur.accept_eq()
            cur.next()
        elif cur.accept_word("WITH"):
            cur.expect_word("PARSER")
            cur.next()
        else:
            return


def _index_def(cur: Cursor) -> IndexDef | None:
    cname = ""
    if cur.accept_word("CONSTRAINT"):
        tok = cur.peek()
        if tok is not None and not tok.is_word("PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
            cname = cur.name()
    kind_word = cur.expect_word(
        "PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "FOREIGN", "CHECK", "SPATIAL"
    )
    if kind_word == "CHECK":
        cur.skip_parens()
        cur.accept_word("NOT")
        cur.accept_word("ENFORCED")
        return None
    if kind_word == "SPATIAL":
        raise cur.fail("spatial indexes are not supported")
    kind = {"PRIMARY": "primary", "UNIQUE": "unique", "FULLTEXT": "fulltext", "FOREIGN": "foreign"}
    idx = IndexDef(kind.get(kind_word, "index"), cname, [])
    if kind_word == "PRIMARY":
        cur.expect_word("KEY")
    elif kind_word in ("UNIQUE", "FULLTEXT", "FOREIGN"):
        cur.accept_word("KEY", "INDEX")
    tok = cur.peek()
    if tok is not None and not tok.is_punct("(") and not tok.is_word("USING", "TYPE"):
        idx.name = cur.name()
    _index_options(cur, idx)
    idx.keys = _key_parts(cur)
    if idx.kind == "foreign":
        cur.expect_word("REFERENCES")
        cur.qualified_name()
        cur.skip_parens()
        while cur.accept_word("ON", "MATCH"):
            cur.accept_word("DELETE", "UPDATE", "FULL", "PARTIAL", "SIMPLE")
            if cur.accept_word("SET"):
                cur.expect_word("NULL", "DEFAULT")
            elif cur.accept_word("NO"):
                cur.expect_word("ACTION")
            else:
                cur.accept_word("CASCADE", "RESTRICT")
        return idx
    _index_options(cur, idx)
    return idx


_TYPE_WORDS_2 = {
    ("DOUBLE", "PRECISION"): "DOUBLE",
    ("CHARACTER", "VARYING"): "VARCHAR",
    ("NATIONAL", "CHAR"): "NCHAR",
    ("NATIONAL", "CHARACTER"): "NCHAR",
    ("NATIONAL", "VARCHAR"): "NVARCHAR",
    ("LONG", "VARCHAR"): "MEDIUMTEXT",
    ("LONG", "VARBINARY"): "MEDIUMBLOB",
}


def _column_def(cur: Cursor) -> ColumnDef:
    name = cur.name()
    first = cur.next()
    if first.kind != "word":
        raise SqlSyntaxError(first.value, "expected a column type")
    type_name = first.upper
    nxt = cur.peek()
    if nxt is not None and nxt.kind == "word" and (type_name, nxt.upper) in _TYPE_WORDS_2:
        type_name = _TYPE_WORDS_2[(type_name, nxt.upper)]
        cur.pos += 1
    col = ColumnDef(name, type_name)
    if cur.accept_punct("("):
        while True:
            tok = cur.next()
            col.args.append(tok.value if tok.kind != "string" else "'" + tok.value)
            if cur.accept_punct(","):
                continue
            cur.expect_punct(")")
            break
    _column_attributes(cur, col)
    return col


def _column_attributes(cur: Cursor, col: ColumnDef) -> None:
    while True:
        tok = cur.peek()
        if tok is None or tok.is_punct(",") or tok.is_punct(")"):
            return
        if cur.accept_word("UNSIGNED"):
            col.unsigned = True
        elif cur.accept_word("SIGNED"):
            pass
        elif cur.accept_word("ZEROFILL"):
            col.zerofill = True
        elif cur.accept_word("BINARY"):
            col.binary_attr = True
        elif cur.accept_word("ASCII"):
            col.charset = "latin1"
        elif cur.accept_word("UNICODE"):
            col.charset = "ucs2"
        elif cur.accept_word("CHARSET"):
            col.charset = cur.name()
        elif cur.accept_word("CHARACTER"):
            cur.expect_word("SET")
            col.charset = cur.name()
        elif cur.accept_word("COLLATE"):
            col.collate = cur.name()
        elif cur.accept_word("NOT"):
            cur.expect_word("NULL")
            col.not_null = True
        elif cur.accept_word("NULL"):
            col.not_null = False
        elif cur.accept_word("DEFAULT"):
            col.default = _default_value(cur)
        elif cur.accept_word("AUTO_INCREMENT"):
            col.auto_increment = True
        elif cur.accept_word("PRIMARY"):
            cur.expect_word("KEY")
            col.primary = True
        elif cur.accept_word("KEY"):
            col.primary = True
        elif cur.accept_word("UNIQUE"):
            cur.accept_word("KEY")
            col.unique = True
        elif cur.accept_word("CLUSTERED"):
            col.primary_clustered = True
        elif cur.accept_word("NONCLUSTERED"):
            col.primary_clustered = False
        elif cur.accept_word("COMMENT"):
            col.comment = cur.next().value
        elif cur.accept_word("ON"):
            cur.expect_word("UPDATE")
            _default_value(cur)
            col.on_update = True
        elif cur.accept_word("GENERATED"):
            cur.expect_word("ALWAYS")
            cur.expect_word("AS")
            _generated(cur, col)
        elif cur.accept_word("AS"):
            _generated(cur, col)
        elif cur.accept_word("AUTO_RANDOM"):
            bits, rng = 5, 64
            if cur.accept_punct("("):
                bits = cur.integer()
                if cur.accept_punct(","):
                    rng = cur.integer()
                cur.expect_punct(")")
            col.auto_random = (bits, rng)
        elif cur.accept_word("CHECK"):
            cur.skip_parens()
            cur.accept_word("NOT")
            cur.accept_word("ENFORCED")
        elif cur.accept_word("REFERENCES"):
            cur.qualified_name()
            cur.skip_parens()
        elif cur.accept_word("COLUMN_FORMAT", "STORAGE"):
            cur.next()
        elif cur.accept_word("SERIAL"):
            cur.expect_word("DEFAULT")
            cur.expect_word("VALUE")
            col.auto_increment = True
            col.not_null = True
            col.unique = True
        else:
            raise cur.fail(f"unexpected column attribute of {col.name}")


def _generated(cur: Cursor, col: ColumnDef) -> None:
    col.generated = cur.skip_parens()
    if cur.accept_word("STORED", "PERSISTENT"):
        col.generated_stored = True
    else:
        cur.accept_word("VIRTUAL")


def _default_value(cur: Cursor) -> Literal:
    if cur.peek() is not None and cur.peek().is_punct("("):  # type: ignore[union-attr]
        return Literal("expr", cur.skip_parens())
    sign = ""
    while _is_sign(cur.peek()):
        if cur.next().value == "-":
            sign = "" if sign else "-"
    tok = cur.next()
    if tok.kind == "number":
        text = tok.value
        if sign:
            text = text[1:] if text.startswith("-") else "-" + text
        return Literal("number", text)
    if tok.kind == "string":
        return Literal("string", tok.value)
    if tok.kind in ("hex", "bit"):
        return Literal("bytes", tok.value, tok.raw)
    if tok.is_word("NULL"):
        return Literal("null")
    if tok.is_word("TRUE", "FALSE"):
        return Literal("number", "1" if tok.upper == "TRUE" else "0")
    if tok.kind == "word":
        text = tok.upper
        if cur.accept_punct("("):
            args = []
            while not cur.accept_punct(")"):
                args.append(cur.next().value)
                cur.accept_punct(",")
            text += "(" + ",".join(args) + ")"
        return Literal("expr", text)
    raise SqlSyntaxError(tok.value, "unsupported DEFAULT value")


def _is_sign(tok: Tok | None) -> bool:
    return tok is not None and (tok.is_punct("-") or tok.is_punct("+"))


def _table_options(cur: Cursor, stmt: CreateTable) -> None:
    while not cur.at_end():
        tok = cur.peek()
        assert tok is not None
        if tok.is_word("PARTITION", "AS", "SELECT"):
            return
        stmt.charset, stmt.collate, ok = _charset_options(cur, stmt.charset, stmt.collate)
        if ok:
            cur.accept_punct(",")
            continue
        word = cur.next()
        if word.kind != "word":
            raise SqlSyntaxError(word.value, "unexpected table option")
        opt = word.upper
        cur.accept_eq()
        if opt == "AUTO_INCREMENT":
            stmt.auto_increment = cur.integer()
        elif opt == "AUTO_RANDOM_BASE":
            stmt.auto_random_base = cur.integer()
        elif opt == "SHARD_ROW_ID_BITS":
            stmt.shard_row_id_bits = cur.integer()
        elif opt == "PRE_SPLIT_REGIONS":
            stmt.pre_split_regions = cur.integer()
        elif opt == "COMMENT":
            stmt.comment = cur.next().value
        elif opt == "PLACEMENT":
            cur.expect_word("POLICY")
            cur.accept_eq()
            cur.next()
        elif opt == "TTL":
            while not cur.at_end() and not cur.peek().is_punct(","):  # type: ignore[union-attr]
                cur.next()
        else:
            # ENGINE, ROW_FORMAT, AUTO_ID_CACHE, STATS_*, KEY_BLOCK_SIZE, ...: accepted, ignored.
            cur.next()
        cur.accept_punct(",")
