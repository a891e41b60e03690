"""Codec vectors from TiDB pkg/util/codec tests (bytes_test.go, codec_test.go,
decimal_test.go); each test names its source."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tidbkv import codec
from tidbkv.datum import MAX_VALUE, MIN_NOT_NULL, NULL, Datum, Enum, Kind, SetValue
from tidbkv.errors import DecodeError
from tidbkv.mytime import Time, parse_duration

# TiDB bytes_test.go TestBytesCodec: (input, encoded, descending)
BYTES_CODEC = [
    ([], [0, 0, 0, 0, 0, 0, 0, 0, 247], False),
    ([], [255, 255, 255, 255, 255, 255, 255, 255, 8], True),
    ([0], [0, 0, 0, 0, 0, 0, 0, 0, 248], False),
    ([0], [255, 255, 255, 255, 255, 255, 255, 255, 7], True),
    ([1, 2, 3], [1, 2, 3, 0, 0, 0, 0, 0, 250], False),
    ([1, 2, 3], [254, 253, 252, 255, 255, 255, 255, 255, 5], True),
    ([1, 2, 3, 0], [1, 2, 3, 0, 0, 0, 0, 0, 251], False),
    ([1, 2, 3, 0], [254, 253, 252, 255, 255, 255, 255, 255, 4], True),
    ([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 0, 254], False),
    ([1, 2, 3, 4, 5, 6, 7], [254, 253, 252, 251, 250, 249, 248, 255, 1], True),
    ([0] * 8, [0] * 8 + [255] + [0] * 8 + [247], False),
    ([0] * 8, [255] * 8 + [0] + [255] * 8 + [8], True),
    ([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 255, 0, 0, 0, 0, 0, 0, 0, 0, 247], False),
    (
        [1, 2, 3, 4, 5, 6, 7, 8],
        [254, 253, 252, 251, 250, 249, 248, 247, 0, 255, 255, 255, 255, 255, 255, 255, 255, 8],
        True,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 5, 6, 7, 8, 255, 9, 0, 0, 0, 0, 0, 0, 0, 248],
        False,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [254, 253, 252, 251, 250, 249, 248, 247, 0, 246, 255, 255, 255, 255, 255, 255, 255, 7],
        True,
    ),
]


@pytest.mark.parametrize(("raw", "encoded", "desc"), BYTES_CODEC)
def test_bytes_codec_ascending_and_descending(
    raw: list[int], encoded: list[int], desc: bool
) -> None:
    """TiDB bytes_test.go TestBytesCodec."""
    data, enc = bytes(raw), bytes(encoded)
    assert len(enc) == codec.encoded_bytes_length(len(data))
    if desc:
        assert codec.encode_bytes_desc(data) == enc
        assert codec.decode_bytes_desc(enc) == (data, b"")
    else:
        assert codec.encode_bytes(data) == enc
        assert codec.decode_bytes(enc) == (data, b"")


@pytest.mark.parametrize(
    "bad",
    [
        [1, 2, 3, 4],
        [0, 0, 0, 0, 0, 0, 0, 247],
        [0, 0, 0, 0, 0, 0, 0, 0, 246],
        [0, 0, 0, 0, 0, 0, 0, 1, 247],
        [1, 2, 3, 4, 5, 6, 7, 8, 0],
        [1, 2, 3, 4, 5, 6, 7, 8, 255, 1],
        [1, 2, 3, 4, 5, 6, 7, 8, 255, 1, 2, 3, 4, 5, 6, 7, 8],
        [1, 2, 3, 4, 5, 6, 7, 8, 255, 1, 2, 3, 4, 5, 6, 7, 8, 255],
        [1, 2, 3, 4, 5, 6, 7, 8, 255, 1, 2, 3, 4, 5, 6, 7, 8, 0],
    ],
)
def test_bytes_decode_rejects_malformed_groups(bad: list[int]) -> None:
    """TiDB bytes_test.go TestBytesCodec error inputs."""
    with pytest.raises(DecodeError):
        codec.decode_bytes(bytes(bad))


INT64 = [
    -(1 << 63), -(1 << 31), -(1 << 15), -(1 << 7), 0, 127, 32767, (1 << 31) - 1, (1 << 63) - 1,
    (1 << 47) - 1, -(1 << 47), (1 << 23) - 1, -(1 << 23), (1 << 33) - 1, -(1 << 33),
    (1 << 55) - 1, -(1 << 55), 1, -1,
]  # fmt: skip
UINT64 = [
    0, 255, 65535, (1 << 32) - 1, (1 << 64) - 1, (1 << 24) - 1, (1 << 48) - 1, (1 << 56) - 1,
    1, 32767, 127, (1 << 31) - 1, (1 << 63) - 1,
]  # fmt: skip


def test_number_codecs_round_trip() -> None:
    """TiDB codec_test.go TestNumberCodec (int, int desc, varint, comparable varint; uint
    likewise) and its mixed comparable varint sequence."""
    for v in INT64:
        assert codec.decode_int(codec.encode_int(v)) == (v, b"")
        assert codec.decode_int_desc(codec.encode_int_desc(v)) == (v, b"")
        assert codec.decode_varint(codec.encode_varint(v)) == (v, b"")
        assert codec.decode_comparable_varint(codec.encode_comparable_varint(v)) == (v, b"")
    for u in UINT64:
        assert codec.decode_uint(codec.encode_uint(u)) == (u, b"")
        assert codec.decode_uint_desc(codec.encode_uint_desc(u)) == (u, b"")
        assert codec.decode_uvarint(codec.encode_uvarint(u)) == (u, b"")
        assert codec.decode_comparable_uvarint(codec.encode_comparable_uvarint(u)) == (u, b"")
    b = (
        codec.encode_comparable_varint(-1)
        + codec.encode_comparable_uvarint(1)
        + codec.encode_comparable_varint(2)
    )
    i, b = codec.decode_comparable_varint(b)
    u, b = codec.decode_comparable_uvarint(b)
    assert (i, u, codec.decode_comparable_varint(b)) == (-1, 1, (2, b""))


def _cmp(a: bytes, b: bytes) -> int:
    return (a > b) - (a < b)


I64_MAX, I64_MIN, U64_MAX = (1 << 63) - 1, -(1 << 63), (1 << 64) - 1


@pytest.mark.parametrize(
    ("a", "b", "ret"),
    [
        (-1, 1, -1), (I64_MAX, I64_MIN, 1), (I64_MAX, (1 << 31) - 1, 1),
        (-(1 << 31), 32767, -1), (I64_MIN, 127, -1), (0, 127, -1), (-128, 0, -1),
        (-32768, 32767, -1), (1, -1, 1), (1, 0, 1), (-1, 0, -1), (0, 0, 0), (32767, 32767, 0),
    ],
)  # fmt: skip
def test_signed_orders(a: int, b: int, ret: int) -> None:
    """TiDB codec_test.go TestNumberOrder (int64 table)."""
    assert _cmp(codec.encode_int(a), codec.encode_int(b)) == ret
    assert _cmp(codec.encode_int_desc(a), codec.encode_int_desc(b)) == -ret
    assert _cmp(codec.encode_comparable_varint(a), codec.encode_comparable_varint(b)) == ret


@pytest.mark.parametrize(
    ("a", "b", "ret"),
    [
        (0, 0, 0), (1, 0, 1), (0, 1, -1), (127, 32767, -1), ((1 << 32) - 1, (1 << 31) - 1, 1),
        (255, 127, 1), (65535, (1 << 31) - 1, -1), (U64_MAX, I64_MAX, 1),
        (I64_MAX, (1 << 32) - 1, 1), (U64_MAX, 0, 1), (0, U64_MAX, -1),
    ],
)  # fmt: skip
def test_unsigned_orders(a: int, b: int, ret: int) -> None:
    """TiDB codec_test.go TestNumberOrder (uint64 table)."""
    assert _cmp(codec.encode_uint(a), codec.encode_uint(b)) == ret
    assert _cmp(codec.encode_uint_desc(a), codec.encode_uint_desc(b)) == -ret
    assert _cmp(codec.encode_comparable_uvarint(a), codec.encode_comparable_uvarint(b)) == ret


MAX_F32 = 3.4028234663852886e38
FLOATS = [-1.0, 0.0, 1.0, 1.7976931348623157e308, MAX_F32, 1.401298464324817e-45, 5e-324]


def test_float_codec_round_trips_and_orders() -> None:
    """TiDB codec_test.go TestFloatCodec, infinities included."""
    for f in [*FLOATS, -math.inf, math.inf]:
        assert codec.decode_float(codec.encode_float(f)) == (f, b"")
        assert codec.decode_float_desc(codec.encode_float_desc(f)) == (f, b"")
    table = [
        (1.0, -1.0, 1), (1.0, 0.0, 1), (0.0, -1.0, 1), (0.0, 0.0, 0),
        (1.7976931348623157e308, 1.0, 1), (MAX_F32, 1.7976931348623157e308, -1),
        (1.7976931348623157e308, 0.0, 1), (1.7976931348623157e308, 5e-324, 1),
        (-math.inf, 0.0, -1), (math.inf, 0.0, 1), (-math.inf, math.inf, -1),
    ]  # fmt: skip
    for a, b, ret in table:
        assert _cmp(codec.encode_float(a), codec.encode_float(b)) == ret
        assert _cmp(codec.encode_float_desc(a), codec.encode_float_desc(b)) == -ret


def test_negative_zero_has_the_key_of_positive_zero() -> None:
    """EncodeFloat branches on ``f >= 0``: -0.0 gets +0.0's key, between the smallest
    negative and the smallest positive subnormal."""
    assert codec.encode_float(-0.0) == codec.encode_float(0.0) < codec.encode_float(5e-324)
    assert codec.encode_float(-5e-324) < codec.encode_float(-0.0)


def test_bytes_orders() -> None:
    """TiDB codec_test.go TestBytes (round trips in all three forms and the order table)."""
    for data in [b"", b"\x00\x01", b"\xff\xff", b"\x01\x00", b"abc", b"hello world"]:
        assert codec.decode_bytes(codec.encode_bytes(data)) == (data, b"")
        assert codec.decode_bytes_desc(codec.encode_bytes_desc(data)) == (data, b"")
        assert codec.decode_compact_bytes(codec.encode_compact_bytes(data)) == (data, b"")
    table = [
        (b"", b"\x00", -1), (b"\x00", b"\x00", 0), (b"\xff", b"\x00", 1),
        (b"\xff", b"\xff\x00", -1), (b"a", b"b", -1), (b"a", b"\x00", 1),
        (b"\x00", b"\x01", -1), (b"\x00\x01", b"\x00\x00", 1), (b"\x00\x00\x00", b"\x00\x00", 1),
        (bytes(8), bytes(9), -1), (b"\x01\x02\x03\x00", b"\x01\x02\x03", 1),
        (b"\x01\x03\x03\x04", b"\x01\x03\x03\x05", -1),
        (bytes(range(1, 8)), bytes(range(1, 9)), -1), (bytes(range(1, 10)), bytes(range(1, 9)), 1),
        (bytes(range(1, 9)) + b"\x00", bytes(range(1, 9)), 1),
    ]  # fmt: skip
    for a, b, ret in table:
        assert _cmp(codec.encode_bytes(a), codec.encode_bytes(b)) == ret
        assert _cmp(codec.encode_bytes_desc(a), codec.encode_bytes_desc(b)) == -ret


def test_codec_key_decodes_to_raw_kinds() -> None:
    """TiDB codec_test.go TestCodecKey: float32 → float64, strings → bytes, bool → int,
    binary literals / enum / set → uint; EncodeKey and EncodeValue both decode back."""
    table = [
        ([Datum.int64(1)], [Datum(Kind.INT64, 1)]),
        (
            [Datum.float32(1.0), Datum.float64(3.15), Datum.bytes_(b"123"), Datum.string(b"123")],
            [
                Datum(Kind.FLOAT64, 1.0),
                Datum(Kind.FLOAT64, 3.15),
                Datum(Kind.BYTES, b"123"),
                Datum(Kind.BYTES, b"123"),
            ],
        ),
        (
            [Datum.uint64(1), Datum.float64(3.15), Datum.bytes_(b"123"), Datum.int64(-1)],
            [
                Datum(Kind.UINT64, 1),
                Datum(Kind.FLOAT64, 3.15),
                Datum(Kind.BYTES, b"123"),
                Datum(Kind.INT64, -1),
            ],
        ),
        ([Datum.int64(1), Datum.int64(0)], [Datum(Kind.INT64, 1), Datum(Kind.INT64, 0)]),
        ([NULL], [NULL]),
        (
            [Datum(Kind.BINARY_LITERAL, b"\x64"), Datum(Kind.BINARY_LITERAL, b"\x00\x00\x00\x64")],
            [Datum(Kind.UINT64, 100), Datum(Kind.UINT64, 100)],
        ),
        (
            [Datum(Kind.ENUM, Enum("a", 1)), Datum(Kind.SET, SetValue("a", 1))],
            [Datum(Kind.UINT64, 1), Datum(Kind.UINT64, 1)],
        ),
    ]
    for given, expected in table:
        assert codec.decode_key(codec.encode_key(given)) == expected
        assert codec.decode_key(codec.encode_value(given)) == expected


def test_codec_key_compare() -> None:
    """TiDB codec_test.go TestCodecKeyCompare."""
    i, s, f = Datum.int64, Datum.string, Datum.float64
    t = Time(2011, 11, 11)
    table = [
        ([i(1)], [i(1)], 0),
        ([i(-1)], [i(1)], -1),
        ([f(3.15)], [f(3.12)], 1),
        ([s(b"abc")], [s(b"abcd")], -1),
        ([s(b"abcdefgh")], [s(b"abcdefghi")], -1),
        ([i(1), s(b"abc")], [i(1), s(b"abcd")], -1),
        ([i(1), s(b"abc"), s(b"def")], [i(1), s(b"abcd"), s(b"af")], -1),
        ([f(3.12), s(b"ebc"), s(b"def")], [f(2.12), s(b"abcd"), s(b"af")], 1),
        ([Datum.bytes_(b"\x01\x00"), Datum.bytes_(b"\xff")], [Datum.bytes_(b"\x01\x00\xff")], -1),
        (
            [Datum.bytes_(b"\x01"), Datum.uint64(0xFFFFFFFFFFFFFFF)],
            [Datum.bytes_(b"\x01\x10"), i(0)],
            -1,
        ),
        ([i(0)], [NULL], 1),
        ([Datum.bytes_(b"\x00")], [NULL], 1),
        ([f(5e-324)], [NULL], 1),
        ([i(I64_MIN)], [NULL], 1),
        ([i(1), i(I64_MIN), NULL], [i(1), NULL, Datum.uint64(U64_MAX)], 1),
        ([i(1), Datum.bytes_(b""), NULL], [i(1), NULL, i(123)], 1),
        ([Datum.time(t), i(1)], [Datum.time(t), i(0)], 1),
        (
            [Datum.duration(parse_duration("00:00:00")), i(1)],
            [Datum.duration(parse_duration("00:00:01")), i(0)],
            -1,
        ),
        ([MIN_NOT_NULL], [MAX_VALUE], -1),
    ]
    for left, right, ret in table:
        assert _cmp(codec.encode_key(left), codec.encode_key(right)) == ret, (left, right)


DECIMAL_ORDER = [
    ("1234", "123400", -1), ("12340", "123400", -1), ("1234", "1234.5", -1),
    ("1234", "1234.0000", 0), ("1234", "12.34", 1), ("12.34", "12.35", -1),
    ("0.12", "0.1234", -1), ("0.1234", "12.3400", -1), ("0.1234", "0.1235", -1),
    ("0.123400", "12.34", -1), ("12.34000", "12.34", 0), ("0.01234", "0.01235", -1),
    ("0.1234", "0", 1), ("0.0000", "0", 0), ("0.0001", "0", 1), ("0.0001", "0.0000", 1),
    ("0", "-0.0000", 0), ("-0.0001", "0", -1), ("-0.1234", "0", -1), ("-0.1234", "-0.12", -1),
    ("-0.12", "-0.1234", 1), ("-0.12", "-0.1200", 0), ("-0.1234", "0.1234", -1),
    ("-1.234", "-12.34", 1), ("-0.1234", "-12.34", 1), ("-12.34", "1234", -1),
    ("-12.34", "-12.35", 1), ("-0.01234", "-0.01235", 1), ("-1234", "-123400", 1),
    ("-12340", "-123400", 1),
    (str(-1), str(1), -1), (str(I64_MAX), str(I64_MIN), 1), (str(I64_MIN), "127", -1),
    (str(U64_MAX), str(I64_MAX), 1), ("0", str(U64_MAX), -1),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "ret"), DECIMAL_ORDER)
def test_decimal_keys_at_a_fixed_precision_order_numerically(a: str, b: str, ret: int) -> None:
    """TiDB codec_test.go TestDecimal: EncodeKey of decimals with length 30, frac 6."""
    ka = codec.encode_key([Datum.decimal(Decimal(a), 30, 6)])
    kb = codec.encode_key([Datum.decimal(Decimal(b), 30, 6)])
    assert _cmp(ka, kb) == ret


@pytest.mark.parametrize(
    "text",
    ["1234.00", "1234", "12.34", "12.340", "0.1234", "0.0", "0", "-0.0", "-0.0000", "-1234.00",
     "-1234", "-12.34", "-12.340", "-0.1234"],
)  # fmt: skip
def test_decimal_key_round_trips_with_its_own_precision(text: str) -> None:
    """TiDB codec_test.go TestDecimal (first table) / decimal_test.go TestDecimalCodec."""
    got = codec.decode_key(codec.encode_key([Datum.decimal(Decimal(text))]))
    assert len(got) == 1 and got[0].kind == Kind.DECIMAL and got[0].value == Decimal(text)


def test_cut_one_splits_each_datum() -> None:
    """TiDB codec_test.go TestCut: CutOne yields each datum's own EncodeKey / EncodeValue."""
    datums = [
        Datum.float32(1.0),
        Datum.float64(3.15),
        Datum.bytes_(b"123456789012345"),
        Datum.decimal(Decimal(0)),
        Datum.decimal(Decimal("-1.3")),
        NULL,
        Datum.uint64(1),
    ]
    for enc in (codec.encode_key, codec.encode_value):
        b = enc(datums)
        for d in datums:
            part, b = codec.cut_one(b)
            assert part == enc([d])
        assert b == b""


@pytest.mark.parametrize("bad", [b"", bytes([4, 0, 0, 0])])
def test_cut_one_rejects_empty_and_truncated_input(bad: bytes) -> None:
    """TiDB codec_test.go TestCutOneError."""
    with pytest.raises(DecodeError):
        codec.cut_one(bad)


# tikv/tikv components/codec/src/byte.rs tests: test_read_bytes, test_memcmp_encode_all
# (ascending and descending), test_write_compact_bytes_for_file / test_compact_codec.
_TIKV_MEMCMP = [
    ([], [0, 0, 0, 0, 0, 0, 0, 0, 247], [255, 255, 255, 255, 255, 255, 255, 255, 8]),
    ([0], [0, 0, 0, 0, 0, 0, 0, 0, 248], [255, 255, 255, 255, 255, 255, 255, 255, 7]),
    ([1, 2, 3], [1, 2, 3, 0, 0, 0, 0, 0, 250], [254, 253, 252, 255, 255, 255, 255, 255, 5]),
    ([1, 2, 3, 0], [1, 2, 3, 0, 0, 0, 0, 0, 251], [254, 253, 252, 255, 255, 255, 255, 255, 4]),
]
_TIKV_READ_BYTES = [
    ([], [0, 0, 0, 0, 0, 0, 0, 0, 247]),
    ([0], [0, 0, 0, 0, 0, 0, 0, 0, 248]),
    ([1, 2, 3], [1, 2, 3, 0, 0, 0, 0, 0, 250]),
    ([1, 2, 3, 0], [1, 2, 3, 0, 0, 0, 0, 0, 251]),
    ([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 0, 254]),
    ([0] * 8, [0] * 8 + [255] + [0] * 8 + [247]),
    ([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 255, 0, 0, 0, 0, 0, 0, 0, 0, 247]),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 255, 9, 0, 0, 0, 0, 0, 0, 0, 248]),
]


@pytest.mark.parametrize(("raw", "asc", "desc"), _TIKV_MEMCMP)
def test_tikv_memcmp_encode_all(raw: list[int], asc: list[int], desc: list[int]) -> None:
    assert codec.encode_bytes(bytes(raw)) == bytes(asc)
    assert codec.encode_bytes_desc(bytes(raw)) == bytes(desc)
    assert codec.decode_bytes_desc(bytes(desc) + b"z") == (bytes(raw), b"z")


@pytest.mark.parametrize(("raw", "encoded"), _TIKV_READ_BYTES)
def test_tikv_read_bytes(raw: list[int], encoded: list[int]) -> None:
    assert codec.decode_bytes(bytes(encoded)) == (bytes(raw), b"")
    assert codec.encode_bytes(bytes(raw)) == bytes(encoded)


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("", [0]),
        ("hello", [10, 104, 101, 108, 108, 111]),
        ("世界", [12, 228, 184, 150, 231, 149, 140]),
    ],
)
def test_tikv_compact_bytes(text: str, encoded: list[int]) -> None:
    assert codec.encode_compact_bytes(text.encode()) == bytes(encoded)
    assert codec.decode_compact_bytes(bytes(encoded) + b"\x0c") == (text.encode(), b"\x0c")
