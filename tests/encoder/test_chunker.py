"""Chunk planning: cuts land on row boundaries (never inside a string), the rows of all chunks
equal the rows of the whole file, row-ID ranges follow the size rule, and plans are
deterministic."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encoder.source.chunk import UNBOUNDED_END, Chunk
from encoder.source.chunker import COMPRESSION_RATIO_BOUND, plan_chunks
from encoder.source.config import CSVConfig, MydumperConfig
from encoder.source.files import Compression, FileType, SourceFile
from encoder.source.layout import TableSource
from encoder.source.reader import ReadOptions, read_chunk
from encoder.source.session import Session

from .test_sql_properties import hostile_bytes, quote_sql


def table_with(tmp: Path, files: dict[str, bytes]) -> TableSource:
    sources = []
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        ftype = FileType.CSV if ".csv" in name else FileType.SQL
        comp = Compression.GZIP if name.endswith(".gz") else Compression.NONE
        sources.append(SourceFile(name, (tmp / name).stat().st_size, ftype, comp, name, "db", "t"))
    return TableSource("db", "t", None, tuple(sources))


def all_rows(root: Path, chunks: list[Chunk], opts: ReadOptions | None = None) -> list[tuple]:
    return [r for c in chunks for b in read_chunk(root, c, opts) for r in b.rows]


@st.composite
def sql_dump(draw: st.DrawFn) -> bytes:
    parts = [b"/*!40101 SET NAMES binary*/;\n"]
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            tz = draw(st.sampled_from([b"'+00:00'", b"'+08:00'", b"'SYSTEM'"]))
            parts.append(b"SET TIME_ZONE=" + tz + b";\n")
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from([b"-- c ( ;\n", b"/* ( ' */", b"# '(\n"])))
        rows = []
        for i in range(draw(st.integers(1, 8))):
            s = quote_sql(
                draw(hostile_bytes), draw(st.sampled_from([b"'", b'"'])), draw(st.integers(0, 2))
            )
            rows.append(b"(%d,%s)" % (i, s))
        sep = draw(st.sampled_from([b",", b",\n", b" ,\n "]))
        cols = draw(st.sampled_from([b"", b" (`a`,`b`)"]))
        parts.append(b"INSERT INTO `t`" + cols + b" VALUES " + sep.join(rows) + b";\n")
    return b"".join(parts)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sql_dump(), st.integers(1, 120))
def test_sql_chunks_together_give_exactly_the_rows_of_the_file(
    tmp_path: Path, dump: bytes, region: int
) -> None:
    table = table_with(tmp_path, {"db.t.1.sql": dump})
    whole = plan_chunks(tmp_path, table, 2)
    assert len(whole) == 1
    expected = all_rows(tmp_path, whole)
    chunks = plan_chunks(tmp_path, table, 2, MydumperConfig(max_region_size=region))
    assert all_rows(tmp_path, chunks) == expected
    # Chunks tile the file, every cut is a row or statement start, ranges are contiguous.
    assert chunks[0].offset == 0 and chunks[-1].end_offset == len(dump)
    for a, b in itertools.pairwise(chunks):
        assert a.end_offset == b.offset
        assert a.rowid_max == b.prev_rowid_max
        assert dump[b.offset : b.offset + 1] in (b"(", b"I", b"S", b"/", b"-", b"#", b";")
    # Sessions and row IDs seen per chunk equal those of the whole-file read.
    whole_batches = [(r, b.session) for b in read_chunk(tmp_path, whole[0]) for r in b.rows]
    split_batches = [
        (r, b.session) for c in chunks for b in read_chunk(tmp_path, c) for r in b.rows
    ]
    assert split_batches == whole_batches


def test_row_id_ranges_follow_bytes_over_columns_plus_two(tmp_path: Path) -> None:
    sql = b"INSERT INTO t VALUES (1,'a'),(2,'b');\n" * 10
    csv = b"1,a\n2,b\n" * 10
    table = table_with(tmp_path, {"db.t.1.sql": sql, "db.t.2.csv": csv})
    chunks = plan_chunks(tmp_path, table, 2, start_rowid=1000)
    assert [(c.prev_rowid_max, c.rowid_max) for c in chunks] == [
        (1000, 1000 + -(-len(sql) // 4)),
        (1000 + -(-len(sql) // 4), 1000 + -(-len(sql) // 4) + -(-len(csv) // 2)),
    ]
    assert [c.insert_table for c in chunks] == ["t", None]


def test_compressed_file_is_one_unbounded_chunk_with_a_ratio_bound(tmp_path: Path) -> None:
    data = gzip.compress(b"INSERT INTO t VALUES (1),(2);\n" * 100)
    table = table_with(tmp_path, {"db.t.1.sql.gz": data})
    (chunk,) = plan_chunks(tmp_path, table, 1, MydumperConfig(max_region_size=16))
    assert (chunk.offset, chunk.end_offset, chunk.compression) == (
        0,
        UNBOUNDED_END,
        Compression.GZIP,
    )
    assert chunk.rowid_max == -(-len(data) * COMPRESSION_RATIO_BOUND[Compression.GZIP] // 3)
    assert len(all_rows(tmp_path, [chunk])) == 200


def test_plans_are_deterministic_and_survive_json(tmp_path: Path) -> None:
    dump = b"INSERT INTO t VALUES " + b",".join(b"(%d,'r%d')" % (i, i) for i in range(200)) + b";"
    table = table_with(tmp_path, {"db.t.1.sql": dump})
    cfg = MydumperConfig(max_region_size=97)
    a = plan_chunks(tmp_path, table, 2, cfg)
    b = plan_chunks(tmp_path, table, 2, cfg)
    assert a == b
    assert [Chunk.from_json(c.to_json()) for c in a] == a
    assert len(a) > 10


def test_chunk_starting_inside_a_statement_rereads_its_header(tmp_path: Path) -> None:
    dump = b"SET NAMES latin1;\nINSERT INTO t (b,a) VALUES ('x',1),('y',2),('z',3);\n"
    table = table_with(tmp_path, {"db.t.1.sql": dump})
    chunks = plan_chunks(tmp_path, table, 2, MydumperConfig(max_region_size=50))
    inside = [c for c in chunks if c.header_offset is not None]
    assert inside and inside[0].header_offset == dump.index(b"INSERT")
    assert inside[0].session == Session(charset="latin1")
    batches = [b for b in read_chunk(tmp_path, inside[0])]
    assert batches[0].columns == ("b", "a")
    assert batches[0].session == Session(charset="latin1")


@st.composite
def csv_dump(draw: st.DrawFn) -> tuple[bytes, bool]:
    header = draw(st.booleans())
    lines = [b"a,b,c"] if header else []
    for i in range(draw(st.integers(1, 30))):
        body = draw(st.text(alphabet='xyz,"\\ ', max_size=6)).encode()
        quoted = b'"' + body.replace(b"\\", b"\\\\").replace(b'"', b'""') + b'"'
        lines.append(b"%d,%s,\\N" % (i, quoted))
    term = draw(st.sampled_from([b"\n", b"\r\n"]))
    return term.join(lines) + draw(st.sampled_from([b"", term])), header


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(csv_dump(), st.integers(1, 60))
def test_strict_csv_chunks_give_exactly_the_rows_of_the_file(
    tmp_path: Path, case: tuple[bytes, bool], region: int
) -> None:
    data, header = case
    table = table_with(tmp_path, {"db.t.1.csv": data})
    csv = CSVConfig(header=header)
    opts = ReadOptions(csv=csv)
    expected = all_rows(tmp_path, plan_chunks(tmp_path, table, 3), opts)
    cfg = MydumperConfig(max_region_size=region, strict_format=True, csv=csv)
    chunks = plan_chunks(tmp_path, table, 3, cfg)
    assert all_rows(tmp_path, chunks, opts) == expected
    if header and len(chunks) > 1:
        assert all(c.columns == ("a", "b", "c") for c in chunks)
        got_cols = {b.columns for c in chunks for b in read_chunk(tmp_path, c, opts)}
        assert got_cols == {("a", "b", "c")}


def test_non_strict_csv_is_never_split(tmp_path: Path) -> None:
    table = table_with(tmp_path, {"db.t.1.csv": b"1,2\n" * 100})
    assert len(plan_chunks(tmp_path, table, 2, MydumperConfig(max_region_size=10))) == 1
