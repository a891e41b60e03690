"""Mutual TLS with a CA generated in the test: the importer's gRPC server and status page, and
its own connections to a TLS-only playground (PD and stores)."""

from __future__ import annotations

import ssl
import urllib.request
import uuid as uuidlib
from pathlib import Path

import grpc
import pytest

from importer.config import load_config
from importer.server import ImporterServer
from playground.cluster import Cluster, ClusterConfig
from playground.config import TlsFiles as PlaygroundTls
from protos import import_kvpb_pb2 as pb
from protos import import_kvpb_pb2_grpc
from tests.support.certs import CertFiles, issue, make_ca


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, CertFiles]:
    ca_pem, ca_key = make_ca(tmp_path / "pki")
    return {
        name: issue(tmp_path / "pki", ca_pem, ca_key, name)
        for name in ("importer", "client", "cluster")
    }


def tls_server(tmp_path: Path, certs: CertFiles, pd_addr: str = "") -> ImporterServer:
    config = load_config(
        None,
        {
            "server.addr": "127.0.0.1:0",
            "status-server-address": "127.0.0.1:0",
            "import.import-dir": str(tmp_path / "importer"),
            "import.min-available-ratio": 0.0,
            "import.region-split-size": "16KiB",
            "pd.addr": pd_addr,
            "security.ca-path": str(certs.ca),
            "security.cert-path": str(certs.cert),
            "security.key-path": str(certs.key),
        },
    )
    server = ImporterServer(config)
    server.start()
    return server


def creds(certs: CertFiles) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        certs.ca.read_bytes(), certs.key.read_bytes(), certs.cert.read_bytes()
    )


def test_server_requires_a_client_certificate_from_the_ca(
    tmp_path: Path, pki: dict[str, CertFiles]
) -> None:
    server = tls_server(tmp_path, pki["importer"])
    try:
        ok = grpc.secure_channel(server.address, creds(pki["client"]))
        assert import_kvpb_pb2_grpc.ImportKVStub(ok).GetVersion(pb.GetVersionRequest()).version
        ok.close()

        no_cert = grpc.secure_channel(
            server.address, grpc.ssl_channel_credentials(pki["client"].ca.read_bytes())
        )
        with pytest.raises(grpc.RpcError) as info:
            import_kvpb_pb2_grpc.ImportKVStub(no_cert).GetVersion(pb.GetVersionRequest(), timeout=5)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        no_cert.close()

        other_ca, other_key = make_ca(tmp_path / "other", "another CA")
        stranger = issue(tmp_path / "other", other_ca, other_key, "stranger")
        foreign = grpc.secure_channel(
            server.address,
            grpc.ssl_channel_credentials(
                pki["client"].ca.read_bytes(),
                stranger.key.read_bytes(),
                stranger.cert.read_bytes(),
            ),
        )
        with pytest.raises(grpc.RpcError):
            import_kvpb_pb2_grpc.ImportKVStub(foreign).GetVersion(pb.GetVersionRequest(), timeout=5)
        foreign.close()

        plain = grpc.insecure_channel(server.address)
        with pytest.raises(grpc.RpcError):
            import_kvpb_pb2_grpc.ImportKVStub(plain).GetVersion(pb.GetVersionRequest(), timeout=5)
        plain.close()

        ctx = ssl.create_default_context(cafile=str(pki["client"].ca))
        url = f"https://{server.status_address}/api/status"
        with urllib.request.urlopen(url, context=ctx, timeout=10) as resp:
            assert resp.status == 200
    finally:
        server.stop()


def test_import_into_a_tls_cluster(tmp_path: Path, pki: dict[str, CertFiles]) -> None:
    cluster_certs = pki["cluster"]
    cfg = ClusterConfig(
        data_dir=tmp_path / "playground",
        tls=PlaygroundTls(cluster_certs.ca, cluster_certs.cert, cluster_certs.key),
    )
    with Cluster(cfg) as cluster:
        server = tls_server(tmp_path, pki["importer"], cluster.pd_addr)
        try:
            channel = grpc.secure_channel(server.address, creds(pki["client"]))
            kv = import_kvpb_pb2_grpc.ImportKVStub(channel)
            u = uuidlib.uuid4().bytes
            pairs = [
                (b"t\x80\x00\x00\x00\x00\x00\x00\x09_r%08d" % i, b"v%d" % i) for i in range(2000)
            ]
            kv.OpenEngine(pb.OpenEngineRequest(uuid=u))

            def stream():  # type: ignore[no-untyped-def]
                yield pb.WriteEngineRequest(head=pb.WriteHead(uuid=u))
                batch = pb.WriteBatch(commit_ts=1)
                for k, v in pairs:
                    batch.mutations.add(key=k, value=v)
                yield pb.WriteEngineRequest(batch=batch)

            kv.WriteEngine(stream())
            kv.CloseEngine(pb.CloseEngineRequest(uuid=u))
            kv.ImportEngine(pb.ImportEngineRequest(uuid=u))
            channel.close()
        finally:
            server.stop()
        assert cluster.read_all() == pairs
        assert len(cluster.regions()) > 3
