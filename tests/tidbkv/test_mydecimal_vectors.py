"""MyDecimal binary form against TiDB pkg/types/mydecimal_test.go and
pkg/util/codec/decimal_test.go (each test names its source)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tidbkv import codec
from tidbkv import mydecimal as md
from tidbkv.mydecimal import (
    OVERFLOW,
    TRUNCATED,
    DecimalBadNumberError,
    decimal_bin_size,
    decimal_to_bin,
    from_bin,
    from_float,
    precision_and_frac,
    to_bin,
    to_string,
)

# TiDB mydecimal_test.go TestToBinFromBin: (input, precision, frac, FromBin(ToBin).ToString, err)
TO_BIN_FROM_BIN = [
    ("-10.55", 4, 2, "-10.55", None),
    ("0.0123456789012345678912345", 30, 25, "0.0123456789012345678912345", None),
    ("12345", 5, 0, "12345", None),
    ("12345", 10, 3, "12345.000", None),
    ("123.45", 10, 3, "123.450", None),
    ("-123.45", 20, 10, "-123.4500000000", None),
    (".00012345000098765", 15, 14, "0.00012345000098", TRUNCATED),
    (".00012345000098765", 22, 20, "0.00012345000098765000", None),
    (".12345000098765", 30, 20, "0.12345000098765000000", None),
    ("-.000000012345000098765", 30, 20, "-0.00000001234500009876", TRUNCATED),
    ("1234500009876.5", 30, 5, "1234500009876.50000", None),
    ("111111111.11", 10, 2, "11111111.11", OVERFLOW),
    ("000000000.01", 7, 3, "0.010", None),
    ("123.4", 10, 2, "123.40", None),
    ("1000", 3, 0, "0", OVERFLOW),
    ("0.1", 1, 1, "0.1", None),
    ("0.100", 1, 1, "0.1", TRUNCATED),
    ("0.1000", 1, 1, "0.1", TRUNCATED),
    ("0.10000", 1, 1, "0.1", TRUNCATED),
    ("0.100000", 1, 1, "0.1", TRUNCATED),
    ("0.1000000", 1, 1, "0.1", TRUNCATED),
    ("0.10", 1, 1, "0.1", TRUNCATED),
    ("0" * 43 + ".000000000000123000000000000000", 15, 15, "0.000000000000123", TRUNCATED),
    ("0" * 29 + ".00000000000012300", 15, 15, "0.000000000000123", TRUNCATED),
    ("0" * 43 + ".0000000000001234000000000000000", 16, 16, "0.0000000000001234", TRUNCATED),
    ("0" * 29 + ".000000000000123400", 16, 16, "0.0000000000001234", TRUNCATED),
    ("0.1", 2, 2, "0.10", None),
    ("0.10", 3, 3, "0.100", None),
    ("0.1", 3, 1, "0.1", None),
    ("0.0000000000001234", 32, 17, "0.00000000000012340", None),
    ("0.0000000000001234", 20, 20, "0.00000000000012340000", None),
]


@pytest.mark.parametrize(("text", "precision", "frac", "shown", "err"), TO_BIN_FROM_BIN)
def test_to_bin_from_bin(text: str, precision: int, frac: int, shown: str, err: str | None) -> None:
    """TiDB mydecimal_test.go TestToBinFromBin (bytes, error kind, and the value read back)."""
    data, got_err = to_bin(Decimal(text), precision, frac)
    assert got_err == err
    assert len(data) == decimal_bin_size(precision, frac)
    assert to_string(from_bin(data, precision, frac)) == shown
    if err is None:
        assert decimal_to_bin(Decimal(text), precision, frac) == data


@pytest.mark.parametrize(("precision", "frac"), [(82, 1), (-1, 1), (10, 31), (10, -1)])
def test_to_bin_rejects_bad_precision(precision: int, frac: int) -> None:
    """TiDB mydecimal_test.go TestToBinFromBin errTests: ErrBadNumber."""
    with pytest.raises(DecimalBadNumberError):
        to_bin(Decimal(1), precision, frac)


def test_to_bin_keeps_the_sign_of_a_value_truncated_to_zero() -> None:
    """MyDecimal.WriteBin complements the bytes whenever the value is negative, so
    -0.001 written as DECIMAL(5,2) is a negative zero (7fffff), unlike written zero."""
    assert to_bin(Decimal("-0.001"), 5, 2) == (bytes.fromhex("7fffff"), TRUNCATED)
    assert decimal_to_bin(Decimal("-0.001"), 5, 2).hex() == "7fffff"
    assert decimal_to_bin(Decimal("-0.00"), 5, 2).hex() == "800000"
    assert to_bin(Decimal("-1000"), 3, 0)[1] == OVERFLOW


@pytest.mark.parametrize(
    ("f", "text", "prec_frac"),
    [
        (123400.0, "123400", (6, 0)),
        (1234.0, "1234", (4, 0)),
        (12.34, "12.34", (4, 2)),
        (0.1234, "0.1234", (4, 4)),
        (0.01234, "0.01234", (5, 5)),
        (-0.1234, "-0.1234", (4, 4)),
        (-0.01234, "-0.01234", (5, 5)),
        (12.3400, "12.34", (4, 2)),
        (-12.34, "-12.34", (4, 2)),
        (0.0, "0", (1, 0)),
        (-0.0, "0", (1, 0)),
        (1234567.0, "1234567", (7, 0)),
        (1e-5, "0.00001", (5, 5)),
    ],
)
def test_decimal_from_float_like_go(f: float, text: str, prec_frac: tuple[int, int]) -> None:
    """TiDB codec decimal_test.go TestDecimalCodec inputs (NewDecFromFloatForTest =
    FromFloat64: FormatFloat 'g' -1) encode with their own precision and read back equal."""
    d = from_float(f)
    assert to_string(d) == text
    assert precision_and_frac(d) == prec_frac
    enc = codec.encode_decimal(d)
    value, precision, frac, rest = codec.decode_decimal_full(enc)
    assert (precision, frac, rest) == (*prec_frac, b"")
    assert value == d


def test_from_float_rejects_nan_and_infinity() -> None:
    for f in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError):
            from_float(f)


@pytest.mark.parametrize(
    ("value", "precision", "frac", "truncated"),
    [("-123.123456789", 20, 5, True), ("1.5", 20, 5, False)],
)
def test_encode_decimal_truncates_extra_fraction_digits(
    value: str, precision: int, frac: int, truncated: bool
) -> None:
    """TiDB codec_test.go TestDecimal: EncodeDecimal(-123.123456789, 20, 5) is ErrTruncated
    (bytes of -123.12345); (12, 10) overflows."""
    data, err = to_bin(Decimal(value), precision, frac)
    assert (err == TRUNCATED) is truncated
    assert codec.encode_decimal(Decimal(value), precision, frac) == bytes((precision, frac)) + data
    assert to_bin(Decimal("-123.123456789"), 12, 10)[1] == OVERFLOW


def test_max_decimals_round_trip() -> None:
    """TiDB mydecimal_test.go TestMaxDecimal values written at their own precision."""
    for precision, frac, text in [(1, 1, "0.9"), (1, 0, "9"), (4, 2, "99.99"),
                                  (18, 9, "999999999.999999999"), (20, 20, "0." + "9" * 20),
                                  (40, 20, "9" * 20 + "." + "9" * 20)]:  # fmt: skip
        data, err = to_bin(Decimal(text), precision, frac)
        assert err is None
        assert to_string(from_bin(data, precision, frac)) == text
        neg, _ = to_bin(Decimal("-" + text), precision, frac)
        assert neg < data


_N81 = "9" * 81


# pingcap/tidb pkg/types/mydecimal_test.go TestFromString (wordBufLen = maxWordBufLen): input,
# MyDecimal.ToString() of the result, error.
@pytest.mark.parametrize(
    ("text", "expected", "err"),
    [
        ("12345", "12345", None), ("12345.", "12345", None),
        ("123.45.", "123.45", md.TRUNCATED), ("-123.45.", "-123.45", md.TRUNCATED),
        (".00012345000098765", "0.00012345000098765", None),
        (".12345000098765", "0.12345000098765", None),
        ("-.000000012345000098765", "-0.000000012345000098765", None),
        ("1234500009876.5", "1234500009876.5", None), ("123E5", "12300000", None),
        ("123E-2", "1.23", None), ("1e1073741823", _N81, md.OVERFLOW),
        ("-1e1073741823", "-" + _N81, md.OVERFLOW),
        ("1e18446744073709551620", "0", md.BAD_NUMBER), ("1e", "1", md.TRUNCATED),
        ("1e001", "10", None), ("1e00", "1", None), ("1eabc", "1", md.TRUNCATED),
        ("1e 1dddd ", "10", md.TRUNCATED), ("1e - 1", "1", md.TRUNCATED), ("1e -1", "0.1", None),
        ("0." + "0" * 89, "0." + "0" * 72, md.TRUNCATED), ("1asf", "1", md.TRUNCATED),
        ("1.1.1.1.1", "1.1", md.TRUNCATED), ("1  1", "1", md.TRUNCATED), ("1  ", "1", None),
    ],
)  # fmt: skip
def test_tidb_from_string(text: str, expected: str, err: str | None) -> None:
    value, got_err = md.from_string(text)
    assert (md.to_string(value), got_err) == (expected, err)
    assert md.from_string(text.encode()) == (value, got_err)


def test_from_string_edges() -> None:
    # No digits: zero with an error; the sign of zero is dropped; 82+ integer digits keep the
    # lowest 81 (fixWordCntError overflow); an exponent past 81 digits is 81 nines.
    for text in ("", "   ", "-", ".", "abc", "+e1"):
        assert md.from_string(text) == (Decimal(0), md.BAD_NUMBER)
    assert md.to_string(md.from_string("-0.00")[0]) == "0.00"
    assert md.from_string("1" + "0" * 81) == (Decimal(0), md.OVERFLOW)
    assert md.from_string("2" * 82)[0] == Decimal("2" * 81)
    assert md.from_string("-1e81") == (Decimal("-" + _N81), md.OVERFLOW)
    assert md.from_string("1e-100") == (Decimal(0), md.TRUNCATED)
    assert md.from_string("\t -1.5e+2 ") == (Decimal(-150), None)
