"""The public reading API end to end: compressed files, corrupt streams, resuming from a cursor
(mid-statement, mid-CSV, mid-gzip) and reading the plan's schema files."""

from __future__ import annotations

import gzip
import lzma
from pathlib import Path

import pytest
import zstandard

from encoder.source import (
    Chunk,
    Compression,
    CompressionError,
    CSVConfig,
    Cursor,
    FileType,
    MydumperConfig,
    ReadOptions,
    ScanError,
    count_columns,
    parse_create_table,
    plan_chunks,
    read_chunk,
    scan_dump,
)
from encoder.source.chunk import UNBOUNDED_END

SQL = (
    b"/*!40101 SET NAMES binary*/;\nINSERT INTO `t` VALUES "
    + b",".join(b"(%d,'row %d')" % (i, i) for i in range(1, 301))
    + b";\nINSERT INTO `t` VALUES (301,'last');\n"
)
ROWS = [(i, b"row %d" % i) for i in range(1, 301)] + [(301, b"last")]


def chunk_of(
    path: str, ftype: FileType = FileType.SQL, comp: Compression = Compression.NONE
) -> Chunk:
    end = UNBOUNDED_END
    return Chunk("db", "t", path, ftype, comp, 0, end, 0, 1 << 40)


@pytest.mark.parametrize(
    ("suffix", "comp", "packer"),
    [
        (".gz", Compression.GZIP, gzip.compress),
        (".zst", Compression.ZSTD, lambda d: zstandard.ZstdCompressor().compress(d)),
        (".xz", Compression.XZ, lzma.compress),
    ],
)
def test_compressed_files_read_like_plain_ones(
    tmp_path: Path, suffix: str, comp: Compression, packer: object
) -> None:
    (tmp_path / f"db.t.1.sql{suffix}").write_bytes(packer(SQL))  # type: ignore[operator]
    chunk = chunk_of(f"db.t.1.sql{suffix}", comp=comp)
    rows = [
        r for b in read_chunk(tmp_path, chunk, ReadOptions(read_block_size=100)) for r in b.rows
    ]
    assert rows == ROWS


def test_corrupt_and_truncated_streams_are_compression_errors(tmp_path: Path) -> None:
    packed = gzip.compress(SQL)
    (tmp_path / "trunc.sql.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "bad.sql.gz").write_bytes(b"not gzip at all")
    for name in ("trunc.sql.gz", "bad.sql.gz"):
        with pytest.raises(CompressionError) as info:
            list(read_chunk(tmp_path, chunk_of(name, comp=Compression.GZIP)))
        assert info.value.path == name
    (tmp_path / "x.sql.lz4").write_bytes(b"")
    with pytest.raises(CompressionError):
        list(read_chunk(tmp_path, chunk_of("x.sql.lz4", comp=Compression.LZ4)))


@pytest.mark.parametrize("comp", [Compression.NONE, Compression.GZIP])
def test_resuming_from_every_cursor_gives_the_remaining_rows(
    tmp_path: Path, comp: Compression
) -> None:
    name = "db.t.1.sql" + (".gz" if comp is Compression.GZIP else "")
    (tmp_path / name).write_bytes(gzip.compress(SQL) if comp is Compression.GZIP else SQL)
    chunk = chunk_of(name, comp=comp)
    opts = ReadOptions(batch_rows=7, read_block_size=64)
    batches = list(read_chunk(tmp_path, chunk, opts))
    assert [r for b in batches for r in b.rows] == ROWS
    seen = 0
    for b in batches:
        seen += len(b.rows)
        cursor = Cursor.from_json(b.cursor.to_json())
        rest = list(read_chunk(tmp_path, chunk, opts, cursor=cursor))
        assert [r for x in rest for r in x.rows] == ROWS[seen:]
        if rest:
            assert rest[0].first_rowid == seen + 1
            assert rest[0].session == b.session


def test_csv_cursor_keeps_the_header_columns(tmp_path: Path) -> None:
    data = b"id,name\n" + b"".join(b"%d,n%d\n" % (i, i) for i in range(50))
    (tmp_path / "db.t.csv").write_bytes(data)
    chunk = chunk_of("db.t.csv", FileType.CSV)
    opts = ReadOptions(batch_rows=10, csv=CSVConfig())
    batches = list(read_chunk(tmp_path, chunk, opts))
    rest = list(read_chunk(tmp_path, chunk, opts, cursor=batches[1].cursor))
    assert [r for b in rest for r in b.rows] == [r for b in batches[2:] for r in b.rows]
    assert {b.columns for b in rest} == {("id", "name")}


def test_plan_from_a_scanned_dump_uses_schema_file_column_counts(tmp_path: Path) -> None:
    (tmp_path / "db-schema-create.sql").write_bytes(b"CREATE DATABASE db;")
    (tmp_path / "db.t-schema.sql").write_bytes(
        b"/*!40101 SET NAMES binary*/;\nCREATE TABLE `t` (\n  `id` int NOT NULL,\n"
        b"  `name` varchar(20) DEFAULT 'a,b',\n  `key` int,\n  PRIMARY KEY (`id`),\n  KEY `k` (`name`,`id`)\n) ENGINE=InnoDB;\n"
    )
    (tmp_path / "db.t.000000001.sql").write_bytes(SQL)
    layout = scan_dump(tmp_path)
    table = layout.table("db", "t")
    assert table.schema_file is not None
    schema = (tmp_path / table.schema_file.path).read_bytes()
    assert parse_create_table(schema).columns == ("id", "name", "key")
    ncols = count_columns(schema)
    chunks = plan_chunks(tmp_path, table, ncols, MydumperConfig(max_region_size=1000))
    assert chunks[-1].rowid_max == sum(-(-(c.end_offset - c.offset) // (ncols + 2)) for c in chunks)
    assert [r for c in chunks for b in read_chunk(tmp_path, c) for r in b.rows] == ROWS


def test_schema_file_without_create_table_is_a_scan_error() -> None:
    with pytest.raises(ScanError):
        count_columns(b"SET NAMES binary;", "db.t-schema.sql")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("fast", [False, True])
def test_bundled_sample_dump_scans_and_reads_cleanly(fast: bool) -> None:
    from encoder.source import ColumnKind, RowShape

    layout = scan_dump(EXAMPLES, MydumperConfig(max_region_size=4096))
    assert layout.problems == ()
    assert [i.path for i in layout.skipped] == ["README.md"]
    counts = {}
    for table in layout.tables():
        assert table.schema_file is not None
        cols = parse_create_table((EXAMPLES / table.schema_file.path).read_bytes()).columns
        shape = RowShape(cols, (ColumnKind.ANY,) * len(cols)) if fast else None
        chunks = plan_chunks(EXAMPLES, table, len(cols), MydumperConfig(max_region_size=4096))
        rows = [
            r
            for c in chunks
            for b in read_chunk(EXAMPLES, c, ReadOptions(shape=shape, csv=CSVConfig()))
            for r in b.rows
        ]
        assert all(len(r) == len(cols) for r in rows)
        counts[table.name] = len(rows)
    assert counts["customers"] == 300
    assert counts["orders"] == 800
    assert counts["page_views"] == 1000
    assert 100 <= counts["products"] <= 140


def test_missing_data_file_is_a_scan_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as info:
        list(read_chunk(tmp_path, chunk_of("db.t.9.sql")))
    assert info.value.path == "db.t.9.sql"
