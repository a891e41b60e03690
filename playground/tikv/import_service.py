"""``import_sstpb.ImportSST`` of one store: SwitchMode/GetMode, Write, Ingest/MultiIngest.

Write (on any peer) stages the stream's pairs and returns per-CF SSTMetas. Ingest (on the
leader) checks store, region, leadership, epoch and range as TiKV's ``check_sst_for_ingestion``
does, requires every peer to hold the same staged file (crc32, length), then applies it
atomically to every peer's store: one LevelDB write batch per peer store, filled outside the
region lock and written under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc
import structlog

from playground import faults as f
from playground.errors import InvalidSplit, PlaygroundError
from playground.faults import Faults
from playground.raft import Raft
from playground.regions import contains
from playground.tikv import region_errors as re
from playground.tikv import wire
from playground.tikv.engine import PreparedWrite
from playground.tikv.import_mode import ImportModeSwitch
from playground.tikv.staging import CF_NAMES, CF_WRITE
from playground.tikv.write_batch import BatchCache, encode_request
from protos import errorpb_pb2, import_sstpb_pb2, import_sstpb_pb2_grpc, kvrpcpb_pb2, metapb_pb2
from tidbkv.codec import decode_bytes
from tidbkv.codec import encode_bytes as re_encode

log = structlog.get_logger("playground.tikv")


def injected_error(
    kind: str,
    regions_of: Callable[[int], metapb_pb2.Region | None],
    store_id: int,
    ctx: kvrpcpb_pb2.Context,
    leader: metapb_pb2.Peer | None,
) -> errorpb_pb2.Error:
    """The region error an injected fault of ``kind`` answers with."""
    region = regions_of(ctx.region_id)
    if kind == f.NOT_LEADER:
        return re.not_leader(ctx.region_id, leader)
    if kind == f.EPOCH_NOT_MATCH:
        return re.epoch_not_match([region] if region is not None else [], ctx.region_epoch)
    if kind == f.SERVER_BUSY:
        return re.server_is_busy("injected by playground")
    if kind == f.REGION_NOT_FOUND:
        return re.region_not_found(ctx.region_id)
    if kind == f.KEY_NOT_IN_REGION:
        if region is None:
            return re.region_not_found(ctx.region_id)
        return re.key_not_in_region(region.end_key or region.start_key, region)
    if kind == f.STORE_NOT_MATCH:
        return re.store_not_match(ctx.peer.store_id or store_id, store_id)
    if kind == f.DISK_FULL:
        return re.disk_full([store_id], "injected by playground")
    return re.message(f"injected fault {kind}")


def add_to_server(service: ImportService, server: grpc.Server) -> None:
    """Registers ``service``; its Write takes request bytes (parsed in bulk, not per pair)."""
    import_sstpb_pb2_grpc.add_ImportSSTServicer_to_server(service, server)
    # Registered later, this handler replaces the generated one for the same method.
    write = grpc.stream_unary_rpc_method_handler(
        service.Write,
        request_deserializer=None,
        response_serializer=import_sstpb_pb2.WriteResponse.SerializeToString,
    )
    server.add_registered_method_handlers("import_sstpb.ImportSST", {"Write": write})


class ImportService(import_sstpb_pb2_grpc.ImportSSTServicer):  # type: ignore[misc]
    """The ImportSST service of store ``store_id``."""

    def __init__(
        self,
        store_id: int,
        raft: Raft,
        faults: Faults,
        mode: ImportModeSwitch,
        batches: BatchCache,
    ) -> None:
        self.store_id = store_id
        self.raft = raft
        self.faults = faults
        self.mode = mode
        self.batches = batches

    # -- import mode -----------------------------------------------------------------------

    def SwitchMode(self, request: Any, context: Any) -> Any:
        self.mode.set(request.mode)
        log.info("import mode switched", store_id=self.store_id, mode=request.mode)
        return import_sstpb_pb2.SwitchModeResponse()

    def GetMode(self, request: Any, context: Any) -> Any:
        return import_sstpb_pb2.GetModeResponse(mode=self.mode.get())  # type: ignore[arg-type]

    def Compact(self, request: Any, context: Any) -> Any:
        return import_sstpb_pb2.CompactResponse()

    def Upload(self, request_iterator: Iterator[Any], context: Any) -> Any:
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            "playground stores cannot read RocksDB SST files; use Write + Ingest",
        )

    # -- write -----------------------------------------------------------------------------

    def Write(self, request_iterator: Iterator[bytes], context: Any) -> Any:
        """The Write stream, as request bytes (see ``write_handler``)."""
        busy = self.faults.draw(f.WRITE) is not None
        staging = self.raft.replica(self.store_id).staging
        writer = None
        lo = hi = uuid = b""
        last: bytes | None = None
        seq = 0
        try:
            for data in request_iterator:
                if busy:
                    continue
                if writer is None:
                    meta = wire.decode_request(data).meta
                    if meta is None:
                        context.abort(
                            grpc.StatusCode.UNKNOWN, "InvalidChunk: first message must be meta"
                        )
                    assert meta is not None
                    if len(meta.uuid) != 16:
                        context.abort(
                            grpc.StatusCode.UNKNOWN, f"InvalidSSTMeta: uuid {meta.uuid.hex()}"
                        )
                    lo, hi, uuid = meta.range.start, meta.range.end, meta.uuid
                    writer = staging.writer(meta)
                    continue
                seq += 1
                batch = self.batches.encoded(uuid, seq, data, encode_request)
                if batch.error is not None:
                    context.abort(grpc.StatusCode.UNKNOWN, batch.error)
                if not batch.kvs:
                    continue
                if last is not None and batch.first_key <= last:
                    context.abort(
                        grpc.StatusCode.UNKNOWN,
                        f"Keys must be added in strict ascending order: {batch.first_key.hex()}",
                    )
                last = batch.last_key
                # Keys ascend, so the batch is inside the range iff its ends are.
                if (lo and batch.first_encoded < lo) or (hi and batch.last_encoded > hi):
                    bad = batch.first_key if lo and batch.first_encoded < lo else batch.last_key
                    context.abort(
                        grpc.StatusCode.UNKNOWN,
                        f"key {bad.hex()} out of the SST range [{lo.hex()}, {hi.hex()}]",
                    )
                writer.add(batch)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        if busy:
            resp = import_sstpb_pb2.WriteResponse()
            resp.error.message = "server is busy"
            resp.error.store_error.CopyFrom(re.server_is_busy("injected by playground"))
            return resp
        if writer is None:
            context.abort(grpc.StatusCode.UNKNOWN, "InvalidChunk: empty write stream")
            raise AssertionError("unreachable")
        metas = writer.finish()
        return import_sstpb_pb2.WriteResponse(metas=metas)

    # -- ingest ----------------------------------------------------------------------------

    def Ingest(self, request: Any, context: Any) -> Any:
        return self._ingest(request.context, [request.sst])

    def MultiIngest(self, request: Any, context: Any) -> Any:
        if not request.ssts:
            # Lightning's support probe and write-stall check send an empty request.
            return import_sstpb_pb2.IngestResponse()
        return self._ingest(request.context, list(request.ssts))

    def _ingest(
        self, ctx: kvrpcpb_pb2.Context, metas: list[import_sstpb_pb2.SSTMeta]
    ) -> import_sstpb_pb2.IngestResponse:
        err = self._before(ctx, metas)
        if err is None:
            err = self._check(ctx, metas)
        if err is not None:
            return import_sstpb_pb2.IngestResponse(error=err)
        region = self.raft.regions.get(ctx.region_id)
        assert region is not None
        writes = self._prepare(region, metas)
        with self.raft.lock:
            err = self._check(ctx, metas)
            if err is None:
                self.raft.apply(region.id, writes)
                for peer in region.peers:
                    staging = self.raft.replica(peer.store_id).staging
                    for meta in metas:
                        staging.consume(meta)
        if err is not None:
            for write in writes.values():
                write.discard()
            return import_sstpb_pb2.IngestResponse(error=err)
        log.info(
            "ssts ingested",
            store_id=self.store_id,
            region_id=region.id,
            ssts=len(metas),
            kvs=sum(m.total_kvs for m in metas if m.cf_name == CF_WRITE),
        )
        return import_sstpb_pb2.IngestResponse()

    def _before(
        self, ctx: kvrpcpb_pb2.Context, metas: list[import_sstpb_pb2.SSTMeta]
    ) -> errorpb_pb2.Error | None:
        """Applies scripted / random faults; returns an injected error, if any."""
        pending, key = self.faults.take_pending_split()
        kind = self.faults.draw(f.INGEST)
        if pending or kind == f.SPLIT_BEFORE_INGEST:
            self._split_inside(ctx.region_id, key, metas)
            return None
        if kind == f.LEADER_TRANSFER:
            self._move_leader(ctx.region_id)
            return None
        if kind is not None:
            return injected_error(
                kind,
                self.raft.regions.get,
                self.store_id,
                ctx,
                self.raft.regions.leader_of(ctx.region_id),
            )
        return None

    def _split_inside(
        self, region_id: int, raw_key: bytes | None, metas: list[import_sstpb_pb2.SSTMeta]
    ) -> None:
        with self.raft.lock:
            region = self.raft.regions.get(region_id)
            if region is None:
                return
            if raw_key is not None:
                enc = re_encode(raw_key)
            else:
                start = metas[0].range.start if metas else region.start_key
                try:
                    enc = re_encode(decode_bytes(start)[0] + b"\x00")
                except (PlaygroundError, ValueError):
                    return
            if not contains(region, enc) or enc == region.start_key:
                return
            try:
                self.raft.split(region_id, [enc])
            except InvalidSplit:
                return

    def _move_leader(self, region_id: int) -> None:
        with self.raft.lock:
            region = self.raft.regions.get(region_id)
            if region is None or len(region.peers) < 2:
                return
            current = self.raft.regions.leader_store(region_id)
            stores = [p.store_id for p in region.peers]
            target = stores[(stores.index(current) + 1) % len(stores)]
            self.raft.transfer_leader(region_id, target)

    def _check(
        self, ctx: kvrpcpb_pb2.Context, metas: list[import_sstpb_pb2.SSTMeta]
    ) -> errorpb_pb2.Error | None:
        regions = self.raft.regions
        with self.raft.lock:
            region, err = re.check_context(regions, self.store_id, ctx, check_conf_ver=True)
            if err is not None:
                return err
            assert region is not None
            for meta in metas:
                if len(meta.uuid) != 16:
                    return re.message(f"invalid SST uuid {meta.uuid.hex()}")
                if meta.cf_name not in CF_NAMES:
                    return re.message(f"invalid cf name {meta.cf_name!r}")
                if meta.region_id != region.id:
                    return re.region_not_found(meta.region_id)
                e = meta.region_epoch
                cur = region.region_epoch
                if e.conf_ver != cur.conf_ver or e.version != cur.version:
                    return re.epoch_not_match(re.current_regions(regions, region, e), e)
                for key in (meta.range.start, meta.range.end):
                    if not contains(region, key):
                        return re.key_not_in_region(key, region)
                mine = self.raft.replica(self.store_id).staging.find(meta)
                for peer in region.peers:
                    sst = self.raft.replica(peer.store_id).staging.find(meta)
                    if sst is None:
                        return re.message(
                            f"SST {meta.uuid.hex()} ({meta.cf_name}) of region {meta.region_id} "
                            f"not found on store {peer.store_id}"
                        )
                    if mine is not None and (sst.crc32, sst.length) != (mine.crc32, mine.length):
                        # TiKV checks each peer's file against the meta's crc32 and length.
                        return re.message(
                            f"SST {meta.uuid.hex()} ({meta.cf_name}) of region {meta.region_id} "
                            f"on store {peer.store_id} differs from the leader's"
                        )
            return None

    def _prepare(
        self, region: metapb_pb2.Region, metas: list[import_sstpb_pb2.SSTMeta]
    ) -> dict[int, PreparedWrite]:
        """One write batch per peer store, each filled from that peer's own staged SSTs before
        the region lock is taken. Peers that received equal bytes hold the same encoded batches
        (``BatchCache``), so the MVCC entries are computed once and only put three times."""
        writes: dict[int, PreparedWrite] = {}
        for peer in region.peers:
            replica = self.raft.replica(peer.store_id)
            columns: list[tuple[list[bytes], list[bytes]]] = []
            for meta in metas:
                sst = replica.staging.find(meta)
                if sst is not None:  # else the check under the lock reports it
                    columns.extend(sst.entries(meta.cf_name))
            writes[peer.store_id] = replica.engine.prepare(columns)
        return writes
