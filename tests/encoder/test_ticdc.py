"""TiCDC storage-sink output as a source: layout scanning, schema.json -> CREATE TABLE, and the
final table state after applying I/U/D events in commit-ts (or file) order.

Fixtures follow the examples in pingcap/docs `ticdc/ticdc-csv.md` (hr.employee events) and
`ticdc/ticdc-sink-to-cloud-storage.md` (schema.json of test.table1)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from encoder.source.batch import Cursor
from encoder.source.config import MydumperConfig, TiCDCConfig
from encoder.source.errors import CDCError
from encoder.source.files import FileType
from encoder.source.reader import ReadOptions, read_chunk
from encoder.source.ticdcscan import is_ticdc_output, scan_ticdc
from encoder.source.ticdcschema import TableDefinition

EMPLOYEE_COLUMNS = [
    {"ColumnName": "Id", "ColumnType": "INT", "ColumnNullable": "false", "ColumnIsPk": "true"},
    {"ColumnName": "LastName", "ColumnType": "VARCHAR", "ColumnLength": "20"},
    {"ColumnName": "FirstName", "ColumnType": "VARCHAR", "ColumnLength": "30"},
    {"ColumnName": "HireDate", "ColumnType": "DATE"},
    {"ColumnName": "OfficeLocation", "ColumnType": "VARCHAR", "ColumnLength": "20"},
]


def schema_json(db: str, table: str, version: int, columns: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "Table": table,
            "Schema": db,
            "Version": 1,
            "TableVersion": version,
            "Query": "",
            "TableColumns": columns,
            "TableColumnsTotal": str(len(columns)),
        }
    ).encode()


def write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def final_rows(
    root: Path, cfg: TiCDCConfig, table: tuple[str, str] = ("hr", "employee")
) -> list[tuple]:
    layout = scan_ticdc(root)
    assert layout.problems == ()
    chunk = layout.table(*table).chunk()
    assert chunk.file_type is FileType.TICDC
    return [
        (b.columns, r)
        for b in read_chunk(root, chunk, ReadOptions(ticdc=cfg, work_dir=root.parent))
        for r in b.rows
    ]


DOC_EVENTS = (
    b'"I","employee","hr",433305438660591626,101,"Smith","Bob","2014-06-04","New York"\r\n'
    b'"U","employee","hr",433305438660591627,101,"Smith","Bob","2015-10-08","Los Angeles"\r\n'
    b'"D","employee","hr",433305438660591629,101,"Smith","Bob","2017-03-13","Dallas"\r\n'
    b'"I","employee","hr",433305438660591630,102,"Alex","Alice","2017-03-14","Shanghai"\r\n'
    b'"U","employee","hr",433305438660591630,102,"Alex","Alice","2018-06-15","Beijing"\r\n'
)
NAMES = ("Id", "LastName", "FirstName", "HireDate", "OfficeLocation")


def test_documented_events_leave_the_final_state(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    write(
        root,
        {
            "metadata": b'{"checkpoint-ts":433305438660591631}',
            "hr/employee/433305438660591620/schema.json": schema_json(
                "hr", "employee", 433305438660591620, EMPLOYEE_COLUMNS
            ),
            "hr/employee/433305438660591620/2022-01-02/CDC000001.csv": DOC_EVENTS,
            "hr/employee/433305438660591620/2022-01-02/CDC.index": b"CDC000001.csv",
        },
    )
    assert is_ticdc_output(root)
    layout = scan_ticdc(root)
    assert layout.checkpoint_ts == 433305438660591631
    assert [i.reason for i in layout.skipped] == ["TiCDC index file"]
    got = final_rows(root, TiCDCConfig(include_commit_ts=True))
    assert got == [(NAMES, (b"102", b"Alex", b"Alice", b"2018-06-15", b"Beijing"))]


def test_commit_ts_orders_events_across_files_and_dates(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    v = "hr/employee/10"
    write(
        root,
        {
            f"{v}/schema.json": schema_json("hr", "employee", 10, EMPLOYEE_COLUMNS),
            # The later update sits in the earlier-sorted file: commit-ts must win.
            f"{v}/2022-01-01/CDC000001.csv": b'"U","employee","hr",30,1,"new","x","2020-01-01","B"\n',
            f"{v}/2022-01-02/CDC000001.csv": b'"I","employee","hr",20,1,"old","x","2020-01-01","A"\n',
        },
    )
    got = final_rows(root, TiCDCConfig(include_commit_ts=True))
    assert got == [(NAMES, (b"1", b"new", b"x", b"2020-01-01", b"B"))]


def test_without_commit_ts_file_order_decides_and_versions_follow_each_other(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cdc"
    v2_columns = [*EMPLOYEE_COLUMNS, {"ColumnName": "Badge", "ColumnType": "BLOB"}]
    badge = base64.b64encode(b"\x00\xff'\"").decode().encode()
    write(
        root,
        {
            "hr/employee/5/schema.json": schema_json("hr", "employee", 5, EMPLOYEE_COLUMNS),
            "hr/employee/5/CDC000002.csv": b'"U","employee","hr",1,"b","c","2001-01-01",\\N\n',
            "hr/employee/5/CDC000001.csv": b'"I","employee","hr",1,"a","c","2001-01-01","x"\n'
            b'"I","employee","hr",2,"keep","c","2001-01-01","y"\n'
            b'"I","employee","hr",3,"gone","c","2001-01-01","z"\n',
            "hr/employee/9/schema.json": schema_json("hr", "employee", 9, v2_columns),
            "hr/employee/9/CDC000001.csv": b'"D","employee","hr",3,"gone","c","2001-01-01","z",\\N\n'
            b'"U","employee","hr",1,"b","c","2001-01-01","\\N","' + badge + b'"\n',
        },
    )
    got = final_rows(root, TiCDCConfig())
    assert got == [
        ((*NAMES, "Badge"), (b"1", b"b", b"c", b"2001-01-01", b"\\N", b"\x00\xff'\"")),
        (NAMES, (b"2", b"keep", b"c", b"2001-01-01", b"y")),
    ]


def test_old_value_rows_header_and_hex_binary(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    cols = [
        {"ColumnName": "k", "ColumnType": "VARBINARY", "ColumnLength": "8", "ColumnIsPk": "true"},
        {"ColumnName": "v", "ColumnType": "VARCHAR", "ColumnLength": "8"},
    ]
    header = b"ticdc-meta$operation,ticdc-meta$table,ticdc-meta$schema,ticdc-meta$commit-ts,ticdc-meta$is-update,k,v\n"
    write(
        root,
        {
            "d/t/meta/schema_7_123.json": schema_json("d", "t", 7, cols),
            "d/t/7/CDC000001.csv": header + b'"I","t","d",8,false,"0a0b","x ""q"""\n'
            b'"D","t","d",9,true,"0a0b","x ""q"""\n'
            b'"I","t","d",9,true,"0c","y,\n"\n',
        },
    )
    cfg = TiCDCConfig(
        include_commit_ts=True,
        output_old_value=True,
        output_field_header=True,
        binary_encoding_method="hex",
    )
    got = final_rows(root, cfg, ("d", "t"))
    assert got == [(("k", "v"), (b"\x0c", b"y,\n"))]


def test_table_without_primary_key_is_a_multiset(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    cols = [{"ColumnName": "a", "ColumnType": "INT"}, {"ColumnName": "b", "ColumnType": "TEXT"}]
    write(
        root,
        {
            "d/t/1/schema.json": schema_json("d", "t", 1, cols),
            "d/t/1/CDC1.csv": b'"I","t","d",1,"x"\n"I","t","d",1,"x"\n"I","t","d",2,\\N\n'
            b'"D","t","d",1,"x"\n"I","t","d",3,"\\N"\n',
        },
    )
    got = [r for _, r in final_rows(root, TiCDCConfig(), ("d", "t"))]
    assert sorted(got, key=repr) == sorted([(b"1", b"x"), (b"2", None), (b"3", b"\\N")], key=repr)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'"X","t","d",1,"x"\n', "unknown operation"),
        (b'"I","t","d",1\n', "expected 5 fields"),
        (b'"U","t","d",1,"x"\n', "UPDATE on a table without a primary key"),
    ],
)
def test_bad_events_fail_naming_file_and_offset(tmp_path: Path, line: bytes, reason: str) -> None:
    root = tmp_path / "cdc"
    cols = [{"ColumnName": "a", "ColumnType": "INT"}, {"ColumnName": "b", "ColumnType": "TEXT"}]
    write(
        root,
        {
            "d/t/1/schema.json": schema_json("d", "t", 1, cols),
            "d/t/1/CDC1.csv": b'"I","t","d",1,"x"\n' + line,
        },
    )
    with pytest.raises(CDCError) as info:
        final_rows(root, TiCDCConfig(), ("d", "t"))
    assert info.value.path == "d/t/1/CDC1.csv"
    assert info.value.offset == 18
    assert reason in info.value.reason


def test_invalid_base64_is_rejected(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    cols = [
        {"ColumnName": "a", "ColumnType": "INT", "ColumnIsPk": "true"},
        {"ColumnName": "b", "ColumnType": "BLOB"},
    ]
    write(
        root,
        {
            "d/t/1/schema.json": schema_json("d", "t", 1, cols),
            "d/t/1/CDC1.csv": b'"I","t","d",1,"!!not base64"\n',
        },
    )
    with pytest.raises(CDCError, match="not valid base64"):
        final_rows(root, TiCDCConfig(), ("d", "t"))


def test_data_without_definition_and_other_protocols_are_problems(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "d/t/1/CDC1.csv": b"",
            "d/u/1/schema.json": schema_json("d", "u", 1, EMPLOYEE_COLUMNS),
            "d/u/1/CDC1.json": b"",
            "d/meta/schema_1_2.json": b"{}",
            "notes.txt": b"",
        },
    )
    layout = scan_ticdc(tmp_path)
    assert {(i.path, i.reason) for i in layout.problems} == {
        ("d/t/1/CDC1.csv", "no table definition for this version"),
        ("d/u/1/CDC1.json", "unsupported TiCDC protocol file .json"),
    }
    assert {i.path for i in layout.skipped} == {"d/meta/schema_1_2.json", "notes.txt"}
    filtered = scan_ticdc(tmp_path, MydumperConfig(filter=("*.*", "!d.u")))
    assert filtered.tables == ()


def test_many_events_cross_write_batches_and_resume_from_a_cursor(tmp_path: Path) -> None:
    root = tmp_path / "cdc"
    cols = [
        {"ColumnName": "a", "ColumnType": "INT", "ColumnIsPk": "true"},
        {"ColumnName": "b", "ColumnType": "INT"},
    ]
    lines = b"".join(b'"I","t","d",%d,%d\n' % (i, i) for i in range(12_000))
    lines += b"".join(b'"D","t","d",%d,%d\n' % (i, i) for i in range(0, 12_000, 2))
    write(root, {"d/t/1/schema.json": schema_json("d", "t", 1, cols), "d/t/1/CDC1.csv": lines})
    chunk = scan_ticdc(root).table("d", "t").chunk(start_rowid=100)
    opts = ReadOptions(batch_rows=1000, work_dir=tmp_path)
    batches = list(read_chunk(root, chunk, opts))
    rows = [r for b in batches for r in b.rows]
    assert sorted(int(r[0]) for r in rows) == list(range(1, 12_000, 2))
    assert batches[0].first_rowid == 101 and batches[-1].cursor.prev_rowid == 100 + 6000
    resumed = [r for b in read_chunk(root, chunk, opts, cursor=batches[2].cursor) for r in b.rows]
    assert resumed == rows[3000:]
    assert not any(p.name.startswith("ticdc-state-") for p in tmp_path.iterdir())


def test_create_table_from_the_documented_schema_json() -> None:
    doc = {
        "Table": "table1",
        "Schema": "test",
        "Version": 1,
        "TableVersion": 10000,
        "Query": "ALTER TABLE test.table1 ADD OfficeLocation blob(20)",
        "TableColumns": [
            {
                "ColumnName": "Id",
                "ColumnType": "INT",
                "ColumnNullable": "false",
                "ColumnIsPk": "true",
            },
            {"ColumnName": "LastName", "ColumnType": "CHAR", "ColumnLength": "20"},
            {"ColumnName": "FirstName", "ColumnType": "VARCHAR", "ColumnLength": "30"},
            {"ColumnName": "HireDate", "ColumnType": "DATETIME"},
            {"ColumnName": "OfficeLocation", "ColumnType": "BLOB", "ColumnLength": "20"},
            {
                "ColumnName": "Score",
                "ColumnType": "DECIMAL",
                "ColumnPrecision": "10",
                "ColumnScale": "2",
            },
            {"ColumnName": "Big", "ColumnType": "BIGINT UNSIGNED", "ColumnPrecision": "20"},
            {
                "ColumnName": "At",
                "ColumnType": "TIMESTAMP",
                "ColumnScale": "3",
                "ColumnDefault": "CURRENT_TIMESTAMP(3)",
            },
            {"ColumnName": "Kind", "ColumnType": "ENUM", "ColumnDefault": "a'b"},
        ],
        "TableColumnsTotal": "9",
    }
    d = TableDefinition.from_json_bytes(json.dumps(doc).encode(), "test/table1/10000/schema.json")
    assert d.primary_key == ("Id",)
    assert d.lossy_columns == ("Kind",)
    assert [c.is_binary for c in d.columns] == [
        False,
        False,
        False,
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert d.create_table_sql() == (
        "CREATE TABLE IF NOT EXISTS `test`.`table1` (\n"
        "  `Id` INT NOT NULL,\n"
        "  `LastName` CHAR(20),\n"
        "  `FirstName` VARCHAR(30),\n"
        "  `HireDate` DATETIME,\n"
        "  `OfficeLocation` BLOB,\n"
        "  `Score` DECIMAL(10,2),\n"
        "  `Big` BIGINT UNSIGNED,\n"
        "  `At` TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3),\n"
        "  `Kind` VARCHAR(255) DEFAULT 'a''b',\n"
        "  PRIMARY KEY (`Id`)\n"
        ")"
    )


def test_inconsistent_schema_json_is_an_error() -> None:
    bad = json.dumps(
        {"TableColumns": [{"ColumnName": "a", "ColumnType": "INT"}], "TableColumnsTotal": "2"}
    )
    with pytest.raises(CDCError, match="TableColumnsTotal"):
        TableDefinition.from_json_bytes(bad.encode(), "x")
    with pytest.raises(CDCError, match="invalid JSON"):
        TableDefinition.from_json_bytes(b"{", "x")


def test_cursor_json_round_trip() -> None:
    c = Cursor(pos=5, prev_rowid=9, header_offset=3)
    assert Cursor.from_json(c.to_json()) == c
