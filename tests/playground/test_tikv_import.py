"""ImportSST through a real client: import mode, Write validation and metas, Ingest and its checks."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import grpc
import pytest

from playground.cluster import Cluster
from protos import import_sstpb_pb2, kvrpcpb_pb2, metapb_pb2
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.codec import encode_bytes


def _follower(region: metapb_pb2.Region, leader: metapb_pb2.Peer) -> metapb_pb2.Peer:
    return next(p for p in region.peers if p.store_id != leader.store_id)


def test_switch_mode_is_reported_by_get_mode_and_cluster(cluster: Cluster, rpc: ClusterRpc) -> None:
    imp = rpc.importers[2]
    assert imp.GetMode(import_sstpb_pb2.GetModeRequest()).mode == import_sstpb_pb2.Normal
    imp.SwitchMode(import_sstpb_pb2.SwitchModeRequest(mode=import_sstpb_pb2.Import))
    assert imp.GetMode(import_sstpb_pb2.GetModeRequest()).mode == import_sstpb_pb2.Import
    assert cluster.import_mode(2) == import_sstpb_pb2.Import
    assert cluster.import_mode(1) == import_sstpb_pb2.Normal
    imp.SwitchMode(import_sstpb_pb2.SwitchModeRequest(mode=import_sstpb_pb2.Normal))
    assert cluster.import_mode(2) == import_sstpb_pb2.Normal


def test_write_returns_write_cf_meta_for_short_values(rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"imp-short")
    pairs = [(b"imp-short-1", b"a"), (b"imp-short-2", b"b" * 255)]
    meta = rpc.meta_for(region, pairs)
    resp = rpc.write_one(leader.store_id, meta, pairs, rpc.tso())
    assert [m.cf_name for m in resp.metas] == ["write"]
    (m,) = resp.metas
    assert m.uuid == meta.uuid and m.region_id == region.id
    assert m.region_epoch == region.region_epoch
    assert m.range == meta.range
    assert m.total_kvs == 2
    assert m.total_bytes == sum(len(k) + len(v) for k, v in pairs)


def test_write_returns_default_and_write_metas_for_long_values(rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"imp-long")
    pairs = [(b"imp-long-1", b"a"), (b"imp-long-2", b"b" * 256)]
    resp = rpc.write_one(leader.store_id, rpc.meta_for(region, pairs), pairs, rpc.tso())
    assert sorted((m.cf_name, m.total_kvs) for m in resp.metas) == [("default", 1), ("write", 2)]


def _write_raw(rpc: ClusterRpc, store: int, reqs: list[import_sstpb_pb2.WriteRequest]) -> None:
    rpc.importers[store].Write(iter(reqs))


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("batch-first", "InvalidChunk"),
        ("zero-ts", "commit_ts is 0"),
        ("unsorted", "ascending"),
        ("duplicate", "ascending"),
        ("out-of-range", "out of the SST range"),
    ],
)
def test_write_rejects_bad_streams(rpc: ClusterRpc, case: str, detail: str) -> None:
    region, leader = rpc.region_of(b"imp-bad")
    meta = rpc.meta_for(region, [(b"imp-bad-1", b""), (b"imp-bad-5", b"")])

    def batch(ts: int, *keys: bytes) -> import_sstpb_pb2.WriteRequest:
        b = import_sstpb_pb2.WriteBatch(commit_ts=ts)
        for k in keys:
            b.pairs.add(key=k, value=b"v")
        return import_sstpb_pb2.WriteRequest(batch=b)

    reqs = {
        "batch-first": [batch(5, b"imp-bad-1")],
        "zero-ts": [import_sstpb_pb2.WriteRequest(meta=meta), batch(0, b"imp-bad-1")],
        "unsorted": [
            import_sstpb_pb2.WriteRequest(meta=meta),
            batch(5, b"imp-bad-3", b"imp-bad-2"),
        ],
        "duplicate": [
            import_sstpb_pb2.WriteRequest(meta=meta),
            batch(5, b"imp-bad-2"),
            batch(5, b"imp-bad-2"),
        ],
        "out-of-range": [import_sstpb_pb2.WriteRequest(meta=meta), batch(5, b"imp-bad-6")],
    }[case]
    with pytest.raises(grpc.RpcError) as info:
        _write_raw(rpc, leader.store_id, reqs)
    assert info.value.code() == grpc.StatusCode.UNKNOWN
    assert detail in (info.value.details() or "")


def test_ingest_makes_pairs_visible_at_commit_ts_on_every_peer(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    pairs = [(b"imp-ok-%02d" % i, b"x" * (i * 20)) for i in range(20)]
    region, leader = rpc.region_of(pairs[0][0])
    ts = rpc.tso()
    metas = rpc.write(region, leader, pairs, ts)
    assert all(cluster.staged_count(p.store_id) >= 1 for p in region.peers)
    resp = rpc.ingest(region, leader, metas)
    assert not resp.HasField("error"), resp
    assert cluster.read_all(b"imp-ok-", b"imp-ok-~") == pairs
    assert cluster.read_all(b"imp-ok-", b"imp-ok-~", ts=ts - 1) == []
    for peer in region.peers:
        assert cluster.stored_entries(peer.store_id, b"imp-ok-", b"imp-ok-~") == 20 + 7
    # Re-ingesting the same metas fails: the staged files were consumed.
    again = rpc.ingest(region, leader, metas)
    assert "not found" in again.error.message


def test_single_meta_ingest_applies_one_cf(rpc: ClusterRpc, cluster: Cluster) -> None:
    pairs = [(b"imp-single-1", b"s1"), (b"imp-single-2", b"s2")]
    region, leader = rpc.region_of(pairs[0][0])
    (meta,) = rpc.write(region, leader, pairs, rpc.tso())
    req = import_sstpb_pb2.IngestRequest(context=rpc.context(region, leader), sst=meta)
    assert not rpc.importers[leader.store_id].Ingest(req).HasField("error")
    assert cluster.read_all(b"imp-single-", b"imp-single-~") == pairs


def test_newer_version_shadows_older_and_delete_hides(rpc: ClusterRpc, cluster: Cluster) -> None:
    key = b"imp-mvcc"
    ts1 = rpc.tso()
    assert not rpc.write_and_ingest([(key, b"old")], ts1).HasField("error")
    ts2 = rpc.tso()
    assert not rpc.write_and_ingest([(key, b"new")], ts2).HasField("error")
    assert cluster.read_all(key, key + b"\x00", ts=ts1) == [(key, b"old")]
    assert cluster.read_all(key, key + b"\x00") == [(key, b"new")]
    region, leader = rpc.region_of(key)
    meta = rpc.meta_for(region, [(key, b"")])
    ts3 = rpc.tso()

    def reqs() -> Iterator[import_sstpb_pb2.WriteRequest]:
        yield import_sstpb_pb2.WriteRequest(meta=meta)
        b = import_sstpb_pb2.WriteBatch(commit_ts=ts3)
        b.pairs.add(key=key, op=import_sstpb_pb2.Pair.Delete)
        yield import_sstpb_pb2.WriteRequest(batch=b)

    metas = []
    for p in region.peers:
        r = rpc.importers[p.store_id].Write(reqs())
        if p.store_id == leader.store_id:
            metas = list(r.metas)
    assert not rpc.ingest(region, leader, metas).HasField("error")
    assert cluster.read_all(key, key + b"\x00") == []
    assert cluster.read_all(key, key + b"\x00", ts=ts2) == [(key, b"new")]


def test_ingest_on_a_follower_is_not_leader_with_the_leader(rpc: ClusterRpc) -> None:
    pairs = [(b"imp-nl", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    resp = rpc.ingest(region, _follower(region, leader), metas)
    assert resp.error.not_leader.region_id == region.id
    assert resp.error.not_leader.leader == leader


def test_ingest_with_stale_epoch_is_epoch_not_match(rpc: ClusterRpc) -> None:
    pairs = [(b"imp-epoch", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    stale = metapb_pb2.Region()
    stale.CopyFrom(region)
    stale.region_epoch.version -= 1
    resp = rpc.ingest(stale, leader, metas)
    assert resp.error.epoch_not_match.current_regions[0].id == region.id
    assert resp.error.epoch_not_match.current_regions[0].region_epoch == region.region_epoch


def test_ingest_to_unknown_region_is_region_not_found(rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"imp-rnf")
    unknown = metapb_pb2.Region()
    unknown.CopyFrom(region)
    unknown.id = 4
    meta = rpc.meta_for(region, [(b"imp-rnf", b"")])
    meta.cf_name = "write"
    resp = rpc.ingest(unknown, leader, [meta])
    assert resp.error.region_not_found.region_id == 4


def test_ingest_with_wrong_store_is_store_not_match(rpc: ClusterRpc) -> None:
    pairs = [(b"imp-snm", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    metas = rpc.write(region, leader, pairs, rpc.tso())
    other = next(s for s in rpc.importers if s != leader.store_id)
    req = import_sstpb_pb2.MultiIngestRequest(context=rpc.context(region, leader), ssts=metas)
    resp = rpc.importers[other].MultiIngest(req)
    assert resp.error.store_not_match.request_store_id == leader.store_id
    assert resp.error.store_not_match.actual_store_id == other


def test_ingest_of_range_outside_region_is_key_not_in_region(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    cluster.faults.split(b"imp-knr-m")
    region, leader = rpc.region_of(b"imp-knr-a")
    meta = rpc.meta_for(region, [(b"imp-knr-a", b""), (b"imp-knr-z", b"")])
    meta.cf_name = "write"
    resp = rpc.ingest(region, leader, [meta])
    assert resp.error.key_not_in_region.region_id == region.id
    assert resp.error.key_not_in_region.key == encode_bytes(b"imp-knr-z")
    assert resp.error.key_not_in_region.end_key == encode_bytes(b"imp-knr-m")


def test_ingest_needs_the_sst_on_every_peer(rpc: ClusterRpc) -> None:
    pairs = [(b"imp-peers", b"v")]
    region, leader = rpc.region_of(pairs[0][0])
    meta = rpc.meta_for(region, pairs)
    metas = rpc.write_one(leader.store_id, meta, pairs, rpc.tso()).metas
    resp = rpc.ingest(region, leader, metas)
    assert "not found on store" in resp.error.message


def test_empty_multi_ingest_is_the_support_probe(rpc: ClusterRpc) -> None:
    resp = rpc.importers[1].MultiIngest(import_sstpb_pb2.MultiIngestRequest())
    assert not resp.HasField("error")


def test_upload_of_rocksdb_ssts_is_unimplemented(rpc: ClusterRpc) -> None:
    meta = import_sstpb_pb2.SSTMeta(uuid=uuid.uuid4().bytes)
    with pytest.raises(grpc.RpcError) as info:
        rpc.importers[1].Upload(iter([import_sstpb_pb2.UploadRequest(meta=meta)]))
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_kv_reads_at_a_version(cluster: Cluster, rpc: ClusterRpc) -> None:
    pairs = [(b"imp-read-%d" % i, b"r%d" % i) for i in range(5)]
    ts = rpc.tso()
    assert not rpc.write_and_ingest(pairs, ts).HasField("error")
    region, leader = rpc.region_of(pairs[0][0])
    kv = rpc.kv[leader.store_id]
    ctx = rpc.context(region, leader)
    got = kv.KvGet(kvrpcpb_pb2.GetRequest(context=ctx, key=b"imp-read-2", version=ts))
    assert got.value == b"r2" and not got.not_found
    early = kv.KvGet(kvrpcpb_pb2.GetRequest(context=ctx, key=b"imp-read-2", version=ts - 1))
    assert early.not_found
    batch = kv.KvBatchGet(
        kvrpcpb_pb2.BatchGetRequest(
            context=ctx, keys=[b"imp-read-1", b"imp-read-9", b"imp-read-4"], version=ts
        )
    )
    assert [(p.key, p.value) for p in batch.pairs] == [
        (b"imp-read-1", b"r1"),
        (b"imp-read-4", b"r4"),
    ]
    scan = kv.KvScan(
        kvrpcpb_pb2.ScanRequest(
            context=ctx, start_key=b"imp-read-", end_key=b"imp-read-~", limit=3, version=ts
        )
    )
    assert [(p.key, p.value) for p in scan.pairs] == pairs[:3]
    keys_only = kv.KvScan(
        kvrpcpb_pb2.ScanRequest(
            context=ctx, start_key=b"imp-read-", end_key=b"imp-read-~", key_only=True, version=ts
        )
    )
    assert keys_only.pairs == []  # limit 0: TiKV returns nothing
    keys_only = kv.KvScan(
        kvrpcpb_pb2.ScanRequest(
            context=ctx,
            start_key=b"imp-read-",
            end_key=b"imp-read-~",
            key_only=True,
            limit=10,
            version=ts,
        )
    )
    assert [(p.key, p.value) for p in keys_only.pairs] == [(k, b"") for k, _ in pairs]


def test_kv_get_on_follower_is_not_leader(rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"imp-kv-nl")
    follower = _follower(region, leader)
    resp = rpc.kv[follower.store_id].KvGet(
        kvrpcpb_pb2.GetRequest(context=rpc.context(region, follower), key=b"imp-kv-nl", version=1)
    )
    assert resp.region_error.not_leader.leader == leader


def test_kv_get_outside_region_is_key_not_in_region(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"imp-kv-knr-m")
    region, leader = rpc.region_of(b"imp-kv-knr-a")
    resp = rpc.kv[leader.store_id].KvGet(
        kvrpcpb_pb2.GetRequest(context=rpc.context(region, leader), key=b"imp-kv-knr-z", version=1)
    )
    assert resp.region_error.key_not_in_region.key == b"imp-kv-knr-z"


def test_kv_scan_stops_at_the_region_end(cluster: Cluster, rpc: ClusterRpc) -> None:
    pairs = [(b"imp-clamp-%d" % i, b"c") for i in range(6)]
    assert not rpc.write_and_ingest(pairs, rpc.tso()).HasField("error")
    cluster.faults.split(b"imp-clamp-3")
    region, leader = rpc.region_of(b"imp-clamp-0")
    resp = rpc.kv[leader.store_id].KvScan(
        kvrpcpb_pb2.ScanRequest(
            context=rpc.context(region, leader),
            start_key=b"imp-clamp-0",
            limit=100,
            version=rpc.tso(),
        )
    )
    assert [p.key for p in resp.pairs] == [k for k, _ in pairs[:3]]


def test_reads_with_stale_version_are_epoch_not_match(cluster: Cluster, rpc: ClusterRpc) -> None:
    region, leader = rpc.region_of(b"imp-stale-read")
    cluster.faults.split(b"imp-stale-read-m")
    resp = rpc.kv[leader.store_id].KvGet(
        kvrpcpb_pb2.GetRequest(
            context=rpc.context(region, leader), key=b"imp-stale-read", version=1
        )
    )
    assert resp.region_error.HasField("epoch_not_match")


def test_staged_ssts_are_dropped_after_the_ttl(tmp_path: object) -> None:
    from pathlib import Path

    from tests.playground.conftest import start_cluster

    cluster = start_cluster(Path(str(tmp_path)), staged_ttl_seconds=0.3, store_count=1)
    try:
        rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
        pairs = [(b"ttl", b"v")]
        region, leader = rpc.region_of(b"ttl")
        metas = rpc.write(region, leader, pairs, rpc.tso())
        assert cluster.staged_count(1) == 1
        deadline = time.monotonic() + 5
        while cluster.staged_count(1) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cluster.staged_count(1) == 0
        assert "not found" in rpc.ingest(region, leader, metas).error.message
        rpc.close()
    finally:
        cluster.stop()


def test_import_mode_reverts_to_normal_after_the_timeout(tmp_path: object) -> None:
    from pathlib import Path

    from tests.playground.conftest import start_cluster

    cluster = start_cluster(Path(str(tmp_path)), import_mode_timeout_seconds=0.2, store_count=1)
    try:
        rpc = ClusterRpc(cluster.pd_addr, cluster.cluster_id, cluster.store_addrs)
        rpc.importers[1].SwitchMode(
            import_sstpb_pb2.SwitchModeRequest(mode=import_sstpb_pb2.Import)
        )
        assert cluster.import_mode(1) == import_sstpb_pb2.Import
        time.sleep(0.3)
        assert cluster.import_mode(1) == import_sstpb_pb2.Normal
        rpc.close()
    finally:
        cluster.stop()
