"""encoder.source: the dump reader — scan, route, filter, chunk, and read rows.

How the encoder drives it::

    from encoder.source import (MydumperConfig, ReadOptions, RowShape, scan_dump,
                                plan_chunks, read_chunk, count_columns)

    cfg = MydumperConfig.from_dict(toml["mydumper"])          # Lightning key names
    layout = scan_dump(cfg.data_source_dir, cfg)               # databases/tables/views
    if layout.problems: refuse to start (each FileIssue has path + reason)
    for table in layout.tables():
        ncols = count_columns(schema file text)               # or TiDB's TableInfo
        chunks = plan_chunks(root, table, ncols, cfg)          # deterministic, JSON-able
    ...
    shape = RowShape.from_field_types(names, field_types)     # enables the fast path
    for batch in read_chunk(root, chunk, ReadOptions(shape=shape, csv=cfg.csv)):
        batch.rows[i]          # tuple of tidbkv.literals.Literal
        batch.offsets[i]       # file offset where row i starts (for error messages)
        batch.first_rowid + i  # implicit row ID (_tidb_rowid / missing auto-increment)
        batch.columns          # INSERT column list / CSV header, None = table order
        batch.session          # SET NAMES / TIME_ZONE in effect (Session)
        batch.cursor           # persist (Cursor.to_json) to resume after this batch

Scanning (``scan_dump``): mydumper / Dumpling names (``{db}-schema-create.sql``,
``{db}.{t}-schema.sql``, ``{db}.{t}-schema-view.sql``, ``{db}.{t}[.{n}].sql|csv[.gz|.zst|.xz]``),
``[[mydumper.files]]`` rules, ``mydumper.filter``, ``no-schema``, ``case-sensitive``. Every file is
part of the layout or listed in ``skipped`` / ``problems`` with a reason.

Chunking (``plan_chunks``): SQL files and strict-format CSV files larger than
``max-region-size`` are cut at row boundaries (a full lexical scan for SQL, so never inside a
string); compressed files are one chunk; row-ID ranges by bytes/(columns+2) (CSV: columns).

Reading (``read_chunk``): SQL (generic grammar + per-shape fast path), CSV (Lightning's
``[mydumper.csv]``), and TiCDC tables (``scan_ticdc`` -> ``TiCDCTable.chunk()``; final state of
the I/U/D events). Reads block by block; errors are ``DumpError(path, offset, expected,
found)`` and friends (``encoder.source.errors``).

Public API: see ``__all__``.
"""

from encoder.source.batch import Cursor, RowBatch
from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.chunker import plan_chunks
from encoder.source.config import (
    DEFAULT_FILTER,
    CSVConfig,
    FileRouteRule,
    MydumperConfig,
    TiCDCConfig,
    parse_size,
)
from encoder.source.errors import (
    CDCError,
    ColumnCountError,
    CompressionError,
    ConfigError,
    DumpError,
    RowIDOverflowError,
    ScanError,
    SourceError,
)
from encoder.source.fastpath import ColumnKind, RowShape
from encoder.source.files import Compression, FileType, SourceFile
from encoder.source.filter import TableFilter
from encoder.source.layout import DatabaseSource, DumpLayout, FileIssue, TableSource, ViewSource
from encoder.source.reader import ReadOptions, read_chunk
from encoder.source.router import FileRouter, RouteResult
from encoder.source.scanner import scan_dump
from encoder.source.schemafile import CreateTable, count_columns, parse_create_table
from encoder.source.session import Session
from encoder.source.ticdcscan import TiCDCLayout, TiCDCTable, is_ticdc_output, scan_ticdc
from encoder.source.ticdcschema import TableDefinition

__all__ = [
    "DEFAULT_FILTER",
    "UNBOUNDED_END",
    "CDCError",
    "CSVConfig",
    "Chunk",
    "ColumnCountError",
    "ColumnKind",
    "Compression",
    "CompressionError",
    "ConfigError",
    "CreateTable",
    "Cursor",
    "DatabaseSource",
    "DumpError",
    "DumpLayout",
    "FileIssue",
    "FileRouteRule",
    "FileRouter",
    "FileType",
    "MydumperConfig",
    "ReadOptions",
    "RouteResult",
    "RowBatch",
    "RowIDOverflowError",
    "RowShape",
    "ScanError",
    "Session",
    "SourceError",
    "SourceFile",
    "TableDefinition",
    "TableFilter",
    "TableSource",
    "TiCDCConfig",
    "TiCDCLayout",
    "TiCDCTable",
    "ViewSource",
    "count_columns",
    "is_ticdc_output",
    "parse_create_table",
    "parse_size",
    "plan_chunks",
    "read_chunk",
    "scan_dump",
    "scan_ticdc",
]
