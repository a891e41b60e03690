"""More of Lightning's sql2kv tests (pingcap/tidb ``pkg/lightning/backend/kv/sql2kv_test.go``)
through ``TableEncoder`` / ``RowDecoder``: ``TestDecodeIndex`` and the ``BenchmarkSQL2KV``
TPC-C ``bmsql_customer`` row (which must give exactly 2 KV pairs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import index as tidx
from tidbkv import keys
from tidbkv import mysqltypes as m
from tidbkv.decoder import RowDecoder
from tidbkv.table import TableEncoder


def test_decode_index_int24_char_primary_key() -> None:
    # TestDecodeIndex: PRIMARY (c1 MEDIUMINT, c2 CHAR) on a non-clustered table, row (2, 'abc')
    # with row id 1 → the record and the unique PK index; the handle read back from either
    # is 1 and the row decodes to the inserted values.
    t = table(
        1,
        [col("c1", ft(m.TYPE_INT24)), col("c2", ft(m.TYPE_STRING))],
        indices=[index(2, "test", ["c1", "c2"], primary=True)],
    )
    data, idx = TableEncoder(t).encode([2, b"abc"], 1)
    assert [(k.hex(), v.hex()) for k, v in data + idx] == [
        ("7480000000000000015f728000000000000001", "80000200000001020100040002616263"),
        (
            "7480000000000000015f698000000000000002038000000000000002016162630000000000fa",
            "0000000000000001",
        ),
    ]
    ivalue = idx[0][1]
    assert keys.decode_row_key(data[0][0]) == 1
    assert tidx.decode_handle_in_index_value(ivalue) == 1
    assert RowDecoder(t).decode_record(*data[0]) == {"c1": 2, "c2": "abc"}


def test_benchmark_sql2kv_tpcc_customer_row() -> None:
    # BenchmarkSQL2KV: bmsql_customer with a composite INT primary key (not clustered under
    # the default tidb_enable_clustered_index=INT_ONLY) → one record and one PK index entry.
    dec = lambda p, s: ft(m.TYPE_NEWDECIMAL, flen=p, decimal=s)  # noqa: E731
    char = lambda n: ft(m.TYPE_STRING, flen=n)  # noqa: E731
    varchar = lambda n: ft(m.TYPE_VARCHAR, flen=n)  # noqa: E731
    int_nn = ft(m.TYPE_LONG, not_null=True)
    cols = [
        col("c_w_id", int_nn),
        col("c_d_id", int_nn),
        col("c_id", int_nn),
        col("c_discount", dec(4, 4)),
        col("c_credit", char(2)),
        col("c_last", varchar(16)),
        col("c_first", varchar(16)),
        col("c_credit_lim", dec(12, 2)),
        col("c_balance", dec(12, 2)),
        col("c_ytd_payment", dec(12, 2)),
        col("c_payment_cnt", ft(m.TYPE_LONG)),
        col("c_delivery_cnt", ft(m.TYPE_LONG)),
        col("c_street_1", varchar(20)),
        col("c_street_2", varchar(20)),
        col("c_city", varchar(20)),
        col("c_state", char(2)),
        col("c_zip", char(9)),
        col("c_phone", char(16)),
        col("c_since", ft(m.TYPE_TIMESTAMP)),
        col("c_middle", char(2)),
        col("c_data", varchar(500)),
    ]
    t = table(
        123456, cols, indices=[index(1, "PRIMARY", ["c_w_id", "c_d_id", "c_id"], primary=True)]
    )
    c_data = b"H5p3dpjp7uu8n1l3j0o1buecfV6FngNNgftpNALDhOzJaSzMCMlrQwXuvLAFPIFg215D3wAY"
    row = [
        15,
        10,
        3000,
        b"0.3646",
        b"GC",
        b"CALLYPRIANTI",
        b"Rg6mDFlVnP5yh",
        b"50000.0",
        b"-10.0",
        b"10.0",
        1,
        0,
        b"aJK7CuRnE0NUxNHSX",
        b"Q1rps77cXYoj",
        b"MigXbS6UoUS",
        b"UJ",
        b"638611111",
        b"7743262784364376",
        b"2020-02-05 19:29:58.903970",
        b"OE",
        c_data,
    ]
    data, idx = TableEncoder(t, sql_mode="", time_zone="UTC").encode(row, 1)
    assert len(data) + len(idx) == 2
    assert idx[0] == (
        bytes.fromhex(
            "74800000000001e2405f698000000000000001"
            "03800000000000000f03800000000000000a038000000000000bb8"
        ),
        bytes.fromhex("0000000000000001"),
    )
    got = RowDecoder(t, time_zone="UTC").decode_record(*data[0])
    assert got["c_discount"] == Decimal("0.3646")
    assert got["c_credit_lim"] == Decimal("50000.00") and got["c_balance"] == Decimal("-10.00")
    # TIMESTAMP (fsp 0) rounds .903970 half up into the next second.
    assert got["c_since"].replace(tzinfo=None) == dt.datetime(2020, 2, 5, 19, 29, 59)
    assert got["c_data"] == c_data.decode()
