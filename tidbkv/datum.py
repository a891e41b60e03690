"""Typed values (TiDB ``types.Datum``) as the generic codec paths take and return them.

A ``Datum`` is a kind tag plus a Python value. Kinds use TiDB's numbering
(``pkg/types/datum.go``). The Python value per kind:

==================  =========================================================================
kind                ``Datum.value``
==================  =========================================================================
``NULL``            ``None``
``INT64``           ``int`` in int64 range (signed integer columns, YEAR)
``UINT64``          ``int`` in uint64 range (unsigned integer columns)
``FLOAT32``         ``float`` (already rounded to float32; encoded as its float64 widening)
``FLOAT64``         ``float``
``STRING``          ``bytes`` — the raw string bytes; ``collation`` names its collation
``BYTES``           ``bytes`` — binary string, compared bytewise
``BINARY_LITERAL``  ``bytes`` — a hex / bit literal, big-endian
``DECIMAL``         ``decimal.Decimal``; ``length`` / ``frac`` are the precision and scale used
                    by the binary form (0 / 0 = the value's own minimal precision / scale)
``DURATION``        ``int`` nanoseconds (TIME); ``frac`` is the fsp
``ENUM``            ``Enum(name, value)`` — value is the 1-based member index
``BIT``             ``bytes`` — big-endian bit bytes
``SET``             ``SetValue(name, value)`` — value is the member bitmask
``TIME``            ``tidbkv.mytime.Time`` (DATE / DATETIME / TIMESTAMP, in the session zone)
``MIN_NOT_NULL``    ``None`` (range keys only)
``MAX_VALUE``       ``None`` (range keys only)
``JSON``            ``tidbkv.json_binary.BinaryJSON``
==================  =========================================================================

Public API: ``Kind``, ``Datum``, ``Enum``, ``SetValue``, ``NULL``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple


class Kind(enum.IntEnum):
    """Datum kinds, numbered as TiDB's ``types.Kind*`` constants."""

    NULL = 0
    INT64 = 1
    UINT64 = 2
    FLOAT32 = 3
    FLOAT64 = 4
    STRING = 5
    BYTES = 6
    BINARY_LITERAL = 7
    DECIMAL = 8
    DURATION = 9
    ENUM = 10
    BIT = 11
    SET = 12
    TIME = 13
    INTERFACE = 14
    MIN_NOT_NULL = 15
    MAX_VALUE = 16
    RAW = 17
    JSON = 18
    VECTOR_FLOAT32 = 19


class Enum(NamedTuple):
    """An ENUM value: the member name and its 1-based index (0 = the invalid '' member)."""

    name: str
    value: int


class SetValue(NamedTuple):
    """A SET value: the comma-joined member names and the member bitmask."""

    name: str
    value: int


@dataclass(frozen=True, slots=True)
class Datum:
    """One typed value; see the module docstring for ``value`` per ``kind``."""

    kind: Kind
    value: Any = None
    collation: str = ""
    length: int = 0
    frac: int = 0

    @property
    def is_null(self) -> bool:
        return self.kind == Kind.NULL

    @staticmethod
    def null() -> Datum:
        return NULL

    @staticmethod
    def int64(v: int) -> Datum:
        return Datum(Kind.INT64, v)

    @staticmethod
    def uint64(v: int) -> Datum:
        return Datum(Kind.UINT64, v)

    @staticmethod
    def float64(v: float) -> Datum:
        return Datum(Kind.FLOAT64, v)

    @staticmethod
    def float32(v: float) -> Datum:
        return Datum(Kind.FLOAT32, v)

    @staticmethod
    def string(v: bytes, collation: str = "utf8mb4_bin") -> Datum:
        return Datum(Kind.STRING, v, collation)

    @staticmethod
    def bytes_(v: bytes) -> Datum:
        return Datum(Kind.BYTES, v)

    @staticmethod
    def decimal(v: Decimal, precision: int = 0, frac: int = 0) -> Datum:
        return Datum(Kind.DECIMAL, v, "", precision, frac)

    @staticmethod
    def duration(nanos: int, fsp: int = 0) -> Datum:
        return Datum(Kind.DURATION, nanos, "", 0, fsp)

    @staticmethod
    def enum(name: str, value: int) -> Datum:
        return Datum(Kind.ENUM, Enum(name, value))

    @staticmethod
    def set(name: str, value: int) -> Datum:
        return Datum(Kind.SET, SetValue(name, value))

    @staticmethod
    def bit(v: bytes) -> Datum:
        return Datum(Kind.BIT, v)

    @staticmethod
    def time(v: Any) -> Datum:
        return Datum(Kind.TIME, v)

    @staticmethod
    def json(v: Any) -> Datum:
        return Datum(Kind.JSON, v)


NULL = Datum(Kind.NULL)
MIN_NOT_NULL = Datum(Kind.MIN_NOT_NULL)
MAX_VALUE = Datum(Kind.MAX_VALUE)
