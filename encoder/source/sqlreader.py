"""Reading the rows of one SQL chunk: statements, rows, session changes, batch by batch.

A state machine over a ``BlockBuffer``: between statements it applies ``SET`` statements and
versioned comments to the session, skips ``LOCK``/``UNLOCK``/transaction statements, and enters
``INSERT``/``REPLACE`` statements; inside a ``VALUES`` list it reads rows with the fast path
when a ``RowShape`` is known (falling back to the generic grammar per row) and checks the
value count. Restart points are the start of a statement or of a row: when the window ends
inside one, the window is refilled and parsing resumes there, so nothing is read twice into
the results and no more than one row (plus a block) is held in memory.

The chunk's rows are those starting before ``end_offset``; a chunk that starts inside a
statement (``header_offset``) first reads that statement's header, then jumps to ``offset``.

Public API: ``read_sql``, ``apply_versioned_comment``, ``fast_matcher``,
``SKIPPED_STATEMENTS``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from encoder.source.batch import Cursor, RowBatch
from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.chunk import Chunk
from encoder.source.compression import ByteStream
from encoder.source.errors import DumpError, RowIDOverflowError
from encoder.source.fastpath import FastRowMatcher, FastStatus, RowShape
from encoder.source.session import Session, SessionTracker
from encoder.source.sqlsyntax import InsertHeader, SQLSyntax
from tidbkv.literals import Literal

SKIPPED_STATEMENTS = frozenset({"LOCK", "UNLOCK", "BEGIN", "START", "COMMIT", "USE"})


def apply_versioned_comment(content: bytes, tracker: SessionTracker, name: str, base: int) -> None:
    """Run the ``SET`` inside a versioned comment (``/*!40101 SET NAMES binary*/``); other
    statements in versioned comments (``ALTER TABLE ... DISABLE KEYS``) are ignored."""
    buf = BlockBuffer.of_bytes(content, name, base)
    syn = SQLSyntax(buf)
    q = syn.skip(0)
    word, _ = syn.keyword(q)
    if word == "SET":
        syn.set_statement(q, tracker, end_byte=None)


@functools.lru_cache(maxsize=256)
def fast_matcher(shape: RowShape, quote: int) -> FastRowMatcher:
    """The (cached) fast matcher for a row shape and quote character."""
    return FastRowMatcher(shape, quote)


def read_sql(
    stream: ByteStream,
    chunk: Chunk,
    *,
    shape: RowShape | None = None,
    column_count: int | None = None,
    block_size: int = 64 << 10,
    batch_rows: int = 4096,
    cursor: Cursor | None = None,
) -> Iterator[RowBatch]:
    """Yield the chunk's rows in batches; ``stream`` must be positioned at the chunk's
    ``header_offset`` when that is set (else at the start offset)."""
    start = cursor.pos if cursor else chunk.offset
    header_offset = cursor.header_offset if cursor else chunk.header_offset
    tracker = SessionTracker(cursor.session if cursor else chunk.session)
    next_rowid = (cursor.prev_rowid if cursor else chunk.prev_rowid_max) + 1
    end_offset = chunk.end_offset

    buf = BlockBuffer(stream, block_size)
    syn = SQLSyntax(buf)
    buf.fill(0)

    in_rows = False
    stmt_offset: int | None = None
    expect: int | None = column_count
    fast: FastRowMatcher | None = None
    fast_shape: RowShape | None = None

    rows: list[tuple[Literal, ...]] = []
    offsets: list[int] = []
    first_rowid = next_rowid
    batch_columns: tuple[str, ...] | None = None
    batch_session: Session = tracker.session
    p = 0

    def enter_statement(h: InsertHeader, offset: int) -> None:
        nonlocal stmt_offset, expect, fast, fast_shape, in_rows
        if chunk.insert_table is not None and h.table.lower() != chunk.insert_table.lower():
            raise DumpError(
                chunk.path, offset, f"INSERT INTO `{chunk.insert_table}`", f"`{h.table}`"
            )
        stmt_offset, in_rows = offset, True
        fast_shape = None
        if shape is not None:
            fast_shape = shape if h.columns is None else shape.for_columns(h.columns)
        if h.columns is not None:
            expect = len(h.columns)
        else:
            expect = (
                column_count
                if column_count is not None
                else (len(shape.kinds) if shape is not None else None)
            )
        if fast_shape is not None and expect is not None and len(fast_shape.kinds) != expect:
            fast_shape = None
        quote = fast.quote if fast is not None else 39  # keep the quote style the file uses
        fast = fast_matcher(fast_shape, quote) if fast_shape is not None else None

    def make_batch() -> RowBatch:
        nonlocal rows, offsets, first_rowid
        last = first_rowid + len(rows) - 1
        if last > chunk.rowid_max:
            bad = chunk.rowid_max - first_rowid + 1
            raise RowIDOverflowError(chunk.path, offsets[max(bad, 0)], chunk.rowid_max)
        pos = buf.offset(p)
        batch = RowBatch(
            rows=rows,
            offsets=offsets,
            first_rowid=first_rowid,
            columns=batch_columns,
            session=batch_session,
            end_pos=pos,
            cursor=Cursor(
                pos=pos,
                prev_rowid=last,
                header_offset=stmt_offset if in_rows else None,
                session=tracker.session,
            ),
        )
        first_rowid = last + 1
        rows, offsets = [], []
        return batch

    # A chunk starting inside a statement: read that statement's header first.
    if header_offset is not None:
        while True:
            try:
                q = syn.skip(0, statement_level=True)
                h, _ = syn.insert_header(q)
                break
            except NeedMore:
                buf.fill(0)
        enter_statement(h, header_offset)
        p = buf.jump(start)
        batch_columns = h.columns

    while True:
        try:
            data = buf.data
            if not in_rows:
                q = syn.skip(p, statement_level=True)
                if q >= len(data):
                    if buf.eof:
                        break
                    raise NeedMore()
                if buf.offset(q) >= end_offset:
                    break
                c = data[q]
                if c == 59:  # empty statement
                    p = q + 1
                    continue
                if c == 47:  # versioned comment
                    content, q2 = syn.versioned_comment(q)
                    apply_versioned_comment(content, tracker, chunk.path, buf.offset(q) + 3)
                    p = q2
                else:
                    word, _ = syn.keyword(q)
                    if word in ("INSERT", "REPLACE"):
                        h, q2 = syn.insert_header(q)
                        if rows and h.columns != batch_columns:
                            yield make_batch()
                        batch_columns = h.columns
                        enter_statement(h, buf.offset(q))
                        p = q2
                        continue
                    if word == "SET":
                        p = syn.set_statement(q, tracker)
                    elif word in SKIPPED_STATEMENTS:
                        p = syn.skip_statement(q)
                    else:
                        raise syn.error(q, "an INSERT, REPLACE or SET statement")
                if tracker.session != batch_session:
                    if rows:
                        yield make_batch()
                    batch_session = tracker.session
                continue

            # Inside a VALUES list: p is at a row (possibly after whitespace).
            if len(rows) >= batch_rows:
                yield make_batch()
            q = p if p < len(data) and data[p] == 40 else syn.skip(p)
            if q >= len(data):
                if buf.eof:
                    raise syn.error(q, "'('")
                raise NeedMore()
            if buf.offset(q) >= end_offset:
                break
            if fast is not None:
                pos, status = fast.run(
                    data, q, buf.base, end_offset - buf.base, rows, offsets, batch_rows - len(rows)
                )
                if status is FastStatus.NO_MATCH and pos < 0 and fast_shape is not None:
                    other = fast_matcher(fast_shape, 34 if fast.quote == 39 else 39)
                    pos, status = other.run(
                        data,
                        q,
                        buf.base,
                        end_offset - buf.base,
                        rows,
                        offsets,
                        batch_rows - len(rows),
                    )
                    if pos >= 0 or status is not FastStatus.NO_MATCH:
                        fast = other
                if status is FastStatus.STOP:
                    p = pos
                    break
                if status is FastStatus.STATEMENT_END:
                    p, in_rows = pos, False
                    continue
                if status is FastStatus.FULL:
                    p = pos
                    yield make_batch()
                    continue
                if status is FastStatus.NO_MATCH and pos >= 0:
                    p = pos
                    continue
                if status is FastStatus.REJECTED:
                    # Rows before the rejected one were taken: resume after them even if the
                    # generic parser needs more data for this one.
                    p = q = pos
            values, q2 = syn.row(q, expect)
            q3 = syn.skip(q2)
            if q3 >= len(data):
                raise syn.more_or_error(q3, "',' or ';'", always_more=True)
            c = data[q3]
            if c != 44 and c != 59:
                raise syn.error(q3, "',' or ';'")
            if expect is None:
                expect = len(values)
            rows.append(values)
            offsets.append(buf.offset(q))
            p = q3 + 1
            if c == 59:
                in_rows = False
            if len(rows) >= batch_rows:
                yield make_batch()
        except NeedMore:
            if buf.eof:  # pragma: no cover - the grammar never asks for more at end of file
                raise RuntimeError("parser asked for more data at end of file") from None
            buf.fill(p)
            p = 0
    if rows:
        yield make_batch()
