"""The specialised per-table encode function behind ``TableEncoder.encode``.

``compile_encoder(encoder)`` generates Python source for one table — one block per column,
the row-v2 header and column IDs as constants, the old-layout index keys built inline — and
compiles it once. The happy path of each column is inlined (an in-range int, an ASCII byte
string that fits); anything else (NULL, other literal types, defaults, AUTO_INCREMENT /
AUTO_RANDOM values, strings needing validation) goes to the column's ``slow`` function, which
applies the full TableEncoder semantics. Indexes that need restored data, common handles and
rows with NULLs use the generic ``tidbkv.index`` / row assembly. The property test in
``tests/tidbkv/test_table.py`` checks the result equals ``TableEncoder.encode_generic``.

Column values inside the fast path are "natives": ``int`` for integer / YEAR columns,
``bytes`` for string columns, ``Datum`` for the rest, ``None`` for NULL.

Public API: ``ColumnPlan``, ``compile_encoder``, ``row_v2_from_natives``,
``row_v1_from_natives``.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import struct
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tidbkv import mysqltypes as m
from tidbkv.cast import CastError, ColumnCaster, DefaultValueError, default_datum
from tidbkv.codec import encode_bytes, encode_key, encode_value, encode_varint
from tidbkv.collate import get_collator
from tidbkv.datum import NULL, Datum, Enum, Kind, SetValue
from tidbkv.index import gen_index_kv
from tidbkv.json_binary import json_from_python
from tidbkv.literals import Literal
from tidbkv.mydecimal import decimal_to_bin
from tidbkv.mytime import Time, days_in_month
from tidbkv.rowcodec import encode_value_datum, flatten
from tidbkv.schema import ColumnInfo

if TYPE_CHECKING:
    from tidbkv.table import TableEncoder

_SIGN = 1 << 63
_U64 = 0xFFFFFFFFFFFFFFFF
_KEY_INT = struct.Struct(">BQ")
_BE64 = struct.Struct(">Q")
_I16 = struct.Struct("<h")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_UQ64 = struct.Struct("<Q")
_ONE_BYTE = [bytes((i,)) for i in range(256)]
_INT_BITS = {
    m.TYPE_TINY: 8,
    m.TYPE_SHORT: 16,
    m.TYPE_INT24: 24,
    m.TYPE_LONG: 32,
    m.TYPE_LONGLONG: 64,
}
# MyDecimal.FromString skips only spaces and tabs before the number
_DEC_RE = re.compile(rb"^[ \t]*(-?)(\d*)(?:\.(\d*))?[ \t\n\r]*$")
_DT_RE = re.compile(rb"^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?)?$")
_TS_MIN = Time(1970, 1, 1, 0, 0, 1, 0).to_packed_uint()
_TS_MAX = Time(2038, 1, 19, 3, 14, 7, 999999).to_packed_uint()

KVPairs = list[tuple[bytes, bytes]]


def compact_int(v: int) -> bytes:
    if -128 <= v <= 127:
        return _ONE_BYTE[v & 0xFF]
    if -32768 <= v <= 32767:
        return _I16.pack(v)
    if -2147483648 <= v <= 2147483647:
        return _I32.pack(v)
    return _I64.pack(v)


def compact_uint(v: int) -> bytes:
    if v <= 0xFF:
        return _ONE_BYTE[v]
    if v <= 0xFFFF:
        return _U16.pack(v)
    if v <= 0xFFFFFFFF:
        return _U32.pack(v)
    return _UQ64.pack(v)


def zero_datum(col: ColumnInfo, caster: ColumnCaster) -> Datum:
    """``table.GetZeroValue``: what a NULL in a NOT NULL column becomes outside strict mode."""
    ft = col.field_type
    tp = ft.tp
    if tp in m.STRING_TYPES:
        return caster(b"")
    if tp == m.TYPE_ENUM:
        return Datum(Kind.ENUM, Enum(ft.elems[0], 1) if ft.elems else Enum("", 0))
    if tp == m.TYPE_SET:
        return Datum(Kind.SET, SetValue("", 0))
    if tp in m.TIME_TYPES:
        return Datum(Kind.TIME, Time(tp=tp, fsp=max(0, ft.decimal) if tp != m.TYPE_DATE else 0))
    if tp == m.TYPE_DURATION:
        return Datum(Kind.DURATION, 0, "", 0, max(0, ft.decimal))
    if tp == m.TYPE_JSON:
        return Datum(Kind.JSON, json_from_python(None))
    return caster(0)


class ColumnPlan:
    """What the encoder precomputes for one table column."""

    def __init__(self, enc: TableEncoder, col: ColumnInfo, pos: int | None) -> None:
        self.enc = enc
        self.info = col
        self.id = col.id
        self.offset = col.offset
        self.name = col.name
        self.pos = pos
        ft = col.field_type
        self.ft = ft
        self.not_null = ft.not_null
        self.caster = ColumnCaster(col, time_zone=enc.tz, sql_mode=enc.sql_mode)
        self.auto_inc = bool(ft.flag & m.AUTO_INCREMENT_FLAG)
        self.auto_random = enc.auto_random_col_id == col.id
        self.virtual = col.is_virtual_generated
        has_default = col.default is not None or col.default_bit not in (None, "")
        has_origin = col.origin_default is not None or col.origin_default_bit not in (None, "")
        self.skip_if_null = not has_default and not has_origin
        self.always_skip = (
            self.virtual or col.id == enc.handle_col_id or col.id in enc.skipped_pk_ids
        )
        self.default: Datum | None = None
        self.default_error: Exception | None = None
        if not (self.auto_inc or self.auto_random):
            try:
                d = default_datum(col, time_zone=enc.tz, sql_mode=enc.sql_mode, now=enc.now)
                if d.kind == Kind.NULL and self.not_null:
                    if enc.sql_mode.strict:
                        self.default_error = CastError(
                            col.name, None, CastError.NOT_NULL, "no default value"
                        )
                    else:
                        d = zero_datum(col, self.caster)
                self.default = d
            except (DefaultValueError, CastError) as exc:
                self.default_error = exc
        tp = ft.tp
        if tp in m.INTEGER_TYPES or tp == m.TYPE_YEAR:
            self.kind = "uint" if (ft.unsigned and tp != m.TYPE_YEAR) else "int"
        elif tp in m.STRING_TYPES:
            self.kind = "str"
        else:
            self.kind = "datum"
        self.collation = ft.collate or "utf8mb4_bin"
        self.sort_key = get_collator(self.collation, enc.new_collation).key
        self.v1_prefix = b"\x08" + encode_varint(col.id)
        self.fast: Callable[[Literal, int], Any] | None = None
        self._v2_datum: Callable[[Datum], bytes] = lambda d: encode_value_datum(d, enc.tz)
        if tp == m.TYPE_NEWDECIMAL:
            self._plan_decimal()
        elif tp in m.TIME_TYPES:
            self._plan_time()

    def _plan_decimal(self) -> None:
        ft = self.ft
        prec = ft.flen if ft.flen > 0 else 10
        frac = min(max(ft.decimal, 0), 30)
        if prec > 65 or frac > prec:
            return
        head = bytes((prec, frac))
        limit = 10**prec
        unsigned = ft.unsigned
        match = _DEC_RE.match
        slow = self.slow

        def v2(d: Datum) -> bytes:
            if d.length == prec and d.frac == frac:
                return head + decimal_to_bin(d.value, prec, frac)
            return encode_value_datum(d, self.enc.tz)

        def fast(lit: Literal, row_id: int) -> Any:
            if type(lit) is bytes:
                mo = match(lit)
                if mo is not None and (mo.group(2) or mo.group(3)):
                    sign, ip, fp = mo.groups()
                    fp = fp or b""
                    if len(fp) > frac:
                        n = int(ip + fp[:frac] or b"0")
                        if fp[frac] >= 0x35:
                            n += 1
                    else:
                        n = int(ip + fp + b"0" * (frac - len(fp)) or b"0")
                    if n < limit and (not unsigned or not sign or not n) and n < 10**28:
                        text = ("-" if sign and n else "") + str(n)
                        return Datum(Kind.DECIMAL, Decimal(text).scaleb(-frac), "", prec, frac)
            return slow(lit, row_id)

        self._v2_datum = v2
        self.fast = fast

    def _plan_time(self) -> None:
        ft = self.ft
        tp = ft.tp
        enc = self.enc
        utc = enc.tz is _dt.UTC
        if tp == m.TYPE_TIMESTAMP and not utc:
            return
        fsp = 0 if tp == m.TYPE_DATE else min(max(ft.decimal, 0), 6)
        unit = 10 ** (6 - fsp)
        match = _DT_RE.match
        slow = self.slow
        ts_lo, ts_hi = _TS_MIN, _TS_MAX

        def fast(lit: Literal, row_id: int) -> Any:
            if type(lit) is bytes:
                mo = match(lit)
                if mo is not None:
                    y, mo_, d = int(mo[1]), int(mo[2]), int(mo[3])
                    if y and 1 <= mo_ <= 12 and 1 <= d <= days_in_month(y, mo_):
                        if tp == m.TYPE_DATE or mo[4] is None:
                            h = mi = sec = us = 0
                        else:
                            h, mi, sec = int(mo[4]), int(mo[5]), int(mo[6])
                            frac = mo[7]
                            us = 0
                            if frac:
                                tenths = int((frac + b"0000000")[:7])
                                us = (tenths + unit * 5) // (unit * 10) * unit
                        if h < 24 and mi < 60 and sec < 60 and us < 1_000_000:
                            t = Time(y, mo_, d, h, mi, sec, us, tp, fsp)
                            if tp != m.TYPE_TIMESTAMP or ts_lo <= t.to_packed_uint() <= ts_hi:
                                return Datum(Kind.TIME, t)
            return slow(lit, row_id)

        def v2(d: Datum) -> bytes:
            return compact_uint(d.value.to_packed_uint())

        self.fast = fast
        if utc or tp != m.TYPE_TIMESTAMP:
            self._v2_datum = v2

    # natives

    def to_datum(self, v: Any) -> Datum:
        if v is None:
            return NULL
        if self.kind == "int":
            return Datum(Kind.INT64, v)
        if self.kind == "uint":
            return Datum(Kind.UINT64, v)
        if self.kind == "str":
            return Datum(Kind.STRING, v, self.collation)
        assert isinstance(v, Datum)
        return v

    def from_datum(self, d: Datum) -> Any:
        if d.kind == Kind.NULL:
            return None
        if self.kind in ("int", "uint", "str"):
            return d.value
        return d

    def v2_bytes(self, v: Any) -> bytes:
        if self.kind == "int":
            return compact_int(v)
        if self.kind == "uint":
            return compact_uint(v)
        if self.kind == "str":
            return bytes(v)
        return self._v2_datum(v)

    def key_bytes(self, v: Any) -> bytes:
        if v is None:
            return b"\x00"
        if self.kind == "int":
            return _KEY_INT.pack(3, v + _SIGN)
        if self.kind == "uint":
            return _KEY_INT.pack(4, v)
        if self.kind == "str":
            return b"\x01" + encode_bytes(self.sort_key(v))
        return encode_key([v], self.enc.tz, self.enc.new_collation)

    # the full semantics, for everything the generated happy path does not take

    def slow(self, lit: Literal, row_id: int) -> Any:
        """Native value of an input literal (``getActualDatum`` + tracking)."""
        enc = self.enc
        if lit is not None:
            d = self.caster(lit)
        elif not self.not_null:
            return None
        else:
            d = enc._special(self, row_id, True, None)
        if self.auto_inc or self.auto_random:
            enc._track(self, d)
        return self.from_datum(d)

    def missing(self, row_id: int) -> Any:
        """Native value of a column absent from the input."""
        d = self.enc._special(self, row_id, False, None)
        self.enc._track(self, d)
        return self.from_datum(d)

    def inline_check(self) -> str | None:
        """Source of the happy-path test for ``lit`` (None: always take ``slow``)."""
        if self.auto_random:
            return None
        ft = self.ft
        if self.kind in ("int", "uint") and ft.tp in _INT_BITS:
            bits = _INT_BITS[ft.tp]
            lo, hi = (
                (0, (1 << bits) - 1)
                if self.kind == "uint"
                else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
            )
            return f"type(lit) is int and {lo} <= lit <= {hi}"
        if self.kind == "str":
            charset = (ft.charset or "utf8mb4").lower()
            # For ASCII input these charsets cast alike (no validation, one byte per character).
            if charset not in _ASCII_ALIKE or ft.collate == "binary":
                return None
            if ft.tp not in (m.TYPE_STRING, m.TYPE_VARCHAR, m.TYPE_VAR_STRING, *m.BLOB_TYPES):
                return None
            limit = f" and len(lit) <= {ft.flen}" if ft.flen >= 0 else ""
            return f"type(lit) is bytes and lit.isascii(){limit}"
        return None


# Charsets whose cast of an ASCII string is the string itself (``cast._cast_string``).
_ASCII_ALIKE = frozenset({"utf8mb4", "utf8", "utf8mb3", "latin1", "ascii"})


def row_v2_from_natives(enc: TableEncoder, natives: Sequence[Any]) -> bytes:
    """Row format v2 of a row of natives (any NULLs, any column IDs)."""
    parts: list[bytes] = []
    ids: list[int] = []
    nulls: list[int] = []
    for c in enc._row_cols:
        v = natives[c.offset]
        if v is None:
            if not c.skip_if_null:
                nulls.append(c.id)
            continue
        ids.append(c.id)
        parts.append(c.v2_bytes(v))
    data = b"".join(parts)
    offsets = list(itertools.accumulate(map(len, parts)))
    if all(i <= 255 for i in ids) and all(i <= 255 for i in nulls) and len(data) <= 0xFFFF:
        head = (
            bytes((0x80, 0))
            + _U16.pack(len(ids))
            + _U16.pack(len(nulls))
            + bytes(ids)
            + bytes(nulls)
        )
        return head + struct.pack(f"<{len(offsets)}H", *offsets) + data
    head = bytes((0x80, 1)) + _U16.pack(len(ids)) + _U16.pack(len(nulls))
    head += struct.pack(f"<{len(ids) + len(nulls)}I", *ids, *nulls)
    return head + struct.pack(f"<{len(offsets)}I", *offsets) + data


def row_v1_from_natives(enc: TableEncoder, natives: Sequence[Any]) -> bytes:
    """Row format v1 of a row of natives, in table column order."""
    out: list[bytes] = []
    for c in enc._old_row_cols:
        v = natives[c.offset]
        if v is None:
            if c.skip_if_null:
                continue
            out.append(c.v1_prefix + b"\x00")
            continue
        out.append(c.v1_prefix + encode_value([flatten(c.to_datum(v), enc.tz)]))
    return b"".join(out) if out else b"\x00"


def _v2_expr(c: ColumnPlan, var: str) -> str:
    if c.kind == "int":
        return f"(ONE[{var} & 255] if -128 <= {var} <= 127 else CI({var}))"
    if c.kind == "uint":
        return f"(ONE[{var}] if {var} <= 255 else CU({var}))"
    if c.kind == "str":
        return var
    return f"C{c.offset}.v2_bytes({var})"


def _key_expr(c: ColumnPlan, var: str) -> str:
    if c.kind == "int":
        expr = f"KI(3, {var} + SIGN)"
    elif c.kind == "uint":
        expr = f"KI(4, {var})"
    else:
        expr = f"C{c.offset}.key_bytes({var})"
    if c.not_null:
        return expr
    return f'(b"\\x00" if {var} is None else {expr})'


def compile_encoder(
    enc: TableEncoder,
) -> Callable[[Sequence[Literal], int], tuple[KVPairs, KVPairs]]:
    """Generates and compiles the table's encode function (see module docstring)."""
    t = enc.table
    cols: list[ColumnPlan] = enc._cols
    env: dict[str, Any] = {
        "ONE": _ONE_BYTE,
        "CI": compact_int,
        "CU": compact_uint,
        "KI": _KEY_INT.pack,
        "BE64": _BE64.pack,
        "SIGN": _SIGN,
        "U64": _U64,
        "ENC": enc,
        "IDS": enc.auto_ids,
        "GEN": gen_index_kv,
        "T": t,
        "TZ": enc.tz,
        "NC": enc.new_collation,
        "PID": enc.physical_table_id,
        "RP": enc._record_prefix,
        "ROW_V2": row_v2_from_natives,
        "ROW_V1": row_v1_from_natives,
        "ColumnCountError": enc._column_count_error,
    }
    L: list[str] = [
        "def encode(row, row_id):",
        f"    if len(row) != {enc._n_inputs}:",
        "        ColumnCountError(len(row))",
    ]
    for c in cols:
        o = c.offset
        env[f"C{o}"] = c
        env[f"S{o}"] = c.slow
        v = f"n{o}"
        if c.pos is None:
            if (
                c.default is not None
                and c.default_error is None
                and not (c.auto_inc or c.auto_random)
            ):
                env[f"D{o}"] = c.from_datum(c.default)
                L.append(f"    {v} = D{o}")
            else:
                env[f"M{o}"] = c.missing
                L.append(f"    {v} = M{o}(row_id)")
            continue
        check = c.inline_check()
        L.append(f"    lit = row[{c.pos}]")
        if check is None:
            if c.fast is not None:
                env[f"F{o}"] = c.fast
                L.append(f"    {v} = F{o}(lit, row_id)")
            else:
                L.append(f"    {v} = S{o}(lit, row_id)")
            continue
        L.append(f"    if {check}:")
        if c.kind == "str" and c.ft.tp == m.TYPE_STRING:
            L.append(f'        {v} = lit.rstrip(b" ")')
        else:
            L.append(f"        {v} = lit")
        if c.auto_inc and c.kind == "int":
            L.append(f"        if {v} > IDS.auto_increment:")
            L.append(f"            IDS.auto_increment = {v}")
        L.append("    else:")
        L.append(f"        {v} = S{o}(lit, row_id)")
    natives = "[" + ", ".join(f"n{c.offset}" for c in cols) + "]"
    datums = "[" + ", ".join(f"C{c.offset}.to_datum(n{c.offset})" for c in cols) + "]"

    # handle
    if t.pk_is_handle and enc.handle_col_id is not None:
        hc = next(c for c in cols if c.id == enc.handle_col_id)
        h = f"n{hc.offset}"
        if hc.kind == "uint":
            L.append(f"    handle = {h} - 18446744073709551616 if {h} >= SIGN else {h}")
        else:
            L.append(f"    handle = {h}")
        L.append("    hk = BE64(handle + SIGN)")
    elif enc.pk_index is not None:
        L.append(f"    datums = {datums}")
        L.append("    handle = ENC._handle_of(datums, 0)")
        L.append("    hk = handle")
    else:
        L.append("    handle = ENC._row_id(row, row_id)")
        L.append("    hk = BE64(handle + SIGN)")

    # record value
    if enc.row_format_version == 1:
        L.append(f"    value = ROW_V1(ENC, {natives})")
    else:
        row_cols: list[ColumnPlan] = enc._row_cols
        if not row_cols:
            env["EMPTY"] = bytes((0x80, 0, 0, 0, 0, 0))
            L.append("    value = EMPTY")
        elif any(c.id > 255 for c in row_cols):
            L.append(f"    value = ROW_V2(ENC, {natives})")
        else:
            n = len(row_cols)
            env["HDR"] = (
                bytes((0x80, 0)) + _U16.pack(n) + _U16.pack(0) + bytes(c.id for c in row_cols)
            )
            env["OFFS"] = struct.Struct(f"<{n}H").pack
            nullable = [c for c in row_cols if not c.not_null]
            ind = "    "
            if nullable:
                cond = " or ".join(f"n{c.offset} is None" for c in nullable)
                L.append(f"    if {cond}:")
                L.append(f"        value = ROW_V2(ENC, {natives})")
                L.append("    else:")
                ind = "        "
            for i, c in enumerate(row_cols):
                L.append(f"{ind}d{i} = {_v2_expr(c, f'n{c.offset}')}")
            for i in range(n):
                prev = f"e{i - 1} + " if i else ""
                L.append(f"{ind}e{i} = {prev}len(d{i})")
            joined = " + ".join(f"d{i}" for i in range(n))
            L.append(f"{ind}if e{n - 1} > 65535:")
            L.append(f"{ind}    value = ROW_V2(ENC, {natives})")
            L.append(f"{ind}else:")
            offs = ", ".join(f"e{i}" for i in range(n))
            L.append(f"{ind}    value = HDR + OFFS({offs}) + {joined}")

    # indexes
    L.append("    idx = []")
    slow_datums_built = enc.pk_index is not None
    for k, (prefix, icols, unique, info) in enumerate(enc._index_plan):
        env[f"P{k}"] = prefix
        if info is not None:
            env[f"I{k}"] = info
            if not slow_datums_built:
                L.append(f"    datums = {datums}")
                slow_datums_built = True
            L.append(
                f"    idx.append(GEN(T, I{k}, datums, handle, physical_table_id=PID, new_collation=NC, time_zone=TZ))"
            )
            continue
        parts = " + ".join(_key_expr(c, f"n{c.offset}") for c in icols)
        key = f"P{k} + {parts}"
        nonunique = f'({key} + b"\\x03" + hk, b"0")'
        if not unique:
            L.append(f"    idx.append({nonunique})")
            continue
        distinct = f"({key}, BE64(handle & U64))"
        nullable = [c for c in icols if not c.not_null]
        if not nullable:
            L.append(f"    idx.append({distinct})")
        else:
            cond = " and ".join(f"n{c.offset} is not None" for c in nullable)
            L.append(f"    idx.append({distinct} if {cond} else {nonunique})")
    L.append("    return [(RP + hk, value)], idx")
    src = "\n".join(L) + "\n"
    code = compile(src, f"<tidbkv encoder for table {t.name}#{t.id}>", "exec")
    exec(code, env)
    fn: Callable[[Sequence[Literal], int], tuple[KVPairs, KVPairs]] = env["encode"]
    fn.__doc__ = src
    return fn
