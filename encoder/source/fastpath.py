"""The fast row tokenizer: one compiled regex per table row shape, one generated converter.

When the reader knows a table's column types it builds a ``RowShape`` (a ``ColumnKind`` per
column) and, per quote style, a ``FastRowMatcher``: a regular expression that matches exactly
one row in the common dump spelling (no spaces, ``'..'`` or ``".."`` strings, plain integers,
``NULL`` where the column allows it) including the ``,``/``;`` after it, plus a converter
generated for that shape. Matching runs over the window with ``Pattern.scanner`` so consecutive
rows are matched back to back in C.

The fast path only *accepts* rows whose meaning cannot differ from the generic parser's: a
string may not contain its quote character (so doubled quotes never match) and a string whose
body ends in an odd run of backslashes (its closing quote was escaped) is rejected at
conversion. Any row the regex does not match, or the converter rejects, is parsed by the
generic ``SQLSyntax``; a property test checks both give identical rows.

Public API: ``ColumnKind``, ``RowShape``, ``FastRowMatcher``, ``FastStatus``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from encoder.source.values import number, unescape_sql
from tidbkv import mysqltypes as mt
from tidbkv.literals import Literal
from tidbkv.schema import FieldType


class ColumnKind(enum.Enum):
    """How a column's values are spelled in dumps, as far as the fast regex cares."""

    INT = "int"  # integer types, NOT NULL: [+-]digits
    INT_NULL = "int_null"  # integer types: [+-]digits or NULL
    STR = "str"  # quoted in dumps (strings, dates, enums, JSON ...), NOT NULL
    STR_NULL = "str_null"  # quoted or NULL
    ANY = "any"  # a quoted string, a number, or NULL (decimals, floats, bits, years ...)

    @classmethod
    def of(cls, ft: FieldType) -> ColumnKind:
        if ft.tp in mt.INTEGER_TYPES:
            return cls.INT if ft.not_null else cls.INT_NULL
        quoted = (
            mt.STRING_TYPES
            | mt.TIME_TYPES
            | {mt.TYPE_DURATION, mt.TYPE_ENUM, mt.TYPE_SET, mt.TYPE_JSON}
        )
        if ft.tp in quoted:
            return cls.STR if ft.not_null else cls.STR_NULL
        return cls.ANY


@dataclass(frozen=True)
class RowShape:
    """Column names (for mapping an INSERT column list) and their kinds, in table order."""

    names: tuple[str, ...]
    kinds: tuple[ColumnKind, ...]

    @classmethod
    def from_field_types(cls, names: Sequence[str], types: Sequence[FieldType]) -> RowShape:
        if len(names) != len(types):
            raise ValueError("one field type per column name")
        return cls(tuple(names), tuple(ColumnKind.of(t) for t in types))

    def for_columns(self, columns: Sequence[str]) -> RowShape | None:
        """The shape of rows listing ``columns`` (case-insensitive); ``None`` if unknown."""
        index = {n.lower(): i for i, n in enumerate(self.names)}
        picked = [index.get(c.lower()) for c in columns]
        if any(i is None for i in picked):
            return None
        return RowShape(tuple(columns), tuple(self.kinds[i] for i in picked if i is not None))


class FastStatus(enum.IntEnum):
    """Why ``FastRowMatcher.run`` returned."""

    NO_MATCH = 0  # the text at the returned position is not a fast row (or is cut off)
    STATEMENT_END = 1  # the last row ended its statement with ';'
    STOP = 2  # the next row starts at or after the stop position
    FULL = 3  # the batch is full
    REJECTED = 4  # the row at the returned position needs the generic parser


class _Reject(Exception):
    pass


def _fragments(kind: ColumnKind, q: bytes) -> tuple[bytes, str]:
    """(regex for one value, converter expression over ``{g}``) for a column kind."""
    string = q + b"([^" + q + b"]*+)" + q
    any_string = q + b"[^" + q + b"]*+" + q
    num = rb"[+-]?(?:\d++(?:\.\d*+)?+|\.\d++)(?:[eE][+-]?\d++)?+"
    if kind is ColumnKind.INT:
        return rb"([+-]?\d++)", "int({g})"
    if kind is ColumnKind.INT_NULL:
        return rb"([+-]?\d++|NULL)", "(None if {g} == b'NULL' else int({g}))"
    if kind is ColumnKind.STR:
        return string, "({g} if 92 not in {g} else esc({g}))"
    if kind is ColumnKind.STR_NULL:
        return b"(" + any_string + b"|NULL)", "strn({g})"
    return b"(" + any_string + b"|" + num + b"|NULL)", "anyv({g})"


_RUNNER_TEMPLATE = """
def run(next_match, base, stop_at, rows, offsets, room):
    pos = -1
    for m in iter(next_match, None):
        start = m.start()
        if start >= stop_at:
            return start, {stop}
        ({unpack}sep,) = m.groups()
        try:
            row = ({convert})
        except Reject:
            return start, {rejected}
        rows.append(row)
        offsets.append(base + start)
        pos = m.end()
        if sep == b";":
            return pos, {stmt_end}
        room -= 1
        if room <= 0:
            return pos, {full}
    return pos, {no_match}
"""

Runner = Callable[
    [Callable[[], Any], int, int, list[tuple[Literal, ...]], list[int], int],
    tuple[int, int],
]


class FastRowMatcher:
    """A compiled row regex + generated converter for one ``RowShape`` and quote character."""

    def __init__(self, shape: RowShape, quote: int) -> None:
        self.shape = shape
        self.quote = quote
        q = re.escape(bytes([quote]))
        parts = [_fragments(k, q) for k in shape.kinds]
        pattern = rb"\(" + b",".join(p for p, _ in parts) + rb"\)([,;])[ \t\n\r]*+"
        self.regex = re.compile(pattern)
        names = [f"g{i}" for i in range(len(parts))]
        source = _RUNNER_TEMPLATE.format(
            unpack="".join(f"{n}, " for n in names),
            convert="".join(
                conv.format(g=n) + ", " for n, (_, conv) in zip(names, parts, strict=True)
            ),
            stop=int(FastStatus.STOP),
            rejected=int(FastStatus.REJECTED),
            stmt_end=int(FastStatus.STATEMENT_END),
            full=int(FastStatus.FULL),
            no_match=int(FastStatus.NO_MATCH),
        )
        namespace: dict[str, Any] = {
            "Reject": _Reject,
            "esc": self._esc,
            "strn": self._str_or_null,
            "anyv": self._any_value,
        }
        exec(compile(source, f"<fast row {shape.kinds}>", "exec"), namespace)
        self._run: Runner = namespace["run"]
        self._scanner = getattr(self.regex, "scanner", None)

    def _esc(self, body: bytes) -> bytes:
        # An odd run of backslashes before the closing quote means the quote was escaped and
        # the regex cut the string short: only the generic parser can read this row.
        tail = len(body) - len(body.rstrip(b"\\"))
        if tail % 2:
            raise _Reject()
        return unescape_sql(body, self.quote)

    def _str_or_null(self, text: bytes) -> bytes | None:
        if text == b"NULL":
            return None
        body = text[1:-1]
        return body if 92 not in body else self._esc(body)

    def _any_value(self, text: bytes) -> Literal:
        if text[0] == self.quote:
            body = text[1:-1]
            return body if 92 not in body else self._esc(body)
        if text == b"NULL":
            return None
        return number(text)

    def run(
        self,
        data: bytes,
        pos: int,
        base: int,
        stop_at: int,
        rows: list[tuple[Literal, ...]],
        offsets: list[int],
        room: int,
    ) -> tuple[int, FastStatus]:
        """Match rows back to back from ``data[pos]``; append them (and their file offsets,
        ``base`` + position) until a row starts at/after ``stop_at``, a statement ends, ``room``
        rows were added, or the next text is not a fast row.

        Returns (position, status): after the last accepted row (``-1`` if none) for
        NO_MATCH/STATEMENT_END/FULL, or the start of the row for STOP/REJECTED.
        """
        if self._scanner is not None:
            next_match = self._scanner(data, pos).match
        else:  # pragma: no cover - CPython always has Pattern.scanner
            state = {"p": pos}

            def next_match() -> re.Match[bytes] | None:
                m = self.regex.match(data, state["p"])
                if m is not None:
                    state["p"] = m.end()
                return m

        end, status = self._run(next_match, base, stop_at, rows, offsets, room)
        return end, FastStatus(status)
