"""TiDB's SQL port through pymysql: DDL, SHOW, variables, mysql.tidb, ADMIN CHECKSUM, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pymysql
import pytest

from playground.cluster import Cluster
from tests.support.tikv_rpc import ClusterRpc
from tidbkv import keys
from tidbkv.checksum import KVChecksum
from tidbkv.codec import encode_int


def connect(cluster: Cluster, db: str | None = None) -> pymysql.connections.Connection:
    host, port = cluster.sql_addr.rsplit(":", 1)
    return pymysql.connect(host=host, port=int(port), user="root", database=db, autocommit=True)


@pytest.fixture()
def cur(cluster: Cluster) -> Iterator[pymysql.cursors.Cursor]:
    conn = connect(cluster)
    with conn.cursor() as c:
        yield c
    conn.close()


def one(cur: pymysql.cursors.Cursor, sql: str) -> tuple[object, ...]:
    cur.execute(sql)
    row = cur.fetchone()
    assert row is not None
    return tuple(row)


def test_version_functions(cur: pymysql.cursors.Cursor) -> None:
    assert one(cur, "SELECT VERSION()") == ("8.0.11-TiDB-v8.5.0-flashload-playground",)
    (text,) = one(cur, "SELECT tidb_version()")
    assert str(text).startswith("Release Version: v8.5.0")
    assert one(cur, "SELECT @@version_comment LIMIT 1")[0] is not None
    assert cur.connection.get_server_info() == "8.0.11-TiDB-v8.5.0-flashload-playground"


def test_variables_lightning_reads(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("SHOW VARIABLES LIKE 'tidb_row_format_version'")
    assert cur.fetchall() == (("tidb_row_format_version", "2"),)
    cur.execute(
        "SHOW VARIABLES WHERE Variable_name IN ('tidb_row_format_version', 'max_allowed_packet')"
    )
    assert dict(cur.fetchall()) == {
        "tidb_row_format_version": "2",
        "max_allowed_packet": "67108864",
    }
    assert one(
        cur, "SELECT VARIABLE_VALUE FROM mysql.tidb WHERE VARIABLE_NAME = 'new_collation_enabled'"
    ) == ("True",)
    assert one(cur, "SELECT @@tidb_row_format_version") == ("2",)


def test_set_session_variables_are_seen_by_the_session_only(cluster: Cluster) -> None:
    a, b = connect(cluster), connect(cluster)
    with a.cursor() as ca, b.cursor() as cb:
        ca.execute("SET SESSION tidb_distsql_scan_concurrency = 3, @@session.sql_mode = 'ANSI'")
        ca.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin")
        assert one(ca, "SELECT @@tidb_distsql_scan_concurrency") == ("3",)
        assert one(cb, "SELECT @@tidb_distsql_scan_concurrency") == ("15",)
        ca.execute("SHOW VARIABLES LIKE 'sql_mode'")
        assert ca.fetchall() == (("sql_mode", "ANSI"),)
    a.close()
    b.close()


def test_gc_life_time_update_in_mysql_tidb(cur: pymysql.cursors.Cursor) -> None:
    q = "SELECT VARIABLE_VALUE FROM mysql.tidb WHERE VARIABLE_NAME = 'tikv_gc_life_time'"
    assert one(cur, q) == ("10m0s",)
    cur.execute(
        "UPDATE mysql.tidb SET VARIABLE_VALUE = '100h0m0s' WHERE VARIABLE_NAME = 'tikv_gc_life_time'"
    )
    assert one(cur, q) == ("100h0m0s",)
    cur.execute(
        "UPDATE mysql.tidb SET VARIABLE_VALUE = '10m0s' WHERE VARIABLE_NAME = 'tikv_gc_life_time'"
    )


def test_create_use_show_drop(cur: pymysql.cursors.Cursor) -> None:
    cur.execute("CREATE DATABASE sq1 DEFAULT CHARACTER SET utf8mb4")
    cur.execute("CREATE DATABASE IF NOT EXISTS sq1")
    cur.execute("USE sq1")
    cur.execute(
        "CREATE TABLE `orders` (`id` bigint NOT NULL AUTO_INCREMENT, `note` varchar(20), "
        "PRIMARY KEY (`id`)) ENGINE=InnoDB; CREATE TABLE items (sku varchar(10) PRIMARY KEY)"
    )
    cur.execute("SHOW TABLES")
    assert cur.fetchall() == (("items",), ("orders",))
    cur.execute("SHOW FULL TABLES FROM sq1 LIKE 'ord%'")
    assert cur.fetchall() == (("orders", "BASE TABLE"),)
    cur.execute("SHOW DATABASES LIKE 'sq%'")
    assert cur.fetchall() == (("sq1",),)
    table, text = one(cur, "SHOW CREATE TABLE orders")
    assert table == "orders"
    assert "PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED */" in str(text)
    assert one(cur, "SELECT DATABASE()") == ("sq1",)
    cur.execute("SHOW COLUMNS FROM orders")
    assert [r[:4] for r in cur.fetchall()] == [
        ("id", "bigint(20)", "NO", "PRI"),
        ("note", "varchar(20)", "YES", ""),
    ]
    cur.execute("DROP TABLE items, orders")
    cur.execute("SHOW TABLES")
    assert cur.fetchall() == ()
    cur.execute("DROP DATABASE sq1")
    with pytest.raises(pymysql.err.OperationalError) as info:
        cur.execute("USE sq1")
    assert info.value.args[0] == 1049


def test_table_ids_are_unique_and_increasing_across_databases(cluster: Cluster) -> None:
    conn = connect(cluster)
    with conn.cursor() as c:
        ids = []
        for db in ("ida", "idb"):
            c.execute(f"CREATE DATABASE {db}")
            for t in ("t1", "t2"):
                c.execute(f"CREATE TABLE {db}.{t} (a int)")
                ids.append(cluster.tidb.catalog.table(db, t).id)
        c.execute("DROP TABLE ida.t1")
        c.execute("CREATE TABLE ida.t1 (a int)")
        ids.append(cluster.tidb.catalog.table("ida", "t1").id)
    conn.close()
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("CREATE TABLE nodb_t (a int)", 1046),
        ("USE no_such_db", 1049),
        ("SELECT * FROM test.no_such_table", 1146),
        ("CREATE DATABASE test", 1007),
        ("CREATE TABLE test.dup (a int)", 0),
        ("CREATE TABLE test.dup (a int)", 1050),
        ("DROP TABLE test.nope", 1051),
        ("DROP DATABASE nope", 1008),
        ("CREATE TABLE test.bad (a int,", 1064),
        ("INSERT INTO test.dup VALUES (1)", 1235),
        ("FROBNICATE", 1064),
    ],
)
def test_errors_carry_mysql_codes(cur: pymysql.cursors.Cursor, sql: str, code: int) -> None:
    if code == 0:
        cur.execute(sql)
        return
    with pytest.raises(pymysql.err.MySQLError) as info:
        cur.execute(sql)
    assert info.value.args[0] == code


def test_alter_auto_increment_and_analyze(cluster: Cluster, cur: pymysql.cursors.Cursor) -> None:
    cur.execute("CREATE DATABASE alt")
    cur.execute("CREATE TABLE alt.t (id int PRIMARY KEY AUTO_INCREMENT, v int)")
    cur.execute("ALTER TABLE alt.t AUTO_INCREMENT=1001")
    assert cluster.tidb.catalog.table("alt", "t").auto_inc_id == 1001
    cur.execute("ALTER TABLE alt.t AUTO_INCREMENT=5")
    assert cluster.tidb.catalog.table("alt", "t").auto_inc_id == 1001
    cur.execute("ANALYZE TABLE alt.t")
    assert cluster.tidb.executor.analyzed[("alt", "t")] == 1
    with pytest.raises(pymysql.err.MySQLError):
        cur.execute("ANALYZE TABLE alt.missing")


def test_admin_checksum_covers_rows_and_indexes_at_their_latest_version(
    cluster: Cluster, rpc: ClusterRpc, cur: pymysql.cursors.Cursor
) -> None:
    cur.execute("CREATE DATABASE ck")
    cur.execute("CREATE TABLE ck.t (id int PRIMARY KEY, name varchar(10), KEY kn (name))")
    cur.execute("CREATE TABLE ck.other (id int PRIMARY KEY)")
    tid = cluster.tidb.catalog.table("ck", "t").id
    other = cluster.tidb.catalog.table("ck", "other").id
    rows = [(keys.encode_row_key_with_handle(tid, h), b"row%d" % h) for h in range(1, 40)]
    index = sorted(
        (keys.index_prefix(tid, 1) + b"\x01name%02d" % h + b"\x03" + encode_int(h), b"0")
        for h in range(1, 40)
    )
    stray = [(keys.encode_row_key_with_handle(other, 1), b"not counted")]
    ts = rpc.tso()
    for pairs in (rows, index, stray):
        assert not rpc.write_and_ingest(pairs, ts).HasField("error")
    # A newer version of one row replaces the old one in the checksum.
    newer = [(rows[0][0], b"newer")]
    assert not rpc.write_and_ingest(newer, rpc.tso()).HasField("error")
    expect = KVChecksum()
    expect.update_pairs(newer + rows[1:] + index)
    cur.execute("ADMIN CHECKSUM TABLE ck.t")
    assert [d[0] for d in cur.description] == [
        "Db_name",
        "Table_name",
        "Checksum_crc64_xor",
        "Total_kvs",
        "Total_bytes",
    ]
    assert cur.fetchall() == (("ck", "t", expect.checksum, expect.kvs, expect.bytes),)
    cur.execute("USE ck")
    cur.execute("ADMIN CHECKSUM TABLE t, other")
    got = cur.fetchall()
    assert got[1][2:] != (0, 0, 0) and got[1][3] == 1
