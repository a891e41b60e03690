"""Index KVs written by a real TiDB, from TiKV components/tidb_query_executors/src/
index_scan_executor.rs (test_int_handle_char_index, test_int_handle_varchar_index,
test_common_handle_index), reproduced from the SQL row through TableEncoder: CHAR trailing
spaces trimmed before keys and restored data, `_bin` CHAR without restored data, `_ci` and
`_bin` VARCHAR with it (full values in the version-0 layout, trailing-space counts in
version 1), the common handle in unique version-1 values."""

from __future__ import annotations

import pytest

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import index as ix
from tidbkv import keys
from tidbkv import mysqltypes as m
from tidbkv.datum import Datum
from tidbkv.schema import TableInfo
from tidbkv.table import TableEncoder

A = "038000000000000001"  # a = 1
H1 = "038000000000000001"  # _tidb_rowid 1
B_BIN = "016100000000000000f8"  # 'a' (utf8mb4_bin, trailing space trimmed)
C_UNI = "010e33000000000000f9"  # 'A' utf8mb4_unicode_ci
E_GEN = "010041000000000000f9"  # 'A' utf8mb4_general_ci


def _int_handle_table(table_id: int, string_tp: int) -> TableInfo:
    """t(a int, b <string>(10) utf8mb4_bin, c <string>(10) utf8mb4_unicode_ci) with i_a(1),
    i_b(2), i_c(3), i_abc(4), i_ua(5), i_ub(6), i_uc(7), i_uabc(8); no primary key."""
    return table(
        table_id,
        [
            col("a", ft(m.TYPE_LONG)),
            col("b", ft(string_tp, flen=10)),
            col("c", ft(string_tp, flen=10, collate="utf8mb4_unicode_ci")),
        ],
        indices=[
            index(1, "i_a", ["a"]),
            index(2, "i_b", ["b"]),
            index(3, "i_c", ["c"]),
            index(4, "i_abc", ["a", "b", "c"]),
            index(5, "i_ua", ["a"], unique=True),
            index(6, "i_ub", ["b"], unique=True),
            index(7, "i_uc", ["c"], unique=True),
            index(8, "i_uabc", ["a", "b", "c"], unique=True),
        ],
    )


def _index_kv(t: TableInfo, row: list[bytes | int], row_id: int, index_id: int) -> tuple[str, str]:
    _, idx = TableEncoder(t).encode(row, row_id)
    prefix = keys.index_prefix(t.id, index_id)
    [(k, v)] = [(k, v) for k, v in idx if k.startswith(prefix)]
    return k[len(prefix) :].hex(), v.hex()


CHAR_RESTORED = "800003000000010203010002000300016141"  # a=1, b='a', c='A'


@pytest.mark.parametrize(
    ("table_id", "index_id", "key_suffix", "value"),
    [
        (0x31, 1, A + H1, "30"),
        (0x35, 5, A, "0000000000000001"),
        (0x31, 2, B_BIN + H1, "30"),
        (0x35, 6, B_BIN, "0000000000000001"),
        (0x31, 3, C_UNI + H1, "0080000100000003010041"),
        (0x35, 7, C_UNI, "08800001000000030100410000000000000001"),
        (0x35, 4, A + B_BIN + C_UNI + H1, "00" + CHAR_RESTORED),
        (0x35, 8, A + B_BIN + C_UNI, "08" + CHAR_RESTORED + "0000000000000001"),
    ],
)
def test_int_handle_char_indexes(table_id: int, index_id: int, key_suffix: str, value: str) -> None:
    """TiKV index_scan_executor.rs test_int_handle_char_index: insert (1, "a ", "A "), row id 1.
    A `_bin` CHAR index keeps the old layout ("0" / the handle); a `_ci` CHAR one carries
    the trimmed value in version-0 restored data."""
    t = _int_handle_table(table_id, m.TYPE_STRING)
    assert _index_kv(t, [1, b"a ", b"A "], 1, index_id) == (key_suffix, value)


VARCHAR_RESTORED = "80000300000001020301000300050001612041 20".replace(" ", "")


@pytest.mark.parametrize(
    ("table_id", "index_id", "key_suffix", "value"),
    [
        (0x31, 1, A + H1, "30"),
        (0x35, 5, A, "0000000000000001"),
        (0x3D, 2, B_BIN + H1, "008000010000000202006120"),
        (0x3D, 6, B_BIN, "0880000100000002020061200000000000000001"),
        (0x3D, 3, C_UNI + H1, "008000010000000302004120"),
        (0x3D, 7, C_UNI, "0880000100000003020041200000000000000001"),
        (0x3D, 4, A + B_BIN + C_UNI + H1, "00" + VARCHAR_RESTORED),
        (0x3D, 8, A + B_BIN + C_UNI, "08" + VARCHAR_RESTORED + "0000000000000001"),
    ],
)
def test_int_handle_varchar_indexes(
    table_id: int, index_id: int, key_suffix: str, value: str
) -> None:
    """TiKV index_scan_executor.rs test_int_handle_varchar_index: VARCHAR keeps "a " and
    "A "; both the `_bin` and the `_ci` column need restored data (version 0)."""
    t = _int_handle_table(table_id, m.TYPE_VARCHAR)
    assert _index_kv(t, [1, b"a ", b"A "], 1, index_id) == (key_suffix, value)


def _common_handle_table(table_id: int) -> TableInfo:
    """TiKV test_common_handle_index: clustered PRIMARY KEY (a, b, c, d, e)."""
    return table(
        table_id,
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
            index(3, "i_b", ["b"]),
            index(4, "i_c", ["c"]),
            index(5, "i_d", ["d"]),
            index(6, "i_e", ["e"]),
            index(7, "i_abcde", ["a", "b", "c", "d", "e"]),
            index(8, "i_ua", ["a"], unique=True),
            index(9, "i_ub", ["b"], unique=True),
            index(10, "i_uc", ["c"], unique=True),
            index(11, "i_ud", ["d"], unique=True),
            index(12, "i_ue", ["e"], unique=True),
            index(13, "i_uabcde", ["a", "b", "c", "d", "e"], unique=True),
        ],
        clustered=True,
    )


CH = A + B_BIN + C_UNI + B_BIN + E_GEN  # the common handle of (1, 'a', 'A', 'a ', 'A ')
# restored data: c = 'A' (3), d = 1 trailing space as a signed int (4), e = 'A ' (5)
CH_RESTORED = "80000300000003040501000200040041014120"
UNIQUE_V1 = "007d017f0031" + CH + CH_RESTORED


@pytest.mark.parametrize(
    ("table_id", "index_id", "key_suffix", "value"),
    [
        (0x31, 2, A + CH, "007d01" + CH_RESTORED),
        (0x31, 8, A, UNIQUE_V1),
        (0x31, 3, B_BIN + CH, "007d01" + CH_RESTORED),
        (0x40, 9, B_BIN, UNIQUE_V1),
        (0x40, 4, C_UNI + CH, "007d01" + CH_RESTORED),
        (0x40, 10, C_UNI, UNIQUE_V1),
        (0x40, 5, B_BIN + CH, "007d01" + CH_RESTORED),
        (0x40, 11, B_BIN, UNIQUE_V1),
        (0x40, 6, E_GEN + CH, "007d01" + CH_RESTORED),
        (0x40, 12, E_GEN, UNIQUE_V1),
        (0x40, 7, A + B_BIN + C_UNI + B_BIN + E_GEN + CH, "007d01" + CH_RESTORED),
        (0x40, 13, A + B_BIN + C_UNI + B_BIN + E_GEN, UNIQUE_V1),
    ],
)
def test_common_handle_indexes(table_id: int, index_id: int, key_suffix: str, value: str) -> None:
    """TiKV index_scan_executor.rs test_common_handle_index: insert (1, "a ", "A ", "a ", "A ")
    into a table clustered on (a, b, c, d, e). Every index (even one on a PK column alone)
    restores the PK columns that need it; unique ones carry the common handle."""
    t = _common_handle_table(table_id)
    assert _index_kv(t, [1, b"a ", b"A ", b"a ", b"A "], 99, index_id) == (key_suffix, value)


def test_short_value_that_looks_versioned_is_an_old_handle() -> None:
    """TiDB TestUntouchedIndexKValue: EncodeHandleInUniqueIndexValue(0x017d010000000031) is
    8 bytes whose second byte is IndexVersionFlag; it is still the old layout."""
    value = ix.encode_handle_in_unique_index_value(0x017D010000000031)
    assert value.hex() == "017d010000000031"
    assert ix.get_index_version(value) == 0
    assert ix.split_index_value(value).int_handle == 0x017D010000000031
    assert ix.decode_handle_in_index_value(value) == 0x017D010000000031
    assert ix.index_kv_is_unique(value)


def test_handles_decode_from_every_value_layout() -> None:
    """TiDB decodeHandleInIndexValue / DecodeHandleInUniqueIndexValue / IndexKVIsUnique on
    the layouts above (TiDB TestTempIndexValueCodec: handle 100 round-trips)."""
    assert ix.decode_handle_in_index_value(ix.encode_handle_in_unique_index_value(100)) == 100
    assert ix.decode_handle_in_unique_index_value(bytes.fromhex("0000000000000064"), False) == 100
    v0 = bytes.fromhex("08" + CHAR_RESTORED + "0000000000000001")
    assert ix.decode_handle_in_index_value(v0) == 1
    assert ix.decode_handle_in_unique_index_value(v0, False) == 1
    v1 = bytes.fromhex(UNIQUE_V1)
    assert ix.get_index_version(v1) == 1
    assert ix.decode_handle_in_index_value(v1) == bytes.fromhex(CH)
    assert ix.decode_handle_in_unique_index_value(v1, True) == bytes.fromhex(CH)
    legacy = ix.encode_handle_in_unique_index_value(bytes.fromhex(CH))  # 00 7f len handle
    assert ix.decode_handle_in_unique_index_value(legacy, True) == bytes.fromhex(CH)
    assert ix.index_kv_is_unique(v0) and ix.index_kv_is_unique(v1)
    assert not ix.index_kv_is_unique(b"0")
    assert not ix.index_kv_is_unique(bytes.fromhex("007d01" + CH_RESTORED))


def test_decode_index_handle_from_the_key_or_the_value() -> None:
    """TiDB DecodeIndexHandle: a non-unique key's suffix, else the unique value."""
    key = keys.index_prefix(0x31, 2) + bytes.fromhex(A + CH)
    assert ix.decode_index_handle(key, bytes.fromhex("007d01"), 1) == bytes.fromhex(CH)
    key = keys.index_prefix(0x31, 1) + bytes.fromhex(A + H1)
    assert ix.decode_index_handle(key, b"0", 1) == 1
    key = keys.index_prefix(0x35, 5) + bytes.fromhex(A)
    assert ix.decode_index_handle(key, bytes.fromhex("0000000000000001"), 1) == 1


def test_tidb_named_value_builders_agree_with_the_portal() -> None:
    """GenIndexValuePortal picks GenIndexValueForClusteredIndexVersion1 for CommonHandleVersion
    1 tables and genIndexValueVersion0 otherwise."""
    t = _common_handle_table(0x31)
    row = [Datum.int64(1), Datum.string(b"a"), Datum.string(b"A", "utf8mb4_unicode_ci"),
           Datum.string(b"a "), Datum.string(b"A ", "utf8mb4_general_ci")]  # fmt: skip
    idx = t.indices[7]  # i_ua
    restored = ix.try_get_handle_restored_data_wrapper(t, row, idx)
    assert ix.try_get_common_pk_column_restored_ids(t) == [3, 4, 5]
    v1 = ix.gen_index_value_for_clustered_index_version1(
        t, idx, [row[0]], bytes.fromhex(CH), distinct=True, handle_restored_data=restored
    )
    assert v1.hex() == UNIQUE_V1
    assert (
        ix.gen_index_value_portal(
            t, idx, [row[0]], bytes.fromhex(CH), distinct=True, handle_restored_data=restored
        )
        == v1
    )
    c = _int_handle_table(0x35, m.TYPE_STRING)
    values = [Datum.string(b"A", "utf8mb4_unicode_ci")]
    v0 = ix.gen_index_value_version0(c, c.indices[6], values, 1, distinct=True)
    assert v0.hex() == "08800001000000030100410000000000000001"


def test_clustered_prefix_primary_key() -> None:
    """PRIMARY KEY (s(2)) CLUSTERED on a utf8mb4_bin VARCHAR: the handle holds the 2-character
    prefix, the row keeps the whole value (a prefixed PK column is not skipped), and the
    handle's restored data is the trailing-space count of the value truncated to the longer
    of the PK prefix and the index's own length (TiDB TryGetHandleRestoredDataWrapper)."""
    t = table(
        7,
        [col("s", ft(m.TYPE_VARCHAR, flen=10, not_null=True)), col("x", ft(m.TYPE_LONG))],
        indices=[
            index(1, "PRIMARY", [("s", 2)], primary=True),
            index(2, "i_s", ["s"]),
            index(3, "u_x", ["x"], unique=True),
        ],
        clustered=True,
    )
    handle = "016162000000000000f9"
    data, idx = TableEncoder(t).encode([b"abcd ", 5], 1)
    assert [(k.hex(), v.hex()) for k, v in data] == [
        ("7480000000000000075f72" + handle, "800002000000010205000600616263642005")
    ]
    assert [(k.hex(), v.hex()) for k, v in idx] == [
        # i_s: the full value's one trailing space
        ("7480000000000000075f698000000000000002016162636400000000fb" + handle,
         "007d0180000100000001010001"),
        # u_x: s truncated to the PK prefix 'ab', no trailing space
        ("7480000000000000075f698000000000000003038000000000000005",
         "007d017f000a" + handle + "80000100000001010000"),
    ]  # fmt: skip


def test_binary_pads_with_zeros_and_char_trims_spaces_in_keys_and_values() -> None:
    """BINARY(4) 'ab' is stored and indexed as 'ab\\0\\0'; CHAR(4) 'ab  ' as 'ab' (TiDB
    CastValue: ProduceStrWithSpecifiedTp pads binary, CHAR drops trailing spaces)."""
    t = table(
        8,
        [
            col("b", ft(m.TYPE_STRING, flen=4, collate="binary")),
            col("c", ft(m.TYPE_STRING, flen=4)),
        ],
        indices=[index(1, "ib", ["b"]), index(2, "ic", ["c"])],
    )
    data, idx = TableEncoder(t).encode([b"ab", b"ab  "], 1)
    assert data[0][1].hex() == "800002000000010204000600" + "61620000" + "6162"
    assert [(k.hex()[38:], v) for k, v in idx] == [
        ("016162000000000000fb" + H1, b"0"),
        ("016162000000000000f9" + H1, b"0"),
    ]


def test_null_in_a_restored_bin_column_of_a_clustered_index() -> None:
    """GenIndexValueForClusteredIndexVersion1 writes a _bin column's trailing-space count from
    ``GetString()``, which is "" for NULL (count 0); a NULL _ci column is a NULL in the
    restored row. (Found by the fast-path property test: this raised TypeError.)"""
    t = table(
        9,
        [
            col("c0", ft(m.TYPE_LONG)),
            col("c1", ft(m.TYPE_VARCHAR, flen=8)),
            col("c2", ft(m.TYPE_VARCHAR, flen=8, collate="utf8mb4_general_ci")),
        ],
        indices=[index(1, "PRIMARY", ["c0"], primary=True), index(2, "i0", ["c0", "c1", "c2"])],
        clustered=True,
    )
    _, idx = TableEncoder(t).encode([0, None, None], 1)
    assert [(k.hex(), v.hex()) for k, v in idx] == [
        (
            "7480000000000000095f6980000000000000020380000000000000000000038000000000000000",
            "007d018000010001000203010000",
        )
    ]
