"""Key helpers against TiDB pkg/tablecodec/tablecodec_test.go and TiKV
components/tidb_query_datatype/src/codec/table.rs tests (each test names its source)."""

from __future__ import annotations

import pytest

from tidbkv import codec, keys
from tidbkv.datum import Datum, Kind
from tidbkv.errors import DecodeError
from tidbkv.mytime import parse_duration

MAX_UINT32 = (1 << 32) - 1
I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1


def test_row_key_round_trips_an_encoded_int_handle() -> None:
    """TiDB TestTableCodec: EncodeRowKey(1, EncodeInt(2)) and EncodeRowKeyWithHandle agree."""
    key = keys.encode_row_key(1, codec.encode_int(2))
    assert keys.decode_row_key(key) == 2
    assert keys.encode_row_key_with_handle(1, 2) == key


def test_row_key_with_trailing_garbage_is_not_a_common_handle() -> None:
    """TiDB TestTableCodecInvalid: 't' + table 100 + '_r' + EncodeInt(h) + '0' is invalid."""
    key = keys.record_prefix(100) + codec.encode_int(-9078412423848787968) + b"0"
    with pytest.raises(DecodeError):
        keys.decode_row_key(key)
    with pytest.raises(DecodeError):
        keys.decode_record_key(key)


def test_record_key_helpers() -> None:
    """TiDB TestRecordKey: table 55, handle MaxUint32."""
    key = keys.encode_row_key_with_handle(55, MAX_UINT32)
    assert keys.decode_key_head(key) == (55, 0, True)
    assert keys.encode_row_key(55, codec.encode_int(MAX_UINT32)) == key
    assert keys.decode_record_key(key) == (55, MAX_UINT32)
    assert keys.encode_record_key(keys.gen_table_record_prefix(55), MAX_UINT32) == key
    for bad in (b"", b"abcdefghijklmnopqrstuvwxyz"):
        with pytest.raises(DecodeError):
            keys.decode_record_key(bad)


def test_prefix_helpers() -> None:
    """TiDB TestPrefix: table 66."""
    key = keys.encode_table_prefix(66)
    assert keys.decode_table_id(key) == 66
    assert keys.gen_table_prefix(66) == key
    assert keys.is_table_key(key) and not keys.is_table_key(key + b"_")
    index_prefix = keys.encode_table_index_prefix(66, MAX_UINT32)
    assert keys.decode_key_head(index_prefix) == (66, MAX_UINT32, False)
    # GenTableIndexPrefix(tableID) is "t{id}_i", without an index ID
    assert keys.gen_table_index_prefix(66) == key + b"_i"
    assert keys.decode_table_id(keys.gen_table_index_prefix(66)) == 66
    assert len(keys.truncate_to_row_key_len(index_prefix + b"xyz")) == keys.RECORD_ROW_KEY_LEN
    assert keys.truncate_to_row_key_len(key) == key


def test_cut_prefixes() -> None:
    """TiDB TestCutPrefix: EncodeTableIndexPrefix(42, 666)."""
    key = keys.encode_table_index_prefix(42, 666)
    assert keys.cut_row_key_prefix(key) == bytes([0x80, 0, 0, 0, 0, 0, 0x2, 0x9A])
    assert keys.cut_index_prefix(key) == b""


def test_key_ranges_do_not_overlap() -> None:
    """TiDB TestRange: handle ranges of tables 22/23, index ranges of (42, 666)/(42, 667)."""
    s1, e1 = keys.get_table_handle_key_range(22)
    s2, e2 = keys.get_table_handle_key_range(23)
    assert s1 < e1 < s2 < e2
    s1, e1 = keys.get_table_index_key_range(42, 666)
    s2, e2 = keys.get_table_index_key_range(42, 667)
    assert s1 < e1 < s2 < e2
    assert e1 == keys.index_prefix(42, 666) + b"\xff"


def test_meta_key_decodes_to_key_and_field() -> None:
    """TiDB TestDecodeAutoIDMeta: the meta key of DB:56 / TID:108."""
    raw = bytes.fromhex("6d44423a3536000000fc00000000000000685449443a31303800fe")
    assert keys.decode_meta_key(raw) == (b"DB:56", b"TID:108")
    assert keys.encode_hash_data_key(b"DB:56", b"TID:108") == raw
    assert raw.startswith(keys.encode_meta_key_prefix(b"DB:56"))
    with pytest.raises(DecodeError):
        keys.decode_meta_key(b"x" + raw[1:])


def test_index_seek_key_head() -> None:
    """TiDB TestIndexKey: EncodeIndexSeekKey(4, 5, nil) decodes to table 4, index 5."""
    key = keys.encode_index_seek_key(4, 5, b"")
    assert keys.decode_key_head(key) == (4, 5, False)
    assert keys.decode_index_id(key) == 5


def _index_key_4_5() -> bytes:
    values = [Datum.int64(1), Datum.bytes_(b"abc"), Datum.float64(5.5), Datum.int64(100)]
    return keys.encode_index_seek_key(4, 5, codec.encode_key(values))


def test_cut_index_key_splits_values_and_handle() -> None:
    """TiDB TestCutKeyNew / TestCutKey: (1, "abc", 5.5) + handle 100 in index (4, 5)."""
    cols, handle = keys.cut_index_key(_index_key_4_5(), 3)
    assert [codec.decode_one(c)[0] for c in cols] == [
        Datum(Kind.INT64, 1),
        Datum(Kind.BYTES, b"abc"),
        Datum(Kind.FLOAT64, 5.5),
    ]
    assert codec.decode_one(handle) == (Datum(Kind.INT64, 100), b"")
    assert keys.decode_index_key(_index_key_4_5(), 3)[3] == 100


def test_decode_index_key_without_column_count_returns_every_datum() -> None:
    """TiDB TestDecodeIndexKey: (1, "abc", 123.45) in index (4, 5)."""
    values = [Datum.int64(1), Datum.bytes_(b"abc"), Datum.float64(123.45)]
    key = keys.encode_index_seek_key(4, 5, codec.encode_key(values))
    assert keys.decode_index_key(key) == (
        4,
        5,
        [Datum(Kind.INT64, 1), Datum(Kind.BYTES, b"abc"), Datum(Kind.FLOAT64, 123.45)],
        None,
    )


def test_temp_index_key_round_trip() -> None:
    """TiDB TestTempIndexKey: the temp index ID keeps the real one in its low 48 bits."""
    key = _index_key_4_5()
    temp = keys.index_key2_temp_index_key(key)
    table_id, index_id, is_record = keys.decode_key_head(temp)
    assert (table_id, is_record) == (4, False)
    assert index_id != 5 and index_id & keys.INDEX_ID_MASK == 5
    assert keys.decode_index_id(temp) == index_id == keys.TEMP_INDEX_PREFIX | 5
    assert keys.is_temp_index_key(temp) and not keys.is_temp_index_key(key)
    assert keys.temp_index_key2_index_key(temp) == key
    assert temp[19:] == key[19:]


def test_keyspace_prefixed_key_has_the_table_id() -> None:
    """TiDB TestV2TableCodec: an API v2 txn key of keyspace 271828 for table 31415926."""
    key = keys.encode_keyspace_prefix(271828) + keys.encode_table_prefix(31415926)
    assert key[:4] == b"x\x04\x25\xd4"
    assert keys.decode_table_id(key) == 31415926


@pytest.mark.parametrize("table_id", [0, 2, 3, 1024, I64_MAX])
def test_decode_table_id_of_row_and_index_keys(table_id: int) -> None:
    """TiKV table.rs test_decode_table_id (rejects b"xxx")."""
    row = keys.encode_row_key_with_handle(table_id, 1)
    assert keys.decode_table_id(row) == table_id
    assert keys.decode_table_id(keys.encode_index_seek_key(table_id, 1, row)) == table_id
    with pytest.raises(DecodeError):
        keys.decode_table_id(b"xxx")


@pytest.mark.parametrize("handle", [I64_MIN, I64_MAX, -1, 0, 2, 3, 1024])
def test_int_handles_round_trip_through_row_keys(handle: int) -> None:
    """TiKV table.rs test_row_key_codec."""
    assert keys.decode_row_key_int_handle(keys.encode_row_key_with_handle(1, handle)) == (1, handle)


def test_index_key_values_decode_back() -> None:
    """TiKV table.rs test_index_key_codec: U64(1), Bytes("123"), I64(-1), TIME(2)
    "12:34:56.666" (rounded to .67)."""
    dur = parse_duration("12:34:56.666", 2)
    assert dur == (12 * 3600 + 34 * 60 + 56) * 10**9 + 670_000_000
    values = [Datum.uint64(1), Datum.bytes_(b"123"), Datum.int64(-1), Datum.duration(dur, 2)]
    key = keys.encode_index_seek_key(1, 2, codec.encode_key(values))
    _, _, decoded, _ = keys.decode_index_key(key)
    assert [(d.kind, d.value) for d in decoded] == [
        (Kind.UINT64, 1),
        (Kind.BYTES, b"123"),
        (Kind.INT64, -1),
        (Kind.DURATION, dur),
    ]


def test_bare_prefixes_are_not_record_or_index_keys() -> None:
    """TiDB IsRecordKey / IsIndexKey need more than the 11-byte prefix."""
    assert not keys.is_record_key(keys.record_prefix(1))
    assert not keys.is_index_key(keys.gen_table_index_prefix(1))
    assert keys.is_record_key(keys.encode_row_key_with_handle(1, 1))
    assert keys.decode_key_head(keys.record_prefix(7)) == (7, 0, True)


def test_codec_helpers_under_tidb_names() -> None:
    """TiDB codec.EncodedBytesLength / EncodeIntToCmpUint / DecodeCmpUintToInt / CutColumnID
    (TestBytesCodec length check, TestCut's CutColumnID(EncodeValue(42)))."""
    for n in (0, 1, 7, 8, 9, 16):
        assert codec.encoded_bytes_length(n) == len(codec.encode_bytes(bytes(n)))
    assert codec.encode_int_to_cmp_uint(-1) == 0x7FFFFFFFFFFFFFFF
    assert codec.decode_cmp_uint_to_int(0x7FFFFFFFFFFFFFFF) == -1
    assert codec.decode_cmp_uint_to_int(0x8000000000000001) == 1
    assert codec.cut_column_id(codec.encode_value([Datum.int64(42)])) == (b"", 42)
    assert codec.encode_bytes_ext(b"ab", True) == b"ab"
    assert codec.encode_bytes_ext(b"ab", False) == codec.encode_bytes(b"ab")


@pytest.mark.parametrize(
    ("key", "prefix"),
    [
        (b"", None),
        (b"a\x80\x00\x00\x00\x00\x00\x00\x01", None),
        (b"t\x80\x00\x00\x00\x00\x00\x01", None),
        (b"t\x80\x00\x00\x00\x00\x00\x00\x01", b"t\x80\x00\x00\x00\x00\x00\x00\x01"),
        (b"t\x80\x00\x00\x00\x00\x00\x00\x01_r\xff\xff", b"t\x80\x00\x00\x00\x00\x00\x00\x01"),
    ],
)
def test_tikv_extract_table_prefix(key: bytes, prefix: bytes | None) -> None:
    # tikv/tikv components/tidb_query_datatype/src/codec/table.rs test_extract_table_prefix.
    if prefix is None:
        with pytest.raises(DecodeError):
            keys.extract_table_prefix(key)
    else:
        assert keys.extract_table_prefix(key) == prefix


def test_tikv_check_key_type_and_decode_table_id() -> None:
    # TiKV table.rs test_check_key_type and test_decode_table_id.
    record = keys.encode_row_key_with_handle(1, 1)
    keys.check_key_type(record, keys.RECORD_PREFIX_SEP)
    with pytest.raises(DecodeError):
        keys.check_key_type(record, keys.INDEX_PREFIX_SEP)
    idx = keys.encode_index_seek_key(1, 1, codec.encode_key([Datum(Kind.INT64, 1)]))
    keys.check_key_type(idx, keys.INDEX_PREFIX_SEP)
    with pytest.raises(DecodeError):
        keys.check_key_type(idx, keys.RECORD_PREFIX_SEP)
    for bad in (b"\x00",):
        for sep in (keys.RECORD_PREFIX_SEP, keys.INDEX_PREFIX_SEP):
            with pytest.raises(DecodeError):
                keys.check_key_type(bad, sep)
    for tid in (0, 2, 3, 1024, (1 << 63) - 1):
        k = keys.encode_row_key_with_handle(tid, 1)
        assert keys.decode_table_id(k) == tid
        assert keys.decode_table_id(keys.encode_index_seek_key(tid, 1, k)) == tid
    with pytest.raises(DecodeError):
        keys.decode_table_id(b"xxx")
