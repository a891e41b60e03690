"""``importer serve`` as a process: flags, config errors, JSON logs, graceful stop."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc

from protos import import_kvpb_pb2 as pb
from protos import import_kvpb_pb2_grpc
from tests.support.importer_process import ImporterProcess


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_unknown_config_key_exits_2_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "importer.toml"
    cfg.write_text("[import]\nregion-split-sise = '1MiB'\n")
    result = run_cli("serve", "--listen", "127.0.0.1:0", "--config", str(cfg))
    assert result.returncode == 2
    assert "import.region-split-sise" in result.stderr and "unknown key" in result.stderr


def test_bad_listen_address_exits_2(tmp_path: Path) -> None:
    result = run_cli("serve", "--listen", "nowhere", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "server.addr" in result.stderr


def test_serve_answers_then_stops_gracefully_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "importer.log"
    proc = ImporterProcess(tmp_path / "data", "127.0.0.1:1", log).start()
    assert proc.address.startswith("127.0.0.1:") and not proc.address.endswith(":0")
    channel = grpc.insecure_channel(proc.address)
    version = import_kvpb_pb2_grpc.ImportKVStub(channel).GetVersion(pb.GetVersionRequest())
    assert version.version
    channel.close()
    assert proc.stop() == 0
    events = [
        json.loads(line)["event"] for line in log.read_text().splitlines() if line.startswith("{")
    ]
    assert events[0] == "importer started" and "importer stopped" in events
    assert (tmp_path / "data" / "meta.sqlite3").exists()
