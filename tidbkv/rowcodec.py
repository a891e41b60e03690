"""Row values: row format v2 (``pkg/util/rowcodec``) and row format v1 (``EncodeOldRow``).

Row format v2::

    0x80 | flags (0x01 large) | LE16 #not-null | LE16 #null
    | column IDs: not-null ascending, then null ascending (1 byte each; LE32 if large)
    | end offsets of the not-null values (LE16 each; LE32 if large)
    | the not-null values' bytes

"large" is used when a column ID exceeds 255 or the data area exceeds 65535 bytes. Per-type
value bytes (``encode_value_datum``): signed ints the shortest of 1/2/4/8-byte little-endian
that round-trips, unsigned ints likewise; floats ``codec.encode_float``; strings the raw bytes;
decimals ``precision || frac || bin``; DATE/DATETIME/TIMESTAMP the packed uint64 as a compact
unsigned int (TIMESTAMP converted to UTC); TIME nanoseconds as a compact signed int;
ENUM / SET / BIT their uint64 as a compact unsigned int; JSON type byte + body.

Row format v1 is ``encode_value([int(col_id), flatten(value)])`` pairs (a row with no
columns is the single byte 0x00); ``flatten`` turns times into packed uint64s, TIME into int64
nanoseconds and ENUM / SET / BIT into uint64s.

Decoding needs each column's ``schema.FieldType`` to turn the stored bytes back into typed
datums (``unflatten``); TIMESTAMPs are converted from UTC to ``time_zone``.

Public API: ``CODEC_VER``, ``encode_row`` (v2), ``encode_old_row`` (v1), ``encode_value_datum``,
``flatten``, ``is_new_format``, ``decode_row`` (either format → typed datums by column ID),
``decode_row_raw`` (v2 → raw value bytes by column ID), ``decode_old_row_raw`` (v1 → raw
datums by column ID), ``decode_value_datum``, ``unflatten``, ``encode_compact_int``,
``encode_compact_uint``, ``decode_compact_int``, ``decode_compact_uint``,
``encode_from_old_row``.

TiDB names: ``rowcodec.Encoder.Encode(loc, colIDs, datums)`` → ``encode_row(col_ids, datums,
time_zone)``; ``tablecodec.EncodeOldRow`` / ``EncodeRow`` → ``encode_old_row`` / ``encode_row``;
``DatumMapDecoder.DecodeToDatumMap`` / ``tablecodec.DecodeRowToDatumMap`` → ``decode_row``;
``tablecodec.Unflatten`` → ``unflatten``; ``rowcodec.IsNewFormat`` → ``is_new_format``;
``EncodeFromOldRow`` → ``encode_from_old_row``. TiKV's ``RowEncoder::write_row`` is
``encode_row`` too (it sorts the columns by ID the same way).
"""

from __future__ import annotations

import datetime as _dt
import struct
from collections.abc import Mapping, Sequence

from tidbkv import mysqltypes as m
from tidbkv.codec import (
    decode_decimal_full,
    decode_float,
    encode_decimal,
    encode_float,
    encode_value,
)
from tidbkv.codec import (
    decode_one as _decode_one,
)
from tidbkv.datum import NULL, Datum, Enum, Kind, SetValue
from tidbkv.errors import DecodeError
from tidbkv.json_binary import BinaryJSON
from tidbkv.mytime import Time, local_to_utc, utc_to_local
from tidbkv.schema import FieldType

CODEC_VER = 0x80
_FLAG_LARGE = 0x01
_FLAG_CHECKSUM = 0x02
_LE16 = struct.Struct("<H")
_LE32 = struct.Struct("<I")
_I8 = struct.Struct("<b")
_I16 = struct.Struct("<h")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_U64 = struct.Struct("<Q")


def encode_compact_int(v: int) -> bytes:
    """Shortest little-endian int8/16/32/64 holding ``v`` (rowcodec ``encodeInt``)."""
    if -128 <= v <= 127:
        return _I8.pack(v)
    if -32768 <= v <= 32767:
        return _I16.pack(v)
    if -2147483648 <= v <= 2147483647:
        return _I32.pack(v)
    return _I64.pack(v)


def encode_compact_uint(v: int) -> bytes:
    """Shortest little-endian uint8/16/32/64 holding ``v`` (rowcodec ``encodeUint``)."""
    if v <= 0xFF:
        return bytes((v,))
    if v <= 0xFFFF:
        return _LE16.pack(v)
    if v <= 0xFFFFFFFF:
        return _LE32.pack(v)
    return _U64.pack(v)


def decode_compact_int(b: bytes) -> int:
    n = len(b)
    if n == 1:
        return int(_I8.unpack(b)[0])
    if n == 2:
        return int(_I16.unpack(b)[0])
    if n == 4:
        return int(_I32.unpack(b)[0])
    if n == 8:
        return int(_I64.unpack(b)[0])
    raise DecodeError("compact int", b, f"bad length {n}")


def decode_compact_uint(b: bytes) -> int:
    n = len(b)
    if n in (1, 2, 4, 8):
        return int.from_bytes(b, "little")
    raise DecodeError("compact uint", b, f"bad length {n}")


def _bit_uint(v: bytes) -> int:
    return int.from_bytes(bytes(v), "big") & 0xFFFFFFFFFFFFFFFF if v else 0


def _utc(t: Time, tz: _dt.tzinfo | None) -> Time:
    if t.tp == m.TYPE_TIMESTAMP and tz is not None and tz is not _dt.UTC:
        return local_to_utc(t, tz)
    return t


def encode_value_datum(d: Datum, time_zone: _dt.tzinfo | None = None) -> bytes:
    """Row-v2 value bytes of one non-null datum (``rowcodec.encodeValueDatum``)."""
    k = d.kind
    if k == Kind.INT64:
        return encode_compact_int(d.value)
    if k == Kind.UINT64:
        return encode_compact_uint(d.value)
    if k in (Kind.STRING, Kind.BYTES):
        return bytes(d.value)
    if k in (Kind.FLOAT32, Kind.FLOAT64):
        return encode_float(float(d.value))
    if k == Kind.DECIMAL:
        return encode_decimal(d.value, d.length, d.frac)
    if k == Kind.TIME:
        return encode_compact_uint(_utc(d.value, time_zone).to_packed_uint())
    if k == Kind.DURATION:
        return encode_compact_int(d.value)
    if k in (Kind.ENUM, Kind.SET):
        return encode_compact_uint(d.value.value)
    if k in (Kind.BIT, Kind.BINARY_LITERAL):
        return encode_compact_uint(_bit_uint(d.value))
    if k == Kind.JSON:
        return bytes((d.value.type_code,)) + bytes(d.value.value)
    if k in (Kind.NULL, Kind.MIN_NOT_NULL, Kind.MAX_VALUE):
        return b""
    raise DecodeError("datum", b"", f"cannot encode kind {k} in a row")


def encode_row(
    col_ids: Sequence[int], datums: Sequence[Datum], time_zone: _dt.tzinfo | None = None
) -> bytes:
    """Row format v2 of ``datums`` keyed by ``col_ids`` (``rowcodec.Encoder.Encode``).

    NULL datums go to the null-ID list; both lists are sorted by column ID.
    """
    not_null: list[tuple[int, bytes]] = []
    nulls: list[int] = []
    large = False
    for cid, d in zip(col_ids, datums, strict=True):
        if cid > 255:
            large = True
        if d.kind == Kind.NULL:
            nulls.append(cid)
        else:
            not_null.append((cid, encode_value_datum(d, time_zone)))
    not_null.sort(key=lambda x: x[0])
    nulls.sort()
    return _assemble(not_null, nulls, large)


def _assemble(not_null: list[tuple[int, bytes]], nulls: list[int], large: bool) -> bytes:
    data = b"".join(v for _, v in not_null)
    if len(data) > 0xFFFF:
        large = True
    out = bytearray((CODEC_VER, _FLAG_LARGE if large else 0))
    out += _LE16.pack(len(not_null))
    out += _LE16.pack(len(nulls))
    if large:
        for cid, _ in not_null:
            out += _LE32.pack(cid)
        for cid in nulls:
            out += _LE32.pack(cid)
        end = 0
        for _, v in not_null:
            end += len(v)
            out += _LE32.pack(end)
    else:
        out += bytes(cid for cid, _ in not_null)
        out += bytes(nulls)
        end = 0
        for _, v in not_null:
            end += len(v)
            out += _LE16.pack(end)
    out += data
    return bytes(out)


def flatten(d: Datum, time_zone: _dt.tzinfo | None = None) -> Datum:
    """Storage form of a datum for row v1 (``tablecodec.flatten``)."""
    k = d.kind
    if k == Kind.TIME:
        return Datum(Kind.UINT64, _utc(d.value, time_zone).to_packed_uint())
    if k == Kind.DURATION:
        return Datum(Kind.INT64, d.value)
    if k in (Kind.ENUM, Kind.SET):
        return Datum(Kind.UINT64, d.value.value)
    if k in (Kind.BIT, Kind.BINARY_LITERAL):
        return Datum(Kind.UINT64, _bit_uint(d.value))
    return d


def encode_old_row(
    col_ids: Sequence[int], datums: Sequence[Datum], time_zone: _dt.tzinfo | None = None
) -> bytes:
    """Row format v1 (``tablecodec.EncodeOldRow``): ``(int col_id, flattened value)`` pairs in
    the order given; an empty row is ``b"\\x00"``."""
    if not col_ids:
        return b"\x00"
    parts: list[Datum] = []
    for cid, d in zip(col_ids, datums, strict=True):
        parts.append(Datum(Kind.INT64, cid))
        parts.append(flatten(d, time_zone))
    return encode_value(parts)


def encode_from_old_row(old_row: bytes) -> bytes:
    """Row v1 → row v2 (``rowcodec.EncodeFromOldRow``): the stored datums re-encoded."""
    stored = decode_old_row_raw(old_row)
    return encode_row(list(stored), list(stored.values()))


def is_new_format(value: bytes) -> bool:
    """True for row format v2 (first byte 0x80)."""
    return bool(value) and value[0] == CODEC_VER


def decode_row_raw(value: bytes) -> dict[int, bytes | None]:
    """Row v2 → ``{column id: value bytes}``, ``None`` for columns in the null list."""
    if len(value) < 6 or value[0] != CODEC_VER:
        raise DecodeError("row v2", value, "bad header")
    large = bool(value[1] & _FLAG_LARGE)
    n_not_null = _LE16.unpack_from(value, 2)[0]
    n_null = _LE16.unpack_from(value, 4)[0]
    pos = 6
    out: dict[int, bytes | None] = {}
    try:
        if large:
            ids = struct.unpack_from(f"<{n_not_null + n_null}I", value, pos)
            pos += 4 * (n_not_null + n_null)
            offs = struct.unpack_from(f"<{n_not_null}I", value, pos)
            pos += 4 * n_not_null
        else:
            ids = tuple(value[pos : pos + n_not_null + n_null])
            if len(ids) != n_not_null + n_null:
                raise DecodeError("row v2", value, "truncated column ids")
            pos += n_not_null + n_null
            offs = struct.unpack_from(f"<{n_not_null}H", value, pos)
            pos += 2 * n_not_null
    except struct.error as exc:
        raise DecodeError("row v2", value, "truncated header") from exc
    data = value[pos:]
    start = 0
    for i in range(n_not_null):
        end = offs[i]
        if end < start or end > len(data):
            raise DecodeError("row v2", value, "bad offset")
        out[ids[i]] = bytes(data[start:end])
        start = end
    for i in range(n_not_null, n_not_null + n_null):
        out[ids[i]] = None
    return out


def decode_old_row_raw(value: bytes) -> dict[int, Datum]:
    """Row v1 → ``{column id: stored datum}`` (not yet converted to the column type)."""
    out: dict[int, Datum] = {}
    if value == b"\x00":
        return out
    b = value
    while b:
        cid, b = _decode_one(b)
        if not b:
            raise DecodeError("row v1", value, "column id without value")
        d, b = _decode_one(b)
        if cid.kind != Kind.INT64:
            raise DecodeError("row v1", value, "column id is not an int")
        out[int(cid.value)] = d
    return out


def _fsp(ft: FieldType) -> int:
    return max(0, min(6, ft.decimal)) if ft.decimal is not None else 0


def _enum_of(ft: FieldType, v: int) -> Enum:
    # TiDB's Unflatten ignores ParseEnumValue's error and reads the empty enum value
    if 1 <= v <= len(ft.elems):
        return Enum(ft.elems[v - 1], v)
    return Enum("", 0)


def _set_of(ft: FieldType, v: int) -> SetValue:
    if v >> len(ft.elems):
        raise DecodeError("set", b"", f"invalid number {v} for a set of {len(ft.elems)} members")
    names = [e for i, e in enumerate(ft.elems) if v >> i & 1]
    return SetValue(",".join(names), v)


def _bit_bytes(ft: FieldType, v: int) -> bytes:
    width = max(1, (ft.flen + 7) // 8) if ft.flen > 0 else 8
    return v.to_bytes(max(width, (v.bit_length() + 7) // 8), "big")


def _time_of(ft: FieldType, packed: int, tz: _dt.tzinfo | None) -> Time:
    t = Time.from_packed_uint(packed, ft.tp, _fsp(ft) if ft.tp != m.TYPE_DATE else 0)
    if ft.tp == m.TYPE_TIMESTAMP and tz is not None and tz is not _dt.UTC:
        t = utc_to_local(t, tz)
    return t


def decode_value_datum(raw: bytes, ft: FieldType, time_zone: _dt.tzinfo | None = None) -> Datum:
    """Typed datum of a row-v2 value of a column of type ``ft``."""
    tp = ft.tp
    if tp in m.INTEGER_TYPES or tp == m.TYPE_YEAR:
        if ft.unsigned and tp != m.TYPE_YEAR:
            return Datum(Kind.UINT64, decode_compact_uint(raw))
        return Datum(Kind.INT64, decode_compact_int(raw))
    if tp in (m.TYPE_FLOAT, m.TYPE_DOUBLE):
        f, _ = decode_float(raw)
        return Datum(Kind.FLOAT32 if tp == m.TYPE_FLOAT else Kind.FLOAT64, f)
    if tp in m.STRING_TYPES:
        return Datum(Kind.STRING, bytes(raw), ft.collate)
    if tp == m.TYPE_NEWDECIMAL:
        dec, prec, frac, _ = decode_decimal_full(raw)
        return Datum(Kind.DECIMAL, dec, "", prec, frac)
    if tp in m.TIME_TYPES:
        return Datum(Kind.TIME, _time_of(ft, decode_compact_uint(raw), time_zone))
    if tp == m.TYPE_DURATION:
        return Datum(Kind.DURATION, decode_compact_int(raw), "", 0, _fsp(ft))
    if tp == m.TYPE_ENUM:
        return Datum(Kind.ENUM, _enum_of(ft, decode_compact_uint(raw)))
    if tp == m.TYPE_SET:
        return Datum(Kind.SET, _set_of(ft, decode_compact_uint(raw)))
    if tp == m.TYPE_BIT:
        return Datum(Kind.BIT, _bit_bytes(ft, decode_compact_uint(raw)))
    if tp == m.TYPE_JSON:
        if not raw:
            raise DecodeError("json", raw, "empty")
        return Datum(Kind.JSON, BinaryJSON(raw[0], bytes(raw[1:])))
    raise DecodeError("row value", raw, f"unsupported column type {tp}")


def unflatten(d: Datum, ft: FieldType, time_zone: _dt.tzinfo | None = None) -> Datum:
    """A stored datum (row v1 value, index key datum) as the column's type (``Unflatten``)."""
    if d.kind == Kind.NULL:
        return NULL
    tp = ft.tp
    if tp in m.INTEGER_TYPES or tp == m.TYPE_YEAR:
        v = int(d.value)
        if ft.unsigned and tp != m.TYPE_YEAR:
            return Datum(Kind.UINT64, v & 0xFFFFFFFFFFFFFFFF)
        if v >= 1 << 63:
            v -= 1 << 64
        return Datum(Kind.INT64, v)
    if tp == m.TYPE_FLOAT:
        return Datum(Kind.FLOAT32, float(d.value))
    if tp == m.TYPE_DOUBLE:
        return Datum(Kind.FLOAT64, float(d.value))
    if tp in m.STRING_TYPES:
        return Datum(Kind.STRING, bytes(d.value), ft.collate)
    if tp == m.TYPE_NEWDECIMAL:
        return d
    if tp in m.TIME_TYPES:
        return Datum(Kind.TIME, _time_of(ft, int(d.value), time_zone))
    if tp == m.TYPE_DURATION:
        return Datum(Kind.DURATION, int(d.value), "", 0, _fsp(ft))
    if tp == m.TYPE_ENUM:
        return Datum(Kind.ENUM, _enum_of(ft, int(d.value)))
    if tp == m.TYPE_SET:
        return Datum(Kind.SET, _set_of(ft, int(d.value)))
    if tp == m.TYPE_BIT:
        return Datum(Kind.BIT, _bit_bytes(ft, int(d.value)))
    if tp == m.TYPE_JSON:
        return d
    raise DecodeError("datum", b"", f"unsupported column type {tp}")


def decode_row(
    value: bytes,
    field_types: Mapping[int, FieldType],
    time_zone: _dt.tzinfo | None = None,
) -> dict[int, Datum]:
    """Typed datums of the columns of ``field_types`` present in a v1 or v2 row value.

    Columns in the null list (v2) or stored as NULL (v1) map to ``NULL``; columns absent from
    the value are absent from the result (the caller applies defaults).
    """
    out: dict[int, Datum] = {}
    if is_new_format(value):
        for cid, raw in decode_row_raw(value).items():
            ft = field_types.get(cid)
            if ft is None:
                continue
            out[cid] = NULL if raw is None else decode_value_datum(raw, ft, time_zone)
        return out
    for cid, d in decode_old_row_raw(value).items():
        ft = field_types.get(cid)
        if ft is None:
            continue
        out[cid] = unflatten(d, ft, time_zone)
    return out
