"""Reading the rows of one CSV chunk, batch by batch, over a block window.

The header (``[mydumper.csv] header = true``) is read when the chunk starts at offset 0 and
carries no column list; a chunk cut from the middle of a strict-format file gets the header's
columns from the plan. Rows are those starting before ``end_offset``. After the first record
has fixed the field count, rows go through the fast row regex when the config allows it, and
through the generic record parser otherwise or when the regex does not match.

Public API: ``read_csv``.
"""

from __future__ import annotations

from collections.abc import Iterator

from encoder.source.batch import Cursor, RowBatch
from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.chunk import Chunk
from encoder.source.compression import ByteStream
from encoder.source.config import CSVConfig
from encoder.source.csvformat import CSVFastMatcher, CSVFormat
from encoder.source.errors import ColumnCountError, RowIDOverflowError
from tidbkv.literals import Literal


def read_csv(
    stream: ByteStream,
    chunk: Chunk,
    cfg: CSVConfig,
    *,
    column_count: int | None = None,
    block_size: int = 64 << 10,
    batch_rows: int = 4096,
    cursor: Cursor | None = None,
    fmt: CSVFormat | None = None,
    fast_path: bool = True,
) -> Iterator[RowBatch]:
    """Yield the chunk's rows; ``stream`` must be positioned at the start (0 when the header
    must be read first, else the chunk's or cursor's position). ``fast_path=False`` forces
    the generic record parser (for comparisons)."""
    fmt = fmt or CSVFormat(cfg)
    buf = BlockBuffer(stream, block_size)
    buf.fill(0)
    start = cursor.pos if cursor else chunk.offset
    columns = cursor.columns if cursor else chunk.columns
    first_rowid = (cursor.prev_rowid if cursor else chunk.prev_rowid_max) + 1
    end_offset = chunk.end_offset
    p = 0

    if cfg.header and columns is None and buf.base == 0:
        while True:
            try:
                q = fmt.skip_empty_lines(buf, 0)
                if q >= len(buf.data):
                    columns = ()
                    p = q
                    break
                fields, p = fmt.record(buf, q)
                columns = fmt.header_names(fields, buf, buf.offset(q))
                break
            except NeedMore:
                buf.fill(0)
    if start > buf.offset(p):
        p = buf.jump(start)

    expect = len(columns) if columns else column_count
    fast: CSVFastMatcher | None = fmt.fast_matcher(expect) if expect and fast_path else None
    rows: list[tuple[Literal, ...]] = []
    offsets: list[int] = []

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
            columns=columns or None,
            session=chunk.session,
            end_pos=pos,
            cursor=Cursor(pos=pos, prev_rowid=last, columns=columns or None),
        )
        first_rowid = last + 1
        rows, offsets = [], []
        return batch

    while True:
        try:
            if len(rows) >= batch_rows:
                yield make_batch()
            data = buf.data
            q = fmt.skip_empty_lines(buf, p)
            if q >= len(data):
                break
            if buf.offset(q) >= end_offset:
                break
            if fast is not None:
                pos, status = fast.run(
                    data, q, buf.base, end_offset - buf.base, rows, offsets, batch_rows - len(rows)
                )
                if status == 2:
                    p = pos
                    break
                if status == 3:
                    p = pos
                    yield make_batch()
                    continue
                if status == 4:
                    # Rows before the rejected one were taken: resume after them even if the
                    # generic parser needs more data for this one.
                    p = q = pos
                elif pos >= 0:
                    p = pos
                    continue
            fields, q2 = fmt.record(buf, q)
            row = fmt.row(fields)
            if expect is None:
                expect = len(row)
                fast = fmt.fast_matcher(expect) if fast_path else None
            elif len(row) != expect:
                raise ColumnCountError(chunk.path, buf.offset(q), expect, len(row))
            rows.append(row)
            offsets.append(buf.offset(q))
            p = q2
            if len(rows) >= batch_rows:
                yield make_batch()
        except NeedMore:
            if buf.eof:  # pragma: no cover - the tokenizer never asks for more at end of file
                raise RuntimeError("CSV tokenizer asked for more data at end of file") from None
            buf.fill(p)
            p = 0
    if rows:
        yield make_batch()
