"""Helpers for the SQL reader tests: parse bytes through the public reader at any block size."""

from __future__ import annotations

import io
from collections.abc import Sequence

from encoder.source.batch import RowBatch
from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.compression import ByteStream
from encoder.source.fastpath import ColumnKind, RowShape
from encoder.source.files import Compression, FileType
from encoder.source.sqlreader import read_sql
from tidbkv.literals import Literal

BLOCK_SIZES = (1, 2, 3, 7, 64, 65536)
PATH = "db.t.001.sql"


def chunk_for(
    data: bytes,
    *,
    offset: int = 0,
    end: int = UNBOUNDED_END,
    header_offset: int | None = None,
    insert_table: str | None = None,
    prev_rowid_max: int = 0,
    rowid_max: int = 1 << 40,
) -> Chunk:
    return Chunk(
        db="db",
        table="t",
        path=PATH,
        file_type=FileType.SQL,
        compression=Compression.NONE,
        offset=offset,
        end_offset=end,
        prev_rowid_max=prev_rowid_max,
        rowid_max=rowid_max,
        file_size=len(data),
        header_offset=header_offset,
        insert_table=insert_table,
    )


def batches(
    data: bytes,
    block_size: int = 65536,
    shape: RowShape | None = None,
    batch_rows: int = 4096,
    **chunk_args: object,
) -> list[RowBatch]:
    chunk = chunk_for(data, **chunk_args)  # type: ignore[arg-type]
    start = chunk.header_offset if chunk.header_offset is not None else chunk.offset
    stream = ByteStream(io.BytesIO(data), PATH, Compression.NONE)
    stream.skip_to(start)
    return list(read_sql(stream, chunk, shape=shape, block_size=block_size, batch_rows=batch_rows))


def rows_of(data: bytes, block_size: int = 65536, **kw: object) -> list[tuple[Literal, ...]]:
    return [r for b in batches(data, block_size, **kw) for r in b.rows]  # type: ignore[arg-type]


def any_shape(n: int) -> RowShape:
    return RowShape(tuple(f"c{i}" for i in range(n)), (ColumnKind.ANY,) * n)


def shape_of(kinds: Sequence[ColumnKind]) -> RowShape:
    return RowShape(tuple(f"c{i}" for i in range(len(kinds))), tuple(kinds))
