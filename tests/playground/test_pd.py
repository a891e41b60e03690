"""PD gRPC through a real client: members, cluster id checks, TSO, stores, regions, split, scatter."""

from __future__ import annotations

import time
from collections.abc import Iterator

import grpc
import pytest

from playground.cluster import Cluster
from protos import metapb_pb2, pdpb_pb2
from tests.support.tikv_rpc import ClusterRpc
from tidbkv.codec import encode_bytes


def test_get_members_needs_no_cluster_id_and_reports_it(cluster: Cluster, rpc: ClusterRpc) -> None:
    resp = rpc.pd.GetMembers(pdpb_pb2.GetMembersRequest())
    assert resp.header.cluster_id == cluster.cluster_id
    assert resp.leader.client_urls == [f"http://{cluster.pd_addr}"]
    assert [m.name for m in resp.members] == [resp.leader.name]


def test_wrong_cluster_id_fails_with_failed_precondition(cluster: Cluster, rpc: ClusterRpc) -> None:
    bad = pdpb_pb2.RequestHeader(cluster_id=cluster.cluster_id + 1)
    with pytest.raises(grpc.RpcError) as info:
        rpc.pd.GetAllStores(pdpb_pb2.GetAllStoresRequest(header=bad))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.details() == (
        f"mismatch cluster id, need {cluster.cluster_id} but got {cluster.cluster_id + 1}"
    )


def test_tso_stream_is_strictly_increasing_and_answers_with_the_batch_end(rpc: ClusterRpc) -> None:
    def reqs() -> Iterator[pdpb_pb2.TsoRequest]:
        for count in (1, 10, 1, 100):
            yield pdpb_pb2.TsoRequest(header=rpc.header, count=count)

    last = 0
    for resp in rpc.pd.Tso(reqs()):
        ts = (resp.timestamp.physical << 18) | resp.timestamp.logical
        first = ts - resp.count + 1
        assert first > last
        assert abs(resp.timestamp.physical - time.time() * 1000) < 10_000
        last = ts


def test_tso_checks_the_cluster_id(rpc: ClusterRpc) -> None:
    def reqs() -> Iterator[pdpb_pb2.TsoRequest]:
        yield pdpb_pb2.TsoRequest(header=pdpb_pb2.RequestHeader(cluster_id=7), count=1)

    with pytest.raises(grpc.RpcError) as info:
        list(rpc.pd.Tso(reqs()))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_stores_are_listed_with_their_grpc_addresses(cluster: Cluster, rpc: ClusterRpc) -> None:
    resp = rpc.pd.GetAllStores(pdpb_pb2.GetAllStoresRequest(header=rpc.header))
    assert {s.id: s.address for s in resp.stores} == cluster.store_addrs
    assert all(s.state == metapb_pb2.Up and s.version for s in resp.stores)
    one = rpc.pd.GetStore(pdpb_pb2.GetStoreRequest(header=rpc.header, store_id=2))
    assert one.store.address == cluster.store_addrs[2]
    assert one.stats.capacity >= one.stats.available > 0


def test_unknown_store_is_a_header_error(rpc: ClusterRpc) -> None:
    resp = rpc.pd.GetStore(pdpb_pb2.GetStoreRequest(header=rpc.header, store_id=99))
    assert resp.header.error.type == pdpb_pb2.UNKNOWN
    assert not resp.HasField("store")


def test_regions_are_located_by_encoded_key_and_by_id(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"pd-locate-m")
    left = rpc.pd.GetRegion(
        pdpb_pb2.GetRegionRequest(header=rpc.header, region_key=encode_bytes(b"pd-locate-a"))
    )
    right = rpc.pd.GetRegion(
        pdpb_pb2.GetRegionRequest(header=rpc.header, region_key=encode_bytes(b"pd-locate-m"))
    )
    assert left.region.end_key == encode_bytes(b"pd-locate-m")
    assert right.region.start_key == encode_bytes(b"pd-locate-m")
    assert left.leader.store_id in {p.store_id for p in left.region.peers}
    by_id = rpc.pd.GetRegionByID(
        pdpb_pb2.GetRegionByIDRequest(header=rpc.header, region_id=right.region.id)
    )
    assert by_id.region == right.region
    assert by_id.leader == right.leader


def test_unknown_region_id_answers_without_region(rpc: ClusterRpc) -> None:
    resp = rpc.pd.GetRegionByID(pdpb_pb2.GetRegionByIDRequest(header=rpc.header, region_id=1))
    assert resp.header.error.type == pdpb_pb2.OK
    assert not resp.HasField("region")


def test_scan_regions_paginates_and_fills_legacy_and_new_fields(
    cluster: Cluster, rpc: ClusterRpc
) -> None:
    for k in (b"pd-scan-1", b"pd-scan-2", b"pd-scan-3", b"pd-scan-4"):
        cluster.faults.split(k)
    start, end = encode_bytes(b"pd-scan-0"), encode_bytes(b"pd-scan-5")
    seen: list[metapb_pb2.Region] = []
    key = start
    while True:
        resp = rpc.pd.ScanRegions(
            pdpb_pb2.ScanRegionsRequest(header=rpc.header, start_key=key, end_key=end, limit=2)
        )
        assert [r.region for r in resp.regions] == list(resp.region_metas)
        assert [r.leader for r in resp.regions] == list(resp.leaders)
        seen.extend(resp.region_metas)
        if len(resp.region_metas) < 2 or not resp.region_metas[-1].end_key:
            break
        key = resp.region_metas[-1].end_key
        if key >= end:
            break
    starts = [r.start_key for r in seen]
    for k in (b"pd-scan-1", b"pd-scan-2", b"pd-scan-3", b"pd-scan-4"):
        assert encode_bytes(k) in starts
    assert len(seen) == 5


def test_ask_batch_split_allocates_fresh_region_and_peer_ids(rpc: ClusterRpc) -> None:
    region, _ = rpc.region_of(b"pd-ask")
    resp = rpc.pd.AskBatchSplit(
        pdpb_pb2.AskBatchSplitRequest(header=rpc.header, region=region, split_count=3)
    )
    ids = [i.new_region_id for i in resp.ids] + [p for i in resp.ids for p in i.new_peer_ids]
    assert len(resp.ids) == 3
    assert all(len(i.new_peer_ids) == len(region.peers) for i in resp.ids)
    assert len(set(ids)) == len(ids)
    report = rpc.pd.ReportBatchSplit(
        pdpb_pb2.ReportBatchSplitRequest(header=rpc.header, regions=[region])
    )
    assert report.header.error.type == pdpb_pb2.OK


def test_pd_split_regions_takes_encoded_keys(rpc: ClusterRpc) -> None:
    keys = [encode_bytes(b"pd-split-b"), encode_bytes(b"pd-split-a")]
    resp = rpc.pd.SplitRegions(pdpb_pb2.SplitRegionsRequest(header=rpc.header, split_keys=keys))
    assert resp.finished_percentage == 100
    assert len(resp.regions_id) == 2
    region, _ = rpc.region_of(b"pd-split-a")
    assert region.start_key == encode_bytes(b"pd-split-a")
    assert region.end_key == encode_bytes(b"pd-split-b")


def test_scatter_runs_then_succeeds(cluster: Cluster, rpc: ClusterRpc) -> None:
    cluster.faults.split(b"pd-scatter")
    region, _ = rpc.region_of(b"pd-scatter")
    resp = rpc.pd.ScatterRegion(
        pdpb_pb2.ScatterRegionRequest(header=rpc.header, region_id=region.id)
    )
    assert resp.header.error.type == pdpb_pb2.OK
    op = rpc.pd.GetOperator(pdpb_pb2.GetOperatorRequest(header=rpc.header, region_id=region.id))
    assert op.desc == b"scatter-region"
    assert op.status == pdpb_pb2.RUNNING
    assert cluster.wait_scatter(region.id)
    op = rpc.pd.GetOperator(pdpb_pb2.GetOperatorRequest(header=rpc.header, region_id=region.id))
    assert op.status == pdpb_pb2.SUCCESS


def test_batch_scatter_reports_unknown_regions_as_failed(rpc: ClusterRpc) -> None:
    region, _ = rpc.region_of(b"pd-batch-scatter")
    resp = rpc.pd.ScatterRegion(
        pdpb_pb2.ScatterRegionRequest(header=rpc.header, regions_id=[region.id, 5])
    )
    assert list(resp.failed_regions_id) == [5]
    assert resp.finished_percentage == 50


def test_operator_of_unscattered_region_is_not_found(rpc: ClusterRpc) -> None:
    resp = rpc.pd.GetOperator(pdpb_pb2.GetOperatorRequest(header=rpc.header, region_id=3))
    assert resp.header.error.type == pdpb_pb2.REGION_NOT_FOUND
