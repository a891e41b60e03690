"""PD's HTTP API (the paths Lightning and BR call), answered as ``(status, JSON body)``."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playground.pd.schedule import ScheduleState, UnknownConfigItem, UnknownScheduler
from playground.pd.service import PD_VERSION, TIKV_VERSION, StoreView
from playground.regions import RegionManager

_SCHEDULER_PATH = re.compile(r"^/pd/api/v1/schedulers/([^/]+)$")
_STORE_PATH = re.compile(r"^/pd/api/v1/store/(\d+)$")
_LABEL_RULE_PATH = re.compile(r"^/pd/api/v1/config/region-label/rule/(.+)$")


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


class PDHttpApi:
    """Routes PD HTTP requests to the scheduling state and the cluster's stores."""

    def __init__(
        self,
        cluster_id: int,
        schedule: ScheduleState,
        regions: RegionManager,
        stores: Callable[[], list[StoreView]],
        client_url: Callable[[], str],
        replicas: int,
    ) -> None:
        self.cluster_id = cluster_id
        self.schedule = schedule
        self.regions = regions
        self.stores = stores
        self.client_url = client_url
        self.replicas = replicas

    def handle(self, method: str, target: str, body: bytes) -> Reply:
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query)
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return Reply(400, "invalid JSON body")
        if method == "GET":
            return self._get(path, query)
        if method == "POST":
            return self._post(path, query, payload)
        if method == "DELETE":
            m = _LABEL_RULE_PATH.match(path)
            if m:
                found = self.schedule.delete_label_rule(m.group(1))
                return Reply(200, "The rule is deleted.") if found else Reply(404, "rule not found")
            return Reply(404, f"404 page not found: {path}")
        return Reply(405, f"method {method} not allowed")

    # -- GET -------------------------------------------------------------------------------

    def _get(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/pd/api/v1/version":
            return Reply(200, {"version": f"v{PD_VERSION}"})
        if path == "/pd/api/v1/config/cluster-version":
            return Reply(200, PD_VERSION)
        if path == "/pd/api/v1/config/schedule":
            return Reply(200, self.schedule.config())
        if path == "/pd/api/v1/config/replicate":
            return Reply(200, self._replication())
        if path == "/pd/api/v1/config":
            return Reply(
                200,
                {
                    "cluster-version": PD_VERSION,
                    "schedule": self.schedule.config(),
                    "replication": self._replication(),
                },
            )
        if path == "/pd/api/v1/schedulers":
            paused = query.get("status", [""])[0] == "paused"
            return Reply(200, self.schedule.schedulers(paused_only=paused))
        if path == "/pd/api/v1/stores":
            stores = [self._store_info(v) for v in self.stores()]
            return Reply(200, {"count": len(stores), "stores": stores})
        m = _STORE_PATH.match(path)
        if m:
            for v in self.stores():
                if v.store_id == int(m.group(1)):
                    return Reply(200, self._store_info(v))
            return Reply(404, "store not found")
        if path == "/pd/api/v1/cluster":
            return Reply(200, {"id": self.cluster_id, "max_peer_count": self.replicas})
        if path in ("/pd/api/v1/members", "/pd/api/v1/leader"):
            url = self.client_url()
            member = {"name": "pd-0", "member_id": 1, "client_urls": [url], "peer_urls": [url]}
            if path.endswith("leader"):
                return Reply(200, member)
            return Reply(200, {"members": [member], "leader": member, "etcd_leader": member})
        if path == "/pd/api/v1/config/region-label/rules":
            return Reply(200, self.schedule.label_rules())
        m = _LABEL_RULE_PATH.match(path)
        if m:
            for rule in self.schedule.label_rules():
                if str(rule.get("id")) == m.group(1):
                    return Reply(200, rule)
            return Reply(404, "rule not found")
        if path == "/pd/api/v1/health":
            return Reply(200, [{"name": "pd-0", "member_id": 1, "health": True}])
        return Reply(404, f"404 page not found: {path}")

    def _replication(self) -> dict[str, Any]:
        return {
            "max-replicas": self.replicas,
            "location-labels": "",
            "strictly-match-label": "false",
            "enable-placement-rules": "true",
        }

    def _store_info(self, v: StoreView) -> dict[str, Any]:
        usage = shutil.disk_usage(v.data_dir)
        leaders = self.regions.leader_counts().get(v.store_id, 0)
        peers = self.regions.peer_counts().get(v.store_id, 0)
        return {
            "store": {
                "id": v.store_id,
                "address": v.address,
                "version": TIKV_VERSION,
                "state_name": "Up" if v.up else "Disconnected",
                "node_state": 1,
            },
            "status": {
                "capacity": f"{usage.total // (1 << 30)}GiB",
                "available": f"{usage.free // (1 << 30)}GiB",
                "leader_count": leaders,
                "region_count": peers,
            },
        }

    # -- POST ------------------------------------------------------------------------------

    def _post(self, path: str, query: dict[str, list[str]], payload: Any) -> Reply:
        m = _SCHEDULER_PATH.match(path)
        if m:
            if not isinstance(payload, dict) or "delay" not in payload:
                return Reply(400, "missing pause time")
            delay = payload["delay"]
            if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
                return Reply(400, "delay must be a non-negative number of seconds")
            try:
                self.schedule.pause(m.group(1), int(delay))
            except UnknownScheduler:
                return Reply(500, f"scheduler {m.group(1)} not found")
            return Reply(200, "Pause or resume the scheduler successfully.")
        if path == "/pd/api/v1/config/region-label/rule":
            if not isinstance(payload, dict) or "id" not in payload:
                return Reply(400, "a label rule needs an id")
            self.schedule.set_label_rule(payload)
            return Reply(200, "The rule is set.")
        if path == "/pd/api/v1/config/schedule":
            if not isinstance(payload, dict):
                return Reply(400, "expected a JSON object")
            ttl: float | None = None
            if "ttlSecond" in query:
                try:
                    ttl = float(query["ttlSecond"][0])
                except ValueError:
                    return Reply(400, "invalid ttlSecond")
            try:
                self.schedule.update_config(payload, ttl)
            except UnknownConfigItem as exc:
                return Reply(400, f"config item {exc.args[0]} not found")
            return Reply(200, "The config is updated.")
        return Reply(404, f"404 page not found: {path}")


def handler_class(api: PDHttpApi) -> type[BaseHTTPRequestHandler]:
    """A ``BaseHTTPRequestHandler`` serving ``api`` (keep-alive, JSON bodies)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "PD"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = api.handle(self.command, self.path, body)
            data = (
                json.dumps(reply.body).encode()
                if reply.status < 300 or not isinstance(reply.body, str)
                else reply.body.encode()
            )
            self.send_response(reply.status)
            ctype = "application/json" if reply.status < 300 else "text/plain; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve
        do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
