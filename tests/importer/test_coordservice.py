"""The Coordinator gRPC service on the importer's port: an encoder-shaped run of a job, and
errors as gRPC statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest

from protos import coordinator_pb2 as cpb
from tests.importer.conftest import StartServer


def job_plan(with_empty_table: bool = True) -> cpb.JobPlan:
    p = cpb.JobPlan(source_dir="/dump")
    t = p.tables.add(db="shop", name="orders", total_bytes=300)
    for i in range(3):
        t.chunks.add(path=f"shop.orders.{i:03d}.sql", offset=0, end_offset=100, engine_id=i % 2)
    if with_empty_table:
        p.tables.add(db="shop", name="empty")
    return p


def ck(checksum: int, kvs: int, nbytes: int) -> cpb.KVChecksum:
    return cpb.KVChecksum(checksum=checksum, kvs=kvs, bytes=nbytes)


def drive(stub: Any, worker: str, results: dict[str, cpb.KVChecksum]) -> list[str]:
    """A minimal encoder loop: lease, 'work', complete; returns the task ids it completed."""
    done = []
    while True:
        resp = stub.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id=worker))
        which = resp.WhichOneof("result")
        if which == "job_done":
            return done
        if which == "retry_after_ms":
            continue
        assert which == "task", resp
        task = resp.task
        hb = stub.Heartbeat(
            cpb.HeartbeatRequest(job_id="job-1", worker_id=worker, lease_ids=[task.lease_id])
        )
        assert list(hb.lost_lease_ids) == []
        req = cpb.CompleteTaskRequest(
            job_id="job-1", worker_id=worker, task_id=task.task_id, lease_id=task.lease_id
        )
        if task.kind == cpb.CHUNK:
            req.checksum.CopyFrom(results[task.task_id])
            req.rows = 10
            req.source_bytes = 100
            req.max_row_id = 10 * (task.chunk_index + 1)
        elif task.kind == cpb.FINALIZE:
            req.remote_checksum.CopyFrom(task.expected_checksum)
        assert stub.CompleteTask(req).accepted
        done.append(task.task_id)


def test_a_job_runs_to_done_through_grpc(start_server: StartServer) -> None:
    h = start_server()
    reg = h.coord.RegisterJob(
        cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="a")
    )
    assert reg.created and reg.plan == job_plan()
    joined = h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", worker_id="b"))
    assert not joined.created and joined.plan == job_plan()
    results = {f"chunk/0/{i}": ck(1 << i, 3, 30) for i in range(3)}
    done = drive(h.coord, "a", results)
    assert done[0] == "schema" and "finalize/0" in done and "finalize/1" in done
    status = h.coord.GetJobStatus(cpb.GetJobStatusRequest(job_id="job-1"))
    assert status.state == "done"
    orders = status.tables[0]
    assert (orders.state, orders.chunks_done, orders.chunks_total) == ("verified", 3, 3)
    assert orders.checksum == ck(0b111, 9, 90) == orders.remote_checksum
    assert orders.rows == 30 and orders.total_source_bytes == 300


def test_finalize_task_carries_engine_ids_and_max_row_id(start_server: StartServer) -> None:
    h = start_server()
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="a"))
    seen: dict[str, Any] = {}

    def lease() -> Any:
        return h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task

    for _ in range(7):
        task = lease()
        seen[task.task_id] = task
        req = cpb.CompleteTaskRequest(job_id="job-1", worker_id="a", task_id=task.task_id)
        if task.kind == cpb.CHUNK:
            req.checksum.CopyFrom(ck(task.chunk_index + 1, 1, 1))
            req.max_row_id = 100 + task.chunk_index
        elif task.kind == cpb.FINALIZE:
            req.remote_checksum.CopyFrom(task.expected_checksum)
        h.coord.CompleteTask(req)
        if task.task_id == "finalize/0":
            break
    fin = seen["finalize/0"]
    assert list(fin.engine_ids) == [0, 1] and fin.max_row_id == 102
    assert fin.expected_checksum == ck(1 ^ 2 ^ 3, 3, 3)


def test_fatal_failure_is_visible_to_every_encoder(start_server: StartServer) -> None:
    h = start_server()
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="a"))
    schema = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task
    failed = h.coord.FailTask(
        cpb.FailTaskRequest(
            job_id="job-1", worker_id="a", task_id=schema.task_id, error="no TiDB", fatal=True
        )
    )
    assert failed.job_failed
    resp = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="b"))
    assert resp.WhichOneof("result") == "job_failed" and "no TiDB" in resp.job_failed


def test_forget_job_only_for_a_failed_job_then_the_id_is_free(start_server: StartServer) -> None:
    h = start_server()
    with pytest.raises(grpc.RpcError) as info:
        h.coord.ForgetJob(cpb.ForgetJobRequest(job_id="job-1", worker_id="a"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="a"))
    with pytest.raises(grpc.RpcError) as info:
        h.coord.ForgetJob(cpb.ForgetJobRequest(job_id="job-1", worker_id="a"))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "only a failed job" in (info.value.details() or "")
    schema = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task
    h.coord.FailTask(
        cpb.FailTaskRequest(
            job_id="job-1", worker_id="a", task_id=schema.task_id, error="no TiDB", fatal=True
        )
    )
    forgot = h.coord.ForgetJob(cpb.ForgetJobRequest(job_id="job-1", worker_id="a"))
    assert "no TiDB" in forgot.error
    reg = h.coord.RegisterJob(
        cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="b")
    )
    assert reg.created


def test_errors_are_grpc_statuses(start_server: StartServer) -> None:
    h = start_server()
    with pytest.raises(grpc.RpcError) as info:
        h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="missing", worker_id="a"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as info:
        h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="", plan=job_plan()))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(), worker_id="a"))
    with pytest.raises(grpc.RpcError) as info:
        h.coord.CompleteTask(cpb.CompleteTaskRequest(job_id="job-1", task_id="chunk/7/7"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_job_survives_an_importer_restart(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "coord"
    h = start_server(data_dir=data_dir)
    plan = job_plan(with_empty_table=False)
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=plan, worker_id="a"))
    schema = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task
    h.coord.CompleteTask(cpb.CompleteTaskRequest(job_id="job-1", task_id=schema.task_id))
    chunk = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task
    req = cpb.CompleteTaskRequest(job_id="job-1", task_id=chunk.task_id)
    req.checksum.CopyFrom(ck(5, 1, 1))
    h.coord.CompleteTask(req)
    h.close()

    h2 = start_server(data_dir=data_dir)
    status = h2.coord.GetJobStatus(cpb.GetJobStatusRequest(job_id="job-1"))
    assert status.schema_state == "done" and status.tables[0].chunks_done == 1
    nxt = h2.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="b")).task
    assert nxt.task_id not in ("schema", chunk.task_id)
    assert not h2.coord.CompleteTask(req).accepted


def test_capacity_reports_the_data_dirs_free_space_and_ratio(start_server: StartServer) -> None:
    h = start_server(**{"import.min-available-ratio": 0.07})
    resp = h.coord.GetCapacity(cpb.GetCapacityRequest())
    assert 0 < resp.available_bytes <= resp.capacity_bytes
    assert resp.min_available_ratio == pytest.approx(0.07)


def test_unverified_completion_and_table_times_through_grpc(start_server: StartServer) -> None:
    h = start_server()
    h.coord.RegisterJob(cpb.RegisterJobRequest(job_id="job-1", plan=job_plan(False), worker_id="a"))
    while True:
        task = h.coord.LeaseTask(cpb.LeaseTaskRequest(job_id="job-1", worker_id="a")).task
        req = cpb.CompleteTaskRequest(job_id="job-1", worker_id="a", task_id=task.task_id)
        if task.kind == cpb.CHUNK:
            req.checksum.CopyFrom(ck(1, 1, 1))
        elif task.kind == cpb.FINALIZE:
            req.unverified = True
        assert h.coord.CompleteTask(req).accepted
        if task.kind == cpb.FINALIZE:
            break
    table = h.coord.GetJobStatus(cpb.GetJobStatusRequest(job_id="job-1")).tables[0]
    assert table.state == "imported"
    assert 0 < table.started_at <= table.finished_at
