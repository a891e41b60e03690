"""Ingest and the region's peers: every peer must have staged the same SST; the data then
follows the region's peers (reads from any leader, per-store counts of a store's regions)."""

from __future__ import annotations

from playground.cluster import Cluster
from tests.support.tikv_rpc import ClusterRpc


def test_ingest_fails_when_a_follower_staged_other_bytes(cluster: Cluster, rpc: ClusterRpc) -> None:
    pairs = [(b"peer-diff-1", b"a"), (b"peer-diff-2", b"b")]
    region, leader = rpc.region_of(pairs[0][0])
    meta = rpc.meta_for(region, pairs)
    ts = rpc.tso()
    metas = []
    for peer in region.peers:
        sent = pairs if peer.store_id == leader.store_id else [pairs[0], (pairs[1][0], b"other")]
        resp = rpc.write_one(peer.store_id, meta, sent, ts)
        if peer.store_id == leader.store_id:
            metas = list(resp.metas)
    err = rpc.ingest(region, leader, metas).error
    assert "differs from the leader's" in err.message
    assert cluster.read_all(b"peer-diff-", b"peer-diff-~") == []
    # Staging the leader's bytes on every peer makes the same metas ingestible.
    rpc.write(region, leader, pairs, ts, meta=meta)
    assert not rpc.ingest(region, leader, metas).HasField("error")
    assert cluster.read_all(b"peer-diff-", b"peer-diff-~") == pairs


def test_data_follows_leader_transfers_and_store_counts(cluster: Cluster, rpc: ClusterRpc) -> None:
    pairs = [(b"peer-move-%02d" % i, b"v%d" % i) for i in range(20)]
    assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
    region, _ = rpc.region_of(pairs[0][0])
    for peer in region.peers:
        cluster.faults.transfer_leader(region.id, peer.store_id)
        assert cluster.read_all(b"peer-move-", b"peer-move-~") == pairs
        assert cluster.stored_entries(peer.store_id, b"peer-move-", b"peer-move-~") == 20
    outside = set(cluster.store_addrs) - {p.store_id for p in region.peers}
    for store_id in outside:
        assert cluster.stored_entries(store_id, b"peer-move-", b"peer-move-~") == 0
