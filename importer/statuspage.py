"""The status HTTP server: ``/metrics`` (Prometheus), ``/api/status`` (JSON), ``/`` (a page).

The page is static HTML whose script polls ``/api/status`` every second and renders job
progress per table (state, chunks done / total, rows, bytes) and the engines.

Public API: ``StatusServer``, ``StatusSource``.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import structlog

log = structlog.get_logger("importer.status")

StatusSource = Callable[[], dict[str, Any]]

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>flashload importer</title>
<style>
 body { font-family: sans-serif; margin: 2em; color: #222; }
 table { border-collapse: collapse; margin-bottom: 1.5em; }
 th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
 .bar { width: 160px; height: 10px; background: #eee; }
 .bar > div { height: 10px; background: #3a7; }
 .failed { color: #b00; }
</style>
</head>
<body>
<h1>flashload importer <small id="version"></small></h1>
<p>Updated: <span id="updated">never</span></p>
<div id="jobs"><p>Loading&hellip;</p></div>
<h2>Engines</h2>
<table id="engines"><thead><tr><th>uuid</th><th>state</th><th>kvs</th><th>bytes</th>
<th>imports</th></tr></thead><tbody></tbody></table>
<script>
function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;"}[c]));
}
function render(st) {
  document.getElementById("version").textContent = "v" + st.version;
  let html = "";
  if (st.jobs.length === 0) html = "<p>No job registered.</p>";
  for (const job of st.jobs) {
    html += '<h2 class="job" data-job="' + esc(job.job_id) + '" data-state="' + esc(job.state)
      + '">Job ' + esc(job.job_id) + " &mdash; " + esc(job.state) + "</h2>";
    if (job.error) html += '<p class="failed">' + esc(job.error) + "</p>";
    html += "<table><thead><tr><th>table</th><th>state</th><th>chunks</th><th>progress</th>"
      + "<th>rows</th><th>source bytes</th></tr></thead><tbody>";
    for (const t of job.tables) {
      const pct = t.chunks_total ? Math.round(100 * t.chunks_done / t.chunks_total) : 100;
      html += '<tr class="table-row" data-table="' + esc(t.db + "." + t.name)
        + '" data-state="' + esc(t.state) + '"><td>' + esc(t.db + "." + t.name) + "</td>"
        + '<td class="' + esc(t.state) + '">' + esc(t.state) + "</td>"
        + '<td class="chunks">' + t.chunks_done + "/" + t.chunks_total + "</td>"
        + '<td><div class="bar"><div style="width:' + pct + '%"></div></div> ' + pct
        + "%</td><td>" + t.rows + "</td><td>" + t.source_bytes + " / "
        + t.total_source_bytes + "</td></tr>";
    }
    html += "</tbody></table>";
  }
  document.getElementById("jobs").innerHTML = html;
  let rows = "";
  for (const e of st.engines) {
    rows += "<tr><td>" + esc(e.uuid) + "</td><td>" + esc(e.state) + "</td><td>" + e.kvs
      + "</td><td>" + e.bytes + "</td><td>" + e.imports + "</td></tr>";
  }
  document.querySelector("#engines tbody").innerHTML = rows;
  document.getElementById("updated").textContent = new Date().toISOString();
}
async function poll() {
  try {
    const resp = await fetch("api/status", {cache: "no-store"});
    if (resp.ok) render(await resp.json());
  } catch (e) {
    document.getElementById("updated").textContent = "error: " + e;
  }
}
poll();
setInterval(poll, 1000);
</script>
</body>
</html>
"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, "text/plain; version=0.0.4; charset=utf-8", self.server.metrics())
        elif path == "/api/status":
            body = json.dumps(self.server.status()).encode()
            self._send(200, "application/json", body)
        elif path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", PAGE.encode())
        else:
            self._send(404, "text/plain", b"not found\n")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("status request", path=self.path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], metrics: Callable[[], bytes], status: StatusSource
    ) -> None:
        super().__init__(address, _Handler)
        self.metrics = metrics
        self.status = status


class StatusServer:
    """Serves the status endpoints on ``host:port`` in a background thread."""

    def __init__(
        self,
        host: str,
        port: int,
        metrics: Callable[[], bytes],
        status: StatusSource,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._server = _Server((host, port), metrics, status)
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if ssl_context is not None else "http"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="status-http", daemon=True
        )

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
