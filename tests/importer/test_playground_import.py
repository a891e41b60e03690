"""End to end against the playground (PD + 3 TiKV stores over the real protocols):
full imports with every region error injected, KvScan read-back, a store going down, and
``kill -9`` of the importer process during writes and during an import."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.request
import uuid as uuidlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from importer.config import load_config
from importer.registry import EngineState
from importer.retry import RetryPolicies
from importer.server import ImporterServer
from playground.cluster import Cluster, ClusterConfig
from protos import coordinator_pb2 as cpb
from protos import coordinator_pb2_grpc, import_kvpb_pb2_grpc
from protos import import_kvpb_pb2 as pb
from tests.support.importer_process import ImporterProcess

ALL_FAULTS = (
    "not-leader=0.08,epoch-not-match=0.08,server-busy=0.08,region-not-found=0.05,"
    "key-not-in-region=0.05,store-not-match=0.05,split-before-ingest=0.05,leader-transfer=0.05"
)


def row_key(table: int, i: int) -> bytes:
    return (
        b"t" + ((table ^ (1 << 63)).to_bytes(8, "big")) + b"_r" + (i ^ (1 << 63)).to_bytes(8, "big")
    )


def index_key(table: int, value: int, handle: int) -> bytes:
    return (
        b"t"
        + ((table ^ (1 << 63)).to_bytes(8, "big"))
        + b"_i"
        + (1 ^ (1 << 63)).to_bytes(8, "big")
        + b"\x03"
        + (value ^ (1 << 63)).to_bytes(8, "big")
        + b"\x03"
        + (handle ^ (1 << 63)).to_bytes(8, "big")
    )


def data_pairs(table: int, n: int) -> list[tuple[bytes, bytes]]:
    return [(row_key(table, i), b"row-%d-%06d-" % (table, i) + b"x" * 60) for i in range(n)]


def index_pairs(table: int, n: int, seed: int = 0) -> list[tuple[bytes, bytes]]:
    rng = random.Random(seed)
    out = [(index_key(table, rng.randrange(1 << 40), i), b"0") for i in range(n)]
    rng.shuffle(out)  # index keys arrive in no particular order
    return out


def stream(uuid: bytes, pairs: list[tuple[bytes, bytes]], ts: int = 7) -> Iterator[Any]:
    yield pb.WriteEngineRequest(head=pb.WriteHead(uuid=uuid))
    batch = pb.WriteBatch(commit_ts=ts)
    for k, v in pairs:
        batch.mutations.add(key=k, value=v)
    yield pb.WriteEngineRequest(batch=batch)


def write_engine(
    kv: Any, uuid: bytes, pairs: list[tuple[bytes, bytes]], per_stream: int = 500
) -> None:
    kv.OpenEngine(pb.OpenEngineRequest(uuid=uuid))
    for i in range(0, len(pairs), per_stream):
        resp = kv.WriteEngine(stream(uuid, pairs[i : i + per_stream]))
        assert not resp.HasField("error")


class PdWatcher:
    """Samples PD's paused schedulers and label rules while an import runs."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.paused: set[str] = set()
        self.rules: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def label_rules(self) -> list[dict[str, Any]]:
        url = f"http://{self.cluster.pd_addr}/pd/api/v1/config/region-label/rules"
        with urllib.request.urlopen(url, timeout=5) as resp:
            rules: list[dict[str, Any]] = json.loads(resp.read())
            return rules

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.paused |= set(self.cluster.paused_schedulers())
            for rule in self.label_rules():
                label = rule["labels"][0]
                if (label["key"], label["value"], rule["rule_type"]) == (
                    "schedule",
                    "deny",
                    "key-range",
                ):
                    self.rules.add(rule["id"])

    def __enter__(self) -> PdWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Cluster]:
    with Cluster(ClusterConfig(data_dir=tmp_path / "playground", seed=11)) as cluster:
        yield cluster


def start_importer(tmp_path: Path, pd_addr: str, **overrides: object) -> ImporterServer:
    settings: dict[str, object] = {
        "server.addr": "127.0.0.1:0",
        "import.import-dir": str(tmp_path / "importer"),
        "pd.addr": pd_addr,
        "import.region-split-size": "24KiB",
        "import.send-kv-size": "8KiB",
        "import.min-available-ratio": 0.0,
        "import.num-import-jobs": 4,
    }
    settings.update(overrides)
    server = ImporterServer(load_config(None, settings), retry_policies=RetryPolicies.fast(0.02))
    server.start()
    return server


def test_full_import_with_every_region_error_injected_reads_back_intact(
    playground: Cluster, tmp_path: Path
) -> None:
    playground.faults.set_rates(ALL_FAULTS)
    server = start_importer(tmp_path, playground.pd_addr)
    try:
        kv = import_kvpb_pb2_grpc.ImportKVStub(grpc.insecure_channel(server.address))
        data, index = uuidlib.uuid4().bytes, uuidlib.uuid4().bytes
        rows, idx = data_pairs(5, 3000), index_pairs(5, 3000)
        write_engine(kv, data, rows)
        write_engine(kv, index, idx)
        with PdWatcher(playground) as watcher:
            for u in (data, index):
                kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
                kv.ImportEngine(pb.ImportEngineRequest(uuid=u, pd_addr=playground.pd_addr))
        metrics = kv.GetMetrics(pb.GetMetricsRequest()).prometheus
    finally:
        server.stop()
    # Table scope (the default): a schedule=deny rule per engine while it imported, then gone.
    assert watcher.rules == {f"flashload-import-{uuidlib.UUID(bytes=u)}" for u in (data, index)}
    assert watcher.label_rules() == [] and watcher.paused == set()
    assert playground.read_all() == sorted(rows + idx)
    assert len(playground.regions()) > 20
    kinds = {
        line.split('kind="')[1].split('"')[0]
        for line in metrics.splitlines()
        if line.startswith("flashload_importer_region_errors_total{")
    }
    assert {"not_leader", "epoch_not_match", "server_is_busy"} <= kinds
    assert len(kinds) >= 5, kinds
    assert all(playground.import_mode(s) == 0 for s in playground.store_addrs)
    assert playground.paused_schedulers() == {}


def test_each_scripted_region_error_and_a_split_before_ingest_are_survived(
    playground: Cluster, tmp_path: Path
) -> None:
    server = start_importer(
        tmp_path, playground.pd_addr, **{"import.pause-pd-scheduler-scope": "global"}
    )
    kv = import_kvpb_pb2_grpc.ImportKVStub(grpc.insecure_channel(server.address))
    expected: list[tuple[bytes, bytes]] = []
    scripted = [
        ("not-leader", "ingest"),
        ("epoch-not-match", "ingest"),
        ("server-busy", "ingest"),
        ("region-not-found", "ingest"),
        ("key-not-in-region", "ingest"),
        ("store-not-match", "ingest"),
        ("leader-transfer", "ingest"),
        ("server-busy", "write"),
        ("not-leader", "split"),
        ("epoch-not-match", "split"),
    ]
    watcher = PdWatcher(playground).__enter__()
    try:
        for table, (kind, rpc) in enumerate(scripted, start=10):
            playground.faults.inject(kind, count=2, rpc=rpc)
            if table % 3 == 0:
                playground.faults.split_before_next_ingest()
            u = uuidlib.uuid4().bytes
            pairs = data_pairs(table, 800)
            expected += pairs
            write_engine(kv, u, pairs)
            kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
            kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
            assert playground.read_all(row_key(table, 0), row_key(table + 1, 0)) == pairs, kind
    finally:
        watcher.__exit__()
        server.stop()
    assert playground.read_all() == expected
    # Global scope: the balance schedulers were paused during the imports and are resumed.
    assert {"balance-region-scheduler", "balance-leader-scheduler"} <= watcher.paused
    assert playground.paused_schedulers() == {}


def test_a_stopped_store_delays_the_import_until_it_is_back(
    playground: Cluster, tmp_path: Path
) -> None:
    server = start_importer(tmp_path, playground.pd_addr)
    kv = import_kvpb_pb2_grpc.ImportKVStub(grpc.insecure_channel(server.address))
    u = uuidlib.uuid4().bytes
    pairs = data_pairs(20, 1500)
    write_engine(kv, u, pairs)
    kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    playground.faults.stop_store(2)
    restart = threading.Timer(1.5, playground.faults.start_store, args=(2,))
    restart.start()
    try:
        kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
        metrics = kv.GetMetrics(pb.GetMetricsRequest()).prometheus
    finally:
        restart.join()
        server.stop()
    assert playground.read_all() == pairs
    assert 'flashload_importer_region_errors_total{kind="rpc"}' in metrics


def test_kill9_during_writes_then_restart_and_finish_loses_and_doubles_nothing(
    playground: Cluster, tmp_path: Path
) -> None:
    data_dir = tmp_path / "imp"
    log = tmp_path / "importer.log"
    proc = ImporterProcess(data_dir, playground.pd_addr, log).start()
    pairs = data_pairs(30, 4000)
    u = uuidlib.uuid4().bytes
    acked = 0
    try:
        channel = grpc.insecure_channel(proc.address)
        kv = import_kvpb_pb2_grpc.ImportKVStub(channel)
        coord = coordinator_pb2_grpc.CoordinatorStub(channel)
        plan = cpb.JobPlan(source_dir="/dump")
        plan.tables.add(db="db", name="t").chunks.add(path="db.t.000.sql", end_offset=100)
        coord.RegisterJob(cpb.RegisterJobRequest(job_id="job", plan=plan, worker_id="e1"))
        schema = coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job", worker_id="e1")).task
        coord.CompleteTask(cpb.CompleteTaskRequest(job_id="job", task_id=schema.task_id))
        chunk = coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job", worker_id="e1")).task
        kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
        for i in range(0, 2000, 250):
            kv.WriteEngine(stream(u, pairs[i : i + 250]))
            acked = i + 250
        # A stream in flight when the process dies: its first batch is sent, and it is held
        # open (the generator waits) until the importer is gone, so it can never complete.
        sent, killed = threading.Event(), threading.Event()

        def held_open() -> Iterator[Any]:
            yield from stream(u, pairs[2000:2600])
            sent.set()
            killed.wait(30)

        future = kv.WriteEngine.future(held_open())
        assert sent.wait(10)
        proc.kill9()
        killed.set()
        with pytest.raises(grpc.RpcError):
            future.result(timeout=10)
        channel.close()

        proc = ImporterProcess(data_dir, playground.pd_addr, log).start()
        channel = grpc.insecure_channel(proc.address)
        kv = import_kvpb_pb2_grpc.ImportKVStub(channel)
        coord = coordinator_pb2_grpc.CoordinatorStub(channel)
        hb = coord.Heartbeat(
            cpb.HeartbeatRequest(job_id="job", worker_id="e1", lease_ids=[chunk.lease_id])
        )
        assert list(hb.lost_lease_ids) == []  # the lease survived the restart
        # The encoder re-delivers from its last acknowledged point (overlap is harmless).
        for i in range(acked - 250, len(pairs), 250):
            resp = kv.WriteEngine(stream(u, pairs[i : i + 250], ts=99))
            assert not resp.HasField("error")
        req = cpb.CompleteTaskRequest(job_id="job", task_id=chunk.task_id)
        req.checksum.kvs = len(pairs)
        assert coord.CompleteTask(req).accepted
        kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
        kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
        channel.close()
    finally:
        proc.stop()
    assert playground.read_all() == pairs
    # One MVCC version per key on every store (values are short: write CF only).
    for store_id in playground.store_addrs:
        assert playground.stored_entries(store_id) == len(pairs)


def test_kill9_during_an_import_then_restart_and_import_again(
    playground: Cluster, tmp_path: Path
) -> None:
    data_dir = tmp_path / "imp"
    log = tmp_path / "importer.log"
    small = '[import]\nregion-split-size = "16KiB"\nsend-kv-size = "8KiB"\nnum-import-jobs = 2\n'
    slow = tmp_path / "slow.toml"
    slow.write_text(small + 'upload-speed-limit = "1MiB"\n')  # ~3 s of uploads
    fast = tmp_path / "fast.toml"
    fast.write_text(small)
    proc = ImporterProcess(data_dir, playground.pd_addr, log, "--config", str(slow)).start()
    pairs = data_pairs(40, 12000)
    u = uuidlib.uuid4().bytes
    try:
        channel = grpc.insecure_channel(proc.address)
        kv = import_kvpb_pb2_grpc.ImportKVStub(channel)
        write_engine(kv, u, pairs, per_stream=2000)
        kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
        future = kv.ImportEngine.future(pb.ImportEngineRequest(uuid=u))
        deadline = time.monotonic() + 60
        while not playground.read_all(row_key(40, 0), row_key(41, 0)):
            assert time.monotonic() < deadline, proc.tail()
            assert not future.done(), "import finished before it could be interrupted"
            time.sleep(0.05)
        proc.kill9()
        with pytest.raises(grpc.RpcError):
            future.result(timeout=10)
        channel.close()
        partial = len(playground.read_all())
        assert 0 < partial < len(pairs)

        proc = ImporterProcess(data_dir, playground.pd_addr, log, "--config", str(fast)).start()
        channel = grpc.insecure_channel(proc.address)
        kv = import_kvpb_pb2_grpc.ImportKVStub(channel)
        kv.ImportEngine(pb.ImportEngineRequest(uuid=u))  # the engine is closed again
        kv.CleanupEngine(pb.CleanupEngineRequest(uuid=u))
        channel.close()
    finally:
        proc.stop()
    assert playground.read_all() == pairs
    assert not (data_dir / "engines" / str(uuidlib.UUID(bytes=u))).exists()
    assert all(playground.import_mode(s) == 0 for s in playground.store_addrs)


def test_restarted_importer_reports_an_interrupted_import_as_closed(tmp_path: Path) -> None:
    """The registry itself: a persisted 'importing' state comes back as 'closed'."""
    from importer.diskspace import DiskGuard
    from importer.engine import EngineOptions
    from importer.metadb import MetaDB
    from importer.registry import EngineRegistry

    meta = MetaDB(tmp_path)
    reg = EngineRegistry(
        tmp_path, meta, EngineOptions(), max_open_engines=2, disk=DiskGuard(tmp_path, 0)
    )
    u = uuidlib.uuid4().bytes
    reg.open(u)
    reg.close(u)
    ctx = reg.importing(u)
    ctx.__enter__()  # the process "dies" inside the import
    meta2 = MetaDB(tmp_path)
    reg2 = EngineRegistry(
        tmp_path, meta2, EngineOptions(), max_open_engines=2, disk=DiskGuard(tmp_path, 0)
    )
    assert reg2.get(u).state is EngineState.CLOSED  # type: ignore[union-attr]
