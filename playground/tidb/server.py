"""TiDB's servers: the MySQL protocol (mysql-mimic on its own event loop thread) and the
status HTTP API, over one catalog and the cluster's stores."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

from mysql_mimic import MysqlServer

from playground.reader import KvReader
from playground.tidb.catalog import Catalog
from playground.tidb.executor import Executor
from playground.tidb.session import TidbSession
from playground.tidb.status_api import Endpoints, StatusApi, StatusServer
from playground.tidb.variables import ServerSettings

START_TIMEOUT_SECONDS = 10.0


class TidbServer:
    """Serves SQL on ``host:sql_port`` and the status API on ``host:status_port``."""

    def __init__(
        self,
        data_dir: Path,
        reader: KvReader,
        settings: ServerSettings,
        host: str,
        sql_port: int,
        status_port: int,
        pd_addr: str,
    ) -> None:
        self.host = host
        self.catalog = Catalog(data_dir / "catalog.json")
        self.executor = Executor(self.catalog, reader, settings)
        self._pd_addr = pd_addr
        self._loop = asyncio.new_event_loop()
        self._mysql = MysqlServer(session_factory=lambda: TidbSession(self.executor))
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._requested_sql_port = sql_port
        self.sql_port = 0
        self._thread = threading.Thread(target=self._run_loop, name="tidb-sql", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_SECONDS) or self._error is not None:
            self._stop_loop()
            raise OSError(f"TiDB SQL server did not start on {host}:{sql_port}: {self._error}")
        self._status = StatusServer(StatusApi(self.catalog, self._endpoints), host, status_port)
        self.status_port = self._status.port
        self._status_thread = threading.Thread(
            target=self._status.serve_forever, name="tidb-status", daemon=True
        )
        self._status_thread.start()

    def _endpoints(self) -> Endpoints:
        return Endpoints(self.host, self.sql_port, self.status_port, self._pd_addr)

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(
                self._mysql.start_server(host=self.host, port=self._requested_sql_port)
            )
            self.sql_port = self._mysql.sockets()[0].getsockname()[1]
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    @property
    def sql_addr(self) -> str:
        return f"{self.host}:{self.sql_port}"

    @property
    def status_addr(self) -> str:
        return f"{self.host}:{self.status_port}"

    def _stop_loop(self) -> None:
        async def shutdown() -> None:
            self._mysql.close()
            # Kill open sessions the way KILL CONNECTION does, so their tasks end cleanly.
            control = self._mysql.control
            for conn_id in list(getattr(control, "_connections", {})):
                await control.kill(conn_id)
            await asyncio.sleep(0.05)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._mysql.wait_closed(), timeout=2)

        if self._loop.is_running():
            fut = asyncio.run_coroutine_threadsafe(shutdown(), self._loop)
            with contextlib.suppress(Exception):
                fut.result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def close(self) -> None:
        self._status.close()
        self._status_thread.join(timeout=5)
        self._stop_loop()
