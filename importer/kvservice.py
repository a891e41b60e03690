"""``import_kvpb.ImportKV``: tikv-importer's gRPC service, wire-compatible with kvproto.

Semantics (kvproto's comments, tikv-importer's behaviour, protocol-notes §1.6):

* ``OpenEngine`` is idempotent while the engine is open; an engine already closed answers
  ``ALREADY_EXISTS`` "FileExists(...)" (Lightning ignores errors containing "FileExists").
* ``WriteEngine``: first message a ``head`` with the uuid, then ``batch`` messages; anything
  else is ``INVALID_ARGUMENT`` "InvalidChunk". An unknown or not-open uuid answers OK with
  ``error.engine_not_found``. Each batch message is one atomic LevelDB write batch, written
  before the next message is read, so an OK answer means every pair is durable; a rejected
  message (empty key, non-Put op) writes nothing of itself. Batch ``commit_ts`` is accepted and
  not stored (the import picks one TSO timestamp), which makes re-delivery idempotent.
* ``CloseEngine``: unknown uuid answers OK with ``error.engine_not_found``; closing a closed
  engine is a no-op; a stream still writing makes it ``FAILED_PRECONDITION`` "EngineInUse".
* ``ImportEngine`` only on a closed (or imported) engine; unknown uuid is ``NOT_FOUND`` and
  never creates an engine; import failures are ``ABORTED``; may be repeated.
* ``CleanupEngine`` deletes the engine (idempotent), refused while importing.
* ``SwitchMode`` / ``CompactCluster`` fan out to every store of the named cluster.

Public API: ``ImportKVService``.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from typing import Any

import grpc

from importer.cluster import ImportMode
from importer.engine import Engine
from importer.errors import EngineNotFound, InvalidRequest
from importer.grpcstatus import rpc
from importer.importmanager import ImportManager
from importer.metrics import Metrics
from importer.registry import EngineRegistry, parse_uuid
from protos import import_kvpb_pb2 as pb
from protos import import_kvpb_pb2_grpc

try:
    VERSION = metadata.version("flashload")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    VERSION = "0.0.0"


def _bad_mutation(m: Any) -> InvalidRequest:
    if m.op:  # Put = 0 is the only Mutation.OP kvproto defines
        return InvalidRequest("mutation.op", f"only Put is supported, got op {m.op}")
    return InvalidRequest("key", "empty keys cannot be imported")


def _not_found(uuid: bytes) -> pb.Error:
    err = pb.Error()
    err.engine_not_found.uuid = uuid
    return err


class ImportKVService(import_kvpb_pb2_grpc.ImportKVServicer):  # type: ignore[misc]
    """The ImportKV servicer over an ``EngineRegistry`` and an ``ImportManager``."""

    def __init__(
        self,
        registry: EngineRegistry,
        imports: ImportManager,
        metrics: Metrics,
        *,
        commit: str = "",
    ) -> None:
        self.registry = registry
        self.imports = imports
        self.metrics = metrics
        self._commit = commit

    # --------------------------------------------------------------------------- lifecycle

    @rpc("OpenEngine")
    def OpenEngine(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.registry.open(request.uuid)
        return pb.OpenEngineResponse()

    @rpc("WriteEngine")
    def WriteEngine(self, request_iterator: Iterator[Any], context: grpc.ServicerContext) -> Any:
        first = next(request_iterator, None)
        if first is None:
            raise InvalidRequest("chunk", "InvalidChunk: empty stream, expected a head")
        if first.WhichOneof("chunk") != "head":
            raise InvalidRequest("chunk", "InvalidChunk: the first message must be a head")
        uuid = bytes(first.head.uuid)
        parse_uuid(uuid, "head.uuid")
        try:
            with self.registry.writing(uuid) as engine:
                for req in request_iterator:
                    if req.WhichOneof("chunk") != "batch":
                        raise InvalidRequest("chunk", "InvalidChunk: expected a batch after head")
                    self._write(uuid, engine, req.batch.mutations)
        except EngineNotFound:
            return pb.WriteEngineResponse(error=_not_found(uuid))
        return pb.WriteEngineResponse()

    @rpc("WriteEngineV3")
    def WriteEngineV3(self, request: Any, context: grpc.ServicerContext) -> Any:
        uuid = bytes(request.uuid)
        parse_uuid(uuid)
        try:
            with self.registry.writing(uuid) as engine:
                self._write_pairs(uuid, engine, request.pairs)
        except EngineNotFound:
            return pb.WriteEngineResponse(error=_not_found(uuid))
        return pb.WriteEngineResponse()

    def _write(self, uuid: bytes, engine: Engine, records: Any) -> None:
        """Writes one message's mutations as one atomic batch: all or nothing."""
        size = 0
        with engine.batch() as put:
            for m in records:
                key = m.key
                if m.op or not key:
                    raise _bad_mutation(m)
                value = m.value
                put(key, value)
                size += len(key) + len(value)
        self._count(uuid, len(records), size)

    def _write_pairs(self, uuid: bytes, engine: Engine, pairs: Any) -> None:
        """``_write`` for WriteEngineV3's KVPairs (which carry no op)."""
        size = 0
        with engine.batch() as put:
            for p in pairs:
                key = p.key
                if not key:
                    raise InvalidRequest("key", "empty keys cannot be imported")
                value = p.value
                put(key, value)
                size += len(key) + len(value)
        self._count(uuid, len(pairs), size)

    def _count(self, uuid: bytes, count: int, size: int) -> None:
        self.registry.record_written(uuid, count, size)
        self.metrics.write_kvs.inc(count)
        self.metrics.write_bytes.inc(size)

    @rpc("CloseEngine")
    def CloseEngine(self, request: Any, context: grpc.ServicerContext) -> Any:
        uuid = bytes(request.uuid)
        try:
            self.registry.close(uuid)
        except EngineNotFound:
            return pb.CloseEngineResponse(error=_not_found(uuid))
        return pb.CloseEngineResponse()

    @rpc("ImportEngine")
    def ImportEngine(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.imports.import_engine(bytes(request.uuid), request.pd_addr)
        return pb.ImportEngineResponse()

    @rpc("CleanupEngine")
    def CleanupEngine(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.registry.cleanup(bytes(request.uuid))
        return pb.CleanupEngineResponse()

    # ------------------------------------------------------------------------------ cluster

    @rpc("SwitchMode")
    def SwitchMode(self, request: Any, context: grpc.ServicerContext) -> Any:
        mode = ImportMode.IMPORT if request.request.mode == 1 else ImportMode.NORMAL
        self.imports.switch_mode(request.pd_addr, mode)
        return pb.SwitchModeResponse()

    @rpc("CompactCluster")
    def CompactCluster(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.imports.compact(request.pd_addr, request.request.SerializeToString())
        return pb.CompactClusterResponse()

    # --------------------------------------------------------------------------------- misc

    @rpc("GetVersion")
    def GetVersion(self, request: Any, context: grpc.ServicerContext) -> Any:
        return pb.GetVersionResponse(version=VERSION, commit=self._commit)

    @rpc("GetMetrics")
    def GetMetrics(self, request: Any, context: grpc.ServicerContext) -> Any:
        return pb.GetMetricsResponse(prometheus=self.metrics.exposition().decode())
