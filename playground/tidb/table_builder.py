"""Turns a parsed CREATE TABLE into TiDB's table model by TiDB's default rules (v7/v8).

Column ids and offsets in order; flen/decimal defaults per type; charset/collation from the
column, the table, then the database (utf8mb4 / utf8mb4_bin by default); flags as TiDB sets them
(NOT NULL, PRI, UNIQUE / MULTIPLE key, UNSIGNED, ZEROFILL, BINARY, AUTO_INCREMENT, ON UPDATE,
NO DEFAULT VALUE); index ids in constraint order (table constraints first, then column ones).
A single integer PRIMARY KEY is the clustered handle (``pk_is_handle``, no index entry) unless
NONCLUSTERED; any other PRIMARY KEY is a unique index, clustered (``is_common_handle``) only
when the DDL says CLUSTERED (``tidb_enable_clustered_index = INT_ONLY``).
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from playground.tidb import charsets
from playground.tidb.ddl_parser import ColumnDef, CreateTable, IndexDef, Literal, SqlSyntaxError
from tidbkv import mysqltypes as m
from tidbkv.schema import ColumnInfo, FieldType, IndexColumn, IndexInfo, TableInfo

# mysql.defaultLengthAndDecimal (TiDB pkg/parser/mysql/type.go).
DEFAULT_FLEN_DECIMAL: dict[int, tuple[int, int]] = {
    m.TYPE_BIT: (1, 0),
    m.TYPE_TINY: (4, 0),
    m.TYPE_SHORT: (6, 0),
    m.TYPE_INT24: (9, 0),
    m.TYPE_LONG: (11, 0),
    m.TYPE_LONGLONG: (20, 0),
    m.TYPE_DOUBLE: (22, -1),
    m.TYPE_FLOAT: (12, -1),
    m.TYPE_NEWDECIMAL: (10, 0),
    m.TYPE_DURATION: (10, 0),
    m.TYPE_DATE: (10, 0),
    m.TYPE_TIMESTAMP: (19, 0),
    m.TYPE_DATETIME: (19, 0),
    m.TYPE_YEAR: (4, 0),
    m.TYPE_STRING: (1, 0),
    m.TYPE_VARCHAR: (5, 0),
    m.TYPE_VAR_STRING: (5, 0),
    m.TYPE_TINY_BLOB: (255, 0),
    m.TYPE_BLOB: (65535, 0),
    m.TYPE_MEDIUM_BLOB: (16777215, 0),
    m.TYPE_LONG_BLOB: (4294967295, 0),
    m.TYPE_JSON: (4294967295, 0),
    m.TYPE_SET: (-1, 0),
    m.TYPE_ENUM: (-1, 0),
}

_INT_TYPES = {
    "TINYINT": m.TYPE_TINY,
    "INT1": m.TYPE_TINY,
    "BOOL": m.TYPE_TINY,
    "BOOLEAN": m.TYPE_TINY,
    "SMALLINT": m.TYPE_SHORT,
    "INT2": m.TYPE_SHORT,
    "MEDIUMINT": m.TYPE_INT24,
    "INT3": m.TYPE_INT24,
    "MIDDLEINT": m.TYPE_INT24,
    "INT": m.TYPE_LONG,
    "INTEGER": m.TYPE_LONG,
    "INT4": m.TYPE_LONG,
    "BIGINT": m.TYPE_LONGLONG,
    "INT8": m.TYPE_LONGLONG,
    "SERIAL": m.TYPE_LONGLONG,
}
_TEXT_TYPES = {
    "TINYTEXT": m.TYPE_TINY_BLOB,
    "TEXT": m.TYPE_BLOB,
    "MEDIUMTEXT": m.TYPE_MEDIUM_BLOB,
    "LONGTEXT": m.TYPE_LONG_BLOB,
}
_BLOB_TYPES = {
    "TINYBLOB": m.TYPE_TINY_BLOB,
    "BLOB": m.TYPE_BLOB,
    "MEDIUMBLOB": m.TYPE_MEDIUM_BLOB,
    "LONGBLOB": m.TYPE_LONG_BLOB,
}
# types.typesNeedCharset: the types whose charset/collation come from column/table/database.
_NEED_CHARSET = m.STRING_TYPES | {m.TYPE_ENUM, m.TYPE_SET}
_INDEX_TYPES = {"": 1, "BTREE": 1, "HASH": 2, "RTREE": 3}
_CURRENT_TS = {
    "CURRENT_TIMESTAMP",
    "NOW",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "CURRENT_TIMESTAMP()",
    "NOW()",
    "LOCALTIME()",
    "LOCALTIMESTAMP()",
}


class DDLError(SqlSyntaxError):
    """A CREATE TABLE TiDB would reject (unknown type or column, bad default, ...)."""


# -- types ------------------------------------------------------------------------------------


def _int_arg(col: ColumnDef, i: int) -> int | None:
    if len(col.args) <= i:
        return None
    try:
        return int(col.args[i])
    except ValueError:
        raise DDLError(col.args[i], f"bad length of column {col.name}") from None


def _field_type(col: ColumnDef) -> tuple[int, int, int, tuple[str, ...], bool]:
    """(tp, flen, decimal, elems, binary_type) as TiDB's parser sets them."""
    t = col.type_name
    enum_like = t in ("ENUM", "SET")
    flen = None if enum_like else _int_arg(col, 0)
    dec = None if enum_like else _int_arg(col, 1)
    unspecified = m.UNSPECIFIED_LENGTH
    if t in _INT_TYPES:
        if t in ("BOOL", "BOOLEAN"):
            return m.TYPE_TINY, 1, 0, (), False
        return _INT_TYPES[t], flen if flen is not None else unspecified, unspecified, (), False
    if t == "BIT":
        return m.TYPE_BIT, flen if flen is not None else unspecified, unspecified, (), False
    if t in ("FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL"):
        tp = m.TYPE_DOUBLE if t in ("DOUBLE", "REAL", "FLOAT8") else m.TYPE_FLOAT
        if tp == m.TYPE_FLOAT and flen is not None and dec is None:
            # FLOAT(p): a precision in bits chooses FLOAT or DOUBLE; length stays unspecified.
            return (
                (m.TYPE_DOUBLE if flen > 24 else m.TYPE_FLOAT),
                unspecified,
                unspecified,
                (),
                False,
            )
        return (
            tp,
            flen if flen is not None else unspecified,
            dec if dec is not None else unspecified,
            (),
            False,
        )
    if t in ("DECIMAL", "DEC", "NUMERIC", "FIXED"):
        if flen is None:
            return m.TYPE_NEWDECIMAL, unspecified, unspecified, (), False
        return m.TYPE_NEWDECIMAL, flen, dec if dec is not None else 0, (), False
    if t == "DATE":
        return m.TYPE_DATE, unspecified, unspecified, (), False
    if t in ("DATETIME", "TIMESTAMP", "TIME"):
        tp = {"DATETIME": m.TYPE_DATETIME, "TIMESTAMP": m.TYPE_TIMESTAMP, "TIME": m.TYPE_DURATION}[
            t
        ]
        fsp = flen or 0
        if fsp > 6:
            raise DDLError(str(fsp), f"too big precision for column {col.name}")
        base = 10 if tp == m.TYPE_DURATION else 19
        return tp, base + (fsp + 1 if fsp else 0), fsp, (), False
    if t == "YEAR":
        return m.TYPE_YEAR, 4, 0, (), False
    if t in ("CHAR", "CHARACTER", "NCHAR"):
        return m.TYPE_STRING, flen if flen is not None else unspecified, unspecified, (), False
    if t in ("VARCHAR", "NVARCHAR", "VARCHARACTER"):
        if flen is None:
            raise DDLError(col.name, "VARCHAR needs a length")
        return m.TYPE_VARCHAR, flen, unspecified, (), False
    if t == "BINARY":
        return m.TYPE_STRING, flen if flen is not None else unspecified, unspecified, (), True
    if t == "VARBINARY":
        if flen is None:
            raise DDLError(col.name, "VARBINARY needs a length")
        return m.TYPE_VARCHAR, flen, unspecified, (), True
    if t in _TEXT_TYPES or t in _BLOB_TYPES:
        binary = t in _BLOB_TYPES
        tp = _TEXT_TYPES.get(t) or _BLOB_TYPES[t]
        if flen is not None and tp == m.TYPE_BLOB:
            tp = _blob_type_for_length(flen)
        return tp, unspecified, unspecified, (), binary
    if t == "JSON":
        return m.TYPE_JSON, unspecified, unspecified, (), False
    if t in ("ENUM", "SET"):
        elems = tuple(a[1:] if a.startswith("'") else a for a in col.args)
        if t == "ENUM":
            elems = tuple(e.rstrip(" ") for e in elems)
        return (m.TYPE_ENUM if t == "ENUM" else m.TYPE_SET), unspecified, unspecified, elems, False
    raise DDLError(col.type_name, f"unsupported column type of {col.name}")


def _blob_type_for_length(n: int) -> int:
    if n <= 255:
        return m.TYPE_TINY_BLOB
    if n <= 65535:
        return m.TYPE_BLOB
    if n <= 16777215:
        return m.TYPE_MEDIUM_BLOB
    return m.TYPE_LONG_BLOB


# -- defaults ---------------------------------------------------------------------------------

_DATETIME = re.compile(
    r"^(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?$"
)
_TIME = re.compile(r"^(-)?(?:(\d+) )?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?$")


def _fmt_frac(frac: str | None, fsp: int) -> str:
    if fsp <= 0:
        return ""
    return "." + (frac or "").ljust(6, "0")[:fsp]


def _datetime_default(text: str, tp: int, fsp: int, col: str) -> str:
    s = text.strip()
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?", s)
    if compact:
        y, mo, d, h, mi, se = (g or "0" for g in compact.groups())
        parts: tuple[str, ...] = (y, mo, d, h, mi, se, "")
    else:
        mt = _DATETIME.match(s)
        if mt is None:
            if s in ("0", "00000000"):
                parts = ("0", "0", "0", "0", "0", "0", "")
            else:
                raise DDLError(text, f"Invalid default value for '{col}'")
        else:
            g = mt.groups()
            parts = (g[0], g[1], g[2], g[3] or "0", g[4] or "0", g[5] or "0", g[6] or "")
    y, mo, d, h, mi, se = (int(x) for x in parts[:6])
    date = f"{y:04d}-{mo:02d}-{d:02d}"
    if tp == m.TYPE_DATE:
        return date
    return f"{date} {h:02d}:{mi:02d}:{se:02d}{_fmt_frac(parts[6], fsp)}"


def _time_default(text: str, fsp: int, col: str) -> str:
    s = text.strip()
    mt = _TIME.match(s)
    if mt is None:
        if re.fullmatch(r"-?\d+", s):
            neg = s.startswith("-")
            v = s.lstrip("-").rjust(6, "0")
            h, mi, se = int(v[:-4]), int(v[-4:-2]), int(v[-2:])
            return f"{'-' if neg else ''}{h:02d}:{mi:02d}:{se:02d}{_fmt_frac(None, fsp)}"
        raise DDLError(text, f"Invalid default value for '{col}'")
    sign, days, hh, mm, ss, frac = mt.groups()
    hours = int(hh) + 24 * int(days or 0)
    return f"{sign or ''}{hours:02d}:{int(mm):02d}:{int(ss or 0):02d}{_fmt_frac(frac, fsp)}"


def _number(text: str, col: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise DDLError(text, f"Invalid default value for '{col}'") from None


def _float_text(f: float) -> str:
    if f == int(f) and abs(f) < 1e15:
        return str(int(f))
    text = repr(f)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _default(lit: Literal, ft: FieldType, col: ColumnDef) -> tuple[str | None, str | None, bool]:
    """(default, default_bit as base64, default_is_expr) as TiDB stores them."""
    tp = ft.tp
    if lit.kind == "null":
        return None, None, False
    if lit.kind == "expr":
        upper = lit.text.upper().replace(" ", "")
        base = upper.split("(", 1)[0]
        if base in {s.split("(", 1)[0] for s in _CURRENT_TS} and tp in (
            m.TYPE_DATETIME,
            m.TYPE_TIMESTAMP,
        ):
            return "CURRENT_TIMESTAMP", None, False
        return lit.text.lower(), None, True
    text = lit.text
    if lit.kind == "bytes":
        if tp == m.TYPE_BIT:
            return lit.raw.decode("latin-1"), base64.b64encode(lit.raw).decode(), False
        if tp in m.INTEGER_TYPES or tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE, m.TYPE_NEWDECIMAL):
            return str(int.from_bytes(lit.raw, "big")), None, False
        text = lit.raw.decode("utf-8", errors="replace")
    if tp in m.INTEGER_TYPES:
        return str(int(_number(text, col.name).to_integral_value(ROUND_HALF_UP))), None, False
    if tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE):
        return _float_text(float(_number(text, col.name))), None, False
    if tp == m.TYPE_NEWDECIMAL:
        return str(_number(text, col.name)), None, False
    if tp == m.TYPE_BIT:
        n = int(_number(text, col.name))
        raw = n.to_bytes(max((n.bit_length() + 7) // 8, 1), "big")
        return raw.decode("latin-1"), base64.b64encode(raw).decode(), False
    if tp in (m.TYPE_DATE, m.TYPE_DATETIME, m.TYPE_TIMESTAMP):
        return _datetime_default(text, tp, max(ft.decimal, 0), col.name), None, False
    if tp == m.TYPE_DURATION:
        return _time_default(text, max(ft.decimal, 0), col.name), None, False
    if tp == m.TYPE_YEAR:
        y = int(_number(text, col.name))
        if 0 < y < 70:
            y += 2000
        elif 70 <= y < 100:
            y += 1900
        return f"{y:04d}" if y else "0000", None, False
    if tp == m.TYPE_ENUM:
        return _enum_default(text, lit, ft, col), None, False
    if tp == m.TYPE_SET:
        return _set_default(text, ft, col), None, False
    if tp == m.TYPE_STRING and ft.collate == "binary" and len(text.encode()) < ft.flen:
        text = text + "\0" * (ft.flen - len(text.encode()))
    return text, None, False


def _enum_default(text: str, lit: Literal, ft: FieldType, col: ColumnDef) -> str:
    if lit.kind == "number":
        n = int(text)
        if not 1 <= n <= len(ft.elems):
            raise DDLError(text, f"Invalid default value for '{col.name}'")
        return ft.elems[n - 1]
    want = text.rstrip(" ")
    for e in ft.elems:
        if e == want or (not ft.collate.endswith("_bin") and e.lower() == want.lower()):
            return e
    if want == "":
        return ""
    raise DDLError(text, f"Invalid default value for '{col.name}'")


def _set_default(text: str, ft: FieldType, col: ColumnDef) -> str:
    if not text:
        return ""
    names = {p.lower() for p in text.split(",")}
    known = {e.lower() for e in ft.elems}
    if not names <= known:
        raise DDLError(text, f"Invalid default value for '{col.name}'")
    return ",".join(e for e in ft.elems if e.lower() in names)


# -- the table --------------------------------------------------------------------------------


def _column(
    col: ColumnDef, offset: int, table_charset: tuple[str, str]
) -> tuple[ColumnInfo, list[IndexDef]]:
    tp, flen, dec, elems, binary_type = _field_type(col)
    flags = 0
    if col.unsigned:
        flags |= m.UNSIGNED_FLAG
    if col.zerofill:
        flags |= m.ZEROFILL_FLAG | m.UNSIGNED_FLAG
    if tp in _NEED_CHARSET:
        if binary_type:
            chs, coll = charsets.BINARY, charsets.BINARY
        else:
            try:
                resolved = charsets.resolve(col.charset, col.collate)
            except charsets.UnknownCharset as exc:
                raise DDLError(
                    str(exc), f"unknown charset/collation of column {col.name}"
                ) from None
            chs, coll = resolved or table_charset
            if col.binary_attr and col.collate is None:
                coll = charsets.bin_collation(chs)
        if chs == charsets.BINARY:
            flags |= m.BINARY_FLAG
    else:
        chs, coll = charsets.BINARY, charsets.BINARY
    dflen, ddec = DEFAULT_FLEN_DECIMAL.get(tp, (m.UNSPECIFIED_LENGTH, 0))
    if dec == m.UNSPECIFIED_LENGTH:
        dec = ddec
    if flen == m.UNSPECIFIED_LENGTH:
        flen = dflen
        if flags & m.UNSIGNED_FLAG and tp in m.INTEGER_TYPES and tp != m.TYPE_LONGLONG:
            flen -= 1
    if tp == m.TYPE_BIT:
        flags |= m.UNSIGNED_FLAG
    if tp == m.TYPE_YEAR:
        flags |= m.ZEROFILL_FLAG | m.UNSIGNED_FLAG
    if col.not_null:
        flags |= m.NOT_NULL_FLAG
    if col.auto_increment:
        flags |= m.AUTO_INCREMENT_FLAG | m.NOT_NULL_FLAG
    cts: list[IndexDef] = []
    if col.primary:
        flags |= m.PRI_KEY_FLAG | m.NOT_NULL_FLAG
        cts.append(IndexDef("primary", "", [(col.name, -1)], clustered=col.primary_clustered))
    if col.unique:
        flags |= m.UNIQUE_KEY_FLAG
        cts.append(IndexDef("unique", "", [(col.name, -1)]))
    if col.on_update:
        flags |= m.ON_UPDATE_NOW_FLAG
    ft = FieldType(tp, flags, flen, dec, chs, coll, elems)
    default = default_bit = None
    is_expr = False
    has_default = col.default is not None
    if col.default is not None:
        if col.default.kind == "null" and flags & m.NOT_NULL_FLAG:
            raise DDLError(col.name, f"Invalid default value for '{col.name}'")
        default, default_bit, is_expr = _default(col.default, ft, col)
    elif tp == m.TYPE_YEAR and flags & m.NOT_NULL_FLAG:
        default = "0000"
    if not has_default and flags & m.NOT_NULL_FLAG and not flags & m.AUTO_INCREMENT_FLAG:
        ft = replace(ft, flag=ft.flag | m.NO_DEFAULT_VALUE_FLAG)
    info = ColumnInfo(
        id=offset + 1,
        name=col.name,
        offset=offset,
        field_type=ft,
        default=default,
        default_bit=default_bit,
        default_is_expr=is_expr,
        # TiDB sets origin defaults only for ADD COLUMN, not for CREATE TABLE.
        origin_default=None,
        origin_default_bit=None,
        generated_expr_string=col.generated,
        generated_stored=col.generated_stored,
        comment=col.comment,
    )
    return info, cts


def _with_flag(col: ColumnInfo, flag: int) -> ColumnInfo:
    return replace(col, field_type=replace(col.field_type, flag=col.field_type.flag | flag))


def _name_indexes(indexes: list[IndexDef]) -> None:
    """TiDB's ``setEmptyConstraintName``: unnamed keys take their first column's name."""
    used = {i.name.lower() for i in indexes if i.name and i.kind != "primary"}
    for idx in indexes:
        if idx.kind == "primary" or idx.name:
            continue
        base = idx.keys[0][0] if idx.kind != "foreign" else "fk"
        name = base
        n = 2
        while name.lower() in used or name.lower() == "primary":
            name = f"{base}_{n}"
            n += 1
        idx.name = name
        used.add(name.lower())


def build_table(stmt: CreateTable, table_id: int, db_charset: str, db_collate: str) -> TableInfo:
    """The TableInfo TiDB would create for ``stmt`` with id ``table_id``."""
    try:
        table_cs = charsets.resolve(stmt.charset, stmt.collate) or (db_charset, db_collate)
    except charsets.UnknownCharset as exc:
        raise DDLError(str(exc), "unknown table charset/collation") from None
    if not stmt.columns:
        raise DDLError(stmt.name, "a table must have at least one column")
    columns: list[ColumnInfo] = []
    col_cts: list[IndexDef] = []
    seen: set[str] = set()
    for i, cdef in enumerate(stmt.columns):
        if cdef.name.lower() in seen:
            raise DDLError(cdef.name, f"Duplicate column name '{cdef.name}'")
        if cdef.name.lower() == "_tidb_rowid":
            raise DDLError(cdef.name, "Incorrect column name '_tidb_rowid'")
        seen.add(cdef.name.lower())
        info, cts = _column(cdef, i, table_cs)
        columns.append(info)
        col_cts.extend(cts)
    constraints = [i for i in stmt.indexes] + col_cts
    primaries = [c for c in constraints if c.kind == "primary"]
    if len(primaries) > 1:
        raise DDLError(stmt.name, "Multiple primary key defined")
    by_name = {c.name.lower(): idx for idx, c in enumerate(columns)}

    def offset_of(name: str) -> int:
        try:
            return by_name[name.lower()]
        except KeyError:
            raise DDLError(name, f"Key column '{name}' doesn't exist in table") from None

    for c in constraints:
        offs = [offset_of(k) for k, _ in c.keys]
        if c.kind == "primary":
            for o in offs:
                col = _with_flag(columns[o], m.PRI_KEY_FLAG | m.NOT_NULL_FLAG)
                ft = col.field_type
                if (
                    col.default is None
                    and not ft.flag & m.AUTO_INCREMENT_FLAG
                    and not stmt.columns[o].default
                ):
                    col = _with_flag(col, m.NO_DEFAULT_VALUE_FLAG)
                columns[o] = col
        elif c.kind == "unique":
            flag = m.UNIQUE_KEY_FLAG if len(offs) == 1 else m.MULTIPLE_KEY_FLAG
            columns[offs[0]] = _with_flag(columns[offs[0]], flag)
        elif c.kind == "index":
            columns[offs[0]] = _with_flag(columns[offs[0]], m.MULTIPLE_KEY_FLAG)
    _name_indexes(constraints)
    names = [c.name.lower() for c in constraints if c.kind in ("unique", "index")]
    if len(names) != len(set(names)):
        raise DDLError(stmt.name, "Duplicate key name")

    pk_is_handle = is_common = False
    indexes: list[IndexInfo] = []
    for c in constraints:
        if c.kind in ("fulltext", "foreign"):
            continue
        offs = [offset_of(k) for k, _ in c.keys]
        if c.kind == "primary":
            single_int = len(offs) == 1 and columns[offs[0]].field_type.tp in m.INTEGER_TYPES
            clustered = single_int if c.clustered is None else c.clustered
            if clustered and single_int:
                pk_is_handle = True
                continue
            is_common = clustered
        cols = tuple(
            IndexColumn(columns[o].name, o, length)
            for o, (_, length) in zip(offs, c.keys, strict=True)
        )
        indexes.append(
            IndexInfo(
                id=len(indexes) + 1,
                name="PRIMARY" if c.kind == "primary" else c.name,
                table_name=stmt.name,
                columns=cols,
                unique=c.kind in ("primary", "unique"),
                primary=c.kind == "primary",
                comment=c.comment,
                index_type=_INDEX_TYPES.get(c.using, 1),
                invisible=c.invisible,
            )
        )
    auto_random_bits = auto_random_range = 0
    for cdef, col in zip(stmt.columns, columns, strict=True):
        if cdef.auto_random is None:
            continue
        if not (pk_is_handle and col.field_type.flag & m.PRI_KEY_FLAG) or (
            col.field_type.tp != m.TYPE_LONGLONG
        ):
            raise DDLError(cdef.name, "AUTO_RANDOM needs a clustered BIGINT primary key")
        auto_random_bits, auto_random_range = cdef.auto_random
    return TableInfo(
        id=table_id,
        name=stmt.name,
        columns=tuple(columns),
        indices=tuple(indexes),
        pk_is_handle=pk_is_handle,
        is_common_handle=is_common,
        common_handle_version=1 if is_common else 0,
        charset=table_cs[0],
        collate=table_cs[1],
        comment=stmt.comment,
        auto_inc_id=stmt.auto_increment or 0,
        auto_rand_id=stmt.auto_random_base or 0,
        auto_random_bits=auto_random_bits,
        auto_random_range_bits=auto_random_range,
        shard_row_id_bits=stmt.shard_row_id_bits,
        max_shard_row_id_bits=stmt.shard_row_id_bits,
        pre_split_regions=stmt.pre_split_regions,
        max_col_id=len(columns),
        max_idx_id=len(indexes),
    )
