"""CSV tokenizing with Lightning's ``[mydumper.csv]`` semantics, generic and fast.

Generic: ``CSVFormat.record`` reads one record field by field with regexes built from the
separator, delimiter (quote) and terminator (empty = ``\\r\\n``, ``\\n`` or ``\\r``), any lengths.
Inside a quoted field a doubled delimiter is one delimiter; with ``backslash-escape`` a
backslash takes the next byte literally (``\\n``, ``\\t``, ``\\0``, ``\\Z``, ``\\b``, ``\\r`` are
translated as by ``LOAD DATA``). Empty lines are skipped. A field whose raw text is ``\\N`` is
NULL (with backslash-escape and ``null = '\\N'``), else a field equal to ``null`` is NULL unless
``not-null``. ``trim-last-separator`` drops trailing empty fields.

Fast: for the common shape (one-byte separator and delimiter, default or ``\\n``/``\\r\\n``
terminator, no trimming) ``CSVFormat.fast_matcher(n)`` compiles one regex per row of ``n``
fields and a generated converter; rows it does not match are read by ``record``. Both give the
same values (property-tested).

Public API: ``CSVFormat``, ``CSVFastMatcher``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.config import CSVConfig
from encoder.source.errors import DumpError, preview
from encoder.source.values import unescape_csv
from tidbkv.literals import Literal


class CSVFormat:
    """Compiled tokenizer for one ``CSVConfig`` (see the module docstring)."""

    def __init__(self, cfg: CSVConfig) -> None:
        self.cfg = cfg
        self.sep = cfg.separator.encode("utf-8")
        self.quote = cfg.delimiter.encode("utf-8")
        self.term = cfg.terminator.encode("utf-8")
        self.escape = cfg.backslash_escape
        self.null = cfg.null.encode("utf-8")
        self.mysql_null = self.escape and not cfg.not_null and cfg.null == "\\N"
        s, q = re.escape(self.sep), re.escape(self.quote)
        esc = rb"|\\[\s\S]" if self.escape else b""
        no_esc = rb"(?!\\)" if self.escape else b""
        term_look = re.escape(self.term) if self.term else rb"[\r\n]"
        quote_look = rb"|" + q if self.quote else b""
        # Unquoted: any byte not starting a separator, terminator, quote or escape.
        self.unquoted = re.compile(
            rb"(?:(?!"
            + s
            + rb"|"
            + term_look
            + quote_look
            + rb")"
            + no_esc
            + rb"[\s\S]"
            + esc
            + rb")*+"
        )
        if self.quote:
            self.quoted = re.compile(
                q
                + rb"((?:(?!"
                + q
                + rb")"
                + no_esc
                + rb"[\s\S]"
                + esc
                + rb"|"
                + q
                + q
                + rb")*+)"
                + q
            )
            pair = rb"\\[\s\S]|" + q + q if self.escape else q + q
            self._quoted_pairs = re.compile(pair)
        self._pair_map: dict[bytes, bytes] = {self.quote * 2: self.quote}
        # Bytes that must be visible after an unquoted field to know where it ends.
        self._lookahead = max(len(self.sep), len(self.term) or 2, len(self.quote), 2)

    # -- values -----------------------------------------------------------------------------

    def _unquote(self, body: bytes) -> bytes:
        """A quoted body: doubled delimiters collapse; escapes stay for ``convert``."""
        if self.quote * 2 not in body:
            return body
        return self._quoted_pairs.sub(lambda m: self._pair_map.get(m.group(), m.group()), body)

    def convert(self, raw: bytes) -> Literal:
        """The value of a field's raw text (delimiters already removed)."""
        if self.mysql_null and raw == b"\\N":
            return None
        value = unescape_csv(raw) if self.escape else raw
        if not self.mysql_null and not self.cfg.not_null and value == self.null:
            return None
        return value

    def header_names(self, fields: list[bytes], buf: BlockBuffer, offset: int) -> tuple[str, ...]:
        names = []
        for raw in fields:
            text = unescape_csv(raw) if self.escape else raw
            try:
                names.append(text.decode("utf-8"))
            except UnicodeDecodeError:
                raise DumpError(
                    buf.name, offset, "column names in valid UTF-8", preview(raw)
                ) from None
        return tuple(names)

    # -- generic records --------------------------------------------------------------------

    def _error(self, buf: BlockBuffer, p: int, expected: str) -> DumpError:
        return DumpError(buf.name, buf.offset(p), expected, preview(buf.data[p:]))

    def _at_term(self, buf: BlockBuffer, p: int) -> int:
        """End of a terminator at ``p`` (< window end), or -1; asks for more when one may be
        cut off by the window."""
        data = buf.data
        if self.term:
            if data.startswith(self.term, p):
                return p + len(self.term)
            if not buf.eof and len(data) - p < len(self.term) and self.term.startswith(data[p:]):
                raise NeedMore()
            return -1
        c = data[p]
        if c == 10:
            return p + 1
        if c == 13:
            if p + 1 < len(data):
                return p + 2 if data[p + 1] == 10 else p + 1
            if not buf.eof:
                raise NeedMore()
            return p + 1
        return -1

    def _starts(self, buf: BlockBuffer, p: int, token: bytes) -> bool:
        data = buf.data
        if data.startswith(token, p):
            return True
        if not buf.eof and len(data) - p < len(token) and token.startswith(data[p:]):
            raise NeedMore()
        return False

    def skip_empty_lines(self, buf: BlockBuffer, p: int) -> int:
        """Position of the next record's first byte (``len(data)`` at the end of the file)."""
        data = buf.data
        while True:
            if p >= len(data):
                if buf.eof:
                    return p
                raise NeedMore()
            end = self._at_term(buf, p)
            if end < 0:
                return p
            p = end

    def record(
        self, buf: BlockBuffer, p: int, quoted_flags: list[bool] | None = None
    ) -> tuple[list[bytes], int]:
        """The raw fields of the record at ``p`` (a non-empty line) and the position after it.

        Quoted fields come back without their delimiters (doubled delimiters collapsed,
        escapes left for ``convert``); ``quoted_flags``, if given, receives one flag per field.
        """
        data = buf.data
        fields: list[bytes] = []
        if quoted_flags is not None:
            quoted_flags.clear()
        while True:
            if self.quote and self._starts(buf, p, self.quote):
                m = self.quoted.match(data, p)
                if m is None:
                    if not buf.eof:
                        raise NeedMore()
                    raise self._error(buf, p, "a closing delimiter")
                if m.end() + len(self.quote) > len(data) and not buf.eof:
                    raise NeedMore()  # the closing delimiter may be the first of a doubled one
                fields.append(self._unquote(m.group(1)))
                if quoted_flags is not None:
                    quoted_flags.append(True)
                p = m.end()
            else:
                m = self.unquoted.match(data, p)
                end = m.end() if m else p
                if end + self._lookahead > len(data) and not buf.eof:
                    raise NeedMore()  # a separator, terminator or escape may be cut off
                fields.append(data[p:end])
                if quoted_flags is not None:
                    quoted_flags.append(False)
                p = end
            if p >= len(data):
                if buf.eof:
                    return fields, p
                raise NeedMore()
            if self._starts(buf, p, self.sep):
                p += len(self.sep)
                continue
            end = self._at_term(buf, p)
            if end >= 0:
                return fields, end
            if self.escape and data[p] == 92:
                raise self._error(buf, p, "a character after '\\'")
            raise self._error(buf, p, "a separator or the end of the line")

    def row(self, fields: list[bytes]) -> tuple[Literal, ...]:
        if self.cfg.trim_last_separator:
            while fields and not fields[-1]:
                fields.pop()
        return tuple(self.convert(f) for f in fields)

    # -- fast rows --------------------------------------------------------------------------

    def fast_matcher(self, n: int) -> CSVFastMatcher | None:
        """A compiled row regex for ``n`` fields, or ``None`` when this config is not common."""
        if (
            len(self.sep) != 1
            or len(self.quote) > 1
            or self.term not in (b"", b"\n", b"\r\n")
            or self.cfg.trim_last_separator
            or n < 1
        ):
            return None
        return CSVFastMatcher(self, n)


_FAST_TEMPLATE = """
def run(next_match, base, stop_at, rows, offsets, room):
    pos = -1
    for m in iter(next_match, None):
        start = m.start()
        if start >= stop_at:
            return start, 2
        ({unpack}) = m.groups()
        try:
            row = ({convert})
        except Reject:
            return start, 4
        rows.append(row)
        offsets.append(base + start)
        pos = m.end()
        room -= 1
        if room <= 0:
            return pos, 3
    return pos, 0
"""

FastRunner = Callable[
    [Callable[[], Any], int, int, list[tuple[Literal, ...]], list[int], int], tuple[int, int]
]


class _Reject(Exception):
    pass


class CSVFastMatcher:
    """One regex per row of ``n`` fields and a generated converter (see ``CSVFormat``).

    A quoted field is matched as delimiter, no delimiter, delimiter: doubled delimiters never
    match, and a body ending in an odd run of backslashes (its closing delimiter was escaped)
    is rejected, so the row goes to the generic parser. Run statuses: 0 no match, 2 stop
    offset reached, 3 batch full, 4 row rejected.
    """

    def __init__(self, fmt: CSVFormat, n: int) -> None:
        self.fmt = fmt
        sep = re.escape(fmt.sep)
        stop = fmt.sep + fmt.quote + b"\r\n" + (b"\\" if fmt.escape else b"")
        cls = b"[^" + b"".join(re.escape(bytes([c])) for c in stop) + b"]"
        esc = rb"(?:\\[\s\S]" + cls + rb"*+)*+" if fmt.escape else b""
        unquoted = b"(" + cls + b"*+" + esc + b")"
        if fmt.quote:
            q = re.escape(fmt.quote)
            field = b"(?:" + q + b"([^" + q + b"]*+)" + q + b"|" + unquoted + b")"
        else:
            field = unquoted
        term = re.escape(fmt.term) if fmt.term else rb"(?:\r\n|\n|\r)"
        self.regex = re.compile(field + (sep + field) * (n - 1) + term + b"(?:" + term + b")*+")
        null_check = not fmt.mysql_null and not fmt.cfg.not_null
        names: list[str] = []
        exprs = []
        for i in range(n):
            u = f"u{i}"
            if fmt.escape:
                quick = f"{u} != NULL and 92 not in {u}" if null_check else f"92 not in {u}"
                uexpr = f"({u} if {quick} else slow({u}))"
            else:
                uexpr = f"({u} if {u} != NULL else None)" if null_check else u
            if not fmt.quote:
                names.append(u)
                exprs.append(uexpr)
                continue
            qn = f"q{i}"
            names += [qn, u]
            if fmt.escape:
                quick = f"{qn} != NULL and 92 not in {qn}" if null_check else f"92 not in {qn}"
                qexpr = f"({qn} if {quick} else slowq({qn}))"
            else:
                qexpr = f"({qn} if {qn} != NULL else None)" if null_check else qn
            exprs.append(f"({qexpr} if {qn} is not None else {uexpr})")
        source = _FAST_TEMPLATE.format(
            unpack="".join(f"{x}, " for x in names), convert="".join(e + ", " for e in exprs)
        )
        namespace: dict[str, Any] = {
            "NULL": fmt.null,
            "Reject": _Reject,
            "slow": fmt.convert,
            "slowq": self._quoted,
        }
        exec(compile(source, f"<fast csv row x{n}>", "exec"), namespace)
        self._run: FastRunner = namespace["run"]
        self._scanner = getattr(self.regex, "scanner", None)

    def _quoted(self, body: bytes) -> Literal:
        # An odd run of backslashes before the closing delimiter: it was escaped, and the
        # regex cut the field short; only the generic parser can read this row.
        if (len(body) - len(body.rstrip(b"\\"))) % 2:
            raise _Reject()
        return self.fmt.convert(body)

    def run(
        self,
        data: bytes,
        pos: int,
        base: int,
        stop_at: int,
        rows: list[tuple[Literal, ...]],
        offsets: list[int],
        room: int,
    ) -> tuple[int, int]:
        """Like ``FastRowMatcher.run``: (position, 0 no match / 2 stop / 3 full / 4 rejected)."""
        if self._scanner is not None:
            next_match = self._scanner(data, pos).match
        else:  # pragma: no cover - CPython always has Pattern.scanner
            state = {"p": pos}

            def next_match() -> re.Match[bytes] | None:
                m = self.regex.match(data, state["p"])
                if m is not None:
                    state["p"] = m.end()
                return m

        return self._run(next_match, base, stop_at, rows, offsets, room)
