"""Importer benchmark: engine write rate vs a raw plyvel floor, and an end-to-end import.

    python bench/importer.py                          # quick: 500k pairs, 64 MiB engine
    python bench/importer.py --engine-size 1GiB       # the full end-to-end figure (slow)
    python bench/importer.py --skip-import            # write rates only
    python bench/importer.py --engines 8 --engine-size 128MiB --skip-writes
                                                      # memory: 8 engines at once
    python bench/importer.py --engines 8 --engine-size 128MiB --skip-writes --memory-budget 64GiB
                                                      # the same with no effective budget

1. Write rate (same pairs, same run, same LevelDB options, 1,000-pair batches):
   * floor: raw plyvel ``WriteBatch`` of each batch;
   * engine: ``importer.engine.Engine.write`` (sort + batch);
   * gRPC: ``WriteEngine`` streams into an ``importer serve`` child process, from this
     process, with the request messages serialized before the clock starts.
   Two key orders: row keys ascending per stream (data engines) and shuffled index keys.
2. End to end: an engine of ``--engine-size`` bytes (19-byte keys, 190-byte values) is written
   through gRPC into an ``importer serve`` child process, then imported into an in-process
   playground (PD + 3 stores); prints MB/s, regions, retries and the importer's peak RSS.
   With ``--engines N`` (N > 1): N engines of ``--engine-size`` each are written at once by
   two writers (like two encoder workers; even engines get ascending row keys, odd ones
   shuffled index-like keys), closed, then imported two at a time; prints the importer's peak
   RSS while writing and while importing (issue 6: under 500 MB whatever the engine size).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid as uuidlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import plyvel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.config import parse_size  # noqa: E402
from importer.engine import Engine, EngineOptions  # noqa: E402
from protos import import_kvpb_pb2 as pb  # noqa: E402
from protos import import_kvpb_pb2_grpc  # noqa: E402
from protos.kvbatch import encode_write_engine_batch, encode_write_engine_head  # noqa: E402

BATCH = 1000
VALUE_LEN = 190
PER_STREAM = 20  # batches per WriteEngine stream
STREAMS = 4  # concurrent WriteEngine streams (several encoders at once)


def row_key(table: int, handle: int) -> bytes:
    return (
        b"t"
        + (table ^ (1 << 63)).to_bytes(8, "big")
        + b"_r"
        + (handle ^ (1 << 63)).to_bytes(8, "big")
    )


def make_pairs(n: int, order: str, seed: int = 1) -> list[tuple[bytes, bytes]]:
    rnd = random.Random(seed)
    value = bytes(rnd.randrange(256) for _ in range(VALUE_LEN))
    if order == "ascending":
        return [(row_key(1, i), value) for i in range(n)]
    handles = list(range(n))
    rnd.shuffle(handles)
    return [(row_key(2, h), value) for h in handles]


def batches(pairs: list[tuple[bytes, bytes]]) -> list[list[tuple[bytes, bytes]]]:
    return [pairs[i : i + BATCH] for i in range(0, len(pairs), BATCH)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Child:
    """``importer serve`` in a child process."""

    def __init__(self, data_dir: Path, pd: str, extra_toml: str = "") -> None:
        self.log = data_dir.parent / f"{data_dir.name}.log"
        cfg = data_dir.parent / f"{data_dir.name}.toml"
        cfg.write_text("[import]\nmin-available-ratio = 0.0\n" + extra_toml)
        args = [
            sys.executable, "-m", "importer.cli", "serve", "--listen", "127.0.0.1:0",
            "--data-dir", str(data_dir), "--pd", pd, "--log-format", "json",
            "--config", str(cfg),
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        self.address = ""
        deadline = time.monotonic() + 30
        while not self.address:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("importer did not start: " + self.log.read_text()[-2000:])
            for line in self.log.read_text().splitlines():
                if '"importer started"' in line:
                    self.address = json.loads(line)["addr"]
            time.sleep(0.05)
        self.channel = grpc.insecure_channel(
            self.address,
            options=[("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)],
        )
        self.kv = import_kvpb_pb2_grpc.ImportKVStub(self.channel)
        self.write_raw = self.channel.stream_unary(
            "/import_kvpb.ImportKV/WriteEngine",
            request_serializer=lambda b: b,
            response_deserializer=pb.WriteEngineResponse.FromString,
        )

    def metric(self, name: str) -> float:
        text = self.kv.GetMetrics(pb.GetMetricsRequest()).prometheus
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name) and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self) -> float:
        peak = rss_peak_mb(self.proc.pid)
        self.channel.close()
        self.proc.terminate()
        self.proc.wait(60)
        return peak


def serialized_streams(uuid: bytes, bs: list[list[tuple[bytes, bytes]]]) -> list[list[bytes]]:
    head = pb.WriteEngineRequest(head=pb.WriteHead(uuid=uuid)).SerializeToString()
    streams = []
    for i in range(0, len(bs), PER_STREAM):
        msgs = [head]
        for batch in bs[i : i + PER_STREAM]:
            wb = pb.WriteBatch(commit_ts=1)
            for k, v in batch:
                wb.mutations.add(key=k, value=v)
            msgs.append(pb.WriteEngineRequest(batch=wb).SerializeToString())
        streams.append(msgs)
    return streams


def bench_writes(n: int, work: Path) -> None:
    opts = EngineOptions()
    print(f"== engine write rate: {n:,} pairs ({19}-byte keys, {VALUE_LEN}-byte values), "
          f"batches of {BATCH}, write_buffer_size = max_file_size = 64 MiB")  # fmt: skip
    child = Child(work / "wr-importer", "127.0.0.1:1")
    try:
        for order in ("ascending", "shuffled"):
            pairs = make_pairs(n, order)
            bs = batches(pairs)
            floor_dir = work / f"floor-{order}"
            db = plyvel.DB(
                str(floor_dir),
                create_if_missing=True,
                write_buffer_size=opts.write_buffer_size,
                max_file_size=opts.max_file_size,
                lru_cache_size=opts.block_cache_size,
            )
            t = time.perf_counter()
            for batch in bs:
                with db.write_batch() as wb:
                    for k, v in batch:
                        wb.put(k, v)
            floor = n / (time.perf_counter() - t)
            db.close()
            eng = Engine(work / f"engine-{order}", opts, create=True)
            t = time.perf_counter()
            for batch in bs:
                eng.write(list(batch))
            engine_rate = n / (time.perf_counter() - t)
            eng.close()
            u = uuidlib.uuid4().bytes
            child.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
            streams = serialized_streams(u, bs)
            t = time.perf_counter()
            cpu0 = cpu_seconds(child.proc.pid)
            with ThreadPoolExecutor(STREAMS) as pool:
                for resp in pool.map(lambda msgs: child.write_raw(iter(msgs)), streams):
                    assert not resp.HasField("error")
            grpc_s = time.perf_counter() - t
            grpc_rate = n / grpc_s
            server_cpu = cpu_seconds(child.proc.pid) - cpu0
            child.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
            child.kv.CleanupEngine(pb.CleanupEngineRequest(uuid=u))
            mb = n * (19 + VALUE_LEN) / 1e6
            print(f"  {order:9s} floor (raw plyvel)   {floor / 1e3:8.0f}k pairs/s "
                  f"{mb * floor / n:6.1f} MB/s")  # fmt: skip
            print(f"  {order:9s} Engine.write         {engine_rate / 1e3:8.0f}k pairs/s "
                  f"{100 * engine_rate / floor:5.0f}% of floor")  # fmt: skip
            print(f"  {order:9s} gRPC WriteEngine     {grpc_rate / 1e3:8.0f}k pairs/s "
                  f"{100 * grpc_rate / floor:5.0f}% of floor ({STREAMS} concurrent streams "
                  "into a child process)")  # fmt: skip
            print(f"  {'':9s}   importer CPU {server_cpu:.1f} s over {grpc_s:.1f} s wall "
                  f"= {n / server_cpu / 1e3:.0f}k pairs per CPU-second")  # fmt: skip
            shutil.rmtree(floor_dir)
            shutil.rmtree(work / f"engine-{order}")
    finally:
        print(f"  importer peak RSS during writes: {child.stop():.0f} MB")


def engine_stream(uuid: bytes, total_pairs: int, table: int) -> Iterator[list[bytes]]:
    value = bytes(random.Random(2).randrange(256) for _ in range(VALUE_LEN))
    head = pb.WriteEngineRequest(head=pb.WriteHead(uuid=uuid)).SerializeToString()
    handle = 0
    while handle < total_pairs:
        msgs = [head]
        for _ in range(PER_STREAM):
            if handle >= total_pairs:
                break
            wb = pb.WriteBatch(commit_ts=1)
            for h in range(handle, min(handle + BATCH, total_pairs)):
                wb.mutations.add(key=row_key(table, h), value=value)
            handle = min(handle + BATCH, total_pairs)
            msgs.append(pb.WriteEngineRequest(batch=wb).SerializeToString())
        yield msgs


def bench_import(size: int, work: Path) -> None:
    from playground.cluster import Cluster, ClusterConfig

    pairs = size // (19 + VALUE_LEN)
    print(f"== end-to-end import: {pairs:,} pairs = {pairs * (19 + VALUE_LEN) / 2**20:.0f} MiB "
          "into a playground of 3 stores (3 replicas)")  # fmt: skip
    with Cluster(ClusterConfig(data_dir=work / "playground", seed=1)) as cluster:
        child = Child(work / "e2e-importer", cluster.pd_addr)
        try:
            u = uuidlib.uuid4().bytes
            child.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
            t = time.perf_counter()
            for msgs in engine_stream(u, pairs, 3):
                child.write_raw(iter(msgs))
            write_s = time.perf_counter() - t
            child.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
            t = time.perf_counter()
            cpu0 = cpu_seconds(child.proc.pid)
            here0 = time.process_time()
            child.kv.ImportEngine(pb.ImportEngineRequest(uuid=u), timeout=24 * 3600)
            import_s = time.perf_counter() - t
            import_cpu = cpu_seconds(child.proc.pid) - cpu0
            playground_cpu = time.process_time() - here0
            regions = child.metric("flashload_importer_import_regions_total")
            retries = child.metric("flashload_importer_retries_total")
            errors = child.metric("flashload_importer_region_errors_total")
        finally:
            peak = child.stop()
        mb = pairs * (19 + VALUE_LEN) / 1e6
        check = cluster.read_all(row_key(3, pairs - 5), row_key(4, 0))
        assert [k for k, _ in check] == [row_key(3, h) for h in range(pairs - 5, pairs)]
        print(f"  write into engine (gRPC)   {write_s:7.1f} s  {mb / write_s:6.1f} MB/s")
        print(f"  ImportEngine               {import_s:7.1f} s  {mb / import_s:6.1f} MB/s "
              f"(key+value bytes; x3 replicas on the wire)")  # fmt: skip
        print(f"  regions ingested {regions:.0f}, PD regions now {len(cluster.regions())}, "
              f"retries {retries:.0f}, region errors {errors:.0f}")  # fmt: skip
        print(f"  CPU during the import: importer {import_cpu:.1f} s, playground "
              f"(PD + 3 stores, this process) {playground_cpu:.1f} s")  # fmt: skip
        print(f"  importer peak RSS {peak:.0f} MB")


RSS_LIMIT_MB = 500


class RssSampler:
    """Peak RSS of a process, sampled every 50 ms, per named phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.phase = "start"
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    rss = next(int(x.split()[1]) for x in f if x.startswith("VmRSS:")) / 1024
            except (OSError, StopIteration):
                return
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), rss)
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def index_key(table: int, value: int, handle: int) -> bytes:
    return (
        b"t" + (table ^ (1 << 63)).to_bytes(8, "big") + b"_i" + (1 ^ (1 << 63)).to_bytes(8, "big")
        + b"\x03" + (value ^ (1 << 63)).to_bytes(8, "big")
        + b"\x03" + (handle ^ (1 << 63)).to_bytes(8, "big")
    )  # fmt: skip


def engine_messages(uuid: bytes, kind: int, size: int, seed: int) -> Iterator[list[bytes]]:
    """WriteEngine streams (lists of serialized messages) filling one engine with ``size``
    bytes: kind 0 ascending row keys, kind 1 shuffled index keys."""
    rnd = random.Random(seed)
    head = encode_write_engine_head(uuid)
    table = 100 + seed
    if kind == 0:
        value = bytes(rnd.randrange(256) for _ in range(VALUE_LEN))
        keys: Iterator[bytes] = (row_key(table, h) for h in range(size // (19 + VALUE_LEN)))
        pair_value = value
    else:
        n = size // (38 + 1)
        handles = list(range(n))
        rnd.shuffle(handles)
        keys = (index_key(table, h * 7919 % n, h) for h in handles)
        pair_value = b"0"
    done = False
    while not done:
        msgs = [head]
        for _ in range(PER_STREAM):
            batch = [(k, pair_value) for _, k in zip(range(BATCH), keys, strict=False)]
            if not batch:
                done = True
                break
            msgs.append(encode_write_engine_batch(batch, 1))
        if len(msgs) > 1:
            yield msgs


def bench_engines(count: int, size: int, work: Path, budget: str | None) -> None:
    from playground.cluster import Cluster, ClusterConfig

    print(f"== {count} engines of {size / 2**20:.0f} MiB written at once by 2 writers, then "
          f"imported 2 at a time into a playground of 3 stores; memory-budget {budget or 'default'}")  # fmt: skip
    with Cluster(ClusterConfig(data_dir=work / "playground", seed=1)) as cluster:
        extra = f'[engine]\nmemory-budget = "{budget}"\n' if budget else ""
        child = Child(work / "multi-importer", cluster.pd_addr, extra)
        sampler = RssSampler(child.proc.pid)
        try:
            uuids = [uuidlib.uuid4().bytes for _ in range(count)]
            for u in uuids:
                child.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
            sampler.phase = "write"
            streams = [engine_messages(u, i % 2, size, i) for i, u in enumerate(uuids)]
            lock = threading.Lock()

            def writer() -> None:
                live = list(streams)
                while live:
                    for it in list(live):
                        with lock:
                            msgs = next(it, None)
                        if msgs is None:
                            live.remove(it)
                            continue
                        resp = child.write_raw(iter(msgs))
                        assert not resp.HasField("error")

            t = time.perf_counter()
            cpu0 = cpu_seconds(child.proc.pid)
            with ThreadPoolExecutor(2) as pool:
                for f in [pool.submit(writer) for _ in range(2)]:
                    f.result()
            write_s = time.perf_counter() - t
            write_cpu = cpu_seconds(child.proc.pid) - cpu0
            sampler.phase = "close"
            for u in uuids:
                child.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
            sampler.phase = "import"
            t = time.perf_counter()
            cpu0 = cpu_seconds(child.proc.pid)
            with ThreadPoolExecutor(2) as pool:
                list(
                    pool.map(
                        lambda u: child.kv.ImportEngine(
                            pb.ImportEngineRequest(uuid=u), timeout=24 * 3600
                        ),
                        uuids,
                    )
                )
            import_s = time.perf_counter() - t
            import_cpu = cpu_seconds(child.proc.pid) - cpu0
            sampler.stop()
        finally:
            peak = child.stop()
        mb = count * size / 1e6
        print(f"  write {count} engines       {write_s:7.1f} s  {mb / write_s:6.1f} MB/s"
              f"  importer CPU {write_cpu:.1f} s ({write_cpu / mb:.3f} CPU-s/MB)")  # fmt: skip
        print(f"  import them               {import_s:7.1f} s  {mb / import_s:6.1f} MB/s"
              f"  importer CPU {import_cpu:.1f} s ({import_cpu / mb:.3f} CPU-s/MB)")  # fmt: skip
        phases = ", ".join(f"{k} {v:.0f} MB" for k, v in sampler.peaks.items())
        verdict = "ok" if peak < RSS_LIMIT_MB else "OVER"
        print(f"  importer peak RSS {peak:.0f} MB ({verdict}: limit {RSS_LIMIT_MB} MB); "
              f"by phase: {phases}")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pairs", type=int, default=500_000, help="pairs for the write-rate part")
    ap.add_argument("--engine-size", default="64MiB", help="engine size for the import part")
    ap.add_argument("--engines", type=int, default=1, help="engines written at once (memory)")
    ap.add_argument(
        "--memory-budget", default=None, help="engine.memory-budget (default: the importer's)"
    )
    ap.add_argument("--skip-writes", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--work-dir", type=Path, default=None)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-importer-", dir=args.work_dir))
    print(f"machine: {os.cpu_count()} cores; work dir {work}")
    try:
        if not args.skip_writes:
            bench_writes(args.pairs, work)
        if not args.skip_import and args.engines > 1:
            bench_engines(args.engines, parse_size(args.engine_size), work, args.memory_budget)
        elif not args.skip_import:
            bench_import(parse_size(args.engine_size), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
