"""PD's servers: the gRPC service on an internal port behind the mux, plus the HTTP API.

With TLS the mux terminates TLS (HTTPS and gRPC over TLS on the PD port, told apart by ALPN);
the internal gRPC port stays plaintext on the PD host.
"""

from __future__ import annotations

import ssl
import tempfile
from concurrent import futures
from pathlib import Path

import grpc

from playground.pd.http_api import PDHttpApi, handler_class
from playground.pd.mux import PortMux
from playground.pd.service import PDService
from playground.tikv.server import GRPC_OPTIONS
from protos import pdpb_pb2_grpc

WORKERS = 16


def ssl_context(tls: tuple[bytes, bytes, bytes] | None) -> ssl.SSLContext | None:
    """A server context from (ca, cert, key) PEM bytes; client certificates are optional."""
    if tls is None:
        return None
    ca, cert, key = tls
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as tmp:
        cert_path, key_path = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        cert_path.write_bytes(cert)
        key_path.write_bytes(key)
        ctx.load_cert_chain(cert_path, key_path)
    if ca:
        ctx.load_verify_locations(cadata=ca.decode())
        ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    return ctx


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
        internal = self._grpc.add_insecure_port(f"{host}:0")
        self._mux = PortMux(host, port, (host, internal), handler_class(http_api), ssl_context(tls))
        self.port = self._mux.port

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> None:
        self._grpc.start()
        self._mux.start()

    def close(self) -> None:
        self._mux.close()
        self._grpc.stop(0.5).wait()
