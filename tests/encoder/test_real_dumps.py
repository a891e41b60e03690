"""Dumps written by the real mydumper (and mariadb-dump, and SELECT ... INTO OUTFILE CSV) from
a private MariaDB parse to exactly the rows MariaDB holds, edge values included, whether read
whole, split into chunks, compressed, or through the fast path."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.chunker import plan_chunks
from encoder.source.config import CSVConfig, MydumperConfig
from encoder.source.fastpath import ColumnKind, RowShape
from encoder.source.files import Compression, FileType
from encoder.source.reader import ReadOptions, read_chunk
from encoder.source.scanner import scan_dump
from tests.support.mariadb import MariaDB, require_binaries

pytestmark = pytest.mark.mariadb

DB = "fl_edge"
COLUMNS = ["id", "s", "b", "blb", "d", "f", "bi", "ubi", "dt", "dte", "bt", "e", "st", "n"]
DDL = f"""CREATE TABLE {DB}.edge (
  id INT PRIMARY KEY,
  s VARCHAR(200) CHARACTER SET utf8mb4,
  b VARBINARY(300),
  blb BLOB,
  d DECIMAL(65,30),
  f DOUBLE,
  bi BIGINT,
  ubi BIGINT UNSIGNED,
  dt DATETIME(6),
  dte DATE,
  bt BIT(12),
  e ENUM('a','b,c','d''e'),
  st SET('x','y'),
  n INT
)"""
HOSTILE = "quo'te\"back\\slash\nnew\r\ttab\x00nul\x1az ünï 😀 ),(; \\N NULL"
SHAPE = RowShape(
    tuple(COLUMNS),
    (
        ColumnKind.INT,
        ColumnKind.STR_NULL,
        ColumnKind.STR_NULL,
        ColumnKind.STR_NULL,
        ColumnKind.ANY,
        ColumnKind.ANY,
        ColumnKind.INT_NULL,
        ColumnKind.INT_NULL,
        ColumnKind.STR_NULL,
        ColumnKind.STR_NULL,
        ColumnKind.ANY,
        ColumnKind.STR_NULL,
        ColumnKind.STR_NULL,
        ColumnKind.INT_NULL,
    ),
)


def edge_rows() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        (
            1,
            HOSTILE,
            bytes(range(256)),
            bytes(range(255, -1, -1)),
            "12345678901234567890.123456789012345678901234567890",
            1.5e300,
            -(2**63),
            2**64 - 1,
            "2020-01-02 03:04:05.123456",
            "1000-01-01",
            0b101010101010,
            "b,c",
            "x,y",
            None,
        ),
        (
            2,
            "NULL",
            b"",
            None,
            "-0.000000000000000000000000000001",
            0.1,
            0,
            0,
            "0000-00-00 00:00:00",
            "9999-12-31",
            0,
            "d'e",
            "",
            0,
        ),
        (3, "", b"\\'\"", b"\\", "0", -2.5, 2**63 - 1, 1, None, None, None, None, None, -1),
    ]
    rnd = random.Random(7)
    alphabet = ["a", "'", '"', "\\", "\n", "),(", ";", "é", "😀", "\x00", " ", "0x1"]
    for i in range(4, 400):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 20)))
        b = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 40)))
        rows.append(
            (
                i,
                s,
                b,
                b[::-1] if i % 3 else None,
                f"{rnd.randrange(-(10**6), 10**6)}.{i:06d}",
                rnd.random() * 10 ** rnd.randrange(-5, 5),
                rnd.randrange(-(2**63), 2**63),
                rnd.randrange(2**64),
                "2021-05-06 07:08:09",
                "2021-05-06",
                rnd.randrange(4096),
                rnd.choice(["a", "b,c", "d'e"]),
                rnd.choice(["", "x", "y", "x,y"]),
                None if i % 5 == 0 else rnd.randrange(-1000, 1000),
            )
        )
    return rows


@pytest.fixture(scope="module")
def edge_db(mariadb_server: MariaDB) -> MariaDB:
    mariadb_server.execute(f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}", DDL)
    conn = mariadb_server.connect(DB)
    try:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO edge VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", edge_rows()
            )
            cur.execute(f"CREATE VIEW {DB}.v AS SELECT id FROM {DB}.edge")
    finally:
        conn.close()
    return mariadb_server


def _bytes(v: Any) -> Any:
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, datetime | date):
        return str(v).encode()
    return v


def _float(v: Any) -> Any:
    return None if v is None else float(v)


def _set(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        v = v.split(",")
    return frozenset(x for x in v if x)


def _datetime(v: Any) -> Any:
    """DATETIME(6) text without trailing fractional zeros (pymysql drops them, dumps keep them)."""
    v = _bytes(v)
    if isinstance(v, bytes) and b"." in v:
        v = v.rstrip(b"0").rstrip(b".")
    return v


NORMALISE: dict[str, Callable[[Any], Any]] = {name: _bytes for name in COLUMNS}
NORMALISE.update(
    {
        "id": int,
        "f": _float,
        "st": _set,
        "dt": _datetime,
        "d": lambda v: None if v is None else Decimal(v),
    }
)
INT_COLUMNS = ("id", "bi", "ubi", "n", "bt")


def normalise(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(NORMALISE[c](v) for c, v in zip(COLUMNS, row, strict=True))


@pytest.fixture(scope="module")
def db_rows(edge_db: MariaDB) -> list[tuple[Any, ...]]:
    conn = edge_db.connect(DB)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM edge ORDER BY id")
            return [normalise(r) for r in cur.fetchall()]
    finally:
        conn.close()


def read_dump(root: Path, cfg: MydumperConfig, shape: RowShape | None) -> Iterator[tuple[Any, ...]]:
    layout = scan_dump(root, cfg)
    assert layout.problems == ()
    table = layout.table(DB, "edge")
    for chunk in plan_chunks(root, table, len(COLUMNS), cfg):
        for batch in read_chunk(root, chunk, ReadOptions(shape=shape, read_block_size=4096)):
            assert batch.columns in (None, tuple(COLUMNS))
            yield from batch.rows


MYDUMPER_VARIANTS = {
    "default": [],
    "complete-insert, small statements": ["--complete-insert", "-s", "3000"],
    "row chunks, insert ignore": ["-r", "60", "-N"],
    "compressed": ["-c", "-r", "150"],
}


@pytest.mark.parametrize("fast", [False, True], ids=["generic", "fast"])
@pytest.mark.parametrize("variant", list(MYDUMPER_VARIANTS))
def test_mydumper_dump_parses_to_the_rows_in_mariadb(
    edge_db: MariaDB, db_rows: list[tuple[Any, ...]], tmp_path: Path, variant: str, fast: bool
) -> None:
    out = tmp_path / "dump"
    edge_db.mydumper(out, "-B", DB, *MYDUMPER_VARIANTS[variant])
    cfg = MydumperConfig(max_region_size=5000)
    got = sorted(
        (normalise(r) for r in read_dump(out, cfg, SHAPE if fast else None)), key=lambda r: r[0]
    )
    assert got == db_rows


def test_mydumper_layout_is_scanned_with_views_and_metadata(
    edge_db: MariaDB, tmp_path: Path
) -> None:
    out = tmp_path / "dump"
    edge_db.mydumper(out, "-B", DB, "-c")
    layout = scan_dump(out)
    assert [d.name for d in layout.databases] == [DB]
    assert [t.name for t in layout.tables()] == ["edge"]
    assert [v.name for v in layout.views()] == ["v"]
    assert layout.metadata_files == ("metadata",)
    assert layout.problems == () and layout.skipped == ()
    assert {f.compression for f in layout.table(DB, "edge").data_files} == {Compression.GZIP}


def test_mariadb_dump_file_parses_to_the_rows_in_mariadb(
    edge_db: MariaDB, db_rows: list[tuple[Any, ...]], tmp_path: Path
) -> None:
    exe = require_binaries("mariadb-dump")["mariadb-dump"]
    data = subprocess.run(
        [exe, "-S", edge_db.socket_path, "-u", "root", "--no-create-info", DB, "edge"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    (tmp_path / "x.sql").write_bytes(data)
    chunk = Chunk(DB, "edge", "x.sql", FileType.SQL, Compression.NONE, 0, UNBOUNDED_END, 0, 1 << 40)
    for shape in (None, SHAPE):
        rows = [
            normalise(r)
            for b in read_chunk(tmp_path, chunk, ReadOptions(shape=shape))
            for r in b.rows
        ]
        assert rows == db_rows


def test_select_into_outfile_csv_parses_to_the_rows_in_mariadb(
    edge_db: MariaDB, db_rows: list[tuple[Any, ...]], tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    out.mkdir()
    target = out / f"{DB}.edge.000000001.csv"
    # BIT values are written unescaped (a raw 0x0A would end the line): export them as numbers.
    select = ", ".join("bt+0" if c == "bt" else c for c in COLUMNS)
    edge_db.execute(
        f"SELECT {select} FROM {DB}.edge ORDER BY id INTO OUTFILE '{target}' "
        "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '\\\\' "
        "LINES TERMINATED BY '\\n'"
    )
    (out / f"{DB}-schema-create.sql").write_text(f"CREATE DATABASE {DB};")
    (out / f"{DB}.edge-schema.sql").write_text(DDL)
    # Not strict-format: OUTFILE keeps newlines inside fields (escaped), so the file is one chunk.
    csv = CSVConfig(header=False)
    cfg = MydumperConfig(csv=csv, max_region_size=3000)
    table = scan_dump(out, cfg).table(DB, "edge")
    chunks = plan_chunks(out, table, len(COLUMNS), cfg)
    rows = [
        normalise(tuple(_from_csv(c, v) for c, v in zip(COLUMNS, r, strict=True)))
        for chunk in chunks
        for b in read_chunk(out, chunk, ReadOptions(csv=csv, read_block_size=1000))
        for r in b.rows
    ]
    bit = COLUMNS.index("bt")
    assert rows == [
        (*r[:bit], None if r[bit] is None else int.from_bytes(r[bit], "big"), *r[bit + 1 :])
        for r in db_rows
    ]


def _from_csv(column: str, value: Any) -> Any:
    """CSV fields are bytes; numbers are compared as numbers."""
    if value is None:
        return value
    if column in INT_COLUMNS:
        return int(value)
    return value.decode() if column in ("d", "f") else value
