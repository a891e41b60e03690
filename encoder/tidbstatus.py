"""TiDB's status HTTP API (port 10080): table schemas, settings, version.

``GET /schema/{db}/{table}`` gives the ``TableInfo`` JSON every encoder encodes with (table,
column and index ids, types, collations); ``GET /settings`` names the PD addresses (``path``);
``GET /status`` answers when TiDB is up. Transport failures are retryable ``TidbError``;
HTTP errors carry the status code.

Public API: ``TidbStatus``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from encoder.errors import TidbError
from tidbkv.schema import SchemaError, TableInfo

REQUEST_TIMEOUT_S = 30.0


class TidbStatus:
    """Requests to one TiDB status address ``host:port``."""

    def __init__(self, addr: str, timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.addr = addr
        self.timeout = timeout

    def get(self, path: str) -> Any:
        """The JSON body of ``GET path``."""
        url = f"http://{self.addr}{path}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace").strip()
            raise TidbError(f"GET {path}", exc.code, text or exc.reason) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TidbError(f"GET {path}", 0, f"{self.addr}: {reason}", retryable=True) from exc
        try:
            return json.loads(body)
        except ValueError as exc:
            raise TidbError(f"GET {path}", 0, "response is not JSON") from exc

    def status(self) -> dict[str, Any]:
        body = self.get("/status")
        return body if isinstance(body, dict) else {}

    def settings(self) -> dict[str, Any]:
        body = self.get("/settings")
        return body if isinstance(body, dict) else {}

    def pd_addrs(self) -> list[str]:
        """PD client addresses from ``/settings`` (``path``, comma separated; may be empty)."""
        path = str(self.settings().get("path", ""))
        return [p.strip() for p in path.split(",") if p.strip()]

    def table_info(self, db: str, table: str) -> TableInfo:
        quoted = "/".join(urllib.parse.quote(p, safe="") for p in (db, table))
        body = self.get(f"/schema/{quoted}")
        try:
            return TableInfo.from_json(body)
        except (SchemaError, TypeError, KeyError) as exc:
            raise TidbError(f"GET /schema/{db}/{table}", 0, f"bad TableInfo: {exc}") from exc
