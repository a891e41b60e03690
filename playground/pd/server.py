"""PD's servers: the gRPC service on an internal port behind the mux, plus the HTTP API.

With TLS the gRPC service is served directly on the PD port (no HTTP API there).
"""

from __future__ import annotations

from concurrent import futures

import grpc

from playground.pd.http_api import PDHttpApi, handler_class
from playground.pd.mux import PortMux
from playground.pd.service import PDService
from playground.tikv.server import GRPC_OPTIONS, server_credentials
from protos import pdpb_pb2_grpc

WORKERS = 16


class PDServer:
    """Serves ``PDService`` and ``PDHttpApi`` on ``host:port``."""

    def __init__(
        self,
        service: PDService,
        http_api: PDHttpApi,
        host: str,
        port: int,
        tls: tuple[bytes, bytes, bytes] | None = None,
    ) -> None:
        self.host = host
        self._grpc = grpc.server(
            futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="pd"),
            options=GRPC_OPTIONS,
        )
        pdpb_pb2_grpc.add_PDServicer_to_server(service, self._grpc)
        self._mux: PortMux | None = None
        if tls is not None:
            self.port = self._grpc.add_secure_port(f"{host}:{port}", server_credentials(tls))
        else:
            internal = self._grpc.add_insecure_port(f"{host}:0")
            self._mux = PortMux(host, port, (host, internal), handler_class(http_api))
            self.port = self._mux.port

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> None:
        self._grpc.start()
        if self._mux is not None:
            self._mux.start()

    def close(self) -> None:
        if self._mux is not None:
            self._mux.close()
        self._grpc.stop(0.5).wait()
