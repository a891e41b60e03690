"""A PD client over ``pdpb.PD``: members, TSO, regions, stores, scatter and operators.

Connection follows PD's rules: ``GetMembers`` with cluster id 0 on any configured endpoint
(comma-separated), then every request carries the cluster id from that answer and goes to the
leader's client URL. A "not leader" / mismatched-cluster answer reconnects once and retries.
gRPC errors become ``RpcFailure``; errors in the response header become ``PdError``. Keys
passed in and out are raw (``importer.pbconvert`` does the memcomparable coding).

Public API: ``PdClient``, ``channel_to``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import grpc

from importer.cluster import Region, Store
from importer.errors import PdError, RpcFailure
from importer.metrics import Metrics
from importer.pbconvert import encode_key, region_from_pb, store_from_pb
from importer.tls import TlsFiles
from protos import pdpb_pb2, pdpb_pb2_grpc

T = TypeVar("T")

_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", -1),
    ("grpc.max_send_message_length", -1),
    ("grpc.keepalive_time_ms", 30_000),
]


def channel_to(address: str, tls: TlsFiles | None) -> grpc.Channel:
    """A gRPC channel to ``host:port`` (mutual TLS when ``tls`` is given)."""
    if tls is not None:
        return grpc.secure_channel(address, tls.channel_credentials(), options=_CHANNEL_OPTIONS)
    return grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)


def _scatter_one(region_id: int) -> pdpb_pb2.ScatterRegionRequest:
    return pdpb_pb2.ScatterRegionRequest(region_id=region_id)


def _strip_scheme(url: str) -> str:
    for prefix in ("http://", "https://", "grpc://"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    return url.rstrip("/")


class PdClient:
    """One PD cluster, reached through its leader."""

    def __init__(
        self, endpoints: str, tls: TlsFiles | None, metrics: Metrics, *, timeout_s: float
    ) -> None:
        self.endpoints = [e.strip() for e in endpoints.split(",") if e.strip()]
        if not self.endpoints:
            raise PdError("connect", "INVALID_VALUE", "no PD address")
        self._tls = tls
        self._metrics = metrics
        self._timeout = timeout_s
        self._lock = threading.Lock()
        self._channel: grpc.Channel | None = None
        self._stub: Any = None
        self.cluster_id = 0
        self.leader_address = ""
        self._connect()

    # ------------------------------------------------------------------------------ plumbing

    def _connect(self) -> None:
        errors = []
        for endpoint in self.endpoints:
            channel = channel_to(endpoint, self._tls)
            try:
                resp = pdpb_pb2_grpc.PDStub(channel).GetMembers(
                    pdpb_pb2.GetMembersRequest(header=pdpb_pb2.RequestHeader(cluster_id=0)),
                    timeout=self._timeout,
                )
            except grpc.RpcError as exc:
                channel.close()
                errors.append(f"{endpoint}: {exc.code().name} {exc.details()}")
                continue
            leader = endpoint
            if resp.leader.client_urls:
                leader = _strip_scheme(resp.leader.client_urls[0])
            if leader != endpoint:
                channel.close()
                channel = channel_to(leader, self._tls)
            with self._lock:
                old = self._channel
                self._channel = channel
                self._stub = pdpb_pb2_grpc.PDStub(channel)
                self.cluster_id = resp.header.cluster_id
                self.leader_address = leader
            if old is not None:
                old.close()
            return
        raise RpcFailure(",".join(self.endpoints), "GetMembers", "UNAVAILABLE", "; ".join(errors))

    def _header(self) -> pdpb_pb2.RequestHeader:
        return pdpb_pb2.RequestHeader(cluster_id=self.cluster_id, caller_id="flashload-importer")

    def _call(self, method: str, build: Callable[[], Any]) -> Any:
        """Calls a unary PD method, reconnecting once on leader change."""
        for attempt in (1, 2):
            request = build()
            request.header.CopyFrom(self._header())
            started = time.perf_counter()
            try:
                resp = getattr(self._stub, method)(request, timeout=self._timeout)
            except grpc.RpcError as exc:
                code = exc.code()
                details = exc.details() or ""
                if attempt == 1 and (
                    code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.FAILED_PRECONDITION)
                    or "not leader" in details
                ):
                    self._connect()
                    continue
                raise RpcFailure(self.leader_address, method, code.name, details) from exc
            finally:
                self._metrics.rpc_latency.labels(method=f"pd.{method}").observe(
                    time.perf_counter() - started
                )
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _check(method: str, resp: Any, allow: Sequence[int] = ()) -> int:
        """Raises the header error unless its type is in ``allow``; returns the type."""
        err = resp.header.error
        if err.type and err.type not in allow:
            raise PdError(method, pdpb_pb2.ErrorType.Name(err.type), err.message)
        return int(err.type)

    # ----------------------------------------------------------------------------------- API

    def tso(self) -> int:
        started = time.perf_counter()
        request = pdpb_pb2.TsoRequest(header=self._header(), count=1)
        try:
            responses = self._stub.Tso(iter([request]), timeout=self._timeout)
            resp = next(iter(responses))
        except grpc.RpcError as exc:
            self._connect()
            raise RpcFailure(self.leader_address, "Tso", exc.code().name, exc.details()) from exc
        except StopIteration as exc:
            raise PdError("Tso", "UNKNOWN", "empty TSO stream") from exc
        finally:
            self._metrics.rpc_latency.labels(method="pd.Tso").observe(time.perf_counter() - started)
        self._check("Tso", resp)
        ts = (resp.timestamp.physical << 18) + resp.timestamp.logical
        if ts <= 0:
            raise PdError("Tso", "INVALID_VALUE", f"timestamp {ts}")
        return int(ts)

    def get_region(self, key: bytes) -> Region | None:
        resp = self._call(
            "GetRegion", lambda: pdpb_pb2.GetRegionRequest(region_key=encode_key(key))
        )
        if self._check("GetRegion", resp, (pdpb_pb2.REGION_NOT_FOUND,)) or not resp.HasField(
            "region"
        ):
            return None
        return region_from_pb(resp.region, resp.leader)

    def get_region_by_id(self, region_id: int) -> Region | None:
        resp = self._call(
            "GetRegionByID", lambda: pdpb_pb2.GetRegionByIDRequest(region_id=region_id)
        )
        if self._check("GetRegionByID", resp, (pdpb_pb2.REGION_NOT_FOUND,)) or not resp.HasField(
            "region"
        ):
            return None
        return region_from_pb(resp.region, resp.leader)

    def scan_regions(self, start: bytes, end: bytes, limit: int) -> list[Region]:
        resp = self._call(
            "ScanRegions",
            lambda: pdpb_pb2.ScanRegionsRequest(
                start_key=encode_key(start), end_key=encode_key(end), limit=limit
            ),
        )
        if self._check("ScanRegions", resp, (pdpb_pb2.REGION_NOT_FOUND,)):
            return []
        if resp.regions:
            return [region_from_pb(r.region, r.leader) for r in resp.regions]
        leaders = list(resp.leaders)
        return [
            region_from_pb(r, leaders[i] if i < len(leaders) else None)
            for i, r in enumerate(resp.region_metas)
        ]

    def get_store(self, store_id: int) -> Store:
        resp = self._call("GetStore", lambda: pdpb_pb2.GetStoreRequest(store_id=store_id))
        self._check("GetStore", resp)
        return store_from_pb(resp.store)

    def all_stores(self) -> list[Store]:
        resp = self._call(
            "GetAllStores", lambda: pdpb_pb2.GetAllStoresRequest(exclude_tombstone_stores=True)
        )
        self._check("GetAllStores", resp)
        return [store_from_pb(s) for s in resp.stores if s.state != 2]

    def scatter_regions(self, region_ids: Sequence[int]) -> list[int]:
        """Batch scatter (``regions_id``); falls back to one request per region."""
        ids = list(region_ids)
        resp = self._call(
            "ScatterRegion",
            lambda: pdpb_pb2.ScatterRegionRequest(regions_id=ids, retry_limit=3),
        )
        if not resp.header.error.type and (
            resp.finished_percentage >= 100 or resp.failed_regions_id
        ):
            return list(resp.failed_regions_id)
        failed = []
        for rid in ids:
            one = self._call("ScatterRegion", functools.partial(_scatter_one, rid))
            if one.header.error.type:
                failed.append(rid)
        return failed

    def scatter_finished(self, region_id: int) -> bool:
        resp = self._call("GetOperator", lambda: pdpb_pb2.GetOperatorRequest(region_id=region_id))
        err = resp.header.error
        if err.type == pdpb_pb2.REGION_NOT_FOUND:
            return True
        if err.type:
            if "not fully replicated" in err.message:
                return False
            raise PdError("GetOperator", pdpb_pb2.ErrorType.Name(err.type), err.message)
        return bool(resp.desc != b"scatter-region" or resp.status != pdpb_pb2.RUNNING)

    def close(self) -> None:
        with self._lock:
            if self._channel is not None:
                self._channel.close()
                self._channel = None
