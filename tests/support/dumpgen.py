"""Generated mydumper-style dumps for end-to-end tests and benchmarks.

``sbtest_dump(root, db, tables, rows, files)`` writes sysbench-shaped tables (``id`` INT
AUTO_INCREMENT primary key, ``k`` INT with an index, ``c`` CHAR(120), ``pad`` CHAR(60)) the way
mydumper does: a ``{db}-schema-create.sql``, a ``{db}.{t}-schema.sql`` per table and
``{db}.{t}.{nnnnn}.sql`` data files holding multi-row INSERT statements.
``mixed_dump(root, db, rows)`` adds a table of many column types without a primary key.
Deterministic for a given seed.

Public API: ``sbtest_dump``, ``sbtest_rows``, ``mixed_dump``, ``write_sql_rows``,
``SBTEST_SCHEMA``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

HEADER = "/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n\n"
DATA_HEADER = HEADER + "/*!40103 SET TIME_ZONE='+00:00' */;\n"
SBTEST_SCHEMA = """CREATE TABLE `{name}` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `k` int(11) NOT NULL DEFAULT '0',
  `c` char(120) NOT NULL DEFAULT '',
  `pad` char(60) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `k_1` (`k`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;
"""
MIXED_SCHEMA = """CREATE TABLE `{name}` (
  `a` bigint(20) DEFAULT NULL,
  `b` decimal(20,6) DEFAULT NULL,
  `c` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL,
  `d` datetime(3) DEFAULT NULL,
  `e` double DEFAULT NULL,
  `f` enum('x','y','z') DEFAULT 'x',
  `g` varbinary(16) DEFAULT NULL,
  `h` date DEFAULT NULL,
  `i` tinyint(3) unsigned NOT NULL DEFAULT '7',
  KEY `idx_c` (`c`),
  UNIQUE KEY `uk_a` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""
ROWS_PER_STATEMENT = 500


# Distinct c / pad strings per table; rows pick from them (fast to generate, like sysbench's).
STRING_POOL = 4096


def _digits(rng: random.Random, n: int) -> str:
    groups = (f"{rng.getrandbits(40) % 10**11:011d}" for _ in range(n // 12 + 1))
    return "-".join(groups)[:n]


def _pools(rng: random.Random) -> tuple[list[str], list[str]]:
    return (
        [_digits(rng, 119) for _ in range(STRING_POOL)],
        [_digits(rng, 59) for _ in range(STRING_POOL)],
    )


def sbtest_rows(rng: random.Random, lo: int, hi: int, table_rows: int) -> Iterator[str]:
    """Rows ``lo..hi`` of a sysbench table (``(id,k,'c','pad')``)."""
    cs, pads = _pools(rng)
    top = max(table_rows, 2)
    bits = rng.getrandbits
    for i in range(lo, hi + 1):
        k = rng.randint(1, top)
        r = bits(24)
        yield f"({i},{k},'{cs[r & 4095]}','{pads[r >> 12]}')"


def write_sql_rows(path: Path, table: str, rows: Iterable[str], header: str = DATA_HEADER) -> int:
    """Writes ``rows`` (SQL tuples) as multi-row INSERT statements; returns bytes written."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) == ROWS_PER_STATEMENT:
                f.write(f"INSERT INTO `{table}` VALUES\n" + ",\n".join(batch) + ";\n")
                batch = []
        if batch:
            f.write(f"INSERT INTO `{table}` VALUES\n" + ",\n".join(batch) + ";\n")
    return path.stat().st_size


def _schema_files(root: Path, db: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{db}-schema-create.sql").write_text(
        f"CREATE DATABASE `{db}` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n"
    )
    # mydumper's bookkeeping file: myloader refuses a directory without it.
    (root / "metadata").write_text(
        "Started dump at: 2024-01-01 00:00:00\nFinished dump at: 2024-01-01 00:00:01\n"
    )


def sbtest_dump(
    root: Path,
    db: str = "sbtest",
    tables: int = 2,
    rows: int = 2000,
    files: int = 2,
    seed: int = 1,
    names: Sequence[str] | None = None,
) -> int:
    """Writes sbtest tables into ``root``; returns the bytes of data written."""
    _schema_files(root, db)
    total = 0
    for t in range(tables):
        name = names[t] if names else f"sbtest{t + 1}"
        (root / f"{db}.{name}-schema.sql").write_text(HEADER + SBTEST_SCHEMA.format(name=name))
        rng = random.Random(seed * 1000 + t)
        per_file = -(-rows // files)
        for f in range(files):
            lo = f * per_file + 1
            hi = min(rows, (f + 1) * per_file)
            if lo > hi:
                break
            gen = sbtest_rows(rng, lo, hi, rows)
            total += write_sql_rows(root / f"{db}.{name}.{f:05d}.sql", name, gen)
    return total


def _hex(data: bytes) -> str:
    return "0x" + data.hex() if data else "''"


def mixed_row(rng: random.Random, i: int) -> str:
    def maybe(v: str) -> str:
        return "NULL" if rng.random() < 0.1 else v

    word = rng.choice(["alpha", "Bravo", "çédille", "日本語", "tab\\there", "quote\\'s", "x" * 40])
    return (
        "("
        + ",".join(
            [
                str(i * 7919 - 500_000),
                maybe(f"{rng.randint(-(10**9), 10**9)}.{rng.randint(0, 999999):06d}"),
                maybe(f"'{word} {i}'"),
                maybe(
                    f"'20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                    f".{rng.randint(0, 999):03d}'"
                ),
                maybe(repr(rng.uniform(-1e6, 1e6))),
                maybe(f"'{rng.choice('xyz')}'"),
                maybe(_hex(bytes(rng.randrange(256) for _ in range(rng.randint(0, 16))))),
                maybe(
                    f"'19{rng.randint(70, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}'"
                ),
                str(rng.randint(0, 255)),
            ]
        )
        + ")"
    )


def mixed_dump(root: Path, db: str = "mixed", rows: int = 1000, seed: int = 2) -> int:
    """A table of many types without a primary key (implicit row ids), unique and plain
    indexes; returns the bytes of data written."""
    _schema_files(root, db)
    (root / f"{db}.types-schema.sql").write_text(HEADER + MIXED_SCHEMA.format(name="types"))
    rng = random.Random(seed)
    return write_sql_rows(
        root / f"{db}.types.00000.sql", "types", (mixed_row(rng, i) for i in range(rows))
    )
