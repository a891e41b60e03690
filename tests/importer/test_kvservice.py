"""ImportKV over real gRPC on 127.0.0.1:0: engine lifecycle, kvproto error semantics, bad
requests, cluster fan-out, and restart with persisted engine states."""

from __future__ import annotations

import threading
import time
import uuid as uuidlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from importer.cluster import ImportMode
from importer.clustermode import SCHEDULERS_TO_PAUSE
from importer.registry import EngineState
from protos import import_kvpb_pb2 as pb
from protos import import_sstpb_pb2
from tests.importer.conftest import StartServer
from tests.support.fake_cluster import FakeCluster


def row_key(i: int) -> bytes:
    return b"t\x80\x00\x00\x00\x00\x00\x00\x07_r" + (i ^ (1 << 63)).to_bytes(8, "big")


def kv_pairs(n: int, start: int = 0, tag: bytes = b"v") -> list[tuple[bytes, bytes]]:
    return [(row_key(i), tag + b"-%06d" % i) for i in range(start, start + n)]


def stream(
    uuid: bytes, pairs: list[tuple[bytes, bytes]], *, ts: int = 42, per_batch: int = 100
) -> Iterator[Any]:
    yield pb.WriteEngineRequest(head=pb.WriteHead(uuid=uuid))
    for i in range(0, len(pairs), per_batch):
        batch = pb.WriteBatch(commit_ts=ts)
        for k, v in pairs[i : i + per_batch]:
            batch.mutations.add(op=pb.Mutation.OP.Put, key=k, value=v)
        yield pb.WriteEngineRequest(batch=batch)


def new_uuid() -> bytes:
    return uuidlib.uuid4().bytes


def test_full_cycle_open_write_close_import_cleanup(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    data = kv_pairs(500)
    resp = h.kv.WriteEngine(stream(u, data[:250]))
    assert not resp.HasField("error")
    h.kv.WriteEngine(stream(u, data[250:]))
    assert not h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u)).HasField("error")
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u, pd_addr="pd-req:2379"))
    assert h.cluster.data == dict(data)
    info = h.server.registry.get(u)
    assert info is not None and info.state is EngineState.IMPORTED and info.imported_kvs == 500
    h.kv.CleanupEngine(pb.CleanupEngineRequest(uuid=u))
    assert h.server.registry.get(u) is None
    assert not (h.server.registry.root / str(uuidlib.UUID(bytes=u))).exists()


def test_import_uses_request_pd_addr_and_falls_back_to_configured(
    start_server: StartServer,
) -> None:
    h = start_server()
    for pd_addr in ("pd-req:2379", ""):
        u = new_uuid()
        h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
        h.kv.WriteEngine(stream(u, kv_pairs(5)))
        h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
        h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u, pd_addr=pd_addr))
    assert h.pd_seen == ["pd-req:2379", "pd-default:2379"]


def test_open_is_idempotent_and_reopening_a_closed_engine_is_file_exists(
    start_server: StartServer,
) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))  # closing again is a no-op
    with pytest.raises(grpc.RpcError) as info:
        h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "FileExists" in (info.value.details() or "")


def test_write_and_close_of_unknown_engine_answer_engine_not_found(
    start_server: StartServer,
) -> None:
    h = start_server()
    u = new_uuid()
    resp = h.kv.WriteEngine(stream(u, kv_pairs(3)))
    assert resp.error.engine_not_found.uuid == u
    resp3 = h.kv.WriteEngineV3(pb.WriteEngineV3Request(uuid=u, commit_ts=1))
    assert resp3.error.engine_not_found.uuid == u
    close = h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    assert close.error.engine_not_found.uuid == u
    assert h.server.registry.get(u) is None


def test_write_to_a_closed_engine_is_engine_not_found_and_changes_nothing(
    start_server: StartServer,
) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(10)))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    resp = h.kv.WriteEngine(stream(u, kv_pairs(10, start=100)))
    assert resp.error.engine_not_found.uuid == u
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(10))


def test_import_of_unknown_engine_is_not_found_and_creates_nothing(
    start_server: StartServer,
) -> None:
    h = start_server()
    u = new_uuid()
    with pytest.raises(grpc.RpcError) as info:
        h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert "EngineNotFound" in (info.value.details() or "")
    assert h.server.registry.get(u) is None
    assert not any(h.server.registry.root.iterdir())


def test_import_of_open_engine_is_refused(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    with pytest.raises(grpc.RpcError) as info:
        h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "EngineInUse" in (info.value.details() or "")


def test_close_while_a_stream_is_writing_is_engine_in_use(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    release = threading.Event()

    def slow_stream() -> Iterator[Any]:
        yield from stream(u, kv_pairs(5))
        release.wait(10)

    future = h.kv.WriteEngine.future(slow_stream())
    deadline = time.monotonic() + 5
    while h.server.registry.get(u).writers == 0:  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(grpc.RpcError) as info:
        h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError):
        h.kv.CleanupEngine(pb.CleanupEngineRequest(uuid=u))
    release.set()
    assert not future.result(timeout=10).HasField("error")
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(5))


def test_redelivery_with_another_commit_ts_is_idempotent(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(300), ts=100))
    h.kv.WriteEngine(stream(u, kv_pairs(300), ts=200))  # an expired lease re-ran the chunk
    h.kv.WriteEngineV3(
        pb.WriteEngineV3Request(
            uuid=u, commit_ts=300, pairs=[pb.KVPair(key=k, value=v) for k, v in kv_pairs(50)]
        )
    )
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(300))
    assert set(h.cluster.versions.values()) == {1}
    assert len(h.cluster.commit_ts_seen) == 1


def test_import_twice_is_allowed_and_idempotent(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(100)))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(100))
    assert h.server.registry.get(u).imports == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("raw", [b"", b"short", b"x" * 17, b"\x00" * 15])
def test_malformed_uuid_is_invalid_argument_everywhere(
    start_server: StartServer, raw: bytes
) -> None:
    h = start_server()
    calls = [
        lambda: h.kv.OpenEngine(pb.OpenEngineRequest(uuid=raw)),
        lambda: h.kv.WriteEngine(stream(raw, kv_pairs(1))),
        lambda: h.kv.CloseEngine(pb.CloseEngineRequest(uuid=raw)),
        lambda: h.kv.ImportEngine(pb.ImportEngineRequest(uuid=raw)),
        lambda: h.kv.CleanupEngine(pb.CleanupEngineRequest(uuid=raw)),
    ]
    for call in calls:
        with pytest.raises(grpc.RpcError) as info:
            call()
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "16 bytes" in (info.value.details() or "")
    assert not any(h.server.registry.root.iterdir())


def test_path_like_uuid_bytes_only_ever_name_a_canonical_directory(
    start_server: StartServer, tmp_path: Path
) -> None:
    h = start_server()
    tricky = b"../../../../etc/"  # 16 bytes: a valid uuid whose bytes look like a path
    assert len(tricky) == 16
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=tricky))
    (entry,) = list(h.server.registry.root.iterdir())
    assert entry.name == str(uuidlib.UUID(bytes=tricky))
    assert entry.parent == h.server.registry.root


def test_stream_not_starting_with_head_is_invalid_chunk(start_server: StartServer) -> None:
    h = start_server()

    def headless() -> Iterator[Any]:
        yield pb.WriteEngineRequest(batch=pb.WriteBatch(commit_ts=1))

    with pytest.raises(grpc.RpcError) as info:
        h.kv.WriteEngine(headless())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "InvalidChunk" in (info.value.details() or "")


def test_second_head_in_a_stream_is_invalid_chunk(start_server: StartServer) -> None:
    """Batches before the bad message were acknowledged work and stay (re-delivery is safe)."""
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))

    def two_heads() -> Iterator[Any]:
        yield from stream(u, kv_pairs(20))
        yield pb.WriteEngineRequest(head=pb.WriteHead(uuid=u))
        yield from list(stream(u, kv_pairs(5, start=500)))[1:]

    with pytest.raises(grpc.RpcError) as info:
        h.kv.WriteEngine(two_heads())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "InvalidChunk" in (info.value.details() or "")
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(20))


@pytest.mark.parametrize(
    "bad",
    [
        pb.Mutation(key=b"", value=b"v"),
        pb.Mutation(op=1, key=b"tk", value=b"v"),  # no such op in kvproto: refused
    ],
)
def test_a_batch_with_a_bad_mutation_is_rejected_whole(start_server: StartServer, bad: Any) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    batch = pb.WriteBatch(commit_ts=1)
    batch.mutations.add(key=row_key(1), value=b"a")
    batch.mutations.append(bad)
    batch.mutations.add(key=row_key(2), value=b"b")
    requests = [
        pb.WriteEngineRequest(head=pb.WriteHead(uuid=u)),
        pb.WriteEngineRequest(batch=batch),
    ]
    with pytest.raises(grpc.RpcError) as info:
        h.kv.WriteEngine(iter(requests))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    v3 = pb.WriteEngineV3Request(uuid=u, commit_ts=1, pairs=[pb.KVPair(key=b"", value=b"x")])
    with pytest.raises(grpc.RpcError):
        h.kv.WriteEngineV3(v3)
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == {}


def test_message_over_the_size_limit_is_resource_exhausted(start_server: StartServer) -> None:
    h = start_server(**{"server.max-message-size": "64KiB"})
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    big = [(row_key(1), b"x" * (100 << 10))]
    with pytest.raises(grpc.RpcError) as info:
        h.kv.WriteEngine(stream(u, big))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # The server is still fine and the engine unharmed.
    h.kv.WriteEngine(stream(u, kv_pairs(3)))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert h.cluster.data == dict(kv_pairs(3))


def test_open_engines_are_bounded(start_server: StartServer) -> None:
    h = start_server(**{"import.max-open-engines": 2})
    first = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=first))
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=new_uuid()))
    with pytest.raises(grpc.RpcError) as info:
        h.kv.OpenEngine(pb.OpenEngineRequest(uuid=new_uuid()))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "max-open-engines=2" in (info.value.details() or "")
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=first))
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=new_uuid()))


def test_low_free_disk_refuses_writes_with_a_clear_error(start_server: StartServer) -> None:
    h = start_server(**{"import.min-available-ratio": 0.9999})
    with pytest.raises(grpc.RpcError) as info:
        h.kv.OpenEngine(pb.OpenEngineRequest(uuid=new_uuid()))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "DiskFull" in (info.value.details() or "")
    assert "min-available-ratio" in (info.value.details() or "")


def test_import_holds_import_mode_and_paused_schedulers_then_restores(
    start_server: StartServer,
) -> None:
    cluster = FakeCluster()
    h = start_server(cluster=cluster, **{"import.pause-pd-scheduler-scope": "global"})
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(2000)))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert {m for _, m in cluster.mode_calls} == {ImportMode.IMPORT, ImportMode.NORMAL}
    assert all(cluster.modes[s] is ImportMode.NORMAL for s in cluster.stores)
    paused = [name for name, delay in cluster.pause_calls if delay > 0]
    assert set(paused) == set(SCHEDULERS_TO_PAUSE) & set(cluster.schedulers)
    assert "label-scheduler" not in paused
    assert all(cluster.schedulers[name] == 0 for name in paused)


def test_table_scope_pauses_scheduling_of_the_engine_range_only_while_importing(
    start_server: StartServer,
) -> None:
    cluster = FakeCluster()
    seen: list[dict[str, tuple[bytes, bytes, int]]] = []
    ingest = cluster.multi_ingest

    def observing_ingest(*args: Any) -> None:
        seen.append(dict(cluster.label_rules))
        ingest(*args)

    cluster.multi_ingest = observing_ingest  # type: ignore[method-assign]
    h = start_server(cluster=cluster)  # "table" is the default scope
    u = new_uuid()
    data = kv_pairs(300, start=10)
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, data))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    rule_id = f"flashload-import-{uuidlib.UUID(bytes=u)}"
    assert seen and all(
        rules == {rule_id: (data[0][0], data[-1][0] + b"\x00", 1)} for rules in seen
    )
    assert cluster.label_rules == {}
    assert not [c for c in cluster.pause_calls if c[1] > 0]  # global schedulers untouched


@pytest.mark.parametrize("scope", ["global", "table"])
def test_failed_import_still_restores_normal_mode_and_schedulers(
    start_server: StartServer, scope: str
) -> None:
    cluster = FakeCluster()
    cluster.inject("ingest", "disk-full", count=1000)
    h = start_server(cluster=cluster, **{"import.pause-pd-scheduler-scope": scope})
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(50)))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    with pytest.raises(grpc.RpcError) as info:
        h.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert info.value.code() == grpc.StatusCode.ABORTED
    assert "ImportJobFailed" in (info.value.details() or "")
    assert all(cluster.modes[s] is ImportMode.NORMAL for s in cluster.stores)
    assert all(delay == 0 for delay in cluster.schedulers.values())
    assert cluster.label_rules == {}
    assert (len(cluster.label_rule_sets) > 0) == (scope == "table")
    # The engine is closed again, so the import can be retried.
    assert h.server.registry.get(u).state is EngineState.CLOSED  # type: ignore[union-attr]


def test_switch_mode_and_compact_fan_out_to_every_store(start_server: StartServer) -> None:
    cluster = FakeCluster(store_count=4)
    h = start_server(cluster=cluster)
    h.kv.SwitchMode(
        pb.SwitchModeRequest(
            pd_addr="pd-x:2379",
            request=import_sstpb_pb2.SwitchModeRequest(mode=import_sstpb_pb2.Import),
        )
    )
    assert {sid for sid, m in cluster.mode_calls if m is ImportMode.IMPORT} == {1, 2, 3, 4}
    h.kv.CompactCluster(pb.CompactClusterRequest(pd_addr="pd-x:2379"))
    assert h.pd_seen == ["pd-x:2379"]


def test_version_and_metrics(start_server: StartServer) -> None:
    h = start_server()
    u = new_uuid()
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, kv_pairs(10)))
    version = h.kv.GetVersion(pb.GetVersionRequest())
    assert version.version
    text = h.kv.GetMetrics(pb.GetMetricsRequest()).prometheus
    assert "flashload_importer_write_kvs_total 10.0" in text
    assert 'flashload_importer_engines{state="open"} 1.0' in text


def test_restart_remembers_every_engine_and_its_state(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "restart"
    h = start_server(data_dir=data_dir)
    open_u, closed_u, imported_u = new_uuid(), new_uuid(), new_uuid()
    for u in (open_u, closed_u, imported_u):
        h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
        h.kv.WriteEngine(stream(u, kv_pairs(20, tag=u[:2])))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=closed_u))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=imported_u))
    h.kv.ImportEngine(pb.ImportEngineRequest(uuid=imported_u))
    h.close()

    h2 = start_server(data_dir=data_dir)
    reg = h2.server.registry
    assert reg.get(open_u).state is EngineState.OPEN  # type: ignore[union-attr]
    assert reg.get(closed_u).state is EngineState.CLOSED  # type: ignore[union-attr]
    assert reg.get(imported_u).state is EngineState.IMPORTED  # type: ignore[union-attr]
    assert reg.get(open_u).kvs == 20  # type: ignore[union-attr]
    # The open engine keeps accepting writes; the closed one imports.
    h2.kv.WriteEngine(stream(open_u, kv_pairs(5, start=1000)))
    h2.kv.ImportEngine(pb.ImportEngineRequest(uuid=closed_u))
    assert h2.cluster.data == dict(kv_pairs(20, tag=closed_u[:2]))


def test_stopping_the_server_aborts_a_running_import_leaving_the_engine_closed(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "stop"
    cluster = FakeCluster()
    ingest = cluster.multi_ingest
    started = threading.Event()

    def slow_ingest(*args: Any) -> None:
        started.set()
        time.sleep(0.05)
        ingest(*args)

    cluster.multi_ingest = slow_ingest  # type: ignore[method-assign]
    h = start_server(data_dir=data_dir, cluster=cluster, **{"import.num-import-jobs": 1})
    u = new_uuid()
    data = kv_pairs(3000)
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))
    h.kv.WriteEngine(stream(u, data))
    h.kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
    future = h.kv.ImportEngine.future(pb.ImportEngineRequest(uuid=u))
    assert started.wait(10)
    t0 = time.monotonic()
    h.server.stop(grace=5)
    assert time.monotonic() - t0 < 5
    with pytest.raises(grpc.RpcError):
        future.result(timeout=10)
    assert 0 < len(cluster.data) < len(data)

    h2 = start_server(data_dir=data_dir, cluster=cluster)
    assert h2.server.registry.get(u).state is EngineState.CLOSED  # type: ignore[union-attr]
    cluster.multi_ingest = ingest  # type: ignore[method-assign]
    h2.kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
    assert cluster.data == dict(data)
