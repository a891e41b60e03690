"""Ingest and the region's peers: every peer must have staged the same SST; each peer store's
own LevelDB then holds a copy, a peer move carries it to the new store (and deletes it from the
old one), and reads are served from the leader's own copy."""

from __future__ import annotations

from pathlib import Path

import plyvel

from playground.cluster import Cluster
from playground.tikv import mvcc
from protos import pdpb_pb2
from tests.playground.conftest import start_cluster
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


def _on_disk(data_dir: Path, store_id: int, prefix: bytes) -> list[bytes]:
    """Write-CF keys under a raw-key prefix (shorter than 8 bytes, so it is also the prefix of
    the encoded key) in store ``store_id``'s own LevelDB, read with the cluster stopped."""
    db = plyvel.DB(str(data_dir / f"tikv-{store_id}" / "db"))
    try:
        return list(db.iterator(prefix=mvcc.WRITE_CF + prefix, include_value=False))
    finally:
        db.close()


def test_each_peer_store_holds_its_own_copy_moved_with_the_peer(tmp_path: Path) -> None:
    a = [(b"pc-a-%02d" % i, b"a%d" % i) for i in range(20)]
    b = [(b"pc-b-%02d" % i, b"b%d" % i) for i in range(20)]
    cluster = start_cluster(tmp_path, store_count=4, scatter_delay=(0.0, 0.01), seed=1)
    rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
    try:
        cluster.faults.split(b"pc-b-")
        for pairs in (a, b):
            assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
        # The ingest wrote into the LevelDB of each of the three peer stores, not the fourth.
        for store in (1, 2, 3):
            assert cluster.stored_entries(store, b"pc-", b"pc-~") == 40
        assert cluster.stored_entries(4, b"pc-", b"pc-~") == 0
        # Scattering a's region (store 4 holds no peer) moves one of its peers onto store 4.
        region, _ = rpc.region_of(a[0][0])
        req = pdpb_pb2.ScatterRegionRequest(header=rpc.header, regions_id=[region.id])
        assert rpc.pd.ScatterRegion(req).finished_percentage == 100
        assert cluster.wait_scatter(region.id)
        moved, _ = rpc.region_of(a[0][0])
        (gone,) = {p.store_id for p in region.peers} - {p.store_id for p in moved.peers}
        assert 4 in {p.store_id for p in moved.peers}
        assert cluster.stored_entries(4, b"pc-a-", b"pc-a-~") == 20
        assert cluster.stored_entries(gone, b"pc-a-", b"pc-a-~") == 0
        assert cluster.stored_entries(gone, b"pc-b-", b"pc-b-~") == 20  # other region stays
        cluster.faults.transfer_leader(moved.id, 4)
        assert cluster.read_all(b"pc-", b"pc-~") == a + b
        peers_a = sorted(p.store_id for p in moved.peers)
    finally:
        rpc.close()
        cluster.stop()
    # Three physical copies of each region, in the LevelDBs of exactly its peer stores.
    for store in (1, 2, 3, 4):
        assert len(_on_disk(tmp_path, store, b"pc-a-")) == (20 if store in peers_a else 0)
        assert len(_on_disk(tmp_path, store, b"pc-b-")) == (20 if store != 4 else 0)


def test_reads_and_checksums_come_from_the_leaders_own_store(tmp_path: Path) -> None:
    pairs = [(b"own-%02d" % i, b"v%d" % i) for i in range(10)]
    cluster = start_cluster(tmp_path)
    rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
    try:
        assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
        region, _ = rpc.region_of(pairs[0][0])
        full = cluster.reader.checksum(b"own-", b"own-~")
    finally:
        rpc.close()
        cluster.stop()
    # Only store 2's copy loses one key (as a divergent replica would).
    db = plyvel.DB(str(tmp_path / "tikv-2" / "db"))
    try:
        (victim,) = db.iterator(prefix=mvcc.WRITE_CF + b"own-03", include_value=False)
        db.delete(victim)
    finally:
        db.close()
    cluster = start_cluster(tmp_path)
    try:
        for peer in region.peers:
            cluster.faults.transfer_leader(region.id, peer.store_id)
            got = cluster.read_all(b"own-", b"own-~")
            sums = cluster.reader.checksum(b"own-", b"own-~")
            if peer.store_id == 2:
                assert got == pairs[:3] + pairs[4:]
                assert sums.kvs == len(pairs) - 1
            else:
                assert got == pairs
                assert (sums.checksum, sums.kvs, sums.bytes) == (full.checksum, 10, full.bytes)
    finally:
        cluster.stop()
