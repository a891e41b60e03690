"""Runs ``importer serve`` as a real child process (so tests can ``kill -9`` it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STARTED_EVENT = "importer started"


class ImporterProcess:
    """``python -m importer.cli serve`` on 127.0.0.1:0 with JSON logs in ``log_path``."""

    def __init__(self, data_dir: Path, pd_addr: str, log_path: Path, *extra: str) -> None:
        self.data_dir = data_dir
        self.pd_addr = pd_addr
        self.log_path = log_path
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.address = ""
        self.status_address = ""

    def start(self, timeout: float = 30.0) -> ImporterProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child
        args = [
            sys.executable,
            "-m",
            "importer.cli",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--status-addr",
            "127.0.0.1:0",
            "--data-dir",
            str(self.data_dir),
            "--pd",
            self.pd_addr,
            "--log-format",
            "json",
            *self.extra,
        ]
        self.proc = subprocess.Popen(args, stdout=log, stderr=log, env=dict(os.environ))
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"importer exited with {self.proc.returncode}: {self.tail()}")
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                for line in f:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("event") == STARTED_EVENT:
                        self.address = event["addr"]
                        self.status_address = event.get("status_addr", "")
                        return self
            time.sleep(0.05)
        raise TimeoutError(f"importer did not start: {self.tail()}")

    def tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)
