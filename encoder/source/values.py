"""Turning literal text from a dump into ``tidbkv.literals.Literal`` values.

Shared by the generic SQL parser, the fast path and the CSV reader so every path yields the
same value for the same text: MySQL string escapes (``\\0 \\' \\" \\b \\n \\r \\t \\Z \\\\``,
``\\%`` and ``\\_`` keep their backslash, any other ``\\x`` is ``x``), doubled quotes, numbers
(int / Decimal / float by MySQL's literal rules), hex and bit literals.

Public API: ``unescape_sql``, ``unescape_csv``, ``number``, ``hex_literal``, ``bit_literal``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tidbkv.literals import BitLiteral, HexLiteral, Literal

_SQL_ESCAPES: dict[bytes, bytes] = {}
for _b in range(256):
    _SQL_ESCAPES[b"\\" + bytes([_b])] = bytes([_b])
_SQL_ESCAPES.update(
    {
        b"\\0": b"\x00",
        b"\\b": b"\x08",
        b"\\n": b"\n",
        b"\\r": b"\r",
        b"\\t": b"\t",
        b"\\Z": b"\x1a",
        b"\\%": b"\\%",
        b"\\_": b"\\_",
        b"''": b"'",
        b'""': b'"',
    }
)
_CSV_ESCAPES = dict(_SQL_ESCAPES)
# LOAD DATA drops the backslash of every other character, including % and _.
_CSV_ESCAPES[b"\\%"] = b"%"
_CSV_ESCAPES[b"\\_"] = b"_"

_SQL_ESCAPE_RE = {
    ord("'"): re.compile(rb"\\[\s\S]|''"),
    ord('"'): re.compile(rb'\\[\s\S]|""'),
    ord("`"): re.compile(rb"\\[\s\S]"),
}
_BACKSLASH_RE = re.compile(rb"\\[\s\S]")


def unescape_sql(content: bytes, quote: int = 39) -> bytes:
    """Resolve backslash escapes and doubled ``quote`` characters in a quoted string's body."""
    if 92 not in content and bytes((quote, quote)) not in content:
        return content
    return _SQL_ESCAPE_RE[quote].sub(lambda m: _SQL_ESCAPES[m.group()], content)


def unescape_csv(field: bytes) -> bytes:
    """Resolve LOAD DATA style backslash escapes in a CSV field (``\\N`` is handled by caller)."""
    if 92 not in field:
        return field
    return _BACKSLASH_RE.sub(lambda m: _CSV_ESCAPES[m.group()], field)


def number(text: bytes) -> int | Decimal | float:
    """An unquoted numeral: int without point/exponent, Decimal with a point, float with an
    exponent. ``ValueError`` if ``text`` is not a numeral."""
    if b"e" in text or b"E" in text:
        return float(text)
    if b"." in text:
        try:
            return Decimal(text.decode("ascii"))
        except (InvalidOperation, UnicodeDecodeError):
            raise ValueError(f"not a number: {text!r}") from None
    return int(text)


def hex_literal(digits: bytes, pad_odd: bool) -> HexLiteral:
    """Bytes of a hex literal. ``0x123`` is left-padded (``0x0123``); ``X'123'`` is an error."""
    if len(digits) % 2:
        if not pad_odd:
            raise ValueError("odd number of hex digits")
        digits = b"0" + digits
    return HexLiteral(bytes.fromhex(digits.decode("ascii")))


def bit_literal(bits: bytes) -> BitLiteral:
    """Big-endian bytes of a bit literal (``b'101'`` -> ``\\x05``); ``b''`` is empty."""
    if not bits:
        return BitLiteral(b"")
    value = int(bits, 2)
    return BitLiteral(value.to_bytes((len(bits) + 7) // 8, "big"))


def is_literal(value: object) -> bool:
    """Whether ``value`` is one of the ``Literal`` types (for assertions in tests and tools)."""
    return value is None or isinstance(value, bytes | int | Decimal | float)


__all__ = [
    "Literal",
    "bit_literal",
    "hex_literal",
    "is_literal",
    "number",
    "unescape_csv",
    "unescape_sql",
]
