"""Optional TLS: PD (gRPC and HTTPS on one port) and stores answer TLS clients; the reader
uses TLS too."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path

import grpc
import pytest

from playground.cluster import Cluster, ClusterConfig
from playground.config import TlsFiles
from protos import import_sstpb_pb2, import_sstpb_pb2_grpc, pdpb_pb2, pdpb_pb2_grpc


def _certs(d: Path) -> TlsFiles:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=playground-ca",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "1",
        "-extfile",
        "san.ext",
    )
    return TlsFiles(d / "ca.pem", d / "server.pem", d / "server.key")


@pytest.mark.skipif(
    shutil.which("openssl") is None and not os.environ.get("FLASHLOAD_REQUIRE_SYSTEM_DEPS"),
    reason="needs the openssl command to make certificates",
)
def test_grpc_servers_speak_tls(tmp_path: Path) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    tls = _certs(certs)
    creds = grpc.ssl_channel_credentials(tls.ca.read_bytes())
    cfg = ClusterConfig(data_dir=tmp_path / "data", store_count=1, tls=tls)
    with Cluster(cfg) as cluster:
        pd = pdpb_pb2_grpc.PDStub(grpc.secure_channel(cluster.pd_addr, creds))
        members = pd.GetMembers(pdpb_pb2.GetMembersRequest(), timeout=10)
        assert members.header.cluster_id == cluster.cluster_id
        assert members.leader.client_urls == [f"https://{cluster.pd_addr}"]
        store = import_sstpb_pb2_grpc.ImportSSTStub(
            grpc.secure_channel(cluster.store_addrs[1], creds)
        )
        assert store.GetMode(import_sstpb_pb2.GetModeRequest(), timeout=10).mode == 0
        plain = import_sstpb_pb2_grpc.ImportSSTStub(grpc.insecure_channel(cluster.store_addrs[1]))
        with pytest.raises(grpc.RpcError):
            plain.GetMode(import_sstpb_pb2.GetModeRequest(), timeout=2)
        assert cluster.read_all() == []
        ctx = ssl.create_default_context(cafile=str(tls.ca))
        url = f"https://{cluster.pd_addr}/pd/api/v1/stores"
        with urllib.request.urlopen(url, context=ctx, timeout=10) as resp:
            assert json.loads(resp.read())["count"] == 1
        for _ in range(3):
            assert pd.GetMembers(pdpb_pb2.GetMembersRequest(), timeout=10).members
