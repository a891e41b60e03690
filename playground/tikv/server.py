"""One store's gRPC server (ImportSST + Tikv) with a switch that makes it unavailable, and its
in-process checksum coprocessor."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc

from playground.faults import Faults
from playground.raft import Raft
from playground.tikv.coprocessor import Coprocessor
from playground.tikv.import_mode import ImportModeSwitch
from playground.tikv.import_service import ImportService
from playground.tikv.import_service import add_to_server as add_import_service
from playground.tikv.kv_service import KvService
from playground.tikv.write_batch import BatchCache
from protos import tikvpb_pb2_grpc

GRPC_OPTIONS = [
    ("grpc.so_reuseport", 0),
    ("grpc.max_receive_message_length", -1),
    ("grpc.max_send_message_length", -1),
]
WORKERS = 16


class _Availability(grpc.ServerInterceptor):  # type: ignore[misc]
    """Fails every RPC with UNAVAILABLE while ``stopped()`` is true."""

    def __init__(self, stopped: Callable[[], bool], name: str) -> None:
        self._stopped = stopped
        self._name = name

    def intercept_service(self, continuation: Any, details: Any) -> Any:
        handler = continuation(details)
        if handler is None or not self._stopped():
            return handler
        msg = f"{self._name} is stopped"

        def refuse(request: Any, context: Any) -> Any:
            context.abort(grpc.StatusCode.UNAVAILABLE, msg)

        if handler.request_streaming and handler.response_streaming:
            return grpc.stream_stream_rpc_method_handler(refuse)
        if handler.request_streaming:
            return grpc.stream_unary_rpc_method_handler(refuse)
        if handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(refuse)
        return grpc.unary_unary_rpc_method_handler(refuse)


def server_credentials(tls: tuple[bytes, bytes, bytes] | None) -> Any:
    """Server TLS credentials from (ca, cert, key) PEM bytes, or None for plaintext."""
    if tls is None:
        return None
    ca, cert, key = tls
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca or None)


class StoreServer:
    """Serves one store on ``host:port`` (port 0 picks a free port once, then keeps it)."""

    def __init__(
        self,
        store_id: int,
        raft: Raft,
        faults: Faults,
        host: str,
        port: int,
        mode_timeout_seconds: float,
        batches: BatchCache,
        tls: tuple[bytes, bytes, bytes] | None = None,
    ) -> None:
        self.store_id = store_id
        self.host = host
        self.mode = ImportModeSwitch(mode_timeout_seconds)
        self._stopped = threading.Event()
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=f"tikv-{store_id}"),
            interceptors=[_Availability(self._stopped.is_set, f"store {store_id}")],
            options=GRPC_OPTIONS,
        )
        add_import_service(ImportService(store_id, raft, faults, self.mode, batches), self._server)
        tikvpb_pb2_grpc.add_TikvServicer_to_server(KvService(store_id, raft, faults), self._server)
        self.coprocessor = Coprocessor(store_id, raft, faults, self._stopped.is_set)
        creds = server_credentials(tls)
        addr = f"{host}:{port}"
        if creds is None:
            self.port = self._server.add_insecure_port(addr)
        else:
            self.port = self._server.add_secure_port(addr, creds)
        if self.port == 0:
            raise OSError(f"cannot bind store {store_id} to {addr}")

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def start(self) -> None:
        self._server.start()

    def set_stopped(self, stopped: bool) -> None:
        if stopped:
            self._stopped.set()
        else:
            self._stopped.clear()

    def close(self, grace: float = 0.5) -> None:
        self._server.stop(grace).wait()
