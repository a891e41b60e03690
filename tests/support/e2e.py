"""End-to-end stacks for tests: an in-process playground, an ``importer serve`` child process,
and ``encoder`` child processes, all on 127.0.0.1 with free ports.

    stack = Stack.start(tmp_path, lease_ttl="2s")
    result = stack.run_encoder(dump_dir, "--workers", "1")      # CompletedProcess
    proc = stack.start_encoder(dump_dir)                         # Popen, for kill -9 tests
    stack.query("SELECT COUNT(*) FROM db.t")
    stack.stop()

Public API: ``Stack``, ``encoder_command``, ``summary_lines``, ``table_store``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql

from playground.cluster import Cluster, ClusterConfig
from tests.support.importer_process import ImporterProcess
from tidbkv import keys

ENCODER_TIMEOUT_S = 240


def encoder_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "encoder.cli", *args]


def summary_lines(stdout: str) -> dict[str, str]:
    """``{"`db`.`t`": line}`` of the table lines of an encoder summary."""
    out = {}
    for line in stdout.splitlines():
        if line.startswith("`"):
            out[line.split()[0]] = line
    return out


def table_store(cluster: Cluster, table_id: int) -> list[tuple[bytes, bytes]]:
    """Every KV pair of a table (records and indexes) as the cluster reads it back."""
    prefix = keys.table_prefix(table_id)
    end = keys.table_prefix(table_id + 1)
    return [(k, v) for k, v in cluster.read_all(prefix, end)]


@dataclass
class Stack:
    """A playground, an importer process, and helpers to run encoders against them."""

    root: Path
    cluster: Cluster
    importer: ImporterProcess
    encoder_config: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        root: Path,
        *,
        lease_ttl: str = "3s",
        encoder_toml: str = "",
        importer_toml: str = "",
    ) -> Stack:
        root.mkdir(parents=True, exist_ok=True)
        cluster = Cluster(ClusterConfig(data_dir=root / "cluster", scatter_delay=(0.01, 0.03)))
        cluster.start()
        imp_cfg = root / "importer.toml"
        imp_cfg.write_text(
            f'[coordinator]\nlease-ttl = "{lease_ttl}"\nmax-task-retries = 2\n'
            '[import]\nmin-available-ratio = 0.0\nscatter-wait = "2s"\n' + importer_toml
        )
        importer = ImporterProcess(
            root / "importer", cluster.pd_addr, root / "importer.log", "--config", str(imp_cfg)
        )
        try:
            importer.start()
        except BaseException:
            cluster.stop()
            raise
        enc_cfg = root / "encoder.toml"
        enc_cfg.write_text('[cron]\nlog-progress = "1s"\n' + encoder_toml)
        return cls(root, cluster, importer, enc_cfg)

    def encoder_args(self, dump: Path, *extra: str) -> list[str]:
        return encoder_command(
            "--dump",
            str(dump),
            "--importer",
            self.importer.address,
            "--tidb",
            self.cluster.sql_addr,
            "--tidb-status",
            self.cluster.status_addr,
            "--pd",
            self.cluster.pd_addr,
            "--config",
            str(self.encoder_config),
            *extra,
        )

    def run_encoder(
        self, dump: Path, *extra: str, timeout: float = ENCODER_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.encoder_args(dump, *extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ),
        )

    def start_encoder(self, dump: Path, *extra: str, log: Path | None = None) -> Any:
        out = open(log or self.root / "encoder.log", "ab")  # noqa: SIM115 - owned by the child
        proc = subprocess.Popen(self.encoder_args(dump, *extra), stdout=out, stderr=out)
        out.close()
        self.procs.append(proc)
        return proc

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        host, port = self.cluster.sql_addr.rsplit(":", 1)
        conn = pymysql.connect(host=host, port=int(port), user="root", autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            conn.close()

    def importer_status(self) -> dict[str, Any]:
        url = f"http://{self.importer.status_address}/api/status"
        with urllib.request.urlopen(url, timeout=10) as resp:
            body: dict[str, Any] = json.loads(resp.read())
        return body

    def wait_for(self, predicate: Any, timeout: float = 60.0, interval: float = 0.02) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(interval)
        raise TimeoutError("condition not reached")

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        self.importer.stop()
        self.cluster.stop()
