"""Column values between TiDB types, an in-memory SQLite and the MySQL text protocol.

SQLite holds what it can compare natively (INTEGER, REAL, TEXT, BLOB); DECIMAL and BIGINT
UNSIGNED are TEXT with a numeric collation, TIME is TEXT with a duration collation, and SUM/AVG
are replaced by exact (Decimal) aggregates, so COUNT/SUM/WHERE/ORDER BY/LIMIT agree with MySQL.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from tidbkv import mysqltypes as m
from tidbkv.schema import FieldType

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
NUMERIC_COLLATION = "NUMERIC_TEXT"
DURATION_COLLATION = "DURATION_TEXT"
# MySQL's div_precision_increment.
DIV_PRECISION_INCREMENT = 4


# Decimal context wide enough for DECIMAL(65,30) (the default one holds 28 digits).
_WIDE = Context(prec=100)


@dataclass(frozen=True)
class OutType:
    """A result column's MySQL type code, whether it is binary, and its scale for decimals."""

    tp: int
    binary: bool = False
    scale: int = -1
    ft: FieldType | None = None


def out_type(ft: FieldType) -> OutType:
    tp = ft.tp
    binary = (ft.collate == "binary" and tp in m.STRING_TYPES) or tp == m.TYPE_BIT
    if tp in (m.TYPE_ENUM, m.TYPE_SET):
        tp = m.TYPE_STRING
    if tp == m.TYPE_VARCHAR:
        tp = m.TYPE_VAR_STRING
    return OutType(tp, binary, ft.decimal, ft)


def sqlite_decl(ft: FieldType) -> str:
    tp = ft.tp
    if tp in m.INTEGER_TYPES:
        if tp == m.TYPE_LONGLONG and ft.unsigned:
            return f"TEXT COLLATE {NUMERIC_COLLATION}"
        return "INTEGER"
    if tp == m.TYPE_YEAR:
        return "INTEGER"
    if tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE):
        return "REAL"
    if tp == m.TYPE_NEWDECIMAL:
        return f"TEXT COLLATE {NUMERIC_COLLATION}"
    if tp == m.TYPE_DURATION:
        return f"TEXT COLLATE {DURATION_COLLATION}"
    if tp == m.TYPE_BIT or (tp in m.STRING_TYPES and ft.collate == "binary"):
        return "BLOB"
    if ft.collate.endswith("_ci"):
        return "TEXT COLLATE NOCASE"
    return "TEXT"


def format_time(v: dt.timedelta, fsp: int) -> str:
    total = v.days * 86400 * 1_000_000 + v.seconds * 1_000_000 + v.microseconds
    sign = "-" if total < 0 else ""
    total = abs(total)
    secs, micros = divmod(total, 1_000_000)
    h, rest = divmod(secs, 3600)
    mi, s = divmod(rest, 60)
    out = f"{sign}{h:02d}:{mi:02d}:{s:02d}"
    if fsp > 0:
        out += "." + f"{micros:06d}"[:fsp]
    return out


def format_datetime(v: dt.datetime, fsp: int) -> str:
    out = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.year < 1000:
        out = f"{v.year:04d}" + out[out.index("-") :]
    if fsp > 0:
        out += "." + f"{v.microsecond:06d}"[:fsp]
    return out


def to_sqlite(value: Any, ft: FieldType) -> Any:
    """A decoded column value as SQLite stores it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if ft.tp == m.TYPE_LONGLONG and ft.unsigned:
            return str(value)
        return value if INT64_MIN <= value <= INT64_MAX else str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return format_datetime(value, max(ft.decimal, 0))
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, dt.timedelta):
        return format_time(value, max(ft.decimal, 0))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value)


def float32_text(f: float) -> str:
    """The shortest text that reads back as the same float32 (how MySQL prints FLOAT)."""
    if f != f or f in (float("inf"), float("-inf")):
        return repr(f)
    target = struct.pack("<f", f)
    for digits in range(1, 10):
        text = f"{f:.{digits}g}"
        try:
            if struct.pack("<f", float(text)) == target:
                return _plain(text)
        except OverflowError:  # rounding near FLT_MAX went past it
            continue
    return repr(f)


def _plain(text: str) -> str:
    if "e" in text or "E" in text:
        d = Decimal(text)
        if abs(d) >= Decimal("1e15") or (d != 0 and abs(d) < Decimal("1e-4")):
            return text.replace("e+", "e+").lower()
        text = format(d, "f")
    return text


def double_text(f: float) -> str:
    text = repr(f)
    if text.endswith(".0"):
        text = text[:-2]
    return text


def to_wire(value: Any, out: OutType) -> Any:
    """A SQLite result value as the MySQL text protocol should carry it (str / bytes / None)."""
    if value is None:
        return None
    tp = out.tp
    if tp in m.INTEGER_TYPES or tp == m.TYPE_YEAR:
        try:
            return str(int(Decimal(str(value))))
        except (InvalidOperation, ValueError):
            return str(value)
    if tp == m.TYPE_NEWDECIMAL:
        try:
            d = Decimal(str(value)) if not isinstance(value, float) else Decimal(repr(value))
        except InvalidOperation:
            return str(value)
        if out.scale >= 0:
            d = d.quantize(Decimal(1).scaleb(-out.scale), context=_WIDE)
        return format(d, "f")
    if tp == m.TYPE_FLOAT:
        return float32_text(float(value))
    if tp == m.TYPE_DOUBLE:
        return double_text(float(value))
    if out.binary:
        return value if isinstance(value, bytes) else str(value).encode()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, float):
        return double_text(value)
    return str(value)


def infer_from_value(value: Any) -> OutType:
    if isinstance(value, (bool, int)):
        return OutType(m.TYPE_LONGLONG)
    if isinstance(value, float):
        return OutType(m.TYPE_DOUBLE)
    if isinstance(value, bytes):
        return OutType(m.TYPE_BLOB, binary=True)
    return OutType(m.TYPE_VAR_STRING)


# -- SQLite registration ----------------------------------------------------------------------


def _num(v: Any) -> Decimal | float:
    if isinstance(v, float):
        return v
    if isinstance(v, int):
        return Decimal(v)
    try:
        return Decimal(v.decode() if isinstance(v, bytes) else str(v))
    except InvalidOperation:
        return 0.0


def _numeric_collation(a: str, b: str) -> int:
    try:
        x, y = Decimal(a), Decimal(b)
    except InvalidOperation:
        return (a > b) - (a < b)
    return (x > y) - (x < y)


def _duration_seconds(s: str) -> Decimal:
    neg = s.startswith("-")
    parts = s.lstrip("-").split(":")
    try:
        h, mi, sec = (
            int(parts[0]),
            int(parts[1]),
            Decimal(parts[2]) if len(parts) > 2 else Decimal(0),
        )
    except (ValueError, IndexError, InvalidOperation):
        return Decimal(0)
    total = h * 3600 + mi * 60 + sec
    return -total if neg else total


def _duration_collation(a: str, b: str) -> int:
    x, y = _duration_seconds(a), _duration_seconds(b)
    return (x > y) - (x < y)


def _scale(v: Any) -> int:
    if isinstance(v, str) and "." in v:
        return len(v.split(".", 1)[1])
    return 0


class _Sum:
    def __init__(self) -> None:
        self.total: Decimal | float | None = None

    def step(self, v: Any) -> None:
        if v is None:
            return
        x = _num(v)
        if self.total is None:
            self.total = x
        elif isinstance(x, float) or isinstance(self.total, float):
            self.total = float(self.total) + float(x)
        else:
            self.total += x

    def finalize(self) -> Any:
        if self.total is None or isinstance(self.total, float):
            return self.total
        return format(self.total, "f")


class _Avg:
    def __init__(self) -> None:
        self.sum = _Sum()
        self.count = 0
        self.scale = 0

    def step(self, v: Any) -> None:
        if v is None:
            return
        self.sum.step(v)
        self.count += 1
        self.scale = max(self.scale, _scale(v))

    def finalize(self) -> Any:
        total = self.sum.total
        if total is None or self.count == 0:
            return None
        if isinstance(total, float):
            return total / self.count
        q = Decimal(1).scaleb(-(self.scale + DIV_PRECISION_INCREMENT))
        return format((total / self.count).quantize(q), "f")


def connect() -> sqlite3.Connection:
    """An in-memory SQLite with MySQL-like collations and exact SUM / AVG."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.create_collation(NUMERIC_COLLATION, _numeric_collation)
    conn.create_collation(DURATION_COLLATION, _duration_collation)
    conn.create_aggregate("sum", 1, _Sum)
    conn.create_aggregate("avg", 1, _Avg)
    conn.execute("PRAGMA case_sensitive_like = ON")
    return conn
