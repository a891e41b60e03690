"""The generated fast path (``TableEncoder.encode``) against the generic path
(``encode_generic``) on literals at the edges of TiDB's parsers: empty and sign-only strings,
leading/trailing whitespace, rounding ties, out-of-range dates and times, invalid UTF-8."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import mysqltypes as m
from tidbkv.cast import SQLMode
from tidbkv.literals import Literal
from tidbkv.schema import FieldType
from tidbkv.table import TableEncoder

TYPES: list[FieldType] = [
    ft(m.TYPE_TINY),
    ft(m.TYPE_LONG, unsigned=True),
    ft(m.TYPE_LONGLONG),
    ft(m.TYPE_NEWDECIMAL, flen=10, decimal=2),
    ft(m.TYPE_NEWDECIMAL, flen=5, decimal=0, unsigned=True),
    ft(m.TYPE_DATETIME, decimal=3),
    ft(m.TYPE_DATE),
    ft(m.TYPE_TIMESTAMP),
    ft(m.TYPE_DURATION, decimal=2),
    ft(m.TYPE_YEAR),
    ft(m.TYPE_VARCHAR, flen=5),
    ft(m.TYPE_STRING, flen=3),
    ft(m.TYPE_VARCHAR, flen=5, collate="utf8mb4_general_ci"),
    ft(m.TYPE_STRING, flen=3, collate="latin1_bin"),
    ft(m.TYPE_VARCHAR, flen=5, collate="latin1_swedish_ci"),
    ft(m.TYPE_VARCHAR, flen=5, collate="ascii_bin"),
    ft(m.TYPE_DOUBLE),
    ft(m.TYPE_FLOAT, flen=7, decimal=2),
    ft(m.TYPE_ENUM, elems=["a", "b"]),
    ft(m.TYPE_SET, elems=["a", "b"]),
    ft(m.TYPE_BIT, flen=3),
]
LITERALS: list[Literal] = [
    *(
        s.encode("utf-8", "surrogateescape")
        for s in [
            "", " ", ".", "-", "+1", "1", "-1", "\n1", "1\n", "\t1", "1 ", "0", "-0", "127",
            "128", "-129", "1.5", "2.5", "-2.5", "1e2", "1e-1", "1e -1", "0x1", "abc", "12345",
            "123456", "2020-01-01", "2020-01-01 10:11:12", "2020-01-01 10:11:12.9999",
            "2020-02-30", "0000-00-00", "0000-00-00 00:00:00", "1970-01-01 00:00:00",
            "2038-01-19 03:14:08", "2020-01-01T10:11:12", "10:11:12", "-10:11:12.555",
            "838:59:59", "839:00:00", "1901", "2155", "69", "70", "00", "0000", "a", "b", "a,b",
            "b,a", "c", "你好", "abcdef", "ab ", "\udcff",
        ]
    ),
    5, -5, 0, 300, 2**63, Decimal("1.005"), Decimal("-0.5"), 1.5, -0.0,
]  # fmt: skip


@pytest.mark.parametrize("mode", ["", "STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE"])
@pytest.mark.parametrize("field_type", TYPES, ids=lambda f: f"{f.tp}-{f.collate}")
def test_fast_path_agrees_with_the_generic_path(mode: str, field_type: FieldType) -> None:
    t = table(
        1,
        [col("c", field_type), col("k", ft(m.TYPE_LONG))],
        indices=[index(1, "i", ["c"])],
    )
    enc = TableEncoder(t, sql_mode=SQLMode.parse(mode))
    for lit in LITERALS:
        try:
            fast: object = enc.encode([lit, 1], 7)
        except Exception as exc:  # the error type is what is compared
            fast = type(exc)
        try:
            generic: object = enc.encode_generic([lit, 1], 7)
        except Exception as exc:
            generic = type(exc)
        assert fast == generic, lit
