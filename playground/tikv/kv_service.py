"""``tikvpb.Tikv`` of one store: KvGet / KvBatchGet / KvScan at a read ts, and SplitRegion.

Reads and splits go to the region's leader and check store, region, leadership and epoch
``version`` (TiKV does not check ``conf_ver`` for them). Keys are raw TiDB keys; SplitRegion
memcomparable-encodes them unless ``is_raw_kv``.
"""

from __future__ import annotations

from typing import Any

import grpc
import structlog

from playground import faults as f
from playground.errors import InvalidSplit
from playground.faults import Faults
from playground.raft import Raft
from playground.tikv import region_errors as re
from playground.tikv.engine import MissingValue
from playground.tikv.import_service import injected_error
from protos import errorpb_pb2, kvrpcpb_pb2, metapb_pb2, tikvpb_pb2_grpc
from tidbkv.codec import decode_bytes, encode_bytes

log = structlog.get_logger("playground.tikv")

MAX_SCAN_LIMIT = 1 << 20


def leader_region(
    raft: Raft, faults: Faults, store_id: int, ctx: kvrpcpb_pb2.Context, family: str
) -> tuple[metapb_pb2.Region | None, errorpb_pb2.Error | None]:
    """The region a read or split on this store addresses (checked as TiKV checks it, epoch
    ``version`` only), after any fault drawn for ``family``; or the region error."""
    kind = faults.draw(family)
    regions = raft.regions
    if kind == f.LEADER_TRANSFER:
        region = regions.get(ctx.region_id)
        if region is not None and len(region.peers) > 1:
            stores = [p.store_id for p in region.peers]
            cur = regions.leader_store(region.id)
            raft.transfer_leader(region.id, stores[(stores.index(cur) + 1) % len(stores)])
    elif kind is not None and kind != f.SPLIT_BEFORE_INGEST:
        return None, injected_error(
            kind, regions.get, store_id, ctx, regions.leader_of(ctx.region_id)
        )
    return re.check_context(regions, store_id, ctx, check_conf_ver=False)


class KvService(tikvpb_pb2_grpc.TikvServicer):  # type: ignore[misc]
    """The Tikv service of store ``store_id``."""

    def __init__(self, store_id: int, raft: Raft, faults: Faults) -> None:
        self.store_id = store_id
        self.raft = raft
        self.faults = faults

    def _region(
        self, ctx: kvrpcpb_pb2.Context, family: str
    ) -> tuple[metapb_pb2.Region | None, errorpb_pb2.Error | None]:
        return leader_region(self.raft, self.faults, self.store_id, ctx, family)

    def _engine(self) -> Any:
        return self.raft.replica(self.store_id).engine

    def KvGet(self, request: Any, context: Any) -> Any:
        region, err = self._region(request.context, f.READ)
        if err is None:
            assert region is not None
            err = re.key_error(region, encode_bytes(request.key), request.key)
        if err is not None:
            return kvrpcpb_pb2.GetResponse(region_error=err)
        try:
            value = self._engine().get(request.key, request.version)
        except MissingValue as exc:
            context.abort(grpc.StatusCode.DATA_LOSS, str(exc))
        if value is None:
            return kvrpcpb_pb2.GetResponse(not_found=True)
        return kvrpcpb_pb2.GetResponse(value=value)

    def KvBatchGet(self, request: Any, context: Any) -> Any:
        region, err = self._region(request.context, f.READ)
        if err is None:
            assert region is not None
            for key in request.keys:
                err = re.key_error(region, encode_bytes(key), key)
                if err is not None:
                    break
        if err is not None:
            return kvrpcpb_pb2.BatchGetResponse(region_error=err)
        resp = kvrpcpb_pb2.BatchGetResponse()
        engine = self._engine()
        try:
            for key in request.keys:
                value = engine.get(key, request.version)
                if value is not None:
                    resp.pairs.add(key=key, value=value)
        except MissingValue as exc:
            context.abort(grpc.StatusCode.DATA_LOSS, str(exc))
        return resp

    def KvScan(self, request: Any, context: Any) -> Any:
        if request.reverse:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "reverse scan is not supported")
        region, err = self._region(request.context, f.READ)
        if err is None:
            assert region is not None
            err = re.key_error(region, encode_bytes(request.start_key), request.start_key)
        if err is not None:
            return kvrpcpb_pb2.ScanResponse(region_error=err)
        assert region is not None
        end = request.end_key
        if region.end_key:
            region_end = decode_bytes(region.end_key)[0]
            if not end or region_end < end:
                end = region_end
        if request.limit == 0:
            return kvrpcpb_pb2.ScanResponse()  # TiKV's scanner stops before the first key
        limit = min(request.limit, MAX_SCAN_LIMIT)
        try:
            pairs = self._engine().scan(
                request.start_key, end, request.version, limit, request.key_only
            )
        except MissingValue as exc:
            context.abort(grpc.StatusCode.DATA_LOSS, str(exc))
        resp = kvrpcpb_pb2.ScanResponse()
        for k, v in pairs:
            resp.pairs.add(key=k, value=v)
        return resp

    def SplitRegion(self, request: Any, context: Any) -> Any:
        keys = list(request.split_keys) or ([request.split_key] if request.split_key else [])
        region, err = self._region(request.context, f.SPLIT)
        if err is not None:
            return kvrpcpb_pb2.SplitRegionResponse(region_error=err)
        assert region is not None
        if not keys:
            return kvrpcpb_pb2.SplitRegionResponse(
                region_error=re.message("no split key is specified")
            )
        enc = [k if request.is_raw_kv else encode_bytes(k) for k in keys]
        with self.raft.lock:
            region, err = re.check_context(
                self.raft.regions, self.store_id, request.context, check_conf_ver=False
            )
            if err is not None:
                return kvrpcpb_pb2.SplitRegionResponse(region_error=err)
            assert region is not None
            try:
                regions = self.raft.split(region.id, enc)
            except InvalidSplit as exc:
                if exc.reason == "key not in region":
                    raw = keys[enc.index(exc.key)]
                    return kvrpcpb_pb2.SplitRegionResponse(
                        region_error=re.key_not_in_region(raw, region)
                    )
                return kvrpcpb_pb2.SplitRegionResponse(region_error=re.message(str(exc)))
        resp = kvrpcpb_pb2.SplitRegionResponse(regions=regions)
        if len(regions) == 2:
            resp.left.CopyFrom(regions[0])
            resp.right.CopyFrom(regions[1])
        return resp
