"""Bad input stops the import with one clear message (file and offset; table, column and value
for casts; both checksums for a mismatch), a non-zero exit, and no table reported verified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.e2e import Stack, summary_lines

SCHEMA = (
    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `v` varchar(10) NOT NULL,\n"
    "  `n` tinyint(4) DEFAULT NULL,\n  `d` date DEFAULT NULL,\n  PRIMARY KEY (`id`)\n)"
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
)
GOOD_ROW = b"(1,'a',1,'2020-01-01')"
# Rows before the bad one: more than the precheck samples, so the job itself meets the error.
LEAD = [b"(%d,'a',1,'2020-01-01')" % i for i in range(1, 20)]
LEAD_SQL = b",\n".join(LEAD)
LEAD_CSV = b"".join(b"%d,a,1,2020-01-01\n" % i for i in range(1, 20))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack.start(tmp_path_factory.mktemp("bad"))
    yield s
    s.stop()


def write_dump(root: Path, db: str, name: str, data: bytes, schema: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{db}-schema-create.sql").write_text(f"CREATE DATABASE `{db}`;\n")
    if schema:
        (root / f"{db}.t-schema.sql").write_text(SCHEMA)
    path = root / f"{db}.{name}"
    path.write_bytes(data)
    return path


def sql_rows(*rows: bytes, table: bytes = b"t") -> bytes:
    return b"INSERT INTO `" + table + b"` VALUES\n" + b",\n".join(rows) + b";\n"


def stderr_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("encoder:")]


CASES = {
    # name: (file name, content, text the one error line must contain, offset of the bad row)
    "truncated": (
        "t.00000.sql",
        b"INSERT INTO `t` VALUES\n" + LEAD_SQL + b",\n(20,'b",
        ["expected closing", "t.00000.sql"],
        b"'b",
    ),
    "escape": (
        "t.00000.csv",
        b"id,v,n,d\n" + LEAD_CSV + b'20,"x\\',
        ["expected a closing delimiter", "t.00000.csv"],
        b'"x',
    ),
    "columns": (
        "t.00000.sql",
        sql_rows(*LEAD, b"(20,'b',3)"),
        ["expected 4 values", "found 3 values", "t.00000.sql"],
        b"(20,",
    ),
    "range": (
        "t.00000.sql",
        sql_rows(*LEAD, b"(20,'b',300,NULL)"),
        ["column 'n'", "out of range", "300", "t.00000.sql"],
        b"(20,",
    ),
    "date": (
        "t.00000.sql",
        sql_rows(*LEAD, b"(20,'b',3,'2023-02-30')"),
        ["column 'd'", "incorrect datetime value", "2023-02-30", "t.00000.sql"],
        b"(20,",
    ),
    "utf8": (
        "t.00000.sql",
        sql_rows(*LEAD, b"(20,'b\xff\xfe',3,NULL)"),
        ["column 'v'", "incorrect string value", "t.00000.sql"],
        b"(20,",
    ),
    "table": (
        "t.00000.sql",
        sql_rows(*LEAD) + sql_rows(b"(20,'a',1,NULL)", table=b"zzz"),
        ["expected INSERT INTO `t`", "found `zzz`", "t.00000.sql"],
        b"INSERT INTO `zzz`",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_the_job_with_file_and_offset(
    stack: Stack, tmp_path: Path, case: str
) -> None:
    db = f"bad_{case}"
    name, data, expected, marker = CASES[case]
    write_dump(tmp_path, db, name, data)
    result = stack.run_encoder(tmp_path, "--workers", "1")
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    errors = stderr_errors(result.stderr)
    assert len(errors) == 1, result.stderr[-3000:]
    error = errors[0]
    for text in [*expected, f"{db}.{name}", f"offset {data.index(marker)}"]:
        assert text in error, error
    if "column" in expected[0]:
        assert f"table `{db}`.`t`" in error
    line = summary_lines(result.stdout)[f"`{db}`.`t`"]
    assert "verified 0x" not in line and "FAILED" in line
    assert "0/1 verified, job failed" in result.stdout


def test_bad_first_rows_fail_the_precheck_before_anything_is_written(
    stack: Stack, tmp_path: Path
) -> None:
    data = b"INSERT INTO `t` VALUES\n(1,'a\\"
    write_dump(tmp_path, "bad_early", "t.00000.sql", data)
    result = stack.run_encoder(tmp_path, "--workers", "1")
    assert result.returncode == 1
    assert (
        '[FAIL] dump parses: expected closing "\'" of a string at offset 26 in'
        " bad_early.t.00000.sql" in result.stderr
    )
    assert stack.query("SHOW DATABASES LIKE 'bad_early'") == []


def test_data_file_of_an_unknown_table_fails_the_precheck(stack: Stack, tmp_path: Path) -> None:
    write_dump(tmp_path, "bad_schema", "u.00000.sql", sql_rows(GOOD_ROW, table=b"u"))
    result = stack.run_encoder(tmp_path, "--workers", "1")
    assert result.returncode == 1
    assert "[FAIL] dump layout: bad_schema.u.00000.sql" in result.stderr
    assert "nothing was imported" in result.stderr
    assert stack.query("SHOW DATABASES LIKE 'bad_schema'") == []


def test_duplicate_primary_key_is_a_checksum_mismatch_naming_table_and_both_checksums(
    stack: Stack, tmp_path: Path
) -> None:
    rows = [b"(%d,'v%d',1,NULL)" % (i, i) for i in range(1, 11)]
    write_dump(tmp_path, "bad_dup", "t.00000.sql", sql_rows(*rows, rows[4]))
    result = stack.run_encoder(tmp_path, "--workers", "1")
    assert result.returncode == 1
    [error] = stderr_errors(result.stderr)
    assert "table `bad_dup`.`t`: checksum mismatch" in error
    assert "local (checksum=" in error and "kvs=11," in error
    assert "remote (checksum=" in error and "kvs=10," in error
    line = summary_lines(result.stdout)["`bad_dup`.`t`"]
    assert "MISMATCH" in line and "kvs=11" in line and "kvs=10" in line


def test_a_failed_job_does_not_resume_until_forgotten_then_imports_the_fixed_dump_afresh(
    stack: Stack, tmp_path: Path
) -> None:
    # Enough rows that the duplicate lies past the bytes the job id fingerprints: fixing it
    # in place (same length) keeps the job id, so only forgetting the failed job helps.
    rows = [b"(%d,'v%d',1,NULL)" % (i, i) for i in range(100, 500)]
    dup = rows[200]
    path = write_dump(tmp_path, "bad_again", "t.00000.sql", sql_rows(*rows, dup))
    assert stack.run_encoder(tmp_path, "--workers", "1").returncode == 1

    again = stack.run_encoder(tmp_path, "--workers", "1")
    assert again.returncode == 1
    assert "[FAIL] earlier run: job job-" in again.stderr
    assert "checksum mismatch" in again.stderr and "--forget-failed" in again.stderr
    checked = stack.run_encoder(tmp_path, "--check-only", "--forget-failed")
    assert "[ok  ] earlier run:" in checked.stdout and "will be forgotten" in checked.stdout

    data = path.read_bytes()
    assert data.count(dup) == 2 and data.rindex(dup) > 4096
    at = data.rindex(dup)
    path.write_bytes(data[:at] + b"(500,'v500',1,NULL)" + data[at + len(dup) :])
    # Forgotten, the job starts from scratch; the table it half-filled must be emptied first.
    busy = stack.run_encoder(tmp_path, "--workers", "1", "--forget-failed")
    assert busy.returncode == 1
    assert "[ok  ] earlier run:" in busy.stderr and "forgotten" in busy.stderr
    assert "[FAIL] target tables: not empty: `bad_again`.`t`; " in busy.stderr
    assert "drop or truncate them" in busy.stderr
    stack.query("DROP TABLE `bad_again`.`t`")
    fixed = stack.run_encoder(tmp_path, "--workers", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert "verified" in summary_lines(fixed.stdout)["`bad_again`.`t`"]
    assert stack.query("SELECT COUNT(*), MAX(id) FROM `bad_again`.`t`") == [(401, 500)]


def test_target_table_with_rows_fails_the_precheck(stack: Stack, tmp_path: Path) -> None:
    good = tmp_path / "good"
    write_dump(good, "bad_busy", "t.00000.sql", sql_rows(GOOD_ROW))
    assert stack.run_encoder(good, "--workers", "1").returncode == 0
    other = tmp_path / "other"
    write_dump(other, "bad_busy", "t.00000.sql", sql_rows(b"(5,'z',1,NULL)"))
    result = stack.run_encoder(other, "--workers", "1")
    assert result.returncode == 1
    assert "[FAIL] target tables: not empty: `bad_busy`.`t`" in result.stderr
    checked = stack.run_encoder(other, "--check-only")
    assert checked.returncode == 1
    assert "[FAIL] target tables" in checked.stdout
