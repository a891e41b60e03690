"""RowDecoder: record and index KVs back to column values (Python types per column type)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import keys, rowcodec
from tidbkv import mysqltypes as m
from tidbkv.datum import NULL, Datum
from tidbkv.decoder import RowDecoder
from tidbkv.json_binary import parse_json_text
from tidbkv.mytime import Time


def test_lightning_test_decode_row_v1() -> None:
    # Lightning TestDecode: t(c1 tinyint), _tidb_rowid 1, row v1 08 02 08 02.
    t = table(1, [col("c1", ft(m.TYPE_TINY))])
    dec = RowDecoder(t)
    key = bytes.fromhex("7480000000000000015f728000000000000001")
    assert dec.decode_record(key, bytes.fromhex("08020802")) == {"c1": 1}
    assert dec.decode_handle(key) == 1


def test_unsigned_auto_random_handle_from_lightning() -> None:
    # Lightning TestDefaultAutoRandoms: BIGINT UNSIGNED auto_random PK, a varchar = ''.
    t = table(
        1,
        [col("id", ft(m.TYPE_LONGLONG, unsigned=True)), col("a", ft(m.TYPE_VARCHAR, flen=100))],
        indices=[index(1, "PRIMARY", ["id"], primary=True)],
        pk_is_handle=True,
    )
    key = bytes.fromhex("7480000000000000015f72f000000000000046")
    value = bytes.fromhex("800001000000020000")
    assert RowDecoder(t).decode_record(key, value) == {"id": 0x7000000000000046, "a": ""}


def _wide_table() -> tuple[object, list[int], list[Datum]]:
    t = table(
        7,
        [
            col("i", ft(m.TYPE_LONG)),
            col("u", ft(m.TYPE_LONGLONG, unsigned=True)),
            col("f", ft(m.TYPE_FLOAT)),
            col("d", ft(m.TYPE_NEWDECIMAL, flen=10, decimal=3)),
            col("s", ft(m.TYPE_VARCHAR, flen=20, collate="utf8mb4_general_ci")),
            col("b", ft(m.TYPE_STRING, flen=3, collate="binary")),
            col("dt", ft(m.TYPE_DATE)),
            col("ts", ft(m.TYPE_TIMESTAMP, decimal=3)),
            col("z", ft(m.TYPE_DATETIME)),
            col("tm", ft(m.TYPE_DURATION)),
            col("y", ft(m.TYPE_YEAR)),
            col("e", ft(m.TYPE_ENUM, elems=("x", "y"))),
            col("st", ft(m.TYPE_SET, elems=("p", "q"))),
            col("bt", ft(m.TYPE_BIT, flen=10)),
            col("j", ft(m.TYPE_JSON)),
            col("n", ft(m.TYPE_LONG)),
            col("added", ft(m.TYPE_LONG), origin_default="42"),
        ],
    )
    datums = [
        Datum.int64(-5),
        Datum.uint64(1 << 63),
        Datum.float32(1.5),
        Datum.decimal(Decimal("3.140"), 10, 3),
        Datum.string("héllo ".encode(), "utf8mb4_general_ci"),
        Datum.string(b"ab\x00", "binary"),
        Datum.time(Time(2024, 2, 29, tp=m.TYPE_DATE)),
        Datum.time(Time(2024, 1, 1, 12, 0, 0, 123000, m.TYPE_TIMESTAMP, 3)),
        Datum.time(Time(tp=m.TYPE_DATETIME)),
        Datum.duration(-(3600 + 1) * 10**9),
        Datum.int64(2024),
        Datum.enum("y", 2),
        Datum.set("p,q", 3),
        Datum.bit(b"\x02\x01"),
        Datum.json(parse_json_text('{"k": [1, true]}')),
        NULL,
    ]
    return t, list(range(1, 17)), datums


def test_decode_record_python_types_v2_and_v1() -> None:
    t, ids, datums = _wide_table()
    expected = {
        "i": -5,
        "u": 1 << 63,
        "f": 1.5,
        "d": Decimal("3.140"),
        "s": "héllo ",
        "b": b"ab\x00",
        "dt": dt.date(2024, 2, 29),
        "ts": dt.datetime(2024, 1, 1, 12, 0, 0, 123000),
        "z": "0000-00-00 00:00:00",
        "tm": -dt.timedelta(seconds=3601),
        "y": 2024,
        "e": "y",
        "st": "p,q",
        "bt": b"\x02\x01",
        "j": '{"k": [1, true]}',
        "n": None,
        "added": 42,
    }
    key = keys.encode_row_key_with_handle(7, 99)
    dec = RowDecoder(t)  # type: ignore[arg-type]
    assert dec.decode_record(key, rowcodec.encode_row(ids, datums)) == expected
    assert dec.decode_record(key, rowcodec.encode_old_row(ids, datums)) == expected


def test_timestamps_are_shown_in_the_decoder_zone() -> None:
    t = table(3, [col("ts", ft(m.TYPE_TIMESTAMP))])
    value = rowcodec.encode_row([1], [Datum.time(Time(2024, 1, 1, 0, 0, 0, tp=m.TYPE_TIMESTAMP))])
    key = keys.encode_row_key_with_handle(3, 1)
    assert RowDecoder(t, "+08:00").decode_record(key, value) == {
        "ts": dt.datetime(2024, 1, 1, 8, 0)
    }
    assert RowDecoder(t, "UTC").decode_record(key, value) == {"ts": dt.datetime(2024, 1, 1, 0, 0)}


def _clustered_table() -> object:
    # TiKV index_scan_executor.rs test_common_handle_index schema (table 49).
    return table(
        49,
        [
            col("a", ft(m.TYPE_LONG, not_null=True)),
            col("b", ft(m.TYPE_STRING, flen=10, not_null=True)),
            col("c", ft(m.TYPE_STRING, flen=10, collate="utf8mb4_unicode_ci", not_null=True)),
            col("d", ft(m.TYPE_VARCHAR, flen=10, not_null=True)),
            col("e", ft(m.TYPE_VARCHAR, flen=10, collate="utf8mb4_general_ci", not_null=True)),
        ],
        indices=[
            index(1, "PRIMARY", ["a", "b", "c", "d", "e"], primary=True),
            index(2, "i_a", ["a"]),
            index(8, "i_ua", ["a"], unique=True),
        ],
        clustered=True,
    )


def test_common_handle_columns_come_from_the_key() -> None:
    t = _clustered_table()
    handle = bytes.fromhex(
        "038000000000000001016100000000000000f8010e33000000000000f9016100000000000000f8010041000000000000f9"
    )
    key = keys.encode_row_key(49, handle)
    # a (int) and b (char utf8mb4_bin) are only in the handle; c, d, e need restoring.
    value = rowcodec.encode_row(
        [3, 4, 5],
        [
            Datum.string(b"A", "utf8mb4_unicode_ci"),
            Datum.string(b"a "),
            Datum.string(b"A ", "utf8mb4_general_ci"),
        ],
    )
    dec = RowDecoder(t)  # type: ignore[arg-type]
    assert dec.decode_record(key, value) == {"a": 1, "b": "a", "c": "A", "d": "a ", "e": "A "}
    assert dec.decode_handle(key) == handle


def test_decode_index_key_with_common_handle_suffix() -> None:
    t = _clustered_table()
    handle = bytes.fromhex("038000000000000001016100000000000000f8")
    key = keys.gen_index_key(49, 2, [Datum.int64(1)], handle)
    assert RowDecoder(t).decode_index_key(key) == (49, 2, [1], handle)  # type: ignore[arg-type]


def test_decode_index_key_int_handle_and_sort_keys() -> None:
    t = table(
        61,
        [
            col("a", ft(m.TYPE_LONG)),
            col("b", ft(m.TYPE_VARCHAR, flen=10)),
            col("c", ft(m.TYPE_VARCHAR, flen=10, collate="utf8mb4_unicode_ci")),
        ],
        indices=[
            index(4, "i_abc", ["a", "b", "c"]),
            index(8, "i_uabc", ["a", "b", "c"], unique=True),
        ],
    )
    dec = RowDecoder(t)
    # TiKV index_scan_executor.rs new-collation int-handle sample (i_abc, rowid 1).
    key = bytes.fromhex(
        "74800000000000003d5f698000000000000004038000000000000001016100000000000000f8"
        "010e33000000000000f9038000000000000001"
    )
    assert dec.decode_index_key(key) == (61, 4, [1, "a", b"\x0e\x33"], 1)
    unique_key = key[:-9].replace(
        bytes.fromhex("5f698000000000000004"), bytes.fromhex("5f698000000000000008")
    )
    assert dec.decode_index_key(unique_key) == (61, 8, [1, "a", b"\x0e\x33"], None)


def test_decode_index_restores_original_strings_from_the_value() -> None:
    t = table(
        61,
        [
            col("a", ft(m.TYPE_LONG)),
            col("b", ft(m.TYPE_VARCHAR, flen=10)),
            col("c", ft(m.TYPE_VARCHAR, flen=10, collate="utf8mb4_unicode_ci")),
        ],
        indices=[
            index(4, "i_abc", ["a", "b", "c"]),
            index(8, "i_uabc", ["a", "b", "c"], unique=True),
        ],
    )
    key = bytes.fromhex(
        "74800000000000003d5f698000000000000008038000000000000001016100000000000000f8010e33000000000000f9"
    )
    value = bytes.fromhex("0880000300000001020301000300050001612041200000000000000001")
    assert RowDecoder(t).decode_index(key, value) == (61, 8, [1, "a ", "A "], 1)
