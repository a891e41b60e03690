"""The status address: Prometheus /metrics, the JSON status, and the page rendered by a real
headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
import uuid as uuidlib
from pathlib import Path

import pytest

from protos import coordinator_pb2 as cpb
from protos import import_kvpb_pb2 as pb
from tests.importer.conftest import Harness, StartServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.headers.get("Content-Type", ""), resp.read()


def _job_with_progress(h: Harness) -> None:
    plan = cpb.JobPlan(source_dir="/dump")
    t = plan.tables.add(db="shop", name="orders")
    for i in range(3):
        t.chunks.add(path=f"shop.orders.{i}.sql", offset=0, end_offset=50)
    plan.tables.add(db="shop", name="<b>customers</b>")
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-7", plan=plan, worker_id="e"))
    for _ in range(4):  # schema, the empty table's finalize, two chunks
        task = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-7", worker_id="e")).task
        req = cpb.CompleteTaskRequest(job_id="job-7", task_id=task.task_id, rows=11)
        if task.kind == cpb.CHUNK:
            req.checksum.kvs = 1
        elif task.kind == cpb.FINALIZE:
            req.remote_checksum.CopyFrom(task.expected_checksum)
        h.coord.CompleteTask(req)
    u = uuidlib.uuid4().bytes
    h.kv.OpenEngine(pb.OpenEngineRequest(uuid=u))


def test_metrics_and_json_status(start_server: StartServer) -> None:
    h = start_server(**{"status-server-address": "127.0.0.1:0"})
    _job_with_progress(h)
    base = f"http://{h.server.status_address}"
    ctype, body = _get(base + "/metrics")
    assert ctype.startswith("text/plain")
    text = body.decode()
    for name in (
        "flashload_importer_write_bytes_total",
        'flashload_importer_engines{state="open"} 1.0',
        "flashload_importer_import_progress_ratio",
        "flashload_importer_rpc_duration_seconds",
        'flashload_importer_job_chunks{job_id="job-7",kind="done"} 2.0',
        'flashload_importer_requests_total{code="OK",method="LeaseTask"}',
    ):
        assert name in text, name
    _, body = _get(base + "/api/status")
    status = json.loads(body)
    (job,) = status["jobs"]
    orders = job["tables"][0]
    assert (orders["state"], orders["chunks_done"], orders["chunks_total"]) == ("writing", 2, 3)
    assert job["tables"][1]["state"] == "verified"  # no chunks: finalized right away
    assert status["engines"][0]["state"] == "open"
    with pytest.raises(urllib.error.HTTPError) as info:
        _get(base + "/nope")
    assert info.value.code == 404


@pytest.mark.chromium
def test_status_page_renders_job_progress_in_headless_chromium(
    start_server: StartServer, tmp_path: Path
) -> None:
    if CHROMIUM is None:
        if os.environ.get("FLASHLOAD_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail("chromium is required (FLASHLOAD_REQUIRE_SYSTEM_DEPS=1) but missing")
        pytest.skip("chromium not installed")
    h = start_server(**{"status-server-address": "127.0.0.1:0"})
    _job_with_progress(h)
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"http://{h.server.status_address}/",
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    dom = result.stdout.decode()
    # The script fetched /api/status and rendered it.
    assert 'data-job="job-7"' in dom
    assert 'data-table="shop.orders" data-state="writing"' in dom
    assert '<td class="chunks">2/3</td>' in dom
    assert 'Updated: <span id="updated">never' not in dom
    # Names are escaped, not injected as markup.
    assert "&lt;b&gt;customers&lt;/b&gt;" in dom and "<b>customers</b>" not in dom
    assert "<td>open</td>" in dom  # the engine table
