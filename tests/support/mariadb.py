"""A private MariaDB server for tests: its own data dir, socket and 127.0.0.1 port, no service.

Usage from a test module (or a conftest)::

    from tests.support.mariadb import mariadb_server  # noqa: F401  (the session fixture)

    def test_something(mariadb_server: MariaDB) -> None:
        conn = mariadb_server.connect()            # pymysql connection as root
        mariadb_server.mydumper(out_dir, "-B", "db")   # real mydumper against this server

``mariadb_server`` is session-scoped: one server per pytest session. When the binaries
(``mariadb-install-db``, ``mariadbd``) are missing the fixture skips, unless
``FLASHLOAD_REQUIRE_SYSTEM_DEPS=1`` is set, in which case it fails. ``start_mariadb`` /
``MariaDB.stop`` can be used directly outside pytest.

The server runs with ``--skip-grant-tables`` (any user, no password), binds only 127.0.0.1 on a
free port, and keeps everything in a temporary directory that is removed on stop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REQUIRE_ENV = "FLASHLOAD_REQUIRE_SYSTEM_DEPS"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def require_binaries(*names: str) -> dict[str, str]:
    """Paths of the named programs; skip the test when one is missing (fail if deps are required)."""
    found: dict[str, str] = {}
    missing = []
    for name in names:
        path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if path is None:
            missing.append(name)
        else:
            found[name] = path
    if missing:
        msg = f"system programs missing: {', '.join(missing)}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{msg} ({REQUIRE_ENV}=1)")
        pytest.skip(msg)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MariaDB:
    """A running private server: where to reach it and how to stop it."""

    host: str
    port: int
    socket_path: str
    base_dir: Path
    process: subprocess.Popen[bytes]
    user: str = "root"
    _stopped: bool = field(default=False, repr=False)

    def connect(self, database: str | None = None, **kwargs: Any) -> Any:
        """A pymysql connection (autocommit, binary-safe utf8mb4) to this server."""
        import pymysql

        return pymysql.connect(
            unix_socket=self.socket_path,
            user=self.user,
            database=database,
            charset="utf8mb4",
            autocommit=True,
            **kwargs,
        )

    def execute(self, *statements: str, database: str | None = None) -> None:
        """Run statements one by one (a convenience for fixtures)."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                for stmt in statements:
                    cur.execute(stmt)
        finally:
            conn.close()

    def mydumper(self, out_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
        """Run the real ``mydumper`` against this server into ``out_dir``."""
        exe = require_binaries("mydumper")["mydumper"]
        cmd = [exe, "-S", self.socket_path, "-u", self.user, "-o", str(out_dir), *args]
        return subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        shutil.rmtree(self.base_dir, ignore_errors=True)


def start_mariadb(extra_args: Sequence[str] = ()) -> MariaDB:
    """Initialise a data dir in a temp directory and start ``mariadbd`` on 127.0.0.1."""
    bins = require_binaries("mariadb-install-db", "mariadbd")
    base = Path(tempfile.mkdtemp(prefix="flashload-mariadb-"))
    datadir = base / "data"
    sock = str(base / "mysqld.sock")
    user_args = ["--user=root"] if os.geteuid() == 0 else []
    install = [
        bins["mariadb-install-db"],
        "--no-defaults",
        f"--datadir={datadir}",
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        *user_args,
    ]
    try:
        subprocess.run(install, check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(base, ignore_errors=True)
        out = getattr(exc, "stderr", b"") or b""
        raise RuntimeError(f"mariadb-install-db failed: {out.decode(errors='replace')}") from exc
    port = _free_port()
    cmd = [
        bins["mariadbd"],
        "--no-defaults",
        f"--datadir={datadir}",
        f"--socket={sock}",
        f"--port={port}",
        "--bind-address=127.0.0.1",
        f"--pid-file={base / 'mysqld.pid'}",
        f"--log-error={base / 'error.log'}",
        "--skip-grant-tables",
        "--innodb-buffer-pool-size=64M",
        "--innodb-log-file-size=16M",
        "--max-allowed-packet=256M",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_bin",
        *user_args,
        *extra_args,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = MariaDB(host="127.0.0.1", port=port, socket_path=sock, base_dir=base, process=proc)
    deadline = time.monotonic() + START_TIMEOUT_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            server.connect().close()
            return server
        except Exception as exc:  # not accepting connections yet
            last = exc
            time.sleep(0.2)
    log = ""
    with contextlib.suppress(OSError):
        log = (base / "error.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"mariadbd did not start: {last}\n{log}")


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDB]:
    """One private MariaDB server for the whole test session."""
    server = start_mariadb()
    try:
        yield server
    finally:
        server.stop()
