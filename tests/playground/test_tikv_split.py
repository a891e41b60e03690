"""Tikv.SplitRegion: raw keys encoded by the store, batch split, right-derive, region errors."""

from __future__ import annotations

from playground.cluster import Cluster
from protos import kvrpcpb_pb2, metapb_pb2
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.codec import encode_bytes


def _split(
    rpc: ClusterRpc, region: metapb_pb2.Region, peer: metapb_pb2.Peer, keys: list[bytes]
) -> kvrpcpb_pb2.SplitRegionResponse:
    req = kvrpcpb_pb2.SplitRegionRequest(context=rpc.context(region, peer), split_keys=keys)
    return rpc.kv[peer.store_id].SplitRegion(req)


def test_batch_split_derives_right_and_bumps_version_by_key_count(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    cluster.faults.split(b"spl-a")
    cluster.faults.split(b"spl-z")
    region, leader = rpc.region_of(b"spl-m")
    keys = [b"spl-c", b"spl-f", b"spl-k"]
    resp = _split(rpc, region, leader, keys)
    assert not resp.HasField("region_error"), resp
    got = list(resp.regions)
    assert [r.start_key for r in got] == [region.start_key] + [encode_bytes(k) for k in keys]
    assert [r.end_key for r in got] == [encode_bytes(k) for k in keys] + [region.end_key]
    assert got[-1].id == region.id
    assert len({r.id for r in got}) == 4
    for r in got:
        assert r.region_epoch.version == region.region_epoch.version + 3
        assert r.region_epoch.conf_ver == region.region_epoch.conf_ver
        assert [p.store_id for p in r.peers] == [p.store_id for p in region.peers]
    new_peer_ids = {p.id for r in got[:-1] for p in r.peers}
    assert not new_peer_ids & {p.id for p in region.peers}
    # PD sees the same regions, leaders stay on the splitting store.
    for r in got:
        assert cluster.leader_of(r.id).store_id == leader.store_id
    assert rpc.region_of(b"spl-g")[0] == got[2]


def test_single_deprecated_split_key_fills_left_and_right(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    cluster.faults.split(b"spl1-a")
    region, leader = rpc.region_of(b"spl1-b")
    req = kvrpcpb_pb2.SplitRegionRequest(context=rpc.context(region, leader), split_key=b"spl1-c")
    resp = rpc.kv[leader.store_id].SplitRegion(req)
    assert resp.left.end_key == encode_bytes(b"spl1-c")
    assert resp.right.start_key == encode_bytes(b"spl1-c")
    assert resp.right.id == region.id


def test_split_on_follower_is_not_leader(rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"spl-nl")
    follower = next(p for p in region.peers if p.store_id != leader.store_id)
    resp = _split(rpc, region, follower, [b"spl-nl-x"])
    assert resp.region_error.not_leader.leader == leader


def test_split_with_stale_version_is_epoch_not_match_with_siblings(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    cluster.faults.split(b"spl-e-a")
    region, leader = rpc.region_of(b"spl-e-m")
    cluster.faults.split(b"spl-e-k")
    resp = _split(rpc, region, leader, [b"spl-e-p"])
    current = resp.region_error.epoch_not_match.current_regions
    assert current[0].id == region.id
    assert current[0].start_key == encode_bytes(b"spl-e-k")
    assert current[1].end_key == encode_bytes(b"spl-e-k")


def test_split_key_outside_region_is_key_not_in_region(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"spl-o-m")
    region, leader = rpc.region_of(b"spl-o-a")
    resp = _split(rpc, region, leader, [b"spl-o-z"])
    assert resp.region_error.key_not_in_region.key == b"spl-o-z"


def test_split_at_region_start_or_unsorted_is_rejected(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"spl-u-a")
    region, leader = rpc.region_of(b"spl-u-a")
    assert _split(rpc, region, leader, [b"spl-u-a"]).region_error.message
    assert _split(rpc, region, leader, [b"spl-u-c", b"spl-u-b"]).region_error.message
    assert rpc.region_of(b"spl-u-a")[0] == region


def test_raw_kv_split_keys_are_used_as_is(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"spl-raw-a")
    region, leader = rpc.region_of(b"spl-raw-b")
    key = encode_bytes(b"spl-raw-c")[:-1] + b"\xfa"
    req = kvrpcpb_pb2.SplitRegionRequest(
        context=rpc.context(region, leader), split_keys=[key], is_raw_kv=True
    )
    resp = rpc.kv[leader.store_id].SplitRegion(req)
    assert resp.regions[-1].start_key == key
