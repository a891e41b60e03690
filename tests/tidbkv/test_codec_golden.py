"""Golden vectors for floats, decimals, datum encodings, comparable varints and binary JSON.

Each vector names the public test (or reference) its bytes come from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tidbkv import codec
from tidbkv.datum import Datum, Kind
from tidbkv.errors import DecodeError
from tidbkv.json_binary import (
    BinaryJSON,
    decode_json,
    encode_json,
    json_from_python,
    json_to_python,
    json_to_text,
    parse_json_text,
)
from tidbkv.mydecimal import (
    DecimalOverflowError,
    bin_to_decimal,
    decimal_bin_size,
    decimal_to_bin,
    precision_and_frac,
)


@pytest.mark.parametrize(
    ("value", "hexed"),
    [
        # TiKV codec/row/v2 encoder test_encode: column 9 = 1.8, column 6 = -1.8.
        (1.8, "bffccccccccccccd"),
        (-1.8, "4003333333333332"),
        # Lightning TestEncodeDoubleAutoIncrement: DOUBLE 1.0 in the index key and row.
        (1.0, "bff0000000000000"),
        (0.0, "8000000000000000"),
    ],
)
def test_encode_float_matches_tidb(value: float, hexed: str) -> None:
    assert codec.encode_float(value).hex() == hexed
    got, rest = codec.decode_float(bytes.fromhex(hexed))
    assert rest == b"" and str(got) == str(value)


def test_negative_zero_encodes_like_positive_zero() -> None:
    # TiDB pkg/util/codec/float.go encodeFloatToCmpUint64 tests `f >= 0`, which holds for
    # -0.0, so its bits only get the sign bit set again: the key is +0.0's and decodes as +0.0.
    assert codec.encode_float(-0.0).hex() == "8000000000000000"
    assert codec.encode_float_desc(-0.0) == codec.encode_float_desc(0.0)
    got, _ = codec.decode_float(codec.encode_float(-0.0))
    assert str(got) == "0.0"


@pytest.mark.parametrize(
    ("text", "precision", "frac", "hexed"),
    [
        # MySQL strings/decimal.c decimal2bin example; TiKV mysql decimal
        # test_read_decimal_positive and go-mysql TestDecimalToBin use the same bytes.
        ("1234567890.1234", 14, 4, "810dfb38d204d2"),
        ("-1234567890.1234", 14, 4, "7ef204c72dfb2d"),
        # Akiban DecimalEncoderTest t2.
        ("90.1956251262", 12, 10, "da0ba900a602"),
        # TiKV codec/row/v2 test_encode: DECIMAL 1 stored as precision 1, frac 0.
        ("1", 1, 0, "81"),
        ("0", 5, 0, "800000"),
    ],
)
def test_decimal_bin_matches_mysql(text: str, precision: int, frac: int, hexed: str) -> None:
    value = Decimal(text)
    assert decimal_to_bin(value, precision, frac).hex() == hexed
    assert decimal_bin_size(precision, frac) == len(hexed) // 2
    assert bin_to_decimal(bytes.fromhex(hexed) + b"x", precision, frac) == (value, b"x")


@pytest.mark.parametrize(
    ("text", "shown", "precision", "frac"),
    [
        # TiDB pkg/types TestToBinFromBin (FromString → ToBin(p, f) → FromBin → String).
        ("-10.55", "-10.55", 4, 2),
        ("0.0123456789012345678912345", "0.0123456789012345678912345", 30, 25),
        ("12345", "12345", 5, 0),
        ("12345", "12345.000", 10, 3),
        ("123.45", "123.450", 10, 3),
        ("-123.45", "-123.4500000000", 20, 10),
        ("0000000.001", "0.001", 3, 3),
        ("0.00012345000098765", "0.00012345000098765", 17, 17),
        ("-0.00012345000098765", "-0.00012345000098765", 17, 17),
        ("00000000001234567890.1234", "1234567890.1234", 14, 4),
        ("1234567890.1234", "1234567890.12340000000000", 24, 14),
        ("12345000098765", "12345000098765", 14, 0),
    ],
)
def test_decimal_round_trips_with_column_scale(
    text: str, shown: str, precision: int, frac: int
) -> None:
    b = decimal_to_bin(Decimal(text), precision, frac)
    got, _ = bin_to_decimal(b, precision, frac)
    assert str(got) == shown


def test_decimal_with_too_many_integer_digits_overflows() -> None:
    with pytest.raises(DecimalOverflowError):
        decimal_to_bin(Decimal("1000"), 4, 2)


def test_decimal_extra_fraction_digits_are_truncated_and_negative_zero_is_zero() -> None:
    assert decimal_to_bin(Decimal("1.239"), 3, 2) == decimal_to_bin(Decimal("1.23"), 3, 2)
    assert decimal_to_bin(Decimal("-0.00"), 5, 2) == decimal_to_bin(Decimal("0"), 5, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.50", (3, 2)), ("0.5", (1, 1)), ("0", (1, 0)), ("-123.4", (4, 1)), ("1E+2", (3, 0))],
)
def test_precision_and_frac_counts_written_digits(text: str, expected: tuple[int, int]) -> None:
    assert precision_and_frac(Decimal(text)) == expected


def test_encode_decimal_without_precision_uses_the_values_own() -> None:
    # TiKV codec/row/v2 test_encode: Decimal 1 with no column precision → 01 00 81.
    assert codec.encode_decimal(Decimal(1)).hex() == "010081"
    assert codec.decode_decimal_full(bytes.fromhex("0e04810dfb38d204d2")) == (
        Decimal("1234567890.1234"),
        14,
        4,
        b"",
    )


def test_encode_key_of_a_double_is_float_flag_then_comparable_float() -> None:
    # Lightning TestEncodeDoubleAutoIncrement: unique index key suffix 05 bff0000000000000.
    assert codec.encode_key([Datum.float64(1.0)]).hex() == "05bff0000000000000"


def test_encode_key_and_value_per_kind() -> None:
    """EncodeKey uses comparable forms, EncodeValue varints and compact bytes (kv-format §1.7)."""
    datums = [
        Datum.int64(1),
        Datum.uint64(2),
        Datum.bytes_(b"ab"),
        Datum.null(),
        Datum.duration(10**9),
        Datum.enum("b", 2),
        Datum.bit(b"\x01\x00"),
    ]
    assert codec.encode_key(datums).hex() == (
        "038000000000000001"
        "040000000000000002"
        "016162000000000000f9"
        "00"
        "07800000003b9aca00"
        "040000000000000002"
        "040000000000000100"
    )
    assert codec.encode_value(datums).hex() == ("08020902020461620007800000003b9aca000902098002")


def test_decode_one_returns_raw_kinds_and_rest() -> None:
    enc = codec.encode_key(
        [Datum.int64(-5), Datum.string(b"x", "binary"), Datum.decimal(Decimal("1.5"), 5, 2)]
    )
    d1, rest = codec.decode_one(enc)
    assert d1 == Datum(Kind.INT64, -5)
    d2, rest = codec.decode_one(rest)
    assert d2 == Datum(Kind.BYTES, b"x")
    d3, rest = codec.decode_one(rest)
    assert d3 == Datum(Kind.DECIMAL, Decimal("1.50"), "", 5, 2) and rest == b""
    first, rest = codec.cut_one(enc)
    assert first == enc[:9]
    assert codec.decode_key(enc) == [d1, d2, d3]


def test_decode_one_rejects_unknown_flags() -> None:
    with pytest.raises(DecodeError):
        codec.decode_one(b"\x42\x00")


@pytest.mark.parametrize(
    ("value", "hexed"),
    [(0, "08"), (239, "f7"), (240, "f8f0"), (256, "f90100"), (-1, "07ff"), (-256, "06ff00")],
)
def test_comparable_varint_bytes(value: int, hexed: str) -> None:
    """TiDB codec.EncodeComparableVarint (Lightning row IDs): tags 8-n / 0xf7+n."""
    assert codec.encode_comparable_varint(value).hex() == hexed
    assert codec.decode_comparable_varint(bytes.fromhex(hexed)) == (value, b"")


def test_json_object_matches_tikv_vector() -> None:
    # TiKV codec/row/v2 test_encode column 15: {"key":"value"}.
    j = parse_json_text('{"key":"value"}')
    assert encode_json(j).hex() == "01010000001c0000001300000003000c160000006b65790576616c7565"
    assert decode_json(encode_json(j) + b"z") == (j, b"z")


def test_json_literals_are_inlined_in_value_entries() -> None:
    j = json_from_python([True, None, 1])
    assert j.type_code == 0x03
    # count 3, size, entries: literal true, literal null, int64 at offset 23
    assert j.value.hex() == ("030000001f0000000401000000040000000009170000000100000000000000")


def test_json_text_round_trip_and_mysql_formatting() -> None:
    text = '{"b": [1, 2.5, true, null, "x\\n"], "a": {}, "c": 18446744073709551615, "d": -1.0}'
    j = parse_json_text(text)
    assert (
        json_to_text(j)
        == '{"a": {}, "b": [1, 2.5, true, null, "x\\n"], "c": 18446744073709551615, "d": -1.0}'
    )
    assert json_to_python(j)["c"] == 18446744073709551615
    assert json_from_python(json_to_python(j)) == j
    assert json_to_python(BinaryJSON(0x04, b"\x02")) is False
    # floats print like Go's JSON encoder (exponent only below 1e-6 / from 1e21), ".0" kept
    assert (
        json_to_text(json_from_python([6.103515625e-05, 1e-07, 1e21, 2.0]))
        == "[0.00006103515625, 1e-7, 1e+21, 2.0]"
    )


def test_precision_and_frac_of_values_wider_than_28_digits() -> None:
    assert precision_and_frac(Decimal("9" * 35 + "." + "9" * 30)) == (65, 30)
