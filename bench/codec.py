"""Encoder throughput on one core: KV pairs/s and rows/s of tidbkv.table.TableEncoder.

Shapes:

* sbtest — sysbench's table: id INT PRIMARY KEY (the handle), k INT with a secondary index,
  c CHAR(120), pad CHAR(60); 2 KV pairs per row (record + index).
* wide — TPC-C's CUSTOMER as in Lightning's BenchmarkSQL2KV: 21 mixed columns (ints,
  DECIMALs, CHAR/VARCHAR up to 500, TIMESTAMP) with a non-clustered composite primary key;
  2 KV pairs per row (record + unique index).

Each shape is run through the fast path (``encode``) and the reference path
(``encode_generic``). Usage: ``python bench/codec.py [--rows N] [--repeat R]``; prints the best
of R runs. Run it alone on an otherwise idle core.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.tidbkv_schema import col, ft, index, table
from tidbkv import mysqltypes as m
from tidbkv.literals import Literal
from tidbkv.schema import TableInfo
from tidbkv.table import TableEncoder


def sbtest_table() -> TableInfo:
    return table(
        100,
        [
            col("id", ft(m.TYPE_LONG, not_null=True, flag=m.AUTO_INCREMENT_FLAG)),
            col("k", ft(m.TYPE_LONG, not_null=True), default="0"),
            col("c", ft(m.TYPE_STRING, flen=120, not_null=True), default=""),
            col("pad", ft(m.TYPE_STRING, flen=60, not_null=True), default=""),
        ],
        indices=[index(1, "PRIMARY", ["id"], primary=True), index(2, "k_1", ["k"])],
        pk_is_handle=True,
        name="sbtest1",
    )


def _digits(rng: random.Random, groups: int) -> bytes:
    return "-".join(f"{rng.randrange(10**11):011d}" for _ in range(groups)).encode()


def sbtest_rows(n: int) -> list[Sequence[Literal]]:
    rng = random.Random(1)
    return [
        [i, rng.randrange(1, n + 1), _digits(rng, 10), _digits(rng, 5)] for i in range(1, n + 1)
    ]


def wide_table() -> TableInfo:
    dec = ft(m.TYPE_NEWDECIMAL, flen=12, decimal=2)
    return table(
        101,
        [
            col("c_w_id", ft(m.TYPE_LONG, not_null=True)),
            col("c_d_id", ft(m.TYPE_LONG, not_null=True)),
            col("c_id", ft(m.TYPE_LONG, not_null=True)),
            col("c_discount", ft(m.TYPE_NEWDECIMAL, flen=4, decimal=4)),
            col("c_credit", ft(m.TYPE_STRING, flen=2)),
            col("c_last", ft(m.TYPE_VARCHAR, flen=16)),
            col("c_first", ft(m.TYPE_VARCHAR, flen=16)),
            col("c_credit_lim", dec),
            col("c_balance", dec),
            col("c_ytd_payment", dec),
            col("c_payment_cnt", ft(m.TYPE_LONG)),
            col("c_delivery_cnt", ft(m.TYPE_LONG)),
            col("c_street_1", ft(m.TYPE_VARCHAR, flen=20)),
            col("c_street_2", ft(m.TYPE_VARCHAR, flen=20)),
            col("c_city", ft(m.TYPE_VARCHAR, flen=20)),
            col("c_state", ft(m.TYPE_STRING, flen=2)),
            col("c_zip", ft(m.TYPE_STRING, flen=9)),
            col("c_phone", ft(m.TYPE_STRING, flen=16)),
            col("c_since", ft(m.TYPE_TIMESTAMP, decimal=6)),
            col("c_middle", ft(m.TYPE_STRING, flen=2)),
            col("c_data", ft(m.TYPE_VARCHAR, flen=500)),
        ],
        indices=[index(1, "PRIMARY", ["c_w_id", "c_d_id", "c_id"], primary=True)],
        name="bmsql_customer",
    )


def wide_rows(n: int) -> list[Sequence[Literal]]:
    rng = random.Random(2)
    data = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(400))
    return [
        [
            15,
            10,
            i,
            b"0.3646",
            b"GC",
            b"CALLYPRIANTI",
            b"Rg6mDFlVnP5yh",
            b"50000.0",
            b"-10.0",
            b"10.0",
            1,
            0,
            b"aJK7CuRnE0NUxNHSX",
            b"Q1rps77cXYoj",
            b"MigXbS6UoUS",
            b"UJ",
            b"638611111",
            b"7743262784364376",
            b"2020-02-05 19:29:58.903970",
            b"OE",
            data[: 300 + i % 100],
        ]
        for i in range(1, n + 1)
    ]


def run(
    fn: Callable[[Sequence[Literal], int], object], rows: list[Sequence[Literal]], repeat: int
) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for i, row in enumerate(rows, 1):
            fn(row, i)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    shapes = [
        ("sbtest", sbtest_table(), sbtest_rows(args.rows)),
        ("wide", wide_table(), wide_rows(args.rows)),
    ]
    print(f"{'shape':8} {'path':8} {'rows':>8} {'pairs/row':>9} {'rows/s':>10} {'pairs/s':>10}")
    for name, t, rows in shapes:
        enc = TableEncoder(t, time_zone="UTC")
        data, idx = enc.encode(rows[0], 1)
        pairs_per_row = len(data) + len(idx)
        for path, fn in (("fast", enc.encode), ("generic", enc.encode_generic)):
            secs = run(fn, rows, args.repeat)
            rate = len(rows) / secs
            print(
                f"{name:8} {path:8} {len(rows):>8} {pairs_per_row:>9} {rate:>10,.0f} {rate * pairs_per_row:>10,.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
