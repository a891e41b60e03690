"""PD's HTTP API (served on the PD client address): schedulers and region-label rules.

``POST /pd/api/v1/schedulers/{name}`` with ``{"delay": seconds}`` pauses a scheduler until
now + delay; ``{"delay": 0}`` resumes it (protocol-notes §4.3; seconds, not nanoseconds).
``POST /pd/api/v1/config/region-label/rule`` sets a label rule (a ``schedule=deny`` key-range
rule with a TTL pauses scheduling of one table's regions, as current Lightning does);
``DELETE /pd/api/v1/config/region-label/rule/{id}`` removes it.

Public API: ``PdHttp``.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from importer.errors import PdError, RpcFailure

HTTP_TIMEOUT_S = 10.0


class PdHttp:
    def __init__(self, address: str, ssl_context: ssl.SSLContext | None) -> None:
        scheme = "https" if ssl_context is not None else "http"
        self.base = f"{scheme}://{address}"
        self._ssl = ssl_context

    def _request(self, method: str, path: str, body: object | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_S, context=self._ssl) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:200]
            raise PdError(f"{method} {path}", f"HTTP {exc.code}", detail) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise RpcFailure(self.base, f"{method} {path}", "UNAVAILABLE", str(exc)) from exc
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw.decode(errors="replace")

    def list_schedulers(self) -> list[str]:
        names = self._request("GET", "/pd/api/v1/schedulers")
        if not isinstance(names, list):
            raise PdError("GET /pd/api/v1/schedulers", "INVALID_VALUE", repr(names)[:200])
        return [str(n) for n in names]

    def pause_scheduler(self, name: str, delay_s: int) -> None:
        path = "/pd/api/v1/schedulers/" + urllib.parse.quote(name, safe="")
        self._request("POST", path, {"delay": int(delay_s)})

    def set_label_rule(self, rule: dict[str, object]) -> None:
        self._request("POST", "/pd/api/v1/config/region-label/rule", rule)

    def delete_label_rule(self, rule_id: str) -> None:
        path = "/pd/api/v1/config/region-label/rule/" + urllib.parse.quote(rule_id, safe="")
        self._request("DELETE", path)
