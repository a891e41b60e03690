"""Values as the dump reader yields them, before they are cast to a column's type.

A parsed row is a tuple of ``Literal``:

* ``None`` — SQL ``NULL`` (CSV: the configured null marker, ``\\N`` by default);
* ``bytes`` — a quoted string with escapes resolved, or any CSV field (raw bytes, no decoding);
* ``HexLiteral`` — ``X'..'`` / ``0x..`` (a ``bytes`` subclass: its decoded bytes);
* ``BitLiteral`` — ``b'..'`` / ``0b..`` (a ``bytes`` subclass: big-endian bytes of the bits);
* ``int`` — an unquoted integer numeral, ``TRUE`` (1) or ``FALSE`` (0);
* ``decimal.Decimal`` — an unquoted numeral with a decimal point and no exponent (MySQL's
  exact-value literal);
* ``float`` — an unquoted numeral with an exponent (MySQL's approximate-value literal).

Charset introducers (``_binary'..'``, ``_utf8mb4'..'``) do not change the bytes; they yield
``bytes``.

Public API: ``Literal``, ``HexLiteral``, ``BitLiteral``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeAlias


class HexLiteral(bytes):
    """A hexadecimal literal; in a numeric context it is the big-endian unsigned integer."""

    __slots__ = ()


class BitLiteral(bytes):
    """A bit-value literal; in a numeric context it is the big-endian unsigned integer."""

    __slots__ = ()


Literal: TypeAlias = bytes | int | Decimal | float | None
