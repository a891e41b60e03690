"""CREATE TABLE -> TableInfo by TiDB's default rules; passing and failing DDL tables.

Facts from TiDB's DDL code: ``mysql.defaultLengthAndDecimal`` (flen/decimal defaults),
``setCharsetCollationFlenDecimal`` (unsigned ints one digit shorter, non-string types charset
binary), ``ShouldBuildClusteredIndex`` with ``tidb_enable_clustered_index = INT_ONLY`` and
``buildTableInfo`` ("Avoid creating index for PK handle column"), ``setColumnFlagWithConstraint``
and ``setNoDefaultValueFlag``, ``buildColumnsAndConstraints`` (column constraints appended after
table constraints).
"""

from __future__ import annotations

import base64

import pytest

from playground.tidb.ddl_parser import CreateTable, SqlSyntaxError, parse
from playground.tidb.show_create import show_create_table
from playground.tidb.table_builder import build_table
from tidbkv import mysqltypes as m
from tidbkv.schema import TableInfo


def table(
    sql: str, table_id: int = 100, charset: str = "utf8mb4", collate: str = "utf8mb4_bin"
) -> TableInfo:
    stmt = parse(sql)
    assert isinstance(stmt, CreateTable)
    return build_table(stmt, table_id, charset, collate)


def test_int_primary_key_is_the_handle_without_an_index() -> None:
    t = table(
        "CREATE TABLE `t` (`id` int(11) NOT NULL AUTO_INCREMENT, `v` varchar(10) DEFAULT NULL, "
        "PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    )
    assert t.pk_is_handle and not t.is_common_handle
    assert t.indices == ()
    idc = t.column("id")
    assert idc.field_type.flag == m.NOT_NULL_FLAG | m.PRI_KEY_FLAG | m.AUTO_INCREMENT_FLAG == 515
    assert (idc.id, idc.offset, t.column("v").id, t.column("v").offset) == (1, 0, 2, 1)
    assert t.handle_column == idc
    assert (t.max_col_id, t.max_idx_id, t.id) == (2, 0, 100)


@pytest.mark.parametrize("tp", ["tinyint", "smallint", "mediumint", "bigint", "int unsigned"])
def test_every_single_integer_pk_is_clustered_by_default(tp: str) -> None:
    assert table(f"CREATE TABLE t (a {tp} PRIMARY KEY, b int)").pk_is_handle


def test_non_integer_pk_is_a_nonclustered_unique_index() -> None:
    t = table("CREATE TABLE t (a varchar(10) NOT NULL, b int, PRIMARY KEY (a), KEY kb (b))")
    assert not t.pk_is_handle and not t.is_common_handle
    pk, kb = t.indices
    assert (pk.id, pk.name, pk.primary, pk.unique) == (1, "PRIMARY", True, True)
    assert (kb.id, kb.name, kb.unique) == (2, "kb", False)
    assert t.has_implicit_row_id


def test_composite_pk_is_nonclustered_unless_the_dump_says_clustered() -> None:
    plain = table("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b))")
    assert not plain.is_common_handle and not plain.pk_is_handle
    clustered = table(
        "CREATE TABLE t (a int, b varchar(5), PRIMARY KEY (a, b) /*T![clustered_index] CLUSTERED */)"
    )
    assert clustered.is_common_handle and clustered.common_handle_version == 1
    assert clustered.primary_index is not None
    assert [c.name for c in clustered.primary_index.columns] == ["a", "b"]
    assert all(c.field_type.flag & m.PRI_KEY_FLAG for c in clustered.columns)


def test_nonclustered_int_pk_is_not_the_handle() -> None:
    t = table(
        "CREATE TABLE t (id bigint NOT NULL, PRIMARY KEY (id) /*T![clustered_index] NONCLUSTERED */)"
    )
    assert not t.pk_is_handle
    assert t.indices[0].primary


def test_column_constraints_get_index_ids_after_table_constraints() -> None:
    t = table("CREATE TABLE t (a int, b varchar(10) UNIQUE, c int, KEY ka (a), KEY (c), KEY (c))")
    assert [(i.id, i.name, i.unique) for i in t.indices] == [
        (1, "ka", False),
        (2, "c", False),
        (3, "c_2", False),
        (4, "b", True),
    ]
    assert t.column("b").field_type.flag & m.UNIQUE_KEY_FLAG
    assert t.column("a").field_type.flag & m.MULTIPLE_KEY_FLAG


def test_prefix_index_lengths_and_multi_column_unique_flags() -> None:
    t = table("CREATE TABLE t (a varchar(100), b int, UNIQUE KEY uab (a(10), b))")
    (idx,) = t.indices
    assert [(c.name, c.offset, c.length) for c in idx.columns] == [("a", 0, 10), ("b", 1, -1)]
    assert t.column("a").field_type.flag & m.MULTIPLE_KEY_FLAG
    assert not t.column("a").field_type.flag & m.UNIQUE_KEY_FLAG


@pytest.mark.parametrize(
    ("decl", "tp", "flen", "decimal", "flag"),
    [
        ("int", m.TYPE_LONG, 11, 0, 0),
        ("int unsigned", m.TYPE_LONG, 10, 0, m.UNSIGNED_FLAG),
        ("bigint unsigned", m.TYPE_LONGLONG, 20, 0, m.UNSIGNED_FLAG),
        ("tinyint(1)", m.TYPE_TINY, 1, 0, 0),
        ("boolean", m.TYPE_TINY, 1, 0, 0),
        ("smallint", m.TYPE_SHORT, 6, 0, 0),
        ("mediumint unsigned", m.TYPE_INT24, 8, 0, m.UNSIGNED_FLAG),
        ("int zerofill", m.TYPE_LONG, 10, 0, m.UNSIGNED_FLAG | m.ZEROFILL_FLAG),
        ("decimal", m.TYPE_NEWDECIMAL, 10, 0, 0),
        ("decimal(20,6)", m.TYPE_NEWDECIMAL, 20, 6, 0),
        ("numeric(5)", m.TYPE_NEWDECIMAL, 5, 0, 0),
        ("float", m.TYPE_FLOAT, 12, -1, 0),
        ("double", m.TYPE_DOUBLE, 22, -1, 0),
        ("double(10,3)", m.TYPE_DOUBLE, 10, 3, 0),
        ("date", m.TYPE_DATE, 10, 0, 0),
        ("datetime", m.TYPE_DATETIME, 19, 0, 0),
        ("datetime(3)", m.TYPE_DATETIME, 23, 3, 0),
        ("timestamp(6)", m.TYPE_TIMESTAMP, 26, 6, 0),
        ("time", m.TYPE_DURATION, 10, 0, 0),
        ("time(2)", m.TYPE_DURATION, 13, 2, 0),
        ("year", m.TYPE_YEAR, 4, 0, m.UNSIGNED_FLAG | m.ZEROFILL_FLAG),
        ("bit", m.TYPE_BIT, 1, 0, m.UNSIGNED_FLAG),
        ("bit(12)", m.TYPE_BIT, 12, 0, m.UNSIGNED_FLAG),
        ("char", m.TYPE_STRING, 1, 0, 0),
        ("varchar(255)", m.TYPE_VARCHAR, 255, 0, 0),
        ("binary(16)", m.TYPE_STRING, 16, 0, m.BINARY_FLAG),
        ("varbinary(8)", m.TYPE_VARCHAR, 8, 0, m.BINARY_FLAG),
        ("text", m.TYPE_BLOB, 65535, 0, 0),
        ("longblob", m.TYPE_LONG_BLOB, 4294967295, 0, m.BINARY_FLAG),
        ("tinytext", m.TYPE_TINY_BLOB, 255, 0, 0),
        ("json", m.TYPE_JSON, 4294967295, 0, 0),
        ("enum('a','b')", m.TYPE_ENUM, -1, 0, 0),
    ],
)
def test_type_defaults(decl: str, tp: int, flen: int, decimal: int, flag: int) -> None:
    ft = table(f"CREATE TABLE t (c {decl})").column("c").field_type
    assert (ft.tp, ft.flen, ft.decimal, ft.flag) == (tp, flen, decimal, flag)


def test_charsets_come_from_column_then_table_then_database() -> None:
    t = table(
        "CREATE TABLE t (a varchar(5), b varchar(5) COLLATE utf8mb4_general_ci, "
        "c varchar(5) CHARACTER SET latin1, d int, e blob, f varchar(5) BINARY) DEFAULT CHARSET=utf8"
    )
    got = {c.name: (c.field_type.charset, c.field_type.collate) for c in t.columns}
    assert got == {
        "a": ("utf8", "utf8_bin"),
        "b": ("utf8mb4", "utf8mb4_general_ci"),
        "c": ("latin1", "latin1_bin"),
        "d": ("binary", "binary"),
        "e": ("binary", "binary"),
        "f": ("utf8", "utf8_bin"),
    }
    assert (t.charset, t.collate) == ("utf8", "utf8_bin")
    db_default = table("CREATE TABLE t (a text)", charset="latin1", collate="latin1_swedish_ci")
    assert db_default.column("a").field_type.collate == "latin1_swedish_ci"
    assert table("CREATE TABLE t (a text)").collate == "utf8mb4_bin"


def test_defaults_are_stored_as_tidb_stores_them() -> None:
    t = table(
        "CREATE TABLE t (i int DEFAULT '5', f double DEFAULT 1.50, d decimal(6,2) DEFAULT -1.5, "
        "dt datetime(3) DEFAULT '2020-01-02', ts timestamp DEFAULT CURRENT_TIMESTAMP, "
        "tm time DEFAULT '1:2:3', e enum('x','y') COLLATE utf8mb4_general_ci DEFAULT 'Y', s set('a','b','c') DEFAULT 'c,a', "
        "b bit(3) DEFAULT b'101', n varchar(3) DEFAULT NULL, y year NOT NULL, "
        "j json DEFAULT (json_array()), h varchar(4) DEFAULT x'6869')"
    )
    d = {c.name: c.default for c in t.columns}
    assert d == {
        "i": "5",
        "f": "1.5",
        "d": "-1.5",
        "dt": "2020-01-02 00:00:00.000",
        "ts": "CURRENT_TIMESTAMP",
        "tm": "01:02:03",
        "e": "y",
        "s": "a,c",
        "b": "\x05",
        "n": None,
        "y": "0000",
        "j": "json_array()",
        "h": "hi",
    }
    assert t.column("b").default_bit == base64.b64encode(b"\x05").decode()
    assert t.column("j").default_is_expr
    assert t.column("i").origin_default is None


def test_not_null_without_default_gets_no_default_value_flag() -> None:
    t = table(
        "CREATE TABLE t (a int NOT NULL, b int NOT NULL DEFAULT 1, c int NOT NULL AUTO_INCREMENT, KEY (c))"
    )
    assert t.column("a").field_type.flag & m.NO_DEFAULT_VALUE_FLAG
    assert not t.column("b").field_type.flag & m.NO_DEFAULT_VALUE_FLAG
    assert not t.column("c").field_type.flag & m.NO_DEFAULT_VALUE_FLAG


def test_tidb_table_options_auto_random_and_shard_bits() -> None:
    t = table(
        "CREATE TABLE t (id bigint NOT NULL /*T![auto_rand] AUTO_RANDOM(5) */, v int, "
        "PRIMARY KEY (id) /*T![clustered_index] CLUSTERED */) AUTO_INCREMENT=30 "
        "/*T![auto_rand_base] AUTO_RANDOM_BASE=100 */"
    )
    assert (t.auto_random_bits, t.auto_random_range_bits, t.auto_rand_id) == (5, 64, 100)
    s = table(
        "CREATE TABLE t (v int) /*T! SHARD_ROW_ID_BITS=4 PRE_SPLIT_REGIONS=2 */ AUTO_INCREMENT=7"
    )
    assert (s.shard_row_id_bits, s.max_shard_row_id_bits, s.pre_split_regions) == (4, 4, 2)
    assert s.auto_inc_id == 7


def test_mydumper_style_ddl_with_comments_and_quoting() -> None:
    t = table(
        "/* mydumper */ CREATE TABLE `we``ird` (\n  `x y` int(11) NOT NULL COMMENT 'it''s',\n"
        "  `name` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',\n"
        "  PRIMARY KEY (`x y`),\n  FULLTEXT KEY `ft` (`name`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci ROW_FORMAT=DYNAMIC"
    )
    assert t.name == "we`ird"
    assert t.column("x y").comment == "it's"
    assert t.column("name").field_type.collate == "utf8mb4_unicode_ci"
    assert t.collate == "utf8mb4_0900_ai_ci"
    assert t.indices == ()


def test_show_create_table_round_trips() -> None:
    sqls = [
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, a varchar(20) COLLATE utf8mb4_general_ci "
        "DEFAULT 'x', b decimal(10,2) NOT NULL, c datetime(6) DEFAULT CURRENT_TIMESTAMP(6), "
        "d bit(4) DEFAULT b'1', e enum('p','q') NOT NULL, f blob, PRIMARY KEY (id), UNIQUE KEY ua (a, b), "
        "KEY kc (c)) AUTO_INCREMENT=5",
        "CREATE TABLE u (a varchar(5) NOT NULL, b int unsigned, PRIMARY KEY (a, b) "
        "/*T![clustered_index] CLUSTERED */, KEY kb (b)) /*T! SHARD_ROW_ID_BITS=3 */",
    ]
    for sql in sqls:
        first = table(sql)
        again = table(show_create_table(first))
        assert again == first


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("CREATE TABLE t (a geometry)", "unsupported column type"),
        ("CREATE TABLE t (a int, A int)", "Duplicate column"),
        ("CREATE TABLE t (a int, KEY (b))", "doesn't exist"),
        ("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))", "Multiple primary key"),
        ("CREATE TABLE t (a int NOT NULL DEFAULT NULL)", "Invalid default value"),
        ("CREATE TABLE t (a varchar)", "needs a length"),
        ("CREATE TABLE t (a int) PARTITION BY HASH(a) PARTITIONS 4", "partitioned"),
        ("CREATE TABLE t (a int, KEY k (a), KEY k (a))", "Duplicate key name"),
        ("CREATE TABLE t (a enum('x') DEFAULT 'z')", "Invalid default value"),
        ("CREATE TABLE t (a enum('x') DEFAULT 'X')", "Invalid default value"),
        ("CREATE TABLE t (a int, b int AUTO_RANDOM)", "AUTO_RANDOM"),
        ("CREATE TABLE t (_tidb_rowid int)", "_tidb_rowid"),
        ("CREATE TABLE t (a int", "expected ')'"),
        ("CREATE TABLE t (a int) CHARSET=klingon", "charset"),
    ],
)
def test_bad_ddl_is_rejected(sql: str, reason: str) -> None:
    with pytest.raises(SqlSyntaxError) as info:
        table(sql)
    assert reason.lower() in str(info.value).lower()
