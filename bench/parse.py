"""Parse throughput of the dump reader on an sbtest-shaped dump: MB/s, rows/s, peak RSS.

Generates (in a temp dir, removed afterwards unless --keep) a mydumper-style SQL dump of
sysbench's ``sbtest1`` (id INT, k INT, c CHAR(120), pad CHAR(60); multi-row INSERT statements
of about 1 MB) and the same rows as CSV, then reads them through the public API
(``scan_dump`` -> ``plan_chunks`` -> ``read_chunk``) into Python row tuples. Each measurement
runs in a fresh child process, one at a time, so the figures are one core and the peak RSS is
that measurement's own.

    python bench/parse.py --size-mb 200

Cases: SQL with the fast path (column types known), SQL through the generic parser only (on a
slice), CSV, and the planning scan that finds row boundaries to split a large SQL file (here
into four chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from encoder.source import (  # noqa: E402
    CSVConfig,
    MydumperConfig,
    ReadOptions,
    RowShape,
    plan_chunks,
    read_chunk,
    scan_dump,
)
from tidbkv import mysqltypes as mt  # noqa: E402
from tidbkv.schema import FieldType  # noqa: E402

SCHEMA = (
    "CREATE TABLE `sbtest1` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `k` int NOT NULL DEFAULT '0',\n"
    "  `c` char(120) NOT NULL DEFAULT '',\n  `pad` char(60) NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (`id`),\n  KEY `k_1` (`k`)\n);\n"
)
NOT_NULL = mt.NOT_NULL_FLAG
SHAPE = RowShape.from_field_types(
    ["id", "k", "c", "pad"],
    [
        FieldType(mt.TYPE_LONG, NOT_NULL),
        FieldType(mt.TYPE_LONG, NOT_NULL),
        FieldType(mt.TYPE_STRING, NOT_NULL, 120),
        FieldType(mt.TYPE_STRING, NOT_NULL, 60),
    ],
)
STATEMENT_BYTES = 1_000_000
_DIGITS = bytes((48 + i % 10) for i in range(256))


def _groups(raw: bytes, n: int) -> bytes:
    return b"-".join(raw[i * 11 : i * 11 + 11] for i in range(n))


def generate(out: Path, size_mb: int) -> tuple[int, int, int]:
    """Write db-schema-create, table schema, one SQL file and one CSV file of ~size_mb MB."""
    db = out / "sql"
    cdir = out / "csv"
    db.mkdir(parents=True)
    cdir.mkdir(parents=True)
    for d in (db, cdir):
        (d / "sbtest-schema-create.sql").write_text("CREATE DATABASE `sbtest`;\n")
        (d / "sbtest.sbtest1-schema.sql").write_text(SCHEMA)
    target = size_mb * 1_000_000
    rows = 0
    sql_size = 0
    csv_size = 0
    header = b"/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n"
    with (
        (db / "sbtest.sbtest1.000000001.sql").open("wb") as fs,
        (cdir / "sbtest.sbtest1.000000001.csv").open("wb") as fc,
    ):
        fs.write(header)
        sql_size += len(header)
        while sql_size < target:
            parts: list[bytes] = []
            csv_parts: list[bytes] = []
            size = 0
            raw = os.urandom(165 * 4096).translate(_DIGITS)
            k_raw = os.urandom(4 * 4096)
            for j in range(4096):
                rows += 1
                base = raw[j * 165 : j * 165 + 165]
                c, pad = _groups(base, 10), _groups(base[110:], 5)
                k = int.from_bytes(k_raw[j * 4 : j * 4 + 4], "big") % 1_000_000
                parts.append(b"(%d,%d,'%s','%s')" % (rows, k, c, pad))
                csv_parts.append(b'%d,%d,"%s","%s"\n' % (rows, k, c, pad))
                size += len(parts[-1]) + 1
                if size >= STATEMENT_BYTES:
                    break
            stmt = b"INSERT INTO `sbtest1` VALUES " + b",".join(parts) + b";\n"
            body = b"".join(csv_parts)
            fs.write(stmt)
            fc.write(body)
            sql_size += len(stmt)
            csv_size += len(body)
    return rows, sql_size, csv_size


def worker(case: str, root: Path, limit_mb: int) -> dict[str, float]:
    """One measurement; runs in its own process."""
    if case == "split":
        size = scan_dump(root / "sql").table("sbtest", "sbtest1").total_size
        cfg = MydumperConfig(max_region_size=max(size // 4, 1 << 20))
        table = scan_dump(root / "sql", cfg).table("sbtest", "sbtest1")
        start = time.perf_counter()
        chunks = plan_chunks(root / "sql", table, 4, cfg)
        elapsed = time.perf_counter() - start
        return {"bytes": table.total_size, "rows": 0, "seconds": elapsed, "chunks": len(chunks)}
    csv = case == "csv"
    cfg = MydumperConfig(csv=CSVConfig(header=False))
    table = scan_dump(root / ("csv" if csv else "sql"), cfg).table("sbtest", "sbtest1")
    (chunk,) = plan_chunks(root / ("csv" if csv else "sql"), table, 4, cfg)
    opts = ReadOptions(shape=None if case == "sql-generic" else SHAPE, csv=cfg.csv)
    limit = limit_mb * 1_000_000 if limit_mb else None
    rows = 0
    end = 0
    start = time.perf_counter()
    for batch in read_chunk(root / ("csv" if csv else "sql"), chunk, opts):
        rows += len(batch.rows)
        end = batch.end_pos
        if limit is not None and end >= limit:
            break
    elapsed = time.perf_counter() - start
    return {"bytes": end, "rows": rows, "seconds": elapsed}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--size-mb", type=int, default=200, help="size of the generated SQL file")
    ap.add_argument("--generic-mb", type=int, default=40, help="MB read in the generic-only case")
    ap.add_argument("--dir", type=Path, help="use/keep the dump here instead of a temp dir")
    ap.add_argument("--keep", action="store_true", help="do not delete the generated dump")
    ap.add_argument(
        "--worker", nargs=3, metavar=("CASE", "ROOT", "LIMIT_MB"), help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.worker:
        case, root, limit = args.worker
        result = worker(case, Path(root), int(limit))
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0

    out = args.dir or Path(tempfile.mkdtemp(prefix="flashload-bench-"))
    try:
        if not (out / "sql").exists():
            t = time.perf_counter()
            rows, sql_size, csv_size = generate(out, args.size_mb)
            print(
                f"generated {rows:,} rows: SQL {sql_size / 1e6:.1f} MB, CSV {csv_size / 1e6:.1f} MB "
                f"in {time.perf_counter() - t:.1f} s ({out})"
            )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, one process per case")
        print(
            f"{'case':<28}{'MB':>9}{'rows':>12}{'s':>8}{'MB/s':>9}{'rows/s':>11}{'peak RSS MB':>13}"
        )
        cases = [
            ("sql-fast", "SQL, fast path", 0),
            ("sql-generic", "SQL, generic parser only", args.generic_mb),
            ("csv", "CSV", 0),
            ("split", "SQL cut-point scan", 0),
        ]
        for case, label, limit in cases:
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", case, str(out), str(limit)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            mb = r["bytes"] / 1e6
            rows_s = f"{r['rows'] / r['seconds']:>11,.0f}" if r["rows"] else f"{'-':>11}"
            extra = f"  ({int(r['chunks'])} chunks)" if "chunks" in r else ""
            print(
                f"{label:<28}{mb:>9.1f}{int(r['rows']):>12,}{r['seconds']:>8.2f}"
                f"{mb / r['seconds']:>9.1f}{rows_s}{r['max_rss_mb']:>13.1f}{extra}"
            )
    finally:
        if not (args.keep or args.dir):
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
