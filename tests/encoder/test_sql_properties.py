"""Properties of the SQL reader on random input: fast path == generic parser == the values
that were written, at any block size; and arbitrary bytes never crash or hang the parser."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encoder.source.errors import DumpError
from encoder.source.fastpath import ColumnKind
from tidbkv.literals import HexLiteral, Literal

from .sqlhelp import rows_of, shape_of

HOSTILE = [b"'", b'"', b"\\", b"),(", b";", b"\n", b"\r", b"\x00", b"\x1a", b"''", b'""', b"\\'"]
hostile_bytes = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.binary(max_size=6),
        st.text(max_size=4).map(lambda s: s.encode("utf-8")),
    ),
    max_size=8,
).map(b"".join)

ints = st.one_of(st.integers(-(2**63), 2**64), st.integers(-10, 10))
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=4)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


def quote_sql(value: bytes, quote: bytes, style: int) -> bytes:
    """A valid SQL string literal for ``value`` in one of three escaping styles."""
    if style == 0:  # mysql_real_escape_string
        table = {0: b"\\0", 10: b"\\n", 13: b"\\r", 92: b"\\\\", 39: b"\\'", 34: b'\\"', 26: b"\\Z"}
        body = b"".join(table.get(c, bytes([c])) for c in value)
    elif style == 1:  # backslash only where needed, raw newlines
        body = value.replace(b"\\", b"\\\\").replace(quote, b"\\" + quote)
    else:  # doubled quotes
        body = value.replace(b"\\", b"\\\\").replace(quote, quote + quote)
    return quote + body + quote


@st.composite
def table_rows(draw: st.DrawFn) -> tuple[list[ColumnKind], list[tuple[Literal, ...]], bytes]:
    ncols = draw(st.integers(1, 5))
    kinds: list[ColumnKind] = []
    gens = []
    for _ in range(ncols):
        kind = draw(st.sampled_from(["int", "int_null", "str", "str_null", "any"]))
        if kind == "int":
            kinds.append(ColumnKind.INT)
            gens.append(ints)
        elif kind == "int_null":
            kinds.append(ColumnKind.INT_NULL)
            gens.append(st.one_of(st.none(), ints))
        elif kind == "str":
            kinds.append(ColumnKind.STR)
            gens.append(hostile_bytes)
        elif kind == "str_null":
            kinds.append(ColumnKind.STR_NULL)
            gens.append(st.one_of(st.none(), hostile_bytes))
        else:
            kinds.append(ColumnKind.ANY)
            gens.append(st.one_of(st.none(), ints, decimals, floats, hostile_bytes))
    rows = draw(st.lists(st.tuples(*gens), min_size=1, max_size=6))
    parts = []
    for row in rows:
        vals = []
        for v in row:
            if v is None:
                vals.append(draw(st.sampled_from([b"NULL", b"null", b"\\N"])))
            elif isinstance(v, bytes):
                quote = draw(st.sampled_from([b"'", b'"']))
                vals.append(quote_sql(v, quote, draw(st.integers(0, 2))))
            elif isinstance(v, int):
                vals.append((b"+" if v >= 0 and draw(st.booleans()) else b"") + str(v).encode())
            elif isinstance(v, Decimal):
                vals.append(format(v, "f").encode())
            else:
                vals.append(format(v, ".17e").encode())
        sep = draw(st.sampled_from([b",", b", ", b",\n"]))
        parts.append(b"(" + sep.join(vals) + b")")
    joiner = draw(st.sampled_from([b",", b",\n", b" , "]))
    text = b"INSERT INTO `t` VALUES " + joiner.join(parts) + b";\n"
    expected = [tuple(_normalise(v) for v in r) for r in rows]
    return kinds, expected, text


def _normalise(v: object) -> object:
    if isinstance(v, Decimal):
        return Decimal(format(v, "f"))
    return v


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_rows(), st.sampled_from([1, 3, 17, 65536]))
def test_fast_path_equals_generic_parser_equals_written_values(
    case: tuple[list[ColumnKind], list[tuple[Literal, ...]], bytes], block: int
) -> None:
    kinds, expected, text = case
    generic = rows_of(text, block)
    fast = rows_of(text, block, shape=shape_of(kinds))
    assert generic == expected
    assert fast == expected
    assert [[type(v) for v in r] for r in fast] == [[type(v) for v in r] for r in generic]


FRAGMENTS = [
    b"INSERT INTO t VALUES ",
    b"INSERT INTO `t` (`a`) VALUE",
    b"REPLACE ",
    b"SET NAMES utf8 ",
    b"/*!40101 SET TIME_ZONE='+00:00' */",
    b"(",
    b")",
    b",",
    b";",
    b"'",
    b'"',
    b"\\",
    b"`",
    b"1",
    b"-2.5e3",
    b"NULL",
    b"X'",
    b"0x",
    b"b'",
    b"_binary",
    b"/*",
    b"*/",
    b"-- ",
    b"#",
    b"\n",
    b" ",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=3)), max_size=25).map(
        b"".join
    ),
    st.sampled_from([1, 2, 5, 4096]),
    st.booleans(),
)
def test_parser_on_arbitrary_input_returns_rows_or_a_located_error(
    text: bytes, block: int, fast: bool
) -> None:
    shape = shape_of([ColumnKind.ANY]) if fast else None
    try:
        rows = rows_of(text, block, shape=shape)
    except DumpError as err:
        assert 0 <= err.offset <= len(text)
        assert err.path == "db.t.001.sql"
    else:
        assert all(isinstance(r, tuple) for r in rows)


@settings(max_examples=60, deadline=None)
@given(table_rows())
def test_row_straddling_any_block_boundary_parses_the_same(
    case: tuple[list[ColumnKind], list[tuple[Literal, ...]], bytes],
) -> None:
    _, expected, text = case
    for block in range(1, min(len(text), 40) + 1, 3):
        assert rows_of(text, block) == expected


def test_hex_literal_round_trip() -> None:
    assert rows_of(b"INSERT INTO t VALUES (0xdeadBEEF);") == [(HexLiteral(b"\xde\xad\xbe\xef"),)]
