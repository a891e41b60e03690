"""A cluster restarted on the same data dir has the same regions, leaders, data, TSO and id."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.errors import ConfigError
from tests.playground.conftest import start_cluster
from tests.support.tikv_rpc import ClusterRpc


def test_restart_restores_regions_leaders_data_and_tso(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path)
    try:
        rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
        pairs = [(b"per-%02d" % i, b"v" * i) for i in range(30)]
        assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
        cluster.faults.split(b"per-10")
        cluster.faults.split(b"per-20")
        region, _ = rpc.region_of(b"per-15")
        other = next(p.store_id for p in region.peers if p.store_id != 1)
        cluster.faults.transfer_leader(region.id, other)
        # Written but never ingested: dropped by the restart.
        r2, leader2 = rpc.region_of(b"per-25")
        rpc.write(r2, leader2, [(b"per-25x", b"lost")], rpc.tso())
        regions = cluster.regions()
        leaders = {r.id: cluster.leader_of(r.id) for r in regions}
        cid = cluster.cluster_id
        last_ts = cluster.tso()
        rpc.close()
    finally:
        cluster.stop()

    again = start_cluster(tmp_path)
    try:
        assert again.cluster_id == cid
        assert again.regions() == regions
        assert {r.id: again.leader_of(r.id) for r in again.regions()} == leaders
        assert again.read_all(b"per-", b"per-~") == pairs
        assert again.tso() > last_ts
        assert all(again.staged_count(s) == 0 for s in again.store_addrs)
        # New ids never collide with old ones.
        new = again.faults.split(b"per-05")
        assert new[0].id not in {r.id for r in regions}
    finally:
        again.stop()


def test_restart_with_fewer_stores_is_refused(tmp_path: Path) -> None:
    start_cluster(tmp_path, store_count=3).stop()
    with pytest.raises(ConfigError) as info:
        start_cluster(tmp_path, store_count=2)
    assert info.value.key == "store_count"
