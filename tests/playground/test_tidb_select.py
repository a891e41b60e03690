"""SELECT over imported tables through pymysql: rows decoded from the stores, evaluated by
SQLite, typed as MySQL types them (ints, Decimal, date/datetime/timedelta, str, bytes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pymysql
import pytest

from playground.cluster import Cluster
from tests.support.row_encoding import encode_rows
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.cast import SQLMode
from tidbkv.literals import HexLiteral

ROWS = [
    (
        1,
        b"alice",
        Decimal("10.50"),
        1.25,
        b"2024-01-02",
        b"2024-01-02 03:04:05.123",
        b"01:02:03",
        b"a",
        HexLiteral(b"\x00\xff"),
        b'{"k": 1}',
        2001,
        None,
    ),
    (
        2,
        b"bob",
        Decimal("-3.25"),
        -0.5,
        b"1999-12-31",
        b"1999-12-31 23:59:59.999",
        b"-10:00:00",
        b"b",
        HexLiteral(b"\x01"),
        b"[1, 2]",
        1999,
        7,
    ),
    (
        3,
        b"carol",
        Decimal("0.00"),
        100.0,
        b"0000-00-00",
        b"2000-02-29 00:00:00",
        b"838:59:59",
        b"a",
        HexLiteral(b""),
        b"null",
        2155,
        -1,
    ),
    (
        4,
        b"dave",
        Decimal("99999.99"),
        3.5,
        b"2024-07-04",
        b"2024-07-04 12:00:00.5",
        b"00:00:00.25",
        b"b",
        HexLiteral(b"zz"),
        b'"s"',
        1970,
        9,
    ),
]


@pytest.fixture(scope="module")
def loaded(cluster: Cluster, rpc: ClusterRpc) -> None:
    host, port = cluster.sql_addr.rsplit(":", 1)
    conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
    with conn.cursor() as c:
        c.execute("CREATE DATABASE sel")
        c.execute(
            "CREATE TABLE sel.t (id int NOT NULL, name varchar(20), price decimal(10,2), "
            "f double, d date, ts datetime(3), tm time(2), e enum('a','b'), bin varbinary(4), "
            "j json, y year, n bigint, PRIMARY KEY (id), KEY kn (name))"
        )
        c.execute("CREATE TABLE sel.u (k varchar(5), t_id int)")
    conn.close()
    table = cluster.tidb.catalog.table("sel", "t")
    data, index = encode_rows(table, ROWS, sql_mode=SQLMode(no_zero_date=False))
    ts = rpc.tso()
    assert not rpc.write_and_ingest(data, ts).HasField("error")
    assert not rpc.write_and_ingest(index, ts).HasField("error")
    u = cluster.tidb.catalog.table("sel", "u")
    udata, _ = encode_rows(u, [(b"x", 1), (b"y", 1), (b"z", 3)])
    assert not rpc.write_and_ingest(udata, rpc.tso()).HasField("error")


@pytest.fixture()
def cur(cluster: Cluster, loaded: None) -> Iterator[pymysql.cursors.Cursor]:
    host, port = cluster.sql_addr.rsplit(":", 1)
    conn = pymysql.connect(host=host, port=int(port), user="root", database="sel")
    with conn.cursor() as c:
        yield c
    conn.close()


def test_select_star_returns_typed_values(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("SELECT * FROM t ORDER BY id")
    assert [d[0] for d in cur.description] == [
        "id",
        "name",
        "price",
        "f",
        "d",
        "ts",
        "tm",
        "e",
        "bin",
        "j",
        "y",
        "n",
    ]
    rows = cur.fetchall()
    assert rows[0] == (
        1,
        "alice",
        Decimal("10.50"),
        1.25,
        dt.date(2024, 1, 2),
        dt.datetime(2024, 1, 2, 3, 4, 5, 123000),
        dt.timedelta(hours=1, minutes=2, seconds=3),
        "a",
        b"\x00\xff",
        '{"k": 1}',
        2001,
        None,
    )
    assert rows[1][6] == -dt.timedelta(hours=10)
    assert rows[2][4] == "0000-00-00"
    assert rows[2][6] == dt.timedelta(hours=838, minutes=59, seconds=59)
    assert rows[3][5] == dt.datetime(2024, 7, 4, 12, 0, 0, 500000)
    assert rows[3][6] == dt.timedelta(microseconds=250000)
    assert [r[0] for r in rows] == [1, 2, 3, 4]


def test_aggregates_are_exact(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("SELECT COUNT(*), SUM(price), SUM(id), AVG(id), MIN(price), MAX(d) FROM t")
    assert cur.fetchone() == (
        4,
        Decimal("100007.24"),
        Decimal("10"),
        Decimal("2.5000"),
        Decimal("-3.25"),
        dt.date(2024, 7, 4),
    )


def test_where_order_limit(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("SELECT id, name FROM t WHERE price > 5 ORDER BY price DESC LIMIT 1")
    assert cur.fetchall() == ((4, "dave"),)
    cur.execute("SELECT id FROM t WHERE name LIKE 'a%' OR n IS NULL")
    assert cur.fetchall() == ((1,),)
    cur.execute("SELECT id FROM t ORDER BY price LIMIT 2, 1")
    assert cur.fetchall() == ((1,),)
    cur.execute("SELECT id FROM t WHERE d = '2024-07-04' AND e = 'b'")
    assert cur.fetchall() == ((4,),)


def test_group_by_and_join(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("SELECT e, COUNT(*) AS c, SUM(price) FROM t GROUP BY e ORDER BY e")
    assert cur.fetchall() == (("a", 2, Decimal("10.50")), ("b", 2, Decimal("99996.74")))
    assert [d[0] for d in cur.description] == ["e", "c", "SUM(price)"]
    cur.execute("SELECT t.name, u.k FROM t JOIN u ON t.id = u.t_id ORDER BY u.k")
    assert cur.fetchall() == (("alice", "x"), ("alice", "y"), ("carol", "z"))


def test_select_from_an_empty_table(cluster: Cluster, cur: pymysql.cursors.Cursor) -> None:
    cur.execute("CREATE TABLE empty_t (a int, b decimal(5,1))")
    cur.execute("SELECT COUNT(*), SUM(b) FROM empty_t")
    assert cur.fetchone() == (0, None)
    cur.execute("SELECT * FROM empty_t")
    assert cur.fetchall() == ()


def test_decimal_65_30_values_are_sent_with_every_digit() -> None:
    from playground.tidb.sqlite_types import OutType, to_wire
    from tidbkv import mysqltypes as m

    text = "-" + "9" * 35 + "." + "9" * 30
    assert to_wire(Decimal(text), OutType(m.TYPE_NEWDECIMAL, scale=30)) == text
    assert to_wire(Decimal("1.5"), OutType(m.TYPE_NEWDECIMAL, scale=30)) == "1." + "5" + "0" * 29


def test_float_values_next_to_float32_max_are_printed_shortest() -> None:
    from playground.tidb.sqlite_types import float32_text

    assert float32_text(-3.4028200183756568e38) == "-3.40282e+38"
    assert float32_text(3.4028234663852886e38) == "3.4028235e+38"
