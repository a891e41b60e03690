"""Prints the playground's cost per phase: Write + MultiIngest to 3 replicas, ADMIN CHECKSUM
over SQL, KvScan read-back. Figures for sizing work against it, not a timed test.

The playground runs as its own process (``playground up``), as in an import; the bench sends it
sbtest-shaped KVs (a 19-byte record key with a ~190-byte row value, and a ~38-byte index key
with a one-byte value, per row) the way the importer does: regions pre-split, one Write stream
to every peer at once (pre-serialized ~1 MiB batches), then MultiIngest on the leader. For each
phase it prints wall seconds, the playground process's CPU seconds (user + system, all its
threads, LevelDB's included) and CPU seconds per MB of KV data, which does not depend on what
else the machine is doing.

Usage: python bench/playground_bench.py [--rows 200000] [--region-rows 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protos import import_sstpb_pb2, kvrpcpb_pb2, pdpb_pb2, pdpb_pb2_grpc, tikvpb_pb2_grpc
from tidbkv import keys
from tidbkv.codec import decode_bytes, encode_bytes, encode_int

BIN = Path(sys.executable).parent
BATCH_BYTES = 1 << 20  # the importer's send-kv-size
WRITE = "/import_sstpb.ImportSST/Write"
MULTI_INGEST = "/import_sstpb.ImportSST/MultiIngest"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_playground(data_dir: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    cmd = [str(BIN / "playground"), "up", "--data-dir", str(data_dir), "--pd-port", "0"]
    cmd += ["--store-port", "0", "--sql-port", "0", "--status-port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    addrs: dict[str, str] = {}
    for line in proc.stdout:
        if line.strip() == "ready":
            return proc, addrs
        parts = line.split()
        if len(parts) == 2:
            addrs[parts[0]] = parts[1]
    raise SystemExit("playground did not start")


def sbtest_pairs(table_id: int, index_id: int, rows: int) -> tuple[list[Any], list[Any]]:
    """(record pairs, index pairs), each in key order."""
    rnd = random.Random(1)
    digits = b"0123456789"
    records = []
    index = []
    iprefix = keys.index_prefix(table_id, index_id)
    for i in range(1, rows + 1):
        c = bytes(rnd.choices(digits, k=120))
        pad = bytes(rnd.choices(digits, k=60))
        value = b"\x80\x00\x03\x00\x00\x00\x02\x03\x04\x04\x00\x08\x00\x80\x00\xbc\x00" + c + pad
        records.append((keys.encode_row_key_with_handle(table_id, i), value))
        k = rnd.randrange(rows)
        index.append((iprefix + b"\x03" + encode_int(k) + b"\x03" + encode_int(i), b"0"))
    index.sort()
    return records, index


class Client:
    """PD lookups and raw ImportSST streams (requests serialized once for all peers)."""

    def __init__(self, addrs: dict[str, str]) -> None:
        self.pd_channel = grpc.insecure_channel(addrs["pd"])
        self.pd = pdpb_pb2_grpc.PDStub(self.pd_channel)
        members = self.pd.GetMembers(pdpb_pb2.GetMembersRequest())
        self.header = pdpb_pb2.RequestHeader(cluster_id=members.header.cluster_id)
        self.stores: dict[int, grpc.Channel] = {}
        for name, addr in addrs.items():
            if name.startswith("tikv-"):
                self.stores[int(name[5:])] = grpc.insecure_channel(addr)
        self.pool = futures.ThreadPoolExecutor(8)

    def tso(self) -> int:
        req = pdpb_pb2.TsoRequest(header=self.header, count=1)
        resp = next(iter(self.pd.Tso(iter([req]))))
        return int(resp.timestamp.physical << 18 | resp.timestamp.logical)

    def region(self, raw_key: bytes) -> tuple[Any, Any]:
        resp = self.pd.GetRegion(
            pdpb_pb2.GetRegionRequest(header=self.header, region_key=encode_bytes(raw_key))
        )
        return resp.region, resp.leader

    def split(self, raw_keys: list[bytes]) -> None:
        region, leader = self.region(raw_keys[0])
        req = kvrpcpb_pb2.SplitRegionRequest(split_keys=raw_keys)
        req.context.region_id = region.id
        req.context.region_epoch.CopyFrom(region.region_epoch)
        req.context.peer.CopyFrom(leader)
        resp = tikvpb_pb2_grpc.TikvStub(self.stores[leader.store_id]).SplitRegion(req)
        assert not resp.HasField("region_error"), resp.region_error

    def write(self, pairs: list[tuple[bytes, bytes]], ts: int) -> tuple[Any, Any, list[Any]]:
        region, leader = self.region(pairs[0][0])
        meta = import_sstpb_pb2.SSTMeta(uuid=uuid.uuid4().bytes, region_id=region.id)
        meta.region_epoch.CopyFrom(region.region_epoch)
        meta.range.start = encode_bytes(pairs[0][0])
        meta.range.end = encode_bytes(pairs[-1][0])
        msgs = [import_sstpb_pb2.WriteRequest(meta=meta).SerializeToString()]
        req = import_sstpb_pb2.WriteRequest()
        req.batch.commit_ts = ts
        size = 0
        for k, v in pairs:
            req.batch.pairs.add(key=k, value=v)
            size += len(k) + len(v)
            if size >= BATCH_BYTES:
                msgs.append(req.SerializeToString())
                req = import_sstpb_pb2.WriteRequest()
                req.batch.commit_ts = ts
                size = 0
        if size:
            msgs.append(req.SerializeToString())

        def one(store_id: int) -> Any:
            call = self.stores[store_id].stream_unary(
                WRITE, None, import_sstpb_pb2.WriteResponse.FromString
            )
            return call(iter(msgs))

        results = list(self.pool.map(one, [p.store_id for p in region.peers]))
        metas = next(r.metas for p, r in zip(region.peers, results, strict=True) if p == leader)
        return region, leader, list(metas)

    def ingest(self, region: Any, leader: Any, metas: list[Any]) -> None:
        req = import_sstpb_pb2.MultiIngestRequest(ssts=metas)
        req.context.region_id = region.id
        req.context.region_epoch.CopyFrom(region.region_epoch)
        req.context.peer.CopyFrom(leader)
        call = self.stores[leader.store_id].unary_unary(
            MULTI_INGEST,
            import_sstpb_pb2.MultiIngestRequest.SerializeToString,
            import_sstpb_pb2.IngestResponse.FromString,
        )
        resp = call(req)
        assert not resp.HasField("error"), resp.error

    def scan_all(self, start: bytes, end: bytes) -> int:
        n = 0
        cur = start
        while True:
            region, leader = self.region(cur)
            req = kvrpcpb_pb2.ScanRequest(start_key=cur, end_key=end, limit=4096)
            req.version = (1 << 64) - 1
            req.context.region_id = region.id
            req.context.region_epoch.CopyFrom(region.region_epoch)
            req.context.peer.CopyFrom(leader)
            resp = tikvpb_pb2_grpc.TikvStub(self.stores[leader.store_id]).KvScan(req)
            assert not resp.HasField("region_error"), resp.region_error
            n += len(resp.pairs)
            if len(resp.pairs) == 4096:
                cur = resp.pairs[-1].key + b"\x00"
            elif region.end_key and region.end_key < encode_bytes(end):
                cur = decode_bytes(region.end_key)[0]
            else:
                return n

    def close(self) -> None:
        self.pool.shutdown()
        self.pd_channel.close()
        for ch in self.stores.values():
            ch.close()


class Phase:
    """Wall and playground CPU seconds of one phase."""

    def __init__(self, pid: int, name: str, mb: float) -> None:
        self.pid, self.name, self.mb = pid, name, mb

    def __enter__(self) -> Phase:
        self.cpu0 = cpu_seconds(self.pid)
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        cpu = cpu_seconds(self.pid) - self.cpu0
        print(
            f"{self.name:<28} wall {wall:6.2f} s  {self.mb / wall:6.1f} MB/s"
            f"   playground CPU {cpu:6.2f} s  {cpu / self.mb:.3f} CPU-s/MB",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--region-rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        proc, addrs = start_playground(Path(tmp) / "pg")
        try:
            run(args, proc.pid, addrs)
        finally:
            proc.terminate()
            proc.wait(60)
    return 0


def run(args: argparse.Namespace, pid: int, addrs: dict[str, str]) -> None:
    host, port = addrs["tidb"].rsplit(":", 1)
    conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE bench")
        cur.execute(
            "CREATE TABLE bench.sbtest1 (id INT NOT NULL PRIMARY KEY, k INT NOT NULL,"
            " c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k_1 (k))"
        )
    with urllib.request.urlopen(f"http://{addrs['tidb-status']}/schema/bench/sbtest1") as r:
        info = json.load(r)
    tid = info["id"]
    index_id = info["index_info"][0]["id"]
    records, index = sbtest_pairs(tid, index_id, args.rows)
    kvs = len(records) + len(index)
    mb = sum(len(k) + len(v) for part in (records, index) for k, v in part) / 1e6
    client = Client(addrs)
    chunks = [records[i : i + args.region_rows] for i in range(0, len(records), args.region_rows)]
    chunks += [index[i : i + args.region_rows] for i in range(0, len(index), args.region_rows)]
    client.split(sorted([c[0][0] for c in chunks] + [keys.index_prefix(tid, index_id + 1)]))
    ts = client.tso()
    print(f"rows={args.rows} kvs={kvs:,} data={mb:.1f} MB regions={len(chunks)} replicas=3")
    written = []
    with Phase(pid, "Write (3 peers)", mb):
        threads = []
        lock = threading.Lock()

        def write(chunk: list[tuple[bytes, bytes]]) -> None:
            out = client.write(chunk, ts)
            with lock:
                written.append(out)

        for chunk in chunks:  # two regions at a time, as the importer's store slots allow
            threads.append(threading.Thread(target=write, args=(chunk,)))
        for i in range(0, len(threads), 2):
            for t in threads[i : i + 2]:
                t.start()
            for t in threads[i : i + 2]:
                t.join()
    with Phase(pid, "MultiIngest", mb):
        for region, leader, metas in written:
            client.ingest(region, leader, metas)
    with Phase(pid, "ADMIN CHECKSUM TABLE", mb), conn.cursor() as cur:
        cur.execute("ADMIN CHECKSUM TABLE bench.sbtest1")
        row = cur.fetchone()
        assert row is not None and int(row[3]) == kvs, row
    with Phase(pid, "KvScan read-back", mb):
        n = client.scan_all(*keys.table_range(tid))
        assert n == kvs, n
    conn.close()
    client.close()


if __name__ == "__main__":
    sys.exit(main())
