"""Planning a table's chunks: row-aligned byte ranges of its data files with row-ID ranges.

Deterministic: the same files and settings give the same chunks on every machine (files in
sort-key order, cut points found by a scan of the bytes, row-ID ranges computed from sizes).

* Uncompressed SQL files larger than ``max-region-size`` are cut at row boundaries found by a
  correct scan (``sqlsplit``); unlike Lightning v5.0, which never splits SQL files.
* Uncompressed CSV files larger than ``max-region-size`` are cut only with ``strict-format``
  (the user promises no line terminator inside a quoted field), at the first terminator after
  each ``max-region-size`` step, like Lightning; the header's column list goes with every chunk.
* Compressed files are one chunk each (they cannot be entered in the middle).

Row IDs (protocol-notes §6.3): each chunk reserves ``ceil(bytes / divisor)`` IDs, divisor =
the table's column count, +2 for SQL; ranges are laid end to end from ``start_rowid``. (Lightning
rounds down; rounding up keeps a tiny last chunk from getting an empty range.) A compressed file
reserves as if it were ``COMPRESSION_RATIO_BOUND`` times its size; a chunk that still holds more
rows than its range fails loudly (``RowIDOverflowError``) instead of reusing IDs.

Public API: ``plan_chunks``, ``COMPRESSION_RATIO_BOUND``.
"""

from __future__ import annotations

import time
from pathlib import Path

import structlog

from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.compression import open_stream
from encoder.source.config import MydumperConfig
from encoder.source.csvsplit import csv_split_points
from encoder.source.files import Compression, FileType, SourceFile
from encoder.source.layout import TableSource
from encoder.source.session import Session
from encoder.source.sqlsplit import find_split_points

log = structlog.get_logger(__name__)

# Decompressed/compressed size bound used to reserve row IDs for a compressed file. Deflate
# cannot exceed 1032:1; zstd and xz have no hard bound, so a generous one (and the overflow
# check in the reader) is used.
COMPRESSION_RATIO_BOUND = {
    Compression.GZIP: 1032,
    Compression.ZSTD: 8192,
    Compression.XZ: 8192,
}
# Block size for planning scans (larger than a read block: the scan is one sequential pass).
SCAN_BLOCK_SIZE = 4 << 20


def _ids(size: int, divisor: int) -> int:
    return -(-size // divisor)


def plan_chunks(
    root: Path | str,
    table: TableSource,
    column_count: int,
    config: MydumperConfig | None = None,
    start_rowid: int = 0,
) -> list[Chunk]:
    """The chunks of ``table``'s data files in order, row IDs starting after ``start_rowid``.

    ``column_count`` is the number of columns of the target table (from its schema file or
    TiDB), used for the row-ID estimate.
    """
    cfg = config or MydumperConfig()
    root = Path(root)
    started = time.monotonic()
    insert_table = None if cfg.files else table.name
    chunks: list[Chunk] = []
    prev = start_rowid
    for f in table.data_files:
        divisor = max(column_count, 1) + (2 if f.type is FileType.SQL else 0)
        ranges = _file_ranges(root, f, cfg)
        for offset, end, header_offset, session, columns in ranges:
            if f.compression is Compression.NONE:
                span = end - offset
            else:
                span = f.size * COMPRESSION_RATIO_BOUND[f.compression]
            rowid_max = prev + _ids(span, divisor)
            chunks.append(
                Chunk(
                    db=table.db,
                    table=table.name,
                    path=f.path,
                    file_type=f.type,
                    compression=f.compression,
                    offset=offset,
                    end_offset=end,
                    prev_rowid_max=prev,
                    rowid_max=rowid_max,
                    sort_key=f.sort_key,
                    file_size=f.size,
                    header_offset=header_offset,
                    session=session,
                    columns=columns,
                    insert_table=insert_table if f.type is FileType.SQL else None,
                )
            )
            prev = rowid_max
    log.info(
        "table chunks planned",
        table=f"`{table.db}`.`{table.name}`",
        files=len(table.data_files),
        chunks=len(chunks),
        elapsed=round(time.monotonic() - started, 3),
    )
    return chunks


_Range = tuple[int, int, int | None, Session, tuple[str, ...] | None]


def _file_ranges(root: Path, f: SourceFile, cfg: MydumperConfig) -> list[_Range]:
    if f.compression is not Compression.NONE:
        return [(0, UNBOUNDED_END, None, Session(), None)]
    if f.size <= cfg.max_region_size:
        return [(0, f.size, None, Session(), None)]
    if f.type is FileType.SQL:
        with open_stream(root, f.path, f.compression) as stream:
            points = find_split_points(stream, cfg.max_region_size, SCAN_BLOCK_SIZE)
        starts: list[_Range] = [(0, 0, None, Session(), None)]
        starts += [(pt.offset, 0, pt.header_offset, pt.session, None) for pt in points]
        ends = [s[0] for s in starts[1:]] + [f.size]
        return [(s[0], e, s[2], s[3], s[4]) for s, e in zip(starts, ends, strict=True)]
    if f.type is FileType.CSV and cfg.strict_format:
        with open_stream(root, f.path, f.compression) as stream:
            first, cuts, columns = csv_split_points(stream, cfg.csv, cfg.max_region_size, f.size)
        bounds = [first, *cuts, f.size]
        return [
            (bounds[i], bounds[i + 1], None, Session(), columns)
            for i in range(len(bounds) - 1)
            if bounds[i] < bounds[i + 1] or i == 0
        ]
    return [(0, f.size, None, Session(), None)]
