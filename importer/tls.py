"""Mutual TLS material (``[security]`` ca-path, cert-path, key-path) for every connection.

The same CA, certificate and key secure the importer's gRPC server (clients must present a
certificate signed by the CA), its status page (HTTPS), and its connections to PD (gRPC and
HTTP) and TiKV stores.

Public API: ``TlsFiles``.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc

from importer.errors import ConfigError


@dataclass(frozen=True)
class TlsFiles:
    ca: bytes
    cert: bytes
    key: bytes
    ca_path: str
    cert_path: str
    key_path: str

    @classmethod
    def load(cls, ca_path: str, cert_path: str, key_path: str) -> TlsFiles:
        data = []
        for key, path in (
            ("security.ca-path", ca_path),
            ("security.cert-path", cert_path),
            ("security.key-path", key_path),
        ):
            try:
                data.append(Path(path).read_bytes())
            except OSError as exc:
                raise ConfigError(key, f"cannot read {path}: {exc.strerror}") from exc
        return cls(data[0], data[1], data[2], ca_path, cert_path, key_path)

    def server_credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials(
            [(self.key, self.cert)], root_certificates=self.ca, require_client_auth=True
        )

    def channel_credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca, private_key=self.key, certificate_chain=self.cert
        )

    def client_ssl_context(self) -> ssl.SSLContext:
        """For HTTPS requests to PD: verify the server by the CA, present our certificate."""
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.ca_path)
        ctx.load_cert_chain(self.cert_path, self.key_path)
        return ctx

    def server_ssl_context(self) -> ssl.SSLContext:
        """For the status page: our certificate; client certificates are not required."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=self.ca_path)
        ctx.load_cert_chain(self.cert_path, self.key_path)
        return ctx
