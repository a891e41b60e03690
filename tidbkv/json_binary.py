"""TiDB's binary JSON (``pkg/types/json_binary.go``; TiKV ``codec/mysql/json``).

A value is a type code plus a body. Type codes: object 0x01, array 0x03, literal 0x04
(null 0x00 / true 0x01 / false 0x02), int64 0x09, uint64 0x0A, float64 0x0B, string 0x0C,
opaque 0x0D, date 0x0E, datetime 0x0F, timestamp 0x10, time 0x11.

* scalars: int64 / uint64 / float64 are 8 bytes little-endian; a string is
  ``uvarint(len) || utf8``; opaque is ``mysql type byte || uvarint(len) || bytes``;
  date / datetime / timestamp are a packed time (``mytime``) as LE64; time is LE64 nanoseconds
  then LE32 fsp.
* object: ``LE32 count, LE32 total size, count * (LE32 key offset, LE16 key len),
  count * value entry, keys, values``; keys sorted bytewise.
* array: ``LE32 count, LE32 total size, count * value entry, values``.
* value entry: ``type byte || LE32 offset`` from the start of the container body; literals are
  inlined (the first of the 4 bytes is the literal code).

Python side: ``json_from_python`` takes ``None``/``bool``/``int``/``float``/``str``/``list``/
``dict`` (ints below 2**63 become int64, up to 2**64-1 uint64, larger ones float64, as TiDB's
JSON parser does); ``json_to_python`` returns the same kinds (opaque → ``Opaque``, temporal →
``mytime.Time`` / ``JSONDuration``). ``parse_json_text`` / ``json_to_text`` convert from and to
the JSON text TiDB accepts and prints.

Public API: ``BinaryJSON``, ``Opaque``, ``JSONDuration``, ``JSONError``, the ``TYPE_*`` codes,
``json_from_python``, ``json_to_python``, ``parse_json_text``, ``json_to_text``,
``encode_json`` / ``decode_json`` (type byte + body, as stored in row values and after a
``jsonFlag`` in datum encodings), ``json_body_len``, ``MAX_JSON_DEPTH``, ``json_elem_depth``,
``go_decode_utf8``.

TiDB names: ``ParseBinaryJSONFromString`` → ``parse_json_text`` (alias
``parse_binary_json_from_string``); ``CreateBinaryJSON`` → ``json_from_python`` (alias
``create_binary_json``); ``BinaryJSON.String()`` → ``json_to_text``;
``BinaryJSON.GetElemDepth`` → ``json_elem_depth(json_to_python(bj))``; ``TypeCode`` / ``Value``
→ ``BinaryJSON.type_code`` / ``.value``.
"""

from __future__ import annotations

import codecs
import json as _json
import math
import re
import struct
from typing import Any, NamedTuple

from tidbkv import mysqltypes as m
from tidbkv.codec import decode_uvarint, encode_uvarint
from tidbkv.errors import DecodeError, TidbKVError
from tidbkv.mytime import Time, format_duration

TYPE_OBJECT = 0x01
TYPE_ARRAY = 0x03
TYPE_LITERAL = 0x04
TYPE_INT64 = 0x09
TYPE_UINT64 = 0x0A
TYPE_FLOAT64 = 0x0B
TYPE_STRING = 0x0C
TYPE_OPAQUE = 0x0D
TYPE_DATE = 0x0E
TYPE_DATETIME = 0x0F
TYPE_TIMESTAMP = 0x10
TYPE_TIME = 0x11

LITERAL_NULL = 0x00
LITERAL_TRUE = 0x01
LITERAL_FALSE = 0x02

_LE32 = struct.Struct("<I")
_LE16 = struct.Struct("<H")
_LE64 = struct.Struct("<Q")
_LEI64 = struct.Struct("<q")
_LEF64 = struct.Struct("<d")
_HEADER = 8
_KEY_ENTRY = 6
_VAL_ENTRY = 5


class JSONError(TidbKVError, ValueError):
    """Text is not valid JSON, or a value cannot be represented."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid JSON: {reason}")
        self.reason = reason


class BinaryJSON(NamedTuple):
    """A binary JSON value: type code and body bytes."""

    type_code: int
    value: bytes


class Opaque(NamedTuple):
    """A JSON opaque value: MySQL type code and raw bytes."""

    tp: int
    data: bytes


class JSONDuration(NamedTuple):
    """A JSON time value: nanoseconds and fsp."""

    nanos: int
    fsp: int


# --------------------------------------------------------------------------------------------
# Python → binary


def _append(buf: bytearray, v: Any) -> int:
    """Appends the body of ``v``; returns its type code."""
    if v is None:
        buf.append(LITERAL_NULL)
        return TYPE_LITERAL
    if v is True:
        buf.append(LITERAL_TRUE)
        return TYPE_LITERAL
    if v is False:
        buf.append(LITERAL_FALSE)
        return TYPE_LITERAL
    if isinstance(v, int):
        if -(1 << 63) <= v < (1 << 63):
            buf += _LEI64.pack(v)
            return TYPE_INT64
        if 0 <= v < (1 << 64):
            buf += _LE64.pack(v)
            return TYPE_UINT64
        v = float(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise JSONError("NaN and infinity are not JSON numbers")
        buf += _LEF64.pack(v)
        return TYPE_FLOAT64
    if isinstance(v, str):
        data = v.encode("utf-8")
        buf += encode_uvarint(len(data))
        buf += data
        return TYPE_STRING
    if isinstance(v, dict):
        _append_object(buf, v)
        return TYPE_OBJECT
    if isinstance(v, list | tuple):
        _append_array(buf, list(v))
        return TYPE_ARRAY
    if isinstance(v, Opaque):
        buf.append(v.tp)
        buf += encode_uvarint(len(v.data))
        buf += v.data
        return TYPE_OPAQUE
    if isinstance(v, Time):
        buf += _LE64.pack(v.to_packed_uint())
        if v.tp == m.TYPE_DATE:
            return TYPE_DATE
        return TYPE_TIMESTAMP if v.tp == m.TYPE_TIMESTAMP else TYPE_DATETIME
    if isinstance(v, JSONDuration):
        buf += _LEI64.pack(v.nanos)
        buf += _LE32.pack(v.fsp)
        return TYPE_TIME
    raise JSONError(f"cannot represent {type(v).__name__}")


def _append_value_entry(buf: bytearray, doc_off: int, entry_off: int, v: Any) -> None:
    elem_off = len(buf)
    tc = _append(buf, v)
    if tc == TYPE_LITERAL:
        lit = buf[elem_off]
        del buf[elem_off:]
        buf[entry_off] = tc
        buf[entry_off + 1] = lit
        return
    buf[entry_off] = tc
    _LE32.pack_into(buf, entry_off + 1, elem_off - doc_off)


def _append_object(buf: bytearray, obj: dict[str, Any]) -> None:
    doc_off = len(buf)
    items = sorted(((k.encode("utf-8"), v) for k, v in obj.items()), key=lambda kv: kv[0])
    n = len(items)
    buf += _LE32.pack(n)
    buf += bytes(4)
    key_begin = len(buf)
    buf += bytes(n * _KEY_ENTRY)
    val_begin = len(buf)
    buf += bytes(n * _VAL_ENTRY)
    for i, (k, _) in enumerate(items):
        if len(k) > 0xFFFF:
            raise JSONError("object key longer than 65535 bytes")
        off = key_begin + i * _KEY_ENTRY
        _LE32.pack_into(buf, off, len(buf) - doc_off)
        _LE16.pack_into(buf, off + 4, len(k))
        buf += k
    for i, (_, v) in enumerate(items):
        _append_value_entry(buf, doc_off, val_begin + i * _VAL_ENTRY, v)
    _LE32.pack_into(buf, doc_off + 4, len(buf) - doc_off)


def _append_array(buf: bytearray, arr: list[Any]) -> None:
    doc_off = len(buf)
    n = len(arr)
    buf += _LE32.pack(n)
    buf += bytes(4)
    val_begin = len(buf)
    buf += bytes(n * _VAL_ENTRY)
    for i, v in enumerate(arr):
        _append_value_entry(buf, doc_off, val_begin + i * _VAL_ENTRY, v)
    _LE32.pack_into(buf, doc_off + 4, len(buf) - doc_off)


def json_from_python(v: Any) -> BinaryJSON:
    """Binary JSON of a Python value (``CreateBinaryJSON``)."""
    buf = bytearray()
    tc = _append(buf, v)
    return BinaryJSON(tc, bytes(buf))


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        out[k] = v
    return out


def _reject_constant(name: str) -> Any:
    raise JSONError(f"{name} is not valid JSON")


MAX_JSON_DEPTH = 100
"""TiDB's ``maxJSONDepth``: ``GetElemDepth() - 1`` above this is ``ErrJSONDocumentTooDeep``."""

_SURROGATES = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _go_replace(exc: UnicodeError) -> tuple[str, int]:
    # Go's utf8.DecodeRune reports an invalid sequence one byte at a time, and
    # encoding/json writes U+FFFD for each such byte.
    assert isinstance(exc, UnicodeDecodeError)
    return "\ufffd", exc.start + 1


codecs.register_error("tidbkv.go_utf8", _go_replace)


def go_decode_utf8(data: bytes) -> str:
    """UTF-8 decoding as Go's ``encoding/json`` does it inside strings: each byte that does
    not start a valid sequence becomes U+FFFD (Python's ``'replace'`` would fold a truncated
    sequence into one U+FFFD)."""
    return data.decode("utf-8", "tidbkv.go_utf8")


def _replace_surrogates(v: Any) -> Any:
    if isinstance(v, str):
        return _SURROGATES.sub("\ufffd", v)
    if isinstance(v, list):
        return [_replace_surrogates(x) for x in v]
    if isinstance(v, dict):
        out: dict[str, Any] = {}
        for k, x in v.items():
            out[_SURROGATES.sub("\ufffd", k)] = _replace_surrogates(x)
        return out
    return v


def json_elem_depth(v: Any) -> int:
    """``BinaryJSON.GetElemDepth`` of a Python JSON value: 1 for a scalar or an empty
    container, otherwise 1 + the deepest element."""
    if isinstance(v, dict):
        return 1 + max((json_elem_depth(x) for x in v.values()), default=0)
    if isinstance(v, list | tuple):
        return 1 + max((json_elem_depth(x) for x in v), default=0)
    return 1


def parse_json_text(text: str | bytes) -> BinaryJSON:
    """Parses JSON text (``ParseBinaryJSONFromString``) like TiDB's Go decoder:

    * duplicate keys keep the last value (an earlier, dropped value is never converted, so
      ``{"a":1e400,"a":0}`` is valid);
    * numbers with ``.``/``e``/``E`` are float64; otherwise int64, then uint64, then float64;
      out-of-range floats (``1e400``), ``NaN``, ``Infinity`` are errors;
    * invalid UTF-8 bytes inside strings and keys become U+FFFD one byte at a time, and so
      do unpaired ``\\uD800``-style surrogate escapes;
    * nesting deeper than ``MAX_JSON_DEPTH`` (100) containers, or a key of 65536+ bytes, is an
      error.
    """
    try:
        s = go_decode_utf8(text) if isinstance(text, bytes) else text
        obj = _json.loads(
            s,
            object_pairs_hook=_object_pairs,
            parse_constant=_reject_constant,
            parse_float=float,
        )
    except RecursionError as exc:
        raise JSONError("The JSON document exceeds the maximum depth.") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, JSONError):
            raise
        raise JSONError(str(exc)) from exc
    if _SURROGATE_ESCAPE.search(s) or _SURROGATES.search(s):
        obj = _replace_surrogates(obj)
    if json_elem_depth(obj) - 1 > MAX_JSON_DEPTH:
        raise JSONError("The JSON document exceeds the maximum depth.")
    return json_from_python(obj)


# --------------------------------------------------------------------------------------------
# binary → Python / text


def _value_at(tc: int, data: bytes, off: int) -> Any:
    if tc == TYPE_LITERAL:
        lit = data[off]
        if lit == LITERAL_NULL:
            return None
        if lit == LITERAL_TRUE:
            return True
        if lit == LITERAL_FALSE:
            return False
        raise DecodeError("json literal", data, f"bad literal {lit:#x}")
    if tc == TYPE_INT64:
        return _LEI64.unpack_from(data, off)[0]
    if tc == TYPE_UINT64:
        return _LE64.unpack_from(data, off)[0]
    if tc == TYPE_FLOAT64:
        return _LEF64.unpack_from(data, off)[0]
    if tc == TYPE_STRING:
        n, rest = decode_uvarint(data[off:])
        start = len(data) - len(rest)
        return data[start : start + n].decode("utf-8", "surrogateescape")
    if tc == TYPE_OPAQUE:
        tp = data[off]
        n, rest = decode_uvarint(data[off + 1 :])
        start = len(data) - len(rest)
        return Opaque(tp, bytes(data[start : start + n]))
    if tc in (TYPE_DATE, TYPE_DATETIME, TYPE_TIMESTAMP):
        packed = _LE64.unpack_from(data, off)[0]
        tp = {TYPE_DATE: m.TYPE_DATE, TYPE_DATETIME: m.TYPE_DATETIME}.get(tc, m.TYPE_TIMESTAMP)
        return Time.from_packed_uint(packed, tp, 6 if tp != m.TYPE_DATE else 0)
    if tc == TYPE_TIME:
        return JSONDuration(_LEI64.unpack_from(data, off)[0], _LE32.unpack_from(data, off + 8)[0])
    if tc == TYPE_OBJECT:
        n = _LE32.unpack_from(data, off)[0]
        out: dict[str, Any] = {}
        for i in range(n):
            ke = off + _HEADER + i * _KEY_ENTRY
            koff = _LE32.unpack_from(data, ke)[0]
            klen = _LE16.unpack_from(data, ke + 4)[0]
            key = data[off + koff : off + koff + klen].decode("utf-8", "surrogateescape")
            out[key] = _entry(data, off, off + _HEADER + n * _KEY_ENTRY + i * _VAL_ENTRY)
        return out
    if tc == TYPE_ARRAY:
        n = _LE32.unpack_from(data, off)[0]
        return [_entry(data, off, off + _HEADER + i * _VAL_ENTRY) for i in range(n)]
    raise DecodeError("json", data, f"unknown type code {tc:#x}")


def _entry(data: bytes, doc_off: int, entry_off: int) -> Any:
    tc = data[entry_off]
    if tc == TYPE_LITERAL:
        return _value_at(tc, data, entry_off + 1)
    rel = _LE32.unpack_from(data, entry_off + 1)[0]
    return _value_at(tc, data, doc_off + rel)


def json_to_python(bj: BinaryJSON) -> Any:
    """The Python value of a binary JSON document."""
    try:
        return _value_at(bj.type_code, bj.value, 0)
    except (IndexError, struct.error) as exc:
        raise DecodeError("json", bj.value, "truncated") from exc


def _format_float(f: float) -> str:
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        r = repr(f)
        mant, _, exp = r.partition("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{digits}"
    if f == int(f):
        return f"{int(f)}.0" if f != 0 or math.copysign(1, f) > 0 else "-0.0"
    r = repr(f)
    if "e" in r:
        from decimal import Decimal

        return format(Decimal(r), "f")
    return r


def _quote(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif o < 0x20:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _to_text(v: Any, out: list[str]) -> None:
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(_format_float(v))
    elif isinstance(v, str):
        out.append(_quote(v))
    elif isinstance(v, dict):
        out.append("{")
        for i, (k, x) in enumerate(v.items()):
            if i:
                out.append(", ")
            out.append(_quote(k))
            out.append(": ")
            _to_text(x, out)
        out.append("}")
    elif isinstance(v, list):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(", ")
            _to_text(x, out)
        out.append("]")
    elif isinstance(v, Opaque):
        import base64

        out.append(_quote(f"base64:type{v.tp}:{base64.b64encode(v.data).decode()}"))
    elif isinstance(v, Time):
        out.append(_quote(str(v)))
    elif isinstance(v, JSONDuration):
        out.append(_quote(format_duration(v.nanos, v.fsp)))
    else:  # pragma: no cover - _value_at returns only the kinds above
        raise JSONError(f"cannot print {type(v).__name__}")


def json_to_text(bj: BinaryJSON) -> str:
    """MySQL/TiDB JSON text: ``{"a": 1, "b": [true, null]}`` (keys in stored order)."""
    out: list[str] = []
    _to_text(json_to_python(bj), out)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# stored form: type byte + body


def json_body_len(type_code: int, data: bytes, off: int = 0) -> int:
    """Length of the body of type ``type_code`` starting at ``data[off]`` (``PeekBytesAsJSON``)."""
    if type_code in (TYPE_OBJECT, TYPE_ARRAY):
        if len(data) < off + _HEADER:
            raise DecodeError("json", data, "truncated container header")
        return int(_LE32.unpack_from(data, off + 4)[0])
    if type_code == TYPE_LITERAL:
        return 1
    if type_code in (
        TYPE_INT64,
        TYPE_UINT64,
        TYPE_FLOAT64,
        TYPE_DATE,
        TYPE_DATETIME,
        TYPE_TIMESTAMP,
    ):
        return 8
    if type_code == TYPE_TIME:
        return 12
    if type_code == TYPE_STRING:
        n, rest = decode_uvarint(data[off:])
        return len(data) - off - len(rest) + n
    if type_code == TYPE_OPAQUE:
        n, rest = decode_uvarint(data[off + 1 :])
        return 1 + (len(data) - off - 1 - len(rest)) + n
    raise DecodeError("json", data, f"unknown type code {type_code:#x}")


def encode_json(bj: BinaryJSON) -> bytes:
    """Stored form: type code byte, then body."""
    return bytes((bj.type_code,)) + bj.value


def decode_json(b: bytes) -> tuple[BinaryJSON, bytes]:
    """Inverse of ``encode_json`` for a value followed by other bytes: ``(json, rest)``."""
    if not b:
        raise DecodeError("json", b, "empty")
    tc = b[0]
    n = json_body_len(tc, b, 1)
    if len(b) < 1 + n:
        raise DecodeError("json", b, "truncated")
    return BinaryJSON(tc, bytes(b[1 : 1 + n])), b[1 + n :]


parse_binary_json_from_string = parse_json_text
"""Alias named after TiDB's ``types.ParseBinaryJSONFromString``."""

create_binary_json = json_from_python
"""Alias named after TiDB's ``types.CreateBinaryJSON``."""
