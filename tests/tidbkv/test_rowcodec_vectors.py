"""Row format v2 / v1 against TiKV codec/row/v2 encoder_for_test.rs and TiDB
pkg/util/rowcodec/rowcodec_test.go (each test names its source)."""

from __future__ import annotations

from decimal import Decimal

from tidbkv import codec, rowcodec
from tidbkv import mysqltypes as m
from tidbkv.datum import NULL, Datum, Enum, Kind, SetValue
from tidbkv.json_binary import parse_json_text
from tidbkv.mytime import Time, parse_duration
from tidbkv.schema import FieldType


def test_unsigned_max_and_minus_one() -> None:
    """TiKV encoder_for_test.rs test_encode_unsigned: u64::MAX in 8 bytes, -1 in one."""
    value = rowcodec.encode_row([1, 2], [Datum.uint64((1 << 64) - 1), Datum.int64(-1)])
    assert list(value) == [128, 0, 2, 0, 0, 0, 1, 2, 8, 0, 9, 0] + [255] * 9


def test_big_form_for_a_column_id_above_255() -> None:
    """TiKV encoder_for_test.rs test_encode_big: null column 335 makes the row large."""
    value = rowcodec.encode_row(
        [1, 12, 335, 3, 8],
        [Datum.int64(1000), Datum.int64(2), NULL, Datum.int64(3), Datum.int64(32767)],
    )
    assert list(value) == [
        128, 1, 4, 0, 1, 0, 1, 0, 0, 0, 3, 0, 0, 0, 8, 0, 0, 0, 12, 0, 0, 0, 79, 1, 0, 0,
        2, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 232, 3, 3, 255, 127, 2,
    ]  # fmt: skip
    assert rowcodec.decode_row_raw(value) == {
        1: b"\xe8\x03",
        3: b"\x03",
        8: b"\xff\x7f",
        12: b"\x02",
        335: None,
    }


def _ft(tp: int, **kw: object) -> FieldType:
    return FieldType(tp, **kw)  # type: ignore[arg-type]


def _types_new_row_codec() -> list[tuple[int, FieldType, Datum, bytes]]:
    """TiDB TestTypesNewRowCodec's small table: (id, type, datum, expected value bytes)."""
    ts = Time(2011, 11, 10, 11, 11, 11, 999999, m.TYPE_TIMESTAMP, 6)
    return [
        (1, _ft(m.TYPE_LONGLONG), Datum.int64(1), b"\x01"),
        (22, _ft(m.TYPE_SHORT, flag=m.UNSIGNED_FLAG), Datum.uint64(1), b"\x01"),
        (3, _ft(m.TYPE_DOUBLE), Datum.float64(2.0), codec.encode_float(2.0)),
        (24, _ft(m.TYPE_BLOB), Datum.string(b"abc"), b"abc"),
        (25, _ft(m.TYPE_STRING), Datum.string(b"ab"), b"ab"),
        # packed 1840446893366133311 as a compact uint (8 bytes, little-endian)
        (5, _ft(m.TYPE_TIMESTAMP, decimal=6), Datum.time(ts),
         (1840446893366133311).to_bytes(8, "little")),
        (16, _ft(m.TYPE_DURATION), Datum.duration(parse_duration("4:00:00")),
         (14400000000000).to_bytes(8, "little")),
        (8, _ft(m.TYPE_NEWDECIMAL, flen=6, decimal=4), Datum.decimal(Decimal("11.9900"), 6, 4),
         bytes((6, 4)) + bytes.fromhex("8b26ac")),
        (12, _ft(m.TYPE_YEAR), Datum.int64(1999), (1999).to_bytes(2, "little")),
        (9, _ft(m.TYPE_ENUM, elems=("y", "n")), Datum(Kind.ENUM, Enum("n", 2)), b"\x02"),
        (14, _ft(m.TYPE_JSON), Datum.json(parse_json_text('{"a":2}')),
         b"\x01" + parse_json_text('{"a":2}').value),
        (11, _ft(m.TYPE_NULL), NULL, b""),
        (2, _ft(m.TYPE_NULL), NULL, b""),
        (100, _ft(m.TYPE_NULL), NULL, b""),
        (116, _ft(m.TYPE_FLOAT), Datum.float32(6.0), codec.encode_float(6.0)),
        (117, _ft(m.TYPE_SET, elems=("n1", "n2")), Datum(Kind.SET, SetValue("n1", 1)), b"\x01"),
        (118, _ft(m.TYPE_BIT, flen=24), Datum.bit(b"\x31\x30\x30"), b"\x30\x30\x31\x00"),
        (119, _ft(m.TYPE_VAR_STRING), Datum.string(b""), b""),
    ]  # fmt: skip


def test_types_new_row_codec_values_and_round_trip() -> None:
    """TiDB rowcodec_test.go TestTypesNewRowCodec ("small"): each column's value bytes
    (TIMESTAMP 2011-11-10 11:11:11.999999 packs to 1840446893366133311, TIME 4:00:00 is
    14400000000000 ns, BIT 3223600 = 0x313030) and the typed datums read back."""
    cols = _types_new_row_codec()
    value = rowcodec.encode_row([c[0] for c in cols], [c[2] for c in cols])
    raw = rowcodec.decode_row_raw(value)
    for cid, _, d, expected in cols:
        assert raw[cid] == (None if d.kind == Kind.NULL else expected), cid
    assert value[1] == 0  # small
    back = rowcodec.decode_row(value, {c[0]: c[1] for c in cols})
    for cid, _, d, _ in cols:
        if d.kind == Kind.FLOAT32:
            assert back[cid].value == d.value
        elif d.kind == Kind.STRING:
            assert bytes(back[cid].value) == d.value
        else:
            assert back[cid] == d, cid


def test_large_column_id_or_large_data_switch_to_the_big_form() -> None:
    """TiDB TestTypesNewRowCodec "largeColID" (first ID 300) and "largeData" (a 65536-byte
    string): both use 4-byte IDs and offsets; Test65535Bug: 65535 bytes stay small."""
    cols = _types_new_row_codec()
    ids = [c[0] for c in cols]
    datums = [c[2] for c in cols]
    large_id = rowcodec.encode_row([300, *ids[1:]], datums)
    assert large_id[1] & 1
    assert rowcodec.decode_row_raw(large_id)[300] == b"\x01"
    big = list(datums)
    big[3] = Datum.string(b"a" * 65536)
    large_data = rowcodec.encode_row(ids, big)
    assert large_data[1] & 1
    assert rowcodec.decode_row_raw(large_data)[24] == b"a" * 65536
    edge = rowcodec.encode_row([1], [Datum.string(b"a" * 65535)])
    assert edge[:9] == bytes([0x80, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF])
    assert rowcodec.decode_row(edge, {1: _ft(m.TYPE_STRING)})[1].value == b"a" * 65535


def test_null_datum_goes_to_the_null_list() -> None:
    """TiDB TestEncodeKindNullDatum: (NULL, 2) in columns 1, 2."""
    value = rowcodec.encode_row([1, 2], [NULL, Datum.int64(2)])
    assert value.hex() == "80000100010002010100" + "02"
    back = rowcodec.decode_row(value, {1: _ft(m.TYPE_LONGLONG), 2: _ft(m.TYPE_LONGLONG)})
    assert back == {1: NULL, 2: Datum.int64(2)}


def test_absent_columns_are_not_filled_in() -> None:
    """TiDB TestNilAndDefault: a column missing from the row is missing from the decoded map
    (its default is the caller's business)."""
    value = rowcodec.encode_row([1], [Datum.int64(1)])
    fts = {1: _ft(m.TYPE_LONGLONG), 2: _ft(m.TYPE_LONGLONG, flag=m.UNSIGNED_FLAG)}
    assert rowcodec.decode_row(value, fts) == {1: Datum.int64(1)}


def test_old_row_converts_to_the_new_format() -> None:
    """TiDB TestCodecUtil / TestOldRowCodec: EncodeOldRow((1, 2, 3, NULL), ids 1-4) then
    EncodeFromOldRow; only the new row passes IsNewFormat."""
    ids = [1, 2, 3, 4]
    old = rowcodec.encode_old_row(ids, [Datum.int64(1), Datum.int64(2), Datum.int64(3), NULL])
    assert old.hex() == "080208020804080408060806080800"
    new = rowcodec.encode_from_old_row(old)
    assert rowcodec.is_new_format(new) and not rowcodec.is_new_format(old)
    assert new == rowcodec.encode_row(ids, [Datum.int64(1), Datum.int64(2), Datum.int64(3), NULL])
    fts = {i: _ft(m.TYPE_LONGLONG) for i in ids[:3]} | {4: _ft(m.TYPE_NULL)}
    assert rowcodec.decode_row(new, fts) == rowcodec.decode_row(old, fts)


def test_old_row_values_are_flattened() -> None:
    """TiDB tablecodec_test.go TestRowCodec / TestCutRow: (100, "abc", Decimal 1) row v1
    holds each flattened EncodeValue; an empty row is the NilFlag byte."""
    row = [Datum.int64(100), Datum.bytes_(b"abc"), Datum.decimal(Decimal(1))]
    old = rowcodec.encode_old_row([1, 2, 3], row)
    pieces, rest = codec.cut_columns(old, 6)
    assert rest == b""
    assert pieces[1::2] == [codec.encode_value([d]) for d in row]
    assert rowcodec.encode_old_row([], []) == b"\x00"
    assert rowcodec.decode_row(b"\x00", {1: _ft(m.TYPE_LONGLONG)}) == {}


def test_unflatten_of_stored_values() -> None:
    """TiDB tablecodec_test.go TestDecodeColumnValue: a set, a 3-byte BIT 3223600 and the
    empty enum read back; an enum index out of range reads as the empty enum (Unflatten)."""
    set_ft = _ft(m.TYPE_SET, elems=("a", "b", "c", "d", "e"))
    assert rowcodec.unflatten(Datum.uint64(1), set_ft) == Datum(Kind.SET, SetValue("a", 1))
    bit_ft = _ft(m.TYPE_BIT, flen=24)
    assert rowcodec.unflatten(Datum.uint64(3223600), bit_ft) == Datum.bit(b"\x31\x30\x30")
    enum_ft = _ft(m.TYPE_ENUM, elems=("a",))
    assert rowcodec.unflatten(Datum.uint64(0), enum_ft).value == Enum("", 0)
    assert rowcodec.unflatten(Datum.uint64(7), enum_ft).value == Enum("", 0)
