"""``pdpb.PD``: members, TSO, stores, regions, split and scatter, with PD's header rules.

Every request except GetMembers must carry the cluster id (else FAILED_PRECONDITION
"mismatch cluster id, need X but got Y"); logical failures come back in ``header.error`` with an
OK status. Region keys are memcomparable-encoded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc

from playground.errors import InvalidSplit
from playground.pd.operators import Operators
from playground.pd.tso import TsoAllocator
from playground.raft import Raft
from protos import metapb_pb2, pdpb_pb2, pdpb_pb2_grpc

PD_VERSION = "8.5.0"
TIKV_VERSION = "8.5.0"


@dataclass(frozen=True)
class StoreView:
    """What PD reports about one store."""

    store_id: int
    address: str
    up: bool
    data_dir: str


class PDService(pdpb_pb2_grpc.PDServicer):  # type: ignore[misc]
    """The PD gRPC service over the shared region table."""

    def __init__(
        self,
        cluster_id: int,
        raft: Raft,
        tso: TsoAllocator,
        operators: Operators,
        stores: Callable[[], list[StoreView]],
        client_url: Callable[[], str],
    ) -> None:
        self.cluster_id = cluster_id
        self.raft = raft
        self.tso = tso
        self.operators = operators
        self.stores = stores
        self.client_url = client_url

    # -- helpers ---------------------------------------------------------------------------

    def _check(self, request: Any, context: Any) -> None:
        got = request.header.cluster_id
        if got != self.cluster_id:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"mismatch cluster id, need {self.cluster_id} but got {got}",
            )

    def _header(self, error: Any = pdpb_pb2.OK, message: str = "") -> pdpb_pb2.ResponseHeader:
        h = pdpb_pb2.ResponseHeader(cluster_id=self.cluster_id)
        if error != pdpb_pb2.OK:
            h.error.type = error
            h.error.message = message
        return h

    def _store_meta(self, view: StoreView) -> metapb_pb2.Store:
        return metapb_pb2.Store(
            id=view.store_id,
            address=view.address,
            state=metapb_pb2.Up,
            version=TIKV_VERSION,
            node_state=metapb_pb2.Serving,
        )

    # -- members / tso ---------------------------------------------------------------------

    def GetMembers(self, request: Any, context: Any) -> Any:
        url = self.client_url()
        member = pdpb_pb2.Member(
            name="pd-0",
            member_id=1,
            peer_urls=[url],
            client_urls=[url],
            binary_version=PD_VERSION,
        )
        return pdpb_pb2.GetMembersResponse(
            header=self._header(), members=[member], leader=member, etcd_leader=member
        )

    def Tso(self, request_iterator: Iterator[Any], context: Any) -> Iterator[Any]:
        for req in request_iterator:
            self._check(req, context)
            if req.count == 0:
                context.abort(grpc.StatusCode.UNKNOWN, "tso count should be positive")
            physical, logical = self.tso.allocate(req.count)
            resp = pdpb_pb2.TsoResponse(header=self._header(), count=req.count)
            resp.timestamp.physical = physical
            resp.timestamp.logical = logical
            yield resp

    # -- stores ----------------------------------------------------------------------------

    def GetStore(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        for view in self.stores():
            if view.store_id == request.store_id:
                usage = shutil.disk_usage(view.data_dir)
                stats = pdpb_pb2.StoreStats(
                    store_id=view.store_id,
                    capacity=usage.total,
                    available=usage.free,
                    used_size=usage.used,
                    region_count=self.raft.regions.peer_counts().get(view.store_id, 0),
                )
                return pdpb_pb2.GetStoreResponse(
                    header=self._header(), store=self._store_meta(view), stats=stats
                )
        return pdpb_pb2.GetStoreResponse(
            header=self._header(pdpb_pb2.UNKNOWN, f"invalid store ID {request.store_id}, not found")
        )

    def GetAllStores(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        return pdpb_pb2.GetAllStoresResponse(
            header=self._header(), stores=[self._store_meta(v) for v in self.stores()]
        )

    # -- regions ---------------------------------------------------------------------------

    def _region_response(self, region: metapb_pb2.Region | None) -> pdpb_pb2.GetRegionResponse:
        resp = pdpb_pb2.GetRegionResponse(header=self._header())
        if region is not None:
            resp.region.CopyFrom(region)
            leader = self.raft.regions.leader_of(region.id)
            if leader is not None:
                resp.leader.CopyFrom(leader)
        return resp

    def GetRegion(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        with self.raft.lock:
            return self._region_response(self.raft.regions.locate(request.region_key))

    def GetRegionByID(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        with self.raft.lock:
            return self._region_response(self.raft.regions.get(request.region_id))

    def ScanRegions(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        resp = pdpb_pb2.ScanRegionsResponse(header=self._header())
        with self.raft.lock:
            for region in self.raft.regions.scan(request.start_key, request.end_key, request.limit):
                leader = self.raft.regions.leader_of(region.id) or metapb_pb2.Peer()
                resp.region_metas.add().CopyFrom(region)
                resp.leaders.add().CopyFrom(leader)
                resp.regions.add(region=region, leader=leader)
        return resp

    # -- split -----------------------------------------------------------------------------

    def AskBatchSplit(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        if request.split_count == 0:
            return pdpb_pb2.AskBatchSplitResponse(
                header=self._header(pdpb_pb2.UNKNOWN, "split count should be positive")
            )
        resp = pdpb_pb2.AskBatchSplitResponse(header=self._header())
        peers = len(request.region.peers)
        for _ in range(request.split_count):
            ids = self.raft.regions.alloc_ids(1 + peers)
            resp.ids.add(new_region_id=ids[0], new_peer_ids=ids[1:])
        return resp

    def ReportBatchSplit(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        return pdpb_pb2.ReportBatchSplitResponse(header=self._header())

    def SplitRegions(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        keys = sorted(set(k for k in request.split_keys if k))
        new_ids: list[int] = []
        done = 0
        with self.raft.lock:
            for key in keys:
                region = self.raft.regions.locate(key)
                if region.start_key == key:
                    done += 1
                    continue
                try:
                    pieces = self.raft.split(region.id, [key])
                except InvalidSplit:
                    continue
                new_ids.extend(r.id for r in pieces if r.id != region.id)
                done += 1
        pct = 100 if not keys else done * 100 // len(keys)
        return pdpb_pb2.SplitRegionsResponse(
            header=self._header(), finished_percentage=pct, regions_id=new_ids
        )

    # -- scatter / operators ---------------------------------------------------------------

    def ScatterRegion(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        ids = list(request.regions_id)
        if not ids:
            rid = request.region_id or request.region.id
            if not self.operators.scatter(rid):
                return pdpb_pb2.ScatterRegionResponse(
                    header=self._header(pdpb_pb2.REGION_NOT_FOUND, f"region {rid} not found")
                )
            return pdpb_pb2.ScatterRegionResponse(header=self._header(), finished_percentage=100)
        failed = [rid for rid in ids if not self.operators.scatter(rid)]
        pct = (len(ids) - len(failed)) * 100 // len(ids)
        return pdpb_pb2.ScatterRegionResponse(
            header=self._header(), finished_percentage=pct, failed_regions_id=failed
        )

    def GetOperator(self, request: Any, context: Any) -> Any:
        self._check(request, context)
        op = self.operators.get(request.region_id)
        if op is None:
            return pdpb_pb2.GetOperatorResponse(
                header=self._header(pdpb_pb2.REGION_NOT_FOUND, "Not Found")
            )
        return pdpb_pb2.GetOperatorResponse(
            header=self._header(),
            region_id=request.region_id,
            desc=op.desc,
            status=op.status,
            kind=op.kind,
        )
