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


def test_restart_keeps_the_catalog_and_continues_table_ids(tmp_path: Path) -> None:
    import pymysql

    def run(cluster: object, *sqls: str) -> None:
        host, port = cluster.sql_addr.rsplit(":", 1)  # type: ignore[attr-defined]
        conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
        with conn.cursor() as c:
            for s in sqls:
                c.execute(s)
        conn.close()

    cluster = start_cluster(tmp_path)
    try:
        run(cluster, "CREATE DATABASE p", "CREATE TABLE p.t (id int PRIMARY KEY, v text)")
        before = cluster.tidb.catalog.table("p", "t")
    finally:
        cluster.stop()
    again = start_cluster(tmp_path)
    try:
        assert again.tidb.catalog.table("p", "t") == before
        run(again, "CREATE TABLE p.u (a int)")
        assert again.tidb.catalog.table("p", "u").id > before.id
    finally:
        again.stop()
