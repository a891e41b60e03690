"""Finding row boundaries to cut a large SQL file into chunks, by one correct pass over it.

Correctness: a byte position is only a safe cut if the scan knows whether it lies inside a
string or comment, which depends on everything before it. So the scan starts at the file start
and tracks the lexical state the whole way: between statements it uses the reader's own
grammar (``SQLSyntax``: ``SET``, versioned comments, ``INSERT`` headers), and inside an
``INSERT`` body a compiled regex consumes whole tokens — quoted strings with backslash escapes
and doubled quotes, backtick names, ``/* */``, ``-- `` and ``#`` comments — and stops only at
``;`` (statement end) or where a token is cut by the window or by the next target offset. From
that token boundary a token-by-token scan finds the first ``(`` outside any string/comment at or
after the target: in a ``VALUES`` list that is the start of a row. The tokenization is the
reader's (same string/comment rules), so the reader sees a row start exactly there; a property
test checks that the rows of all chunks equal the rows of the whole file.

A cut records the ``INSERT`` statement's offset (the next chunk re-reads its header) and the
session (``SET NAMES``/``TIME_ZONE``) in effect. Cost: one regex pass in C over each file larger
than the chunk size; files smaller than that are never scanned.

Public API: ``SplitPoint``, ``find_split_points``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.compression import ByteStream
from encoder.source.session import Session, SessionTracker
from encoder.source.sqlreader import SKIPPED_STATEMENTS, apply_versioned_comment
from encoder.source.sqlsyntax import SQLSyntax

# Whole tokens of an INSERT body; never consumes ';' nor a token the window/target cuts.
_BODY = re.compile(
    rb"(?:[^'\"`;/#\-]++"
    rb"|'[^'\\]*+(?:(?:\\[\s\S]|'')[^'\\]*+)*+'(?=[^'])"
    rb'|"[^"\\]*+(?:(?:\\[\s\S]|"")[^"\\]*+)*+"(?=[^"])'
    rb"|`[^`]*+(?:``[^`]*+)*+`(?=[^`])"
    rb"|/\*[\s\S]*?\*/"
    rb"|--(?:[ \t\r\f\v][^\n]*+)?\n"
    rb"|\#[^\n]*+\n"
    rb"|/(?=[^*])"
    rb"|-(?=[^-])"
    rb"|--(?=[^ \t\n\r\f\v]))*+"
)


@dataclass(frozen=True)
class SplitPoint:
    """A safe chunk start: ``offset``, the enclosing INSERT's offset (``None`` between
    statements) and the session in effect there."""

    offset: int
    header_offset: int | None
    session: Session


def find_split_points(
    stream: ByteStream, region_size: int, block_size: int = 1 << 20
) -> list[SplitPoint]:
    """Cut points about ``region_size`` apart: each is the first statement start or row start
    at or after the previous cut + ``region_size``. The file start is not included."""
    buf = BlockBuffer(stream, block_size)
    syn = SQLSyntax(buf)
    tracker = SessionTracker()
    points: list[SplitPoint] = []
    target = region_size
    in_body = False
    stmt_offset = 0
    p = 0
    buf.fill(0)
    while True:
        try:
            data = buf.data
            if not in_body:
                q = syn.skip(p, statement_level=True)
                if q >= len(data):
                    if buf.eof:
                        return points
                    raise NeedMore()
                if buf.offset(q) >= target:
                    points.append(SplitPoint(buf.offset(q), None, tracker.session))
                    target = buf.offset(q) + region_size
                c = data[q]
                if c == 59:
                    p = q + 1
                elif c == 47:
                    content, q2 = syn.versioned_comment(q)
                    apply_versioned_comment(content, tracker, buf.name, buf.offset(q) + 3)
                    p = q2
                else:
                    word, _ = syn.keyword(q)
                    if word in ("INSERT", "REPLACE"):
                        _, p = syn.insert_header(q)
                        stmt_offset = buf.offset(q)
                        in_body = True
                    elif word == "SET":
                        p = syn.set_statement(q, tracker)
                    elif word in SKIPPED_STATEMENTS:
                        p = syn.skip_statement(q)
                    else:
                        raise syn.error(q, "an INSERT, REPLACE or SET statement")
                continue

            target_pos = target - buf.base
            limit = min(len(data), max(target_pos, p))
            e = _BODY.match(data, p, limit).end()  # type: ignore[union-attr]
            p = e
            if e < limit and data[e] == 59:
                p, in_body = e + 1, False
                continue
            if target_pos > len(data) and not buf.eof:
                raise NeedMore()
            # Token by token from a known boundary to the first row start >= target.
            q = e
            while True:
                p = q
                if q >= len(data):
                    if buf.eof:
                        return points
                    raise NeedMore()
                c = data[q]
                if c == 59:
                    p, in_body = q + 1, False
                    break
                if c == 40 and buf.offset(q) >= target:
                    points.append(SplitPoint(buf.offset(q), stmt_offset, tracker.session))
                    target = buf.offset(q) + region_size
                    break
                if c in (39, 34):
                    _, q = syn.string(q)
                elif c == 96:
                    _, q = syn.identifier(q)
                elif c in (47, 45, 35):
                    q2 = syn.skip(q)
                    q = q2 if q2 > q else q + 1
                else:
                    q += 1
        except NeedMore:
            buf.fill(p)
            p = 0
