"""Record / index keys, common handles, and row formats v2 and v1 against public vectors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tidbkv import keys, rowcodec
from tidbkv import mysqltypes as m
from tidbkv.datum import NULL, Datum, Kind
from tidbkv.errors import DecodeError
from tidbkv.json_binary import parse_json_text
from tidbkv.mytime import Time
from tidbkv.schema import FieldType

# TiKV index_scan_executor.rs test_common_handle_index: PK (a int, b char utf8mb4_bin,
# c char unicode_ci, d varchar utf8mb4_bin, e varchar general_ci) = (1, 'a', 'A', 'a ', 'A ').
COMMON_HANDLE = (
    "038000000000000001"
    "016100000000000000f8"
    "010e33000000000000f9"
    "016100000000000000f8"
    "010041000000000000f9"
)


def _pk_datums() -> list[Datum]:
    return [
        Datum.int64(1),
        Datum.string(b"a", "utf8mb4_bin"),
        Datum.string(b"A", "utf8mb4_unicode_ci"),
        Datum.string(b"a ", "utf8mb4_bin"),
        Datum.string(b"A ", "utf8mb4_general_ci"),
    ]


def test_common_handle_matches_tikv_vector() -> None:
    handle = keys.encode_common_handle(_pk_datums())
    assert handle.hex() == COMMON_HANDLE
    row_key = keys.encode_row_key(49, handle)
    assert keys.decode_record_key(row_key) == (49, handle)
    assert keys.is_record_key(row_key) and len(row_key) != keys.RECORD_ROW_KEY_LEN
    assert [d.kind for d in keys.decode_common_handle(handle)] == [Kind.INT64] + [Kind.BYTES] * 4


def test_non_unique_index_key_with_common_handle_appends_the_handle() -> None:
    # TiKV test_common_handle_index, i_a (index 2 of table 49) for the same row.
    key = keys.gen_index_key(49, 2, [Datum.int64(1)], bytes.fromhex(COMMON_HANDLE))
    assert key.hex() == "7480000000000000315f698000000000000002038000000000000001" + COMMON_HANDLE
    # unique and distinct: no handle suffix
    key = keys.gen_index_key(49, 8, [Datum.int64(1)], bytes.fromhex(COMMON_HANDLE), distinct=True)
    assert key.hex() == "7480000000000000315f698000000000000008038000000000000001"


def test_index_key_with_int_handle_and_collated_strings() -> None:
    # TiKV index_scan_executor.rs (new collation, int handle): table 61, i_abc (index 4)
    # over (a int, b varchar utf8mb4_bin, c varchar unicode_ci) = (1, 'a ', 'A '), rowid 1.
    values = [
        Datum.int64(1),
        Datum.string(b"a ", "utf8mb4_bin"),
        Datum.string(b"A ", "utf8mb4_unicode_ci"),
    ]
    key = keys.gen_index_key(61, 4, values, 1)
    assert key.hex() == (
        "74800000000000003d5f698000000000000004"
        "038000000000000001016100000000000000f8010e33000000000000f9"
        "038000000000000001"
    )
    table_id, index_id, vals, handle = keys.decode_index_key(key, 3)
    assert (table_id, index_id, handle) == (61, 4, 1)
    assert vals == [Datum(Kind.INT64, 1), Datum(Kind.BYTES, b"a"), Datum(Kind.BYTES, b"\x0e\x33")]


def test_unique_double_index_key_from_lightning() -> None:
    # Lightning TestEncodeDoubleAutoIncrement: unique index u_id on a DOUBLE, value 1.0.
    key = keys.gen_index_key(1, 1, [Datum.float64(1.0)], 70, distinct=True)
    assert key.hex() == "7480000000000000015f69800000000000000105bff0000000000000"


def test_decode_key_head_and_ranges() -> None:
    assert keys.decode_key_head(keys.index_prefix(5, 7) + b"\x00") == (5, 7, False)
    assert keys.decode_key_head(keys.encode_row_key_with_handle(5, 9)) == (5, 0, True)
    start, end = keys.index_range(5, 7)
    assert start < keys.index_prefix(5, 7) + b"\xff" < end
    with pytest.raises(DecodeError):
        keys.decode_record_key(keys.index_prefix(5, 7))


def test_region_and_meta_keys() -> None:
    # tidb-kv-format.md §9: PD region key of table 33, handle 163673.
    region = bytes.fromhex("7480000000000000ff215f728000000000ff027f590000000000fa")
    raw = keys.decode_region_key(region)
    assert keys.decode_row_key_int_handle(raw) == (33, 163673)
    assert keys.encode_region_key(raw) == region
    assert keys.meta_db_key(1).startswith(b"m" + bytes.fromhex("4442730000000000fa"))
    assert keys.encode_keyspace_prefix(2) == b"x\x00\x00\x02"


# -------------------------------------------------------------------------------------------
# row format v2

TIKV_TEST_ENCODE = (
    "80000b0001000103060708090c0d0e0f1021020003000b000e001000180019002100240041004500"
    "e803034003333333333332616263ff7fbffccccccccccccd020000008733e69e19010081"
    "01010000001c0000001300000003000c160000006b65790576616c756500ca9a3b"
)


def test_row_v2_matches_tikv_test_encode() -> None:
    """TiKV codec/row/v2 encoder test_encode (all small)."""
    ids = [1, 12, 33, 3, 8, 7, 9, 6, 13, 14, 15, 16]
    datums = [
        Datum.int64(1000),
        Datum.int64(2),
        NULL,
        Datum.uint64(3),
        Datum.int64(32767),
        Datum.bytes_(b"abc"),
        Datum.float64(1.8),
        Datum.float64(-1.8),
        Datum.time(Time(2018, 1, 19, 3, 14, 7)),
        Datum.decimal(Decimal(1)),
        Datum.json(parse_json_text('{"key":"value"}')),
        Datum.duration(1_000_000_000),
    ]
    assert rowcodec.encode_row(ids, datums).hex() == TIKV_TEST_ENCODE
    raw = rowcodec.decode_row_raw(bytes.fromhex(TIKV_TEST_ENCODE))
    assert raw[33] is None and raw[7] == b"abc" and raw[1] == bytes.fromhex("e803")


def test_row_v2_large_form_for_column_ids_above_255() -> None:
    """TiDB rowcodec TestEncodeLargeSmallReuseBug: a large row then a small one."""
    large = rowcodec.encode_row([300], [Datum.bytes_(b"")])
    assert large.hex() == "8001010000002c01000000000000"
    small = rowcodec.encode_row([1], [Datum.int64(2)])
    assert small.hex() == "80000100000001010002"
    ft = FieldType(m.TYPE_LONGLONG)
    assert rowcodec.decode_row(small, {1: ft}) == {1: Datum(Kind.INT64, 2)}
    assert rowcodec.decode_row_raw(large) == {300: b""}


def test_row_v2_lightning_tinyint_clamped() -> None:
    # Lightning TestEncodeRowFormatV2: TINYINT column 1 = 127.
    assert rowcodec.encode_row([1], [Datum.int64(127)]).hex() == "8000010000000101007f"


def test_empty_rows() -> None:
    assert rowcodec.encode_row([], []).hex() == "800000000000"
    assert rowcodec.encode_old_row([], []) == b"\x00"


def test_row_v2_with_only_nulls_and_unordered_ids() -> None:
    value = rowcodec.encode_row([5, 2, 9], [NULL, Datum.int64(-1), NULL])
    assert value.hex() == "8000010002000205090100ff"


# -------------------------------------------------------------------------------------------
# row format v1


def test_row_v1_lightning_vectors() -> None:
    # Lightning TestEncode: TINYINT c1 = 1 (strict) and 127 (clamped in non-strict mode).
    assert rowcodec.encode_old_row([1], [Datum.int64(1)]).hex() == "08020802"
    assert rowcodec.encode_old_row([1], [Datum.int64(127)]).hex() == "080208fe01"


def test_row_v1_datetime_from_lightning_test_encode_timestamp() -> None:
    value = bytes.fromhex("080209808080f0fd8ef7c019")
    ft = FieldType(m.TYPE_DATETIME, flag=m.NOT_NULL_FLAG)
    decoded = rowcodec.decode_row(value, {1: ft})
    assert decoded[1].value == Time(2009, 2, 14, 7, 31, 30, tp=m.TYPE_DATETIME)
    assert rowcodec.encode_old_row([1], [decoded[1]]) == value


def test_row_v1_flattens_kinds() -> None:
    datums = [
        Datum.duration(-5),
        Datum.enum("x", 3),
        Datum.bit(b"\x01\x02"),
        NULL,
        Datum.string(b"hi"),
    ]
    value = rowcodec.encode_old_row([1, 2, 3, 4, 5], datums)
    assert value.hex() == "08020809080409030806098202080800080a02046869"
    raw = rowcodec.decode_old_row_raw(value)
    assert raw[1] == Datum(Kind.INT64, -5) and raw[4] == NULL


def test_timestamps_are_stored_in_utc() -> None:
    from tidbkv.mytime import resolve_time_zone

    tz = resolve_time_zone("+08:00")
    ts = Time(2009, 2, 14, 7, 31, 33, tp=m.TYPE_TIMESTAMP)
    v2 = rowcodec.encode_row([1], [Datum.time(ts)], tz)
    utc = Time(2009, 2, 13, 23, 31, 33, tp=m.TYPE_TIMESTAMP)
    assert v2 == rowcodec.encode_row([1], [Datum.time(utc)])
    back = rowcodec.decode_row(v2, {1: FieldType(m.TYPE_TIMESTAMP)}, tz)
    assert back[1].value == ts


# -------------------------------------------------------------------------------------------
# round trips

INT_FT = FieldType(m.TYPE_LONGLONG)
UINT_FT = FieldType(m.TYPE_LONGLONG, flag=m.UNSIGNED_FLAG)
DBL_FT = FieldType(m.TYPE_DOUBLE)
STR_FT = FieldType(m.TYPE_VARCHAR, flen=64, charset="utf8mb4", collate="utf8mb4_general_ci")
DEC_FT = FieldType(m.TYPE_NEWDECIMAL, flen=20, decimal=4)
DT_FT = FieldType(m.TYPE_DATETIME, decimal=6)
DUR_FT = FieldType(m.TYPE_DURATION, decimal=3)
ENUM_FT = FieldType(m.TYPE_ENUM, elems=("a", "b", "c"))
SET_FT = FieldType(m.TYPE_SET, elems=("x", "y", "z"))
BIT_FT = FieldType(m.TYPE_BIT, flen=12)


def _datum_for(kind: int) -> st.SearchStrategy[tuple[FieldType, Datum]]:
    if kind == 0:
        return st.integers(-(1 << 63), (1 << 63) - 1).map(lambda v: (INT_FT, Datum.int64(v)))
    if kind == 1:
        return st.integers(0, (1 << 64) - 1).map(lambda v: (UINT_FT, Datum.uint64(v)))
    if kind == 2:
        return st.floats(allow_nan=False).map(lambda v: (DBL_FT, Datum.float64(v)))
    if kind == 3:
        return st.binary(max_size=40).map(lambda v: (STR_FT, Datum.string(v, "utf8mb4_general_ci")))
    if kind == 4:
        return st.decimals(min_value=-(10**15), max_value=10**15, places=4).map(
            lambda v: (DEC_FT, Datum.decimal(v, 20, 4))
        )
    if kind == 5:
        return st.datetimes().map(
            lambda d: (DT_FT, Datum.time(Time.from_datetime(d, m.TYPE_DATETIME, 6)))
        )
    if kind == 6:
        return st.integers(-838 * 3600, 838 * 3600).map(
            lambda s: (DUR_FT, Datum(Kind.DURATION, s * 1_000_000_000 + 123_000_000, "", 0, 3))
        )
    if kind == 7:
        return st.integers(1, 3).map(lambda i: (ENUM_FT, Datum.enum("abc"[i - 1], i)))
    if kind == 8:
        return st.integers(0, 7).map(
            lambda v: (SET_FT, Datum.set(",".join(e for j, e in enumerate("xyz") if v >> j & 1), v))
        )
    return st.integers(0, 4095).map(lambda v: (BIT_FT, Datum.bit(v.to_bytes(2, "big"))))


_columns = st.lists(st.integers(0, 9).flatmap(_datum_for), min_size=0, max_size=8)


def _same(a: Datum, b: Datum) -> bool:
    if a.kind == Kind.STRING:
        return b.value == a.value
    return a == b


@settings(max_examples=120)
@given(_columns, st.booleans(), st.booleans())
def test_rows_round_trip_in_both_formats(
    cols: list[tuple[FieldType, Datum]], v2: bool, large_ids: bool
) -> None:
    """decode_row(encode_row(x)) == x for every type, v2 small/large and v1."""
    base = 300 if large_ids else 1
    ids = [base + i for i in range(len(cols))]
    datums = [d for _, d in cols]
    fts = {cid: ft for cid, (ft, _) in zip(ids, cols, strict=True)}
    value = rowcodec.encode_row(ids, datums) if v2 else rowcodec.encode_old_row(ids, datums)
    got = rowcodec.decode_row(value, fts)
    for cid, d in zip(ids, datums, strict=True):
        assert _same(d, got[cid]), (cid, d, got[cid])
