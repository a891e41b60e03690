"""``playground up`` prints its endpoints and ``ready``, serves, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pymysql
import pytest

from playground.cli import _parser, config_from_args
from playground.errors import ConfigError


def test_up_prints_endpoints_then_ready_and_exits_on_sigterm(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "playground.cli",
        "up",
        "--data-dir",
        str(tmp_path),
        "--pd-port",
        "0",
        "--store-port",
        "0",
        "--sql-port",
        "0",
        "--status-port",
        "0",
        "--stores",
        "2",
        "--seed",
        "4",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline().strip()
            if not line:
                break
            lines.append(line)
            if line == "ready":
                break
        names = [ln.split()[0] for ln in lines]
        assert names == ["pd", "tikv-1", "tikv-2", "tidb", "tidb-status", "ready"]
        addrs = {ln.split()[0]: ln.split()[1] for ln in lines[:-1]}
        assert all(a.startswith("127.0.0.1:") for a in addrs.values())
        with urllib.request.urlopen(f"http://{addrs['pd']}/pd/api/v1/stores", timeout=5) as r:
            assert json.loads(r.read())["count"] == 2
        host, port = addrs["tidb"].split(":")
        conn = pymysql.connect(host=host, port=int(port), user="root")
        with conn.cursor() as c:
            c.execute("SELECT VERSION()")
            assert "TiDB" in str(c.fetchone())
        conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "pd").is_dir() and (tmp_path / "tidb" / "catalog.json").is_file()


def test_flags_map_to_the_cluster_config(tmp_path: Path) -> None:
    args = _parser().parse_args(
        [
            "up",
            "--data-dir",
            str(tmp_path),
            "--stores",
            "4",
            "--store-port",
            "30000",
            "--faults",
            "not-leader=0.1",
            "--row-format-version",
            "1",
            "--no-new-collation",
        ]
    )
    cfg = config_from_args(args)
    assert cfg.store_ports == (30000, 30001, 30002, 30003)
    assert (cfg.row_format_version, cfg.new_collation, cfg.faults) == (1, False, "not-leader=0.1")
    assert (cfg.pd_port, cfg.sql_port, cfg.status_port) == (2379, 4000, 10080)


def test_bad_fault_spec_is_a_config_error(tmp_path: Path) -> None:
    args = _parser().parse_args(["up", "--data-dir", str(tmp_path), "--faults", "nope=1"])
    with pytest.raises(ConfigError):
        config_from_args(args)
