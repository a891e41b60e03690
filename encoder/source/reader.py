"""Reading a chunk: open its file at the right offset and yield ``RowBatch`` es.

``read_chunk`` dispatches on the chunk's file type to the SQL reader (with the fast path when a
``RowShape`` is given), the CSV reader, or the TiCDC table materialiser.

Public API: ``read_chunk``, ``ReadOptions``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from encoder.source.batch import Cursor, RowBatch
from encoder.source.chunk import Chunk
from encoder.source.compression import open_stream
from encoder.source.config import CSVConfig, MydumperConfig, TiCDCConfig
from encoder.source.csvreader import read_csv
from encoder.source.fastpath import RowShape
from encoder.source.files import FileType
from encoder.source.sqlreader import read_sql
from encoder.source.ticdcstate import read_ticdc


@dataclass(frozen=True)
class ReadOptions:
    """How to read chunks.

    ``shape`` enables the fast path (the table's column names and kinds, from its types);
    ``column_count`` enables the value-count check without a shape. ``read_block_size`` is the
    read unit (Lightning's ``mydumper.read-block-size``), ``batch_rows`` the most rows per batch.
    ``ticdc`` describes TiCDC CSV files and ``work_dir`` is where a TiCDC table's scratch
    LevelDB goes (system temp dir if ``None``).
    """

    shape: RowShape | None = None
    column_count: int | None = None
    csv: CSVConfig = field(default_factory=CSVConfig)
    ticdc: TiCDCConfig = field(default_factory=TiCDCConfig)
    read_block_size: int = 64 << 10
    batch_rows: int = 4096
    work_dir: Path | None = None

    @classmethod
    def for_config(
        cls,
        cfg: MydumperConfig,
        *,
        shape: RowShape | None = None,
        column_count: int | None = None,
        ticdc: TiCDCConfig | None = None,
        work_dir: Path | None = None,
        batch_rows: int = 4096,
    ) -> ReadOptions:
        """Options from ``[mydumper]`` (``read-block-size``, ``[mydumper.csv]``)."""
        return cls(
            shape=shape,
            column_count=column_count,
            csv=cfg.csv,
            ticdc=ticdc or TiCDCConfig(),
            read_block_size=cfg.read_block_size,
            batch_rows=batch_rows,
            work_dir=work_dir,
        )


def read_chunk(
    root: Path | str,
    chunk: Chunk,
    options: ReadOptions | None = None,
    cursor: Cursor | None = None,
) -> Iterator[RowBatch]:
    """Yield the rows of ``chunk`` (a file under ``root``) in batches, from ``cursor`` if given.

    Reads block by block: memory holds one window and one batch, whatever the file size.
    """
    opts = options or ReadOptions()
    root = Path(root)
    if chunk.file_type is FileType.SQL:
        start = cursor.header_offset if cursor else chunk.header_offset
        if start is None:
            start = cursor.pos if cursor else chunk.offset
        with open_stream(root, chunk.path, chunk.compression, start) as stream:
            yield from read_sql(
                stream,
                chunk,
                shape=opts.shape,
                column_count=opts.column_count,
                block_size=opts.read_block_size,
                batch_rows=opts.batch_rows,
                cursor=cursor,
            )
        return
    if chunk.file_type is FileType.CSV:
        columns = cursor.columns if cursor else chunk.columns
        pos = cursor.pos if cursor else chunk.offset
        start = 0 if opts.csv.header and columns is None else pos
        with open_stream(root, chunk.path, chunk.compression, start) as stream:
            yield from read_csv(
                stream,
                chunk,
                opts.csv,
                column_count=opts.column_count,
                block_size=opts.read_block_size,
                batch_rows=opts.batch_rows,
                cursor=cursor,
            )
        return
    if chunk.file_type is FileType.TICDC:
        yield from read_ticdc(
            root,
            chunk,
            opts.ticdc,
            work_dir=opts.work_dir,
            batch_rows=opts.batch_rows,
            cursor=cursor,
        )
        return
    raise ValueError(f"cannot read {chunk.file_type.value} chunks")
