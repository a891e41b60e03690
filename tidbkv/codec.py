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

Every ``decode_*`` returns ``(value, rest)`` where ``rest`` is the undecoded tail, and raises
``tidbkv.errors.DecodeError`` on malformed input.
"""

from __future__ import annotations

import struct

from tidbkv.errors import DecodeError

_SIGN = 0x8000000000000000
_U64 = 0xFFFFFFFFFFFFFFFF
_BE64 = struct.Struct(">Q")

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


def encode_bytes(data: bytes) -> bytes:
    """Memcomparable bytes (``codec.EncodeBytes``): groups of 8 + marker ``0xFF - pad``."""
    n = len(data)
    out = bytearray()
    full = n - n % ENC_GROUP_SIZE
    for i in range(0, full, ENC_GROUP_SIZE):
        out += data[i : i + ENC_GROUP_SIZE]
        out.append(ENC_MARKER)
    pad = ENC_GROUP_SIZE - (n - full)
    out += data[full:]
    out += _PADS[pad]
    out.append(ENC_MARKER - pad)
    return bytes(out)


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
