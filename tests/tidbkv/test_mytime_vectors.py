"""DATE / DATETIME / TIMESTAMP / TIME parsing and packing against TiDB pkg/types/time_test.go,
fsp_test.go and TiKV codec/mysql/time tests (each test names its source)."""

from __future__ import annotations

import pytest

from tidbkv import mysqltypes as m
from tidbkv import mytime as mt
from tidbkv.mytime import Time, TimeParseError

LA = mt.resolve_time_zone("America/Los_Angeles")
SHANGHAI = mt.resolve_time_zone("Asia/Shanghai")
LONDON = mt.resolve_time_zone("Europe/London")

# TiDB time_test.go TestDateTime: ParseDatetime (fsp from the literal)
DATETIMES = [
    ("2012-12-31 11:30:45", "2012-12-31 11:30:45"),
    ("0000-00-00 00:00:00", "0000-00-00 00:00:00"),
    ("0001-01-01 00:00:00", "0001-01-01 00:00:00"),
    ("00-12-31 11:30:45", "2000-12-31 11:30:45"),
    ("12-12-31 11:30:45", "2012-12-31 11:30:45"),
    ("2012-12-31", "2012-12-31 00:00:00"),
    ("20121231", "2012-12-31 00:00:00"),
    ("121231", "2012-12-31 00:00:00"),
    ("2012^12^31 11+30+45", "2012-12-31 11:30:45"),
    ("2012^12^31T11+30+45", "2012-12-31 11:30:45"),
    ("2012-2-1 11:30:45", "2012-02-01 11:30:45"),
    ("12-2-1 11:30:45", "2012-02-01 11:30:45"),
    ("20121231113045", "2012-12-31 11:30:45"),
    ("121231113045", "2012-12-31 11:30:45"),
    ("2012-02-29", "2012-02-29 00:00:00"),
    ("00-00-00", "0000-00-00 00:00:00"),
    ("00-00-00 00:00:00.123", "2000-00-00 00:00:00.123"),
    ("11111111111", "2011-11-11 11:11:01"),
    ("1701020301.", "2017-01-02 03:01:00"),
    ("1701020304.1", "2017-01-02 03:04:01.0"),
    ("1701020302.11", "2017-01-02 03:02:11.00"),
    ("170102036", "2017-01-02 03:06:00"),
    ("170102039.", "2017-01-02 03:09:00"),
    ("170102037.11", "2017-01-02 03:07:11.00"),
    ("2018-01-01 18", "2018-01-01 18:00:00"),
    ("18-01-01 18", "2018-01-01 18:00:00"),
    ("2018.01.01", "2018-01-01 00:00:00.00"),
    ("2020.10.10 10.10.10", "2020-10-10 10:10:10.00"),
    ("2020-10-10 10-10.10", "2020-10-10 10:10:10.00"),
    ("2020-10-10 10.10", "2020-10-10 10:10:00.00"),
    ("2018.01.01 00:00:00", "2018-01-01 00:00:00"),
    ("2018/01/01-00:00:00", "2018-01-01 00:00:00"),
    ("4710072", "2047-10-07 02:00:00"),
    ("2016-06-01 00:00:00 00:00:00", "2016-06-01 00:00:00"),
    ("2020-06-01 00:00:00ads!,?*da;dsx", "2020-06-01 00:00:00"),
    ("2020-05-28 23:59:59 00:00:00", "2020-05-28 23:59:59"),
    ("2020-05-28 23:59:59-00:00:00", "2020-05-28 23:59:59"),
    ("2020-05-28 23:59:59T T00:00:00", "2020-05-28 23:59:59"),
    ("2020-10-22 10:31-10:12", "2020-10-22 10:31:10"),
    ("2018.01.01 01:00:00", "2018-01-01 01:00:00"),
    ("2020-01-01 12:00:00.123456+05:00", "2020-01-01 07:00:00.123456"),
    ("2020-01-01 12:00:00.123456-05:00", "2020-01-01 17:00:00.123456"),
]


@pytest.mark.parametrize(("text", "shown"), DATETIMES)
def test_parse_datetime(text: str, shown: str) -> None:
    """TiDB time_test.go TestDateTime (first table)."""
    assert str(mt.parse_datetime(text)) == shown


@pytest.mark.parametrize(
    ("text", "fsp", "shown"),
    [
        ("20170118.123", 6, "2017-01-18 12:03:00.000000"),
        ("121231113045.123345", 6, "2012-12-31 11:30:45.123345"),
        ("20121231113045.123345", 6, "2012-12-31 11:30:45.123345"),
        ("121231113045.9999999", 6, "2012-12-31 11:30:46.000000"),
        ("170105084059.575601", 0, "2017-01-05 08:41:00"),
        ("2017-01-05 23:59:59.575601", 0, "2017-01-06 00:00:00"),
        ("2017-01-31 23:59:59.575601", 0, "2017-02-01 00:00:00"),
        ("2017-00-05 23:59:58.575601", 3, "2017-00-05 23:59:58.576"),
        ("2017.00.05 23:59:58.575601", 3, "2017-00-05 23:59:58.576"),
        ("2017/00/05 23:59:58.575601", 3, "2017-00-05 23:59:58.576"),
        ("2017/00/05-23:59:58.575601", 3, "2017-00-05 23:59:58.576"),
        ("1710-10:00", 0, "1710-10-00 00:00:00"),
        ("1710.10+00", 0, "1710-10-00 00:00:00"),
        ("2020-10:15", 0, "2020-10-15 00:00:00"),
        ("2020.09-10:15", 0, "2020-09-10 15:00:00"),
        ("2.0.8 hotfix", 6, "2002-00-08 00:00:00.000000"),
    ],
)
def test_parse_time_with_fsp_rounds_and_carries(text: str, fsp: int, shown: str) -> None:
    """TiDB time_test.go TestDateTime fspTbl (half up at the 7th digit, carry into the
    seconds, the day and the month)."""
    t = mt.parse_time(text, m.TYPE_DATETIME, fsp)
    assert str(t) == shown
    if text == "121231113045.9999999":
        assert (t.second, t.microsecond) == (46, 0)


@pytest.mark.parametrize(
    "text",
    ["1000-01-01 00:00:70", "1000-13-00 00:00:00", "1201012736.0000", "1201012736",
     "10000-01-01 00:00:00", "1000-09-31 00:00:00", "1001-02-29 00:00:00", "20170118.999",
     "2018-01", "2018.01", "20170118-12:34", "20170118-1234", "170118-1234", "170118-12",
     "1710-10", "1710-1000"],
)  # fmt: skip
def test_parse_datetime_rejects(text: str) -> None:
    """TiDB time_test.go TestDateTime errTable."""
    with pytest.raises(TimeParseError):
        mt.parse_datetime(text)


def test_parse_timestamp_range() -> None:
    """TiDB time_test.go TestTimestamp and TestCodec (a zero day is no TIMESTAMP)."""
    assert str(mt.parse_timestamp("2012-12-31 11:30:45")) == "2012-12-31 11:30:45"
    for bad in ("2048-12-31 11:30:45", "1969-12-31 11:30:45", "2016-12-00 00:00:00"):
        with pytest.raises(TimeParseError):
            mt.parse_timestamp(bad)


DATES = [
    ("0001-12-13", "0001-12-13"), ("2011-12-13", "2011-12-13"),
    ("2011-12-13 10:10:10", "2011-12-13"), ("2015-06-01 12:12:12", "2015-06-01"),
    ("0001-01-01 00:00:00", "0001-01-01"), ("00-12-31", "2000-12-31"),
    *[(f"2011{c}12{c}13", "2011-12-13") for c in "\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~"],
    ("2011~12~13 12~12~12", "2011-12-13"), ("2011~12~13T12~12~12", "2011-12-13"),
    ("2011~12~13~12~12~12", "2011-12-13"), ("20111213", "2011-12-13"), ("111213", "2011-12-13"),
    (" 2011-12-13", "2011-12-13"), ("2011-12-13 ", "2011-12-13"),
    ("   2011-12-13    ", "2011-12-13"), ("2011-12--13", "2011-12-13"),
    ("2011--12-13", "2011-12-13"), ("2011-12..13", "2011-12-13"),
    ("2011----12----13", "2011-12-13"), ("2011~/.12)_#13T T.12~)12[~12", "2011-12-13"),
    ("   2011----12----13    ", "2011-12-13"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "shown"), DATES)
def test_parse_date(text: str, shown: str) -> None:
    """TiDB time_test.go TestDate (any ASCII punctuation delimits)."""
    t = mt.parse_date(text)
    assert str(t) == shown and t.tp == m.TYPE_DATE and t.hour == 0


@pytest.mark.parametrize(
    "text",
    ["0121231", "1201012736.0000", "1201012736", "2019.01", "2019 01 02", "2019A01A02",
     "2019-01T02", "2011-12-13 10:10T10", "2019\u201301\u201302", "2019\u201401\u201402"],
)  # fmt: skip
def test_parse_date_rejects(text: str) -> None:
    """TiDB time_test.go TestDate errTable (en / em dashes are not delimiters)."""
    with pytest.raises(TimeParseError):
        mt.parse_date(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("10:11:12", "10:11:12"), ("101112", "10:11:12"), ("020005", "02:00:05"),
        ("112", "00:01:12"), ("10:11", "10:11:00"), ("101112.123456", "10:11:12"),
        ("1112", "00:11:12"), ("1", "00:00:01"), ("12", "00:00:12"), ("1 12", "36:00:00"),
        ("1 10:11:12", "34:11:12"), ("1 10:11:12.123456", "34:11:12"),
        ("10:11:12.123456", "10:11:12"), ("1 10:11", "34:11:00"), ("1 10", "34:00:00"),
        ("24 10", "586:00:00"), ("-24 10", "-586:00:00"), ("0 10", "10:00:00"),
        ("-10:10:10", "-10:10:10"), ("-838:59:59", "-838:59:59"), ("838:59:59", "838:59:59"),
        ("2011-11-11 00:00:01", "00:00:01"), ("20111111121212.123", "12:12:12"),
        ("2011-11-11T12:12:12", "12:12:12"),
    ],
)  # fmt: skip
def test_parse_duration(text: str, shown: str) -> None:
    """TiDB time_test.go TestTime (fsp 0; datetimes give their time of day)."""
    assert mt.format_duration(mt.parse_duration(text, 0), 0) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [("101112.123456", "10:11:12.123456"), ("1 10:11:12.123456", "34:11:12.123456"),
     ("10:11:12.123456", "10:11:12.123456")],
)  # fmt: skip
def test_parse_duration_keeps_microseconds(text: str, shown: str) -> None:
    """TiDB time_test.go TestTime (MaxFsp table)."""
    assert mt.format_duration(mt.parse_duration(text, 6), 6) == shown


@pytest.mark.parametrize(
    "text", ["0x", "1x", "2011-11-11", "232 10", "-232 10", "4294967295 0:59:59", "839:00:00"]
)
def test_parse_duration_rejects(text: str) -> None:
    """TiDB time_test.go TestTime (truncated values and errTable, all errors in TiDB)."""
    with pytest.raises(TimeParseError):
        mt.parse_duration(text, 0)


@pytest.mark.parametrize(
    ("text", "fsp", "shown"),
    [
        ("00:00:00.1", 0, "00:00:00"), ("00:00:00.1", 1, "00:00:00.1"),
        ("00:00:00.777777", 2, "00:00:00.78"), ("00:00:00.777777", 6, "00:00:00.777777"),
        ("00:00:00.777777", -1, "00:00:01"), ("00:00:00.001", 3, "00:00:00.001"),
        ("08:29:59.537368", 0, "08:30:00"), ("08:59:59.537368", 0, "09:00:00"),
    ],
)  # fmt: skip
def test_duration_fsp_rounding(text: str, fsp: int, shown: str) -> None:
    """TiDB time_test.go TestTimeFsp (fsp -1 means 0; rounding carries into minutes and
    hours); fsp -2 is an error."""
    assert mt.format_duration(mt.parse_duration(text, fsp), max(fsp, 0)) == shown
    with pytest.raises(TimeParseError):
        mt.parse_duration("00:00:00.1", -2)


def test_duration_clock() -> None:
    """TiDB time_test.go TestDurationClock."""
    for text, h, mi, s, us in [("11:11:11.11", 11, 11, 11, 110000),
                               ("1 11:11:11.000011", 35, 11, 11, 11),
                               ("2010-10-10 11:11:11.000011", 11, 11, 11, 11)]:  # fmt: skip
        nanos = mt.parse_duration(text, 6)
        assert nanos == ((h * 60 + mi) * 60 + s) * 10**9 + us * 1000


def test_duration_round_frac() -> None:
    """TiDB time_test.go TestRoundFrac (duration table) and TiKV table.rs "23:23:23.666"."""
    for text, fsp, shown in [("11:30:45.123456", 4, "11:30:45.1235"),
                             ("11:30:45.123456", 6, "11:30:45.123456"),
                             ("11:30:45.123456", 0, "11:30:45"),
                             ("1 11:30:45.123456", 1, "35:30:45.1"),
                             ("1 11:30:45.999999", 4, "35:30:46.0000"),
                             ("-1 11:30:45.999999", 0, "-35:30:46")]:  # fmt: skip
        nanos = mt.duration_round_frac(mt.parse_duration(text, 6), fsp)
        assert mt.format_duration(nanos, fsp) == shown
    assert mt.format_duration(mt.parse_duration("23:23:23.666", 2), 2) == "23:23:23.67"


def test_year() -> None:
    """TiDB time_test.go TestYear: ParseYear and AdjustYear."""
    for text, year in [("1990", 1990), ("10", 2010), ("0", 2000), ("99", 1999)]:
        assert mt.parse_year(text) == year
    assert mt.adjust_year(2000, False) == 2000 and mt.adjust_year(0, False) == 0
    assert mt.adjust_year(0, True) == 2000
    for bad in (20000, -1):
        with pytest.raises(TimeParseError):
            mt.adjust_year(bad, False)


@pytest.mark.parametrize(
    "text",
    ["2000-01-01 00:00:00.000000", "2000-01-01 00:00:00.123456",
     "0001-01-01 00:00:00.123456", "2000-06-01 00:00:00.999999"],
)  # fmt: skip
def test_packed_uint_round_trip(text: str) -> None:
    """TiDB time_test.go TestCodec: ToPackedUint / FromPackedUint at fsp 6 (and zero → 0)."""
    t = mt.parse_time(text, m.TYPE_DATETIME, 6)
    assert str(Time.from_packed_uint(t.to_packed_uint(), m.TYPE_DATETIME, 6)) == text
    assert mt.ZERO_DATETIME.to_packed_uint() == 0
    assert Time.from_packed_uint(0) == mt.ZERO_DATETIME


Z = "0000-00-00 00:00:00"

# TiDB time_test.go TestParseTimeFromNum: (n, datetime, timestamp, date); None = error
FROM_NUM = [
    (20101010111111, "2010-10-10 11:11:11", "2010-10-10 11:11:11", "2010-10-10"),
    (2010101011111, "0201-01-01 01:11:11", None, "0201-01-01"),
    (201010101111, "2020-10-10 10:11:11", "2020-10-10 10:11:11", "2020-10-10"),
    (20101010111, "2002-01-01 01:01:11", "2002-01-01 01:01:11", "2002-01-01"),
    (2010101011, None, None, None),
    (201010101, "2000-02-01 01:01:01", "2000-02-01 01:01:01", "2000-02-01"),
    (20101010, "2010-10-10 00:00:00", "2010-10-10 00:00:00", "2010-10-10"),
    (2010101, "0201-01-01 00:00:00", None, "0201-01-01"),
    (201010, "2020-10-10 00:00:00", "2020-10-10 00:00:00", "2020-10-10"),
    (20101, "2002-01-01 00:00:00", "2002-01-01 00:00:00", "2002-01-01"),
    (2010, None, None, None),
    (201, "2000-02-01 00:00:00", "2000-02-01 00:00:00", "2000-02-01"),
    (20, None, None, None),
    (2, None, None, None),
    (0, Z, Z, "0000-00-00"),
    (-1, None, None, None),
    (99999999999999, None, None, None),
    (100000000000000, None, None, None),
    (10000102000000, "1000-01-02 00:00:00", None, "1000-01-02"),
    (19690101000000, "1969-01-01 00:00:00", None, "1969-01-01"),
    (991231235959, "1999-12-31 23:59:59", "1999-12-31 23:59:59", "1999-12-31"),
    (691231235959, "2069-12-31 23:59:59", None, "2069-12-31"),
    (370119031407, "2037-01-19 03:14:07", "2037-01-19 03:14:07", "2037-01-19"),
    (380120031407, "2038-01-20 03:14:07", None, "2038-01-20"),
    (11111111111, "2001-11-11 11:11:11", "2001-11-11 11:11:11", "2001-11-11"),
]


@pytest.mark.parametrize(("num", "dt", "ts", "date"), FROM_NUM)
def test_parse_time_from_num(num: int, dt: str | None, ts: str | None, date: str | None) -> None:
    """TiDB time_test.go TestParseTimeFromNum (DATETIME, TIMESTAMP, DATE)."""
    for tp, expected in ((m.TYPE_DATETIME, dt), (m.TYPE_TIMESTAMP, ts), (m.TYPE_DATE, date)):
        if expected is None:
            with pytest.raises(TimeParseError):
                mt.parse_time_from_num(num, tp)
        else:
            t = mt.parse_time_from_num(num, tp)
            assert (str(t), t.tp) == (expected, tp)
            assert mt.time_from_number(num, tp) == t


@pytest.mark.parametrize(
    ("text", "fsp", "shown"),
    [
        ("20170118.123", 3, "2017-01-18 00:00:00.000"),
        ("121231113045.123345", 6, "2012-12-31 11:30:45.123345"),
        ("20121231113045.123345", 6, "2012-12-31 11:30:45.123345"),
        ("121231113045.9999999", 6, "2012-12-31 11:30:46.000000"),
        ("170105084059.575601", 6, "2017-01-05 08:40:59.575601"),
        ("201705051315111.22", 2, None),
        ("2011110859.1111", 4, None),
        ("191203081.1111", 4, None),
        ("43128.121105", 6, None),
    ],
)
def test_parse_time_from_float_string(text: str, fsp: int, shown: str | None) -> None:
    """TiDB time_test.go TestParseTimeFromFloatString (a decimal's fraction is not hhmmss)."""
    if shown is None:
        with pytest.raises(TimeParseError):
            mt.parse_time_from_float_string(text, m.TYPE_DATETIME, fsp)
    else:
        assert str(mt.parse_time_from_float_string(text, m.TYPE_DATETIME, fsp)) == shown


@pytest.mark.parametrize(
    ("digits", "fsp", "micros", "overflow"),
    [
        ("1234567", 0, 0, False), ("1234567", 1, 100000, False), ("0000567", 5, 60, False),
        ("1234567", 5, 123460, False), ("1234567", 6, 123457, False), ("123", 4, 123000, False),
        ("123", 5, 123000, False), ("123", 6, 123000, False), ("11", 6, 110000, False),
        ("01", 3, 10000, False), ("012", 4, 12000, False), ("0123", 5, 12300, False),
        ("9999999", 6, 0, True), ("999999", 5, 0, True), ("999", 2, 0, True),
        ("999", 3, 999000, False),
    ],
)  # fmt: skip
def test_parse_frac(digits: str, fsp: int, micros: int, overflow: bool) -> None:
    """TiDB time_test.go TestParseFrac."""
    assert mt.parse_frac(digits, fsp) == (micros, overflow)


def test_parse_frac_rounds_on_the_next_digit_only() -> None:
    """ParseFrac looks at digit fsp+1 only: .0000004999 at fsp 6 is 0 µs (a nanosecond
    rounding first would make it 1 µs)."""
    assert mt.parse_frac("0000004999", 6) == (0, False)
    assert mt.parse_duration("00:00:00.0000004999", 6) == 0


@pytest.mark.parametrize(
    ("text", "fsp", "shown"),
    [
        ("2012-12-31 11:30:45.123456", 4, "2012-12-31 11:30:45.1235"),
        ("2012-12-31 11:30:45.123456", 6, "2012-12-31 11:30:45.123456"),
        ("2012-12-31 11:30:45.123456", 0, "2012-12-31 11:30:45"),
        ("2012-12-31 11:30:45.123456", 1, "2012-12-31 11:30:45.1"),
        ("2012-12-31 11:30:45.999999", 4, "2012-12-31 11:30:46.0000"),
        ("2012-12-31 11:30:45.999999", 0, "2012-12-31 11:30:46"),
        ("2012-00-00 11:30:45.999999", 3, "2012-00-00 11:30:46.000"),
        ("2011-11-11 10:10:10.888888", 0, "2011-11-11 10:10:11"),
        ("2011-11-11 10:10:10.111111", 0, "2011-11-11 10:10:10"),
        ("2019-11-26 11:30:45.999999", 3, "2019-11-26 11:30:46.000"),
    ],
)
def test_round_frac(text: str, fsp: int, shown: str) -> None:
    """TiDB time_test.go TestRoundFrac (a zero month / day carries within the day)."""
    assert str(mt.parse_time(text, m.TYPE_DATETIME, 6).round_frac(fsp)) == shown


def test_round_frac_cannot_carry_past_midnight_of_an_invalid_date() -> None:
    """TiDB Time.RoundFrac errors when an invalid date's clock carries into the next day."""
    t = mt.parse_time("2012-01-00 23:59:59.999999", m.TYPE_DATETIME, 6)
    with pytest.raises(TimeParseError):
        t.round_frac(3)


def test_to_number_truncates_the_date() -> None:
    """TiDB time_test.go TestToNumber: DATE parses with fsp 0 and keeps the date; DATETIME
    rounds at the requested fsp."""
    assert mt.parse_time("12-12-31 11:30:45.823345", m.TYPE_DATE, 0) == Time(
        2012, 12, 31, tp=m.TYPE_DATE
    )
    t = mt.parse_time("12-12-31 11:30:45.1233457", m.TYPE_DATETIME, 6)
    assert (t.second, t.microsecond) == (45, 123346)
    t = mt.parse_time("12-12-31 11:30:45.823345", m.TYPE_DATETIME, 0)
    assert (t.second, t.microsecond) == (46, 0)


@pytest.mark.parametrize(
    ("text", "seps"),
    [
        ("2011-11-11 10:10:10.123456", ["2011", "11", "11", "10", "10", "10", "123456"]),
        ("  2011-11-11 10:10:10.123456  ", ["2011", "11", "11", "10", "10", "10", "123456"]),
        ("2011-11-11 10", ["2011", "11", "11", "10"]),
        ("2011-11-11T10:10:10.123456", ["2011", "11", "11", "10", "10", "10", "123456"]),
        ("2011:11:11T10:10:10.123456", ["2011", "11", "11", "10", "10", "10", "123456"]),
        ("2011-11-11  10:10:10", ["2011", "11", "11", "10", "10", "10"]),
        ("xx2011-11-11 10:10:10", []),
        ("T10:10:10", []),
        ("2011-11-11x", ["2011", "11", "11x"]),
        ("xxx 10:10:10", []),
        *[(f"2022-02-01{c}16:33:00", ["2022", "02", "01", "16", "33", "00"]) for c in "\n\f\v\r\t"],
    ],
)
def test_parse_date_format(text: str, seps: list[str]) -> None:
    """TiDB time_test.go TestParseDateFormat (nil is the empty list here)."""
    assert mt.parse_date_format(text) == seps


def test_get_fsp() -> None:
    """TiDB time_test.go TestGetFsp and TestDateFSP."""
    assert mt.get_fsp("2019:04:12 14:00:00.123456") == 6
    assert mt.get_fsp("2019:04:12 14:00:00.1234567890") == 6
    assert mt.get_fsp("2019:04:12 14:00:00.1") == 1
    assert mt.get_fsp("2019:04:12 14:00:00") == 0
    assert mt.get_fsp("2004-01-01 12:00:00.11") == 2
    assert mt.get_frac_index("2020-01-01 12:00:00.123456+05:00") == 19


def test_convert_time_zone() -> None:
    """TiDB time_test.go TestConvertTimeZone (Asia/Shanghai; zero stays zero)."""
    t = Time(2017, 1, 1)
    assert t.convert_time_zone(mt.resolve_time_zone("UTC"), SHANGHAI) == Time(2017, 1, 1, 8)
    assert Time(2017, 1, 1, 8).convert_time_zone(SHANGHAI, mt.resolve_time_zone("UTC")) == t
    assert mt.ZERO_DATETIME.convert_time_zone(SHANGHAI, mt.resolve_time_zone("UTC")).is_zero


@pytest.mark.parametrize(
    ("tz", "fields", "ok"),
    [
        (SHANGHAI, (2038, 1, 19, 11, 14, 7), True),
        (SHANGHAI, (1970, 1, 1, 8, 1, 1), True),
        (SHANGHAI, (2038, 1, 19, 12, 14, 7), False),
        (SHANGHAI, (1970, 1, 1, 7, 1, 1), False),
        (mt.resolve_time_zone("UTC"), (2038, 1, 19, 3, 14, 7), True),
        (mt.resolve_time_zone("UTC"), (1970, 1, 1, 0, 1, 1), True),
        (mt.resolve_time_zone("UTC"), (2038, 1, 19, 4, 14, 7), False),
        (mt.resolve_time_zone("UTC"), (1969, 1, 1, 0, 0, 0), False),
        (LA, (2018, 3, 11, 1, 0, 50), True),
        (LA, (2018, 3, 11, 2, 0, 16), False),
        (LA, (2018, 3, 11, 3, 0, 20), True),
        (SHANGHAI, (2018, 3, 11, 2, 0, 16), True),
        (LONDON, (2019, 3, 31, 0, 0, 20), True),
        (LONDON, (2019, 3, 31, 1, 0, 20), False),
        (LONDON, (2019, 3, 31, 2, 0, 20), True),
    ],
)
def test_check_timestamp(tz: object, fields: tuple[int, ...], ok: bool) -> None:
    """TiDB time_test.go TestCheckTimestamp: the range in the session zone and wall times
    skipped by a DST change (Los Angeles, London)."""
    t = Time(*fields, tp=m.TYPE_TIMESTAMP)
    if ok:
        mt.check_timestamp(t, tz)  # type: ignore[arg-type]
    else:
        with pytest.raises(TimeParseError):
            mt.check_timestamp(t, tz)  # type: ignore[arg-type]


def test_dst_gap_adjusts_to_the_transition() -> None:
    """TiDB CoreTime.AdjustedGoTime: 2019-03-10 02:30 does not exist in Los Angeles; the
    nearest transition is 03:00 PDT (10:00 UTC)."""
    t = Time(2019, 3, 10, 2, 30, tp=m.TYPE_TIMESTAMP)
    with pytest.raises(TimeParseError):
        mt.local_to_utc(t, LA)
    adjusted = mt.dst_adjusted(t, LA)
    assert adjusted == Time(2019, 3, 10, 3, 0, tp=m.TYPE_TIMESTAMP)
    assert mt.local_to_utc(adjusted, LA) == Time(2019, 3, 10, 10, 0, tp=m.TYPE_TIMESTAMP)
    # a repeated wall time takes the earlier offset (Go's time.Date)
    repeated = Time(2019, 11, 3, 1, 30, tp=m.TYPE_TIMESTAMP)
    assert mt.local_to_utc(repeated, LA) == Time(2019, 11, 3, 8, 30, tp=m.TYPE_TIMESTAMP)


def test_packed_values_from_tikv_and_tidb_vectors() -> None:
    """TiKV row v2 test_encode: 2018-01-19 03:14:07 packs to 0x199ee63387000000; TiDB
    TestTypesNewRowCodec: 2011-11-10 11:11:11.999999 packs to 1840446893366133311."""
    assert mt.parse_datetime("2018-01-19 03:14:07").to_packed_uint() == 0x199EE63387000000
    assert mt.parse_time("2011-11-10 11:11:11.999999", m.TYPE_TIMESTAMP, 6).to_packed_uint() == (
        1840446893366133311
    )


# tikv/tikv components/tidb_query_datatype/src/codec/mysql/duration.rs test_parse_duration.
# TiKV's Duration::parse accepts with a warning what TiDB's ParseDuration returns together with
# ErrTruncatedWrongVal; here those raise TimeParseError carrying the same value in ``partial``
# (marked "~"), which a non-strict INSERT stores. None: no value at all.
TIKV_PARSE_DURATION: list[tuple[str, int, str | None]] = [
    ("10:11:12", 0, "10:11:12"), ("101112", 0, "10:11:12"), ("10:11", 0, "10:11:00"),
    ("101112.123456", 0, "10:11:12"), ("1112", 0, "00:11:12"), ("12", 0, "00:00:12"),
    ("1 12", 0, "36:00:00"), ("1 10:11:12", 0, "34:11:12"), ("1 10:11:12.123456", 0, "34:11:12"),
    ("1 10:11:12.123456", 4, "34:11:12.1235"), ("1 10:11:12.12", 4, "34:11:12.1200"),
    ("1 10:11:12.1234565", 6, "34:11:12.123457"), ("1 10:11:12.9999995", 6, "34:11:13.000000"),
    ("10:11:12.123456", 0, "10:11:12"), ("1 10:11", 0, "34:11:00"), ("1 10", 0, "34:00:00"),
    ("24 10", 0, "586:00:00"), ("-24 10", 0, "-586:00:00"), ("0 10", 0, "10:00:00"),
    ("-10:10:10", 0, "-10:10:10"), ("-838:59:59", 0, "-838:59:59"), ("838:59:59", 0, "838:59:59"),
    ("839:00:00", 0, "~838:59:59"), ("-839:00:00", 0, "~-838:59:59"), ("23:60:59", 0, None),
    ("54:59:59", 0, "54:59:59"), ("2011-11-11 00:00:01", 0, "00:00:01"),
    ("20111111000001", 0, "00:00:01"), ("201112110102", 0, "11:01:02"),
    ("2011-11-11", 0, "~00:20:11"), ("2012-08-x", 0, "~00:20:12"), ("--23", 0, None),
    ("232 10", 0, "~838:59:59"), ("-232 10", 0, "~-838:59:59"), ("00:00:00.1", 0, "00:00:00"),
    ("00:00:00.1", 1, "00:00:00.1"), ("00:00:00.777777", 2, "00:00:00.78"),
    ("00:00:00.777777", 6, "00:00:00.777777"), ("00:00:00.001", 3, "00:00:00.001"),
    ("0x", 6, "~00:00:00.000000"), ("1x", 6, "~00:00:01.000000"),
    ("0000-00-00", 6, "~00:00:00.000000"), ("0000-00-00", 0, "~00:00:00"),
    ("1234abc", 0, "~00:12:34"), ("1234x", 0, "~00:12:34"), ("1234xxxxxxx", 0, "~00:12:34"),
    ("1234xxxxxxxx", 0, None), ("-1234xxxxxxx", 0, "~-00:12:34"), ("-1234xxxxxxxx", 0, None),
    ("1-----", 0, "~00:00:01"), ("20100000-02-12", 0, None), ("20100-02-12", 0, "~02:01:00"),
    ("99999-99-99", 0, None), ("99990000", 0, "~838:59:59"), ("00-00-00", 0, "~00:00:00"),
    ("- 1 ", 0, "-00:00:01"), ("1:2:3", 0, "01:02:03"), ("1 1:2:3", 0, "25:02:03"),
    ("-1 1:2:3.123", 3, "-25:02:03.123"), ("-.123", 3, None), ("12345", 0, "01:23:45"),
    ("-123", 0, "-00:01:23"), ("-23", 0, "-00:00:23"), ("- 1 1", 0, "-25:00:00"),
    ("-1 1", 0, "-25:00:00"), (" - 1:2:3 .123 ", 3, "-01:02:03.123"),
    (" - 1 :2 :3 .123 ", 3, "-01:02:03.123"), (" - 1 : 2 :3 .123 ", 3, "-01:02:03.123"),
    (" - 1 : 2 :  3 .123 ", 3, "-01:02:03.123"), (" - 1 .123 ", 3, "-00:00:01.123"),
    ("-", 0, None), ("a", 0, None), ("- .1", 0, None), ("", 0, None), ("1.1", 1, "00:00:01.1"),
    ("-1.1", 1, "-00:00:01.1"), ("- 1.1", 1, "-00:00:01.1"), ("- 1 .1", 1, "-00:00:01.1"),
    ("18446744073709551615:59:59", 0, "~838:59:59"), ("4294967295 0:59:59", 0, "~838:59:59"),
    ("4294967295 232:59:59", 0, "~838:59:59"), ("-4294967295 232:59:59", 0, "~-838:59:59"),
    ("1::2:3", 0, "~00:00:01"), ("1.23 3", 0, "~00:00:01"), ("1:62:3", 0, None),
    ("1:02:63", 0, None), ("-231342080", 0, None), ("2010-02-12", 0, "~00:20:10"),
    ("2010-02-12t12:23:34", 0, None), ("2010-02-12T12:23:34", 0, "12:23:34"),
    ("2010-02-12 12:23:34", 0, "12:23:34"), ("2010-02-12 12:23:34.12345", 6, "12:23:34.123450"),
    ("10-02-12 12:23:34.12345", 6, "12:23:34.123450"),
    # test_parse_overflow_as_warning
    ("-1062600704", 0, "~-838:59:59"), ("1062600704", 0, "~838:59:59"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "fsp", "expected"), TIKV_PARSE_DURATION)
def test_tikv_parse_duration(text: str, fsp: int, expected: str | None) -> None:
    try:
        got: str | None = mt.format_duration(mt.parse_duration(text, fsp), fsp)
    except TimeParseError as exc:
        got = None if exc.partial is None else "~" + mt.format_duration(exc.partial, fsp)
    assert got == expected


def test_tikv_parse_duration_rejects_fsp_7() -> None:
    for text in ("1 10:11:12.123456", ""):
        with pytest.raises((TimeParseError, ValueError)):
            mt.parse_duration(text, 7)


@pytest.mark.parametrize(
    ("number", "fsp", "expected"),
    [
        (8385959, 0, "838:59:59"), (101010, 0, "10:10:10"), (101010, 5, "10:10:10.00000"),
        (8385959, 6, "838:59:59.000000"), (-101010, 0, "-10:10:10"), (-101010, 5, "-10:10:10.00000"),
        (-8385959, 0, "-838:59:59"), (-8385959, 6, "-838:59:59.000000"),
        (8385960, 0, None), (8385960, 6, None), (-8385960, 0, None), (-8385960, 6, None),
        (8376049, 0, None), (8375960, 0, None),
        (10000000000, 0, "00:00:00"), (10000235959, 0, "23:59:59"), (-10000235959, 0, None),
    ],
)  # fmt: skip
def test_tikv_duration_from_i64(number: int, fsp: int, expected: str | None) -> None:
    # TiKV duration.rs test_from_i64 (Duration::from_i64 = TiDB NumberToDuration).
    if expected is None:
        with pytest.raises(TimeParseError):
            mt.duration_from_number(number, fsp)
    else:
        assert mt.format_duration(mt.duration_from_number(number, fsp), fsp) == expected


@pytest.mark.parametrize(
    ("text", "fsp", "expected"),
    [
        ("11:30:45.123456", 4, "11:30:45.1235"), ("11:30:45.123456", 6, "11:30:45.123456"),
        ("11:30:45.123456", 0, "11:30:45"), ("11:59:59.999999", 3, "12:00:00.000"),
        ("1 11:30:45.123456", 1, "35:30:45.1"), ("1 11:30:45.999999", 4, "35:30:46.0000"),
        ("-1 11:30:45.999999", 0, "-35:30:46"), ("-1 11:59:59.9999", 2, "-36:00:00.00"),
    ],
)  # fmt: skip
def test_tikv_duration_round_frac(text: str, fsp: int, expected: str) -> None:
    # TiKV duration.rs test_round_frac: parse at fsp 6, then round.
    nanos = mt.parse_duration(text, 6)
    assert mt.format_duration(mt.duration_round_frac(nanos, fsp), fsp) == expected
    assert mt.format_duration(mt.round_duration(nanos, fsp), fsp) == expected


# TiKV time/mod.rs test_parse_valid_datetime / test_parse_valid_timestamp, the rounding cases
# (TiDB always rounds the fraction to the column's fsp; TiKV's round=false variants truncate
# and are left out). TiKV's should_fail lists are not used: TiDB's ParseDateFormat accepts
# "11-12-13 T 12:34:56" and reads "111213.1" as 2011-12-13 01:00:00 (see TestParseDateFormat).
TIKV_PARSE_DATETIME = [
    ("2019-09-16 10:11:12", "20190916101112", 0), ("2019-09-16 10:11:12", "190916101112", 0),
    ("2019-09-16 10:11:01", "19091610111", 0), ("2019-09-16 10:11:00", "1909161011", 0),
    ("2019-09-16 10:01:00", "190916101", 0), ("1909-12-10 00:00:00", "19091210", 0),
    ("2020-02-29 10:00:00", "20200229100000", 0), ("2019-09-16 01:00:00", "1909161", 0),
    ("2019-09-16 00:00:00", "190916", 0), ("2019-09-01 00:00:00", "19091", 0),
    ("2019-09-16 10:11:12.111", "190916101112.111", 3),
    ("2019-09-16 10:11:12.111", "20190916101112.111", 3),
    ("2019-09-16 10:11:12.67", "20190916101112.666", 2),
    ("2019-09-16 10:11:13.0", "20190916101112.999", 1), ("2019-09-16 00:00:00", "2019-09-16", 0),
    ("2019-09-16 10:11:12", "2019-09-16 10:11:12", 0), ("2019-09-16 10:11:12", "2019-09-16T10:11:12", 0),
    ("2019-09-16 10:11:12.7", "2019-09-16T10:11:12.66", 1),
    ("2019-09-16 10:11:13.0", "2019-09-16T10:11:12.99", 1),
    ("2020-01-01 00:00:00.0", "2019-12-31 23:59:59.99", 1),
    ("2013-05-28 05:12:00", "1305280512.000000000000", 0), ("2013-05-28 05:12:00", "1305280512", 0),
    ("2020-01-01 00:00:00.0", "    2019-12-31 23:59:59.99   ", 1),
    ("2020-01-01 00:00:00.000000", "2019-12-31 23:59:59.9999999", 6),
    ("2020-01-01 00:00:00.000000", "2019-12(31-23.59.59.9999999", 6),
    ("2020-01-01 00:00:00.000000", "2019-12(31    \t23.59.59.9999999", 6),
    ("0000-00-00 00:00:00", "00:00:00", 0), ("1970-01-01 00:00:00", "1970-1-1 00:00:00", 0),
    ("1970-01-01 12:13:09", "1970-1-1 12:13:9", 0), ("1970-01-01 09:08:09", "1970-1-1 9:8:9", 0),
]  # fmt: skip


@pytest.mark.parametrize(("expected", "text", "fsp"), TIKV_PARSE_DATETIME)
def test_tikv_parse_datetime_and_timestamp(expected: str, text: str, fsp: int) -> None:
    assert str(mt.parse_time(text, m.TYPE_DATETIME, fsp)) == expected
    if expected.startswith(("1909-", "1970-01-01 00:00:00")):
        # Outside TIMESTAMP's range (from 1970-01-01 00:00:01 UTC): TiDB's Time.Check
        # rejects it (TiKV's parse_timestamp test does not range-check).
        with pytest.raises(TimeParseError):
            mt.parse_time(text, m.TYPE_TIMESTAMP, fsp)
    else:
        assert str(mt.parse_time(text, m.TYPE_TIMESTAMP, fsp)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-2-31", "2019-02-31"), ("2019-2-29", "2019-02-29"), ("2019-4-31", "2019-04-31"),
     ("2019-02-11", "2019-02-11"), ("2019-02-00", "2019-02-00")],
)  # fmt: skip
def test_tikv_allow_invalid_date(text: str, expected: str) -> None:
    # TiKV time/mod.rs test_allow_invalid_date (ALLOW_INVALID_DATES keeps day <= 31).
    assert str(mt.parse_time(text, m.TYPE_DATE, 0, allow_invalid_date=True)) == expected
    for bad in ("2019-1-32", "2019-13-1"):
        with pytest.raises(TimeParseError):
            mt.parse_time(bad, m.TYPE_DATE, 0, allow_invalid_date=True)
