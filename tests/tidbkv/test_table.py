"""TableEncoder: Lightning sql2kv vectors, TiDB's which-KVs rules, errors, and the fast path
producing exactly the generic path's bytes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import keys
from tidbkv import mysqltypes as m
from tidbkv.cast import CastError
from tidbkv.decoder import RowDecoder
from tidbkv.literals import HexLiteral, Literal
from tidbkv.schema import FieldType, TableInfo
from tidbkv.table import ColumnCountError, TableEncoder, UnsupportedTableError

TINY_T = table(1, [col("c1", ft(m.TYPE_TINY))])


def _hex(pairs: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.hex(), v.hex()) for k, v in pairs]


def test_lightning_test_encode_strict_and_rowid_column() -> None:
    enc = TableEncoder(TINY_T, row_format_version=1, column_names=["c1", "_tidb_rowid"])
    with pytest.raises(CastError) as info:
        enc.encode([10000000, b"1"], 1)
    assert info.value.column == "c1" and info.value.reason == CastError.OUT_OF_RANGE
    with pytest.raises(CastError) as info:
        enc.encode([1, b"invalid-pk"], 2)
    assert info.value.column == "_tidb_rowid"
    data, idx = enc.encode([1, b"1"], 2)
    assert _hex(data) == [("7480000000000000015f728000000000000001", "08020802")] and idx == []


def test_lightning_test_encode_non_strict_v1_and_v2() -> None:
    # Lightning TestEncode (row v1) and TestEncodeRowFormatV2: 10000000 clamps to 127.
    v1 = TableEncoder(TINY_T, row_format_version=1, sql_mode="")
    assert _hex(v1.encode([10000000], 1)[0]) == [
        ("7480000000000000015f728000000000000001", "080208fe01")
    ]
    v2 = TableEncoder(TINY_T, row_format_version=2, sql_mode="")
    assert _hex(v2.encode([10000000], 1)[0]) == [
        ("7480000000000000015f728000000000000001", "8000010000000101007f")
    ]


def test_lightning_test_encode_timestamp_current_timestamp_default() -> None:
    """Lightning TestEncodeTimestamp: DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, time zone
    +08:00, row v1. Its bytes hold 2009-02-14 07:31:30, i.e. a session clock of 1234567890."""
    t = table(
        1, [col("c1", ft(m.TYPE_DATETIME, not_null=True), default="CURRENT_TIMESTAMP", version=1)]
    )
    now = dt.datetime.fromtimestamp(1234567890, dt.UTC)
    enc = TableEncoder(t, row_format_version=1, time_zone="+08:00", column_names=[], now=now)
    assert _hex(enc.encode([], 70)[0]) == [
        ("7480000000000000015f728000000000000046", "080209808080f0fd8ef7c019")
    ]


def test_lightning_double_auto_increment_unique_key() -> None:
    # Lightning TestEncodeDoubleAutoIncrement: id double not null auto_increment, unique u_id.
    t = table(
        1,
        [col("id", ft(m.TYPE_DOUBLE, not_null=True, flag=m.AUTO_INCREMENT_FLAG))],
        indices=[index(1, "u_id", ["id"], unique=True)],
    )
    enc = TableEncoder(t)
    expected = (
        [("7480000000000000015f728000000000000046", "800001000000010800bff0000000000000")],
        [("7480000000000000015f69800000000000000105bff0000000000000", "0000000000000046")],
    )
    for literal in (1.0, b"1"):
        data, idx = enc.encode([literal], 70)
        assert (_hex(data), _hex(idx)) == expected
    assert enc.auto_ids.row_id == 70 and enc.auto_ids.auto_increment == 1


@pytest.mark.parametrize("auto", ["auto_increment", "auto_random"])
def test_lightning_missing_auto_value_uses_the_row_id(auto: str) -> None:
    """Lightning TestEncodeMissingAutoValue: missing or NULL → the row id (AUTO_RANDOM with
    shard 0 here), so all three rows encode identically."""
    flag = m.AUTO_INCREMENT_FLAG if auto == "auto_increment" else 0
    t = table(
        1,
        [col("id", ft(m.TYPE_LONGLONG if auto == "auto_random" else m.TYPE_LONG, flag=flag))],
        indices=[index(1, "PRIMARY", ["id"], primary=True)],
        pk_is_handle=True,
        auto_random_bits=3 if auto == "auto_random" else 0,
    )
    enc = TableEncoder(t, auto_random_shard=0)
    missing = TableEncoder(t, column_names=[], auto_random_shard=0)
    expect = enc.encode([70], 70)
    assert enc.encode([None], 70) == expect == missing.encode([], 70)
    assert _hex(expect[0]) == [("7480000000000000015f728000000000000046", "800000000000")]
    ids = missing.auto_ids
    assert (ids.auto_increment if auto == "auto_increment" else ids.auto_random) == 70


def test_lightning_default_auto_randoms_with_shard_14() -> None:
    # Lightning TestDefaultAutoRandoms: BIGINT UNSIGNED AUTO_RANDOM (5 shard bits) clustered,
    # a varchar(100) = ''; Lightning's seed 456 draws shard 14 → handle 0x7000000000000046.
    t = table(
        1,
        [
            col("id", ft(m.TYPE_LONGLONG, unsigned=True, not_null=True)),
            col("a", ft(m.TYPE_VARCHAR, flen=100)),
        ],
        indices=[index(1, "PRIMARY", ["id"], primary=True)],
        pk_is_handle=True,
        auto_random_bits=5,
    )
    enc = TableEncoder(t, column_names=["a"], auto_random_shard=14)
    assert _hex(enc.encode([b""], 70)[0]) == [
        ("7480000000000000015f72f000000000000046", "800001000000020000")
    ]
    assert _hex(enc.encode([b""], 71)[0]) == [
        ("7480000000000000015f72f000000000000047", "800001000000020000")
    ]
    assert enc.auto_ids.auto_random == 71


def test_shard_row_id_bits_keep_the_low_bits_and_spread_shards() -> None:
    # Lightning TestShardRowId: shard_row_id_bits = 3, rows 1..32.
    t = table(1, [col("s", ft(m.TYPE_VARCHAR, flen=16))], shard_row_id_bits=3)
    enc = TableEncoder(t)
    shards = set()
    for i in range(1, 33):
        data, _ = enc.encode([str(i).encode()], i)
        _, handle = keys.decode_record_key(data[0][0])
        assert isinstance(handle, int) and handle & ((1 << 60) - 1) == i
        shards.add(handle >> 60)
    assert len(shards) == 8 and enc.auto_ids.row_id == 32
    assert enc.encode([b"1"], 1) == TableEncoder(t).encode([b"1"], 1)


def sbtest(table_id: int = 5) -> TableInfo:
    """sysbench sbtest: id INT PK (handle), k INT indexed, c CHAR(120), pad CHAR(60)."""
    return table(
        table_id,
        [
            col("id", ft(m.TYPE_LONG, not_null=True, flag=m.AUTO_INCREMENT_FLAG)),
            col("k", ft(m.TYPE_LONG, not_null=True), default="0"),
            col("c", ft(m.TYPE_STRING, flen=120, not_null=True), default=""),
            col("pad", ft(m.TYPE_STRING, flen=60, not_null=True), default=""),
        ],
        indices=[index(1, "PRIMARY", ["id"], primary=True), index(2, "k_1", ["k"])],
        pk_is_handle=True,
    )


def test_sbtest_row_gives_record_and_index_kv() -> None:
    enc = TableEncoder(sbtest())
    c = b"83868641912-28773972837-60736120486-75162659906-27563526494"
    data, idx = enc.encode([7, 4993, c + b"   ", b"67847967377-48000963322"], 1)
    assert data == [
        (
            bytes.fromhex("7480000000000000055f728000000000000007"),
            bytes.fromhex("80000300000002030402003d0054008113") + c + b"67847967377-48000963322",
        )
    ]
    assert _hex(idx) == [
        ("7480000000000000055f698000000000000002038000000000001381038000000000000007", "30")
    ]
    assert enc.auto_ids.auto_increment == 7
    decoded = RowDecoder(sbtest()).decode_record(*data[0])
    assert decoded == {"id": 7, "k": 4993, "c": c.decode(), "pad": "67847967377-48000963322"}


def test_clustered_table_matches_tidb_written_kvs() -> None:
    """TiKV test_common_handle_index: insert into t values (1, 'a ', 'A ', 'a ', 'A ')."""
    t = table(
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
    handle = "038000000000000001016100000000000000f8010e33000000000000f9016100000000000000f8010041000000000000f9"
    restored = "80000300000003040501000200040041014120"
    data, idx = TableEncoder(t).encode([1, b"a ", b"A ", b"a ", b"A "], 99)
    assert data[0][0].hex() == "7480000000000000315f72" + handle
    # a and b are only in the handle; c, d, e are written
    assert RowDecoder(t).decode_record(*data[0]) == {
        "a": 1,
        "b": "a",
        "c": "A",
        "d": "a ",
        "e": "A ",
    }
    assert _hex(idx) == [
        ("7480000000000000315f698000000000000002038000000000000001" + handle, "007d01" + restored),
        (
            "7480000000000000315f698000000000000008038000000000000001",
            "007d017f0031" + handle + restored,
        ),
    ]


def test_null_handling_follows_can_skip_and_defaults() -> None:
    t = table(
        3,
        [
            col("a", ft(m.TYPE_LONG)),
            col("b", ft(m.TYPE_LONG), default="5"),
            col("c", ft(m.TYPE_LONG, not_null=True), default="7"),
            col("d", ft(m.TYPE_LONG)),
        ],
    )
    enc = TableEncoder(t, column_names=["a", "b", "c"])
    data, _ = enc.encode([None, None, None] if False else [None, None, 1], 1)
    # a NULL without default leaves no trace; b NULL with DEFAULT 5 is a null column id
    assert data[0][1].hex() == "8000010001000302010001"
    with pytest.raises(CastError) as info:
        enc.encode([1, 1, None], 1)
    assert info.value.reason == CastError.NOT_NULL and info.value.column == "c"
    loose = TableEncoder(t, column_names=["a", "b", "c"], sql_mode="")
    assert loose.encode([1, 1, None], 1)[0][0][1].hex() == "800003000000010203010002000300010100"
    missing = TableEncoder(t, column_names=["a"])
    assert missing.encode([1], 1)[0][0][1].hex() == "800003000000010203010002000300010507"


def test_missing_not_null_column_without_default_is_an_error_in_strict_mode() -> None:
    t = table(3, [col("a", ft(m.TYPE_LONG)), col("b", ft(m.TYPE_VARCHAR, flen=5, not_null=True))])
    with pytest.raises(CastError) as info:
        TableEncoder(t, column_names=["a"]).encode([1], 1)
    assert info.value.column == "b"
    assert TableEncoder(t, column_names=["a"], sql_mode="").encode([1], 1)[0][0][1].hex() == (
        "80000200000001020100010001"
    )


def test_timestamp_uses_the_session_time_zone_and_current_timestamp_default() -> None:
    t = table(
        2,
        [
            col("ts", ft(m.TYPE_TIMESTAMP)),
            col("dt", ft(m.TYPE_DATETIME, not_null=True), default="CURRENT_TIMESTAMP"),
        ],
    )
    now = dt.datetime(2009, 2, 13, 23, 31, 33, tzinfo=dt.UTC)
    enc = TableEncoder(t, column_names=["ts"], time_zone="+08:00", now=now)
    data, _ = enc.encode([b"2009-02-14 07:31:33"], 1)
    dec = RowDecoder(t, "UTC").decode_record(*data[0])
    assert dec == {
        "ts": dt.datetime(2009, 2, 13, 23, 31, 33),
        "dt": dt.datetime(2009, 2, 14, 7, 31, 33),
    }


def test_shape_errors() -> None:
    with pytest.raises(ColumnCountError):
        TableEncoder(TINY_T).encode([1, 2], 1)
    with pytest.raises(UnsupportedTableError):
        TableEncoder(TINY_T, column_names=["nope"])
    with pytest.raises(UnsupportedTableError):
        TableEncoder(
            table(1, [col("g", ft(m.TYPE_LONG), generated_expr_string="1", generated_stored=True)])
        )


# -------------------------------------------------------------------------------------------
# fast path == generic path

COLUMN_TYPES: list[FieldType] = [
    ft(m.TYPE_TINY),
    ft(m.TYPE_LONG, unsigned=True),
    ft(m.TYPE_LONGLONG),
    ft(m.TYPE_LONGLONG, unsigned=True),
    ft(m.TYPE_DOUBLE),
    ft(m.TYPE_FLOAT),
    ft(m.TYPE_NEWDECIMAL, flen=12, decimal=3),
    ft(m.TYPE_VARCHAR, flen=8),
    ft(m.TYPE_VARCHAR, flen=8, collate="utf8mb4_general_ci"),
    ft(m.TYPE_STRING, flen=6, collate="utf8mb4_unicode_ci"),
    ft(m.TYPE_STRING, flen=6),
    ft(m.TYPE_VARCHAR, flen=6, collate="utf8mb4_0900_ai_ci"),
    ft(m.TYPE_STRING, flen=4, collate="binary"),
    ft(m.TYPE_BLOB, collate="binary"),
    ft(m.TYPE_DATETIME, decimal=2),
    ft(m.TYPE_DATE),
    ft(m.TYPE_TIMESTAMP),
    ft(m.TYPE_DURATION),
    ft(m.TYPE_YEAR),
    ft(m.TYPE_ENUM, elems=("x", "y", "z")),
    ft(m.TYPE_SET, elems=("p", "q")),
    ft(m.TYPE_BIT, flen=9),
    ft(m.TYPE_JSON),
]


def _literal(draw: Any, f: FieldType) -> Literal:
    tp = f.tp
    if draw(st.integers(0, 9)) == 0:
        return None
    if tp in m.INTEGER_TYPES:
        bits = {m.TYPE_TINY: 8, m.TYPE_LONG: 32, m.TYPE_LONGLONG: 64}[tp]
        if f.unsigned:
            return draw(st.integers(0, (1 << bits) - 1))
        return draw(
            st.one_of(st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1), st.just(b"12"))
        )
    if tp in (m.TYPE_DOUBLE, m.TYPE_FLOAT):
        return draw(st.floats(-1e30, 1e30, allow_nan=False))
    if tp == m.TYPE_NEWDECIMAL:
        return draw(st.decimals(-(10**8), 10**8, places=4, allow_nan=False, allow_infinity=False))
    if tp in (m.TYPE_VARCHAR, m.TYPE_STRING):
        limit = f.flen
        if f.collate == "binary":
            return draw(st.binary(max_size=limit))
        text = draw(st.text(alphabet="aAbB é中 ", max_size=limit))
        return text.encode()
    if tp == m.TYPE_BLOB:
        return draw(st.binary(max_size=20))
    if tp == m.TYPE_DATETIME:
        return draw(st.datetimes(dt.datetime(1000, 1, 1))).isoformat(" ").encode()
    if tp == m.TYPE_DATE:
        return draw(st.dates(dt.date(1000, 1, 1))).isoformat().encode()
    if tp == m.TYPE_TIMESTAMP:
        return (
            draw(st.datetimes(dt.datetime(1971, 1, 1), dt.datetime(2037, 1, 1)))
            .strftime("%Y-%m-%d %H:%M:%S")
            .encode()
        )
    if tp == m.TYPE_DURATION:
        return draw(
            st.integers(-8385959, 8385959).filter(
                lambda v: abs(v) % 100 < 60 and abs(v) // 100 % 100 < 60
            )
        )
    if tp == m.TYPE_YEAR:
        return draw(st.integers(1901, 2155))
    if tp == m.TYPE_ENUM:
        return draw(st.sampled_from([b"x", b"Y", 3]))
    if tp == m.TYPE_SET:
        return draw(st.sampled_from([b"", b"p", b"q,p", 3]))
    if tp == m.TYPE_BIT:
        return draw(st.one_of(st.integers(0, 511), st.just(HexLiteral(b"\x01\x02"))))
    return draw(st.sampled_from([b'{"a": [1, 2]}', b"[]", b"3.5", 7]))


@st.composite
def table_and_rows(draw: Any) -> tuple[TableInfo, list[list[Literal]], dict[str, Any]]:
    n = draw(st.integers(1, 6))
    types = [draw(st.sampled_from(COLUMN_TYPES)) for _ in range(n)]
    not_null = [draw(st.booleans()) for _ in range(n)]
    defaults = [
        draw(st.sampled_from([None, None, "1"])) if types[i].tp in m.INTEGER_TYPES else None
        for i in range(n)
    ]
    cols = []
    for i, f in enumerate(types):
        flags = f.flag | (m.NOT_NULL_FLAG if not_null[i] else 0)
        cols.append(col(f"c{i}", FieldType(**{**f.__dict__, "flag": flags}), default=defaults[i]))
    handle_kind = draw(st.sampled_from(["rowid", "int", "clustered"]))
    indices = []
    pk_is_handle = False
    clustered = False
    int_cols = [i for i, f in enumerate(types) if f.tp in m.INTEGER_TYPES]
    indexable = [i for i, f in enumerate(types) if f.tp not in (m.TYPE_JSON, m.TYPE_BLOB)]
    if handle_kind == "int" and int_cols:
        indices.append(index(1, "PRIMARY", [f"c{int_cols[0]}"], primary=True))
        pk_is_handle = True
    elif handle_kind == "clustered" and indexable:
        pk = draw(st.lists(st.sampled_from(indexable), min_size=1, max_size=2, unique=True))
        indices.append(index(1, "PRIMARY", [f"c{i}" for i in pk], primary=True))
        clustered = True
    for k in range(draw(st.integers(0, 3))):
        if not indexable:
            break
        picked = draw(st.lists(st.sampled_from(indexable), min_size=1, max_size=3, unique=True))
        spec: list[str | tuple[str, int]] = []
        for i in picked:
            if types[i].tp in (m.TYPE_VARCHAR, m.TYPE_STRING) and draw(st.booleans()):
                spec.append((f"c{i}", 2))
            else:
                spec.append(f"c{i}")
        indices.append(index(2 + k, f"i{k}", spec, unique=draw(st.booleans())))
    t = table(9, cols, indices=indices, pk_is_handle=pk_is_handle, clustered=clustered)
    rows = [[_literal(draw, f) for f in types] for _ in range(draw(st.integers(1, 4)))]
    opts = {
        "row_format_version": draw(st.sampled_from([1, 2])),
        "new_collation": draw(st.booleans()),
        "time_zone": draw(st.sampled_from(["UTC", "+08:00", "America/New_York"])),
    }
    return t, rows, opts


def _outcome(fn: Any, row: list[Literal], row_id: int) -> Any:
    try:
        return fn(row, row_id)
    except CastError as exc:
        return ("error", exc.column, exc.reason)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_and_rows())
def test_fast_path_produces_the_generic_paths_bytes(
    case: tuple[TableInfo, list[list[Literal]], dict[str, Any]],
) -> None:
    t, rows, opts = case
    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    fast = TableEncoder(t, now=now, **opts)
    generic = TableEncoder(t, now=now, **opts)
    for row_id, row in enumerate(rows, start=1):
        assert _outcome(fast.encode, row, row_id) == _outcome(generic.encode_generic, row, row_id)
    assert fast.auto_ids == generic.auto_ids
    # determinism: a fresh encoder reproduces the same bytes
    again = TableEncoder(t, now=now, **opts)
    assert _outcome(again.encode, rows[0], 1) == _outcome(fast.encode, rows[0], 1)


def test_decimal_and_json_columns_round_trip_through_the_encoder() -> None:
    t = table(4, [col("d", ft(m.TYPE_NEWDECIMAL, flen=10, decimal=2)), col("j", ft(m.TYPE_JSON))])
    data, _ = TableEncoder(t).encode([Decimal("3.145"), b'{"x":1}'], 1)
    assert RowDecoder(t).decode_record(*data[0]) == {"d": Decimal("3.15"), "j": '{"x": 1}'}
