"""Casting dump literals to a column's type with MySQL sql_mode semantics (TiDB
``table.CastColumnValue`` / ``types.Datum.ConvertTo``).

Inputs are ``tidbkv.literals.Literal`` values (``None``, ``bytes``, ``HexLiteral``,
``BitLiteral``, ``int``, ``Decimal``, ``float``); outputs are ``tidbkv.datum.Datum`` values of
the column's kind (see ``tidbkv.datum``). Under a strict sql_mode (the default, TiDB's own) a
value that does not fit raises ``CastError`` with ``column``, ``value`` and ``reason``; without
strict mode the value is adjusted the way MySQL does it (clamped to the range, truncated,
zero date).

Rules, per column type:

* integers: ints range-checked; decimals / floats rounded half away from zero; strings parsed
  as numbers (``'1.5'`` → 2, ``'1e3'`` → 1000, leading / trailing spaces allowed, any other
  trailing text is an error); hex / bit literals are big-endian unsigned integers.
* FLOAT / DOUBLE: numbers and numeric strings; FLOAT is rounded to float32; ``(M,D)`` rounds
  to D places and checks M; out of range is an error.
* DECIMAL(M,D): rounded half up to D places; more than M-D integer digits is an error.
* CHAR / VARCHAR / TEXT: bytes must be valid UTF-8 for utf8mb4 (no 4-byte characters for
  utf8, bytes below 0x80 for ascii); length counted in characters (bytes for binary and ascii
  charsets); too long is an error unless only trailing spaces are cut (CHAR/VARCHAR); CHAR drops
  trailing spaces; BINARY(n) is right-padded with zero bytes to n.
* DATE / DATETIME / TIMESTAMP: MySQL literal forms and YYYYMMDD[hhmmss] numbers; fraction
  rounded to the column fsp; zero dates and zero parts follow NO_ZERO_DATE / NO_ZERO_IN_DATE;
  impossible dates are errors unless ALLOW_INVALID_DATES; TIMESTAMP must be within
  1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC (checked in the session time zone).
* TIME: ``[-][D ]hh:mm:ss[.f]`` and ``hhmmss`` numbers, ±838:59:59.
* YEAR: 0, 1901..2155; 1..69 → 2001..2069, 70..99 → 1970..1999 (the string ``'0'`` → 2000).
* ENUM: a member name (case-insensitive for _ci collations, trailing spaces ignored) or its
  1-based index; SET: comma-separated member names or a bitmask.
* BIT(n): hex / bit literals and strings as big-endian bytes, integers by value; must fit n bits.
* JSON: strings are parsed as JSON text; numbers become JSON numbers.

Public API: ``CastError``, ``SQLMode``, ``DEFAULT_SQL_MODE``, ``ColumnCaster``, ``cast_value``,
``default_datum``, ``origin_default_datum``, ``DefaultValueError``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from tidbkv import mysqltypes as m
from tidbkv.collate import get_collator
from tidbkv.datum import NULL, Datum, Enum, Kind, SetValue
from tidbkv.errors import TidbKVError
from tidbkv.json_binary import JSONError, json_from_python, parse_json_text
from tidbkv.literals import BitLiteral, HexLiteral, Literal
from tidbkv.mydecimal import MAX_DECIMAL_SCALE, round_decimal
from tidbkv.mydecimal import OVERFLOW as DEC_OVERFLOW
from tidbkv.mydecimal import from_string as dec_from_string
from tidbkv.mytime import (
    MAX_DURATION_NANOS,
    Time,
    TimeParseError,
    days_in_month,
    dst_adjusted,
    duration_from_number,
    local_to_utc,
    parse_duration,
    parse_time,
    resolve_time_zone,
    round_duration,
    time_from_number,
)
from tidbkv.schema import ColumnInfo


class CastError(TidbKVError, ValueError):
    """A value cannot be stored in a column; ``reason`` is one of the ``REASON_*`` strings."""

    OUT_OF_RANGE = "out of range"
    TRUNCATED = "truncated"
    BAD_NUMBER = "incorrect number value"
    TOO_LONG = "data too long"
    INVALID_UTF8 = "incorrect string value"
    INVALID_DATE = "incorrect datetime value"
    INVALID_TIME = "incorrect time value"
    BAD_ENUM = "invalid enum value"
    BAD_SET = "invalid set value"
    BAD_JSON = "invalid JSON text"
    NOT_NULL = "column cannot be null"
    UNSUPPORTED = "unsupported conversion"

    def __init__(self, column: str, value: object, reason: str, detail: str = "") -> None:
        text = f"column {column!r}: {reason} for value {value!r}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)
        self.column = column
        self.value = value
        self.reason = reason
        self.detail = detail


class DefaultValueError(TidbKVError, ValueError):
    """A column default cannot be evaluated here (an expression default such as uuid())."""

    def __init__(self, column: str, default: object) -> None:
        super().__init__(f"column {column!r}: cannot evaluate default {default!r}")
        self.column = column
        self.default = default


@dataclass(frozen=True)
class SQLMode:
    """The sql_mode flags that change how values are cast."""

    strict: bool = True
    no_zero_date: bool = True
    no_zero_in_date: bool = True
    allow_invalid_dates: bool = False
    no_auto_value_on_zero: bool = False

    @classmethod
    def parse(cls, text: str) -> SQLMode:
        """From a ``@@sql_mode`` string (``"STRICT_TRANS_TABLES,NO_ZERO_DATE,..."``)."""
        flags = {f.strip().upper() for f in text.split(",") if f.strip()}
        if "TRADITIONAL" in flags:
            flags |= {"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_DATE", "NO_ZERO_IN_DATE"}
        return cls(
            strict=bool(flags & {"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES"}),
            no_zero_date="NO_ZERO_DATE" in flags,
            no_zero_in_date="NO_ZERO_IN_DATE" in flags,
            allow_invalid_dates="ALLOW_INVALID_DATES" in flags,
            no_auto_value_on_zero="NO_AUTO_VALUE_ON_ZERO" in flags,
        )


# TiDB's default: ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,
# ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION.
DEFAULT_SQL_MODE = SQLMode()

_Value = bytes | int | Decimal | float
_INT_BITS = {
    m.TYPE_TINY: 8,
    m.TYPE_SHORT: 16,
    m.TYPE_INT24: 24,
    m.TYPE_LONG: 32,
    m.TYPE_LONGLONG: 64,
}
_NUM_RE = re.compile(rb"^[ \t\n\r\f\v]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_FLOAT32 = struct.Struct("<f")
_FLT_MAX = 3.4028234663852886e38
_TS_MIN = Time(1970, 1, 1, 0, 0, 1, 0, m.TYPE_TIMESTAMP)
_TS_MAX = Time(2038, 1, 19, 3, 14, 7, 999999, m.TYPE_TIMESTAMP)
_UTF8_LIKE = frozenset({"utf8mb4", "utf8", "utf8mb3", "gbk", "gb18030", ""})


def _lit_repr(v: Literal) -> object:
    if isinstance(v, bytes) and len(v) > 64:
        return bytes(v[:64]) + b"..."
    return v


_HUGE = Decimal(1 << 65)
_HUGE_DECIMAL = Decimal("1e70")
_TINY_DECIMAL = Decimal("1e-40")


_TIME_MAX_HHMMSS = 8385959  # 838:59:59 as a number (types.MaxDuration)


def _round_half_away(x: Decimal) -> int:
    with localcontext() as ctx:
        ctx.prec = 100
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _parse_number_prefix(b: bytes) -> tuple[str, bool]:
    """(numeric prefix text, the whole input was numeric apart from surrounding spaces)."""
    mo = _NUM_RE.match(b)
    if not mo:
        return "", False
    rest = b[mo.end() :]
    return mo.group(1).decode("ascii"), not rest.strip(b" \t\n\r\f\v")


_GO_BASES = {"0x": 16, "0b": 2, "0o": 8}


def _go_parse_uint(s: str) -> int | None:
    """Go ``strconv.ParseUint(s, 0, 64)``: decimal, ``0x`` / ``0b`` / ``0o`` prefixes, a
    leading ``0`` means octal; no sign, no spaces; None when it is not such a number."""
    base, body = 10, s
    prefix = s[:2].lower()
    if prefix in _GO_BASES:
        base, body = _GO_BASES[prefix], s[2:]
    elif s.startswith("0") and len(s) > 1:
        base, body = 8, s[1:]
    if not body or not body.isascii() or not body.isalnum():
        return None
    try:
        n = int(body, base)
    except ValueError:
        return None
    return n if n < 1 << 64 else None


def _round_float(f: float, frac: int) -> float:
    """TiDB ``types.Round(f, dec)``: ``math.Round(f * 10**dec) / 10**dec`` in float64 (so
    1.005 → 1.0, since 1.005 * 100 is 100.49999999999999)."""
    if frac < 0 or math.isinf(f) or math.isnan(f):
        return f
    shift = 10.0**frac
    tmp = f * shift
    if math.isinf(tmp):
        return f
    rounded = float(Decimal(tmp).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # Go math.Round
    return rounded / shift


def _float32(f: float) -> float:
    return float(_FLOAT32.unpack(_FLOAT32.pack(f))[0])


class ColumnCaster:
    """Casts literals to one column's type; ``caster(literal) -> Datum``.

    NULL literals give ``NULL``; whether NULL is allowed is the table encoder's decision.
    """

    def __init__(
        self,
        column: ColumnInfo,
        *,
        time_zone: str | _dt.tzinfo | None = None,
        sql_mode: SQLMode = DEFAULT_SQL_MODE,
    ) -> None:
        self.column = column
        self.name = column.name
        self.ft = column.field_type
        self.tz = resolve_time_zone(time_zone)
        self.mode = sql_mode
        self._cast = self._build()

    def __call__(self, v: Literal) -> Datum:
        if v is None:
            return NULL
        return self._cast(v)

    # -- errors ---------------------------------------------------------------------------

    def _err(self, v: object, reason: str, detail: str = "") -> CastError:
        return CastError(
            self.name,
            _lit_repr(v) if isinstance(v, bytes | int | float | Decimal) else v,
            reason,
            detail,
        )

    # -- dispatch -------------------------------------------------------------------------

    def _build(self) -> Callable[[Any], Datum]:
        tp = self.ft.tp
        if tp in _INT_BITS:
            return self._cast_int
        if tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE):
            return self._cast_float
        if tp == m.TYPE_NEWDECIMAL:
            return self._cast_decimal
        if tp in m.STRING_TYPES:
            return self._cast_string
        if tp in m.TIME_TYPES:
            return self._cast_time
        if tp == m.TYPE_DURATION:
            return self._cast_duration
        if tp == m.TYPE_YEAR:
            return self._cast_year
        if tp == m.TYPE_ENUM:
            return self._cast_enum
        if tp == m.TYPE_SET:
            return self._cast_set
        if tp == m.TYPE_BIT:
            return self._cast_bit
        if tp == m.TYPE_JSON:
            return self._cast_json
        return self._unsupported

    def _unsupported(self, v: _Value) -> Datum:
        raise self._err(v, CastError.UNSUPPORTED, f"column type {m.type_name(self.ft.tp)}")

    # -- numbers --------------------------------------------------------------------------

    def _number(self, v: _Value, *, want_int: bool) -> int | Decimal | float:
        """A literal as a number: int / Decimal / float (strings parsed MySQL-style)."""
        if isinstance(v, HexLiteral | BitLiteral):
            return int.from_bytes(bytes(v), "big") if v else 0
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, int | Decimal | float):
            return v
        text, whole = _parse_number_prefix(bytes(v))
        if not whole and self.mode.strict:
            raise self._err(v, CastError.BAD_NUMBER)
        if not text:
            return 0
        try:
            if "e" in text.lower():
                # integers take the exact value (TiDB floatStrToIntStr), not a float's
                return Decimal(text) if want_int else float(text)
            return Decimal(text) if ("." in text or want_int) else int(text)
        except (ValueError, InvalidOperation) as exc:  # pragma: no cover - regex guarantees form
            raise self._err(v, CastError.BAD_NUMBER) from exc

    def _cast_int(self, v: _Value) -> Datum:
        n = self._number(v, want_int=True)
        if isinstance(n, float):
            if math.isnan(n) or math.isinf(n):
                raise self._err(v, CastError.OUT_OF_RANGE)
            bits = _INT_BITS[self.ft.tp]
            hi = (1 << bits) - 1 if self.ft.unsigned else (1 << (bits - 1)) - 1
            if not self.ft.unsigned and _round_half_away(Decimal(n)) == int(float(hi)):
                # TiDB ConvertFloatToInt: a value equal to float64(MaxInt) is MaxInt, no
                # overflow (float64(2**63 - 1) is 2**63)
                return Datum(Kind.INT64, hi)
            n = Decimal(repr(n))
        if isinstance(n, Decimal) and n.copy_abs() > _HUGE:
            iv = int(_HUGE.copy_sign(n))  # beyond any integer column: clamped or refused below
        else:
            iv = _round_half_away(n) if isinstance(n, Decimal) else int(n)
        bits = _INT_BITS[self.ft.tp]
        if self.ft.unsigned:
            lo, hi = 0, (1 << bits) - 1
        else:
            lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        if not lo <= iv <= hi:
            if self.mode.strict:
                raise self._err(v, CastError.OUT_OF_RANGE, f"{m.type_name(self.ft.tp)}")
            iv = min(max(iv, lo), hi)
        return Datum(Kind.UINT64 if self.ft.unsigned else Kind.INT64, iv)

    def _cast_float(self, v: _Value) -> Datum:
        n = self._number(v, want_int=False)
        try:
            f = float(n)
        except OverflowError as exc:
            raise self._err(v, CastError.OUT_OF_RANGE) from exc
        ft = self.ft
        if math.isinf(f) and isinstance(v, bytes) and not self.mode.strict:
            # TiDB StrToFloat: a string beyond the double range becomes +-MaxFloat64
            f = math.copysign(sys.float_info.max, f)
        if math.isnan(f) or math.isinf(f):
            raise self._err(v, CastError.OUT_OF_RANGE)
        if ft.decimal >= 0 and ft.flen > 0 and ft.decimal < 31:
            f = _round_float(f, ft.decimal)
            limit = 10.0 ** (ft.flen - ft.decimal)
            if abs(f) >= limit:
                if self.mode.strict:
                    raise self._err(v, CastError.OUT_OF_RANGE)
                f = math.copysign(float(Decimal(limit) - Decimal(1).scaleb(-ft.decimal)), f)
        if ft.unsigned and f < 0:
            if self.mode.strict:
                raise self._err(v, CastError.OUT_OF_RANGE)
            f = 0.0
        if ft.tp == m.TYPE_FLOAT:
            if abs(f) > _FLT_MAX:
                if self.mode.strict:
                    raise self._err(v, CastError.OUT_OF_RANGE)
                f = math.copysign(_FLT_MAX, f)
            return Datum(Kind.FLOAT32, _float32(f))
        return Datum(Kind.FLOAT64, f)

    def _cast_decimal(self, v: _Value) -> Datum:
        # strings keep their exact digits ("1e309" is a decimal overflow, not a float one)
        n: int | Decimal | float
        if isinstance(v, bytes) and not isinstance(v, HexLiteral | BitLiteral):
            # TiDB MyDecimal.FromString: '1e -1' is 0.1, '1.5x' is 1.5 truncated
            n, parse_err = dec_from_string(bytes(v))
            if parse_err is not None and self.mode.strict:
                reason = CastError.OUT_OF_RANGE if parse_err == DEC_OVERFLOW else None
                raise self._err(v, reason or CastError.BAD_NUMBER)
        else:
            n = self._number(v, want_int=True)
        if isinstance(n, float):
            if math.isnan(n) or math.isinf(n):
                raise self._err(v, CastError.OUT_OF_RANGE)
            n = Decimal(repr(n))
        dec = Decimal(n)
        prec = self.ft.flen if self.ft.flen > 0 else 10
        frac = self.ft.decimal if self.ft.decimal >= 0 else 0
        frac = min(frac, MAX_DECIMAL_SCALE)
        if dec.copy_abs() >= _HUGE_DECIMAL:
            dec = _HUGE_DECIMAL.copy_sign(dec)  # far beyond DECIMAL(65): overflows below
        elif dec.copy_abs() < _TINY_DECIMAL:
            dec = Decimal(0)
        r = round_decimal(dec, frac)
        if self.ft.unsigned and r < 0:
            if self.mode.strict:
                raise self._err(v, CastError.OUT_OF_RANGE)
            r = round_decimal(Decimal(0), frac)
        limit = Decimal(10) ** (prec - frac)
        if r.copy_abs() >= limit:
            if self.mode.strict:
                raise self._err(v, CastError.OUT_OF_RANGE, f"decimal({prec},{frac})")
            r = round_decimal((limit - Decimal(1).scaleb(-frac)).copy_sign(r), frac)
        if r == 0:
            r = r.copy_abs()
        return Datum(Kind.DECIMAL, r, "", prec, frac)

    # -- strings --------------------------------------------------------------------------

    def _to_bytes(self, v: _Value) -> bytes:
        if isinstance(v, bytes):
            return bytes(v)
        if isinstance(v, bool):
            return b"1" if v else b"0"
        if isinstance(v, int):
            return str(v).encode()
        if isinstance(v, Decimal):
            return format(v, "f").encode()
        if isinstance(v, float):
            if self.ft.tp == m.TYPE_FLOAT:
                v = _float32(v)
            r = format(Decimal(repr(v)), "f")
            if "." in r:
                r = r.rstrip("0").rstrip(".")
            return r.encode()
        raise self._err(v, CastError.UNSUPPORTED)

    def _cast_string(self, v: _Value) -> Datum:
        ft = self.ft
        b = self._to_bytes(v)
        charset = (ft.charset or "utf8mb4").lower()
        binary = ft.collate == "binary" or charset == "binary"
        if not binary:
            if charset == "ascii":
                if not b.isascii():
                    raise self._err(v, CastError.INVALID_UTF8, "not ascii")
            elif charset != "latin1" and not b.isascii():
                try:
                    text = b.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if self.mode.strict:
                        raise self._err(v, CastError.INVALID_UTF8) from exc
                    b = b[: exc.start]
                    text = b.decode("utf-8")
                if charset in ("utf8", "utf8mb3") and any(ord(c) > 0xFFFF for c in text):
                    raise self._err(v, CastError.INVALID_UTF8, "4-byte character in utf8")
        flen = ft.flen
        if flen >= 0 and len(b) > flen:
            b = self._fit(v, b, flen, binary)
        if ft.tp == m.TYPE_STRING:
            if binary:
                if len(b) < flen:
                    b = b + bytes(flen - len(b))
            else:
                b = b.rstrip(b" ")
        return Datum(Kind.STRING, b, ft.collate or "utf8mb4_bin")

    def _fit(self, v: _Value, b: bytes, flen: int, binary: bool) -> bytes:
        """``ProduceStrWithSpecifiedTp``'s length rule: binary strings and TEXT/BLOB count
        bytes, other strings characters; cutting only spaces/tabs/newlines off a CHAR or
        VARCHAR is allowed, anything else is 'data too long' in strict mode."""
        if binary:
            kept, over = b[:flen], b[flen:]
        elif self.ft.tp in m.BLOB_TYPES:
            cut = flen
            while cut > 0 and (b[cut] & 0xC0) == 0x80 if cut < len(b) else False:
                cut -= 1
            kept, over = b[:cut], b[cut:]
        else:
            text = b.decode("utf-8", "replace") if not b.isascii() else None
            if text is None or len(text) == len(b):
                if len(b) <= flen:
                    return b
                kept, over = b[:flen], b[flen:]
            else:
                if len(text) <= flen:
                    return b
                kept = text[:flen].encode("utf-8", "surrogateescape")
                over = b[len(kept) :]
        is_char = self.ft.tp in (m.TYPE_STRING, m.TYPE_VARCHAR)
        if not over or (is_char and not binary and not over.strip(b" \t\n\r")):
            return kept
        if self.mode.strict:
            raise self._err(v, CastError.TOO_LONG, f"max {flen}")
        return kept

    # -- time -----------------------------------------------------------------------------

    def _check_date(self, v: _Value, t: Time) -> Time:
        mode = self.mode
        if t.is_zero:
            if mode.no_zero_date and mode.strict:
                raise self._err(v, CastError.INVALID_DATE, "zero date")
            return t
        if t.month == 0 or t.day == 0:
            if mode.no_zero_in_date and mode.strict:
                raise self._err(v, CastError.INVALID_DATE, "zero in date")
            if mode.no_zero_in_date:
                return Time(tp=t.tp, fsp=t.fsp)
            return t
        if t.day > days_in_month(t.year, t.month):
            if mode.allow_invalid_dates and t.day <= 31:
                return t
            if mode.strict:
                raise self._err(v, CastError.INVALID_DATE, "no such day")
            return Time(tp=t.tp, fsp=t.fsp)
        return t

    def _fsp(self) -> int:
        d = self.ft.decimal
        return 0 if d < 0 else min(d, 6)

    def _cast_time(self, v: _Value) -> Datum:
        tp = self.ft.tp
        fsp = 0 if tp == m.TYPE_DATE else self._fsp()
        # parsed as DATE / DATETIME with the lenient flags; sql_mode decides below
        parse_tp = m.TYPE_DATE if tp == m.TYPE_DATE else m.TYPE_DATETIME
        try:
            if isinstance(v, HexLiteral | BitLiteral):
                raise TimeParseError(repr(v), "binary literal")
            if isinstance(v, bytes):
                t = parse_time(bytes(v), parse_tp, fsp, time_zone=self.tz, allow_invalid_date=True)
            else:
                t = time_from_number(v, parse_tp, fsp, time_zone=self.tz, allow_invalid_date=True)
            t = replace(t, tp=tp)
        except TimeParseError as exc:
            if self.mode.strict:
                raise self._err(v, CastError.INVALID_DATE, exc.reason) from exc
            t = Time(tp=tp, fsp=fsp)
        t = self._check_date(v, t)
        if tp == m.TYPE_TIMESTAMP and not t.is_zero:
            try:
                utc = local_to_utc(t, self.tz)
            except TimeParseError as exc:
                # a wall time skipped by a DST change: TiDB errors in strict mode and
                # otherwise stores the transition instant (AdjustedGoTime)
                if self.mode.strict or not t.is_valid_calendar_date:
                    raise self._err(v, CastError.INVALID_DATE, exc.reason) from exc
                t = dst_adjusted(t, self.tz)
                utc = local_to_utc(t, self.tz)
            if not (_TS_MIN.to_packed_uint() <= utc.to_packed_uint() <= _TS_MAX.to_packed_uint()):
                if self.mode.strict:
                    raise self._err(v, CastError.INVALID_DATE, "timestamp out of range")
                t = Time(tp=tp, fsp=fsp)
        return Datum(Kind.TIME, t)

    def _cast_duration(self, v: _Value) -> Datum:
        fsp = self._fsp()
        try:
            if isinstance(v, HexLiteral | BitLiteral):
                raise TimeParseError(repr(v), "binary literal")
            nanos = (
                parse_duration(bytes(v), fsp)
                if isinstance(v, bytes)
                else self._number_to_duration(v, fsp)
            )
        except TimeParseError as exc:
            if self.mode.strict:
                raise self._err(v, CastError.INVALID_TIME, exc.reason) from exc
            nanos = exc.partial if exc.partial is not None else 0
        nanos = round_duration(nanos, fsp)
        if abs(nanos) > MAX_DURATION_NANOS:
            if self.mode.strict:
                raise self._err(v, CastError.INVALID_TIME, "out of TIME range")
            nanos = int(math.copysign(MAX_DURATION_NANOS, nanos))
        return Datum(Kind.DURATION, nanos, "", 0, fsp)

    def _number_to_duration(self, v: _Value, fsp: int) -> int:
        """TiDB ``Datum.convertToMysqlDuration`` for numbers: the number rounded to an
        integer decides the overflow cases (above 838:59:59 and below 10000000000 → the
        maximum TIME with an error; below -838:59:59 → an error), everything else is
        ``ParseDuration`` of the number's text (so 11+ digit numbers are not read as a
        datetime's time of day, unlike ``NumberToDuration``)."""
        if isinstance(v, bool):
            v = int(v)
        if isinstance(v, int):
            text, num = str(v), v
        else:
            if isinstance(v, float):
                if not math.isfinite(v):
                    raise TimeParseError(repr(v), "not a number")
                dec = Decimal(repr(v))
            elif isinstance(v, Decimal):
                dec = v
            else:
                return duration_from_number(self._number(v, want_int=False), fsp)
            text, num = format(dec, "f"), _round_half_away(dec)
        if _TIME_MAX_HHMMSS < num < 10_000_000_000:
            raise TimeParseError(text, "out of TIME range", MAX_DURATION_NANOS)
        if num < -_TIME_MAX_HHMMSS:
            raise TimeParseError(text, "out of TIME range")
        return parse_duration(text, fsp)

    def _cast_year(self, v: _Value) -> Datum:
        """TiDB ``convertToMysqlYear``: strings through ``StrToInt`` (a 0 that is not 4
        characters long and starts with '0' means 2000), then ``AdjustYear`` (1-69 → 20xx,
        70-99 → 19xx; outside 1901..2155 an error, or the nearest bound when not strict)."""
        adjust = False
        if isinstance(v, bytes) and not isinstance(v, HexLiteral | BitLiteral):
            raw = bytes(v)
            trimmed = raw.strip(b" \t\n\r\f\v")
            text, whole = _parse_number_prefix(trimmed)
            if not whole and self.mode.strict:
                raise self._err(v, CastError.BAD_NUMBER)
            y = _round_half_away(Decimal(text)) if text else 0
            if not -(1 << 63) <= y < 1 << 63:
                if self.mode.strict:
                    raise self._err(v, CastError.OUT_OF_RANGE, "year")
                return Datum(Kind.INT64, 0)
            adjust = len(raw) != 4 and y == 0 and trimmed.startswith(b"0")
        else:
            n = self._number(v, want_int=True)
            y = _round_half_away(Decimal(repr(n)) if isinstance(n, float) else Decimal(n))
        if y == 0 and not adjust:
            return Datum(Kind.INT64, 0)
        if 0 <= y <= 69:
            y += 2000
        elif 70 <= y <= 99:
            y += 1900
        if not 1901 <= y <= 2155:
            if self.mode.strict:
                raise self._err(v, CastError.OUT_OF_RANGE, "year")
            y = 0 if y < 0 else 1901 if y < 1901 else 2155
        return Datum(Kind.INT64, y)

    # -- enum / set / bit / json ---------------------------------------------------------

    def _member_key(self, s: str) -> bytes:
        """Members match under the column collation (PAD SPACE ignores trailing spaces)."""
        return get_collator(self.ft.collate or "utf8mb4_bin").key(s.rstrip(" ").encode("utf-8"))

    def _cast_enum(self, v: _Value) -> Datum:
        elems = self.ft.elems
        if isinstance(v, bytes) and not isinstance(v, HexLiteral | BitLiteral):
            try:
                s = bytes(v).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self._err(v, CastError.INVALID_UTF8) from exc
            key = self._member_key(s)
            for i, e in enumerate(elems):
                if self._member_key(e) == key:
                    return Datum(Kind.ENUM, Enum(e, i + 1))
            num = _go_parse_uint(s)  # ParseEnumName falls back to strconv.ParseUint(name, 0, 64)
            if num is not None:
                return self._enum_by_index(v, num)
            if self.mode.strict:
                raise self._err(v, CastError.BAD_ENUM)
            return Datum(Kind.ENUM, Enum("", 0))
        n = self._number(v, want_int=True)
        return self._enum_by_index(
            v, _round_half_away(Decimal(repr(n)) if isinstance(n, float) else Decimal(n))
        )

    def _enum_by_index(self, v: _Value, i: int) -> Datum:
        if 1 <= i <= len(self.ft.elems):
            return Datum(Kind.ENUM, Enum(self.ft.elems[i - 1], i))
        if self.mode.strict:
            raise self._err(v, CastError.BAD_ENUM)
        return Datum(Kind.ENUM, Enum("", 0))

    def _cast_set(self, v: _Value) -> Datum:
        elems = self.ft.elems
        if isinstance(v, bytes) and not isinstance(v, HexLiteral | BitLiteral):
            try:
                s = bytes(v).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self._err(v, CastError.INVALID_UTF8) from exc
            if s == "":
                return Datum(Kind.SET, SetValue("", 0))
            keys = {self._member_key(e): i for i, e in enumerate(elems)}
            mask = 0
            for part in s.split(","):
                idx = keys.get(self._member_key(part))
                if idx is None:
                    # ParseSetName: not all members known → strconv.ParseUint(name, 0, 64);
                    # failing that the value is an error (strict) or the empty set
                    num = _go_parse_uint(s)
                    if num is not None:
                        return self._set_by_mask(v, num)
                    if self.mode.strict:
                        raise self._err(v, CastError.BAD_SET, part)
                    return Datum(Kind.SET, SetValue("", 0))
                mask |= 1 << idx
            return self._set_by_mask(v, mask)
        n = self._number(v, want_int=True)
        return self._set_by_mask(
            v, _round_half_away(Decimal(repr(n)) if isinstance(n, float) else Decimal(n))
        )

    def _set_by_mask(self, v: _Value, mask: int) -> Datum:
        n = len(self.ft.elems)
        if mask < 0 or mask >= 1 << n:
            if self.mode.strict:
                raise self._err(v, CastError.BAD_SET)
            mask = 0  # ParseSetValue fails: TiDB keeps the empty set
        names = ",".join(e for i, e in enumerate(self.ft.elems) if mask >> i & 1)
        return Datum(Kind.SET, SetValue(names, mask))

    def _cast_bit(self, v: _Value) -> Datum:
        width = self.ft.flen if self.ft.flen > 0 else 1
        if isinstance(v, bytes):
            raw = bytes(v).lstrip(b"\x00")
            value = int.from_bytes(raw, "big") if raw else 0
        else:
            n = self._number(v, want_int=True)
            value = _round_half_away(Decimal(repr(n)) if isinstance(n, float) else Decimal(n))
            if value < 0:
                value &= (1 << 64) - 1
        if value >= 1 << width:
            if self.mode.strict:
                raise self._err(v, CastError.TOO_LONG, f"bit({width})")
            value = (1 << width) - 1
        return Datum(Kind.BIT, value.to_bytes((width + 7) // 8, "big"))

    def _cast_json(self, v: _Value) -> Datum:
        try:
            if isinstance(v, HexLiteral | BitLiteral):
                raise JSONError("binary literal")
            if isinstance(v, bytes):
                return Datum(Kind.JSON, parse_json_text(bytes(v)))
            if isinstance(v, Decimal):
                return Datum(Kind.JSON, json_from_python(float(v)))
            return Datum(Kind.JSON, json_from_python(v))
        except JSONError as exc:
            raise self._err(v, CastError.BAD_JSON, exc.reason) from exc


def cast_value(
    v: Literal,
    column: ColumnInfo,
    *,
    time_zone: str | _dt.tzinfo | None = None,
    sql_mode: SQLMode = DEFAULT_SQL_MODE,
) -> Datum:
    """Casts one literal to ``column``'s type (builds a ``ColumnCaster`` each call)."""
    return ColumnCaster(column, time_zone=time_zone, sql_mode=sql_mode)(v)


# --------------------------------------------------------------------------------------------
# defaults

_CURRENT_TS_RE = re.compile(
    r"^(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)(\(\d*\))?$", re.IGNORECASE
)


def _default_literal(column: ColumnInfo, raw: object, raw_bit: object) -> Literal:
    ft = column.field_type
    if ft.tp == m.TYPE_BIT and raw_bit not in (None, ""):
        if isinstance(raw_bit, str):
            return BitLiteral(base64.b64decode(raw_bit))
        if isinstance(raw_bit, list | bytes):
            return BitLiteral(bytes(raw_bit))
    if isinstance(raw, str):
        return raw.encode("utf-8")
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, int | float):
        return raw
    raise DefaultValueError(column.name, raw)


def _eval_default(
    column: ColumnInfo,
    raw: object,
    raw_bit: object,
    time_zone: str | _dt.tzinfo | None,
    sql_mode: SQLMode,
    now: _dt.datetime | None,
) -> Datum:
    ft = column.field_type
    if raw is None and raw_bit in (None, ""):
        return NULL
    tz = resolve_time_zone(time_zone)
    if isinstance(raw, str) and _CURRENT_TS_RE.match(raw.strip()) and ft.tp in m.TIME_TYPES:
        base = now or _dt.datetime.now(_dt.UTC)
        if base.tzinfo is None:
            base = base.replace(tzinfo=_dt.UTC)
        local = base.astimezone(tz).replace(tzinfo=None)
        fsp = 0 if ft.tp == m.TYPE_DATE else max(0, min(6, ft.decimal))
        t = Time.from_datetime(local, ft.tp, fsp).round_frac(fsp)
        if ft.tp == m.TYPE_DATE:
            t = Time(t.year, t.month, t.day, tp=m.TYPE_DATE)
        return Datum(Kind.TIME, t)
    if column.default_is_expr:
        raise DefaultValueError(column.name, raw)
    lit = _default_literal(column, raw, raw_bit)
    # TIMESTAMP defaults of version>=1 columns are stored in UTC.
    caster_tz: str | _dt.tzinfo | None = time_zone
    if ft.tp == m.TYPE_TIMESTAMP and column.version >= 1:
        caster_tz = _dt.UTC
    lenient = SQLMode(
        strict=False, no_zero_date=False, no_zero_in_date=False, allow_invalid_dates=True
    )
    d = ColumnCaster(
        column, time_zone=caster_tz, sql_mode=lenient if not sql_mode.strict else sql_mode
    )(lit)
    if (
        ft.tp == m.TYPE_TIMESTAMP
        and column.version >= 1
        and d.kind == Kind.TIME
        and not d.value.is_zero
    ):
        d = Datum(Kind.TIME, d.value.convert_time_zone(_dt.UTC, tz))
    return d


def default_datum(
    column: ColumnInfo,
    *,
    time_zone: str | _dt.tzinfo | None = None,
    sql_mode: SQLMode = DEFAULT_SQL_MODE,
    now: _dt.datetime | None = None,
) -> Datum:
    """The column's DEFAULT as a datum (``table.GetColDefaultValue``); NULL if it has none.

    ``now`` (an aware datetime) fixes CURRENT_TIMESTAMP; expression defaults raise
    ``DefaultValueError``.
    """
    return _eval_default(column, column.default, column.default_bit, time_zone, sql_mode, now)


def origin_default_datum(
    column: ColumnInfo,
    *,
    time_zone: str | _dt.tzinfo | None = None,
    now: _dt.datetime | None = None,
) -> Datum:
    """The column's origin default (what rows written before ADD COLUMN read as)."""
    lenient = SQLMode(
        strict=False, no_zero_date=False, no_zero_in_date=False, allow_invalid_dates=True
    )
    return _eval_default(
        column, column.origin_default, column.origin_default_bit, time_zone, lenient, now
    )
