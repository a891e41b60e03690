"""A real dump, imported and compared row by row: a database of many column types and edge
values is loaded into MariaDB, dumped with the real mydumper, imported by the encoder through
the importer into the playground, and every row read back through the playground's SQL port
equals the same row read from MariaDB."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.support.e2e import Stack, summary_lines
from tests.support.mariadb import MariaDB

pytestmark = pytest.mark.mariadb

DB = "fl_import"
TABLES = {
    "alltypes": """CREATE TABLE {db}.alltypes (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, i INT, iu INT UNSIGNED,
  bi BIGINT, bu BIGINT UNSIGNED,
  d65 DECIMAL(65,30), d10 DECIMAL(10,2), fl FLOAT, db DOUBLE,
  ch CHAR(10), vc VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  ci VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,
  tx TEXT CHARACTER SET utf8mb4, bn BINARY(8), vb VARBINARY(64), bl BLOB,
  dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME(2), yr YEAR,
  bt BIT(12), en ENUM('a','b,c','d''e'), st SET('x','y','z'),
  KEY idx_ci (ci), UNIQUE KEY uk_bi (bi), KEY idx_dt (dt, dtm), KEY idx_vc (vc(20))
) DEFAULT CHARSET=utf8mb4""",
    "nopk": """CREATE TABLE {db}.nopk (
  a INT, b VARCHAR(30) CHARACTER SET utf8mb4, c DECIMAL(8,3), KEY idx_a (a)
) DEFAULT CHARSET=utf8mb4""",
    "strpk": """CREATE TABLE {db}.strpk (
  code VARCHAR(24) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY, qty INT NOT NULL DEFAULT 3,
  note VARCHAR(40) CHARACTER SET utf8mb4
) DEFAULT CHARSET=utf8mb4""",
    "autoinc": """CREATE TABLE {db}.autoinc (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) CHARACTER SET utf8mb4
) DEFAULT CHARSET=utf8mb4""",
}
HOSTILE = "quo'te\"back\\slash\nnew\r\ttab\x00nul\x1az ünï 😀 ),(; \\N NULL"
ALLTYPES = 28


def alltypes_rows() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        (
            1,
            -128,
            255,
            -32768,
            -8388608,
            -(2**31),
            2**32 - 1,
            -(2**63),
            2**64 - 1,
            "-99999999999999999999999999999999999.999999999999999999999999999999",
            "-99999999.99",
            -3.40282e38,
            -1.7976931348623157e308,
            "",
            HOSTILE,
            "Ärger",
            HOSTILE * 20,
            b"\x00" * 8,
            bytes(range(64)),
            bytes(range(256)) * 4,
            "1000-01-01",
            "1000-01-01 00:00:00.000000",
            "1970-01-01 00:00:01.000",
            "-838:59:59.00",
            1901,
            0,
            "a",
            "",
        ),
        (
            2,
            127,
            0,
            32767,
            8388607,
            2**31 - 1,
            0,
            2**63 - 1,
            0,
            "99999999999999999999999999999999999.999999999999999999999999999999",
            "99999999.99",
            3.40282e38,
            1.7976931348623157e308,
            "abcdefghij",
            "",
            "z",
            "",
            b"\xff" * 8,
            b"",
            b"",
            "9999-12-31",
            "9999-12-31 23:59:59.999999",
            "2038-01-19 03:14:07.999",
            "838:59:59.00",
            2155,
            4095,
            "d'e",
            "x,y,z",
        ),
        (
            3,
            0,
            1,
            0,
            0,
            0,
            1,
            0,
            1,
            "0.000000000000000000000000000001",
            "0.00",
            1.17549e-38,
            5e-324,
            "  sp",
            "trailing  ",
            "MiXeD CaSe",
            "\\",
            b"a",
            b"\\'\"",
            b"\x00",
            "2000-02-29",
            "2000-02-29 12:00:00.5",
            "2000-01-01 00:00:00.001",
            "00:00:00.01",
            2000,
            1,
            "b,c",
            "z",
        ),
    ]
    rows.append((4, *([None] * (ALLTYPES - 1))))
    rnd = random.Random(11)
    alphabet = ["a", "'", '"', "\\", "\n", "),(", ";", "é", "😀", "\x00", " ", "0x1", "Z"]
    for i in range(5, 260):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 30)))
        b = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 40)))
        rows.append(
            (
                i,
                rnd.randrange(-128, 128),
                rnd.randrange(256),
                rnd.randrange(-32768, 32768),
                rnd.randrange(-8388608, 8388608),
                rnd.randrange(-(2**31), 2**31),
                rnd.randrange(2**32),
                i * 1000003 - 2**40,
                rnd.randrange(2**64),
                f"{rnd.randrange(-(10**20), 10**20)}.{rnd.randrange(10**18):018d}",
                f"{rnd.randrange(-(10**7), 10**7)}.{rnd.randrange(100):02d}",
                rnd.uniform(-1e6, 1e6),
                rnd.uniform(-1e100, 1e100),
                s[:10].replace("\x00", "").rstrip(" "),
                s,
                s[:50],
                s * rnd.randrange(1, 4),
                b[:8],
                b,
                b * 3,
                f"{rnd.randrange(1001, 9999)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}",
                f"20{rnd.randrange(10, 40)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
                f" {rnd.randrange(24):02d}:{rnd.randrange(60):02d}:{rnd.randrange(60):02d}"
                f".{rnd.randrange(10**6):06d}",
                f"20{rnd.randrange(10, 37)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
                f" {rnd.randrange(24):02d}:{rnd.randrange(60):02d}:{rnd.randrange(60):02d}"
                f".{rnd.randrange(1000):03d}",
                f"{rnd.randrange(-838, 839)}:{rnd.randrange(60):02d}:{rnd.randrange(60):02d}"
                f".{rnd.randrange(100):02d}",
                rnd.randrange(1901, 2156),
                rnd.randrange(4096),
                rnd.choice(["a", "b,c", "d'e", None]),
                rnd.choice(["", "x", "y,z", "x,z", None]),
            )
        )
    return rows


def other_rows() -> dict[str, list[tuple[Any, ...]]]:
    rnd = random.Random(5)
    nopk = [
        (rnd.randrange(50), f"v{rnd.randrange(10)}'\\", f"{rnd.randrange(-9999, 9999)}.5")
        for _ in range(300)
    ]
    nopk += [(None, None, None), (1, "dup", "1.000"), (1, "dup", "1.000")]
    strpk = [(f"K-{i:05d}-ü😀", i, None if i % 4 == 0 else f"n\t{i}") for i in range(200)]
    autoinc = [(i * 3, f"r{i}") for i in range(1, 150)]
    return {"nopk": nopk, "strpk": strpk, "autoinc": autoinc}


@pytest.fixture(scope="module")
def source(mariadb_server: MariaDB, tmp_path_factory: pytest.TempPathFactory) -> Path:
    mariadb_server.execute(
        f"DROP DATABASE IF EXISTS {DB}",
        f"CREATE DATABASE {DB} DEFAULT CHARACTER SET utf8mb4",
        *(ddl.format(db=DB) for ddl in TABLES.values()),
    )
    conn = mariadb_server.connect(DB)
    try:
        with conn.cursor() as cur:
            cur.execute("SET time_zone = '+00:00'")
            cur.executemany(
                f"INSERT INTO alltypes VALUES ({','.join(['%s'] * ALLTYPES)})", alltypes_rows()
            )
            for table, rows in other_rows().items():
                cur.executemany(
                    f"INSERT INTO {table} VALUES ({','.join(['%s'] * len(rows[0]))})", rows
                )
    finally:
        conn.close()
    out = tmp_path_factory.mktemp("mydumper")
    # Small files: every table is spread over several data files.
    mariadb_server.mydumper(out, "-B", DB, "--rows", "60")
    return out


def rows_of(conn: Any, table: str, order: str) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {DB}.{table} ORDER BY {order}")
        return [tuple(r) for r in cur.fetchall()]


ORDER = {"alltypes": "id", "nopk": "a, b, c", "strpk": "code", "autoinc": "id"}


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-45)
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    if isinstance(a, timedelta) and isinstance(b, timedelta):
        return a == b
    return bool(a == b)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    s = Stack.start(tmp_path_factory.mktemp("stack"))
    yield s
    s.stop()


def test_mydumper_dump_imports_and_every_row_reads_back_as_in_mariadb(
    mariadb_server: MariaDB, source: Path, stack: Stack
) -> None:
    assert len(list(source.glob(f"{DB}.alltypes.*.sql"))) > 2
    result = stack.run_encoder(source, "--workers", "2")
    assert result.returncode == 0, result.stderr[-4000:]
    lines = summary_lines(result.stdout)
    assert {n: "verified 0x" in line for n, line in lines.items()} == {
        f"`{DB}`.`{t}`": True for t in TABLES
    }
    import pymysql

    host, port = stack.cluster.sql_addr.rsplit(":", 1)
    pg = pymysql.connect(host=host, port=int(port), user="root")
    maria = mariadb_server.connect()
    try:
        with maria.cursor() as cur:
            cur.execute("SET time_zone = '+00:00'")
        for table, order in ORDER.items():
            want = rows_of(maria, table, order)
            got = rows_of(pg, table, order)
            assert len(got) == len(want), table
            for w, g in zip(want, got, strict=True):
                diffs = [
                    (i, wv, gv)
                    for i, (wv, gv) in enumerate(zip(w, g, strict=True))
                    if not same_value(wv, gv)
                ]
                assert not diffs, (table, w[0], diffs)
    finally:
        pg.close()
        maria.close()
    # Allocators continue after the imported values.
    auto = stack.query(
        "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.tables"
        f" WHERE TABLE_SCHEMA = '{DB}'"
    )
    assert dict(auto)["autoinc"] > 149 * 3
