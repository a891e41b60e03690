"""Scatter on a 5-store cluster really moves peers (with their data) and leaders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.cluster import Cluster, ClusterConfig
from protos import pdpb_pb2
from tests.support.tikv_rpc import ClusterRpc


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, ClusterRpc]]:
    cfg = ClusterConfig(
        data_dir=Path(tmp_path_factory.mktemp("five")),
        store_count=5,
        scatter_delay=(0.01, 0.02),
        seed=3,
    )
    with Cluster(cfg) as cluster:
        rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
        yield cluster, rpc
        rpc.close()


def test_new_cluster_places_three_peers_on_the_first_stores(
    five: tuple[Cluster, ClusterRpc],
) -> None:
    cluster, _ = five
    (region,) = cluster.regions()
    assert sorted(p.store_id for p in region.peers) == [1, 2, 3]
    assert cluster.leader_of(region.id).store_id == 1


def test_scatter_moves_peers_with_their_data_and_bumps_conf_ver(
    five: tuple[Cluster, ClusterRpc],
) -> None:
    cluster, rpc = five
    pairs = [(b"sc-%03d" % i, b"v%d" % i) for i in range(50)]
    assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
    for k in (b"sc-010", b"sc-020", b"sc-030", b"sc-040"):
        cluster.faults.split(k)
    before = {r.id: r for r in cluster.regions()}
    ids = [r.id for r in before.values()]
    resp = rpc.pd.ScatterRegion(pdpb_pb2.ScatterRegionRequest(header=rpc.header, regions_id=ids))
    assert resp.finished_percentage == 100
    for rid in ids:
        assert cluster.wait_scatter(rid)
    after = {r.id: r for r in cluster.regions()}
    used = {p.store_id for r in after.values() for p in r.peers}
    assert used == {1, 2, 3, 4, 5}
    assert len({cluster.leader_of(rid).store_id for rid in ids}) >= 3
    moved = 0
    for rid, new in after.items():
        old_stores = {p.store_id for p in before[rid].peers}
        new_stores = {p.store_id for p in new.peers}
        changes = len(new_stores - old_stores)
        moved += changes
        assert new.region_epoch.conf_ver == before[rid].region_epoch.conf_ver + 2 * changes
        assert new.region_epoch.version == before[rid].region_epoch.version
    assert moved > 0
    assert cluster.read_all(b"sc-", b"sc-~") == pairs
    # Every store holds exactly the data of the regions it has a peer of.
    for store in range(1, 6):
        held = sum(
            1
            for k, _ in pairs
            for r in after.values()
            if store in {p.store_id for p in r.peers} and _in(r, k)
        )
        assert cluster.stored_entries(store, b"sc-", b"sc-~") == held


def _in(region: object, raw: bytes) -> bool:
    from playground.regions import contains
    from tidbkv.codec import encode_bytes

    return contains(region, encode_bytes(raw))  # type: ignore[arg-type]
