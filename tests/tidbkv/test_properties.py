"""Property tests: memcomparable encodings sort like the SQL values, and every encoding
decodes back to what was encoded."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tidbkv import codec
from tidbkv import mysqltypes as m
from tidbkv.collate import get_collator
from tidbkv.datum import Datum, Kind
from tidbkv.json_binary import json_from_python, json_to_python, json_to_text, parse_json_text
from tidbkv.mydecimal import bin_to_decimal, decimal_to_bin
from tidbkv.mytime import Time, format_duration, parse_duration, parse_time
from tidbkv.rowcodec import unflatten
from tidbkv.schema import FieldType

I64 = st.integers(-(1 << 63), (1 << 63) - 1)
U64 = st.integers(0, (1 << 64) - 1)
FLOATS = st.floats(allow_nan=False)
DECIMALS = st.decimals(
    min_value=Decimal("-999999999999.999999"), max_value=Decimal("999999999999.999999"), places=6
)
DATETIMES = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999)
)
DURATIONS = st.integers(-838 * 3600 * 10**9, 838 * 3600 * 10**9)


def _key(d: Datum) -> bytes:
    return codec.encode_key([d])


@given(I64, I64)
def test_signed_int_keys_sort_like_ints(a: int, b: int) -> None:
    assert (_key(Datum.int64(a)) < _key(Datum.int64(b))) == (a < b)


@given(U64, U64)
def test_unsigned_int_keys_sort_like_ints(a: int, b: int) -> None:
    assert (_key(Datum.uint64(a)) < _key(Datum.uint64(b))) == (a < b)


@given(FLOATS, FLOATS)
def test_float_keys_sort_like_floats(a: float, b: float) -> None:
    if a < b:
        assert _key(Datum.float64(a)) < _key(Datum.float64(b))
    got, _ = codec.decode_float(codec.encode_float(a))
    # -0.0 comes back as +0.0 (EncodeFloat tests f >= 0); every other value keeps its sign
    assert got == a and math.copysign(1, got) == (1.0 if a == 0 else math.copysign(1, a))


@given(DECIMALS, DECIMALS)
def test_decimal_bins_sort_like_decimals_for_one_column_type(a: Decimal, b: Decimal) -> None:
    ka, kb = (
        codec.encode_key([Datum.decimal(a, 18, 6)]),
        codec.encode_key([Datum.decimal(b, 18, 6)]),
    )
    if a < b:
        assert ka < kb
    elif a == b:
        assert ka == kb
    assert bin_to_decimal(decimal_to_bin(a, 18, 6), 18, 6)[0] == a


@given(DATETIMES, DATETIMES)
def test_packed_datetimes_sort_chronologically(a: dt.datetime, b: dt.datetime) -> None:
    ta, tb = Time.from_datetime(a, m.TYPE_DATETIME, 6), Time.from_datetime(b, m.TYPE_DATETIME, 6)
    assert (_key(Datum.time(ta)) < _key(Datum.time(tb))) == (a < b)
    assert Time.from_packed_uint(ta.to_packed_uint(), m.TYPE_DATETIME, 6) == ta
    assert parse_time(str(ta), m.TYPE_DATETIME, 6) == ta


@given(DURATIONS, DURATIONS)
def test_duration_keys_sort_like_durations_and_text_round_trips(a: int, b: int) -> None:
    assert (_key(Datum.duration(a)) < _key(Datum.duration(b))) == (a < b)
    us = a // 1000 * 1000 if a >= 0 else -((-a) // 1000 * 1000)
    assert parse_duration(format_duration(us, 6), 6) == us


COLLATIONS = [
    "binary",
    "utf8mb4_bin",
    "utf8mb4_general_ci",
    "utf8mb4_unicode_ci",
    "utf8mb4_0900_ai_ci",
]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)


@settings(max_examples=150)
@given(TEXT, TEXT, st.sampled_from(COLLATIONS))
def test_string_index_keys_sort_like_the_collation(a: str, b: str, name: str) -> None:
    """The memcomparable key keeps the collation's order (its comparison of sort keys)."""
    c = get_collator(name)
    ka = _key(Datum.string(a.encode(), name))
    kb = _key(Datum.string(b.encode(), name))
    cmp = c.compare(a.encode(), b.encode())
    assert (ka < kb) == (cmp < 0) and (ka == kb) == (cmp == 0)


def _raw_kinds(ft: FieldType) -> Any:
    tp = ft.tp
    if tp == m.TYPE_LONGLONG:
        return (U64 if ft.unsigned else I64).map(
            lambda v: Datum.uint64(v) if ft.unsigned else Datum.int64(v)
        )
    if tp == m.TYPE_DOUBLE:
        return FLOATS.map(Datum.float64)
    if tp == m.TYPE_NEWDECIMAL:
        return DECIMALS.map(lambda v: Datum.decimal(v, 18, 6))
    if tp == m.TYPE_DATETIME:
        return DATETIMES.map(lambda d: Datum.time(Time.from_datetime(d, m.TYPE_DATETIME, 6)))
    if tp == m.TYPE_DURATION:
        return DURATIONS.map(lambda v: Datum(Kind.DURATION, v, "", 0, 6))
    if tp == m.TYPE_ENUM:
        return st.integers(1, 3).map(lambda i: Datum.enum("abc"[i - 1], i))
    if tp == m.TYPE_BIT:
        return st.integers(0, (1 << 16) - 1).map(lambda v: Datum.bit(v.to_bytes(2, "big")))
    return st.binary(max_size=30).map(lambda v: Datum.string(v, "binary"))


FIELD_TYPES = [
    FieldType(m.TYPE_LONGLONG),
    FieldType(m.TYPE_LONGLONG, flag=m.UNSIGNED_FLAG),
    FieldType(m.TYPE_DOUBLE),
    FieldType(m.TYPE_NEWDECIMAL, flen=18, decimal=6),
    FieldType(m.TYPE_DATETIME, decimal=6),
    FieldType(m.TYPE_DURATION, decimal=6),
    FieldType(m.TYPE_ENUM, elems=("a", "b", "c")),
    FieldType(m.TYPE_BIT, flen=16),
    FieldType(m.TYPE_VARCHAR, flen=30, collate="binary", charset="binary"),
]


@settings(max_examples=200)
@given(
    st.sampled_from(FIELD_TYPES).flatmap(lambda f: st.tuples(st.just(f), _raw_kinds(f))),
    st.booleans(),
)
def test_key_and_value_datums_decode_back_to_the_column_value(
    case: tuple[FieldType, Datum], comparable: bool
) -> None:
    ft, d = case
    encoded = codec.encode_key([d]) if comparable else codec.encode_value([d])
    raw, rest = codec.decode_one(encoded)
    assert rest == b""
    back = unflatten(raw, ft)
    if d.kind == Kind.STRING:
        assert back.value == d.value
    elif d.kind == Kind.FLOAT64:
        assert back.value == d.value or (math.isnan(back.value) and math.isnan(d.value))
    else:
        assert back == d


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(1 << 70), 1 << 70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


def _normalise(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int) and not -(1 << 63) <= v < (1 << 64):
        return float(v)
    if isinstance(v, list):
        return [_normalise(x) for x in v]
    if isinstance(v, dict):
        return {k: _normalise(x) for k, x in v.items()}
    return v


@settings(max_examples=150)
@given(JSON_VALUES)
def test_binary_json_round_trips_through_python_and_text(v: Any) -> None:
    j = json_from_python(v)
    assert json_to_python(j) == _normalise(v)
    assert parse_json_text(json_to_text(j)) == j
    assert codec.decode_one(codec.encode_key([Datum.json(j)]))[0].value == j
