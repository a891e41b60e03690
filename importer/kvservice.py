"""``import_kvpb.ImportKV``: tikv-importer's gRPC service, wire-compatible with kvproto.

Semantics (kvproto's comments, tikv-importer's behaviour, protocol-notes §1.6):

* ``OpenEngine`` is idempotent while the engine is open; an engine already closed answers
  ``ALREADY_EXISTS`` "FileExists(...)" (Lightning ignores errors containing "FileExists").
* ``WriteEngine``: first message a ``head`` with the uuid, then ``batch`` messages; anything
  else is ``INVALID_ARGUMENT`` "InvalidChunk". An unknown or not-open uuid answers OK with
  ``error.engine_not_found``. Pairs are buffered and written as sorted runs of at most
  ``[engine] max-run-size`` bytes; the stream's last run is written before the response, so
  an OK answer means the pairs are durable. Batch ``commit_ts`` is accepted and not stored
  (the import picks one TSO timestamp), which makes re-delivery idempotent.
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

_PUT = pb.Mutation.OP.Put


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
        max_run_size: int,
        commit: str = "",
    ) -> None:
        self.registry = registry
        self.imports = imports
        self.metrics = metrics
        self._max_run = max_run_size
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
                run: list[tuple[bytes, bytes]] = []
                run_bytes = 0
                for req in request_iterator:
                    if req.WhichOneof("chunk") != "batch":
                        raise InvalidRequest("chunk", "InvalidChunk: expected a batch after head")
                    mutations = req.batch.mutations
                    if any(m.op != _PUT for m in mutations):
                        raise InvalidRequest("mutation.op", "only Put is supported")
                    run.extend([(m.key, m.value) for m in mutations])
                    run_bytes += req.batch.ByteSize()
                    if run_bytes >= self._max_run:
                        self._write(uuid, engine, run)
                        run = []
                        run_bytes = 0
                self._write(uuid, engine, run)
        except EngineNotFound:
            return pb.WriteEngineResponse(error=_not_found(uuid))
        return pb.WriteEngineResponse()

    @rpc("WriteEngineV3")
    def WriteEngineV3(self, request: Any, context: grpc.ServicerContext) -> Any:
        uuid = bytes(request.uuid)
        parse_uuid(uuid)
        try:
            with self.registry.writing(uuid) as engine:
                self._write(uuid, engine, [(p.key, p.value) for p in request.pairs])
        except EngineNotFound:
            return pb.WriteEngineResponse(error=_not_found(uuid))
        return pb.WriteEngineResponse()

    def _write(self, uuid: bytes, engine: Any, run: list[tuple[bytes, bytes]]) -> None:
        if not run:
            return
        nbytes = engine.write(run)
        self.registry.record_written(uuid, len(run), nbytes)
        self.metrics.write_kvs.inc(len(run))
        self.metrics.write_bytes.inc(nbytes)

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
