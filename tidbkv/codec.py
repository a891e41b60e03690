"""Memcomparable and value codecs of TiDB's ``pkg/util/codec`` (TiKV ``components/codec``).

Public API:

* ``encode_int`` / ``decode_int`` — signed int64, sign bit flipped, big-endian (8 bytes).
* ``encode_uint`` / ``decode_uint`` — uint64 big-endian (8 bytes).
* ``encode_int_desc`` / ``decode_int_desc``, ``encode_uint_desc`` / ``decode_uint_desc``.
* ``encode_bytes`` / ``decode_bytes`` — memcomparable bytes: 8-byte groups + pad marker.
* ``encode_bytes_desc`` / ``decode_bytes_desc``.
* ``encode_varint`` / ``decode_varint``, ``encode_uvarint`` / ``decode_uvarint`` — Go
  ``encoding/binary`` zig-zag varint and LEB128 uvarint.
* ``encode_compact_bytes`` / ``decode_compact_bytes`` — varint length + bytes.
* ``encode_float`` / ``decode_float`` (and ``_desc``) — comparable float64: sign bit set for
  values ``>= 0`` (so -0.0 encodes as +0.0, as in TiDB), all bits inverted for negative ones,
  big-endian.
* ``encode_decimal(value, precision=0, frac=0)`` / ``decode_decimal`` — ``precision || frac ||
  MySQL binary decimal`` (``codec.EncodeDecimal``; precision 0 = the value's own);
  ``decode_decimal_full`` also returns precision and frac.
* ``encode_comparable_varint`` / ``decode_comparable_varint``,
  ``encode_comparable_uvarint`` / ``decode_comparable_uvarint`` — order-preserving varints.
* Datum flags: ``NIL_FLAG`` 0x00, ``BYTES_FLAG`` 0x01, ``COMPACT_BYTES_FLAG`` 0x02,
  ``INT_FLAG`` 0x03, ``UINT_FLAG`` 0x04, ``FLOAT_FLAG`` 0x05, ``DECIMAL_FLAG`` 0x06,
  ``DURATION_FLAG`` 0x07, ``VARINT_FLAG`` 0x08, ``UVARINT_FLAG`` 0x09, ``JSON_FLAG`` 0x0A,
  ``VECTOR_FLOAT32_FLAG`` 0x14, ``MAX_FLAG`` 0xFA; ``INT_HANDLE_FLAG`` = ``INT_FLAG``.
* ``encode_key(datums, time_zone=None, new_collation=True)`` — comparable datum encoding
  (``codec.EncodeKey``: index keys, common handles); strings become collation sort keys.
* ``encode_value(datums, time_zone=None)`` — non-comparable form (``codec.EncodeValue``).
* ``decode_one(b) -> (Datum, rest)``, ``decode_key(b) -> list[Datum]`` (``codec.Decode``; also
  named ``decode``),
  ``cut_one(b) -> (datum bytes, rest)`` (``codec.CutOne``), ``cut_columns``.
* Under TiDB's names: ``encoded_bytes_length`` (``EncodedBytesLength``), ``encode_bytes_ext``
  (``EncodeBytesExt``), ``encode_int_to_cmp_uint`` / ``decode_cmp_uint_to_int``
  (``EncodeIntToCmpUint`` / ``DecodeCmpUintToInt``), ``cut_column_id`` (``CutColumnID``),
  ``encode_mysql_time`` (``EncodeMySQLTime``). ``EncodeInt`` ... ``DecodeComparableUvarint``,
  ``EncodeKey``, ``EncodeValue``, ``DecodeOne``, ``CutOne`` map to the snake_case names above;
  Go's ``(rest, value, err)`` returns become ``(value, rest)`` or an exception.

Datums are ``tidbkv.datum.Datum`` values. Decoding yields the raw kinds the bytes carry
(``INT64``, ``UINT64``, ``FLOAT64``, ``BYTES``, ``DECIMAL``, ``DURATION``, ``JSON``, ``NULL``,
``MAX_VALUE``); converting them back to a column's type (a packed uint64 to a DATETIME, ...)
is ``tidbkv.rowcodec.unflatten``'s job, as in TiDB. ``time_zone`` (a tzinfo, None = UTC) is
the session zone that TIMESTAMP datums are converted from before packing.

Every ``decode_*`` returns ``(value, rest)`` where ``rest`` is the undecoded tail, and raises
``tidbkv.errors.DecodeError`` on malformed input.
"""

from __future__ import annotations

import datetime as _dt
import struct
from collections.abc import Iterable
from decimal import Decimal

from tidbkv import mysqltypes as _m
from tidbkv.datum import Datum, Kind
from tidbkv.errors import DecodeError, TidbKVError
from tidbkv.mydecimal import MAX_DECIMAL_SCALE as _MAX_SCALE
from tidbkv.mydecimal import bin_to_decimal, decimal_to_bin, precision_and_frac
from tidbkv.mytime import Time as _Time
from tidbkv.mytime import local_to_utc as _local_to_utc

_SIGN = 0x8000000000000000
_U64 = 0xFFFFFFFFFFFFFFFF
_BE64 = struct.Struct(">Q")
_BEF64 = struct.Struct(">d")

NIL_FLAG = 0x00
BYTES_FLAG = 0x01
COMPACT_BYTES_FLAG = 0x02
INT_FLAG = 0x03
UINT_FLAG = 0x04
FLOAT_FLAG = 0x05
DECIMAL_FLAG = 0x06
DURATION_FLAG = 0x07
VARINT_FLAG = 0x08
UVARINT_FLAG = 0x09
JSON_FLAG = 0x0A
VECTOR_FLOAT32_FLAG = 0x14
MAX_FLAG = 0xFA
INT_HANDLE_FLAG = INT_FLAG

ENC_GROUP_SIZE = 8
ENC_MARKER = 0xFF
ENC_PAD = 0x00
_PADS = [bytes(i) for i in range(ENC_GROUP_SIZE + 1)]


def encode_int(v: int) -> bytes:
    """Comparable signed int64: ``BE64(u64(v) ^ 0x8000000000000000)``."""
    return _BE64.pack((v & _U64) ^ _SIGN)


def decode_int(b: bytes) -> tuple[int, bytes]:
    if len(b) < 8:
        raise DecodeError("int", b, "need 8 bytes")
    u = _BE64.unpack_from(b)[0] ^ _SIGN
    return (u - (1 << 64) if u & _SIGN else u), b[8:]


def encode_int_desc(v: int) -> bytes:
    return _BE64.pack(~((v & _U64) ^ _SIGN) & _U64)


def decode_int_desc(b: bytes) -> tuple[int, bytes]:
    if len(b) < 8:
        raise DecodeError("int desc", b, "need 8 bytes")
    u = (~_BE64.unpack_from(b)[0] & _U64) ^ _SIGN
    return (u - (1 << 64) if u & _SIGN else u), b[8:]


def encode_uint(v: int) -> bytes:
    """Comparable uint64: plain big-endian."""
    return _BE64.pack(v & _U64)


def decode_uint(b: bytes) -> tuple[int, bytes]:
    if len(b) < 8:
        raise DecodeError("uint", b, "need 8 bytes")
    return _BE64.unpack_from(b)[0], b[8:]


def encode_uint_desc(v: int) -> bytes:
    return _BE64.pack(~v & _U64)


def decode_uint_desc(b: bytes) -> tuple[int, bytes]:
    if len(b) < 8:
        raise DecodeError("uint desc", b, "need 8 bytes")
    return ~_BE64.unpack_from(b)[0] & _U64, b[8:]


_MARKERS = [bytes((ENC_MARKER - i,)) for i in range(ENC_GROUP_SIZE + 1)]


def encode_bytes(data: bytes) -> bytes:
    """Memcomparable bytes (``codec.EncodeBytes``): groups of 8 + marker ``0xFF - pad``."""
    n = len(data)
    full = n - n % ENC_GROUP_SIZE
    pad = ENC_GROUP_SIZE - (n - full)
    tail = data[full:] + _PADS[pad] + _MARKERS[pad]
    if not full:
        return bytes(tail)
    groups = [data[i : i + ENC_GROUP_SIZE] for i in range(0, full, ENC_GROUP_SIZE)]
    return b"\xff".join(groups) + b"\xff" + tail


def decode_bytes(b: bytes) -> tuple[bytes, bytes]:
    """Inverse of ``encode_bytes``; checks pad bytes and markers."""
    out = bytearray()
    pos = 0
    while True:
        group = b[pos : pos + ENC_GROUP_SIZE + 1]
        if len(group) < ENC_GROUP_SIZE + 1:
            raise DecodeError("bytes", b, "insufficient bytes to decode value")
        marker = group[ENC_GROUP_SIZE]
        pad = ENC_MARKER - marker
        if pad > ENC_GROUP_SIZE:
            raise DecodeError("bytes", b, f"invalid marker byte {marker:#x}")
        real = ENC_GROUP_SIZE - pad
        out += group[:real]
        pos += ENC_GROUP_SIZE + 1
        if pad:
            if group[real:ENC_GROUP_SIZE] != _PADS[pad]:
                raise DecodeError("bytes", b, "invalid padding")
            return bytes(out), b[pos:]


def encode_bytes_desc(data: bytes) -> bytes:
    return bytes(x ^ 0xFF for x in encode_bytes(data))


def decode_bytes_desc(b: bytes) -> tuple[bytes, bytes]:
    inverted = bytes(x ^ 0xFF for x in b)
    value, rest = decode_bytes(inverted)
    return value, b[len(b) - len(rest) :]


def encode_uvarint(v: int) -> bytes:
    """LEB128: 7 bits per byte, least significant first, high bit = more."""
    v &= _U64
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def decode_uvarint(b: bytes) -> tuple[int, bytes]:
    result = 0
    shift = 0
    for i, byte in enumerate(b):
        if i == 10 or (i == 9 and byte > 1):
            raise DecodeError("uvarint", b, "value overflows a 64-bit integer")
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, b[i + 1 :]
        shift += 7
    raise DecodeError("uvarint", b, "insufficient bytes to decode value")


def encode_varint(v: int) -> bytes:
    """Zig-zag then uvarint: 0->0, -1->1, 1->2, -2->3."""
    return encode_uvarint(((v << 1) ^ (v >> 63)) & _U64)


def decode_varint(b: bytes) -> tuple[int, bytes]:
    u, rest = decode_uvarint(b)
    v = u >> 1
    return (~v if u & 1 else v), rest


def encode_compact_bytes(data: bytes) -> bytes:
    return encode_varint(len(data)) + data


def decode_compact_bytes(b: bytes) -> tuple[bytes, bytes]:
    n, rest = decode_varint(b)
    if n < 0 or len(rest) < n:
        raise DecodeError("compact bytes", b, f"length {n} exceeds {len(rest)} bytes left")
    return rest[:n], rest[n:]


# --------------------------------------------------------------------------------------------
# float64


def _float_to_cmp(f: float) -> int:
    # TiDB branches on ``f >= 0``, not on the sign bit, so -0.0 (bits 0x8000000000000000)
    # takes the non-negative branch and encodes exactly like +0.0. (TiKV's
    # ``encode_f64_to_comparable_u64`` uses ``is_sign_positive`` and would give 0x7fff...;
    # the bytes in the store are TiDB's.)
    u = int(_BE64.unpack(_BEF64.pack(f))[0])
    if f >= 0:
        return u | _SIGN
    return ~u & _U64


def _cmp_to_float(u: int) -> float:
    u = u & ~_SIGN if u & _SIGN else ~u & _U64
    return float(_BEF64.unpack(_BE64.pack(u))[0])


def encode_float(f: float) -> bytes:
    """Comparable float64 (``codec.EncodeFloat``); -0.0 encodes (and so decodes) as +0.0."""
    return _BE64.pack(_float_to_cmp(f))


def decode_float(b: bytes) -> tuple[float, bytes]:
    if len(b) < 8:
        raise DecodeError("float", b, "need 8 bytes")
    return _cmp_to_float(_BE64.unpack_from(b)[0]), b[8:]


def encode_float_desc(f: float) -> bytes:
    return _BE64.pack(~_float_to_cmp(f) & _U64)


def decode_float_desc(b: bytes) -> tuple[float, bytes]:
    if len(b) < 8:
        raise DecodeError("float desc", b, "need 8 bytes")
    return _cmp_to_float(~_BE64.unpack_from(b)[0] & _U64), b[8:]


# --------------------------------------------------------------------------------------------
# decimal


def encode_decimal(value: Decimal, precision: int = 0, frac: int = 0) -> bytes:
    """``precision || frac || bin`` (``codec.EncodeDecimal``).

    ``precision == 0`` takes the value's own minimal precision and fraction digits
    (``MyDecimal.PrecisionAndFrac``); a frac above 30 is capped at 30.
    """
    if precision == 0:
        precision, frac = precision_and_frac(value)
    frac = min(frac, _MAX_SCALE)
    return bytes((precision, frac)) + decimal_to_bin(value, precision, frac)


def decode_decimal_full(b: bytes) -> tuple[Decimal, int, int, bytes]:
    """``(value, precision, frac, rest)``; the value has exactly ``frac`` fraction digits."""
    if len(b) < 3:
        raise DecodeError("decimal", b, "too short")
    precision, frac = b[0], b[1]
    value, rest = bin_to_decimal(b[2:], precision, frac)
    return value, precision, frac, rest


def decode_decimal(b: bytes) -> tuple[Decimal, bytes]:
    value, _, _, rest = decode_decimal_full(b)
    return value, rest


# --------------------------------------------------------------------------------------------
# comparable varints (codec.EncodeComparableVarint / EncodeComparableUvarint)

_NEG_TAG_END = 8
_POS_TAG_START = 0xFF - 8


def encode_comparable_uvarint(v: int) -> bytes:
    """Order-preserving uvarint: 0..239 are one byte ``v + 8``, else ``0xF7 + n`` then n BE bytes."""
    v &= _U64
    if v <= _POS_TAG_START - _NEG_TAG_END:
        return bytes((v + _NEG_TAG_END,))
    n = (v.bit_length() + 7) // 8
    return bytes((_POS_TAG_START + n,)) + v.to_bytes(n, "big")


def decode_comparable_uvarint(b: bytes) -> tuple[int, bytes]:
    if not b:
        raise DecodeError("comparable uvarint", b, "empty")
    first = b[0]
    if first < _NEG_TAG_END:
        raise DecodeError("comparable uvarint", b, "negative value")
    if first <= _POS_TAG_START:
        return first - _NEG_TAG_END, b[1:]
    n = first - _POS_TAG_START
    if len(b) < 1 + n:
        raise DecodeError("comparable uvarint", b, "truncated")
    return int.from_bytes(b[1 : 1 + n], "big"), b[1 + n :]


def encode_comparable_varint(v: int) -> bytes:
    """Order-preserving signed varint (``codec.EncodeComparableVarint``): a negative value is
    ``8 - n`` then its low n bytes, n the fewest with ``v >= -(2**(8n) - 1)``."""
    if v >= 0:
        return encode_comparable_uvarint(v)
    n = 1
    while n < 8 and v < -((1 << (8 * n)) - 1):
        n += 1
    return bytes((_NEG_TAG_END - n,)) + (v & _U64).to_bytes(8, "big")[8 - n :]


def decode_comparable_varint(b: bytes) -> tuple[int, bytes]:
    if not b:
        raise DecodeError("comparable varint", b, "empty")
    first = b[0]
    if _NEG_TAG_END <= first <= _POS_TAG_START:
        return first - _NEG_TAG_END, b[1:]
    if first < _NEG_TAG_END:
        n = _NEG_TAG_END - first
        if len(b) < 1 + n:
            raise DecodeError("comparable varint", b, "truncated")
        u = int.from_bytes(b"\xff" * (8 - n) + b[1 : 1 + n], "big")
        if u < 1 << 63:
            raise DecodeError("comparable varint", b, "overflows int64")
        return u - (1 << 64), b[1 + n :]
    u, rest = decode_comparable_uvarint(b)
    if u >= 1 << 63:
        raise DecodeError("comparable varint", b, "overflows int64")
    return u, rest


# --------------------------------------------------------------------------------------------
# datums


class EncodeError(TidbKVError, ValueError):
    """A datum cannot be encoded (unsupported kind, bad value)."""

    def __init__(self, kind: int, reason: str) -> None:
        super().__init__(f"cannot encode datum of kind {kind}: {reason}")
        self.kind = kind
        self.reason = reason


def _to_utc(t: _Time, time_zone: _dt.tzinfo | None) -> _Time:
    if t.tp == _m.TYPE_TIMESTAMP and time_zone is not None and time_zone is not _dt.UTC:
        return _local_to_utc(t, time_zone)
    return t


def _bit_to_uint(v: bytes) -> int:
    v = bytes(v).lstrip(b"\x00")
    if len(v) > 8:
        raise EncodeError(Kind.BIT, "binary literal longer than 8 bytes")
    return int.from_bytes(v, "big") if v else 0


def _sort_key(v: bytes, collation: str, new_collation: bool) -> bytes:
    from tidbkv.collate import get_collator

    return get_collator(collation, new_collation).key(v)


def _encode_datum(
    out: bytearray, d: Datum, comparable: bool, tz: _dt.tzinfo | None, new_collation: bool
) -> None:
    k = d.kind
    if k == Kind.INT64:
        if comparable:
            out.append(INT_FLAG)
            out += encode_int(d.value)
        else:
            out.append(VARINT_FLAG)
            out += encode_varint(d.value)
    elif k == Kind.UINT64:
        if comparable:
            out.append(UINT_FLAG)
            out += encode_uint(d.value)
        else:
            out.append(UVARINT_FLAG)
            out += encode_uvarint(d.value)
    elif k in (Kind.STRING, Kind.BYTES):
        raw = bytes(d.value)
        if comparable:
            if k == Kind.STRING:
                raw = _sort_key(raw, d.collation, new_collation)
            out.append(BYTES_FLAG)
            out += encode_bytes(raw)
        else:
            out.append(COMPACT_BYTES_FLAG)
            out += encode_compact_bytes(raw)
    elif k in (Kind.FLOAT32, Kind.FLOAT64):
        out.append(FLOAT_FLAG)
        out += encode_float(float(d.value))
    elif k == Kind.DECIMAL:
        out.append(DECIMAL_FLAG)
        out += encode_decimal(d.value, d.length, d.frac)
    elif k == Kind.TIME:
        out.append(UINT_FLAG)
        out += encode_uint(_to_utc(d.value, tz).to_packed_uint())
    elif k == Kind.DURATION:
        out.append(DURATION_FLAG)
        out += encode_int(d.value)
    elif k in (Kind.ENUM, Kind.SET):
        v = int(d.value.value)
        if comparable:
            out.append(UINT_FLAG)
            out += encode_uint(v)
        else:
            out.append(UVARINT_FLAG)
            out += encode_uvarint(v)
    elif k in (Kind.BIT, Kind.BINARY_LITERAL):
        v = _bit_to_uint(d.value)
        if comparable:
            out.append(UINT_FLAG)
            out += encode_uint(v)
        else:
            out.append(UVARINT_FLAG)
            out += encode_uvarint(v)
    elif k == Kind.JSON:
        out.append(JSON_FLAG)
        out.append(d.value.type_code)
        out += d.value.value
    elif k == Kind.NULL:
        out.append(NIL_FLAG)
    elif k == Kind.MIN_NOT_NULL:
        out.append(BYTES_FLAG)
    elif k == Kind.MAX_VALUE:
        out.append(MAX_FLAG)
    else:
        raise EncodeError(k, "unsupported kind")


def encode_key(
    datums: Iterable[Datum], time_zone: _dt.tzinfo | None = None, new_collation: bool = True
) -> bytes:
    """Comparable encoding of ``datums`` (``codec.EncodeKey``), each prefixed by its flag."""
    out = bytearray()
    for d in datums:
        _encode_datum(out, d, True, time_zone, new_collation)
    return bytes(out)


def encode_value(datums: Iterable[Datum], time_zone: _dt.tzinfo | None = None) -> bytes:
    """Non-comparable encoding of ``datums`` (``codec.EncodeValue``)."""
    out = bytearray()
    for d in datums:
        _encode_datum(out, d, False, time_zone, False)
    return bytes(out)


def decode_one(b: bytes) -> tuple[Datum, bytes]:
    """Decodes one flag-prefixed datum (``codec.DecodeOne``): ``(datum, rest)``."""
    if not b:
        raise DecodeError("datum", b, "empty")
    flag = b[0]
    rest = b[1:]
    if flag == INT_FLAG:
        v, rest = decode_int(rest)
        return Datum(Kind.INT64, v), rest
    if flag == UINT_FLAG:
        u, rest = decode_uint(rest)
        return Datum(Kind.UINT64, u), rest
    if flag == VARINT_FLAG:
        v, rest = decode_varint(rest)
        return Datum(Kind.INT64, v), rest
    if flag == UVARINT_FLAG:
        u, rest = decode_uvarint(rest)
        return Datum(Kind.UINT64, u), rest
    if flag == FLOAT_FLAG:
        f, rest = decode_float(rest)
        return Datum(Kind.FLOAT64, f), rest
    if flag == BYTES_FLAG:
        data, rest = decode_bytes(rest)
        return Datum(Kind.BYTES, data), rest
    if flag == COMPACT_BYTES_FLAG:
        data, rest = decode_compact_bytes(rest)
        return Datum(Kind.BYTES, bytes(data)), rest
    if flag == DECIMAL_FLAG:
        dec, prec, frac, rest = decode_decimal_full(rest)
        return Datum(Kind.DECIMAL, dec, "", prec, frac), rest
    if flag == DURATION_FLAG:
        v, rest = decode_int(rest)
        return Datum(Kind.DURATION, v, "", 0, 6), rest
    if flag == JSON_FLAG:
        from tidbkv.json_binary import decode_json

        j, rest = decode_json(rest)
        return Datum(Kind.JSON, j), rest
    if flag == NIL_FLAG:
        return Datum(Kind.NULL), rest
    if flag == MAX_FLAG:
        return Datum(Kind.MAX_VALUE), rest
    raise DecodeError("datum", b, f"invalid encoded key flag {flag:#x}")


def decode_key(b: bytes) -> list[Datum]:
    """Decodes every datum of ``b`` (``codec.Decode``)."""
    out = []
    while b:
        d, b = decode_one(b)
        out.append(d)
    return out


def _peek(b: bytes) -> int:
    """Length of the flag-prefixed datum at the start of ``b`` (``codec.peek``)."""
    if not b:
        raise DecodeError("datum", b, "empty")
    flag = b[0]
    body = b[1:]
    if flag in (NIL_FLAG, MAX_FLAG):
        n = 0
    elif flag in (INT_FLAG, UINT_FLAG, FLOAT_FLAG, DURATION_FLAG):
        n = 8
    elif flag == BYTES_FLAG:
        _, rest = decode_bytes(body)
        n = len(body) - len(rest)
    elif flag == COMPACT_BYTES_FLAG:
        _, rest = decode_compact_bytes(body)
        n = len(body) - len(rest)
    elif flag == DECIMAL_FLAG:
        from tidbkv.mydecimal import decimal_bin_size

        if len(body) < 2:
            raise DecodeError("decimal", b, "too short")
        n = 2 + decimal_bin_size(body[0], body[1])
    elif flag == VARINT_FLAG:
        _, rest = decode_varint(body)
        n = len(body) - len(rest)
    elif flag == UVARINT_FLAG:
        _, rest = decode_uvarint(body)
        n = len(body) - len(rest)
    elif flag == JSON_FLAG:
        from tidbkv.json_binary import json_body_len

        if not body:
            raise DecodeError("json", b, "empty")
        n = 1 + json_body_len(body[0], body, 1)
    else:
        raise DecodeError("datum", b, f"invalid encoded key flag {flag:#x}")
    if len(body) < n:
        raise DecodeError("datum", b, "truncated")
    return 1 + n


def cut_one(b: bytes) -> tuple[bytes, bytes]:
    """Splits off the first flag-prefixed datum: ``(its bytes, rest)`` (``codec.CutOne``)."""
    n = _peek(b)
    return b[:n], b[n:]


def cut_columns(b: bytes, count: int) -> tuple[list[bytes], bytes]:
    """Splits off ``count`` datums: ``([datum bytes...], rest)``."""
    out = []
    for _ in range(count):
        d, b = cut_one(b)
        out.append(d)
    return out, b


def decode(b: bytes, size_hint: int = 0) -> list[Datum]:
    """``codec.Decode(b, size)``: every datum of ``b`` (the size is only a capacity hint)."""
    del size_hint
    return decode_key(b)


# --------------------------------------------------------------------------------------------
# small helpers under their TiDB names


def encoded_bytes_length(data_len: int) -> int:
    """Length of ``encode_bytes`` of ``data_len`` bytes (``codec.EncodedBytesLength``)."""
    return (data_len // ENC_GROUP_SIZE + 1) * (ENC_GROUP_SIZE + 1)


def encode_bytes_ext(data: bytes, is_raw_kv: bool) -> bytes:
    """``codec.EncodeBytesExt``: the bytes as they are for raw KV, else ``encode_bytes``."""
    return bytes(data) if is_raw_kv else encode_bytes(data)


def encode_int_to_cmp_uint(v: int) -> int:
    """The uint64 whose big-endian bytes are ``encode_int(v)`` (``codec.EncodeIntToCmpUint``)."""
    return (v & _U64) ^ _SIGN


def decode_cmp_uint_to_int(u: int) -> int:
    """Inverse of ``encode_int_to_cmp_uint`` (``codec.DecodeCmpUintToInt``)."""
    v = (u & _U64) ^ _SIGN
    return v - (1 << 64) if v & _SIGN else v


def cut_column_id(b: bytes) -> tuple[bytes, int]:
    """``(rest, column ID)`` of a row-v1 column ID datum (``codec.CutColumnID``: skip the
    flag byte, then a varint)."""
    if not b:
        raise DecodeError("column id", b, "invalid encoded key")
    n, rest = decode_varint(b[1:])
    return rest, n


def encode_mysql_time(t: _Time, time_zone: _dt.tzinfo | None = None) -> bytes:
    """``codec.EncodeMySQLTime``: ``encode_uint`` of the packed time (a TIMESTAMP converted
    from ``time_zone`` to UTC first); no flag byte."""
    return encode_uint(_to_utc(t, time_zone).to_packed_uint())
