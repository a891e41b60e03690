"""Fault injection: scripted store stops, leader moves, splits, injected errors, seeded rates."""

from __future__ import annotations

import grpc
import pytest

from playground import faults as f
from playground.cluster import Cluster
from playground.errors import ConfigError
from protos import import_sstpb_pb2, kvrpcpb_pb2
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.codec import encode_bytes


def test_a_stopped_store_is_unavailable_until_started(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.stop_store(3)
    try:
        with pytest.raises(grpc.RpcError) as info:
            rpc.importers[3].GetMode(import_sstpb_pb2.GetModeRequest())
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        with pytest.raises(grpc.RpcError) as info:
            rpc.importers[3].Write(iter([import_sstpb_pb2.WriteRequest()]))
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        cluster.faults.start_store(3)
    assert rpc.importers[3].GetMode(import_sstpb_pb2.GetModeRequest()).mode in (0, 1)


def test_transfer_leader_makes_the_old_leader_answer_not_leader(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    pairs = [(b"flt-tl", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    target = next(p for p in region.peers if p.store_id != leader.store_id)
    cluster.faults.transfer_leader(region.id, target.store_id)
    resp = rpc.ingest(region, leader, metas)
    assert resp.error.not_leader.leader == target
    assert not rpc.ingest(region, target, metas).HasField("error")
    assert cluster.read_all(b"flt-tl", b"flt-tl\x00") == pairs


def test_split_between_write_and_ingest_is_epoch_not_match_with_current_regions(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    pairs = [(b"flt-sp-1", b"a"), (b"flt-sp-9", b"b")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    cluster.faults.split(b"flt-sp-5")
    resp = rpc.ingest(region, leader, metas)
    current = resp.error.epoch_not_match.current_regions
    assert {r.id for r in current} >= {region.id}
    starts = {r.start_key for r in current}
    assert encode_bytes(b"flt-sp-5") in starts
    assert cluster.read_all(b"flt-sp-", b"flt-sp-~") == []


def test_split_before_next_ingest_splits_inside_the_sst_range(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    pairs = [(b"flt-sbi-1", b"a"), (b"flt-sbi-2", b"b")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    cluster.faults.split_before_next_ingest()
    resp = rpc.ingest(region, leader, metas)
    assert resp.error.HasField("epoch_not_match")
    assert rpc.region_of(b"flt-sbi-2")[0].start_key == encode_bytes(b"flt-sbi-1\x00")
    # Written again to the new region, the data goes in.
    assert not rpc.write_and_ingest(pairs[1:], rpc.tso()).HasField("error")
    assert cluster.read_all(b"flt-sbi-", b"flt-sbi-~") == pairs[1:]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("not-leader", "not_leader"),
        ("epoch-not-match", "epoch_not_match"),
        ("server-busy", "server_is_busy"),
        ("region-not-found", "region_not_found"),
        ("key-not-in-region", "key_not_in_region"),
        ("store-not-match", "store_not_match"),
        ("disk-full", "disk_full"),
    ],
)
def test_injected_errors_hit_the_next_ingests_only(
    cluster: Cluster, rpc: ClusterRpc, kind: str, field: str
) -> None:
    pairs = [(b"flt-inj-" + kind.encode(), b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    cluster.faults.inject(kind, count=2)
    for _ in range(2):
        assert rpc.ingest(region, leader, metas).error.HasField(field)
    assert not rpc.ingest(region, leader, metas).HasField("error")


def test_injected_server_busy_on_write_is_a_store_error(cluster: Cluster, rpc: ClusterRpc) -> None:
    pairs = [(b"flt-wbusy", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    cluster.faults.inject("server-busy", rpc="write")
    resp = rpc.write_one(leader.store_id, rpc.meta_for(region, pairs), pairs, rpc.tso())
    assert resp.error.store_error.HasField("server_is_busy")
    assert not resp.metas


def test_injected_read_fault_is_retried_by_read_all(cluster: Cluster, rpc: ClusterRpc) -> None:
    assert not rpc.write_and_ingest([(b"flt-read", b"v")], rpc.tso()).HasField("error")
    region, leader = rpc.region_of(b"flt-read")
    cluster.faults.inject("not-leader", rpc="read")
    resp = rpc.kv[leader.store_id].KvGet(
        kvrpcpb_pb2.GetRequest(context=rpc.context(region, leader), key=b"flt-read", version=1)
    )
    assert resp.region_error.HasField("not_leader")
    cluster.faults.inject("server-busy", count=3, rpc="read")
    assert cluster.read_all(b"flt-read", b"flt-read\x00") == [(b"flt-read", b"v")]


def test_rates_are_deterministic_under_a_seed() -> None:
    class Nothing:
        def stop_store(self, store_id: int) -> None: ...
        def start_store(self, store_id: int) -> None: ...
        def transfer_leader(self, region_id: int, store_id: int) -> None: ...
        def split_at(self, raw_key: bytes) -> list:  # type: ignore[type-arg]
            return []

    spec = "not-leader=0.2,server-busy=0.3,epoch-not-match=0.1"
    runs = []
    for seed in (7, 7, 8):
        faults = f.Faults(Nothing(), spec, seed)
        runs.append([faults.draw(f.INGEST) for _ in range(300)])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    hits = [k for k in runs[0] if k is not None]
    assert {"not-leader", "server-busy", "epoch-not-match"} == set(hits)
    assert 0.3 * 300 < len(hits) < 0.7 * 300
    faults = f.Faults(Nothing(), "server-busy=1", 1)
    assert faults.draw(f.READ) is None
    assert faults.draw(f.WRITE) == "server-busy"


def test_random_rates_drive_ingest_errors(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.set_rates("server-busy=1")
    try:
        pairs = [(b"flt-rate", b"v")]
        region, leader = rpc.region_of(pairs[0][0])
        cluster.faults.set_rates("")
        metas = rpc.write(region, leader, pairs, rpc.tso())
        cluster.faults.set_rates("server-busy=1")
        assert rpc.ingest(region, leader, metas).error.HasField("server_is_busy")
    finally:
        cluster.faults.set_rates("")
    assert not rpc.ingest(region, leader, metas).HasField("error")


@pytest.mark.parametrize("spec", ["bogus=0.1", "not-leader", "not-leader=2", "not-leader=x"])
def test_bad_fault_specs_are_rejected(spec: str) -> None:
    with pytest.raises(ConfigError) as info:
        f.parse_spec(spec)
    assert info.value.key == "faults"


def test_inject_rejects_unknown_kind_and_family(cluster: Cluster) -> None:
    with pytest.raises(ConfigError):
        cluster.faults.inject("bogus")
    with pytest.raises(ConfigError):
        cluster.faults.inject("not-leader", rpc="upload")
