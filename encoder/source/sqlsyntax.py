"""The generic SQL tokenizer and grammar for dump files: correct for everything, token by token.

Works on a ``BlockBuffer`` window at integer positions. Every method either returns what it
parsed with the position after it, raises ``NeedMore`` when the window ends inside what it is
parsing (and the file does not), or raises a located ``DumpError``. Covered: ``INSERT [IGNORE]
INTO`` / ``REPLACE INTO`` headers with optional column lists, rows of literals (single- and
double-quoted strings with every MySQL escape and doubled quotes, ``X'..'``, ``0x..``,
``b'..'``, ``0b..``, charset introducers, ``NULL``/``\\N``, ``TRUE``/``FALSE``, signed, decimal
and exponent numbers), ``/* */``, ``-- `` and ``#`` comments, versioned comments
``/*!40101 ... */``, and ``SET`` statements.

Public API: ``SQLSyntax``, ``InsertHeader``, ``IDENT_BYTES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.errors import ColumnCountError, DumpError, preview
from encoder.source.session import SessionTracker
from encoder.source.values import bit_literal, hex_literal, number, unescape_sql
from tidbkv.literals import Literal

# Bytes that may continue an unquoted identifier or keyword (so `NULLx` is not NULL).
IDENT_BYTES = frozenset(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
) | frozenset(range(0x80, 0x100))
# A failed token at fewer than this many bytes before the window end may just be cut off.
SHORT_TOKEN = 256
_WS = b" \t\n\r\f\v"

# Whitespace and comments. `_SKIP_ALL` treats versioned comments as comments (inside a
# statement); `_SKIP_STMT` stops at them (between statements they are statements).
_SKIP_ALL = re.compile(
    rb"(?:[ \t\n\r\f\v]++|/\*[\s\S]*?\*/|--(?:[ \t\r\f\v][^\n]*+)?\n|\#[^\n]*+\n)*+"
)
_SKIP_STMT = re.compile(
    rb"(?:[ \t\n\r\f\v]++|/\*(?!!|M!)[\s\S]*?\*/|--(?:[ \t\r\f\v][^\n]*+)?\n|\#[^\n]*+\n)*+"
)
_VERSIONED = re.compile(rb"/\*M?!(?:\d{5,6})?([\s\S]*?)\*/")
_STRING = {
    39: re.compile(rb"'([^'\\]*+(?:(?:\\[\s\S]|'')[^'\\]*+)*+)'"),
    34: re.compile(rb'"([^"\\]*+(?:(?:\\[\s\S]|"")[^"\\]*+)*+)"'),
}
_NUMBER = re.compile(rb"[+-]?(?:\d++(?:\.\d*+)?+|\.\d++)(?:[eE][+-]?\d++)?+")
_HEX_NUM = re.compile(rb"0x([0-9a-fA-F]++)")
_BIT_NUM = re.compile(rb"0b([01]++)")
_HEX_STR = re.compile(rb"[xX]'([^']*+)'")
_BIT_STR = re.compile(rb"[bB]'([^']*+)'")
_KEYWORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_$]*+")
_INTRODUCER = re.compile(rb"_[A-Za-z0-9_]++")
_PLAIN_IDENT = re.compile(rb"[0-9A-Za-z_$\x80-\xff]++")
_BACKTICK_IDENT = re.compile(rb"`([^`]*+(?:``[^`]*+)*+)`")
_DQUOTE_IDENT = re.compile(rb'"([^"]*+(?:""[^"]*+)*+)"')
_SYSVAR = re.compile(rb"@@(?:(?:global|session|local)\.)?([A-Za-z0-9_$.]+)", re.IGNORECASE)
_USERVAR = re.compile(rb"@([A-Za-z0-9_$.]+|`[^`]*`|'[^']*'|\"[^\"]*\")")
_SET_WORD = re.compile(rb"[+-]?[0-9A-Za-z_$.\x80-\xff]++")
_HEX_DIGITS = re.compile(rb"[0-9a-fA-F]*")
_BIT_DIGITS = re.compile(rb"[01]*")


@dataclass(frozen=True)
class InsertHeader:
    """``INSERT|REPLACE [IGNORE] INTO `db`.`tbl` (cols) VALUES``: what the rows belong to."""

    replace: bool
    ignore: bool
    table: str
    database: str | None
    columns: tuple[str, ...] | None


class SQLSyntax:
    """Tokenizer and grammar over one ``BlockBuffer`` (see the module docstring)."""

    def __init__(self, buffer: BlockBuffer) -> None:
        self.b = buffer

    # -- errors -----------------------------------------------------------------------------

    def error(self, p: int, expected: str) -> DumpError:
        return DumpError(self.b.name, self.b.offset(p), expected, preview(self.b.data[p:]))

    def more_or_error(self, p: int, expected: str, always_more: bool = False) -> Exception:
        """``NeedMore`` if the window may have cut a token at ``p``, else the located error."""
        if not self.b.eof and (always_more or len(self.b.data) - p < SHORT_TOKEN):
            return NeedMore()
        return self.error(p, expected)

    def _check_end(self, end: int) -> None:
        """A token that reaches the window end may continue: ask for more unless at EOF."""
        if end >= len(self.b.data) and not self.b.eof:
            raise NeedMore()

    def _ident_follows(self, end: int) -> bool:
        data = self.b.data
        return end < len(data) and data[end] in IDENT_BYTES

    # -- whitespace and comments ------------------------------------------------------------

    def skip(self, p: int, statement_level: bool = False) -> int:
        """Position after whitespace and comments at ``p``.

        At ``statement_level`` a complete versioned comment (``/*!40101 ...*/``) is not skipped:
        it is a statement. An unterminated comment asks for more data, or fails at end of file.
        """
        data = self.b.data
        m = (_SKIP_STMT if statement_level else _SKIP_ALL).match(data, p)
        e = m.end() if m else p
        n = len(data)
        eof = self.b.eof
        if e >= n:
            return e
        c = data[e]
        if c == 47:  # '/'
            if e + 1 >= n:
                if not eof:
                    raise NeedMore()
                return e
            if data[e + 1] == 42:  # '/*' the regex could not close
                if statement_level and _VERSIONED.match(data, e) is not None:
                    return e
                raise self.more_or_error(e, "'*/' closing a comment", always_more=True)
            return e
        if c == 35:  # '#' comment without a newline in the window
            if not eof:
                raise NeedMore()
            return n
        if c == 45 and (  # '-' that may start a '-- ' comment
            e + 1 >= n or (data[e + 1] == 45 and (e + 2 >= n or data[e + 2] in _WS))
        ):
            if not eof:
                raise NeedMore()
            return n if e + 1 < n else e
        return e

    # -- literals ---------------------------------------------------------------------------

    def string(self, p: int) -> tuple[bytes, int]:
        """A quoted string at ``p`` (``'`` or ``"``) -> (unescaped bytes, position after)."""
        data = self.b.data
        quote = data[p]
        m = _STRING[quote].match(data, p)
        if m is None:
            raise self.more_or_error(p, f"closing {chr(quote)!r} of a string", always_more=True)
        self._check_end(m.end())
        return unescape_sql(m.group(1), quote), m.end()

    def value(self, p: int) -> tuple[Literal, int]:
        """One literal at ``p`` (whitespace already skipped)."""
        data = self.b.data
        if p >= len(data):
            raise self.more_or_error(p, "a value")
        c = data[p]
        if c == 39 or c == 34:
            return self.string(p)
        if c == 48 and p + 1 < len(data) and data[p + 1] in (120, 98):  # 0x.. / 0b..
            rx = _HEX_NUM if data[p + 1] == 120 else _BIT_NUM
            m = rx.match(data, p)
            if m is None or self._ident_follows(m.end()):
                raise self.more_or_error(p, "a value") if m is None else self.error(p, "a value")
            self._check_end(m.end())
            if rx is _HEX_NUM:
                return hex_literal(m.group(1), pad_odd=True), m.end()
            return bit_literal(m.group(1)), m.end()
        if c in b"0123456789+-.":
            m = _NUMBER.match(data, p)
            if m is None or self._ident_follows(m.end()):
                raise self.more_or_error(p, "a value")
            self._check_end(m.end())
            return number(m.group()), m.end()
        if c in b"xXbB" and data[p + 1 : p + 2] == b"'":
            return self._quoted_bits(p)
        if c == 95:  # '_' charset introducer
            m = _INTRODUCER.match(data, p)
            if m is None:
                raise self.more_or_error(p, "a value")
            q = self.skip(m.end())
            if q >= len(data):
                raise self.more_or_error(q, "a string after a charset introducer")
            if data[q] in b"'\"xXbB0":
                val, end = self.value(q)
                if isinstance(val, bytes):
                    return bytes(val), end
            raise self.error(q, "a string after a charset introducer")
        if c == 92:  # \N
            if data[p + 1 : p + 2] == b"N" and not self._ident_follows(p + 2):
                self._check_end(p + 2)
                return None, p + 2
            raise self.more_or_error(p, "a value")
        m = _KEYWORD.match(data, p)
        if m is not None and not self._ident_follows(m.end()):
            self._check_end(m.end())
            word = m.group().upper()
            if word == b"NULL":
                return None, m.end()
            if word == b"TRUE":
                return 1, m.end()
            if word == b"FALSE":
                return 0, m.end()
        raise self.more_or_error(p, "a value")

    def _quoted_bits(self, p: int) -> tuple[Literal, int]:
        data = self.b.data
        is_hex = data[p] in b"xX"
        m = (_HEX_STR if is_hex else _BIT_STR).match(data, p)
        if m is None:
            raise self.more_or_error(p, 'closing "\'" of a hex or bit literal', always_more=True)
        body = m.group(1)
        digits = (_HEX_DIGITS if is_hex else _BIT_DIGITS).fullmatch(body)
        if digits is None:
            kind = "hex digits" if is_hex else "binary digits"
            raise self.error(p + 2, kind)
        try:
            if is_hex:
                return hex_literal(body, pad_odd=False), m.end()
        except ValueError:
            raise self.error(p, "an even number of hex digits") from None
        return bit_literal(body), m.end()

    def row(self, p: int, expect: int | None) -> tuple[tuple[Literal, ...], int]:
        """``( v, v, ... )`` at ``p`` -> (values, position after ``)``).

        ``expect`` is the required number of values (``None``: any).
        """
        data = self.b.data
        if p >= len(data):
            raise self.more_or_error(p, "'('")
        if data[p] != 40:
            raise self.error(p, "'('")
        values: list[Literal] = []
        q = self.skip(p + 1)
        if q < len(data) and data[q] == 41:
            end = q + 1
        else:
            while True:
                v, q = self.value(q)
                values.append(v)
                q = self.skip(q)
                if q >= len(data):
                    raise self.more_or_error(q, "',' or ')'")
                c = data[q]
                if c == 44:
                    q = self.skip(q + 1)
                    continue
                if c == 41:
                    end = q + 1
                    break
                raise self.error(q, "',' or ')'")
        if expect is not None and len(values) != expect:
            raise ColumnCountError(self.b.name, self.b.offset(p), expect, len(values))
        return tuple(values), end

    # -- identifiers and statements ---------------------------------------------------------

    def identifier(self, p: int) -> tuple[str, int]:
        data = self.b.data
        if p >= len(data):
            raise self.more_or_error(p, "an identifier")
        c = data[p]
        if c == 96:
            m = _BACKTICK_IDENT.match(data, p)
            raw = m.group(1).replace(b"``", b"`") if m else None
        elif c == 34:
            m = _DQUOTE_IDENT.match(data, p)
            raw = m.group(1).replace(b'""', b'"') if m else None
        else:
            m = _PLAIN_IDENT.match(data, p)
            raw = m.group() if m else None
        if m is None or raw is None:
            raise self.more_or_error(p, "an identifier", always_more=c in (96, 34))
        self._check_end(m.end())
        try:
            return raw.decode("utf-8"), m.end()
        except UnicodeDecodeError:
            raise self.error(p, "an identifier in valid UTF-8") from None

    def keyword(self, p: int) -> tuple[str, int]:
        """An unquoted word at ``p`` in upper case ('' if none)."""
        data = self.b.data
        m = _KEYWORD.match(data, p)
        if m is None:
            if p >= len(data) and not self.b.eof:
                raise NeedMore()
            return "", p
        self._check_end(m.end())
        return m.group().decode("ascii").upper(), m.end()

    def expect_byte(self, p: int, byte: int, what: str) -> int:
        data = self.b.data
        if p >= len(data):
            raise self.more_or_error(p, what)
        if data[p] != byte:
            raise self.error(p, what)
        return p + 1

    def insert_header(self, p: int) -> tuple[InsertHeader, int]:
        """``INSERT ... VALUES`` at ``p`` -> (header, position after VALUES and whitespace)."""
        word, q = self.keyword(p)
        replace = word == "REPLACE"
        ignore = False
        q = self.skip(q)
        word, q2 = self.keyword(q)
        if word in ("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"):
            q = self.skip(q2)
            word, q2 = self.keyword(q)
        if word == "IGNORE" and not replace:
            ignore = True
            q = self.skip(q2)
            word, q2 = self.keyword(q)
        if word == "INTO":
            q = self.skip(q2)
        name, q = self.identifier(q)
        database = None
        data = self.b.data
        q = self.skip(q)
        if q < len(data) and data[q] == 46:  # qualified db.tbl
            database = name
            name, q = self.identifier(self.skip(q + 1))
            q = self.skip(q)
        columns: tuple[str, ...] | None = None
        if q >= len(data):
            raise self.more_or_error(q, "'(' or VALUES")
        if data[q] == 40:
            cols: list[str] = []
            q = self.skip(q + 1)
            while True:
                col, q = self.identifier(q)
                cols.append(col)
                q = self.skip(q)
                if q >= len(data):
                    raise self.more_or_error(q, "',' or ')'")
                if data[q] == 44:
                    q = self.skip(q + 1)
                    continue
                q = self.expect_byte(q, 41, "',' or ')'")
                break
            columns = tuple(cols)
            q = self.skip(q)
        word, q2 = self.keyword(q)
        if word not in ("VALUES", "VALUE"):
            raise self.error(q, "VALUES")
        return InsertHeader(replace, ignore, name, database, columns), self.skip(q2)

    def versioned_comment(self, p: int) -> tuple[bytes, int]:
        """``/*!40101 ... */`` at ``p`` -> (inner text, position after ``*/``)."""
        m = _VERSIONED.match(self.b.data, p)
        if m is None:
            raise self.more_or_error(p, "'*/' closing a comment", always_more=True)
        return m.group(1), m.end()

    def skip_statement(self, p: int) -> int:
        """Position after the ``;`` ending the statement at ``p`` (strings and comments aware)."""
        data = self.b.data
        q = p
        while True:
            q = self.skip(q)
            if q >= len(data):
                if self.b.eof:
                    return q
                raise NeedMore()
            c = data[q]
            if c == 59:
                return q + 1
            if c in (39, 34):
                _, q = self.string(q)
            elif c == 96:
                _, q = self.identifier(q)
            else:
                q += 1

    def set_statement(self, p: int, tracker: SessionTracker, end_byte: int | None = 59) -> int:
        """``SET ...`` at ``p`` applied to ``tracker``; returns the position after its end.

        ``end_byte`` ends the statement (``;``), or ``None`` when the statement runs to the end
        of the window (the text of a versioned comment).
        """
        word, q = self.keyword(p)
        assert word == "SET"
        pending: list[tuple[str, str, str | None]] = []
        data = self.b.data
        while True:
            q = self.skip(q)
            kind, name, value, q = self._assignment(q, tracker)
            if kind:
                pending.append((kind, name, value))
            q = self.skip(q)
            if q >= len(data):
                if end_byte is None and self.b.eof:
                    break
                raise self.more_or_error(q, "',' or ';'")
            c = data[q]
            if c == 44:
                q += 1
                continue
            if end_byte is not None and c == end_byte:
                q += 1
                break
            raise self.error(q, "',' or ';'")
        for kind, name, value in pending:
            if kind == "user":
                tracker.assign_user(name, value)
            else:
                tracker.assign_system(name, value)
        return q

    def _assignment(self, p: int, tracker: SessionTracker) -> tuple[str, str, str | None, int]:
        """One ``target = value`` -> (kind 'user'/'system'/'', name, value, end)."""
        data = self.b.data
        if p < len(data) and data[p] == 64:  # @
            if data[p + 1 : p + 2] == b"@":
                m = _SYSVAR.match(data, p)
                if m is None:
                    raise self.more_or_error(p, "a variable name")
                kind, name, q = "system", m.group(1).decode("utf-8", "replace"), m.end()
            else:
                m = _USERVAR.match(data, p)
                if m is None:
                    raise self.more_or_error(p, "a variable name")
                raw = m.group(1).strip(b"`'\"")
                kind, name, q = "user", raw.decode("utf-8", "replace"), m.end()
        else:
            word, q = self.keyword(p)
            if word in ("GLOBAL", "SESSION", "LOCAL"):
                word, q = self.keyword(self.skip(q))
            if word == "NAMES" or word in ("CHARACTER", "CHARSET"):
                if word == "CHARACTER":
                    w2, q = self.keyword(self.skip(q))
                    if w2 != "SET":
                        raise self.error(q, "SET after CHARACTER")
                q = self.skip(q)
                value, q = self._set_value(q, tracker)
                q = self.skip(q)
                w3, q3 = self.keyword(q)
                if w3 == "COLLATE":
                    _, q = self._set_value(self.skip(q3), tracker)
                return "system", "names", value, q
            if not word:
                raise self.error(p, "a variable name")
            kind, name = "system", word.lower()
        q = self.skip(q)
        if data[q : q + 2] == b":=":
            q += 2
        elif data[q : q + 1] == b"=":
            q += 1
        else:
            raise self.more_or_error(q, "'='")
        value, q = self._set_value(self.skip(q), tracker)
        return kind, name, value, q

    def _set_value(self, p: int, tracker: SessionTracker) -> tuple[str | None, int]:
        """A simple value (literal, word, variable); anything else is skipped as unknown."""
        value, q = self._simple_value(p, tracker)
        data = self.b.data
        r = self.skip(q)
        if r >= len(data) or data[r] in (44, 59):
            return value, q
        return None, self._skip_expression(p)

    def _simple_value(self, p: int, tracker: SessionTracker) -> tuple[str | None, int]:
        data = self.b.data
        if p >= len(data):
            raise self.more_or_error(p, "a value")
        c = data[p]
        if c == 64:
            if data[p + 1 : p + 2] == b"@":
                m = _SYSVAR.match(data, p)
                if m is None:
                    raise self.more_or_error(p, "a variable name")
                return tracker.system_value(m.group(1).decode("utf-8", "replace")), m.end()
            m = _USERVAR.match(data, p)
            if m is None:
                raise self.more_or_error(p, "a variable name")
            name = m.group(1).strip(b"`'\"").decode("utf-8", "replace")
            return tracker.user_value(name), m.end()
        if c in (39, 34):
            raw, q = self.string(p)
            return raw.decode("utf-8", "replace"), q
        if c == 96:
            return self.identifier(p)
        m = _SET_WORD.match(data, p)
        if m is None:
            return None, p
        self._check_end(m.end())
        text = m.group().decode("utf-8", "replace")
        return (None if text.upper() in ("DEFAULT", "NULL") else text), m.end()

    def _skip_expression(self, p: int) -> int:
        """Position of the ``,`` or ``;`` ending the expression at ``p`` (parentheses aware)."""
        data = self.b.data
        depth = 0
        q = p
        while True:
            q = self.skip(q)
            if q >= len(data):
                if self.b.eof:
                    return q
                raise NeedMore()
            c = data[q]
            if depth == 0 and c in (44, 59):
                return q
            if c == 40:
                depth += 1
            elif c == 41:
                depth -= 1
            if c in (39, 34):
                _, q = self.string(q)
            elif c == 96:
                _, q = self.identifier(q)
            else:
                q += 1
