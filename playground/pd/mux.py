"""One port for PD's gRPC and HTTP API, as PD's cmux does: sniff the HTTP/2 client preface.

Connections starting with ``PRI * HTTP/2.0`` are piped to the internal gRPC server; anything
else is answered by the HTTP handler. With TLS the mux terminates it and dispatches on the
ALPN protocol the client negotiated (``h2`` = gRPC), so HTTPS and gRPC-over-TLS share the port.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler

import structlog

log = structlog.get_logger("playground.pd")

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SNIFF_TIMEOUT_SECONDS = 10.0
_CHUNK = 1 << 16


class PortMux:
    """Accepts on ``host:port`` and dispatches each connection by its first bytes."""

    def __init__(
        self,
        host: str,
        port: int,
        grpc_backend: tuple[str, int],
        http_handler: type[BaseHTTPRequestHandler],
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._backend = grpc_backend
        self._ssl = ssl_context
        self._handler = http_handler
        self._listener = socket.create_server((host, port), reuse_port=False)
        self.host = host
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, name="pd-mux", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, addr = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self._conns.add(conn)
            threading.Thread(
                target=self._serve, args=(conn, addr), name="pd-conn", daemon=True
            ).start()

    def _serve(self, conn: socket.socket, addr: tuple[str, int]) -> None:
        try:
            if self._ssl is not None:
                conn.settimeout(SNIFF_TIMEOUT_SECONDS)
                tls = self._ssl.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._conns.discard(conn)
                    self._conns.add(tls)
                conn = tls
                grpc_conn = tls.selected_alpn_protocol() == "h2"
            else:
                grpc_conn = self._is_grpc(conn)
            if grpc_conn:
                self._pipe(conn)
            else:
                conn.settimeout(None)
                self._handler(conn, addr, self)  # type: ignore[arg-type]
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _is_grpc(conn: socket.socket) -> bool:
        conn.settimeout(SNIFF_TIMEOUT_SECONDS)
        deadline = time.monotonic() + SNIFF_TIMEOUT_SECONDS
        while True:
            data = conn.recv(len(H2_PREFACE), socket.MSG_PEEK)
            if not data:
                return False
            if not H2_PREFACE.startswith(data):
                return False
            if len(data) == len(H2_PREFACE):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)

    def _pipe(self, conn: socket.socket) -> None:
        backend = socket.create_connection(self._backend)
        with self._lock:
            self._conns.add(backend)
        conn.settimeout(None)
        try:
            with selectors.DefaultSelector() as sel:
                sel.register(conn, selectors.EVENT_READ, backend)
                sel.register(backend, selectors.EVENT_READ, conn)
                while True:
                    for key, _ in sel.select():
                        src: socket.socket = key.fileobj  # type: ignore[assignment]
                        dst: socket.socket = key.data
                        data = src.recv(_CHUNK)
                        if not data:
                            return
                        # A TLS socket may hold decrypted bytes select() cannot see.
                        while isinstance(src, ssl.SSLSocket) and src.pending():
                            data += src.recv(src.pending())
                        dst.sendall(data)
        finally:
            with self._lock:
                self._conns.discard(backend)
            with contextlib.suppress(OSError):
                backend.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = list(self._conns)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
