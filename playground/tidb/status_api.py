"""TiDB's status HTTP API: ``/status``, ``/schema``, ``/schema/{db}``, ``/schema/{db}/{table}``.

TableInfo JSON uses TiDB's keys (``tidbkv.schema.TableInfo.to_json``). ``/schema?table_id=N``
and ``/db-table/{id}`` find a table by id; ``/settings`` reports the ports and PD address the
way Lightning reads them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from playground.tidb.catalog import Catalog, CatalogError
from playground.tidb.variables import SERVER_VERSION, TIDB_RELEASE

_SCHEMA_DB = re.compile(r"^/schema/([^/]+)$")
_SCHEMA_TABLE = re.compile(r"^/schema/([^/]+)/([^/]+)$")
_DB_TABLE = re.compile(r"^/db-table/(\d+)$")


@dataclass(frozen=True)
class Endpoints:
    """Addresses the status API reports (filled once the servers are bound)."""

    host: str
    sql_port: int
    status_port: int
    pd_addr: str


class StatusApi:
    """Answers status requests as ``(HTTP status, JSON-able body or error text)``."""

    def __init__(self, catalog: Catalog, endpoints: Callable[[], Endpoints]) -> None:
        self.catalog = catalog
        self.endpoints = endpoints

    def handle(self, target: str) -> tuple[int, Any]:
        parts = urlsplit(target)
        path = unquote(parts.path).rstrip("/") or "/"
        query = parse_qs(parts.query)
        try:
            return self._route(path, query)
        except CatalogError as exc:
            kind = "schema"
            return 400, f"[{kind}:{exc.code}]{exc}"

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        if path == "/status":
            return 200, {
                "connections": 0,
                "version": SERVER_VERSION,
                "git_hash": "flashload-playground",
            }
        if path == "/schema":
            if "table_id" in query:
                return self._table_by_id(int(query["table_id"][0]))
            return 200, [
                {
                    "id": d.id,
                    "db_name": {"O": d.name, "L": d.name.lower()},
                    "charset": d.charset,
                    "collate": d.collate,
                    "state": 5,
                }
                for d in self.catalog.databases()
            ]
        m = _SCHEMA_TABLE.match(path)
        if m:
            return 200, self.catalog.table(m.group(1), m.group(2)).to_json()
        m = _SCHEMA_DB.match(path)
        if m:
            return 200, [t.to_json() for t in self.catalog.tables(m.group(1))]
        m = _DB_TABLE.match(path)
        if m:
            code, body = self._table_by_id(int(m.group(1)))
            if code != 200:
                return code, body
            db = next(
                d
                for d in self.catalog.databases()
                if any(t.id == body["id"] for t in d.tables.values())
            )
            return 200, {
                "db_info": {"id": db.id, "db_name": {"O": db.name, "L": db.name.lower()}},
                "table_info": body,
            }
        if path == "/settings":
            ep = self.endpoints()
            return 200, {
                "host": ep.host,
                "port": ep.sql_port,
                "status": {
                    "status-host": ep.host,
                    "status-port": ep.status_port,
                    "report-status": True,
                },
                "store": "tikv",
                "path": ep.pd_addr,
                "new_collations_enabled_on_first_bootstrap": True,
            }
        if path == "/info":
            ep = self.endpoints()
            return 200, {
                "version": SERVER_VERSION,
                "git_hash": "flashload-playground",
                "ip": ep.host,
                "listening_port": ep.sql_port,
                "status_port": ep.status_port,
                "release_version": TIDB_RELEASE,
            }
        return 404, "404 page not found"

    def _table_by_id(self, table_id: int) -> tuple[int, Any]:
        for d in self.catalog.databases():
            for t in d.tables.values():
                if t.id == table_id:
                    return 200, t.to_json()
        return 400, f"[schema:1146]Table which ID = {table_id} does not exist."


class StatusServer:
    """A threaded HTTP server for ``StatusApi`` on ``host:port``."""

    def __init__(self, api: StatusApi, host: str, port: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                code, body = api.handle(self.path)
                data = (json.dumps(body) if code == 200 else str(body)).encode()
                self.send_response(code)
                ctype = "application/json" if code == 200 else "text/plain; charset=utf-8"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self.host = host
        self.port = self._httpd.server_address[1]

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.1)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
