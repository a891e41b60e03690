"""TiKV store RPCs: ``ImportSST`` Write / MultiIngest / SwitchMode / Compact, ``Tikv.SplitRegion``.

``write_all`` streams one region's batches to every peer at once: each batch message is
serialized once and the same bytes are queued to one ``Write`` stream per peer (bounded by
``stream-channel-window`` messages each), so memory stays flat whatever the region size. A peer
whose stream fails stops the others. gRPC errors become ``RpcFailure``; region errors in
answers become ``RegionError``.

Public API: ``StoreChannels``, ``WRITE_TIMEOUT_S``, ``INGEST_TIMEOUT_S``, ``SPLIT_TIMEOUT_S``.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid as uuidlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import grpc

from importer.cluster import Pair, Peer, Region, SSTMeta
from importer.errors import ClusterError, RegionError, RegionErrorKind, RpcFailure
from importer.metrics import Metrics
from importer.pbconvert import context_for, encode_key, region_error_from_pb, region_from_pb
from importer.pdclient import channel_to
from importer.tls import TlsFiles
from protos import import_sstpb_pb2 as sst
from protos import import_sstpb_pb2_grpc, kvrpcpb_pb2, tikvpb_pb2_grpc
from protos.kvbatch import encode_sst_write_batch

# Lightning gives a whole region write 15 min (ErrWriteTooSlow) and an ingest 30 s+.
WRITE_TIMEOUT_S = 15 * 60.0
INGEST_TIMEOUT_S = 120.0
SPLIT_TIMEOUT_S = 60.0
MODE_TIMEOUT_S = 30.0
COMPACT_TIMEOUT_S = 3600.0
_QUEUE_POLL_S = 0.5
_END = object()


def _identity(data: bytes) -> bytes:
    return data


class _Feed:
    """A request iterator for one Write stream, fed from the writing thread."""

    def __init__(self, window: int) -> None:
        self.queue: queue.Queue[object] = queue.Queue(maxsize=window)
        self.stopped = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self.queue.get()
            if item is _END or self.stopped.is_set():
                return
            assert isinstance(item, bytes)
            yield item

    def put(self, item: object, call: grpc.Future) -> bool:
        """Queues ``item`` unless the stream already finished; False if it did."""
        while not self.stopped.is_set():
            if call.done():
                return False
            try:
                self.queue.put(item, timeout=_QUEUE_POLL_S)
                return True
            except queue.Full:
                continue
        return False


class _Store:
    def __init__(self, address: str, tls: TlsFiles | None) -> None:
        self.address = address
        self.channel = channel_to(address, tls)
        self.import_sst = import_sstpb_pb2_grpc.ImportSSTStub(self.channel)
        self.tikv = tikvpb_pb2_grpc.TikvStub(self.channel)
        self.write_raw = self.channel.stream_unary(
            "/import_sstpb.ImportSST/Write",
            request_serializer=_identity,
            response_deserializer=sst.WriteResponse.FromString,
        )


class StoreChannels:
    """Cached channels to stores by address, and the store-level RPCs."""

    def __init__(self, tls: TlsFiles | None, metrics: Metrics, *, window: int) -> None:
        self._tls = tls
        self._metrics = metrics
        self._window = window
        self._lock = threading.Lock()
        self._stores: dict[str, _Store] = {}

    def _store(self, address: str) -> _Store:
        with self._lock:
            store = self._stores.get(address)
            if store is None:
                store = self._stores[address] = _Store(address, self._tls)
            return store

    def _observe(self, method: str, started: float) -> None:
        self._metrics.rpc_latency.labels(method=f"tikv.{method}").observe(
            time.perf_counter() - started
        )

    # --------------------------------------------------------------------------------- write

    def write_all(
        self,
        region: Region,
        addresses: dict[int, str],
        commit_ts: int,
        first_key: bytes,
        last_key: bytes,
        batches: Iterable[Sequence[Pair]],
    ) -> list[SSTMeta]:
        """Streams the batches to every peer; returns the leader's SST metas."""
        meta = sst.SSTMeta(uuid=uuidlib.uuid4().bytes, region_id=region.id)
        meta.region_epoch.conf_ver = region.epoch.conf_ver
        meta.region_epoch.version = region.epoch.version
        meta.range.start = encode_key(first_key)
        meta.range.end = encode_key(last_key)
        started = time.perf_counter()
        streams: list[tuple[Peer, str, _Feed, grpc.Future]] = []
        try:
            for peer in region.peers:
                address = addresses[peer.store_id]
                feed = _Feed(self._window)
                head = sst.WriteRequest(meta=meta, context=context_for(region, peer))
                feed.queue.put(head.SerializeToString())
                call = self._store(address).write_raw.future(iter(feed), timeout=WRITE_TIMEOUT_S)
                streams.append((peer, address, feed, call))
            for batch in batches:
                data = encode_sst_write_batch(batch, commit_ts)
                for _, _, feed, call in streams:
                    if not feed.put(data, call):
                        raise self._stream_failure(region, streams)
            for _, _, feed, call in streams:
                feed.put(_END, call)
            responses: dict[int, Any] = {}
            for peer, address, _, call in streams:
                try:
                    responses[peer.store_id] = call.result()
                except grpc.RpcError as exc:
                    raise RpcFailure(address, "Write", exc.code().name, exc.details()) from exc
        except BaseException:
            for _, _, feed, call in streams:
                feed.stopped.set()
                call.cancel()
            raise
        finally:
            self._observe("Write", started)
        for peer, _, _, _ in streams:
            resp = responses[peer.store_id]
            if resp.HasField("error"):
                err = resp.error
                if err.HasField("store_error"):
                    raise region_error_from_pb(err.store_error, region.id)
                raise RegionError(RegionErrorKind.OTHER, region.id, f"write: {err.message}")
        leader = region.target_peer()
        return list(responses[leader.store_id].metas)

    @staticmethod
    def _stream_failure(
        region: Region, streams: list[tuple[Peer, str, _Feed, grpc.Future]]
    ) -> ClusterError:
        for _, address, _, call in streams:
            if call.done():
                try:
                    resp = call.result()
                except grpc.RpcError as exc:
                    return RpcFailure(address, "Write", exc.code().name, exc.details())
                if resp.HasField("error") and resp.error.HasField("store_error"):
                    return region_error_from_pb(resp.error.store_error, region.id)
                return RegionError(
                    RegionErrorKind.OTHER,
                    region.id,
                    f"write stream to {address} ended early: {resp.error.message}",
                )
        return ClusterError(f"region {region.id}: write stream ended early")

    # -------------------------------------------------------------------------------- ingest

    def multi_ingest(self, region: Region, address: str, metas: Sequence[SSTMeta]) -> None:
        leader = region.target_peer()
        req = sst.MultiIngestRequest(context=context_for(region, leader), ssts=list(metas))
        store = self._store(address)
        started = time.perf_counter()
        try:
            resp = store.import_sst.MultiIngest(req, timeout=INGEST_TIMEOUT_S)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise RpcFailure(address, "MultiIngest", exc.code().name, exc.details()) from exc
            resp = None  # TiKV < 5.1: one Ingest per SST
        finally:
            self._observe("MultiIngest", started)
        if resp is None:
            for meta in metas:
                try:
                    one = store.import_sst.Ingest(
                        sst.IngestRequest(context=context_for(region, leader), sst=meta),
                        timeout=INGEST_TIMEOUT_S,
                    )
                except grpc.RpcError as exc:
                    raise RpcFailure(address, "Ingest", exc.code().name, exc.details()) from exc
                if one.HasField("error"):
                    raise region_error_from_pb(one.error, region.id)
            return
        if resp.HasField("error"):
            raise region_error_from_pb(resp.error, region.id)

    # --------------------------------------------------------------------------------- split

    def split_region(self, region: Region, address: str, keys: Sequence[bytes]) -> list[Region]:
        req = kvrpcpb_pb2.SplitRegionRequest(
            context=context_for(region, region.target_peer()), split_keys=list(keys)
        )
        started = time.perf_counter()
        try:
            resp = self._store(address).tikv.SplitRegion(req, timeout=SPLIT_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise RpcFailure(address, "SplitRegion", exc.code().name, exc.details()) from exc
        finally:
            self._observe("SplitRegion", started)
        if resp.HasField("region_error"):
            raise region_error_from_pb(resp.region_error, region.id)
        if resp.errors:
            raise RegionError(RegionErrorKind.OTHER, region.id, f"split: {resp.errors[0]}")
        regions = list(resp.regions)
        if not regions:
            regions = [r for r in (resp.left, resp.right) if r.id]
        return [region_from_pb(r) for r in regions]

    # ---------------------------------------------------------------------------------- misc

    def switch_mode(self, address: str, mode: int) -> None:
        started = time.perf_counter()
        try:
            self._store(address).import_sst.SwitchMode(
                sst.SwitchModeRequest(mode=sst.SwitchMode.Name(mode)), timeout=MODE_TIMEOUT_S
            )
        except grpc.RpcError as exc:
            raise RpcFailure(address, "SwitchMode", exc.code().name, exc.details()) from exc
        finally:
            self._observe("SwitchMode", started)

    def compact(self, address: str, request: bytes) -> None:
        try:
            self._store(address).import_sst.Compact(
                sst.CompactRequest.FromString(request), timeout=COMPACT_TIMEOUT_S
            )
        except grpc.RpcError as exc:
            raise RpcFailure(address, "Compact", exc.code().name, exc.details()) from exc

    def close(self) -> None:
        with self._lock:
            for store in self._stores.values():
                store.channel.close()
            self._stores.clear()
