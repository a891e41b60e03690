"""Index keys and values in every layout, against TiKV index_scan_executor.rs samples (KVs
written by a real TiDB) and Lightning's sql2kv tests."""

from __future__ import annotations

import pytest

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import index as ix
from tidbkv import mysqltypes as m
from tidbkv.datum import NULL, Datum, Kind
from tidbkv.schema import TableInfo

ROW_61 = [Datum.int64(1), Datum.string(b"a "), Datum.string(b"A ", "utf8mb4_unicode_ci")]


def _table_61() -> TableInfo:
    """TiKV index_scan_executor.rs (new collation, int handle): t(a int, b varchar(10)
    utf8mb4_bin, c varchar(10) utf8mb4_unicode_ci), row (1, 'a ', 'A '), _tidb_rowid 1."""
    return table(
        61,
        [
            col("a", ft(m.TYPE_LONG)),
            col("b", ft(m.TYPE_VARCHAR, flen=10)),
            col("c", ft(m.TYPE_VARCHAR, flen=10, collate="utf8mb4_unicode_ci")),
        ],
        indices=[
            index(2, "i_b", ["b"]),
            index(3, "i_c", ["c"]),
            index(4, "i_abc", ["a", "b", "c"]),
            index(6, "i_ub", ["b"], unique=True),
            index(7, "i_uc", ["c"], unique=True),
            index(8, "i_uabc", ["a", "b", "c"], unique=True),
        ],
    )


PREFIX_61 = "74800000000000003d5f6980000000000000"
B_KEY = "016100000000000000f8"
C_KEY = "010e33000000000000f9"
A_KEY = "038000000000000001"
H1 = "038000000000000001"

VECTORS_61 = [
    # (index id, key suffix after the index prefix, value) — version-0 layout with restored data
    (2, B_KEY + H1, "008000010000000202006120"),
    (6, B_KEY, "0880000100000002020061200000000000000001"),
    (3, C_KEY + H1, "008000010000000302004120"),
    (7, C_KEY, "0880000100000003020041200000000000000001"),
    (4, A_KEY + B_KEY + C_KEY + H1, "008000030000000102030100030005000161204120"),
    (8, A_KEY + B_KEY + C_KEY, "0880000300000001020301000300050001612041200000000000000001"),
]


@pytest.mark.parametrize(("index_id", "key_suffix", "value"), VECTORS_61)
def test_version0_index_values_match_tidb_written_kvs(
    index_id: int, key_suffix: str, value: str
) -> None:
    t = _table_61()
    idx = next(i for i in t.indices if i.id == index_id)
    key, val = ix.gen_index_kv(t, idx, ROW_61, 1)
    assert key.hex() == PREFIX_61 + f"{index_id:02x}" + key_suffix
    assert val.hex() == value
    index_id_back, datums, handle = ix.decode_index_kv(t, key, val)
    assert index_id_back == index_id and handle == 1
    assert [bytes(d.value) if d.kind == Kind.STRING else d.value for d in datums] == [
        bytes(r.value) if r.kind == Kind.STRING else r.value
        for r in ix.index_values_of(idx, ROW_61)
    ]


def _table_49() -> TableInfo:
    """TiKV test_common_handle_index: clustered PK (a, b, c, d, e)."""
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


ROW_49 = [
    Datum.int64(1),
    Datum.string(b"a"),
    Datum.string(b"A", "utf8mb4_unicode_ci"),
    Datum.string(b"a "),
    Datum.string(b"A ", "utf8mb4_general_ci"),
]
HANDLE_49 = bytes.fromhex(
    "038000000000000001016100000000000000f8010e33000000000000f9016100000000000000f8010041000000000000f9"
)
RESTORED_49 = "80000300000003040501000200040041014120"


def test_version1_non_unique_index_on_clustered_table() -> None:
    t = _table_49()
    key, value = ix.gen_index_kv(t, t.indices[1], ROW_49, HANDLE_49)
    assert key.hex() == "7480000000000000315f698000000000000002038000000000000001" + HANDLE_49.hex()
    # restored: c = 'A', d = 1 trailing space (signed int), e = 'A '
    assert value.hex() == "007d01" + RESTORED_49


def test_version1_unique_index_carries_the_common_handle() -> None:
    t = _table_49()
    key, value = ix.gen_index_kv(t, t.indices[2], ROW_49, HANDLE_49)
    assert key.hex() == "7480000000000000315f698000000000000008038000000000000001"
    assert value.hex() == "007d017f0031" + HANDLE_49.hex() + RESTORED_49
    segs = ix.split_index_value(value)
    assert (
        segs.version == 1 and segs.common_handle == HANDLE_49 and segs.restored_values is not None
    )
    _, datums, handle = ix.decode_index_kv(t, key, value)
    assert handle == HANDLE_49 and datums == [Datum.int64(1)]


def test_version1_without_anything_to_restore_is_three_bytes() -> None:
    t = table(
        5,
        [col("id", ft(m.TYPE_VARCHAR, flen=10, collate="binary")), col("k", ft(m.TYPE_LONG))],
        indices=[index(1, "PRIMARY", ["id"], primary=True), index(2, "k", ["k"])],
        clustered=True,
    )
    row = [Datum.string(b"x", "binary"), Datum.int64(3)]
    handle = bytes.fromhex("017800000000000000f9")
    key, value = ix.gen_index_kv(t, t.indices[1], row, handle)
    assert value == bytes.fromhex("007d01")
    assert key.endswith(handle)


def test_version1_non_pk_bin_varchar_stores_tail_space_count_as_uint() -> None:
    t = table(
        6,
        [
            col("id", ft(m.TYPE_LONGLONG)),
            col("s", ft(m.TYPE_VARCHAR, flen=300)),
            col("x", ft(m.TYPE_LONG)),
        ],
        indices=[index(1, "PRIMARY", ["id", "x"], primary=True), index(2, "s", ["s"])],
        clustered=True,
    )
    row = [Datum.int64(1), Datum.string(b"ab" + b" " * 200), Datum.int64(2)]
    handle = bytes.fromhex("038000000000000001038000000000000002")
    _, value = ix.gen_index_kv(t, t.indices[1], row, handle)
    # uint 200 is one byte (c8); a signed int would need two
    assert value.hex() == "007d01800001000000020100c8"
    key, _ = ix.gen_index_kv(t, t.indices[1], row, handle)
    assert ix.decode_index_kv(t, key, value)[1] == [Datum.string(b"ab" + b" " * 200)]


def test_old_layout_without_restored_data() -> None:
    # Lightning TestEncodeDoubleAutoIncrement: unique u_id on DOUBLE, handle 70 → BE64(70).
    t = table(
        1,
        [col("id", ft(m.TYPE_DOUBLE, not_null=True))],
        indices=[index(1, "u_id", ["id"], unique=True)],
    )
    key, value = ix.gen_index_kv(t, t.indices[0], [Datum.float64(1.0)], 70)
    assert key.hex() == "7480000000000000015f69800000000000000105bff0000000000000"
    assert value.hex() == "0000000000000046"
    non_unique = table(1, [col("k", ft(m.TYPE_LONG))], indices=[index(2, "k", ["k"])])
    key, value = ix.gen_index_kv(non_unique, non_unique.indices[0], [Datum.int64(5)], -1)
    assert value == b"0"
    assert key.hex().endswith("038000000000000005037fffffffffffffff")


def test_unique_index_with_null_is_not_distinct() -> None:
    t = _table_61()
    key, value = ix.gen_index_kv(t, t.indices[5], [Datum.int64(1), NULL, NULL], 9)
    assert key.hex() == PREFIX_61 + "08" + A_KEY + "0000038000000000000009"
    # restored data lists b and c as NULL columns; no handle tail, no padding (13 bytes)
    assert value.hex() == "00800001000200010203010001"


def test_negative_handle_in_unique_value_is_twos_complement() -> None:
    assert ix.encode_handle_in_unique_index_value(-1).hex() == "ffffffffffffffff"
    seg = ix.split_index_value(bytes.fromhex("ffffffffffffffff"))
    assert seg.int_handle == -1


def test_prefix_index_truncates_key_and_restored_value() -> None:
    t = table(
        9,
        [
            col("s", ft(m.TYPE_VARCHAR, flen=20, collate="utf8mb4_general_ci")),
            col("b", ft(m.TYPE_BLOB, collate="binary")),
        ],
        indices=[index(1, "p", [("s", 2)]), index(2, "pb", [("b", 3)])],
    )
    row = [
        Datum.string("àbc".encode(), "utf8mb4_general_ci"),
        Datum.string(b"\x00\x01\x02\x03", "binary"),
    ]
    key, value = ix.gen_index_kv(t, t.indices[0], row, 1)
    assert (
        key.hex() == "7480000000000000095f698000000000000001010041004200000000fb038000000000000001"
    )
    assert value.hex() == "00800001000000010300" + "àb".encode().hex()
    key, value = ix.gen_index_kv(t, t.indices[1], row, 1)
    assert (
        key.hex() == "7480000000000000095f698000000000000002010001020000000000fa038000000000000001"
    )
    assert value == b"0"


def test_new_collation_disabled_uses_raw_bytes_and_old_layout() -> None:
    t = _table_61()
    key, value = ix.gen_index_kv(t, t.indices[1], ROW_61, 1, new_collation=False)
    assert key.hex() == PREFIX_61 + "03014120000000000000f9" + H1
    assert value == b"0"


def test_need_restored_data_rules() -> None:
    """kv-format §6.4: _ci strings and _bin VARCHAR need it; _bin CHAR, binary, 0900_bin don't."""
    assert ix.need_restored_data(ft(m.TYPE_STRING, collate="utf8mb4_general_ci"))
    assert ix.need_restored_data(ft(m.TYPE_VARCHAR, collate="utf8mb4_bin"))
    assert ix.need_restored_data(ft(m.TYPE_BLOB, collate="utf8mb4_unicode_ci"))
    assert not ix.need_restored_data(ft(m.TYPE_STRING, collate="utf8mb4_bin"))
    assert not ix.need_restored_data(ft(m.TYPE_BLOB, collate="utf8mb4_bin"))
    assert not ix.need_restored_data(ft(m.TYPE_VARCHAR, collate="binary"))
    assert not ix.need_restored_data(ft(m.TYPE_VARCHAR, collate="utf8mb4_0900_bin"))
    assert not ix.need_restored_data(ft(m.TYPE_LONG))
    assert not ix.need_restored_data(
        ft(m.TYPE_VARCHAR, collate="utf8mb4_general_ci"), new_collation=False
    )
