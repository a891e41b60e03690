"""Casting tables: literals each column type accepts (and what they become), and literals it
rejects under strict sql_mode with the reason the error carries."""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal

import pytest

from tests.support.tidbkv_schema import ft
from tidbkv import mysqltypes as m
from tidbkv.cast import CastError, ColumnCaster, SQLMode, default_datum, origin_default_datum
from tidbkv.datum import NULL, Datum, Enum, Kind, SetValue
from tidbkv.json_binary import json_to_text
from tidbkv.literals import BitLiteral, HexLiteral, Literal
from tidbkv.mytime import Time, format_duration
from tidbkv.schema import ColumnInfo, FieldType


def _col(field_type: FieldType, **kw: object) -> ColumnInfo:
    return ColumnInfo(id=1, name="c", offset=0, field_type=field_type, **kw)  # type: ignore[arg-type]


TINY = ft(m.TYPE_TINY)
UTINY = ft(m.TYPE_TINY, unsigned=True)
BIGINT = ft(m.TYPE_LONGLONG)
UBIGINT = ft(m.TYPE_LONGLONG, unsigned=True)
DOUBLE = ft(m.TYPE_DOUBLE)
FLOAT = ft(m.TYPE_FLOAT)
FLOAT_MD = ft(m.TYPE_FLOAT, flen=5, decimal=2)
DEC = ft(m.TYPE_NEWDECIMAL, flen=5, decimal=2)
CHAR3 = ft(m.TYPE_STRING, flen=3)
VARCHAR3 = ft(m.TYPE_VARCHAR, flen=3, collate="utf8mb4_general_ci")
UTF8_VARCHAR = ft(m.TYPE_VARCHAR, flen=10, charset="utf8", collate="utf8_bin")
ASCII_VARCHAR = ft(m.TYPE_VARCHAR, flen=10, charset="ascii", collate="ascii_bin")
BINARY4 = ft(m.TYPE_STRING, flen=4, collate="binary")
VARBINARY3 = ft(m.TYPE_VARCHAR, flen=3, collate="binary")
TEXT = ft(m.TYPE_BLOB, flen=65535)
DATE = ft(m.TYPE_DATE)
DATETIME2 = ft(m.TYPE_DATETIME, decimal=2)
TIMESTAMP = ft(m.TYPE_TIMESTAMP, decimal=0)
TIME1 = ft(m.TYPE_DURATION, decimal=1)
YEAR = ft(m.TYPE_YEAR)
ENUM = ft(m.TYPE_ENUM, elems=("small", "Large"), collate="utf8mb4_general_ci")
SET = ft(m.TYPE_SET, elems=("a", "b", "c"))
BIT4 = ft(m.TYPE_BIT, flen=4)
BIT12 = ft(m.TYPE_BIT, flen=12)
JSON = ft(m.TYPE_JSON)

ACCEPTED: list[tuple[FieldType, Literal, Datum]] = [
    (TINY, 127, Datum.int64(127)),
    (TINY, -128, Datum.int64(-128)),
    (TINY, b" 12 ", Datum.int64(12)),
    (TINY, b"1.5", Datum.int64(2)),
    (TINY, b"-1.5", Datum.int64(-2)),
    (TINY, b"1e2", Datum.int64(100)),
    (TINY, Decimal("2.5"), Datum.int64(3)),
    (TINY, -2.5, Datum.int64(-3)),
    (TINY, HexLiteral(b"\x7f"), Datum.int64(127)),
    (UTINY, 255, Datum.uint64(255)),
    (BIGINT, -(1 << 63), Datum.int64(-(1 << 63))),
    (UBIGINT, (1 << 64) - 1, Datum.uint64((1 << 64) - 1)),
    (UBIGINT, BitLiteral(b"\x01\x00"), Datum.uint64(256)),
    (DOUBLE, b"1.8", Datum.float64(1.8)),
    (DOUBLE, 3, Datum.float64(3.0)),
    (FLOAT, 0.1, Datum.float32(0.10000000149011612)),
    # TiDB TruncateFloat: Round(1.005, 2) = math.Round(100.49999999999999) / 100 = 1.0
    (FLOAT_MD, b"1.005", Datum.float32(1.0)),
    (FLOAT_MD, b"1.125", Datum.float32(1.1299999952316284)),  # 112.5 is exact: half away
    (DEC, 1, Datum.decimal(Decimal("1.00"), 5, 2)),
    (DEC, b"123.456", Datum.decimal(Decimal("123.46"), 5, 2)),
    (DEC, b"-123.455", Datum.decimal(Decimal("-123.46"), 5, 2)),
    (DEC, 1.5e2, Datum.decimal(Decimal("150.00"), 5, 2)),
    (DEC, b"-0.001", Datum.decimal(Decimal("0.00"), 5, 2)),
    (CHAR3, b"ab ", Datum.string(b"ab")),
    (CHAR3, b"abc   ", Datum.string(b"abc")),
    (CHAR3, "中文字".encode(), Datum.string("中文字".encode())),
    (CHAR3, 12, Datum.string(b"12")),
    (VARCHAR3, b"ab ", Datum.string(b"ab ", "utf8mb4_general_ci")),
    (VARCHAR3, b"abc  ", Datum.string(b"abc", "utf8mb4_general_ci")),
    (UTF8_VARCHAR, "é".encode(), Datum.string("é".encode(), "utf8_bin")),
    (ASCII_VARCHAR, b"abc", Datum.string(b"abc", "ascii_bin")),
    (BINARY4, b"ab", Datum.string(b"ab\x00\x00", "binary")),
    (BINARY4, b"\xff\xfe", Datum.string(b"\xff\xfe\x00\x00", "binary")),
    (VARBINARY3, b"a ", Datum.string(b"a ", "binary")),
    (TEXT, b"x" * 1000, Datum.string(b"x" * 1000)),
    (DATE, b"2020-02-29", Datum.time(Time(2020, 2, 29, tp=m.TYPE_DATE))),
    (DATE, b"2020-02-29 13:14:15", Datum.time(Time(2020, 2, 29, tp=m.TYPE_DATE))),
    (DATE, 20200101, Datum.time(Time(2020, 1, 1, tp=m.TYPE_DATE))),
    (
        DATETIME2,
        b"2020-02-29 10:00:00.555",
        Datum.time(Time(2020, 2, 29, 10, 0, 0, 560000, m.TYPE_DATETIME, 2)),
    ),
    (
        DATETIME2,
        b"99-12-31 23:59:59",
        Datum.time(Time(1999, 12, 31, 23, 59, 59, 0, m.TYPE_DATETIME, 2)),
    ),
    (DATETIME2, b"20180119031407", Datum.time(Time(2018, 1, 19, 3, 14, 7, 0, m.TYPE_DATETIME, 2))),
    (
        DATETIME2,
        Decimal("20180119031407.125"),
        Datum.time(Time(2018, 1, 19, 3, 14, 7, 130000, m.TYPE_DATETIME, 2)),
    ),
    (
        TIMESTAMP,
        b"2038-01-19 03:14:07",
        Datum.time(Time(2038, 1, 19, 3, 14, 7, 0, m.TYPE_TIMESTAMP, 0)),
    ),
    (TIME1, b"12:34:56.78", Datum.duration(45296_800_000_000, 1)),
    (TIME1, b"-1 01:00:00", Datum.duration(-25 * 3600 * 10**9, 1)),
    (TIME1, 123456, Datum.duration(45296 * 10**9, 1)),
    (YEAR, 0, Datum.int64(0)),
    (YEAR, b"0", Datum.int64(2000)),
    (YEAR, b"0000", Datum.int64(0)),
    (YEAR, 69, Datum.int64(2069)),
    (YEAR, b"99", Datum.int64(1999)),
    (YEAR, 2155, Datum.int64(2155)),
    (ENUM, b"LARGE", Datum(Kind.ENUM, Enum("Large", 2))),
    (ENUM, b"small  ", Datum(Kind.ENUM, Enum("small", 1))),
    (ENUM, 2, Datum(Kind.ENUM, Enum("Large", 2))),
    (ENUM, b"1", Datum(Kind.ENUM, Enum("small", 1))),
    (SET, b"c,a", Datum(Kind.SET, SetValue("a,c", 5))),
    (SET, b"", Datum(Kind.SET, SetValue("", 0))),
    (SET, 6, Datum(Kind.SET, SetValue("b,c", 6))),
    (BIT4, 5, Datum.bit(b"\x05")),
    (BIT4, HexLiteral(b"\x0f"), Datum.bit(b"\x0f")),
    (BIT12, BitLiteral(b"\x0f\xff"), Datum.bit(b"\x0f\xff")),
    (BIT12, b"\x01", Datum.bit(b"\x00\x01")),
    (TINY, None, NULL),
]


@pytest.mark.parametrize(("field_type", "literal", "expected"), ACCEPTED)
def test_accepted_values(field_type: FieldType, literal: Literal, expected: Datum) -> None:
    assert ColumnCaster(_col(field_type))(literal) == expected


REJECTED: list[tuple[FieldType, Literal, str]] = [
    (TINY, 128, CastError.OUT_OF_RANGE),
    (TINY, -129, CastError.OUT_OF_RANGE),
    (TINY, b"12abc", CastError.BAD_NUMBER),
    (TINY, b"", CastError.BAD_NUMBER),
    (UTINY, -1, CastError.OUT_OF_RANGE),
    (BIGINT, 1 << 63, CastError.OUT_OF_RANGE),
    (UBIGINT, 1 << 64, CastError.OUT_OF_RANGE),
    (FLOAT, 1e39, CastError.OUT_OF_RANGE),
    (FLOAT_MD, 1000.0, CastError.OUT_OF_RANGE),
    (DOUBLE, b"abc", CastError.BAD_NUMBER),
    (DEC, Decimal("999.995"), CastError.OUT_OF_RANGE),
    (DEC, b"1000", CastError.OUT_OF_RANGE),
    (DEC, b"1,5", CastError.BAD_NUMBER),
    (CHAR3, b"abcd", CastError.TOO_LONG),
    (CHAR3, b"\xff", CastError.INVALID_UTF8),
    (CHAR3, b"a\xc3", CastError.INVALID_UTF8),
    (UTF8_VARCHAR, "😀".encode(), CastError.INVALID_UTF8),
    (ASCII_VARCHAR, "é".encode(), CastError.INVALID_UTF8),
    (BINARY4, b"abcde", CastError.TOO_LONG),
    (VARBINARY3, b"ab  ", CastError.TOO_LONG),
    (DATE, b"2021-02-29", CastError.INVALID_DATE),
    (DATE, b"0000-00-00", CastError.INVALID_DATE),
    (DATE, b"2020-00-10", CastError.INVALID_DATE),
    (DATE, b"2020-13-01", CastError.INVALID_DATE),
    (DATETIME2, b"garbage", CastError.INVALID_DATE),
    (DATETIME2, b"2020-01-01 24:00:00", CastError.INVALID_DATE),
    (TIMESTAMP, b"1970-01-01 00:00:00", CastError.INVALID_DATE),
    (TIMESTAMP, b"2038-01-19 03:14:08", CastError.INVALID_DATE),
    (TIME1, b"839:00:00", CastError.INVALID_TIME),
    (TIME1, b"12:61:00", CastError.INVALID_TIME),
    (YEAR, 1900, CastError.OUT_OF_RANGE),
    (YEAR, 2156, CastError.OUT_OF_RANGE),
    (ENUM, b"medium", CastError.BAD_ENUM),
    (ENUM, b"", CastError.BAD_ENUM),
    (ENUM, 3, CastError.BAD_ENUM),
    (SET, b"a,d", CastError.BAD_SET),
    (SET, 8, CastError.BAD_SET),
    (BIT4, 16, CastError.TOO_LONG),
    (JSON, b"{bad", CastError.BAD_JSON),
    (JSON, HexLiteral(b"\x01"), CastError.BAD_JSON),
]


@pytest.mark.parametrize(("field_type", "literal", "reason"), REJECTED)
def test_rejected_values_name_column_value_and_reason(
    field_type: FieldType, literal: Literal, reason: str
) -> None:
    with pytest.raises(CastError) as info:
        ColumnCaster(_col(field_type))(literal)
    assert info.value.reason == reason
    assert info.value.column == "c"
    assert info.value.value == literal


def test_text_limits_count_bytes_and_char_limits_count_characters() -> None:
    """TiDB ProduceStrWithSpecifiedTp: TEXT/BLOB flen is a byte limit whatever the charset."""
    tinytext = ColumnCaster(_col(ft(m.TYPE_TINY_BLOB, flen=4)))
    assert tinytext("éé".encode()) == Datum.string("éé".encode())
    with pytest.raises(CastError):
        tinytext("ééé".encode())
    varchar = ColumnCaster(_col(ft(m.TYPE_VARCHAR, flen=3)))
    assert varchar("ééé".encode()) == Datum.string("ééé".encode())
    loose = ColumnCaster(_col(ft(m.TYPE_TINY_BLOB, flen=3)), sql_mode=SQLMode(strict=False))
    assert loose("éé".encode()) == Datum.string("é".encode())


def test_numbers_into_string_columns_use_mysql_text() -> None:
    caster = ColumnCaster(_col(ft(m.TYPE_VARCHAR, flen=30)))
    assert caster(1e20).value == b"100000000000000000000"
    assert caster(2.5).value == b"2.5"
    assert caster(Decimal("1.50")).value == b"1.50"
    assert caster(-7).value == b"-7"


def test_enum_members_match_under_the_column_collation() -> None:
    caster = ColumnCaster(_col(ft(m.TYPE_ENUM, elems=("école", "b"), collate="utf8mb4_general_ci")))
    assert caster(b"ECOLE ") == Datum(Kind.ENUM, Enum("école", 1))
    strict_bin = ColumnCaster(_col(ft(m.TYPE_ENUM, elems=("a", "b"), collate="utf8mb4_bin")))
    with pytest.raises(CastError):
        strict_bin(b"A")


def test_timestamp_range_is_checked_in_the_session_zone() -> None:
    caster = ColumnCaster(_col(TIMESTAMP), time_zone="+08:00")
    assert caster(b"1970-01-01 08:00:01").value == Time(1970, 1, 1, 8, 0, 1, tp=m.TYPE_TIMESTAMP)
    with pytest.raises(CastError):
        caster(b"1970-01-01 08:00:00")


def test_json_literals_become_json() -> None:
    caster = ColumnCaster(_col(JSON))
    assert json_to_text(caster(b'{"b":[1,2.5],"a":null}').value) == '{"a": null, "b": [1, 2.5]}'
    assert json_to_text(caster(5).value) == "5"
    assert json_to_text(caster(Decimal("1.5")).value) == "1.5"


def test_non_strict_mode_adjusts_instead_of_failing() -> None:
    loose = SQLMode(strict=False, no_zero_date=False, no_zero_in_date=False)
    assert ColumnCaster(_col(TINY), sql_mode=loose)(10_000_000) == Datum.int64(127)
    assert ColumnCaster(_col(CHAR3), sql_mode=loose)(b"abcdef") == Datum.string(b"abc")
    assert ColumnCaster(_col(DATE), sql_mode=loose)(b"2021-02-29").value.is_zero
    assert ColumnCaster(_col(DATE), sql_mode=loose)(b"0000-00-00").value.is_zero
    assert ColumnCaster(_col(DEC), sql_mode=loose)(5000) == Datum.decimal(Decimal("999.99"), 5, 2)


def test_sql_mode_parse() -> None:
    assert SQLMode.parse("STRICT_TRANS_TABLES,NO_ZERO_DATE") == SQLMode(no_zero_in_date=False)
    assert not SQLMode.parse("ONLY_FULL_GROUP_BY,NO_AUTO_CREATE_USER").strict
    assert SQLMode.parse("TRADITIONAL").strict


def test_defaults_are_cast_to_the_column_type() -> None:
    assert default_datum(_col(TINY, default="5")) == Datum.int64(5)
    assert default_datum(_col(TINY)) == NULL
    assert default_datum(_col(DEC, default="1.5")) == Datum.decimal(Decimal("1.50"), 5, 2)
    assert default_datum(_col(BIT4, default_bit="Aw==")) == Datum.bit(b"\x03")
    now = dt.datetime(2009, 2, 13, 23, 31, 33, tzinfo=dt.UTC)
    d = default_datum(_col(DATETIME2, default="CURRENT_TIMESTAMP(2)"), time_zone="+08:00", now=now)
    assert d.value == Time(2009, 2, 14, 7, 31, 33, 0, m.TYPE_DATETIME, 2)
    # TIMESTAMP defaults of version-1 columns are stored in UTC and read in the session zone.
    ts = default_datum(
        _col(TIMESTAMP, default="2020-01-01 00:00:00", version=1), time_zone="+08:00"
    )
    assert ts.value == Time(2020, 1, 1, 8, 0, 0, tp=m.TYPE_TIMESTAMP)
    assert origin_default_datum(_col(TINY, origin_default="7")) == Datum.int64(7)


def test_timestamp_in_a_dst_gap() -> None:
    """TiDB checkTimestampType / AdjustedGoTime: 02:30 on 2019-03-10 does not exist in Los
    Angeles; strict mode rejects it, otherwise the transition instant (03:00) is stored."""
    strict = ColumnCaster(_col(TIMESTAMP), time_zone="America/Los_Angeles")
    with pytest.raises(CastError) as info:
        strict(b"2019-03-10 02:30:00")
    assert info.value.reason == CastError.INVALID_DATE
    loose = ColumnCaster(_col(TIMESTAMP), time_zone="America/Los_Angeles",
                         sql_mode=SQLMode(strict=False))  # fmt: skip
    assert loose(b"2019-03-10 02:30:00").value == Time(2019, 3, 10, 3, 0, tp=m.TYPE_TIMESTAMP)


def test_date_literal_rounds_with_fsp_0_before_dropping_the_time() -> None:
    """TiDB convertToMysqlTime: ParseTime(..., TypeDate, fsp 0) carries .575601 into the next
    day, then the time part is dropped (time_test.go fspTbl 2017-01-05 23:59:59.575601)."""
    assert ColumnCaster(_col(DATE))(b"2017-01-05 23:59:59.575601").value == Time(
        2017, 1, 6, tp=m.TYPE_DATE
    )


def test_allow_invalid_dates_keeps_day_31_in_short_months() -> None:
    caster = ColumnCaster(
        _col(DATE), sql_mode=SQLMode.parse("STRICT_TRANS_TABLES,ALLOW_INVALID_DATES")
    )
    assert caster(b"2021-02-30").value == Time(2021, 2, 30, tp=m.TYPE_DATE)
    with pytest.raises(CastError):
        ColumnCaster(_col(DATE))(b"2021-02-30")


def test_datetime_literal_with_an_offset_moves_to_the_session_zone() -> None:
    """TiDB TestDateTime (issue 35291): a trailing +05:00 is converted to the session zone."""
    caster = ColumnCaster(_col(DATETIME2), time_zone="+08:00")
    assert caster(b"2020-01-01 12:00:00.123+05:00").value == Time(
        2020, 1, 1, 15, 0, 0, 120000, m.TYPE_DATETIME, 2
    )


LOOSE = SQLMode(strict=False)


def test_set_members_follow_parse_set_name() -> None:
    """TiDB types.ParseSetName: duplicates and order do not matter, members compare under the
    column collation (PAD SPACE), a name that is not all members is tried as
    strconv.ParseUint(name, 0, 64) and otherwise is an error, or the empty set when not
    strict (ParseSetValue likewise for masks beyond the members)."""
    caster = ColumnCaster(_col(SET))
    assert caster(b"a,a,b").value == SetValue("a,b", 3)
    assert caster(b"b,a").value == SetValue("a,b", 3)
    assert caster(b"a ,b").value == SetValue("a,b", 3)
    assert caster(b"0x3").value == SetValue("a,b", 3)
    assert caster(b"05").value == SetValue("a,c", 5)  # a leading 0 is octal
    for bad in (b"a,", b"a,d", b"A", b"8"):
        with pytest.raises(CastError):
            caster(bad)
    loose = ColumnCaster(_col(SET), sql_mode=LOOSE)
    assert loose(b"a,d").value == SetValue("", 0)
    assert loose(8).value == SetValue("", 0)


def test_enum_name_falls_back_to_parse_uint() -> None:
    """TiDB types.ParseEnumName: an unknown name is tried as strconv.ParseUint(name, 0, 64)."""
    caster = ColumnCaster(_col(ENUM))
    assert caster(b"0x2").value == Enum("Large", 2)
    for bad in (b"0", b" small", b"2 "):
        with pytest.raises(CastError):
            caster(bad)


@pytest.mark.parametrize(
    ("field_type", "literal", "loose"),
    [
        (BIGINT, b"1e309", Datum.int64((1 << 63) - 1)),
        (BIGINT, b"-1e999999999", Datum.int64(-(1 << 63))),
        (TINY, b"1.5e2", Datum.int64(127)),
        (DOUBLE, b"1e309", Datum.float64(1.7976931348623157e308)),
        (FLOAT, b"-1e309", Datum.float32(-3.4028234663852886e38)),
        (DEC, b"1e309", Datum.decimal(Decimal("999.99"), 5, 2)),
    ],
)
def test_numeric_strings_beyond_the_type(
    field_type: FieldType, literal: Literal, loose: Datum
) -> None:
    """Strings whose exponent overflows are out of range in strict mode and clamp otherwise
    (TiDB StrToInt / StrToFloat: ±MaxFloat64 / the column's limit)."""
    with pytest.raises(CastError) as info:
        ColumnCaster(_col(field_type))(literal)
    assert info.value.reason == CastError.OUT_OF_RANGE
    assert ColumnCaster(_col(field_type), sql_mode=LOOSE)(literal) == loose


def test_nan_and_infinity_are_never_stored() -> None:
    """MySQL has no NaN / infinity: float literals refuse them, strings read as 0."""
    for v in (float("nan"), float("inf")):
        with pytest.raises(CastError):
            ColumnCaster(_col(DOUBLE), sql_mode=LOOSE)(v)
    assert ColumnCaster(_col(DOUBLE), sql_mode=LOOSE)(b"nan") == Datum.float64(0.0)
    with pytest.raises(CastError):
        ColumnCaster(_col(DOUBLE))(b"inf")


def test_year_two_digit_boundaries() -> None:
    """TiDB AdjustYear: 69 → 2069, 70 → 1970; the strings '0' / '00' are 2000, the number 0
    and '0000' stay 0; floats round first (1900.5 → 1901)."""
    caster = ColumnCaster(_col(YEAR))
    assert [caster(x).value for x in (69, 70, b"70", b"00", b"0", 0, b"0000", 1900.5)] == [
        2069, 1970, 1970, 2000, 2000, 0, 0, 1901,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("literal", "value", "error"),
    [
        (111.114, 111.11, False),
        (999.999, 999.99, True),
        (-999.999, -999.99, True),
        (1111.11, 999.99, True),
        (999.916, 999.92, False),
        (999.914, 999.91, False),
        (999.9155, 999.92, False),
    ],
)
def test_float_m_d_rounds_like_tidb(literal: float, value: float, error: bool) -> None:
    """TiDB convert_test.go TestConvertType: FLOAT(5,2) values (an error in strict mode is the
    clamped value otherwise)."""
    expected = Datum.float32(struct.unpack("<f", struct.pack("<f", value))[0])
    if error:
        with pytest.raises(CastError):
            ColumnCaster(_col(FLOAT_MD))(literal)
        assert ColumnCaster(_col(FLOAT_MD), sql_mode=LOOSE)(literal) == expected
    else:
        assert ColumnCaster(_col(FLOAT_MD))(literal) == expected
    double = ColumnCaster(_col(ft(m.TYPE_DOUBLE, flen=5, decimal=2)))
    assert double(999.9155) == Datum.float64(999.92)


def test_float_equal_to_float64_max_int64_is_max_int64() -> None:
    """TiDB convert_test.go TestConvertType (issue 4287): math.Pow(2, 63)-1 is 2**63 as a
    float64, which ConvertFloatToInt accepts as MaxInt64."""
    assert ColumnCaster(_col(BIGINT))(2.0**63 - 1) == Datum.int64((1 << 63) - 1)
    with pytest.raises(CastError):
        ColumnCaster(_col(TINY))(128.0)


@pytest.mark.parametrize(
    ("flen", "charset", "output"),
    [
        (5, "utf8", "你好\uff0c世界"),
        (5, "utf8mb4", "你好\uff0c世界"),
        (4, "utf8", "你好\uff0c世"),
        (4, "utf8mb4", "你好\uff0c世"),
        (15, "binary", "你好\uff0c世界"),
        (12, "binary", "你好\uff0c世"),
        (0, "binary", ""),
    ],
)
def test_varchar_length_counts_characters_or_bytes(flen: int, charset: str, output: str) -> None:
    """TiDB convert_test.go TestConvertToString (truncate table): too long is ErrDataTooLong
    (strict) and the truncated value otherwise; binary counts bytes."""
    collate = "binary" if charset == "binary" else f"{charset}_bin"
    column = _col(ft(m.TYPE_VARCHAR, flen=flen, charset=charset, collate=collate))
    text = "你好\uff0c世界".encode()
    loose = ColumnCaster(column, sql_mode=LOOSE)(text)
    assert loose.value == output.encode()
    if output.encode() != text:
        with pytest.raises(CastError) as info:
            ColumnCaster(column)(text)
        assert info.value.reason == CastError.TOO_LONG


def _loose_and_strict(field_type: FieldType) -> tuple[ColumnCaster, ColumnCaster]:
    loose = SQLMode(strict=False, no_zero_date=False, no_zero_in_date=False)
    return ColumnCaster(_col(field_type), sql_mode=loose), ColumnCaster(_col(field_type))


# TiDB convert_test.go TestConvert: (type, literal, accepted?, value TiDB returns). "accept"
# runs with truncation ignored (non-strict here); "deny" is an error in strict mode and the
# value is what a non-strict INSERT keeps.
TIDB_CONVERT: list[tuple[FieldType, Literal, bool, object]] = [
    (TINY, -129, False, -128), (TINY, 128, False, 127), (TINY, BitLiteral(b"\x80"), False, 127),
    (UTINY, 256, False, 255), (UTINY, BitLiteral(b"\x01\x00"), False, 255),
    (ft(m.TYPE_LONG), 2**64 - 1, False, 2147483647),
    (ft(m.TYPE_LONG), b"1343545435346432587475", False, 2147483647),
    (BIGINT, -(2.0**63) * 1.1, False, -(1 << 63)), (BIGINT, (2.0**63 - 1) * 1.1, False, (1 << 63) - 1),
    (UBIGINT, (2.0**64 - 1) * 1.1, False, (1 << 64) - 1),
    (ft(m.TYPE_LONG), b"\t  234  ", True, 234), (ft(m.TYPE_LONG), b" 2.35e3  ", True, 2350),
    (ft(m.TYPE_LONG), b" 2.e3  ", True, 2000), (ft(m.TYPE_LONG), b" -2.e3  ", True, -2000),
    (ft(m.TYPE_LONG), b" 2e2  ", True, 200), (ft(m.TYPE_LONG), b" 0.002e3  ", True, 2),
    (ft(m.TYPE_LONG), b" .002e3  ", True, 2), (ft(m.TYPE_LONG), b" 20e-2  ", True, 0),
    (ft(m.TYPE_LONG), b" -20e-2  ", True, 0), (ft(m.TYPE_LONG), b" +2.51 ", True, 3),
    (ft(m.TYPE_LONG), b" -9999.5 ", True, -10000), (ft(m.TYPE_LONG), b" 999.4", True, 999),
    (ft(m.TYPE_LONG), b" -3.58", True, -4), (ft(m.TYPE_LONG), b" 1a ", False, 1),
    (ft(m.TYPE_LONG), b" +1+ ", False, 1), (ft(m.TYPE_LONG), 234.5456, True, 235),
    (ft(m.TYPE_LONG), -23.45, True, -23), (UBIGINT, 234.5456, True, 235),
    (DOUBLE, b" -23.54", True, -23.54), (DOUBLE, b"-23.54a", False, -23.54),
    (DOUBLE, b"-23.54e2e", False, -2354.0), (DOUBLE, b"+.e", False, 0.0), (DOUBLE, b"1e+1", True, 10.0),
    (YEAR, 123, False, 1901), (YEAR, 3000, False, 2155), (YEAR, b"2000", True, 2000),
    (YEAR, b"abc", True, 0), (YEAR, b"00abc", True, 2000), (YEAR, b"0019", True, 2019),
    (YEAR, 2155, True, 2155), (YEAR, 2155.123, True, 2155), (YEAR, 2156, False, 2155),
    (YEAR, 123.123, False, 1901), (YEAR, 1900, False, 1901), (YEAR, 1901, True, 1901),
    (YEAR, 1900.567, True, 1901), (YEAR, 1900.456, False, 1901), (YEAR, 0, True, 0),
    (YEAR, b"0", True, 2000), (YEAR, b"00", True, 2000), (YEAR, b" 0", True, 2000),
    (YEAR, b" 00", True, 2000), (YEAR, b" 000", True, 0), (YEAR, b" 0000 ", True, 2000),
    (YEAR, b" 0ab", True, 0), (YEAR, b"00bc", True, 0), (YEAR, b"000a", True, 0),
    (YEAR, b" 000a ", True, 2000), (YEAR, 1, True, 2001), (YEAR, b"1", True, 2001),
    (YEAR, b"01", True, 2001), (YEAR, 69, True, 2069), (YEAR, b"69", True, 2069),
    (YEAR, 70, True, 1970), (YEAR, b"70", True, 1970), (YEAR, 99, True, 1999),
    (YEAR, b"99", True, 1999), (YEAR, 100, False, 1901),
    (YEAR, b"99999999999999999999999999999999999", False, 0),
    (DATE, b"2012-08-23", True, "2012-08-23"),
    (ft(m.TYPE_DATETIME), b"2012-08-23 12:34:03.123456", True, "2012-08-23 12:34:03"),
    (ft(m.TYPE_DATETIME), 0, True, "0000-00-00 00:00:00"),
    (ft(m.TYPE_DATETIME), Decimal("20010101100000.123456"), True, "2001-01-01 10:00:00"),
    (TIMESTAMP, b"2012-08-23 12:34:03.123456", True, "2012-08-23 12:34:03"),
    (TIMESTAMP, Decimal("20010101100000.123456"), True, "2001-01-01 10:00:00"),
    (ft(m.TYPE_DURATION), b"10:11:12", True, "10:11:12"), (ft(m.TYPE_DURATION), 0, True, "00:00:00"),
    (DATE, b"2012-08-x", False, "0000-00-00"),
    (ft(m.TYPE_DATETIME), b"2012-08-x", False, "0000-00-00 00:00:00"),
    (TIMESTAMP, b"2012-08-x", False, "0000-00-00 00:00:00"),
    (ft(m.TYPE_DURATION), b"2012-08-x", False, "00:20:12"),
    (ft(m.TYPE_DURATION), b"0000-00-00", False, "00:00:00"),
    (ft(m.TYPE_DURATION), b"1234abc", False, "00:12:34"),
    (ft(m.TYPE_STRING, flen=10), b"abc", True, "abc"), (ft(m.TYPE_STRING, flen=10), 5678, True, "5678"),
]  # fmt: skip


def _shown(d: Datum) -> object:
    if d.kind == Kind.DURATION:
        from tidbkv.mytime import format_duration

        return format_duration(d.value, d.frac)
    if d.kind == Kind.TIME:
        return str(d.value)
    if d.kind == Kind.STRING:
        return bytes(d.value).decode()
    return d.value


@pytest.mark.parametrize(("field_type", "literal", "accepted", "value"), TIDB_CONVERT)
def test_tidb_convert_table(
    field_type: FieldType, literal: Literal, accepted: bool, value: object
) -> None:
    """TiDB pkg/types convert_test.go TestConvert (the literal-input cases)."""
    loose, strict = _loose_and_strict(field_type)
    assert _shown(loose(literal)) == value
    if not accepted:
        with pytest.raises(CastError):
            strict(literal)


@pytest.mark.parametrize(
    ("literal", "loose", "strict_ok"),
    [
        (101010, "10:10:10", True),
        (-101010, "-10:10:10", True),
        (8385959, "838:59:59", True),
        (8385960, "838:59:59", False),
        (8376049, "00:00:00", False),
        (20111111000001, "00:00:01", True),
        (201112110102, "11:01:02", True),
        (10000235959, "838:59:59", False),
        (1.5, "00:00:02", True),
        (Decimal("101010.6"), "10:10:11", True),
        (Decimal("8385959.5"), "838:59:59", False),
    ],
)
def test_numbers_into_time_follow_convert_to_mysql_duration(
    literal: Literal, loose: str, strict_ok: bool
) -> None:
    """TiDB Datum.convertToMysqlDuration: a number's integer value above 838:59:59 (and below
    10000000000) is the maximum TIME with an error; otherwise ParseDuration of its text, so
    an 11-digit number is not read as a datetime (NumberToDuration would give 23:59:59)."""
    loose_c, strict_c = _loose_and_strict(ft(m.TYPE_DURATION, decimal=0))
    assert format_duration(loose_c(literal).value) == loose
    if strict_ok:
        assert format_duration(strict_c(literal).value) == loose
    else:
        with pytest.raises(CastError):
            strict_c(literal)


@pytest.mark.parametrize(
    ("literal", "stored", "strict_ok"),
    [
        (b"1e -1", "0.10", True),
        (b"1e - 1", "1.00", False),
        (b"1e 1dddd ", "10.00", False),
        (b"123.45.", "123.45", False),
        (b"  -1.5e+2  ", "-150.00", True),
        (b"1e18446744073709551620", "0.00", False),
        (b"1e100", "99999999.99", False),
        (b"", "0.00", False),
    ],
)
def test_decimal_strings_are_parsed_by_mydecimal_from_string(
    literal: bytes, stored: str, strict_ok: bool
) -> None:
    # TiDB convertToMysqlDecimal: MyDecimal.FromString, then ProduceDecWithSpecifiedTp.
    loose_c, strict_c = _loose_and_strict(ft(m.TYPE_NEWDECIMAL, flen=10, decimal=2))
    assert str(loose_c(literal).value) == stored
    if strict_ok:
        assert str(strict_c(literal).value) == stored
    else:
        with pytest.raises(CastError):
            strict_c(literal)


@pytest.mark.parametrize(
    "text",
    [
        "99999999999999999999999999999999999.999999999999999999999999999999",
        "-99999999999999999999999999999999999.999999999999999999999999999999",
        "12345678901234567890123456789012345.5",
    ],
)
def test_decimal_65_30_takes_its_full_precision(text: str) -> None:
    """Values wider than Python's default 28-digit context are not rounded before the range
    check (found importing a MariaDB dump holding DECIMAL(65,30) extremes)."""
    caster = ColumnCaster(_col(ft(m.TYPE_NEWDECIMAL, flen=65, decimal=30)))
    d = caster(Decimal(text))
    assert d.kind == Kind.DECIMAL and d.value == Decimal(text)
    with pytest.raises(CastError):
        caster(Decimal("1" + "0" * 35))
