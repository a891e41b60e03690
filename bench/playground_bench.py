"""Prints the playground's throughput: Write + MultiIngest to 3 replicas, KvScan read-back,
ADMIN CHECKSUM over SQL. Figures for sizing tests against it, not a timed test.

Usage: python bench/playground_bench.py [--pairs 200000] [--value-size 100] [--batch 4096]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pymysql
import structlog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.cluster import Cluster, ClusterConfig
from tests.support.tikv_rpc import ClusterRpc
from tidbkv import keys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--value-size", type=int, default=100)
    parser.add_argument("--region-pairs", type=int, default=50_000)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory() as tmp, Cluster(ClusterConfig(data_dir=Path(tmp))) as c:
        rpc = ClusterRpc(c.pd_addr, c.cluster_id, c.store_addrs)
        host, port = c.sql_addr.rsplit(":", 1)
        conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE bench")
            cur.execute("CREATE TABLE bench.t (id bigint PRIMARY KEY, v varchar(255))")
        tid = c.tidb.catalog.table("bench", "t").id
        value = b"x" * args.value_size
        pairs = [(keys.encode_row_key_with_handle(tid, i), value) for i in range(args.pairs)]
        size = sum(len(k) + len(v) for k, v in pairs)
        # Pre-split so each region gets region_pairs pairs, as the importer would.
        for i in range(args.region_pairs, args.pairs, args.region_pairs):
            c.faults.split(pairs[i][0])
        ts = rpc.tso()
        t0 = time.perf_counter()
        for i in range(0, args.pairs, args.region_pairs):
            chunk = pairs[i : i + args.region_pairs]
            region, leader = rpc.region_of(chunk[0][0])
            meta = rpc.meta_for(region, chunk)
            meta.uuid = uuid.uuid4().bytes
            metas = rpc.write(region, leader, chunk, ts, meta=meta)
            resp = rpc.ingest(region, leader, metas)
            assert not resp.HasField("error"), resp
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        got = c.read_all(*keys.record_range(tid))
        t_read = time.perf_counter() - t0
        assert len(got) == args.pairs
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute("ADMIN CHECKSUM TABLE bench.t")
            row = cur.fetchone()
        t_sum = time.perf_counter() - t0
        assert row is not None and row[3] == args.pairs
        conn.close()
        rpc.close()
    mb = size / (1 << 20)
    print(f"pairs={args.pairs} value_size={args.value_size} data={mb:.1f} MiB replicas=3")
    print(
        f"write+ingest (3 replicas): {t_write:.2f} s  {args.pairs / t_write:,.0f} KV/s  {mb / t_write:.1f} MiB/s"
    )
    print(f"KvScan read-back:          {t_read:.2f} s  {args.pairs / t_read:,.0f} KV/s")
    print(f"ADMIN CHECKSUM TABLE:      {t_sum:.2f} s  {args.pairs / t_sum:,.0f} KV/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
